"""The cases app's Celery tasks: thin interfaces to its services."""

from celery import shared_task
from django.utils import timezone

from cases.letters.tasks import letters_missing_queue_task, letters_render_task
from cases.review.tasks import due_alerts_task, holds_expire_task
from cases.wizard.drafts import drafts_expire

# The letters' and the review's tasks live with them; imported here so every worker registers
# them.
__all__ = [
    "drafts_expire_task",
    "due_alerts_task",
    "holds_expire_task",
    "letters_missing_queue_task",
    "letters_render_task",
]


@shared_task(name="cases.drafts_expire")
def drafts_expire_task() -> int:
    """Beat, every five minutes: expire the drafts whose second business day has ended (no
    correspondence). Returns how many expired."""
    return drafts_expire(now=timezone.now())
