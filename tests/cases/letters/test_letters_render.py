"""The letters of a determination: queued on commit by SUBMIT CASE, rendered to PDF with the
case's data (read back from the PDF), one per status event and recipient however often the task
runs, and delivered: an e-mail notice without patient data, or the fax queue; the member's
letter to the mail queue."""

import datetime as dt
import hashlib
import threading

import pytest
from celery.signals import task_retry
from django.db import connection, transaction
from django.utils import timezone

from cases.clinical.submission import case_submit
from cases.letters.notices import NOTICE_SUBJECT
from cases.letters.rendering import letter_recipients, plain_description
from cases.letters.services import (
    KIND_BY_STATUS,
    fax_queue,
    letter_kind_for,
    letter_store,
    letters_queue,
    letters_render,
    mail_queue,
)
from cases.letters.tasks import letters_render_task
from cases.models import Case, Letter, StatusEvent
from cases.models.pathways import Outcome
from tests.cases.letters.conftest import (
    PLAIN_KNEE_MRI,
    pdf_text,
    ready,
    stored_files,
    submitted,
)

pytestmark = pytest.mark.django_db


def letters_of(event) -> dict[str, Letter]:
    return {letter.recipient: letter for letter in Letter.objects.filter(status_event=event)}


def read(letter: Letter) -> bytes:
    with letter.file.open("rb") as content:
        return content.read()


# --- Queued on commit -------------------------------------------------------------------------


def test_an_approval_queues_its_letters_when_the_submission_commits(
    world, django_capture_on_commit_callbacks
):
    case = ready(world)
    with django_capture_on_commit_callbacks() as callbacks:
        case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    event = StatusEvent.objects.get(case=case, from_status=Case.Status.DRAFT)
    (callback,) = callbacks
    # The message carries the event's id only.
    assert callback.func == letters_render_task.delay
    assert callback.args == (event.pk, None)


def test_a_case_sent_to_medical_review_queues_no_letter(world, django_capture_on_commit_callbacks):
    case = ready(world, outcome=Outcome.REVIEW)
    with django_capture_on_commit_callbacks() as callbacks:
        case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert callbacks == []
    event = StatusEvent.objects.get(case=case, from_status=Case.Status.DRAFT)
    assert letter_kind_for(event) is None
    assert letters_render(status_event_id=event.pk) == []
    assert not Letter.objects.exists()


def test_a_rolled_back_status_change_sends_nothing(world, django_capture_on_commit_callbacks):
    case, event = submitted(world)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert letters_queue(event) is True
        raise RuntimeError("the status change fails after queueing")
    assert callbacks == []


def test_every_determination_status_has_a_kind_and_only_kinds_with_templates_make_letters(world):
    assert KIND_BY_STATUS == {
        Case.Status.APPROVED: Letter.Kind.APPROVAL,
        Case.Status.PARTIALLY_APPROVED: Letter.Kind.PARTIAL_APPROVAL,
        Case.Status.DENIED: Letter.Kind.DENIAL,
        Case.Status.HOLD: Letter.Kind.HOLD,
        Case.Status.CANCELLED: Letter.Kind.CANCELLATION,
    }
    assert letter_recipients(Letter.Kind.APPROVAL) == ["provider", "member"]
    for status in (Case.Status.IN_REVIEW, Case.Status.DRAFT, Case.Status.EXPIRED):
        assert letter_kind_for(StatusEvent(to_status=status)) is None
    assert letter_kind_for(StatusEvent(to_status="in_review"), "no-such-kind") is None


@pytest.mark.parametrize("status", list(KIND_BY_STATUS))
def test_a_status_makes_the_letters_its_templates_exist_for(world, status):
    case, _approval = submitted(world)
    event = StatusEvent.objects.create(
        case=case, from_status=case.status, to_status=status, at=timezone.now()
    )
    made = letters_render(status_event_id=event.pk)
    assert sorted(letter.recipient for letter in made) == sorted(
        letter_recipients(KIND_BY_STATUS[status])
    )


# --- What the letters say ---------------------------------------------------------------------


def test_the_provider_letter_has_the_cases_data(world, mailoutbox):
    world.delegation.validity_days = 45
    world.delegation.save()
    case, event = submitted(world)

    made = letters_render(status_event_id=event.pk)

    assert [letter.recipient for letter in made] == ["provider", "member"]
    provider = letters_of(event)["provider"]
    assert (provider.kind, provider.case, provider.delivery) == (
        Letter.Kind.APPROVAL,
        case,
        Letter.Delivery.EMAIL_NOTICE,
    )
    content = read(provider)
    assert content.startswith(b"%PDF")
    assert provider.sha256 == hashlib.sha256(content).hexdigest()
    assert provider.file.name.startswith(f"letters/{case.pk}/")
    text = pdf_text(content)
    review = case.review_date
    for expected in (
        "Prior Authorization Approved",
        f"Case Number: {case.case_number}",
        f"Authorization Number: {case.authorization_number}",
        "Member Name: JONATHAN WINTER",
        "Date of Birth: 6/28/1982",
        "Patient ID: EVG00000042",
        "Ordering Provider: GRACE MICHAEL",
        "Ordering Provider NPI: 1234567893",
        "Site Name: Franklin Imaging Center",
        f"Date of Service: {case.date_of_service:%-m/%-d/%Y}",
        f"Review Date: {review:%-m/%-d/%Y}",
        f"Expiration Date: {review + dt.timedelta(days=45):%-m/%-d/%Y}",
        f"valid from {review:%-m/%-d/%Y} through {review + dt.timedelta(days=45):%-m/%-d/%Y}",
        "73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 1 · Qty Approved: 1",
        "Evergreen Health Plan",
    ):
        assert expected in text, expected


def test_the_member_letter_is_addressed_to_the_member_in_plain_language(world):
    case, event = submitted(world)
    letters_render(status_event_id=event.pk)

    member = letters_of(event)["member"]
    assert member.delivery == Letter.Delivery.MAIL
    text = pdf_text(read(member))
    address = world.member
    assert "JONATHAN WINTER" in text
    assert address.address1.upper() in text
    assert address.city_state_zip.upper() in text
    assert "Dear Jonathan Winter" in text
    assert PLAIN_KNEE_MRI in text
    assert f"Authorization Number: {case.authorization_number}" in text
    assert f"Expiration Date: {case.expiration_date:%-m/%-d/%Y}" in text
    assert f"{case.expiration_date:%B} {case.expiration_date.day}, {case.expiration_date.year}" in (
        text
    )
    # Not the provider's letter: no NPI, no codes' short descriptions.
    assert "NPI" not in text
    assert "MRI LOWER EXTREMITY JOINT W/O" not in text


def test_a_code_without_a_plain_description_reads_as_its_short_description(world):
    world.knee_mri.plain_description = ""
    world.knee_mri.save()
    _case, event = submitted(world)
    letters_render(status_event_id=event.pk)
    text = pdf_text(read(letters_of(event)["member"]))
    assert "MRI LOWER EXTREMITY JOINT W/O (code 73721)" in text
    line = event.case.procedure_lines.get()
    assert plain_description(line) == "MRI LOWER EXTREMITY JOINT W/O (code 73721)"


def test_patient_data_in_the_letter_is_escaped_not_markup(world):
    world.member.first_name = "<b>Jo</b>"
    world.member.save()
    _case, event = submitted(world)
    letters_render(status_event_id=event.pk)
    assert "<B>JO</B> WINTER" in pdf_text(read(letters_of(event)["provider"]))


# --- Once per event and recipient -------------------------------------------------------------


def test_a_retried_task_makes_no_second_letter_nor_notice(world, media_root, mailoutbox):
    _case, event = submitted(world)

    assert letters_render_task(event.pk) == 2
    first = {letter.pk: letter.file.name for letter in Letter.objects.all()}
    assert letters_render_task(event.pk) == 0
    assert letters_render_task.run(event.pk, None) == 0

    assert {letter.pk: letter.file.name for letter in Letter.objects.all()} == first
    assert len(stored_files(media_root)) == 2
    assert len(mailoutbox) == 1


def test_the_race_loser_removes_its_file_and_makes_nothing(world, media_root):
    _case, event = submitted(world)
    letters_render(status_event_id=event.pk)
    winner = letters_of(event)["provider"]

    late = Letter(
        case=event.case,
        status_event=event,
        kind=winner.kind,
        recipient=winner.recipient,
        delivery=winner.delivery,
        sha256="0" * 64,
    )
    assert letter_store(late, b"%PDF-1.7 late") is None

    assert Letter.objects.filter(status_event=event).count() == 2
    assert len(stored_files(media_root)) == 2
    assert read(Letter.objects.get(pk=winner.pk)) == read(winner)


def test_a_missing_event_is_a_no_op(world):
    assert letters_render(status_event_id=2_147_483_000) == []
    assert letters_render_task(2_147_483_000) == 0
    assert not Letter.objects.exists()


def test_a_kind_chosen_by_the_caller_is_used_when_it_has_letters(world):
    _case, event = submitted(world)
    made = letters_render(status_event_id=event.pk, kind=Letter.Kind.APPROVAL)
    assert {letter.kind for letter in made} == {Letter.Kind.APPROVAL}
    assert letters_render(status_event_id=event.pk, kind="no-such-kind") == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_make_one_letter_per_recipient(
    world, media_root, mailoutbox, private_queue
):
    # The submission's own message goes to the test's queue, which no worker reads.
    _case, event = submitted(world)
    start = threading.Barrier(3)
    made, errors = [], []

    def run():
        try:
            start.wait()
            made.append(len(letters_render(status_event_id=event.pk)))
        except Exception as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(made) == 2
    assert sorted(letters_of(event)) == ["member", "provider"]
    # The losers' files were removed: one file per letter.
    assert len(stored_files(media_root)) == 2
    assert len(mailoutbox) == 1


# --- Delivery ---------------------------------------------------------------------------------


def test_an_opted_in_contact_gets_an_e_mail_notice_without_patient_data(world, mailoutbox):
    case, event = submitted(world)
    now = timezone.now()

    letters_render(status_event_id=event.pk, now=now)

    provider = letters_of(event)["provider"]
    assert provider.delivery == Letter.Delivery.EMAIL_NOTICE
    assert provider.notice_sent_at == now
    assert provider not in fax_queue()
    (message,) = mailoutbox
    assert message.to == ["pat@lakeside.example"]
    assert message.subject == NOTICE_SUBJECT.format(
        portal="Summit Prior Authorization Portal", case_number=case.case_number
    )
    assert f"The status of case {case.case_number} has changed" in message.body
    assert f"https://portal.example.org/cases/{case.public_id}/correspondence/" in message.body
    whole = message.subject + message.body
    for patient_data in (
        "Jonathan",
        "Winter",
        "JONATHAN",
        "WINTER",
        "1982",
        "6/28",
        "EVG00000042",
        "73721",
        "MRI",
        "R68.89",
        case.authorization_number,
        "Approved",
        "Michael",
    ):
        assert patient_data not in whole, patient_data


@pytest.mark.parametrize(
    "contact", [{"notify_by_email": False}, {"notify_by_email": True, "contact_email": ""}]
)
def test_without_e_mail_notices_the_provider_letter_goes_to_the_fax_queue(
    world, mailoutbox, contact
):
    _case, event = submitted(world, **contact)
    letters_render(status_event_id=event.pk)
    provider = letters_of(event)["provider"]
    assert provider.delivery == Letter.Delivery.FAX
    assert provider.notice_sent_at is None
    assert list(fax_queue()) == [provider]
    assert mailoutbox == []


def test_the_member_letter_goes_to_the_mail_queue(world):
    _case, event = submitted(world)
    letters_render(status_event_id=event.pk)
    assert list(mail_queue()) == [letters_of(event)["member"]]


def test_a_notice_the_mail_server_refused_is_sent_by_the_retry(world, settings, mailoutbox):
    _case, event = submitted(world)
    # A mail server that is not there: the connection is refused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5

    with pytest.raises(OSError):
        letters_render_task(event.pk)
    provider = letters_of(event)["provider"]
    # The letters are kept; the notice is not claimed, so the retry sends it.
    assert provider.notice_sent_at is None
    assert len(letters_of(event)) == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert letters_render_task(event.pk) == 0
    assert len(mailoutbox) == 1
    assert Letter.objects.get(pk=provider.pk).notice_sent_at is not None


def test_the_queues_are_worked_oldest_first_whatever_the_case(world):
    first_case, first_event = submitted(world, notify_by_email=False)
    second_case, second_event = submitted(world, notify_by_email=False)
    later_case, later_event = submitted(world, notify_by_email=False)
    # The newest case's letters are made first: they have waited longest.
    for event in (later_event, first_event, second_event):
        letters_render(status_event_id=event.pk)

    oldest_first = [later_case.pk, first_case.pk, second_case.pk]
    assert [letter.case_id for letter in mail_queue()] == oldest_first
    assert [letter.case_id for letter in fax_queue()] == oldest_first


def test_celerys_own_retry_after_a_refused_notice_makes_no_second_letter(
    world, settings, media_root, mailoutbox
):
    _case, event = submitted(world)
    # The first run meets a mail server that is not there (the connection is refused); the
    # server is back by the time Celery retries.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 5
    retries = []

    def mail_server_back(sender=None, reason=None, **kwargs):
        retries.append(reason)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    task_retry.connect(mail_server_back, sender=letters_render_task, weak=False)
    try:
        result = letters_render_task.apply(args=(event.pk,))
    finally:
        task_retry.disconnect(mail_server_back, sender=letters_render_task)

    # Retried by the task's own policy (a refused connection is transient), once.
    assert len(retries) == 1 and isinstance(retries[0].exc, OSError)
    assert result.successful() and result.get() == 0
    assert sorted(letters_of(event)) == ["member", "provider"]
    assert len(stored_files(media_root)) == 2
    assert len(mailoutbox) == 1
    assert letters_of(event)["provider"].notice_sent_at is not None
