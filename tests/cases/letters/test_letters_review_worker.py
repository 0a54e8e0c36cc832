"""A denial's letters through a real Celery worker on the embedded Redis: the review's status
event and its Determination commit with letters_queue in the same transaction, the message
reaches the worker, and both letters appear with the denial's facts in their PDFs."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from cases.letters.services import fax_queue, letters_queue, mail_queue
from cases.models import Case, Determination, Letter
from portal.celery import app
from tests.cases.letters.conftest import PLAIN_KNEE_MRI, pdf_text, stored_files
from tests.cases.letters.test_letters_review_kinds import (
    CRITERION,
    GUIDELINE,
    RATIONALE,
    decided,
    read,
)
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters

pytestmark = pytest.mark.django_db(transaction=True)


def purge(queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)


def test_a_real_worker_makes_both_letters_of_a_committed_denial(
    world, media_root, mailoutbox, private_queue
):
    purge(private_queue)
    with (
        letters_tasks_watched() as finished,
        start_worker(app, queues=[private_queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        # As the review's deny service does: the event, its determination and the letters'
        # message in one transaction; the message goes when it commits.
        with transaction.atomic():
            event = decided(
                world,
                status=Case.Status.DENIED,
                outcome=Determination.Outcome.DENIED,
                rationale=RATIONALE,
                guideline=GUIDELINE,
                criterion=CRITERION,
                denial_reason=Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
            )
            assert letters_queue(event) is True
            assert not Letter.objects.exists()
        member, provider = wait_for_letters(finished, event, 2)

    assert (member.kind, provider.kind) == (Letter.Kind.DENIAL, Letter.Kind.DENIAL)
    # The case's contact asked for no e-mail: the provider's letter waits in the fax queue.
    assert (member.delivery, provider.delivery) == (Letter.Delivery.MAIL, Letter.Delivery.FAX)
    assert list(fax_queue()) == [provider] and list(mail_queue()) == [member]
    assert mailoutbox == []
    assert len(stored_files(media_root)) == 2
    provider_text = pdf_text(read(provider))
    for expected in (
        "Prior Authorization Denied",
        f"Case Number: {event.case.case_number}",
        "Denial Reason: Not medically necessary",
        RATIONALE,
        f"Guideline Used: {GUIDELINE}",
        f"Criterion: {CRITERION}",
        "Reviewed by: Medical Director",
        "Reconsideration allowed through Summit Prior Authorization Portal until 3/7/2026",
        "Reconsideration P2P",
        "A first-level appeal may be requested until 8/29/2026",
    ):
        assert expected in provider_text, expected
    member_text = pdf_text(read(member))
    for expected in (
        "Your care was not approved",
        "Dear Jonathan Winter",
        PLAIN_KNEE_MRI,
        RATIONALE,
        "Your appeal must reach us by August 29, 2026",
    ):
        assert expected in member_text, expected
    assert CRITERION not in member_text


def test_a_rolled_back_denial_sends_nothing_to_the_worker(world, media_root, private_queue):
    purge(private_queue)
    with pytest.raises(RuntimeError), transaction.atomic():
        event = decided(world, status=Case.Status.DENIED, outcome=Determination.Outcome.DENIED)
        letters_queue(event)
        raise RuntimeError("the denial fails after queueing its letters")
    with app.connection_for_write() as connection:
        waiting = connection.default_channel.client.llen(private_queue)
    assert waiting == 0
    assert not Letter.objects.exists()
