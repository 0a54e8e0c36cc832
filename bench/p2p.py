"""The P2P scheduler's scenarios (issue 9, "Tests and speed"): the week of appointment times with
50 reviewing physicians with slots every day of the week (p95 under 100 ms of server time), and
booking a time (P2P Contact Details' Submit, p95 under 50 ms).

They run as the bench user for a denied case of the bench office made once by `p2p_data_ensure`
(a copy of the lookup scenarios' cases, its date of service a year away). The 50 physicians
(bench.p2p.01 …) hold P2Ps 7:00 am to 7:00 pm, Monday to Sunday, in three time zones; half of
them match the case's program. Every run first cancels the bench office's appointments left by
the last, so each booking takes a time nobody holds; each booking takes its own time and a case
of its own (a case is in one scheduled appointment at a time): BOOKING_CASES copies of the
denied case, made once.

The first part of this module is the bench's client side (standard library only); the second,
`p2p_data_ensure` and `main`, runs inside `manage.py shell` (it imports Django there).
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from bench.client import Response, Session
from bench.scenarios import Request, Scenario, ScenarioExhausted
from bench.server import BASE_DIR

WEEK_TARGET_P95_MS = 100
BOOK_TARGET_P95_MS = 50
PHYSICIANS = 50
# Times handed to the booking scenario (its requests, warm-up and throughput run take fewer).
BOOKABLE_SLOTS = 8000
# Denied cases for the booking scenario, one a booking (2,000 requests, 200 warm-up and a
# throughput run of about 800 take fewer).
BOOKING_CASES = 4000
P2P_DATA_MARKER = "BENCH_P2P_DATA "
_P2P_DATA_CODE = "from bench.p2p import main; main()"
ZONE = "America/New_York"
CONTACT = {
    "performer": "contact_person",
    "contact_first_name": "Bench",
    "contact_last_name": "Desk",
    "contact_location": "Provider Office",
    "requesting_provider_name": "Dr. Bench",
    "phone": "6155550100",
    "contact_instructions": "Ask for the bench desk",
}


@dataclass(frozen=True)
class P2PData:
    """What bench.p2p.main printed: the case, the Mondays of the weeks to show (from next
    week), and the bookable times [[physician id, minutes since the epoch], …]."""

    case: str
    mondays: list[str]
    slots: list[list]
    physicians: int
    booking_cases: list[str]

    @classmethod
    def from_output(cls, output: str) -> P2PData:
        lines = [line for line in output.splitlines() if line.startswith(P2P_DATA_MARKER)]
        if not lines:
            raise SystemExit("bench.p2p printed no data")
        return cls(**json.loads(lines[-1][len(P2P_DATA_MARKER) :]))

    def line(self) -> str:
        return (
            f"p2p: case {self.case}; {self.physicians} physicians with slots every day; "
            f"{len(self.slots):,} bookable times; {len(self.booking_cases):,} cases to book"
        )


def p2p_data_prepare(env: dict[str, str]) -> P2PData:
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", _P2P_DATA_CODE]
    # Our own fixed command, run with this interpreter; stderr goes to the terminal.
    done = subprocess.run(  # noqa: S603
        command, env=env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.p2p data failed (exit status {done.returncode})")
    return P2PData.from_output(done.stdout)


def week_path(data: P2PData, monday: str) -> str:
    query = urlencode(
        [("case", data.case)]
        + [("days", day) for day in range(5)]
        + [("hours", hour) for hour in range(7, 19)]
        + [("time_zone", ZONE), ("week", monday)]
    )
    return f"/p2p/new/week/?{query}"


def contact_path(case: str, physician: int, minutes: int) -> str:
    """Where a time's button of the week view leads for the case (?at=physician id:minutes
    since the epoch)."""
    query = urlencode([("case", case), ("at", f"{physician}:{minutes}"), ("time_zone", ZONE)])
    return f"/p2p/new/contact/?{query}"


def p2p_week(data: P2PData) -> Scenario:
    """GET of the week view, the next three weeks in turn: every physician's block must be
    there."""
    paths = [week_path(data, monday) for monday in data.mondays]

    def prepare(session: Session) -> Request:
        return lambda i: session.get(paths[i % len(paths)])

    def succeeded(response: Response) -> bool:
        return response.status == 200 and response.body.count(b"data-physician=") == (
            data.physicians
        )

    return Scenario("p2p_week", WEEK_TARGET_P95_MS, prepare, succeeded)


class SlotPool:
    """The bookable times, each with a case of its own, each pair handed out once, to
    whichever thread asks first."""

    def __init__(self, slots: list[list], cases: list[str]):
        self._left = [
            (case, physician, start)
            for case, (physician, start) in zip(reversed(cases), reversed(slots), strict=False)
        ]
        self._lock = threading.Lock()

    def take(self) -> tuple[str, int, int]:
        with self._lock:
            if not self._left:
                raise ScenarioExhausted("no bookable time or case left")
            return self._left.pop()


def p2p_book(data: P2PData) -> Scenario:
    """Submit of P2P Contact Details for a time and a case of its own: each must redirect to
    its appointment's page."""
    pool = SlotPool(data.slots, data.booking_cases)

    def prepare(session: Session) -> Request:
        physician, start = data.slots[-1]
        token = session.csrf_token(contact_path(data.case, physician, start))

        def send(i: int) -> Response:
            case, physician, start = pool.take()
            fields = {"csrfmiddlewaretoken": token, **CONTACT}
            return session.post(contact_path(case, physician, start), fields)

        return send

    def succeeded(response: Response) -> bool:
        path = urlsplit(response.location or "").path
        return response.status == 302 and path.startswith("/p2p/") and path.count("/") == 3

    return Scenario("p2p_book", BOOK_TARGET_P95_MS, prepare, succeeded)


SCENARIOS = {"p2p_week": p2p_week, "p2p_book": p2p_book}


# --- The bench data: runs inside `manage.py shell` --------------------------------------------

P2P_CONTACT_NAME = "Bench P2P Desk"
P2P_BOOKING_CONTACT_NAME = "Bench P2P Booking Desk"
PHYSICIAN_USERNAME = "bench.p2p.{:02d}"
PHYSICIAN_ZONES = ("America/New_York", "America/Chicago", "America/Los_Angeles")


def main() -> None:
    print(P2P_DATA_MARKER + json.dumps(p2p_data_ensure()), flush=True)


def p2p_data_ensure() -> dict:
    """The denied case, the 50 physicians and their hours (made once), the bench user's time
    zone, the bench office's appointments cancelled, and the times to book."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from bench.lookup import lookup_data_ensure
    from bench.wizard_data import BENCH_USERNAME
    from p2p.models import Appointment, ReviewingPhysician, SchedulerPreference
    from p2p.slots import physician_slot_starts, physicians_with_hours, week_monday

    lookup_data_ensure()
    with transaction.atomic():
        user = User.objects.get(username=BENCH_USERNAME)
        case = _denied_case(user)
        booking_cases = _booking_cases_ensure(case, user, BOOKING_CASES)
        physicians = _physicians_ensure(case.program)
        SchedulerPreference.objects.update_or_create(
            user=user, defaults={"time_zone": ZONE, "confirmed_at": timezone.now()}
        )
        Appointment.objects.filter(office=case.office, status=Appointment.Status.SCHEDULED).update(
            status=Appointment.Status.CANCELLED,
            cancel_reason="Bench run",
            cancelled_at=timezone.now(),
        )
    today = timezone.localdate()
    next_monday = week_monday(today) + dt.timedelta(days=7)
    # Times to book from the fourth week on (the week view shows the first three).
    first_day = next_monday + dt.timedelta(days=21)
    loaded = physicians_with_hours(
        ReviewingPhysician.objects.filter(pk__in=physicians),
        first_day=first_day,
        last_day=first_day + dt.timedelta(days=6),
    )
    per_physician = [
        list(
            physician_slot_starts(p, first_day=first_day, last_day=first_day + dt.timedelta(days=6))
        )
        for p in loaded
    ]
    slots = []
    for round_ in zip(*per_physician, strict=False):
        for physician, start in zip(loaded, round_, strict=True):
            slots.append([physician.pk, int(start.timestamp()) // 60])
    return {
        "case": str(case.public_id),
        "mondays": [(next_monday + dt.timedelta(days=7 * n)).isoformat() for n in range(3)],
        "slots": slots[:BOOKABLE_SLOTS],
        "physicians": len(physicians),
        "booking_cases": booking_cases,
    }


def _denied_case(user):
    """The bench office's case for the P2P scenarios: denied, its date of service a year away
    (a Reconsideration P2P for a commercial plan, consultative only otherwise)."""
    import datetime as dt

    from django.utils import timezone

    from cases.models import Case, StatusEvent

    case = Case.objects.filter(contact_name=P2P_CONTACT_NAME, submitted_at__isnull=False).first()
    if case is None:
        source = (
            Case.objects.filter(contact_name="Bench Lookup Desk", status=Case.Status.IN_REVIEW)
            .order_by("-pk")
            .first()
        )
        case = source
        Case.objects.filter(pk=case.pk).update(contact_name=P2P_CONTACT_NAME)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DENIED,
        date_of_service=timezone.localdate() + dt.timedelta(days=365),
        due_at=None,
    )
    if not StatusEvent.objects.filter(case=case, to_status=Case.Status.DENIED).exists():
        StatusEvent.objects.create(
            case=case,
            from_status=Case.Status.IN_REVIEW,
            to_status=Case.Status.DENIED,
            by=user,
            at=now,
            reason="Denied (bench)",
        )
    return Case.objects.select_related("program", "office").get(pk=case.pk)


def _booking_cases_ensure(source, user, wanted: int) -> list[str]:
    """`wanted` denied copies of the bench's denied case (made once, in bulk; their numbers
    from the case-number sequence), its procedure lines and its denial's status event each;
    set back to denied with the date of service a year away on every run."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from cases.models import Case, ProcedureLine, StatusEvent

    mine = Case.objects.filter(
        contact_name=P2P_BOOKING_CONTACT_NAME, submitted_at__isnull=False
    ).order_by("pk")
    missing = wanted - mine.count()
    if missing > 0:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval('cases_case_number_seq') FROM generate_series(1, %s)", [missing]
            )
            numbers = [row[0] for row in cursor.fetchall()]
        skipped = {"id", "public_id", "created_at", "updated_at", "start_token"}
        template = {
            field.attname: getattr(source, field.attname)
            for field in Case._meta.concrete_fields
            if field.attname not in skipped
        }
        made = Case.objects.bulk_create(
            Case(
                **template
                | {
                    "case_number": str(number),
                    "authorization_number": None,
                    "contact_name": P2P_BOOKING_CONTACT_NAME,
                }
            )
            for number in numbers
        )
        lines = list(source.procedure_lines.all())
        ProcedureLine.objects.bulk_create(
            ProcedureLine(
                case=case,
                position=line.position,
                procedure_code_id=line.procedure_code_id,
                quantity_requested=line.quantity_requested,
                modifiers=line.modifiers,
            )
            for case in made
            for line in lines
        )
        StatusEvent.objects.bulk_create(
            StatusEvent(
                case=case,
                from_status=Case.Status.IN_REVIEW,
                to_status=Case.Status.DENIED,
                by=user,
                at=timezone.now(),
                reason="Denied (bench)",
            )
            for case in made
        )
    mine.update(
        status=Case.Status.DENIED,
        date_of_service=timezone.localdate() + dt.timedelta(days=365),
        due_at=None,
    )
    return [str(public_id) for public_id in mine.values_list("public_id", flat=True)[:wanted]]


def _physicians_ensure(program) -> list[int]:
    import datetime as dt

    from accounts.models import User
    from p2p.models import ReviewingPhysician, Specialty, WeeklyHours

    specialty, _ = Specialty.objects.get_or_create(name="Bench specialty")
    specialty.programs.add(program)
    ids = []
    for n in range(1, PHYSICIANS + 1):
        user, _ = User.objects.get_or_create(
            username=PHYSICIAN_USERNAME.format(n),
            defaults={
                "first_name": "Bench",
                "last_name": f"Physician {n:02d}",
                "email": f"bench.p2p.{n:02d}@example.org",
                "reviewer_role": User.ReviewerRole.MEDICAL_DIRECTOR,
            },
        )
        physician, made = ReviewingPhysician.objects.get_or_create(
            user=user, defaults={"time_zone": PHYSICIAN_ZONES[n % len(PHYSICIAN_ZONES)]}
        )
        if made:
            WeeklyHours.objects.bulk_create(
                WeeklyHours(physician=physician, weekday=day, starts=dt.time(7), ends=dt.time(19))
                for day in range(7)
            )
            if n % 2:
                physician.specialties.add(specialty)
        ids.append(physician.pk)
    return ids
