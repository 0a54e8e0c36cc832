"""The scheduler's Celery tasks: the appointment's e-mail and its cases' P2P confirmation
letters, sent after its change commits (the message carries the appointment's id only), and
the beat's sweep of letters never made. Transient failures are retried with backoff."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

TRANSIENT = (DatabaseError, OSError, SMTPException)
# A task run after a change commits: acknowledged late (a worker lost mid-task leaves it to
# another), transient failures retried with backoff for about 40 minutes.
RETRIED = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 10 * 60,
    "retry_jitter": True,
    "max_retries": 10,
    "ignore_result": True,
}


@shared_task(
    name="p2p.appointment_notice",
    **RETRIED,
)
def appointment_notice_task(appointment_id: int) -> bool:
    from p2p.notices import appointment_notice_send

    return appointment_notice_send(int(appointment_id))


@shared_task(
    name="p2p.confirmation_letters",
    **RETRIED,
)
def confirmation_letters_task(appointment_id: int) -> int:
    """Make the P2P confirmation letters the appointment's confirmations lack. Returns how
    many this run made."""
    from p2p.letters import confirmation_letters_make

    return len(confirmation_letters_make(int(appointment_id), now=timezone.now()))


@shared_task(name="p2p.confirmation_letters_missing", ignore_result=True)
def confirmation_letters_missing_task() -> int:
    """Beat: queue again the confirmation letters never made. Returns how many were queued."""
    from p2p.letters import confirmation_letters_missing_queue

    return confirmation_letters_missing_queue(now=timezone.now())
