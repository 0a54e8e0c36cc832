"""The physician's record of a call: Call Notes, outcomes, and an overturn that approves the
case through the medical review's services."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, PostDecisionRequest, StatusEvent
from p2p.calls import (
    CONSULTATIVE_CANNOT_CHANGE,
    OVERTURN_NOTE_REQUIRED,
    PERFORMED_ON_REQUIRED,
    CallNote,
    call_record,
    not_yet_message,
)
from p2p.errors import P2PError
from p2p.models import Appointment
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def doctor(world):
    """A medical director with P2P hours who reviews the world's radiology cases."""
    physician = physician_make("Fackler", programs=[world.radiology])
    physician.user.review_programs.add(world.radiology)
    return physician


def during(appointment) -> dt.datetime:
    """Five minutes into the call."""
    return appointment.starts_at + dt.timedelta(minutes=5)


def record(doctor, appointment, outcome, *, notes=(), performed_on=None, note="Discussed."):
    return call_record(
        user=doctor.user,
        public_id=appointment.public_id,
        outcome=outcome,
        call_notes=notes,
        performed_on=performed_on,
        note=note,
        now=during(appointment),
    )


def test_a_reconsideration_p2p_overturned_approves_the_denied_case(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, doctor, next_weekday_at(9), case)

    record(doctor, appointment, Appointment.Outcome.OVERTURNED, note="Conservative care done.")

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.APPROVED and case.authorization_number
    made = PostDecisionRequest.objects.get(case=case)
    assert made.kind == PostDecisionRequest.Kind.RECONSIDERATION
    assert made.status == PostDecisionRequest.Status.OVERTURNED
    assert made.requested_by == world.user and made.decided_by == doctor.user
    determination = Determination.objects.get(case=case, outcome=Determination.Outcome.OVERTURNED)
    assert determination.rationale == "Conservative care done."
    assert StatusEvent.objects.filter(case=case, reason="Reconsideration overturned").exists()
    appointment = Appointment.objects.get(pk=appointment.pk)
    assert appointment.status == Appointment.Status.COMPLETED
    assert appointment.outcome == Appointment.Outcome.OVERTURNED


def test_a_pre_decision_p2p_overturned_approves_the_case_in_review(world, doctor):
    case = decided(
        world, status=Case.Status.IN_REVIEW, due_at=timezone.now() + dt.timedelta(days=20)
    )
    appointment = book(world, doctor, next_weekday_at(9), case)

    record(doctor, appointment, Appointment.Outcome.OVERTURNED)

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.APPROVED
    assert not PostDecisionRequest.objects.filter(case=case).exists()


def test_upheld_and_no_show_change_nothing_on_the_case(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    upheld = book(world, doctor, next_weekday_at(9), case)
    record(doctor, upheld, Appointment.Outcome.UPHELD, notes=[CallNote.SPECIALTY_MATCH])
    # A case is in one scheduled appointment at a time: the next P2P once this one is held.
    missed = book(world, doctor, next_weekday_at(9, 15), case)
    record(doctor, missed, Appointment.Outcome.NO_SHOW, note="")

    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED
    assert Appointment.objects.get(pk=upheld.pk).call_notes == [CallNote.SPECIALTY_MATCH]
    assert Appointment.objects.get(pk=missed.pk).outcome == Appointment.Outcome.NO_SHOW


def test_a_consultative_only_p2p_cannot_overturn(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() - dt.timedelta(days=1))
    appointment = book(world, doctor, next_weekday_at(9), case)

    with pytest.raises(P2PError) as refused:
        record(doctor, appointment, Appointment.Outcome.OVERTURNED)

    assert refused.value.message == CONSULTATIVE_CANNOT_CHANGE.format(number=case.case_number)
    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED
    record(doctor, appointment, Appointment.Outcome.CONSULTATIVE)
    assert Appointment.objects.get(pk=appointment.pk).outcome == Appointment.Outcome.CONSULTATIVE


def test_an_overturn_by_a_physician_who_does_not_review_the_program_changes_nothing(world):
    outsider_md = physician_make("Elsewhere")
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, outsider_md, next_weekday_at(9), case)

    with pytest.raises(P2PError) as refused:
        record(outsider_md, appointment, Appointment.Outcome.OVERTURNED)

    assert "you do not review its program" in refused.value.message
    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED
    assert not PostDecisionRequest.objects.filter(case=case).exists()


def test_the_procedure_date_and_the_overturn_note_are_required(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, doctor, next_weekday_at(9), case)

    with pytest.raises(P2PError) as refused:
        record(doctor, appointment, "upheld", notes=[CallNote.PROCEDURE_PERFORMED])
    assert refused.value.message == PERFORMED_ON_REQUIRED
    with pytest.raises(P2PError) as refused:
        record(doctor, appointment, Appointment.Outcome.OVERTURNED, note="  ")
    assert refused.value.message == OVERTURN_NOTE_REQUIRED

    performed = timezone.localdate() - dt.timedelta(days=2)
    record(
        doctor,
        appointment,
        Appointment.Outcome.UPHELD,
        notes=[CallNote.PROCEDURE_PERFORMED, "not-a-note"],
        performed_on=performed,
    )
    recorded = Appointment.objects.get(pk=appointment.pk)
    assert recorded.call_notes == [CallNote.PROCEDURE_PERFORMED]
    assert recorded.procedure_performed_on == performed
    with pytest.raises(P2PError):
        record(doctor, appointment, Appointment.Outcome.UPHELD)


def test_a_call_is_recorded_from_a_quarter_hour_before_its_time(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, doctor, next_weekday_at(9, 30), case)

    def record_at(now):
        return call_record(
            user=doctor.user,
            public_id=appointment.public_id,
            outcome=Appointment.Outcome.NO_SHOW,
            call_notes=[],
            performed_on=None,
            note="",
            now=now,
        )

    with pytest.raises(P2PError) as refused:
        record_at(appointment.starts_at - dt.timedelta(minutes=16))
    assert refused.value.message == not_yet_message(appointment)
    assert "(from Mon " in refused.value.message and " - 9:15 am E" in refused.value.message
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED

    record_at(appointment.starts_at - dt.timedelta(minutes=15))
    assert Appointment.objects.get(pk=appointment.pk).outcome == Appointment.Outcome.NO_SHOW


def test_another_physician_cannot_record_the_call(world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, doctor, next_weekday_at(9), case)
    other = physician_make("Other")

    with pytest.raises(Appointment.DoesNotExist):
        record(other, appointment, Appointment.Outcome.UPHELD)


def test_the_calendar_and_the_call_screen(client, world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    start = next_weekday_at(9, 30)
    appointment = book(world, doctor, start, case)
    client.force_login(doctor.user)

    calendar = client.get(reverse("p2p:calendar"), {"week": start.date().isoformat()})
    page = calendar.content.decode()
    assert "9:30 am E" in page and case.case_number in page
    call_url = reverse("p2p:call", args=[appointment.public_id])
    assert call_url in page

    # Before the call: its details, and when it can be recorded.
    early = client.get(call_url).content.decode()
    assert "Dr. Jane Doe" in early and "record it once it has taken place (from Mon " in early
    assert "Record Call" not in early

    with time_machine.travel(during(appointment), tick=False):
        # Signed in at the call's time (a session idle for days has timed out).
        client.force_login(doctor.user)
        screen = client.get(call_url).content.decode()
        assert "Caller requested MD Specialty match" in screen and "Record Call" in screen
        response = client.post(
            call_url, {"call_notes": ["procedure_performed"], "outcome": "upheld"}
        )
        assert response.status_code == 200
        assert PERFORMED_ON_REQUIRED in response.content.decode()

        response = client.post(
            call_url, {"outcome": "overturned", "note": "Criteria met on review."}
        )

    assert response["Location"] == reverse("p2p:calendar")
    assert Case.objects.get(pk=case.pk).status == Case.Status.APPROVED


def test_office_users_and_nurses_have_no_calendar(client, world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, doctor, next_weekday_at(9), case)
    client.force_login(world.user)
    assert client.get(reverse("p2p:calendar")).status_code == 404
    assert client.get(reverse("p2p:call", args=[appointment.public_id])).status_code == 404
    other = physician_make("Other")
    client.force_login(other.user)
    assert client.get(reverse("p2p:call", args=[appointment.public_id])).status_code == 404


def test_the_p2p_status_shows_on_authorization_lookup_and_p2p_availability(client, world, doctor):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(world.user)
    lookup_url = reverse("cases:authorization", args=[case.public_id])
    availability_url = reverse("cases:p2p-availability", args=[case.public_id])

    def status_on(url) -> str:
        page = client.get(url).content.decode()
        return " ".join(re.sub(r"<[^>]+>", " ", page).split())

    assert "P2P Status: Approval Date" in status_on(lookup_url)
    appointment = book(world, doctor, next_weekday_at(9, 45), case)
    assert "P2P Status: Scheduled: Mon " in status_on(lookup_url)
    assert "9:45 am E" in status_on(availability_url)

    record(doctor, appointment, Appointment.Outcome.OVERTURNED)

    assert "P2P Status: Completed: Decision overturned" in status_on(lookup_url)
    assert "Status: Approved" in status_on(lookup_url)
