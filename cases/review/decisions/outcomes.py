"""The initial review's determinations: approve, partially approve, deny, cancel, and a nurse's
escalation to a medical director.

Each is one transaction with the case's row locked (cases.review.decisions.guards): the guards,
one status event with its Determination, the case no longer assigned, and the letters queued
for when it commits (cases.letters.services.letters_queue)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction

from accounts.models import User
from cases.errors import CaseError
from cases.letters.services import letters_queue
from cases.models import Case, Determination, ReviewNote
from cases.post_decision.facts import portal_today
from cases.review.access import is_medical_director
from cases.review.decisions.guards import (
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    authorization_grant,
    case_for_decision,
    choice_checked,
    decision_record,
    director_required,
    initial_level_required,
    lines_approved_as_requested,
    lines_denied,
    lines_of,
    lines_partially_approved,
    reasons_checked,
    text_checked,
)

Status = Case.Status
Outcome = Determination.Outcome

APPROVED_REASON = "Approved"
PARTIALLY_APPROVED_REASON = "Partially approved"
DENIED_REASON = "Denied: {reason}"
CANCELLED_REASON = "Cancelled: {reason}"

DENY_DIRECTORS_ONLY = "Only a medical director can deny a request; escalate it instead."
ESCALATE_NURSES_ONLY = "Only a nurse reviewer escalates a case to a medical director."


def case_approve(*, user: User, public_id: UUID, now: dt.datetime, rationale: str = "") -> Case:
    """Approve: every line approved as requested, an authorization number, the review date
    (today in the portal's zone) and the expiration date (the delegation's validity)."""
    rationale = text_checked(
        rationale,
        label="rationale",
        field="rationale",
        max_length=RATIONALE_MAX_LENGTH,
        required=False,
    )
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        initial_level_required(case)
        lines_approved_as_requested(case)
        fields = authorization_grant(case, now=now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.APPROVED,
            reason=APPROVED_REASON,
            outcome=Outcome.APPROVED,
            fields=fields,
            note=rationale,
            rationale=rationale,
        )
        letters_queue(event)
    return case


def case_partially_approve(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    lines: dict[int, int],
    rationale: str,
    guideline: str,
    criterion: str,
) -> Case:
    """Partially approve: an approved quantity for every procedure line (0 denies the line, at
    most the quantity requested), at least one line approved and one denied or reduced; the
    rationale, guideline and criterion of what is not approved; an authorization number and the
    dates as an approval."""
    reasons = reasons_checked(rationale, guideline, criterion)
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        initial_level_required(case)
        lines_partially_approved(case, lines)
        fields = authorization_grant(case, now=now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.PARTIALLY_APPROVED,
            reason=PARTIALLY_APPROVED_REASON,
            outcome=Outcome.PARTIALLY_APPROVED,
            fields=fields,
            note=reasons["rationale"],
            **reasons,
        )
        letters_queue(event)
    return case


def case_deny(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    rationale: str,
    guideline: str,
    criterion: str,
    denial_reason: str,
) -> Case:
    """Deny (medical directors only): the rationale in plain language, the guideline and
    criterion used and a specific denial reason; every line denied; the review date set (the
    letters' Review Date), no authorization number."""
    reasons = reasons_checked(rationale, guideline, criterion)
    denial_reason = choice_checked(
        denial_reason, Determination.DenialReason, label="denial reason", field="denial_reason"
    )
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        initial_level_required(case)
        director_required(user, DENY_DIRECTORS_ONLY)
        lines_denied(lines_of(case))
        case.review_date = portal_today(now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.DENIED,
            reason=DENIED_REASON.format(
                reason=Determination.DenialReason(denial_reason).label.lower()
            ),
            outcome=Outcome.DENIED,
            fields=["review_date"],
            note=reasons["rationale"],
            denial_reason=denial_reason,
            **reasons,
        )
        letters_queue(event)
    return case


def case_escalate(*, user: User, public_id: UUID, now: dt.datetime, note: str) -> Case:
    """A nurse reviewer sends the case to a medical director (who alone may deny it): the case
    is marked for a medical director and leaves the nurse's hands. Its status does not change,
    so there is no status event and no letter: the nurse's note is a ReviewNote (the reviewers'
    notes, never shown to the office)."""
    note = text_checked(
        note, label="note for the medical director", field="note", max_length=NOTE_MAX_LENGTH
    )
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        if is_medical_director(user):
            raise CaseError(ESCALATE_NURSES_ONLY)
        case.needs_medical_director = True
        case.assigned_to = None
        case.assigned_at = None
        case.save(
            update_fields=["needs_medical_director", "assigned_to", "assigned_at", "updated_at"]
        )
        ReviewNote.objects.create(case=case, author=user, text=note, created_at=now)
    return case


def case_cancel(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    cancel_reason: str,
    rationale: str = "",
) -> Case:
    """Cancel a case in review or on hold, with a reason (duplicate, requested by the provider,
    member not eligible)."""
    cancel_reason = choice_checked(
        cancel_reason, Determination.CancelReason, label="cancel reason", field="cancel_reason"
    )
    rationale = text_checked(
        rationale,
        label="rationale",
        field="rationale",
        max_length=RATIONALE_MAX_LENGTH,
        required=False,
    )
    with transaction.atomic():
        case = case_for_decision(user, public_id, statuses=(Status.IN_REVIEW, Status.HOLD))
        initial_level_required(case)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.CANCELLED,
            reason=CANCELLED_REASON.format(
                reason=Determination.CancelReason(cancel_reason).label.lower()
            ),
            outcome=Outcome.CANCELLED,
            note=rationale,
            cancel_reason=cancel_reason,
            rationale=rationale,
        )
        letters_queue(event)
    return case


__all__ = [
    "case_approve",
    "case_cancel",
    "case_deny",
    "case_escalate",
    "case_partially_approve",
]
