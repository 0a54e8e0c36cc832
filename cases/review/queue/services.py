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
)

NOT_A_REVIEWER = "Only nurse reviewers and medical directors take cases."
NOT_YOURS = "This case is not assigned to you, so you cannot release it."
NOT_IN_REVIEW = "This case is no longer in review."


# Cases chosen before locking the first free one of them; four times more each time all of them
# were taken meanwhile.
TAKE_CANDIDATES = 8

# The next case in one statement. The candidates: for each program the user reviews, its first
# cases waiting (unassigned, in review, for a medical director only if the user is one) read in
# the queue's order along case_review_queue (keyed by program first), merged, the first few
# kept. Then the first of them free is locked with SKIP LOCKED, its conditions checked again
# under the lock: a case another reviewer is taking at the same moment is passed over, so two
# reviewers never take the same case and neither waits for the other.
_TAKE_NEXT_SQL = """
SELECT c.id, c.public_id, c.case_number, c.assigned_to_id, c.assigned_at, c.updated_at
FROM {case} c
WHERE c.id IN (
    SELECT c.id FROM {reviews} r
    CROSS JOIN LATERAL (
        SELECT c.id, c.is_urgent, c.due_at FROM {case} c
        WHERE c.program_id = r.program_id
          AND c.status = %(in_review)s AND c.submitted_at IS NOT NULL
          AND c.assigned_to_id IS NULL AND (%(director)s OR NOT c.needs_medical_director)
        ORDER BY c.is_urgent DESC, c.due_at ASC NULLS LAST, c.id
        LIMIT %(wanted)s
    ) c
    WHERE r.user_id = %(user)s
    ORDER BY c.is_urgent DESC, c.due_at ASC NULLS LAST, c.id
    LIMIT %(wanted)s
)
  AND c.status = %(in_review)s AND c.submitted_at IS NOT NULL
  AND c.assigned_to_id IS NULL AND (%(director)s OR NOT c.needs_medical_director)
ORDER BY c.is_urgent DESC, c.due_at ASC NULLS LAST, c.id
LIMIT 1
FOR UPDATE OF c SKIP LOCKED
"""


@transaction.atomic
def case_take_next(*, user: User, now: dt.datetime) -> Case | None:
    """Assign the next case waiting for review to `user` (None when nothing is waiting), in the
    queue's order: urgent first, then the earliest due. Waiting: unassigned and in review (not
    on hold) in the user's programs; a case a nurse escalated only for a medical director.
    When every candidate read was taken meanwhile, more are read."""
    if not is_reviewer(user):
        raise CaseError(NOT_A_REVIEWER)
    sql = _TAKE_NEXT_SQL.format(
        case=Case._meta.db_table, reviews=User.review_programs.through._meta.db_table
    )
    params = {
        "in_review": Case.Status.IN_REVIEW,
        "director": is_medical_director(user),
        "user": user.pk,
        "wanted": TAKE_CANDIDATES,
    }
    while True:
        case = next(iter(Case.objects.raw(sql, params)), None)
        if case is not None:
            break
        if not _waiting_exist(user, more_than=params["wanted"]):
            return None
        params["wanted"] *= 4
    case.assigned_to = user
    case.assigned_at = now
    case.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    return case


def _waiting_exist(user: User, *, more_than: int) -> bool:
    """Whether more than `more_than` cases wait for `user` (all the candidates read were being
    taken, so reading more may find a free one)."""
    waiting = cases_for_reviewer(user).filter(
        status=Case.Status.IN_REVIEW, assigned_to__isnull=True
    )
    if not is_medical_director(user):
        waiting = waiting.filter(needs_medical_director=False)
    return waiting.order_by()[: more_than + 1].count() > more_than


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
