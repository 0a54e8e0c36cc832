"""The letters through a real Celery worker on the embedded Redis: SUBMIT CASE commits, its
message reaches the worker, and the letters' rows and PDFs appear (with the e-mail notice);
a message the broker lost is sent again by the sweep."""

import datetime as dt
import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone

from cases.clinical.submission import case_submit
from cases.letters.services import letters_missing_queue
from cases.letters.tasks import letters_render_task
from cases.models import Case, Letter, StatusEvent
from portal.celery import app
from tests.cases.letters.conftest import PLAIN_KNEE_MRI, pdf_text, ready, stored_files, submitted

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def letters_tasks_watched() -> Iterator[queue.Queue]:
    """The status event ids of every letters task the in-process worker finishes."""
    finished: queue.Queue = queue.Queue()

    def on_postrun(sender=None, args=(), state=None, **kwargs):
        if sender is not None and sender.name == letters_render_task.name and state == "SUCCESS":
            finished.put(args[0])

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield finished
    finally:
        task_postrun.disconnect(on_postrun)


def wait_for_letters(finished: queue.Queue, event, count, timeout=90) -> list[Letter]:
    """Block until the worker has finished the letters task of `event` (no polling), then
    the event's letters, which must be `count`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done = finished.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty as error:
            message = f"the worker made no letters for {event} in {timeout} s"
            raise AssertionError(message) from error
        if done == event.pk:
            break
    letters = list(Letter.objects.filter(status_event=event).order_by("recipient"))
    assert len(letters) == count
    return letters


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
