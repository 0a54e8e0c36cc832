"""The cases app's Celery tasks, called directly (test_tasks_worker.py runs one through a real
worker): the beat task that expires drafts never submitted."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cases.models import Case, StatusEvent
from cases.tasks import drafts_expire_task
from cases.wizard.drafts import draft_start

pytestmark = pytest.mark.django_db


def test_the_task_expires_only_the_drafts_whose_time_is_up(world, mailoutbox):
    due = draft_start(user=world.user, program=world.radiology)
    also_due = draft_start(user=world.outsider, program=world.dme)
    not_yet = draft_start(user=world.user, program=world.msk)
    submitted = draft_start(user=world.user, program=world.radiology)
    past = timezone.now() - dt.timedelta(minutes=1)
    Case.objects.filter(pk__in=[due.pk, also_due.pk, submitted.pk]).update(expires_at=past)
    Case.objects.filter(pk=submitted.pk).update(status=Case.Status.IN_REVIEW)

    assert drafts_expire_task() == 2

    statuses = dict(Case.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Case.Status.EXPIRED,
        also_due.pk: Case.Status.EXPIRED,
        not_yet.pk: Case.Status.DRAFT,
        submitted.pk: Case.Status.IN_REVIEW,
    }
    events = StatusEvent.objects.filter(to_status=Case.Status.EXPIRED)
    assert sorted(event.case_id for event in events) == sorted([due.pk, also_due.pk])
    assert all(event.by is None for event in events)
    assert mailoutbox == []


def test_running_it_again_expires_nothing_more(world):
    draft = draft_start(user=world.user, program=world.radiology)
    Case.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert drafts_expire_task() == 1
    assert drafts_expire_task() == 0
    assert StatusEvent.objects.filter(case=draft, to_status=Case.Status.EXPIRED).count() == 1


def test_with_nothing_due_it_returns_zero(draft):
    assert drafts_expire_task() == 0
    draft.refresh_from_db()
    assert draft.status == Case.Status.DRAFT


def test_the_task_is_registered_under_the_name_beat_schedules(world):
    assert drafts_expire_task.name == "cases.drafts_expire"
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "cases.drafts_expire" in entries
    # Run as a worker would (in this process): the result is the count.
    assert drafts_expire_task.apply().get() == 0
