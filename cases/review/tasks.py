"""Medical review's beat tasks: thin interfaces to its sweeps, each run with the clock of the
moment (the services take `now`, so tests call them with any clock). Both are safe to run
twice or side by side: what is done is found done (row locks, unique alerts)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from cases.review.due import due_breaches_record, due_warnings_send
from cases.review.holds import holds_expire


@shared_task(name="cases.review_holds_expire")
def holds_expire_task() -> int:
    """Beat, every five minutes: held cases whose due date passed without the information go
    back to the queue, to be decided on the original submission. Returns how many."""
    return holds_expire(now=timezone.now())


@shared_task(name="cases.review_due_alerts")
def due_alerts_task() -> dict[str, int]:
    """Beat, every five minutes: warn the queue's leads of the cases due within the next 24
    hours, and record the breaches of cases past their due time. Returns how many of each
    this run recorded."""
    now = timezone.now()
    # Breaches first: a mail server that is down (the warnings' e-mail) must not stop them.
    breaches = due_breaches_record(now=now)
    return {"warnings": due_warnings_send(now=now), "breaches": breaches}


__all__ = ["due_alerts_task", "holds_expire_task"]
