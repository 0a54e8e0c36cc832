"""The bench's own database (migrated, a million members loaded once) and gunicorn around it."""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg
from kombu import Connection
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "bench_portal"
LARGE_MEMBERS = 1_000_000
BENCH_USERNAME = "bench"
# The bench server's Celery queue: no worker consumes it; emptied before and after each run.
BENCH_QUEUE = "bench"

# The bench user, with a new password and one authenticator app (TOTP, two_factor's "default"
# device) whose key the bench chooses; failed log-ins of an earlier run no longer count (axes).
_BENCH_USER_CODE = """
import os
from axes.utils import reset
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.models import User
user, _ = User.objects.get_or_create(username="bench", defaults={"email": "bench@example.org"})
user.set_password(os.environ["BENCH_PASSWORD"])
user.save()
for device in devices_for_user(user, confirmed=None):
    device.delete()
TOTPDevice.objects.create(
    user=user, name="default", key=os.environ["BENCH_TOTP_KEY"], confirmed=True
)
reset(username="bench")
"""


@dataclass(frozen=True)
class BenchUser:
    username: str
    password: str
    # Hex key of the user's TOTP device as database_prepare made it.
    totp_key: str


class BenchDevice:
    """The bench user's authenticator app. django-otp refuses a code already used in the same
    30-second step (it keeps the last step used), and two_factor checks the code against the
    "default" device only, so each measured log-in gets a fresh device: renew() gives the same
    row a new key and forgets the steps used, outside the measured requests. The row (and the
    persistent id the signed-in sessions hold) stays the same."""

    def __init__(self, database_url: str, key: str):
        self.database = connect(database_url)
        self.key = key

    def renew(self) -> str:
        key = secrets.token_hex(20)
        changed = self.database.execute(
            """
            UPDATE otp_totp_totpdevice
            SET key = %(new)s, last_t = -1, drift = 0,
                throttling_failure_count = 0, throttling_failure_timestamp = NULL
            WHERE key = %(old)s
            """,
            {"new": key, "old": self.key},
        ).rowcount
        if changed != 1:
            raise SystemExit("the bench user's TOTP device is gone: was the database reset?")
        self.key = key
        return key

    def close(self) -> None:
        self.database.close()


def bench_database_url(url: str, name: str = BENCH_DATABASE) -> str:
    """The same server as `url`, database `name` (works for the embedded server's socket URL,
    postgres://postgres@/%2Fpath%2Fto%2Fsocket%2Fdir/portal, as for host:port URLs)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rsplit("/", 1)[0] + "/" + name))


def connect(url: str, *, dbname: str | None = None) -> psycopg.Connection:
    config = environ.Env.db_url_config(url)
    return psycopg.connect(
        dbname=dbname or config["NAME"],
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
        **config.get("OPTIONS", {}),
    )


def django_environment(database_url: str, settings_module: str) -> dict[str, str]:
    """Production settings against the bench database, on the loopback, with Server-Timing."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SERVER_TIMING": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        # The bench looks a few thousand cases up a minute, as one user.
        "DJANGO_AUTHORIZATION_LOOKUPS_PER_MINUTE": "1000000",
        # The e-mails and letters its requests queue stay out of the portal's own queue.
        "CELERY_TASK_DEFAULT_QUEUE": BENCH_QUEUE,
    }


def bench_queue_empty(redis_url: str, queue: str = BENCH_QUEUE) -> int:
    """Empty the bench server's Celery queue (its messages are never worked). Returns how many
    messages it held."""
    with Connection(redis_url) as connection:
        return connection.default_channel.queue_purge(queue) or 0


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    # Our own fixed commands, run with this interpreter.
    if subprocess.call(command, env=env, cwd=BASE_DIR) != 0:  # noqa: S603
        raise SystemExit(f"manage.py {' '.join(args)} failed")


def database_prepare(env: dict[str, str], *, admin_url: str) -> BenchUser:
    """Create, migrate and load the bench database when needed; returns the bench user (new
    password and TOTP key each run)."""
    with connect(admin_url, dbname="postgres") as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if not exists:
            print(f"Creating database {BENCH_DATABASE}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    with connect(env["DATABASE_URL"]) as bench:
        members = bench.execute("SELECT count(*) FROM eligibility_member").fetchone()[0]
        diagnoses = bench.execute("SELECT count(*) FROM eligibility_diagnosiscode").fetchone()[0]
    if members < LARGE_MEMBERS:
        print(f"Loading the large data set ({members:,} members now); this takes a few minutes")
        started = time.perf_counter()
        manage(env, "seed_demo", "--scale", "large")
        print(f"Large data set loaded in {time.perf_counter() - started:.0f} s")
    elif not diagnoses:
        manage(env, "load_icd10cm")
    user = BenchUser(BENCH_USERNAME, secrets.token_urlsafe(24), secrets.token_hex(20))
    secrets_env = {"BENCH_PASSWORD": user.password, "BENCH_TOTP_KEY": user.totp_key}
    manage({**env, **secrets_env}, "shell", "--no-imports", "-c", _BENCH_USER_CODE)
    return user


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_running(
    env: dict[str, str], *, workers: int = 2, threads: int = 2
) -> Iterator[tuple[str, int]]:
    """gunicorn on a free loopback port; always stopped on the way out. gthread workers, because
    the sync worker closes the connection after every response (no keep-alive)."""
    host, port = "127.0.0.1", free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi:application",
        f"--bind={host}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=5",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=BASE_DIR)  # noqa: S603
    try:
        _wait_until_serving(host, port, process)
        yield host, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(host: str, port: int, process: subprocess.Popen, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        connection = http.client.HTTPConnection(host, port, timeout=5)
        try:
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer on {host}:{port} within {timeout:.0f} s")
