"""Medical review's beat tasks through Celery's task API (in this process, as a worker would run
them) and one through a real worker on the real Redis broker: holds past due go back to the
queue, the leads are warned of cases due within 24 hours and breaches are recorded."""

import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from cases.models import Case, DueAlert, StatusEvent
from cases.review.holds import EXPIRED_REASON
from cases.review.tasks import due_alerts_task, holds_expire_task
from portal.celery import app
from tests.cases.review.conftest import in_review, reviewer

pytestmark = pytest.mark.django_db


def held(world, *, due_in: dt.timedelta) -> Case:
    case = in_review(world, status=Case.Status.HOLD)
    Case.objects.filter(pk=case.pk).update(hold_due_at=timezone.now() + due_in)
    return case


@pytest.mark.parametrize(
    ("entry", "task"),
    [
        ("cases-review-holds-expire", holds_expire_task),
        ("cases-review-due-alerts", due_alerts_task),
    ],
)
def test_beat_runs_each_task_every_five_minutes(entry, task):
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    assert schedule["task"] == task.name
    assert schedule["schedule"] == 5 * 60
    assert task.name in app.tasks


def test_the_task_names_are_the_cases_apps(world):
    assert holds_expire_task.name == "cases.review_holds_expire"
    assert due_alerts_task.name == "cases.review_due_alerts"


def test_the_holds_task_puts_the_holds_past_due_back_in_the_queue(world):
    past = held(world, due_in=-dt.timedelta(minutes=1))
    later = held(world, due_in=dt.timedelta(days=1))

    assert holds_expire_task.apply().get() == 1
    assert holds_expire_task.apply().get() == 0

    past = Case.objects.get(pk=past.pk)
    assert past.status == Case.Status.IN_REVIEW and past.decide_on_original
    assert Case.objects.get(pk=later.pk).status == Case.Status.HOLD
    (event,) = StatusEvent.objects.filter(case=past, reason=EXPIRED_REASON)
    assert event.by is None


def test_the_alerts_task_warns_the_lead_and_records_the_breaches(world, mailoutbox):
    radiology_lead = reviewer("radiology.lead", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
    User.objects.filter(pk=radiology_lead.pk).update(is_review_lead=True)
    soon = in_review(world, due_in=dt.timedelta(hours=3))
    late = in_review(world, due_in=-dt.timedelta(hours=1))

    assert due_alerts_task.apply().get() == {"warnings": 1, "breaches": 1}
    assert due_alerts_task.apply().get() == {"warnings": 0, "breaches": 0}

    assert list(DueAlert.objects.values_list("case_id", "kind").order_by("kind")) == [
        (late.pk, DueAlert.Kind.BREACH),
        (soon.pk, DueAlert.Kind.WARNING),
    ]
    (mail,) = mailoutbox
    assert mail.to == [radiology_lead.email]
    assert f"Case {soon.case_number}:" in mail.body
    assert world.member.last_name not in mail.body


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_puts_a_hold_past_due_back_in_the_queue(world):
    past = held(world, due_in=-dt.timedelta(seconds=1))
    kept = held(world, due_in=dt.timedelta(days=1))

    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        assert holds_expire_task.delay().get(timeout=60) == 1

    assert Case.objects.get(pk=past.pk).status == Case.Status.IN_REVIEW
    assert Case.objects.get(pk=past.pk).decide_on_original is True
    assert Case.objects.get(pk=kept.pk).status == Case.Status.HOLD
