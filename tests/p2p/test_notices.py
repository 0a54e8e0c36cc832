"""The requester's e-mail: scheduled, rescheduled, cancelled; each state once; no patient data."""

import datetime as dt

import pytest
from django.utils import timezone

from p2p.booking import appointment_cancel, appointment_reschedule
from p2p.notices import appointment_notice_send, notice_send
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make, queued_task_names
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(world, django_capture_on_commit_callbacks):
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    physician = physician_make("Fackler")
    with django_capture_on_commit_callbacks() as queued:
        booked = book(world, physician, next_weekday_at(9, 30), case)
    # The booking queues its e-mail (and its confirmation letters) when it commits.
    assert queued_task_names(queued) == ["p2p.appointment_notice", "p2p.confirmation_letters"]
    return booked


def test_the_booking_is_e_mailed_once_without_patient_data(appointment, mailoutbox, world):
    assert appointment_notice_send(appointment.pk) is True
    assert appointment_notice_send(appointment.pk) is False

    [mail] = mailoutbox
    assert mail.to == ["droffice@example.org"]
    assert "P2P consultation scheduled for Mon " in mail.subject
    assert "9:30 am E" in mail.body and "Dana Fackler, MD" in mail.body
    assert "(555) 555-5555 Ext. 12345" in mail.body
    case_number = appointment.cases.get().case.case_number
    assert case_number in mail.body
    for private in (world.member.last_name, world.member.patient_id, "1982"):
        assert private not in mail.body


def test_a_reschedule_and_a_cancellation_are_e_mailed_too(
    appointment, mailoutbox, world, django_capture_on_commit_callbacks
):
    appointment_notice_send(appointment.pk)
    with django_capture_on_commit_callbacks() as queued:
        appointment_reschedule(
            user=world.user,
            public_id=appointment.public_id,
            physician_id=appointment.physician_id,
            starts_at=next_weekday_at(9, 45),
            now=timezone.now(),
        )
    assert queued_task_names(queued) == ["p2p.appointment_notice", "p2p.confirmation_letters"]
    assert appointment_notice_send(appointment.pk) is True
    assert "9:45 am E" in mailoutbox[-1].body

    with django_capture_on_commit_callbacks() as queued:
        appointment_cancel(
            user=world.user,
            public_id=appointment.public_id,
            reason="Surgeon away",
            now=timezone.now(),
        )
    assert queued_task_names(queued) == ["p2p.appointment_notice"]
    assert appointment_notice_send(appointment.pk) is True
    assert "cancelled" in mailoutbox[-1].subject
    assert len(mailoutbox) == 3


def test_no_address_no_e_mail(appointment, mailoutbox):
    type(appointment).objects.filter(pk=appointment.pk).update(requesting_provider_email="")
    assert appointment_notice_send(appointment.pk) is False
    assert mailoutbox == []


def test_a_late_message_of_an_older_state_sends_nothing(appointment, mailoutbox, world):
    read_while_scheduled = type(appointment).objects.get(pk=appointment.pk)
    appointment_cancel(
        user=world.user, public_id=appointment.public_id, reason="Surgeon away", now=timezone.now()
    )
    assert appointment_notice_send(appointment.pk) is True

    # A task that read the appointment while it was scheduled and runs late sends nothing.
    assert notice_send(read_while_scheduled) is False
    assert [mail.subject for mail in mailoutbox] == [mailoutbox[0].subject]
    assert mailoutbox[0].subject.endswith("cancelled")
