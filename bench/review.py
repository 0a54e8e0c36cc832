"""Medical review's scenarios (issue 8, "Tests and speed"), with 100,000 open cases (in review and
on hold) of the bench reviewer's programs (bench.review_data, loaded once):

- review_queue: the Medical Review Queue page (GET), a mix of filters and pages, each kind's p95
  reported and held to the target (p95 under 100 ms of server time);
- review_take_next: "Take next case" (POST; p95 under 20 ms), each take followed by the Release
  of the case taken, outside the measured request, so every take finds the same queue;
- review_sweeps (not HTTP): the beat's due-date sweeps, each over the 100,000 cases put in the
  state it sweeps, timed in one process as the worker runs them (under 10 s each):
  cases.review.holds.holds_expire (held past due), cases.review.due.due_warnings_send (due
  within 24 hours; the e-mail to the queue's lead into Django's in-memory backend) and
  due_breaches_record (past due).

The reviewer signs in as a person does (Portal Login, then "Verify your identity"), with a
password and authenticator key chosen each run.

The first part of this module is the bench's client side (standard library only); the sweeps'
`sweeps_main` and `sweeps_measure` run inside `manage.py shell` (they import Django there).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from urllib.parse import urlencode, urlsplit

from bench.client import BenchError, Response, Session
from bench.scenarios import Request, Scenario
from bench.server import BASE_DIR, BenchUser

QUEUE_TARGET_P95_MS = 100
TAKE_NEXT_TARGET_P95_MS = 20
SWEEP_TARGET_S = 10
QUEUE_PATH = "/cases/review/"
TAKE_NEXT_PATH = "/cases/review/take-next/"
# Must match bench.review_data.REVIEW_DATA_MARKER (that module imports Django).
REVIEW_DATA_MARKER = "BENCH_REVIEW_DATA "
SWEEPS_MARKER = "BENCH_REVIEW_SWEEPS "
SWEEPS = ("holds_expire", "due_warnings_send", "due_breaches_record")
# Each sweep must have moved or recorded at least this many cases (the set's size).
SWEEP_CASES = 100_000
_REVIEW_DATA_CODE = "from bench.review_data import main; main()"

# The queue's kinds of request, in the order they are sent and reported.
QUEUE_KINDS = (
    "first_page",
    "next_pages",
    "last_page",
    "program",
    "urgency",
    "status",
    "assigned",
    "due_soon",
    "combined",
)
QUEUE_STATUSES = (
    "in_review",
    "hold",
    "information_received",
    "reconsideration",
    "appeal",
    "retrospective",
    "decide_on_original",
    "needs_medical_director",
)
NEXT_PAGES = (2, 3, 4, 5, 10, 20)
LAST_PAGE = 1_000_000  # past the last: the queue shows the last


@dataclass(frozen=True)
class ReviewData:
    """What bench.review_data.main printed: the reviewer, the counts and the programs."""

    reviewer: str
    office: int
    cases: int
    made: int
    seconds: float
    programs: list[str]
    counts: dict[str, int]

    @classmethod
    def from_output(cls, output: str) -> ReviewData:
        """From the stdout of bench.review_data.main (the last line with the marker)."""
        lines = [line for line in output.splitlines() if line.startswith(REVIEW_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.review_data printed no data")
        return cls(**json.loads(lines[-1][len(REVIEW_DATA_MARKER) :]))

    def line(self) -> str:
        each = ", ".join(f"{count:,} {status}" for status, count in sorted(self.counts.items()))
        return (
            f"review: {self.cases:,} open cases ({each}) of {', '.join(self.programs)} for "
            f"{self.reviewer} ({self.made:,} made now; ready in {self.seconds:.0f} s)"
        )


def review_data_prepare(env: dict[str, str]) -> tuple[ReviewData, BenchUser]:
    """The cases loaded (or found loaded) and set in their state of now, and the reviewer with
    a new password and authenticator key (bench.review_data)."""
    user = BenchUser("", secrets.token_urlsafe(24), secrets.token_hex(20))
    run_env = {
        **env,
        "BENCH_REVIEWER_PASSWORD": user.password,
        "BENCH_REVIEWER_TOTP_KEY": user.totp_key,
    }
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", _REVIEW_DATA_CODE]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=run_env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.review_data failed (exit status {done.returncode})")
    data = ReviewData.from_output(done.stdout)
    return data, replace(user, username=data.reviewer)


def reviewer_session(host: str, port: int, reviewer: BenchUser) -> Session:
    """A session of the bench reviewer, signed in with MFA."""
    session = Session(host, port)
    session.login(reviewer.username, reviewer.password, reviewer.totp_key)
    return session


# --- The queue page ----------------------------------------------------------------------------


def queue_query(data: ReviewData, i: int) -> tuple[str, dict]:
    """Request number i's kind and query string: the kind i % len(QUEUE_KINDS), its values
    turning with i."""
    kind = QUEUE_KINDS[i % len(QUEUE_KINDS)]
    turn = i // len(QUEUE_KINDS)
    program = data.programs[turn % len(data.programs)]
    if kind == "first_page":
        return kind, {}
    if kind == "next_pages":
        return kind, {"page": NEXT_PAGES[turn % len(NEXT_PAGES)]}
    if kind == "last_page":
        return kind, {"page": LAST_PAGE}
    if kind == "program":
        return kind, {"program": program, "page": 1 + turn % 2}
    if kind == "urgency":
        return kind, {"urgency": ("urgent", "standard")[turn % 2]}
    if kind == "status":
        return kind, {"status": QUEUE_STATUSES[turn % len(QUEUE_STATUSES)]}
    if kind == "assigned":
        return kind, {"assigned": ("mine", "unassigned")[turn % 2]}
    if kind == "due_soon":
        return kind, {"due_soon": "on"}
    return kind, {
        "program": program,
        "urgency": "standard",
        "status": QUEUE_STATUSES[turn % len(QUEUE_STATUSES)],
        "assigned": "unassigned",
    }


def _kind(response: Response) -> str:
    return urlsplit(response.path).fragment


def review_queue(data: ReviewData) -> Scenario:
    """GET of the Medical Review Queue, one kind of request after another (the first page,
    further pages, the last page, each filter, filters together); each must show the queue."""

    def prepare(session: Session) -> Request:
        def send(i: int) -> Response:
            kind, query = queue_query(data, i)
            path = f"{QUEUE_PATH}?{urlencode(query)}" if query else QUEUE_PATH
            response = session.get(path)
            # The kind travels in the recorded path's fragment (never sent).
            return replace(response, path=f"{path}#{kind}")

        return send

    def succeeded(response: Response) -> bool:
        return response.status == 200 and b"portal-review-queue" in response.body

    return Scenario(
        "review_queue",
        QUEUE_TARGET_P95_MS,
        prepare,
        succeeded,
        part=_kind,
        part_order=QUEUE_KINDS,
    )


# --- Take next case ----------------------------------------------------------------------------


def _case_path(location: str) -> str:
    """The case screen's path "Take next case" redirected to: /cases/review/<public_id>/."""
    path = urlsplit(location).path
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[:2] != ["cases", "review"] or parts[2] == "take-next":
        return ""
    return path


def review_take_next(data: ReviewData) -> Scenario:
    """POST "Take next case" (the measured request): it must redirect to a case screen; the
    case is then released (POST Release, not measured), so the queue stays as it was."""

    def prepare(session: Session) -> Request:
        token = session.csrf_token(QUEUE_PATH)

        def send(i: int) -> Response:
            taken = session.post(TAKE_NEXT_PATH, {"csrfmiddlewaretoken": token})
            case = _case_path(taken.location) if taken.status == 302 else ""
            if case:
                released = session.post(f"{case}release/", {"csrfmiddlewaretoken": token})
                if released.status != 302:
                    raise BenchError(f"Release of {case} answered {released.status}")
            # A browser shows the two messages ("assigned to you", "back in the queue") on its
            # next page; the bench forgets them, or they pile up in its session.
            session.cookies.pop("messages", None)
            return taken

        return send

    def succeeded(response: Response) -> bool:
        return response.status == 302 and bool(_case_path(response.location))

    return Scenario("review_take_next", TAKE_NEXT_TARGET_P95_MS, prepare, succeeded)


SCENARIOS = {"review_queue": review_queue, "review_take_next": review_take_next}


# --- The sweeps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepsResult:
    """What bench.review.sweeps_main printed: per sweep, the cases it moved or recorded, its
    wall-clock and CPU seconds (this process's: the rest is PostgreSQL's), and the machine's
    1-minute load average when it started."""

    sweeps: dict[str, dict[str, float]]

    @classmethod
    def from_output(cls, output: str) -> SweepsResult:
        lines = [line for line in output.splitlines() if line.startswith(SWEEPS_MARKER)]
        if not lines:
            raise SystemExit("bench.review sweeps printed no result")
        return cls(**json.loads(lines[-1][len(SWEEPS_MARKER) :]))

    def line(self) -> str:
        parts = [f"{'review_sweeps':<19}"]
        missed = []
        for name in SWEEPS:
            sweep = self.sweeps[name]
            parts.append(
                f"{name} n={sweep['cases']:,.0f} {sweep['seconds']:.2f}s "
                f"(reset {sweep['reset']:,.0f} cases; CPU {sweep['cpu_s']:.2f}s, "
                f"load {sweep['load']:.1f})"
            )
            if sweep["seconds"] >= SWEEP_TARGET_S or sweep["cases"] < SWEEP_CASES:
                missed.append(name)
        verdict = f"MISSED ({', '.join(missed)})" if missed else "OK"
        parts.append(f"target <{SWEEP_TARGET_S}s each over >={SWEEP_CASES:,} cases  {verdict}")
        return "  ".join(parts)


def sweeps_run(env: dict[str, str]) -> str:
    """Time the sweeps in one fresh process against the bench database (env from
    bench.server.django_environment); returns the line to print."""
    run_env = {**env, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    code = "from bench.review import sweeps_main; sweeps_main()"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=run_env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.review sweeps failed (exit status {done.returncode})")
    return SweepsResult.from_output(done.stdout).line()


def sweeps_main() -> None:
    print(SWEEPS_MARKER + json.dumps({"sweeps": sweeps_measure()}), flush=True)


def sweeps_measure() -> dict[str, dict[str, float]]:
    """Inside `manage.py shell`: for each sweep, put the set's cases in the state it sweeps
    (committed and vacuumed, not timed), run it as the beat task does (its own transactions),
    time it; then the set back in its review state."""
    from django.utils import timezone

    from bench import review_data
    from cases.review.due import due_breaches_record, due_warnings_send
    from cases.review.holds import holds_expire

    sweeps = {
        "holds_expire": (review_data.holds_past_due_reset, holds_expire),
        "due_warnings_send": (review_data.due_soon_reset, due_warnings_send),
        "due_breaches_record": (review_data.past_due_reset, due_breaches_record),
    }
    results = {}
    try:
        for name in SWEEPS:
            reset, sweep = sweeps[name]
            now = timezone.now()
            made = reset(now=now)
            load = os.getloadavg()[0]
            cpu = time.process_time()
            started = time.perf_counter()
            cases = sweep(now=now)
            seconds = time.perf_counter() - started
            results[name] = {
                "cases": cases,
                "reset": made,
                "seconds": seconds,
                "cpu_s": time.process_time() - cpu,
                "load": load,
            }
    finally:
        review_data.review_state_restore(now=timezone.now())
    return results


__all__ = [
    "SCENARIOS",
    "SWEEPS",
    "ReviewData",
    "SweepsResult",
    "queue_query",
    "review_data_prepare",
    "review_queue",
    "review_take_next",
    "reviewer_session",
    "sweeps_measure",
    "sweeps_run",
]
