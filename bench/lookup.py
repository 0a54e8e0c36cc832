"""Authorization Lookup's scenarios (issue 7, "Tests and speed"): p95 under 30 ms of server time
for a lookup by authorization (or case) number and NPI, for a lookup by member information, and
for the result page a lookup leads to.

They run against submitted cases of the bench office ("Bench Family Practice"), each of its own
member and ordered by one of the office's linked practitioners, approved (an authorization
number) and pending (a case number only) in turn. `lookup_data_ensure` makes them once in the
bench database, as submitted cases look after SUBMIT CASE (case and authorization numbers from
the database sequences, a procedure line, the status event), and re-uses them on later runs.

Each lookup is a POST whose answer must be the redirect to that case's result page (or, for a
member with several cases at that NPI, the list naming it); each is written to the access log,
as in production. The lookups are rate-limited per user (30 a minute by default): the server
the bench starts must raise the limit (DJANGO_AUTHORIZATION_LOOKUPS_PER_MINUTE), or nearly every
measured lookup answers 429 and counts as an error.

The first part of this module is the bench's client side (standard library only); the second,
`lookup_data_ensure` and `main`, runs inside `manage.py shell` (it imports Django there).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

from bench.client import Response, Session
from bench.scenarios import Request, Scenario
from bench.server import BASE_DIR

LOOKUP_TARGET_P95_MS = 30
LOOKUP_PATH = "/cases/authorization-lookup/"
LOOKUP_DATA_MARKER = "BENCH_LOOKUP_DATA "
# Submitted cases made for the lookups (each of its own member).
LOOKUP_CASES = 2000
_LOOKUP_DATA_CODE = "from bench.lookup import main; main()"


@dataclass(frozen=True)
class LookupData:
    """What bench.lookup.main printed: one row per submitted case to look up, [public_id, npi,
    number (the authorization number, else the case number), case_number, health plan id,
    patient_id, MM/DD/YYYY]; and how many cases were made now."""

    cases: list[list]
    made: int

    @classmethod
    def from_output(cls, output: str) -> LookupData:
        """From the stdout of bench.lookup.main (the last line with the marker)."""
        lines = [line for line in output.splitlines() if line.startswith(LOOKUP_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.lookup printed no data")
        return cls(**json.loads(lines[-1][len(LOOKUP_DATA_MARKER) :]))

    def summary(self) -> str:
        approved = sum(1 for row in self.cases if str(row[2]).startswith("A"))
        return (
            f"lookup: {len(self.cases):,} submitted cases of the bench office ({approved:,} "
            f"approved, {self.made:,} made now)"
        )


def lookup_data_prepare(env: dict[str, str]) -> LookupData:
    """The bench office's cases to look up, made when missing (bench.lookup.main)."""
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", _LOOKUP_DATA_CODE]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.lookup data failed (exit status {done.returncode})")
    return LookupData.from_output(done.stdout)


def result_path(public_id: str) -> str:
    return f"/cases/{public_id}/authorization/"


def _to_a_result(paths: set[str]):
    """The lookup found one of the sample's cases: the redirect to its result page."""

    def succeeded(response: Response) -> bool:
        return (
            response.method == "POST"
            and response.status == 302
            and urlsplit(response.location).path in paths
        )

    return succeeded


def lookup_by_number(data: LookupData) -> Scenario:
    """ "Search by Authorization Number/ NPI": the authorization number of an approved case,
    the case number of a pending one, with the ordering provider's NPI."""
    cases = data.cases

    def prepare(session: Session) -> Request:
        token = session.csrf_token(LOOKUP_PATH)

        def send(i: int) -> Response:
            _, npi, number, *_ = cases[i % len(cases)]
            return session.post(
                LOOKUP_PATH,
                {
                    "csrfmiddlewaretoken": token,
                    "search_by": "number",
                    "number-npi": npi,
                    "number-number": number,
                },
            )

        return send

    paths = {result_path(row[0]) for row in cases}
    return Scenario("lookup_by_number", LOOKUP_TARGET_P95_MS, prepare, _to_a_result(paths))


def lookup_by_member(data: LookupData) -> Scenario:
    """ "Search by Member Information": Healthplan, Provider NPI, Patient ID and Patient Date
    of Birth; every other lookup with the Case Number too."""
    cases = data.cases

    def prepare(session: Session) -> Request:
        token = session.csrf_token(LOOKUP_PATH)

        def send(i: int) -> Response:
            _, npi, _, case_number, plan_id, patient_id, born = cases[i % len(cases)]
            return session.post(
                LOOKUP_PATH,
                {
                    "csrfmiddlewaretoken": token,
                    "search_by": "member",
                    "member-health_plan": plan_id,
                    "member-npi": npi,
                    "member-patient_id": patient_id,
                    "member-date_of_birth": born,
                    "member-case_number": case_number if i % 2 else "",
                    "member-authorization_number": "",
                },
            )

        return send

    paths = {result_path(row[0]) for row in cases}
    return Scenario("lookup_by_member", LOOKUP_TARGET_P95_MS, prepare, _to_a_result(paths))


def authorization_page(data: LookupData) -> Scenario:
    """GET of a case's result page (where a lookup leads): its case number must be shown."""
    cases = data.cases

    def prepare(session: Session) -> Request:
        return lambda i: session.get(result_path(cases[i % len(cases)][0]))

    def succeeded(response: Response) -> bool:
        return response.status == 200 and b'data-field="case-number"' in response.body

    return Scenario("authorization_page", LOOKUP_TARGET_P95_MS, prepare, succeeded)


SCENARIOS = {
    "lookup_by_number": lookup_by_number,
    "lookup_by_member": lookup_by_member,
    "authorization_page": authorization_page,
}


# --- The bench data: runs inside `manage.py shell` --------------------------------------------

# Marks the cases this module made (a bench office's contact name), so a later run finds them.
LOOKUP_CONTACT_NAME = "Bench Lookup Desk"
_BATCH = 500


def main() -> None:
    print(LOOKUP_DATA_MARKER + json.dumps(lookup_data_ensure()), flush=True)


def lookup_data_ensure(wanted: int = LOOKUP_CASES) -> dict:
    """The bench office's lookup cases topped up to `wanted`, and the rows the scenarios send."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from bench.wizard_data import (
        BENCH_USERNAME,
        PROCEDURE_CODE,
        PROGRAM_CODE,
        _covered_members,
        _draft_make,
        _draft_reusable,
        _office_ensure,
    )
    from cases.models import Case
    from cases.selectors import draft_with_related
    from eligibility.models import Delegation, PractitionerAddress, ProcedureCode, Program

    with transaction.atomic():
        today = timezone.localdate()
        now = timezone.now()
        user = User.objects.get(username=BENCH_USERNAME)
        office = _office_ensure(user)
        mine = Case.objects.filter(
            office=office, submitted_at__isnull=False, contact_name=LOOKUP_CONTACT_NAME
        )
        missing = wanted - mine.count()
        made = 0
        if missing > 0:
            program = Program.objects.get(code=PROGRAM_CODE)
            procedure = ProcedureCode.objects.get(code=PROCEDURE_CODE, programs=program)
            draft = _draft_reusable(office, today) or _draft_make(user, program, procedure, today)
            draft = draft_with_related(Case.objects.filter(pk=draft.pk)).get()
            lines = list(
                Delegation.objects.filter(
                    health_plan=draft.health_plan, program=program
                ).values_list("line_of_business_id", flat=True)
            )
            # Members with no case of the office yet: each lookup case is its member's only
            # one, so a member search finds exactly it.
            taken = set(
                Case.objects.filter(office=office, member__isnull=False).values_list(
                    "member_id", flat=True
                )
            )
            candidates = _covered_members(
                draft.health_plan, lines, draft.date_of_service, wanted + len(taken) + 100
            )
            members = [row[0] for row in candidates if row[0] not in taken][:missing]
            addresses = list(
                PractitionerAddress.objects.filter(
                    is_primary=True, practitioner__office_links__office=office
                )
                .order_by("practitioner__npi")
                .values_list("practitioner_id", "pk")
            )
            for start in range(0, len(members), _BATCH):
                batch = members[start : start + _BATCH]
                made += _cases_make(
                    draft=draft,
                    user=user,
                    members=batch,
                    addresses=addresses,
                    offset=start + (wanted - missing),
                    now=now,
                    today=today,
                )
        rows = list(
            mine.order_by("pk").values_list(
                "public_id",
                "practitioner__npi",
                "authorization_number",
                "case_number",
                "member__health_plan_id",
                "member__patient_id",
                "member__date_of_birth",
            )[:wanted]
        )
    return {
        "cases": [
            [
                str(public_id),
                npi,
                authorization or case_number,
                case_number,
                plan,
                patient,
                f"{born:%m/%d/%Y}",
            ]
            for public_id, npi, authorization, case_number, plan, patient, born in rows
        ],
        "made": made,
    }


def _cases_make(*, draft, user, members, addresses, offset, now, today) -> int:
    """Submitted copies of the draft, one per member, in bulk: approved and pending in turn,
    their numbers from the database sequences, with the draft's procedure line and the status
    event SUBMIT CASE writes."""
    from datetime import timedelta

    from django.db import connection

    from cases.models import Case, ProcedureLine, StatusEvent

    count = len(members)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('cases_case_number_seq'), nextval('cases_authorization_number_seq') "
            "FROM generate_series(1, %s)",
            [count],
        )
        numbers = cursor.fetchall()
    skipped = {
        "id",
        "public_id",
        "created_at",
        "updated_at",
        "start_token",
        "member_id",
        "coverage_id",
        "practitioner_id",
        "practitioner_address_id",
    }
    template = {
        field.attname: getattr(draft, field.attname)
        for field in Case._meta.concrete_fields
        if field.attname not in skipped
    }
    cases = []
    for index, (member_id, (case_number, authorization)) in enumerate(
        zip(members, numbers, strict=True)
    ):
        practitioner_id, address_id = addresses[(offset + index) % len(addresses)]
        approved = (offset + index) % 2 == 0
        submitted_at = now - timedelta(minutes=offset + index)
        values = {
            **template,
            "member_id": member_id,
            "coverage_id": None,
            "practitioner_id": practitioner_id,
            "practitioner_address_id": address_id,
            "contact_name": LOOKUP_CONTACT_NAME,
            "locked_at": submitted_at,
            "expires_at": None,
            "urgency_done": True,
            "is_routine": True,
            "submitted_at": submitted_at,
            "attested_at": submitted_at,
            "case_number": str(case_number),
            "status": Case.Status.APPROVED if approved else Case.Status.IN_REVIEW,
        }
        if approved:
            values |= {
                "authorization_number": f"A{authorization}",
                "review_date": today,
                "expiration_date": today + timedelta(days=45),
            }
        else:
            values |= {"due_at": submitted_at + timedelta(days=7)}
        cases.append(Case(**values))
    cases = Case.objects.bulk_create(cases)
    line = draft.primary_procedure_line
    ProcedureLine.objects.bulk_create(
        ProcedureLine(
            case=case,
            position=1,
            procedure_code_id=line.procedure_code_id,
            quantity_requested=line.quantity_requested,
        )
        for case in cases
    )
    StatusEvent.objects.bulk_create(
        StatusEvent(
            case=case,
            from_status=Case.Status.DRAFT,
            to_status=case.status,
            by=user,
            at=case.submitted_at,
            reason="Submitted (bench)",
        )
        for case in cases
    )
    return len(cases)


__all__ = [
    "LOOKUP_CASES",
    "LOOKUP_TARGET_P95_MS",
    "SCENARIOS",
    "LookupData",
    "authorization_page",
    "lookup_by_member",
    "lookup_by_number",
    "lookup_data_prepare",
    "lookup_data_ensure",
    "main",
]
