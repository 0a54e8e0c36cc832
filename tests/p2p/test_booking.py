import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Case
from cases.post_decision.rules import P2PLevel
from p2p.booking import (
    ALREADY_SCHEDULED,
    CANCEL_REASON_REQUIRED,
    NOT_ELIGIBLE,
    SLOT_NOT_OFFERED,
    SLOT_PAST,
    SLOT_TAKEN,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointments_for_user,
    cases_for_p2p,
)
from p2p.errors import P2PError
from p2p.models import Appointment, AppointmentCase
from p2p.zones import TimeZone, moment_text
from tests.cases.conftest import world_build
from tests.cases.letters.conftest import queue_of_its_own
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make

EASTERN = ZoneInfo("America/New_York")
CONTACT = {
    "performer": Appointment.Performer.CONTACT_PERSON,
    "contact_first_name": "John",
    "contact_last_name": "Doe",
    "contact_location": "Provider Office",
    "requesting_provider_name": "Dr. Jane Doe",
    "phone": "5555555555",
    "phone_ext": "12345",
    "requesting_provider_email": "droffice@example.org",
    "contact_instructions": "Select option 4, ask for Dr. Doe",
}


def next_weekday_at(hour: int, minute: int = 0, *, weeks: int = 0) -> dt.datetime:
    """The next Monday (at least a day away) at this wall time, Eastern."""
    today = timezone.now().astimezone(EASTERN).date()
    monday = today + dt.timedelta(days=7 - today.weekday() + 7 * weeks)
    return dt.datetime.combine(monday, dt.time(hour, minute), tzinfo=EASTERN)


def book(world, physician, starts_at, *cases, user=None):
    user = user or world.user
    looked_up = cases_for_p2p(
        user=user, public_ids=[c.public_id for c in cases], now=timezone.now()
    )
    return appointment_book(
        user=user,
        cases=looked_up,
        physician_id=physician.pk,
        starts_at=starts_at,
        contact=CONTACT,
        time_zone=TimeZone.EASTERN,
        now=timezone.now(),
    )


def booked_at_once(world, physician, attempts) -> list[str]:
    """Each (looked-up case, start) booked by a thread of its own, all released at once
    (committed: a transactional test); "booked" or the refusal's message for each. Their
    e-mail and letter messages go to a queue emptied afterwards."""
    barrier = threading.Barrier(len(attempts))

    def attempt(one_and_start) -> str:
        one, starts_at = one_and_start
        try:
            barrier.wait(timeout=30)
            appointment_book(
                user=world.user,
                cases=[one],
                physician_id=physician.pk,
                starts_at=starts_at,
                contact=CONTACT,
                time_zone=TimeZone.EASTERN,
                now=timezone.now(),
            )
            return "booked"
        except P2PError as error:
            return error.message
        finally:
            connection.close()

    with queue_of_its_own(), ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))


@pytest.fixture
def denied(world):
    """A commercial denial, its date of service a month away: a Reconsideration P2P."""
    return decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))


@pytest.fixture
def physician(db):
    return physician_make("Ames", hours={0: ("09:00", "10:00")})


@pytest.mark.django_db
def test_an_eligible_case_books_the_physicians_slot_with_its_level(world, denied, physician):
    starts_at = next_weekday_at(9, 15)

    appointment = book(world, physician, starts_at, denied)

    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.status == Appointment.Status.SCHEDULED
    assert appointment.starts_at == starts_at
    assert appointment.office == world.office
    assert appointment.requesting_provider_name == "Dr. Jane Doe"
    assert appointment.contact_instructions == "Select option 4, ask for Dr. Doe"
    [discussed] = AppointmentCase.objects.filter(appointment=appointment)
    assert discussed.case == denied
    assert discussed.level == P2PLevel.RECONSIDERATION
    # Valid through the date of service (the end of that day, the portal's time).
    assert discussed.valid_until.astimezone(
        EASTERN
    ).date() == denied.date_of_service + dt.timedelta(1)


@pytest.mark.django_db
def test_several_cases_share_one_appointment(world, denied, physician):
    other = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))

    appointment = book(world, physician, next_weekday_at(9), denied, other)

    assert list(appointment.cases.values_list("case_id", flat=True)) == [denied.pk, other.pk]


@pytest.mark.django_db
def test_a_case_not_eligible_is_refused_with_the_reason(world, physician):
    approved = decided(world, status=Case.Status.APPROVED)

    with pytest.raises(P2PError) as refused:
        book(world, physician, next_weekday_at(9), approved)

    assert refused.value.message.startswith(
        NOT_ELIGIBLE.format(number=approved.case_number, message="")
    )
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_time_outside_the_hours_or_past_is_refused(world, denied, physician):
    for starts_at, message in (
        (next_weekday_at(10), SLOT_NOT_OFFERED),  # the hours end at 10:00
        (next_weekday_at(9, 5), SLOT_NOT_OFFERED),  # not a slot's start
        (next_weekday_at(9) - dt.timedelta(days=7 * 52), SLOT_PAST),
    ):
        with pytest.raises(P2PError) as refused:
            book(world, physician, starts_at, denied)
        assert refused.value.message == message
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_a_slot_after_the_cases_deadline_is_refused(world, physician):
    soon = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=1))

    with pytest.raises(P2PError) as refused:
        book(world, physician, next_weekday_at(9, weeks=1), soon)

    assert f"The P2P for case {soon.case_number} must take place before" in refused.value.message


@pytest.mark.django_db
def test_a_booked_slot_cannot_be_booked_again(world, denied, physician):
    other = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    book(world, physician, next_weekday_at(9), denied)

    with pytest.raises(P2PError) as refused:
        book(world, physician, next_weekday_at(9), other)

    assert refused.value.message == SLOT_TAKEN
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_a_case_is_in_one_scheduled_appointment_at_a_time(world, denied, physician):
    other = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    first = book(world, physician, next_weekday_at(9), denied)

    with pytest.raises(P2PError) as refused:
        book(world, physician, next_weekday_at(9, 15), other, denied)

    assert refused.value.message == ALREADY_SCHEDULED.format(
        number=denied.case_number, when=moment_text(first.starts_at, TimeZone.EASTERN)
    )
    assert Appointment.objects.count() == 1
    [looked_up] = cases_for_p2p(user=world.user, public_ids=[denied.public_id], now=timezone.now())
    assert not looked_up.bookable and looked_up.eligibility.eligible
    assert "Mon " in looked_up.scheduled_message

    # Once it is cancelled, the case can be booked again.
    appointment_cancel(
        user=world.user, public_id=first.public_id, reason="Moved", now=timezone.now()
    )
    assert book(world, physician, next_weekday_at(9, 15), other, denied).cases.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_case_at_once_make_one():
    world = world_build()
    physician = physician_make("Race", hours={0: ("09:00", "10:00")})
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    [looked_up] = cases_for_p2p(user=world.user, public_ids=[case.public_id], now=timezone.now())
    results = booked_at_once(
        world,
        physician,
        [(looked_up, next_weekday_at(9)), (looked_up, next_weekday_at(9, 15))],
    )

    assert results.count("booked") == 1
    [refusal] = [result for result in results if result != "booked"]
    assert refusal.startswith(f"A P2P is already scheduled for case {case.case_number}: Mon ")
    assert AppointmentCase.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_another_offices_case_is_not_looked_up(world, denied):
    assert (
        cases_for_p2p(user=world.outsider, public_ids=[denied.public_id], now=timezone.now()) == []
    )
    assert [
        c.case
        for c in cases_for_p2p(user=world.user, public_ids=[denied.public_id], now=timezone.now())
    ] == [denied]


@pytest.mark.django_db
def test_reschedule_moves_the_appointment_and_frees_the_old_slot(world, denied, physician):
    other = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, physician, next_weekday_at(9), denied)

    moved = appointment_reschedule(
        user=world.user,
        public_id=appointment.public_id,
        physician_id=physician.pk,
        starts_at=next_weekday_at(9, 30),
        now=timezone.now(),
    )

    assert Appointment.objects.get(pk=appointment.pk).starts_at == next_weekday_at(9, 30)
    assert moved.pk == appointment.pk
    # The old slot is free again.
    assert book(world, physician, next_weekday_at(9), other).starts_at == next_weekday_at(9)


@pytest.mark.django_db
def test_reschedule_to_a_booked_slot_is_refused_and_keeps_the_old_one(world, denied, physician):
    other = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, physician, next_weekday_at(9), denied)
    book(world, physician, next_weekday_at(9, 15), other)

    with pytest.raises(P2PError) as refused:
        appointment_reschedule(
            user=world.user,
            public_id=appointment.public_id,
            physician_id=physician.pk,
            starts_at=next_weekday_at(9, 15),
            now=timezone.now(),
        )

    assert refused.value.message == SLOT_TAKEN
    assert Appointment.objects.get(pk=appointment.pk).starts_at == next_weekday_at(9)


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_frees_the_slot(world, denied, physician):
    appointment = book(world, physician, next_weekday_at(9), denied)

    with pytest.raises(P2PError) as refused:
        appointment_cancel(
            user=world.user, public_id=appointment.public_id, reason="  ", now=timezone.now()
        )
    assert refused.value.message == CANCEL_REASON_REQUIRED
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED

    appointment_cancel(
        user=world.user,
        public_id=appointment.public_id,
        reason="Surgeon unavailable",
        now=timezone.now(),
    )

    cancelled = Appointment.objects.get(pk=appointment.pk)
    assert cancelled.status == Appointment.Status.CANCELLED
    assert cancelled.cancel_reason == "Surgeon unavailable"
    with pytest.raises(P2PError):
        appointment_cancel(
            user=world.user, public_id=appointment.public_id, reason="Again", now=timezone.now()
        )
    assert book(world, physician, next_weekday_at(9), denied).status == Appointment.Status.SCHEDULED


@pytest.mark.django_db
def test_another_office_cannot_touch_the_appointment(world, denied, physician):
    appointment = book(world, physician, next_weekday_at(9), denied)

    assert not appointments_for_user(world.outsider).exists()
    with pytest.raises(Appointment.DoesNotExist):
        appointment_cancel(
            user=world.outsider,
            public_id=appointment.public_id,
            reason="Mine now",
            now=timezone.now(),
        )
    with pytest.raises(Appointment.DoesNotExist):
        appointment_reschedule(
            user=world.outsider,
            public_id=appointment.public_id,
            physician_id=physician.pk,
            starts_at=next_weekday_at(9, 30),
            now=timezone.now(),
        )
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_twenty_offices_racing_for_one_slot_make_one_booking():
    world = world_build()
    physician = physician_make("Race", hours={0: ("09:00", "10:00")})
    cases = [
        decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
        for _ in range(20)
    ]
    looked_up = cases_for_p2p(
        user=world.user, public_ids=[c.public_id for c in cases], now=timezone.now()
    )
    starts_at = next_weekday_at(9, 45)

    results = booked_at_once(world, physician, [(one, starts_at) for one in looked_up])

    assert results.count("booked") == 1
    assert results.count(SLOT_TAKEN) == 19
    assert Appointment.objects.filter(physician=physician, starts_at=starts_at).count() == 1
