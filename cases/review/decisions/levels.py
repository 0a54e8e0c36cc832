"""Reconsiderations and appeals as their own levels of review: a request made from ALL POST
DECISION OPTIONS (cases.post_decision.services) moves the case back into the queue at its level,
due by the plan's limits; a reviewer decides it upheld, overturned or partially overturned.

- Upheld: the decision under review stands (a denial stays denied, a partial approval stays
  partially approved, its lines and authorization number as they were). Medical directors only
  (an adverse decision).
- Overturned: approved, every line as requested, an authorization number if the case has none
  yet, the review and expiration dates.
- Partially overturned: partially approved, the lines as in a partial approval. Medical
  directors only.
An appeal is decided by a medical director whatever the outcome.
"""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction

from accounts.models import User
from cases.clinical.submission import decision_due_at
from cases.errors import CaseError
from cases.letters.services import letters_queue
from cases.models import Case, Determination, Letter, PostDecisionRequest, StatusEvent
from cases.post_decision.facts import ADVERSE
from cases.review.decisions.guards import (
    authorization_grant,
    case_for_decision,
    decision_record,
    director_required,
    lines_approved_as_requested,
    lines_partially_approved,
    reasons_checked,
    text_checked,
)

Status = Case.Status
Level = Case.ReviewLevel
Kind = PostDecisionRequest.Kind
RequestStatus = PostDecisionRequest.Status
Outcome = Determination.Outcome

# The request's kind is the level of review it opens.
LEVEL_OF_REQUEST = {Kind.RECONSIDERATION: Level.RECONSIDERATION, Kind.APPEAL: Level.APPEAL}
REQUESTED_REASONS = {
    Kind.RECONSIDERATION: "Reconsideration requested",
    Kind.APPEAL: "Appeal requested",
}
LETTER_OF_LEVEL = {
    Level.RECONSIDERATION: Letter.Kind.RECONSIDERATION,
    Level.APPEAL: Letter.Kind.APPEAL,
}
DECIDED_REASONS = {
    (Level.RECONSIDERATION, Outcome.UPHELD): "Reconsideration upheld",
    (Level.RECONSIDERATION, Outcome.OVERTURNED): "Reconsideration overturned",
    (Level.RECONSIDERATION, Outcome.PARTIALLY_OVERTURNED): "Reconsideration partially overturned",
    (Level.APPEAL, Outcome.UPHELD): "Appeal upheld",
    (Level.APPEAL, Outcome.OVERTURNED): "Appeal overturned",
    (Level.APPEAL, Outcome.PARTIALLY_OVERTURNED): "Appeal partially overturned",
}
REQUEST_OUTCOMES = (Outcome.UPHELD, Outcome.OVERTURNED, Outcome.PARTIALLY_OVERTURNED)

NOT_A_REQUEST = "This case is not a reconsideration or an appeal: decide it as an initial review."
NO_OPEN_REQUEST = "This case has no {level} request waiting for a decision."
OUTCOME_REQUIRED = "Select upheld, overturned or partially overturned."
APPEAL_DIRECTORS_ONLY = "Only a medical director can decide an appeal."
ADVERSE_DIRECTORS_ONLY = (
    "Only a medical director can uphold or partially overturn a decision; escalate it instead."
)
NOT_ADVERSE = "Only a denial or a partial approval can be reconsidered or appealed."


def request_review_open(
    case: Case, request: PostDecisionRequest, *, user: User, now: dt.datetime
) -> StatusEvent:
    """Put the case, locked by the caller with its delegation, back into the medical review
    queue at the request's level: in review, due by the plan's limits from now, unassigned and
    no longer escalated nor held, with a status event ("Reconsideration requested", "Appeal
    requested"). Entering review has no letter (letters_queue makes none for it)."""
    if case.status not in ADVERSE:
        raise CaseError(NOT_ADVERSE)
    from_status = case.status
    case.status = Status.IN_REVIEW
    case.review_level = LEVEL_OF_REQUEST[request.kind]
    case.due_at = decision_due_at(case, now=now)
    case.assigned_to = None
    case.assigned_at = None
    case.needs_medical_director = False
    case.hold_due_at = None
    case.information_received_at = None
    case.decide_on_original = False
    case.updated_at = now
    case.save(
        update_fields=[
            "status",
            "review_level",
            "due_at",
            "assigned_to",
            "assigned_at",
            "needs_medical_director",
            "hold_due_at",
            "information_received_at",
            "decide_on_original",
        ]
    )
    # updated_at is auto_now: written with the request's own clock instead.
    Case.objects.filter(pk=case.pk).update(updated_at=now)
    event = StatusEvent.objects.create(
        case=case,
        from_status=from_status,
        to_status=Status.IN_REVIEW,
        by=user,
        at=now,
        reason=REQUESTED_REASONS[request.kind],
    )
    letters_queue(event)
    return event


def request_decide(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    outcome: str,
    rationale: str,
    guideline: str,
    criterion: str,
    lines: dict[int, int] | None = None,
) -> Case:
    """Decide the case's open reconsideration or appeal (its review level): the request marked
    upheld, overturned or partially overturned (decided when and by whom), the case denied or
    partially approved again (upheld: as decided before), approved (overturned) or partially
    approved (partially overturned, `lines` as in case_partially_approve), one status event
    with its Determination, and the reconsideration or appeal outcome letter."""
    if outcome not in REQUEST_OUTCOMES:
        raise CaseError(OUTCOME_REQUIRED, field="outcome")
    if outcome == Outcome.OVERTURNED:
        reasons = {
            "rationale": text_checked(
                rationale, label="rationale", field="rationale", max_length=4000
            ),
            "guideline": text_checked(
                guideline, label="guideline", field="guideline", max_length=200, required=False
            ),
            "criterion": text_checked(
                criterion, label="criterion", field="criterion", max_length=200, required=False
            ),
        }
    else:
        reasons = reasons_checked(rationale, guideline, criterion)
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        level = case.review_level
        if level not in (Level.RECONSIDERATION, Level.APPEAL):
            raise CaseError(NOT_A_REQUEST)
        if level == Level.APPEAL:
            director_required(user, APPEAL_DIRECTORS_ONLY)
        elif outcome != Outcome.OVERTURNED:
            director_required(user, ADVERSE_DIRECTORS_ONLY)
        request = (
            PostDecisionRequest.objects.select_for_update()
            .filter(case=case, kind=level, status=RequestStatus.RECEIVED)
            .first()
        )
        if request is None:
            raise CaseError(NO_OPEN_REQUEST.format(level=Level(level).label.lower()))
        fields: list[str] = []
        if outcome == Outcome.UPHELD:
            to_status = _status_under_review(case)
        elif outcome == Outcome.OVERTURNED:
            to_status = Status.APPROVED
            lines_approved_as_requested(case)
            fields = authorization_grant(case, now=now)
        else:
            to_status = Status.PARTIALLY_APPROVED
            lines_partially_approved(case, lines)
            fields = authorization_grant(case, now=now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=to_status,
            reason=DECIDED_REASONS[(level, outcome)],
            outcome=outcome,
            fields=fields,
            note=reasons["rationale"],
            **reasons,
        )
        request.status = outcome
        request.decided_at = now
        request.decided_by = user
        request.save(update_fields=["status", "decided_at", "decided_by"])
        letters_queue(event, kind=LETTER_OF_LEVEL[level])
    return case


def _status_under_review(case: Case) -> str:
    """The decision the request asked to change: where the case came from when the request
    put it back into review (a denial, else a partial approval)."""
    entered = (
        StatusEvent.objects.filter(case=case, to_status=Status.IN_REVIEW, from_status__in=ADVERSE)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    return entered or Status.DENIED


__all__ = ["REQUEST_OUTCOMES", "request_decide", "request_review_open"]
