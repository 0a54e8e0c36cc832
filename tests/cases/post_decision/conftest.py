"""Decided cases for the post-decision tests: a radiology request submitted to medical review
(tests/cases/clinical/test_submission.py `ready` + case_submit), then decided directly in the
database with the status event of its determination (the decisions come from the medical
review issue)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from cases.clinical.submission import case_submit
from cases.models import Case, PostDecisionRequest, StatusEvent
from cases.models.pathways import Outcome
from tests.cases.clinical.test_submission import ready
from tests.factories.eligibility import LineOfBusinessFactory

ZONE = ZoneInfo(settings.TIME_ZONE)
# The pages' tests run at this moment (a Tuesday morning in the portal's time zone).
NOW = dt.datetime(2026, 5, 12, 10, 0, tzinfo=ZONE)
TODAY = NOW.date()

DECISION_REASONS = {
    Case.Status.DENIED: "Denied: criteria not met",
    Case.Status.PARTIALLY_APPROVED: "Partially approved",
    Case.Status.APPROVED: "Approved",
    Case.Status.CANCELLED: "Cancelled: requested by the provider",
    Case.Status.HOLD: "Additional Information Required",
}


@pytest.fixture
def clock():
    """The pages' clock stands still at NOW."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def line_of_business_set(world, kind: str) -> None:
    """The case's delegation covers members of this line of business."""
    world.delegation.line_of_business = LineOfBusinessFactory(kind=kind)
    world.delegation.save()


def decided(
    world,
    *,
    status: str = Case.Status.DENIED,
    determined_at: dt.datetime | None = None,
    date_of_service: dt.date | None = None,
    service_performed: bool = False,
    due_at: dt.datetime | None = None,
) -> Case:
    """A submitted radiology case of the world's office, decided as `status` at
    `determined_at` (a status event in_review -> status), with the date of service given (a week
    after the portal's today by default)."""
    now = timezone.now()
    case = ready(world, outcome=Outcome.REVIEW)
    case = case_submit(user=world.user, public_id=case.public_id, now=now)
    values = {"date_of_service": date_of_service or _today() + dt.timedelta(days=7)}
    values["service_performed"] = service_performed
    if due_at is not None:
        values["due_at"] = due_at
    if status != Case.Status.IN_REVIEW:
        values["status"] = status
        at = determined_at or now
        StatusEvent.objects.create(
            case=case,
            from_status=Case.Status.IN_REVIEW,
            to_status=status,
            by=world.user,
            at=at,
            reason=DECISION_REASONS.get(status, status),
        )
        if status in (Case.Status.APPROVED, Case.Status.PARTIALLY_APPROVED):
            values["authorization_number"] = f"A9{case.case_number}"
            values["review_date"] = at.astimezone(ZONE).date()
    Case.objects.filter(pk=case.pk).update(**values)
    return Case.objects.get(pk=case.pk)


def request_made(
    case: Case,
    kind: str,
    *,
    at: dt.datetime | None = None,
    status: str = PostDecisionRequest.Status.RECEIVED,
) -> PostDecisionRequest:
    return PostDecisionRequest.objects.create(
        case=case,
        kind=kind,
        status=status,
        requested_by=case.created_by,
        requested_at=at or timezone.now(),
        contact_name="Pat Front Desk",
        contact_phone="6155484000",
        reason="Records from the orthopedic visit.",
    )


def _today() -> dt.date:
    return timezone.now().astimezone(ZONE).date()
