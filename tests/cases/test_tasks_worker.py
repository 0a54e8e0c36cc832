"""The drafts' expiry through a real Celery worker on the real Redis broker: what beat queues
every five minutes is run by a worker, which expires the draft whose time is up."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from cases.models import Case
from cases.tasks import drafts_expire_task
from cases.wizard.drafts import draft_start
from portal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_schedules_the_expiry_task_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["cases-drafts-expire"]
    assert entry["task"] == drafts_expire_task.name == "cases.drafts_expire"
    assert entry["schedule"] == 5 * 60


def test_a_real_worker_expires_a_draft_whose_time_is_up(world):
    due = draft_start(user=world.user, program=world.radiology)
    kept = draft_start(user=world.user, program=world.radiology)
    Case.objects.filter(pk=due.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        result = drafts_expire_task.delay()
        assert result.get(timeout=60) == 1

    assert Case.objects.get(pk=due.pk).status == Case.Status.EXPIRED
    assert Case.objects.get(pk=kept.pk).status == Case.Status.DRAFT
