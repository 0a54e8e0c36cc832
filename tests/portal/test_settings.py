import os
import subprocess
import sys

from django.conf import settings

from portal.celery import app


def run_settings_check(extra_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DATABASE_URL": "postgres://unused@localhost/unused",
        "REDIS_URL": "redis://localhost:6379/0",
        **extra_env,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings_check({"DJANGO_SECRET_KEY": ""})
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_settings_check({"DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_celery_uses_redis_url_for_broker_and_results():
    assert settings.REDIS_URL
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.result_backend == settings.REDIS_URL


def test_database_is_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
