"""The P2P confirmation letters through a real Celery worker on the embedded Redis: the booking
commits, its message reaches the worker and the letter appears; a message the broker lost is
sent again by the sweep."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from cases.models import Letter
from p2p.letters import confirmation_letters_missing_queue
from p2p.models import AppointmentConfirmation
from p2p.tasks import confirmation_letters_task
from portal.celery import app
from tests.cases.letters.conftest import pdf_text, queue_of_its_own
from tests.cases.letters.watch import letters_tasks_watched, wait_for_task
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def private_queue():
    with queue_of_its_own() as name:
        yield name


def purge(queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def a_worker(queue: str):
    return start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60)


def test_a_real_worker_makes_the_letter_and_the_sweep_sends_a_lost_one_again(
    world, private_queue, mailoutbox
):
    physician = physician_make("Fackler")
    first_case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    lost_case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    purge(private_queue)

    with letters_tasks_watched(confirmation_letters_task) as finished, a_worker(private_queue):
        # Committed at once (no transaction around the test): its messages go on commit.
        appointment = book(world, physician, next_weekday_at(9, 30), first_case)
        wait_for_task(finished, appointment)
    letter = Letter.objects.get(case=first_case, kind=Letter.Kind.P2P_CONFIRMATION)
    with letter.file.open("rb") as content:
        assert "Peer to Peer Consultation Scheduled" in pdf_text(content.read())
    assert any(first_case.case_number in mail.subject for mail in mailoutbox)

    lost = book(world, physician, next_weekday_at(9, 45), lost_case)
    # The broker lost its messages; ten minutes on, the sweep finds the letter missing.
    purge(private_queue)
    AppointmentConfirmation.objects.filter(appointment=lost).update(
        made_at=timezone.now() - dt.timedelta(minutes=30)
    )
    assert confirmation_letters_missing_queue(now=timezone.now()) == 1
    with letters_tasks_watched(confirmation_letters_task) as finished, a_worker(private_queue):
        wait_for_task(finished, lost)

    assert Letter.objects.filter(case=lost_case, kind=Letter.Kind.P2P_CONFIRMATION).count() == 1
    assert confirmation_letters_missing_queue(now=timezone.now()) == 0
