"""python -m bench [--scenarios ...] [--requests N]: prints one line per scenario."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from bench import clinical, letters, lookup, p2p, review, scenarios, tracking, wizard
from bench.client import BenchError, Session
from bench.server import (
    BenchDevice,
    bench_database_url,
    bench_queue_empty,
    connect,
    database_prepare,
    django_environment,
    gunicorn_running,
)

SCENARIOS = [
    "eligibility_lookup",
    "diagnosis_search",
    "home",
    "login_mfa",
    *wizard.SCENARIOS,
    *clinical.SCENARIOS,
    *tracking.SCENARIOS,
    *lookup.SCENARIOS,
    # Not an HTTP scenario: letters rendered per second in one process (after submit_case,
    # whose approved cases it renders letters for).
    "letters_render",
    *review.SCENARIOS,
    *p2p.SCENARIOS,
    # Not HTTP either: the due-date sweeps over 100,000 cases, timed in one process.
    "review_sweeps",
]
# Scenarios not sent to gunicorn (run after it stops).
IN_PROCESS = ("letters_render", "review_sweeps")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, from: {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured requests each")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--logins", type=int, default=300, help="measured log-ins (login_mfa)")
    parser.add_argument("--login-warmup", type=int, default=20, help="log-ins before measuring")
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
    if (
        min(options.requests, options.threads, options.logins) < 1
        or min(options.warmup, options.login_warmup) < 0
        or options.duration <= 0
    ):
        parser.error(
            "--requests, --threads and --logins must be at least 1, the warm-ups at least 0, "
            "--duration more than 0"
        )
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        parser.error("DATABASE_URL or REDIS_URL is not set: run `make bench`")

    env = django_environment(bench_database_url(os.environ["DATABASE_URL"]), options.settings)
    user = database_prepare(env, admin_url=os.environ["DATABASE_URL"])
    today = datetime.now(ZoneInfo(os.environ.get("DJANGO_TIME_ZONE", "America/New_York"))).date()
    with connect(env["DATABASE_URL"]) as database:
        members = scenarios.members_sample(database, today=today, size=50_000, seed=7)
    available = {
        "eligibility_lookup": lambda: scenarios.eligibility_lookup(members),
        "diagnosis_search": scenarios.diagnosis_search,
        "home": scenarios.home,
    }
    if set(chosen) & set(wizard.SCENARIOS):
        # The bench office and its draft, made or re-used (bench.wizard_data).
        data = wizard.wizard_data_prepare(env)
        print(
            f"wizard draft {data.draft}; {len(data.members):,} sampled members, "
            f"{len(data.practitioner_prefixes)} last-name prefixes, {len(data.sites)} sites",
            flush=True,
        )
        for name, scenario in wizard.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data)

    pool = None
    if set(chosen) & set(clinical.SCENARIOS):
        # Ready-to-submit cases and the question case, made or re-used (bench.clinical_data).
        ready = clinical.pool_size(
            requests=options.requests, warmup=options.warmup, duration=options.duration
        )
        data_clinical = clinical.clinical_data_prepare(env, ready)
        pool = clinical.CasePool(data_clinical.ready[:ready])
        print(
            f"clinical: {len(data_clinical.ready):,} ready cases ({data_clinical.made:,} made "
            f"now), {ready:,} for submit_case; question case {data_clinical.question_case} "
            f"with {data_clinical.answered} answers",
            flush=True,
        )
        available["submit_case"] = lambda: clinical.submit_case(data_clinical, pool)
        available["clinical_question_page"] = lambda: clinical.clinical_question_page(data_clinical)

    if set(chosen) & set(tracking.SCENARIOS):
        # 1,000,000 cases, 20,000 of the bench office, loaded once (bench.tracking_data).
        data_tracking = tracking.tracking_data_prepare(env)
        print(data_tracking.line(), flush=True)
        for name, scenario in tracking.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data_tracking)

    if set(chosen) & set(lookup.SCENARIOS):
        # Submitted cases of the bench office to look up, made or re-used (bench.lookup).
        data_lookup = lookup.lookup_data_prepare(env)
        print(data_lookup.summary(), flush=True)
        for name, scenario in lookup.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data_lookup)

    if set(chosen) & set(p2p.SCENARIOS):
        # The denied case, 50 physicians with slots every day, the bench office's appointments
        # of the last run cancelled (bench.p2p).
        data_p2p = p2p.p2p_data_prepare(env)
        print(data_p2p.line(), flush=True)
        for name, scenario in p2p.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data_p2p)

    reviewer = None
    if set(chosen) & {*review.SCENARIOS, "review_sweeps"}:
        # 100,000 open cases of the bench reviewer's programs, loaded once and set in their
        # state of now; the reviewer with a new password and key (bench.review_data).
        data_review, reviewer = review.review_data_prepare(env)
        print(data_review.line(), flush=True)
        for name, scenario in review.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data_review)

    device = BenchDevice(env["DATABASE_URL"], user.totp_key)
    try:
        bench_queue_empty(os.environ["REDIS_URL"])
        with gunicorn_running(env) as (host, port):
            _run(options, chosen, available, members, user, device, host, port, pool, reviewer)
        if "letters_render" in chosen:
            print(letters.letters_rate(env), flush=True)
        if "review_sweeps" in chosen:
            print(review.sweeps_run(env), flush=True)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        device.close()
        _bench_queue_drop()
    return 0


def _bench_queue_drop() -> None:
    """Empty the bench server's queue after a run; a broker error here is reported, and does
    not hide how the run went."""
    try:
        dropped = bench_queue_empty(os.environ["REDIS_URL"])
    except Exception as error:  # noqa: BLE001 -- any broker failure: report it and go on
        print(f"bench: the bench queue was not emptied: {error}", file=sys.stderr, flush=True)
    else:
        print(f"{dropped:,} queued tasks of the bench server dropped (no worker runs them)")


def _run(options, chosen, available, members, user, device, host, port, pool, reviewer) -> None:
    session = Session(host, port)
    session.login(user.username, user.password, device.key)
    # The review scenarios run as the bench reviewer (signed in once, when first needed).
    review_session = None
    print(
        f"gunicorn 2 workers x 2 threads on {host}:{port}; {len(members):,} sampled members; "
        f"{options.requests} requests after {options.warmup} warm-up, then "
        f"{options.threads} threads for {options.duration:g} s; "
        f"{options.logins} log-ins after {options.login_warmup} warm-up",
        flush=True,
    )
    throughput: dict[str, float] = {}
    for name in chosen:
        if name in IN_PROCESS:
            continue
        if name == "login_mfa":
            result = scenarios.login_mfa(
                host, port, user, device, logins=options.logins, warmup=options.login_warmup
            )
            print(result.line(), flush=True)
            continue
        scenario_session = session
        if name in review.SCENARIOS:
            if review_session is None:
                review_session = review.reviewer_session(host, port, reviewer)
            scenario_session = review_session
        result = scenarios.run(
            available[name](),
            scenario_session,
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
        if name == "submit_case":
            extra = clinical.submissions_extra(result.throughput)
            if pool is not None and not pool.left:
                extra += " (ran out of ready cases: a lower bound)"
        print(result.line(extra=extra), flush=True)
    session.close()
    if review_session is not None:
        review_session.close()


if __name__ == "__main__":
    sys.exit(main())
