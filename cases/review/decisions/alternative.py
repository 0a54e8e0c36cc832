"""The alternative recommendation: a medical director denies the service requested and suggests
another; the office accepts it within 60 business days (the case is approved for the
alternative) or asks for a reconsideration of the original (cases.post_decision)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.db import transaction

from accounts.models import User
from cases.errors import CaseError
from cases.letters.services import letters_queue
from cases.models import Case, Determination, Letter, ProcedureLine, StatusEvent
from cases.post_decision.facts import portal_today
from cases.review.decisions.guards import (
    RATIONALE_MAX_LENGTH,
    authorization_grant,
    case_for_decision,
    decision_record,
    director_required,
    initial_level_required,
    line_next_position,
    lines_denied,
    lines_of,
    text_checked,
)
from cases.selectors import cases_for_user
from eligibility.calendar import business_day_nth
from eligibility.models import ProcedureCode

Status = Case.Status
Outcome = Determination.Outcome

# "Alternative recommendation: 60 business days to accept" (DESIGN.md).
ACCEPT_BUSINESS_DAYS = 60

RECOMMENDED_REASON = "Denied: alternative recommended"
ACCEPTED_REASON = "Approved: alternative accepted"

RECOMMEND_DIRECTORS_ONLY = (
    "Only a medical director can recommend an alternative (it denies the service requested); "
    "escalate it instead."
)
ALTERNATIVE_CODE_REQUIRED = "Select the alternative service."
ALTERNATIVE_NOT_OF_PROGRAM = "The alternative service must be a procedure of the case's program."
ALTERNATIVE_IS_REQUESTED = "The alternative service is one already requested: approve it instead."
NO_ALTERNATIVE = "This case has no alternative recommendation to accept."
ALTERNATIVE_WINDOW_PASSED = (
    "The alternative recommendation could be accepted until {until}; that time has passed."
)


def alternative_accept_by(now: dt.datetime) -> dt.date:
    """The last day the office can accept: the 60th business day after today (portal's
    zone)."""
    return business_day_nth(portal_today(now) + dt.timedelta(days=1), ACCEPT_BUSINESS_DAYS)


def case_recommend_alternative(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    alternative_code: ProcedureCode,
    rationale: str,
) -> Case:
    """Recommend an alternative service (medical directors only): the case is denied with a
    Determination of outcome ALTERNATIVE naming the code and the last day to accept it, and the
    alternative recommendation letter is queued."""
    rationale = text_checked(
        rationale, label="rationale", field="rationale", max_length=RATIONALE_MAX_LENGTH
    )
    if not isinstance(alternative_code, ProcedureCode) or alternative_code.pk is None:
        raise CaseError(ALTERNATIVE_CODE_REQUIRED, field="alternative_code")
    with transaction.atomic():
        case = case_for_decision(user, public_id)
        initial_level_required(case)
        director_required(user, RECOMMEND_DIRECTORS_ONLY)
        if not alternative_code.programs.filter(pk=case.program_id).exists():
            raise CaseError(ALTERNATIVE_NOT_OF_PROGRAM, field="alternative_code")
        lines = lines_of(case)
        if any(line.procedure_code_id == alternative_code.pk for line in lines):
            raise CaseError(ALTERNATIVE_IS_REQUESTED, field="alternative_code")
        lines_denied(lines)
        case.review_date = portal_today(now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.DENIED,
            reason=RECOMMENDED_REASON,
            outcome=Outcome.ALTERNATIVE,
            fields=["review_date"],
            note=rationale,
            rationale=rationale,
            alternative_code=alternative_code,
            alternative_accept_by=alternative_accept_by(now),
        )
        letters_queue(event, kind=Letter.Kind.ALTERNATIVE)
    return case


def alternative_accept(*, user: User, public_id: UUID, now: dt.datetime) -> Case:
    """The office accepts the alternative recommended (through cases_for_user: its own cases
    only, Case.DoesNotExist otherwise), on or before the last day: the case is approved for the
    alternative, a new procedure line approved for it (the quantity of the primary line asked
    for), the original lines denied, an authorization number and the dates as an approval. A
    case that is no longer denied by an alternative recommendation (accepted already, or
    reconsidered), or whose window passed, raises CaseError."""
    with transaction.atomic():
        case = (
            cases_for_user(user)
            .filter(submitted_at__isnull=False)
            .select_for_update(of=("self",))
            .select_related("delegation")
            .get(public_id=public_id)
        )
        recommendation = _open_recommendation(case)
        if recommendation is None:
            raise CaseError(NO_ALTERNATIVE)
        until = recommendation.alternative_accept_by
        if until is None or portal_today(now) > until:
            raise CaseError(
                ALTERNATIVE_WINDOW_PASSED.format(until=until.strftime("%m/%d/%Y") if until else "")
            )
        lines = lines_of(case)
        lines_denied(lines)
        ProcedureLine.objects.create(
            case=case,
            position=line_next_position(case),
            procedure_code=recommendation.alternative_code,
            quantity_requested=lines[0].quantity_requested if lines else 1,
            quantity_approved=lines[0].quantity_requested if lines else 1,
            decision=ProcedureLine.Decision.APPROVED,
        )
        fields = authorization_grant(case, now=now)
        event = decision_record(
            case,
            user=user,
            now=now,
            to_status=Status.APPROVED,
            reason=ACCEPTED_REASON,
            outcome=Outcome.APPROVED,
            fields=fields,
            rationale=f"The office accepted the alternative recommended on "
            f"{portal_today(recommendation.decided_at).strftime('%m/%d/%Y')}.",
            alternative_code=recommendation.alternative_code,
        )
        letters_queue(event)
    return case


def _open_recommendation(case: Case) -> Determination | None:
    """The alternative recommendation the case stands denied by: its last status event (the one
    written last) is a denial whose determination recommends an alternative."""
    if case.status != Status.DENIED:
        return None
    last = StatusEvent.objects.filter(case=case).order_by("-pk").first()
    if last is None:
        return None
    return (
        Determination.objects.filter(status_event=last, outcome=Outcome.ALTERNATIVE)
        .select_related("alternative_code")
        .first()
    )


__all__ = [
    "ACCEPT_BUSINESS_DAYS",
    "alternative_accept",
    "alternative_accept_by",
    "case_recommend_alternative",
]
