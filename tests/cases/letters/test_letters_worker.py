"""The letters through a real Celery worker on the embedded Redis: SUBMIT CASE commits, its
message reaches the worker, and the letters' rows and PDFs appear (with the e-mail notice);
a message the broker lost is sent again by the sweep."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from cases.clinical.submission import case_submit
from cases.letters.services import letters_missing_queue, letters_render
from cases.models import Case, Letter, StatusEvent
from portal.celery import app
from tests.cases.letters.conftest import PLAIN_KNEE_MRI, pdf_text, ready, stored_files, submitted
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters

pytestmark = pytest.mark.django_db(transaction=True)


def purge(queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def test_a_real_worker_makes_the_letters_of_a_submitted_case(
    world, media_root, mailoutbox, private_queue
):
    purge(private_queue)
    case = ready(world)

    with (
        letters_tasks_watched() as finished,
        start_worker(app, queues=[private_queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        # Committed at once (no transaction around the test): its message goes on commit.
        case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
        event = StatusEvent.objects.get(case=case, to_status=Case.Status.APPROVED)
        member, provider = wait_for_letters(finished, event, 2)

    case.refresh_from_db()
    assert (member.recipient, provider.recipient) == ("member", "provider")
    assert len(stored_files(media_root)) == 2
    with provider.file.open("rb") as content:
        text = pdf_text(content.read())
    assert f"Authorization Number: {case.authorization_number}" in text
    assert f"Expiration Date: {case.expiration_date:%-m/%-d/%Y}" in text
    with member.file.open("rb") as content:
        assert PLAIN_KNEE_MRI in pdf_text(content.read())
    assert provider.notice_sent_at is not None
    (notice,) = mailoutbox
    assert case.case_number in notice.subject


def test_letters_whose_message_was_lost_are_queued_again_by_the_sweep(
    world, media_root, private_queue
):
    lost_case, lost = submitted(world)
    StatusEvent.objects.filter(pk=lost.pk).update(at=timezone.now() - dt.timedelta(minutes=30))
    _recent_case, recent = submitted(world)
    # The broker lost both messages.
    purge(private_queue)

    assert letters_missing_queue(now=timezone.now()) == 1

    with (
        letters_tasks_watched() as finished,
        start_worker(app, queues=[private_queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        wait_for_letters(finished, lost, 2)
    assert not Letter.objects.filter(status_event=recent).exists()
    # Once made, nothing is queued again.
    assert letters_missing_queue(now=timezone.now()) == 0


def test_an_event_that_lacks_one_recipients_letter_is_queued_again(
    world, media_root, private_queue
):
    _case, event = submitted(world)
    StatusEvent.objects.filter(pk=event.pk).update(at=timezone.now() - dt.timedelta(minutes=30))
    purge(private_queue)
    letters_render(status_event_id=event.pk)
    # The worker stopped after the provider's letter: the member's is missing.
    Letter.objects.filter(status_event=event, recipient=Letter.Recipient.MEMBER).delete()

    assert letters_missing_queue(now=timezone.now()) == 1
    with (
        letters_tasks_watched() as finished,
        start_worker(app, queues=[private_queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        member, provider = wait_for_letters(finished, event, 2)
    assert member.recipient == Letter.Recipient.MEMBER and provider.recipient == "provider"
    assert letters_missing_queue(now=timezone.now()) == 0
