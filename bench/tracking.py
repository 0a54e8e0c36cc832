"""The tracking scenarios (issue 7, "Tests and speed"): Certification Summary's first page with
one filter at a time, p95 under 100 ms of server time with 1,000,000 cases in the database and
20,000 in the bench office; and My Worklist (the htmx list of a tab, with and without a search).

bench.tracking_data loads the cases (idempotent, INSERT ... SELECT over generate_series) and
prints samples of the bench office's values to filter by. certification_summary sends, in turn,
each kind of filter (a filter box, "Search..", a status, several statuses, a date window, a date
range, none), each kind's p95 reported and held to the target; worklist sends each tab, with a
search on every other request.

Registered in bench/__main__.py as the other modules are:

    from bench import clinical, scenarios, tracking, wizard
    SCENARIOS = [..., *tracking.SCENARIOS]
    if set(chosen) & set(tracking.SCENARIOS):
        data_tracking = tracking.tracking_data_prepare(env)
        print(data_tracking.line(), flush=True)
        for name, scenario in tracking.SCENARIOS.items():
            available[name] = lambda scenario=scenario: scenario(data_tracking)
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from bench.client import Response, Session
from bench.scenarios import Request, Scenario
from bench.server import BASE_DIR

SUMMARY_TARGET_P95_MS = 100
WORKLIST_TARGET_P95_MS = 100
SUMMARY_PATH = "/cases/certification-summary/"
WORKLIST_PATH = "/cases/worklist/"
# Must match bench.tracking_data.TRACKING_DATA_MARKER (that module imports Django).
TRACKING_DATA_MARKER = "BENCH_TRACKING_DATA "
_TRACKING_DATA_CODE = "from bench.tracking_data import main; main()"

# Certification Summary's kinds of filter, in the order they are sent and reported.
SUMMARY_KINDS = (
    "none",
    "authorization_number",
    "case_number",
    "member_last_name",
    "provider_last_name",
    "provider_npi",
    "procedure_code",
    "search",
    "status",
    "statuses",
    "date",
    "date_range",
)
STATUSES = ("in_review", "hold", "approved", "partially_approved", "denied", "cancelled")
DATE_WINDOWS = ("7", "30", "90", "365")
WORKLIST_TABS = ("pending", "approved", "partially-approved", "denied", "cancelled", "all")


@dataclass(frozen=True)
class TrackingData:
    """What bench.tracking_data printed: the counts and the bench office's values."""

    office: int
    office_cases: int
    total_cases: int
    made: int
    seconds: float
    case_numbers: list[str]
    authorization_numbers: list[str]
    member_last_names: list[str]
    provider_last_names: list[str]
    npis: list[str]
    procedure_codes: list[str]

    @classmethod
    def from_output(cls, output: str) -> TrackingData:
        """From the stdout of bench.tracking_data.main (the last line with the marker)."""
        lines = [line for line in output.splitlines() if line.startswith(TRACKING_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.tracking_data printed no data")
        return cls(**json.loads(lines[-1][len(TRACKING_DATA_MARKER) :]))

    def line(self) -> str:
        return (
            f"tracking: {self.total_cases:,} cases, {self.office_cases:,} submitted of the bench "
            f"office ({self.made:,} made now in {self.seconds:.0f} s)"
        )


def tracking_data_prepare(env: dict[str, str]) -> TrackingData:
    """The cases loaded (or found loaded) and the samples (bench.tracking_data)."""
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", _TRACKING_DATA_CODE]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.tracking_data failed (exit status {done.returncode})")
    return TrackingData.from_output(done.stdout)


def _pick(values: list[str], i: int) -> str:
    return values[(i // len(SUMMARY_KINDS)) % len(values)]


def summary_query(data: TrackingData, i: int, *, today: dt.date | None = None) -> dict:
    """Request number i's query string: the kind i % len(SUMMARY_KINDS) with a sampled value.
    Names are typed whole or by their first three letters, in turn."""
    kind = SUMMARY_KINDS[i % len(SUMMARY_KINDS)]
    turn = i // len(SUMMARY_KINDS)
    today = today or dt.date.today()

    def name(values: list[str]) -> str:
        value = _pick(values, i)
        return value if turn % 2 else value[:3]

    if kind == "none":
        return {}
    if kind == "authorization_number":
        return {kind: _pick(data.authorization_numbers, i)}
    if kind == "case_number":
        return {kind: _pick(data.case_numbers, i)}
    if kind == "member_last_name":
        return {kind: name(data.member_last_names)}
    if kind == "provider_last_name":
        return {kind: name(data.provider_last_names)}
    if kind == "provider_npi":
        return {kind: _pick(data.npis, i)}
    if kind == "procedure_code":
        return {kind: _pick(data.procedure_codes, i)}
    if kind == "search":
        return {"q": name(data.member_last_names) if turn % 2 else _pick(data.case_numbers, i)}
    if kind == "status":
        return {"status": STATUSES[turn % len(STATUSES)]}
    if kind == "statuses":
        first = turn % len(STATUSES)
        return {"statuses": [STATUSES[first], STATUSES[(first + 2) % len(STATUSES)]]}
    if kind == "date":
        return {"date": DATE_WINDOWS[turn % len(DATE_WINDOWS)]}
    start = today - dt.timedelta(days=30 * (1 + turn % 12))
    return {
        "date": "range",
        "date_from": start.isoformat(),
        "date_to": (start + dt.timedelta(days=14)).isoformat(),
    }


def _labelled(response: Response, path: str, kind: str) -> Response:
    # The kind travels in the recorded path's fragment (never sent): the filters are in the body.
    return replace(response, path=f"{path}#{kind}")


def _kind(response: Response) -> str:
    return urlsplit(response.path).fragment


def certification_summary(data: TrackingData) -> Scenario:
    """Certification Summary's first page as typing in a filter box asks for it: an htmx POST of
    the filter form (kept in the session, answered by the results), one kind of filter after
    another; each must show the table."""

    def prepare(session: Session) -> Request:
        token = session.csrf_token(SUMMARY_PATH)

        def send(i: int) -> Response:
            fields = {"csrfmiddlewaretoken": token, **summary_query(data, i)}
            response = session.post(SUMMARY_PATH, fields, headers={"HX-Request": "true"})
            return _labelled(response, SUMMARY_PATH, SUMMARY_KINDS[i % len(SUMMARY_KINDS)])

        return send

    def succeeded(response: Response) -> bool:
        return response.status == 200 and b"portal-certification-summary" in response.body

    return Scenario(
        "certification_summary",
        SUMMARY_TARGET_P95_MS,
        prepare,
        succeeded,
        part=_kind,
        part_order=SUMMARY_KINDS,
    )


def worklist_query(data: TrackingData, i: int) -> dict:
    """Each tab in turn; every other request searches it (a member's first letters or a case
    number), the others with the search box empty."""
    tab = WORKLIST_TABS[i % len(WORKLIST_TABS)]
    turn = i // len(WORKLIST_TABS)
    if turn % 2 == 0:
        return {"tab": tab, "q": ""}
    values = data.member_last_names if turn % 4 == 1 else data.case_numbers
    value = values[turn % len(values)]
    return {"tab": tab, "q": value[:3] if values is data.member_last_names else value}


def worklist(data: TrackingData) -> Scenario:
    """My Worklist as htmx asks for it on Home: the search box's POST (HX-Request: the list
    alone)."""

    def prepare(session: Session) -> Request:
        token = session.csrf_token(WORKLIST_PATH)

        def send(i: int) -> Response:
            query = worklist_query(data, i)
            fields = {"csrfmiddlewaretoken": token, **query}
            response = session.post(WORKLIST_PATH, fields, headers={"HX-Request": "true"})
            return _labelled(response, WORKLIST_PATH, "search" if query["q"] else "tab")

        return send

    def succeeded(response: Response) -> bool:
        return response.status == 200 and b'id="my-worklist"' in response.body

    return Scenario(
        "worklist",
        WORKLIST_TARGET_P95_MS,
        prepare,
        succeeded,
        part=_kind,
        part_order=("tab", "search"),
    )


SCENARIOS = {"certification_summary": certification_summary, "worklist": worklist}

__all__ = [
    "SCENARIOS",
    "TrackingData",
    "certification_summary",
    "summary_query",
    "tracking_data_prepare",
    "worklist",
    "worklist_query",
]
