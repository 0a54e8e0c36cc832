"""The clinical scenarios (issue 6, "Tests and speed"): SUBMIT CASE with its decision (p95
under 100 ms of server time, and sustained submissions of complete cases: at least 50/s on
this machine), and the question page (p95 under 50 ms).

SUBMIT CASE runs against a pool of ready-to-submit cases of the bench office (only the
attestation is left) that bench.clinical_data makes: one fresh case per request, each taken
once by whichever client thread sends next, so no case is ever submitted twice. The question
page is the GET of one locked-in case on the 73721 pathway with three answers given.
"""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.client import Response, Session
from bench.scenarios import Request, Scenario, ScenarioExhausted
from bench.server import BASE_DIR

SUBMIT_TARGET_P95_MS = 100
SUBMISSIONS_TARGET_PER_S = 50
QUESTION_TARGET_P95_MS = 50
# Must match bench.clinical_data.CLINICAL_DATA_MARKER (that module imports Django).
CLINICAL_DATA_MARKER = "BENCH_CLINICAL_DATA "
# Ready cases made for each second of the throughput run: above what the server can submit.
POOL_PER_SECOND = 250


@dataclass(frozen=True)
class ClinicalData:
    """What bench.clinical_data printed."""

    # Ready-to-submit cases (approve and review alternating).
    ready: list[str]
    made: int
    question_case: str
    question_text: str
    answered: int

    @classmethod
    def from_output(cls, output: str) -> ClinicalData:
        """From the stdout of bench.clinical_data.main (the last line with the marker)."""
        lines = [line for line in output.splitlines() if line.startswith(CLINICAL_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.clinical_data printed no data")
        return cls(**json.loads(lines[-1][len(CLINICAL_DATA_MARKER) :]))

    @property
    def question_path(self) -> str:
        return f"/cases/{self.question_case}/clinical/questions/"


def pool_size(*, requests: int, warmup: int, duration: float) -> int:
    """Ready cases one run of submit_case may take: every request, warm-up included, and the
    most the throughput run could submit."""
    return requests + warmup + math.ceil(duration * POOL_PER_SECOND)


def clinical_data_prepare(env: dict[str, str], ready: int) -> ClinicalData:
    """The pool topped up to `ready` cases, and the question case (bench.clinical_data)."""
    code = f"from bench.clinical_data import main; main({int(ready)})"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.clinical_data failed (exit status {done.returncode})")
    return ClinicalData.from_output(done.stdout)


class CasePool:
    """The ready cases, each handed out once, to whichever thread asks first."""

    def __init__(self, public_ids: list[str]):
        self._left = list(reversed(public_ids))
        self._lock = threading.Lock()
        self.taken: list[str] = []

    def take(self) -> str:
        with self._lock:
            if not self._left:
                raise ScenarioExhausted("no ready case left to submit")
            public_id = self._left.pop()
            self.taken.append(public_id)
            return public_id

    @property
    def left(self) -> int:
        with self._lock:
            return len(self._left)


def submit_path(public_id: str) -> str:
    return f"/cases/{public_id}/clinical/submit/"


def _case_of(path: str) -> str:
    """/cases/<id>/... -> <id>."""
    parts = urlsplit(path).path.strip("/").split("/")
    return parts[1] if len(parts) > 1 and parts[0] == "cases" else ""


def submit_case(data: ClinicalData, pool: CasePool) -> Scenario:
    """SUBMIT CASE (POST attest=on) of a fresh ready case per request: each must redirect
    (302, not followed) to that case's summary."""

    def prepare(session: Session) -> Request:
        token = session.csrf_token(data.question_path)

        def send(i: int) -> Response:
            return session.post(
                submit_path(pool.take()), {"csrfmiddlewaretoken": token, "attest": "on"}
            )

        return send

    def succeeded(response: Response) -> bool:
        public_id = _case_of(response.path)
        return (
            response.method == "POST"
            and bool(public_id)
            and response.status == 302
            and urlsplit(response.location).path == f"/cases/{public_id}/summary/"
        )

    return Scenario("submit_case", SUBMIT_TARGET_P95_MS, prepare, succeeded)


def clinical_question_page(data: ClinicalData) -> Scenario:
    """GET of the question case's question page: the question it is on must be shown."""
    text = html.escape(data.question_text).encode()

    def prepare(session: Session) -> Request:
        return lambda i: session.get(data.question_path)

    def succeeded(response: Response) -> bool:
        return response.status == 200 and text in response.body

    return Scenario("clinical_question_page", QUESTION_TARGET_P95_MS, prepare, succeeded)


def submissions_extra(throughput: float) -> str:
    """The throughput run's submissions per second, held to the issue's 50/s."""
    verdict = "OK" if throughput >= SUBMISSIONS_TARGET_PER_S else "MISSED"
    return f"submissions/s={throughput:.1f} (target >={SUBMISSIONS_TARGET_PER_S}/s {verdict})"


SCENARIOS = ("submit_case", "clinical_question_page")

__all__ = [
    "SCENARIOS",
    "CasePool",
    "ClinicalData",
    "clinical_data_prepare",
    "clinical_question_page",
    "pool_size",
    "submit_case",
    "submissions_extra",
]
