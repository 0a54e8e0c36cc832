"""python -m bench [--scenarios ...] [--requests N]: prints one line per scenario."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bench import scenarios
from bench.client import Session
from bench.server import (
    BENCH_USERNAME,
    bench_database_url,
    connect,
    database_prepare,
    django_environment,
    gunicorn_running,
)

SCENARIOS = ["eligibility_lookup", "diagnosis_search", "home"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from: {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured requests each")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--threads", type=int, default=4, help="clients of the throughput run")
    parser.add_argument("--duration", type=float, default=10, help="seconds of the throughput run")
    parser.add_argument(
        "--settings",
        default="portal.settings.production",
        help="settings module of gunicorn and manage.py (default: %(default)s)",
    )
    options = parser.parse_args(argv)
    chosen = [name.strip() for name in options.scenarios.split(",") if name.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if min(options.requests, options.threads) < 1 or options.warmup < 0 or options.duration <= 0:
        parser.error("--requests and --threads must be at least 1, --duration more than 0")
    if not os.environ.get("DATABASE_URL"):
        parser.error("DATABASE_URL is not set: run `make bench`")

    env = django_environment(bench_database_url(os.environ["DATABASE_URL"]), options.settings)
    password = database_prepare(env, admin_url=os.environ["DATABASE_URL"])
    today = datetime.now(ZoneInfo(os.environ.get("DJANGO_TIME_ZONE", "America/New_York"))).date()
    with connect(env["DATABASE_URL"]) as database:
        members = scenarios.members_sample(database, today=today, size=50_000, seed=7)
    available = {
        "eligibility_lookup": lambda: scenarios.eligibility_lookup(members),
        "diagnosis_search": scenarios.diagnosis_search,
        "home": scenarios.home,
    }

    with gunicorn_running(env) as (host, port):
        session = Session(host, port)
        session.login(BENCH_USERNAME, password)
        print(
            f"gunicorn 2 workers x 2 threads on {host}:{port}; {len(members):,} sampled members; "
            f"{options.requests} requests after {options.warmup} warm-up, then "
            f"{options.threads} threads for {options.duration:g} s",
            flush=True,
        )
        throughput: dict[str, float] = {}
        for name in chosen:
            result = scenarios.run(
                available[name](),
                session,
                requests=options.requests,
                warmup=options.warmup,
                threads=options.threads,
                duration=options.duration,
            )
            throughput[name] = result.throughput
            extra = ""
            if name == "home" and "eligibility_lookup" in throughput:
                ratio = throughput["eligibility_lookup"] / result.throughput
                extra = f"lookup/home={ratio:.2f}"
            print(result.line(extra=extra), flush=True)
        session.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
