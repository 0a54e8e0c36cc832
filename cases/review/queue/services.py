"""Assignment in the Medical Review Queue: "Take next case" and "Release". Assignment is not a
status: no status event, no letter. Each write happens under the case row's lock."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction
from django.db.models import F

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case
from cases.review.access import (
    REVIEW_STATUSES,
    cases_for_reviewer,
    is_medical_director,
    is_reviewer,
)

NOT_A_REVIEWER = "Only nurse reviewers and medical directors take cases."
NOT_YOURS = "This case is not assigned to you, so you cannot release it."
NOT_IN_REVIEW = "This case is no longer in review."


def cases_to_take_for(user: User):
    """The cases `user` may take, in the order they are taken: unassigned and in review (not
    on hold) in their programs, urgent first, then the earliest due; a case a nurse escalated
    only for a medical director."""
    cases = cases_for_reviewer(user).filter(status=Case.Status.IN_REVIEW, assigned_to__isnull=True)
    if not is_medical_director(user):
        cases = cases.filter(needs_medical_director=False)
    return cases.order_by("-is_urgent", F("due_at").asc(nulls_last=True), "pk")


@transaction.atomic
def case_take_next(*, user: User, now: dt.datetime) -> Case | None:
    """Assign the next case waiting for review to `user` (None when nothing is waiting). The
    row is locked with SKIP LOCKED: a case another reviewer is taking at the same moment is
    passed over, so two reviewers never take the same case and neither waits for the other."""
    if not is_reviewer(user):
        raise CaseError(NOT_A_REVIEWER)
    case = (
        cases_to_take_for(user)
        .select_for_update(skip_locked=True, of=("self",))
        .only("pk", "public_id", "case_number", "assigned_to", "assigned_at", "updated_at")
        .first()
    )
    if case is None:
        return None
    case.assigned_to = user
    case.assigned_at = now
    case.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    return case


@transaction.atomic
def case_release(*, user: User, public_id: UUID) -> Case:
    """Put a case assigned to `user` back in the queue, unassigned. Only the reviewer it is
    assigned to releases it. Raises Case.DoesNotExist for a case `user` cannot see."""
    case = (
        cases_for_reviewer(user)
        .select_for_update(of=("self",))
        .only("pk", "public_id", "case_number", "status", "assigned_to", "assigned_at")
        .get(public_id=public_id)
    )
    if case.assigned_to_id != user.pk:
        raise CaseError(NOT_YOURS)
    if case.status not in REVIEW_STATUSES:
        raise CaseError(NOT_IN_REVIEW)
    case.assigned_to = None
    case.assigned_at = None
    case.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    return case
