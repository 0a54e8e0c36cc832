"""What every determination checks and writes: the case loaded under its row lock through the
reviewer's one way in (cases_for_reviewer), the status, assignment and role guards, the checked
texts of a decision, and the status event with its Determination, the authorization number and
the dates an approval gives.

A case of a program the reviewer does not review raises Case.DoesNotExist (a 404 for the views);
a decision the case or the reviewer cannot take raises CaseError with the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from uuid import UUID

from django.db.models import F, Max

from accounts.models import User
from cases.clinical.submission import sequence_next
from cases.errors import CaseError
from cases.models import Case, Determination, ProcedureLine, StatusEvent
from cases.post_decision.facts import portal_today
from cases.review.access import cases_for_reviewer, is_medical_director
from eligibility.models import Delegation

Status = Case.Status
Decision = ProcedureLine.Decision

NOT_IN_STATUS = "This case is not in review: it is {status}."
ASSIGNED_ELSEWHERE = "This case is assigned to someone else ({name}): only they can decide it now."
NEEDS_DIRECTOR = "A nurse reviewer escalated this case: only a medical director can decide it now."
NULL_CHARACTER = "Null characters are not allowed."
REQUIRED = "Enter the {label}."
DECIDE_THE_REQUEST = (
    "This case is a {level}: decide it as upheld, overturned or partially overturned."
)
TOO_LONG = "Enter at most {limit:,} characters in the {label} (you entered {length:,})."

RATIONALE_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 4000
# Determination.guideline and .criterion.
GUIDELINE_MAX_LENGTH = 200
CRITERION_MAX_LENGTH = 200


def case_for_decision(
    user: User,
    public_id: UUID,
    *,
    statuses: Iterable[str] = (Status.IN_REVIEW,),
) -> Case:
    """The case, its row locked for the rest of the caller's transaction, when `user` may
    decide it now: one of `statuses`, not assigned to another reviewer, and not escalated to a
    medical director when `user` is a nurse. Call it inside transaction.atomic."""
    case = (
        cases_for_reviewer(user)
        .select_for_update(of=("self",))
        .select_related("delegation")
        .get(public_id=public_id)
    )
    statuses = tuple(statuses)
    if case.status not in statuses:
        raise CaseError(NOT_IN_STATUS.format(status=_status_label(case)))
    if case.assigned_to_id is not None and case.assigned_to_id != user.pk:
        raise CaseError(ASSIGNED_ELSEWHERE.format(name=user_name(case.assigned_to)))
    if case.needs_medical_director and not is_medical_director(user):
        raise CaseError(NEEDS_DIRECTOR)
    return case


def initial_level_required(case: Case) -> None:
    """The initial review's outcomes (approve, partially approve, deny, an alternative, cancel)
    are not for a reconsideration or an appeal: those are decided with request_decide."""
    if case.review_level in (Case.ReviewLevel.RECONSIDERATION, Case.ReviewLevel.APPEAL):
        level = Case.ReviewLevel(case.review_level).label.lower()
        raise CaseError(DECIDE_THE_REQUEST.format(level=level))


def _status_label(case: Case) -> str:
    if case.status == Status.IN_REVIEW and case.review_level:
        return f"{Status(case.status).label} ({Case.ReviewLevel(case.review_level).label})"
    return Status(case.status).label


def user_name(user: User) -> str:
    return user.get_full_name() or user.username


def director_required(user: User, message: str) -> None:
    if not is_medical_director(user):
        raise CaseError(message)


def text_checked(
    value: object, *, label: str, field: str, max_length: int, required: bool = True
) -> str:
    """A reviewer's text, stripped; CaseError (naming the field) when it is missing, too long,
    not text, or holds a NUL character (PostgreSQL refuses those)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CaseError(REQUIRED.format(label=label), field=field)
    value = value.strip()
    if "\x00" in value:
        raise CaseError(NULL_CHARACTER, field=field)
    if required and not value:
        raise CaseError(REQUIRED.format(label=label), field=field)
    if len(value) > max_length:
        raise CaseError(
            TOO_LONG.format(limit=max_length, label=label, length=len(value)), field=field
        )
    return value


def reasons_checked(rationale: object, guideline: object, criterion: object) -> dict[str, str]:
    """The rationale in plain language, the guideline and the criterion of an adverse
    decision, each required."""
    return {
        "rationale": text_checked(
            rationale, label="rationale", field="rationale", max_length=RATIONALE_MAX_LENGTH
        ),
        "guideline": text_checked(
            guideline, label="guideline", field="guideline", max_length=GUIDELINE_MAX_LENGTH
        ),
        "criterion": text_checked(
            criterion, label="criterion", field="criterion", max_length=CRITERION_MAX_LENGTH
        ),
    }


def choice_checked(value: object, choices: type, *, label: str, field: str) -> str:
    if not isinstance(value, str) or value not in choices.values:
        raise CaseError(f"Select the {label}.", field=field)
    return value


# --- Lines --------------------------------------------------------------------------------------


def lines_of(case: Case) -> list[ProcedureLine]:
    return list(case.procedure_lines.order_by("position"))


def lines_approved_as_requested(case: Case) -> None:
    case.procedure_lines.update(
        quantity_approved=F("quantity_requested"), decision=Decision.APPROVED
    )


def lines_denied(lines: Iterable[ProcedureLine]) -> None:
    for line in lines:
        line.quantity_approved = 0
        line.decision = Decision.DENIED
        line.save(update_fields=["quantity_approved", "decision"])


PARTIAL_EVERY_LINE = "Give an approved quantity (0 to deny it) for every procedure line."
PARTIAL_UNKNOWN_LINE = "A procedure line given is not one of this case's."
PARTIAL_QUANTITY = "Enter an approved quantity from 0 to {requested} for {code}."
PARTIAL_NOTHING_APPROVED = (
    "Nothing is approved: deny the request instead (a medical director), or approve some units."
)
PARTIAL_EVERYTHING_APPROVED = (
    "Every line is approved as requested: approve the request instead, or deny or reduce a line."
)


def lines_partially_approved(case: Case, quantities: object) -> None:
    """Each line of the case given an approved quantity (0 denies the line; no more than
    requested); at least one line approved and at least one denied or reduced. Raises CaseError
    (field "lines") otherwise, with nothing written."""
    if not isinstance(quantities, Mapping):
        raise CaseError(PARTIAL_EVERY_LINE, field="lines")
    lines = lines_of(case)
    by_pk = {line.pk: line for line in lines}
    given: dict[int, int] = {}
    for key, quantity in quantities.items():
        pk = _integer(key)
        if pk is None or pk not in by_pk:
            raise CaseError(PARTIAL_UNKNOWN_LINE, field="lines")
        line = by_pk[pk]
        amount = _integer(quantity)
        if amount is None or not 0 <= amount <= line.quantity_requested:
            raise CaseError(
                PARTIAL_QUANTITY.format(
                    requested=line.quantity_requested, code=line.procedure_code.code
                ),
                field="lines",
            )
        given[pk] = amount
    if set(given) != set(by_pk):
        raise CaseError(PARTIAL_EVERY_LINE, field="lines")
    if not any(given.values()):
        raise CaseError(PARTIAL_NOTHING_APPROVED, field="lines")
    if all(given[line.pk] == line.quantity_requested for line in lines):
        raise CaseError(PARTIAL_EVERYTHING_APPROVED, field="lines")
    for line in lines:
        line.quantity_approved = given[line.pk]
        line.decision = Decision.APPROVED if given[line.pk] else Decision.DENIED
        line.save(update_fields=["quantity_approved", "decision"])


def _integer(value: object) -> int | None:
    """An int, or the digits of one (a form's string); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 9:
        return int(value.strip())
    return None


def line_next_position(case: Case) -> int:
    return (case.procedure_lines.aggregate(last=Max("position"))["last"] or 0) + 1


# --- Numbers and dates ----------------------------------------------------------------------------


def validity_days(case: Case) -> int:
    if case.delegation is not None:
        return case.delegation.validity_days
    return Delegation._meta.get_field("validity_days").get_default()


def authorization_grant(case: Case, *, now: dt.datetime) -> list[str]:
    """An approval's authorization number (from the database sequence, as SUBMIT CASE gives
    it; a case that has one keeps it), its review date (today in the portal's zone) and its
    expiration date (the delegation's validity after it). Returns the fields set."""
    fields = ["review_date", "expiration_date"]
    if not case.authorization_number:
        (number,) = sequence_next("cases_authorization_number_seq")
        case.authorization_number = f"A{number}"
        fields.append("authorization_number")
    case.review_date = portal_today(now)
    case.expiration_date = case.review_date + dt.timedelta(days=validity_days(case))
    return fields


# --- The record ---------------------------------------------------------------------------------


def decision_record(
    case: Case,
    *,
    user: User,
    now: dt.datetime,
    to_status: str,
    reason: str,
    outcome: str,
    fields: Iterable[str] = (),
    note: str = "",
    **determination,
) -> StatusEvent:
    """Move the locked case to `to_status` and write its status event and the Determination of
    it; the case leaves the reviewer's hands (no longer assigned). `fields` are the case's
    other fields the caller set. Returns the event (for letters_queue)."""
    from_status = case.status
    case.status = to_status
    case.assigned_to = None
    case.assigned_at = None
    case.save(
        update_fields=["status", "assigned_to", "assigned_at", "updated_at", *fields],
    )
    event = StatusEvent.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        by=user,
        at=now,
        reason=reason,
        note=note,
    )
    Determination.objects.create(
        case=case,
        status_event=event,
        outcome=outcome,
        review_level=case.review_level or Case.ReviewLevel.INITIAL,
        decided_by=user,
        decided_at=now,
        extended_time_frame=_time_frame_extended(case),
        **determination,
    )
    return event


def _time_frame_extended(case: Case) -> bool:
    """Whether the decision's time frame was extended at this level of review: the case was
    put on hold (Additional Information Required) at it."""
    return Determination.objects.filter(
        case=case,
        outcome=Determination.Outcome.HOLD,
        review_level=case.review_level or Case.ReviewLevel.INITIAL,
    ).exists()


__all__ = [
    "authorization_grant",
    "case_for_decision",
    "choice_checked",
    "decision_record",
    "director_required",
    "initial_level_required",
    "line_next_position",
    "lines_approved_as_requested",
    "lines_denied",
    "lines_of",
    "lines_partially_approved",
    "reasons_checked",
    "text_checked",
]
