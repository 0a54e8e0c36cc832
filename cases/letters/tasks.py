"""The letters' Celery tasks: thin interfaces to cases.letters.services.

letters_render takes a status event's id (never patient data), re-reads everything and makes
what is missing, so a retried, redelivered or duplicated message makes no second letter.
Acknowledged late: a worker lost mid-letter leaves the message to another worker. Transient
failures (the database, the file storage, the mail server) are retried with backoff.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

TRANSIENT = (DatabaseError, OSError)


@shared_task(
    name="cases.letters_render",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=10,
    ignore_result=True,
)
def letters_render_task(status_event_id: int, kind: str | None = None) -> int:
    """Render, store and deliver the letters of one status event. Returns how many this run
    made (0 when they exist, or the event does not)."""
    # Imported here: the services module imports this one (to queue the task), so every
    # process that loads the letters' services knows the task too, the worker included.
    from cases.letters.services import letters_render

    return len(letters_render(status_event_id=int(status_event_id), kind=kind))


@shared_task(name="cases.letters_missing_queue", ignore_result=True)
def letters_missing_queue_task() -> int:
    """Beat: queue again the letters of recent status events that have none (a broker that
    was down when their change committed). Returns how many were queued."""
    from cases.letters.services import letters_missing_queue

    return letters_missing_queue(now=timezone.now())
