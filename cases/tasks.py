"""The cases app's Celery tasks: thin interfaces to its services."""

from celery import shared_task
from django.utils import timezone

from cases.wizard.drafts import drafts_expire


@shared_task(name="cases.drafts_expire")
def drafts_expire_task() -> int:
    """Beat, every five minutes: expire the drafts whose second business day has ended (no
    correspondence). Returns how many expired."""
    return drafts_expire(now=timezone.now())
