"""The scheduler's Celery task: the appointment's e-mail, sent after its change commits (the
message carries the appointment's id only). Transient failures are retried with backoff."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError

TRANSIENT = (DatabaseError, OSError, SMTPException)


@shared_task(
    name="p2p.appointment_notice",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=10,
    ignore_result=True,
)
def appointment_notice_task(appointment_id: int) -> bool:
    from p2p.notices import appointment_notice_send

    return appointment_notice_send(int(appointment_id))
