"""Assignment in the Medical Review Queue: "Take next case" and "Release". Assignment is not a
status: no status event, no letter. Each write happens under the case row's lock."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case
from cases.review.access import (
    REVIEW_STATUSES,
    cases_for_reviewer,
    is_medical_director,
    is_reviewer,
    reviewer_programs,
)
from cases.review.queue.selectors import queue_ids_in_order, queue_ordered

NOT_A_REVIEWER = "Only nurse reviewers and medical directors take cases."
NOT_YOURS = "This case is not assigned to you, so you cannot release it."
NOT_IN_REVIEW = "This case is no longer in review."


# Cases chosen before locking the first free one of them; four times more each time all of them
# were taken meanwhile.
TAKE_CANDIDATES = 8


def cases_to_take_for(user: User):
    """The cases `user` may take: unassigned and in review (not on hold) in their programs; a
    case a nurse escalated only for a medical director."""
    cases = cases_for_reviewer(user).filter(status=Case.Status.IN_REVIEW, assigned_to__isnull=True)
    if not is_medical_director(user):
        cases = cases.filter(needs_medical_director=False)
    return cases


@transaction.atomic
def case_take_next(*, user: User, now: dt.datetime) -> Case | None:
    """Assign the next case waiting for review to `user` (None when nothing is waiting), in the
    queue's order: urgent first, then the earliest due.

    The first few candidates are read without locks, program by program along the queue's
    index (queue_ids_in_order), then the first of them still free is locked with SKIP LOCKED
    (its conditions checked again under the lock): a case another reviewer is taking at the
    same moment is passed over, so two reviewers never take the same case and neither waits
    for the other. When every candidate was taken meanwhile, more are read."""
    if not is_reviewer(user):
        raise CaseError(NOT_A_REVIEWER)
    cases = cases_to_take_for(user)
    program_ids = [program.pk for program in reviewer_programs(user)]
    wanted = TAKE_CANDIDATES
    while True:
        candidates = queue_ids_in_order(cases, program_ids, start=0, count=wanted)
        if not candidates:
            return None
        case = (
            queue_ordered(cases.filter(pk__in=candidates))
            .select_for_update(skip_locked=True, of=("self",))
            .only("pk", "public_id", "case_number", "assigned_to", "assigned_at", "updated_at")
            .first()
        )
        if case is not None:
            break
        if len(candidates) < wanted:
            return None
        wanted *= 4
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
