"""pytest: the same real PostgreSQL and Redis as `make run`, a fast password hasher."""

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests render templates without running collectstatic first.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]

# Each concurrent test run (developer, helper, CI) may name its own test database.
DATABASES["default"]["TEST"] = {"NAME": env("DJANGO_TEST_DATABASE_NAME", default="test_portal")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
