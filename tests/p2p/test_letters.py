"""The P2P confirmation letter: one per case at each booking and reschedule, a PDF in the case's
Correspondence with the time, the physician and the contact details; made once whatever
retries come; its e-mail notice carries no patient data."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases.letters.services import letter_store
from cases.models import Case, Letter
from p2p.booking import appointment_cancel, appointment_reschedule
from p2p.letters import confirmation_letters_make, confirmation_letters_missing_queue
from p2p.models import AppointmentConfirmation
from tests.cases.letters.conftest import pdf_text, stored_files
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make, queued_task_names
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def denied_case(world) -> Case:
    return decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))


@pytest.fixture
def physician(db):
    return physician_make("Fackler")


@pytest.fixture
def two_cases(world):
    return denied_case(world), denied_case(world)


@pytest.fixture
def appointment(world, physician, two_cases, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        booked = book(world, physician, next_weekday_at(9, 30), *two_cases)
    assert queued_task_names(queued) == ["p2p.appointment_notice", "p2p.confirmation_letters"]
    return booked


def letter_text(letter: Letter) -> str:
    with letter.file.open("rb") as content:
        return pdf_text(content.read())


def test_a_booking_makes_one_confirmation_letter_per_case(appointment, two_cases, media_root):
    made = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert [letter.case for letter in made] == list(two_cases)
    assert len(stored_files(media_root)) == 2
    for letter, case in zip(made, two_cases, strict=True):
        assert letter.kind == Letter.Kind.P2P_CONFIRMATION
        assert letter.recipient == Letter.Recipient.PROVIDER
        assert letter.status_event is None
        assert letter.p2p_confirmation.appointment == appointment
        text = letter_text(letter)
        assert "Peer to Peer Consultation Scheduled" in text
        assert f"case {case.case_number}" in text
        assert "Date and Time: Mon " in text and "9:30 am E" in text
        assert "Reviewing Provider: Dana Fackler, MD" in text
        assert "Level of Review: Reconsideration P2P" in text
        assert f"P2P Valid Until: {case.date_of_service:%m/%d/%Y}" in text
        assert "Qty Requested: 1" in text and "Qty Approved" not in text
        assert "consultative only" not in text
        assert "Phone Number for P2P: (555) 555-5555 Ext. 12345" in text
        assert "Contact Instructions: Select option 4, ask for Dr. Doe" in text
        assert f"Case Number: {case.case_number}" in text


def test_a_consultative_only_letter_says_the_decision_stands(world, physician):
    past_service = decided(world, date_of_service=timezone.localdate() - dt.timedelta(days=1))
    appointment = book(world, physician, next_weekday_at(9, 45), past_service)

    [letter] = confirmation_letters_make(appointment.pk, now=timezone.now())

    text = letter_text(letter)
    assert "Level of Review: Consultative Only P2P" in text
    assert "P2P Valid Until" not in text
    assert "considered consultative only and the original decision cannot be modified" in text


def test_the_letters_are_made_once_whatever_retries_come(appointment, media_root, mailoutbox):
    first = confirmation_letters_make(appointment.pk, now=timezone.now())
    again = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert len(first) == 2 and again == []
    assert Letter.objects.filter(kind=Letter.Kind.P2P_CONFIRMATION).count() == 2
    assert len(stored_files(media_root)) == 2
    # The cases' contact asked for notices: one each, sent once.
    assert len(mailoutbox) == 2


def test_the_notice_names_the_case_and_no_patient_data(appointment, two_cases, world, mailoutbox):
    confirmation_letters_make(appointment.pk, now=timezone.now())

    by_subject = {mail.subject: mail for mail in mailoutbox}
    for case in two_cases:
        subject = f"{settings.PORTAL_NAME}: a P2P confirmation letter for case {case.case_number}"
        notice = by_subject[subject]
        assert notice.to == ["pat@lakeside.example"]
        assert f"/cases/{case.public_id}/correspondence/" in notice.body
        for private in (world.member.last_name, world.member.patient_id, "Fackler"):
            assert private not in notice.subject + notice.body


def test_without_notification_the_letter_waits_for_the_fax(appointment, two_cases, mailoutbox):
    Case.objects.filter(pk__in=[case.pk for case in two_cases]).update(notify_by_email=False)

    made = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert {letter.delivery for letter in made} == {Letter.Delivery.FAX}
    assert mailoutbox == []


def test_a_reschedule_makes_a_new_letter_and_the_first_keeps_its_time(
    appointment, world, two_cases, django_capture_on_commit_callbacks
):
    [first, _] = confirmation_letters_make(appointment.pk, now=timezone.now())
    with django_capture_on_commit_callbacks() as queued:
        appointment_reschedule(
            user=world.user,
            public_id=appointment.public_id,
            physician_id=appointment.physician_id,
            starts_at=next_weekday_at(9, 45),
            now=timezone.now(),
        )
    assert "p2p.confirmation_letters" in queued_task_names(queued)

    [moved, _] = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert moved.case == first.case == two_cases[0]
    moved_text = letter_text(moved)
    assert "Peer to Peer Consultation Rescheduled" in moved_text
    assert "has been moved to Mon " in moved_text and "9:45 am E" in moved_text
    assert "9:30 am E" in letter_text(first)
    assert Letter.objects.filter(case=two_cases[0], kind="p2p_confirmation").count() == 2


def test_the_letter_is_in_the_cases_correspondence(appointment, two_cases, client, world):
    confirmation_letters_make(appointment.pk, now=timezone.now())
    client.force_login(world.user)
    case = two_cases[0]
    letter = Letter.objects.get(case=case, kind=Letter.Kind.P2P_CONFIRMATION)

    page = client.get(reverse("cases:correspondence", kwargs={"public_id": case.public_id}))
    pdf = client.get(
        reverse(
            "cases:letter-pdf",
            kwargs={"public_id": case.public_id, "letter_id": letter.public_id},
        )
    )

    assert "P2P confirmation letter" in page.content.decode()
    assert pdf.status_code == 200
    assert "Peer to Peer Consultation Scheduled" in pdf_text(b"".join(pdf.streaming_content))


def test_another_office_cannot_open_the_letter(appointment, two_cases, client, world):
    confirmation_letters_make(appointment.pk, now=timezone.now())
    client.force_login(world.outsider)
    case = two_cases[0]
    letter = Letter.objects.get(case=case, kind=Letter.Kind.P2P_CONFIRMATION)

    response = client.get(
        reverse(
            "cases:letter-pdf",
            kwargs={"public_id": case.public_id, "letter_id": letter.public_id},
        )
    )

    assert response.status_code == 404


def test_a_letter_linked_elsewhere_first_leaves_nothing_behind(appointment, media_root):
    confirmation = AppointmentConfirmation.objects.filter(appointment=appointment).first()
    letter = Letter(
        case_id=confirmation.case_id,
        kind=Letter.Kind.P2P_CONFIRMATION,
        recipient=Letter.Recipient.PROVIDER,
        delivery=Letter.Delivery.FAX,
        sha256="0" * 64,
    )

    assert letter_store(letter, b"%PDF-1.7 race", attach=lambda _letter: False) is None
    assert not Letter.objects.exists()
    assert stored_files(media_root) == []


def test_only_a_p2p_confirmation_may_lack_a_status_event(appointment):
    confirmation = AppointmentConfirmation.objects.filter(appointment=appointment).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.create(
            case_id=confirmation.case_id,
            kind=Letter.Kind.DENIAL,
            recipient=Letter.Recipient.PROVIDER,
            delivery=Letter.Delivery.FAX,
            file="letters/x.pdf",
            sha256="0" * 64,
        )


def test_no_letter_is_made_late_for_a_time_since_moved_or_a_cancelled_call(
    appointment, world, two_cases
):
    # The booking's message came late: the office had moved the call meanwhile.
    appointment_reschedule(
        user=world.user,
        public_id=appointment.public_id,
        physician_id=appointment.physician_id,
        starts_at=next_weekday_at(9, 45),
        now=timezone.now(),
    )

    made = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert len(made) == 2
    for letter in made:
        assert "Peer to Peer Consultation Rescheduled" in letter_text(letter)
    # The booking's confirmations (9:30) stay without a letter, and the sweep leaves them.
    later = timezone.now() + dt.timedelta(minutes=30)
    assert confirmation_letters_missing_queue(now=later) == 0

    appointment_cancel(
        user=world.user, public_id=appointment.public_id, reason="Resolved", now=timezone.now()
    )
    AppointmentConfirmation.objects.filter(appointment=appointment).update(letter=None)
    assert confirmation_letters_make(appointment.pk, now=timezone.now()) == []
    assert confirmation_letters_missing_queue(now=later) == 0


def test_a_letter_that_cannot_be_made_does_not_stop_the_others(appointment, monkeypatch, caplog):
    from p2p import letters

    rendered = letters.letter_html_pdf
    calls = []

    def first_fails(kind, recipient, context):
        calls.append(context["case"].pk)
        if len(calls) == 1:
            raise ValueError("a template that cannot render")
        return rendered(kind, recipient, context)

    monkeypatch.setattr(letters, "letter_html_pdf", first_fails)

    made = confirmation_letters_make(appointment.pk, now=timezone.now())

    assert [letter.case_id for letter in made] == calls[1:]
    assert "no letter made" in caplog.text
