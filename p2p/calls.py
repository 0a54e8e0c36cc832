"""The reviewing physician's side of a P2P: their appointments, and the call's record: the deck's
Call Notes, the outcome, and for "Decision overturned" the case approved through the medical
review's services (a pre-decision P2P approves the case in review; a Reconsideration P2P opens
the reconsideration and decides it overturned), with their status events and letters. "Decision
partially overturned" does the same with an approved quantity per procedure line and the
guideline and criterion of what stays denied (a partial approval; a reconsideration partially
overturned)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from uuid import UUID

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case, Determination, PostDecisionRequest, ProcedureLine
from cases.post_decision.rules import P2PLevel
from cases.review.decisions.levels import request_decide, request_review_open
from cases.review.decisions.outcomes import case_approve, case_partially_approve
from p2p.errors import P2PError
from p2p.models import Appointment, AppointmentCase
from p2p.zones import moment_text

NOTE_MAX_LENGTH = 4000
# A call is recorded once it may have begun: from this long before its time.
CALL_OPENS_BEFORE = dt.timedelta(minutes=15)
NOT_YET = "This call is on {when}: record it once it has taken place (from {opens})."
NOT_SCHEDULED = "This appointment is {status}: its call was already recorded or cancelled."
PERFORMED_ON_REQUIRED = "Enter the date the procedure was performed."
OVERTURN_NOTE_REQUIRED = "Enter the rationale of the overturn: the letter explains it."
NOTHING_APPROVED = (
    "No line of any case is approved: record the call as Decision upheld, or approve some units."
)
EVERYTHING_APPROVED = (
    "Every line is approved as requested: record the call as Decision overturned, or approve "
    "fewer units."
)
CHANGES_DECISION = (Appointment.Outcome.OVERTURNED, Appointment.Outcome.PARTIALLY_OVERTURNED)
NOTE_TOO_LONG = f"Please keep the note under {NOTE_MAX_LENGTH:,} characters."
CONSULTATIVE_CANNOT_CHANGE = (
    "Case {number}: a consultative-only P2P cannot change the decision. Record it as "
    "consultative only."
)
CASE_NOT_DECIDABLE = "Case {number} could not be approved: {reason}"
NOT_REVIEWED_HERE = "you do not review its program."
RECONSIDERATION_DECIDED = "its reconsideration was already decided."
P2P_RECONSIDERATION_REASON = "Reconsideration P2P held on {day}: decision overturned."


class CallNote(models.TextChoices):
    """ "Call Notes", as the deck lists them."""

    ALT_REC_DECLINED = "alt_rec_declined", "ALT REC declined"
    PROCEDURE_PERFORMED = "procedure_performed", "Procedure was performed on:"
    SPECIALTY_MATCH = "specialty_match", "Caller requested MD Specialty match"
    APPEAL_LOR = "appeal_lor", "Appeal LOR attestation requirement"
    OH_CONSENT = "oh_consent", "OH State Regulation: Member Consent obtained"
    TX_SSL = (
        "tx_ssl",
        (
            "TX licensed physician - Caller is aware P2P does not meet SSL match and wants to "
            "proceed with P2P per same-specialty match requirement."
        ),
    )
    TX_SPECIALTY = (
        "tx_specialty",
        (
            "TX licensed same specialty - Caller is aware P2P does not meet TX SSL/specialty match "
            "and wants to proceed with P2P"
        ),
    )


def appointments_for_physician(user: User) -> QuerySet[Appointment]:
    """The one way in for a reviewing physician: their own appointments."""
    return Appointment.objects.filter(physician__user=user)


def call_open(appointment: Appointment, *, now: dt.datetime) -> bool:
    """Whether the call may be recorded now: from CALL_OPENS_BEFORE its time on."""
    return now >= appointment.starts_at - CALL_OPENS_BEFORE


def not_yet_message(appointment: Appointment) -> str:
    """Why the call cannot be recorded yet, in the physician's zone."""
    zone = appointment.physician.time_zone
    return NOT_YET.format(
        when=moment_text(appointment.starts_at, zone),
        opens=moment_text(appointment.starts_at - CALL_OPENS_BEFORE, zone),
    )


def call_lines(appointment: Appointment) -> list[ProcedureLine]:
    """The procedure lines of the call's cases, case by case, with their codes (one query)."""
    return list(
        ProcedureLine.objects.filter(case__p2p_appointment_cases__appointment=appointment)
        .select_related("procedure_code", "case")
        .order_by("case__p2p_appointment_cases__pk", "position")
    )


def call_record(
    *,
    user: User,
    public_id: UUID,
    outcome: str,
    call_notes: Iterable[str],
    performed_on: dt.date | None,
    note: str,
    now: dt.datetime,
    lines: Mapping[int, object] | None = None,
    guideline: str = "",
    criterion: str = "",
) -> Appointment:
    """Record the call of the physician's scheduled appointment: its Call Notes (the procedure's
    date required with "Procedure was performed on:"), the outcome and the note; the appointment
    is completed. "Decision overturned" approves every case of the call first; "Decision
    partially overturned" approves each case's lines in the quantities of `lines` ({line id:
    quantity}, as case_partially_approve takes them) with the note as rationale and the
    guideline and criterion. A refusal (a consultative-only case, a quantity out of range)
    raises P2PError and records nothing. Raises Appointment.DoesNotExist for another
    physician's appointment."""
    if outcome not in Appointment.Outcome.values:
        raise P2PError("Select the outcome of the call.", field="outcome")
    notes = [value for value in CallNote.values if value in set(call_notes)]
    if CallNote.PROCEDURE_PERFORMED in notes and performed_on is None:
        raise P2PError(PERFORMED_ON_REQUIRED, field="performed_on")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise P2PError(NOTE_TOO_LONG, field="note")
    if outcome in CHANGES_DECISION and not note:
        raise P2PError(OVERTURN_NOTE_REQUIRED, field="note")
    with transaction.atomic():
        appointment = (
            appointments_for_physician(user)
            .select_for_update(of=("self",))
            .get(public_id=public_id)
        )
        if appointment.status != Appointment.Status.SCHEDULED:
            raise P2PError(NOT_SCHEDULED.format(status=appointment.get_status_display().lower()))
        if not call_open(appointment, now=now):
            raise P2PError(not_yet_message(appointment))
        if outcome in CHANGES_DECISION:
            partial = outcome == Appointment.Outcome.PARTIALLY_OVERTURNED
            reasons = {"rationale": note, "guideline": guideline, "criterion": criterion}
            changes = [
                (discussed, *_case_change(discussed.case, lines or {}))
                if partial
                else (discussed, WHOLE, None)
                for discussed in appointment.cases.select_related("case")
            ]
            if partial:
                _partial_checked([change for _, change, _ in changes])
            for discussed, change, given in changes:
                if change == NONE:
                    continue
                _overturn(
                    discussed,
                    user=user,
                    appointment=appointment,
                    reasons=reasons,
                    lines=given if change == PART else None,
                    now=now,
                )
        appointment.status = Appointment.Status.COMPLETED
        appointment.outcome = outcome
        appointment.call_notes = notes
        appointment.procedure_performed_on = (
            performed_on if CallNote.PROCEDURE_PERFORMED in notes else None
        )
        appointment.outcome_note = note
        appointment.outcome_recorded_at = now
        appointment.save(
            update_fields=[
                "status",
                "outcome",
                "call_notes",
                "procedure_performed_on",
                "outcome_note",
                "outcome_recorded_at",
                "updated_at",
            ]
        )
    return appointment


def _overturn(
    discussed: AppointmentCase,
    *,
    user: User,
    appointment: Appointment,
    reasons: dict[str, str],
    lines: dict[int, object] | None,
    now: dt.datetime,
) -> None:
    """Approve the case (`lines` None) or partially approve it in those quantities, at the
    level the P2P was booked at."""
    case = discussed.case
    number = case.case_number
    try:
        if discussed.level == P2PLevel.CONSULTATIVE:
            raise P2PError(CONSULTATIVE_CANNOT_CHANGE.format(number=number), field="outcome")
        if discussed.level == P2PLevel.PRE_DECISION:
            if lines is None:
                case_approve(
                    user=user, public_id=case.public_id, now=now, rationale=reasons["rationale"]
                )
            else:
                case_partially_approve(
                    user=user, public_id=case.public_id, now=now, lines=lines, **reasons
                )
            return
        _reconsideration_open(case, user=user, appointment=appointment, now=now)
        request_decide(
            user=user,
            public_id=case.public_id,
            now=now,
            outcome=(
                Determination.Outcome.OVERTURNED
                if lines is None
                else Determination.Outcome.PARTIALLY_OVERTURNED
            ),
            lines=lines,
            guideline=reasons["guideline"] if lines is not None else "",
            criterion=reasons["criterion"] if lines is not None else "",
            rationale=reasons["rationale"],
        )
    except Case.DoesNotExist:
        raise P2PError(
            CASE_NOT_DECIDABLE.format(number=number, reason=NOT_REVIEWED_HERE), field="outcome"
        ) from None
    except CaseError as error:
        raise P2PError(
            CASE_NOT_DECIDABLE.format(number=number, reason=error.message),
            field=ERROR_FIELDS.get(error.field, "outcome"),
        ) from None


# Where the call screen shows the review services' messages.
ERROR_FIELDS = {
    "lines": "lines",
    "guideline": "guideline",
    "criterion": "criterion",
    "rationale": "note",
}


# How a partial overturn changes one case of the call: every line approved as requested (the
# case is overturned), none approved (its decision stands), or some (partially overturned).
WHOLE, NONE, PART = "whole", "none", "part"


def _case_change(case: Case, quantities: Mapping[int, object]) -> tuple[str, dict[int, object]]:
    """How the quantities given change the case, and those of its own lines (each case of a
    call is decided apart). Quantities that are not whole numbers are left to the review's
    services to refuse."""
    own = list(ProcedureLine.objects.filter(case=case).values_list("pk", "quantity_requested"))
    given = {pk: quantities[pk] for pk, _ in own if pk in quantities}
    numbers = {pk: _whole_number(quantity) for pk, quantity in given.items()}
    if len(given) == len(own) and None not in numbers.values():
        if all(numbers[pk] == requested for pk, requested in own):
            return WHOLE, given
        if not any(numbers.values()):
            return NONE, given
    return PART, given


def _partial_checked(changes: list[str]) -> None:
    """A partial overturn changes some of what was asked, not all of it and not nothing."""
    if all(change == NONE for change in changes):
        raise P2PError(NOTHING_APPROVED, field="lines")
    if all(change == WHOLE for change in changes):
        raise P2PError(EVERYTHING_APPROVED, field="lines")


def _whole_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _reconsideration_open(
    case: Case, *, user: User, appointment: Appointment, now: dt.datetime
) -> None:
    """The reconsideration the P2P decides: the case's open one, or one made now for the
    appointment's requester (the case back in review at the reconsideration level)."""
    locked = (
        Case.objects.select_for_update(of=("self",)).select_related("delegation").get(pk=case.pk)
    )
    made = PostDecisionRequest.objects.filter(
        case=locked, kind=PostDecisionRequest.Kind.RECONSIDERATION
    ).first()
    if made is not None:
        if made.status != PostDecisionRequest.Status.RECEIVED:
            raise CaseError(RECONSIDERATION_DECIDED)
        return
    made = PostDecisionRequest.objects.create(
        case=locked,
        kind=PostDecisionRequest.Kind.RECONSIDERATION,
        requested_by=appointment.requested_by,
        requested_at=now,
        contact_name=appointment.requesting_provider_name[:120],
        contact_phone=appointment.phone,
        reason=P2P_RECONSIDERATION_REASON.format(
            day=f"{timezone.localtime(appointment.starts_at):%m/%d/%Y}"
        ),
    )
    request_review_open(locked, made, user=user, now=now)
