"""Finishing a request: the additional information, the attestation and SUBMIT CASE with its
decision, and the reads of the summary that follows.

SUBMIT CASE is one transaction that locks the case: a case already submitted is returned as it
is (a double click, a second tab, a retry make one case; the unique case number holds it in the
database too); otherwise every stage before it must be done, the case gets its case number,
and the pathway's outcome decides at once: criteria met is Approved (an authorization number,
the review date and the expiration date from the delegation's validity), anything else goes to
medical review ("Pending" to the office) with the decision due by the plan's time limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from cases.clinical.procedure_lines import procedure_lines_from_answers
from cases.clinical.stages import stage_closed, stage_locked
from cases.clinical.uploads import uploads_discard
from cases.errors import CaseError
from cases.letters.services import letters_queue
from cases.models import Case, ProcedureLine, StatusEvent, Upload
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from cases.selectors import cases_for_user
from cases.wizard.drafts import draft_expire
from eligibility.calendar import business_day_nth
from eligibility.models import Delegation

NOTES_REQUIRED = "Please enter the additional information in the space provided."
WITH_NOTES = (AdditionalInfo.NOTES, AdditionalInfo.BOTH)
WITH_UPLOAD = (AdditionalInfo.UPLOAD, AdditionalInfo.BOTH)

APPROVED_REASON = "Submitted: criteria met"
IN_REVIEW_REASON = "Submitted: sent to medical review"


def _cases(user: User) -> QuerySet[Case]:
    # Only the case's own row is locked: its delegation is read, not written.
    return cases_for_user(user).select_related("delegation")


def additional_info_save(
    *,
    user: User,
    public_id: UUID,
    additional_info: str,
    notes: str = "",
    uploads: Sequence[Upload] = (),
    now: dt.datetime | None = None,
) -> Case:
    """ "Is there any additional information specific to the member's condition you would like
    to provide?": the choice, and the notes when the choice has them (required then; dropped
    when the choice no longer has them). With an upload choice, the documents already checked
    and stored (cases.clinical.uploads.uploads_store) are added to the case under its lock;
    their files are removed again when the case cannot take them."""
    if additional_info not in AdditionalInfo.values:
        raise CaseError("Please select one of the options.")
    with_notes = additional_info in WITH_NOTES
    notes = notes.strip() if with_notes else ""
    if with_notes and not notes:
        raise CaseError(NOTES_REQUIRED)
    if uploads and additional_info not in WITH_UPLOAD:
        raise CaseError("Documents are uploaded only with a choice to upload one.")
    now = now or timezone.now()
    try:
        with stage_locked(_cases(user), public_id=public_id, stage="additional", now=now) as case:
            case.additional_info = additional_info
            case.notes = notes
            case.save(update_fields=["additional_info", "notes", "updated_at"])
            Upload.objects.bulk_create(uploads)
    except BaseException:
        # The files were stored before the transaction (no I/O under the lock): nothing
        # refers to them now.
        uploads_discard(uploads)
        raise
    return case


def case_submit(*, user: User, public_id: UUID, now: dt.datetime) -> Case:
    """SUBMIT CASE, with the attestation given: the case number, and the decision by the
    pathway's outcome (one status event: draft to approved, or draft to in review). Submitting
    a case already submitted returns it unchanged."""
    with transaction.atomic():
        case = _cases(user).select_for_update(of=("self",)).get(public_id=public_id)
        if case.submitted_at is not None:
            return case
        closed = stage_closed(case, "submit", now=now)
        if closed is None:
            procedure_lines_from_answers(case)
            event = _decide(case, user=user, now=now)
            # The decision's letters and notices, sent once this transaction commits (nothing
            # for a rolled-back submission; none for a case sent to medical review).
            letters_queue(event)
            return case
        if closed.where == "in-progress" and case.is_draft:
            draft_expire(case, now=now)
    raise closed


def _decide(case: Case, *, user: User, now: dt.datetime) -> StatusEvent:
    # The review's decisions import this module (sequence_next, decision_due_at): imported
    # here, the approval's rule is the one they use without an import cycle.
    from cases.review.decisions.guards import authorization_grant, lines_approved_as_requested

    (number,) = sequence_next("cases_case_number_seq")
    case.case_number = str(number)
    case.submitted_at = now
    case.attested_at = now
    fields = ["case_number", "submitted_at", "attested_at", "status", "updated_at"]
    if case.pathway_outcome == Outcome.APPROVE:
        case.status = Case.Status.APPROVED
        # The authorization number and dates, every line approved as requested: as a
        # reviewer's approval gives them.
        fields += authorization_grant(case, now=now)
        lines_approved_as_requested(case)
        reason = APPROVED_REASON
    else:
        case.status = Case.Status.IN_REVIEW
        case.due_at = decision_due_at(case, now=now)
        case.p2p_required = case.pathway_outcome == Outcome.REVIEW_P2P
        # A request of a service already performed is a retrospective review.
        case.review_level = (
            Case.ReviewLevel.RETROSPECTIVE if case.service_performed else Case.ReviewLevel.INITIAL
        )
        fields += ["due_at", "p2p_required", "review_level"]
        reason = IN_REVIEW_REASON
    case.save(update_fields=fields)
    return StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.DRAFT,
        to_status=case.status,
        by=user,
        at=now,
        reason=reason,
    )


def decision_due_at(case: Case, *, now: dt.datetime) -> dt.datetime:
    """When the medical review's decision is due: urgent cases within the plan's hours (72 by
    default); standard ones within its days (7 calendar days by default, or business days
    when the plan counts them so: the n-th business day after today, at the same time)."""
    if case.is_urgent:
        return now + dt.timedelta(hours=_rule(case, "urgent_decision_hours"))
    days = _rule(case, "standard_decision_days")
    if not _rule(case, "decision_days_are_business_days"):
        return now + dt.timedelta(days=days)
    zone = ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    day = business_day_nth(local.date() + dt.timedelta(days=1), days)
    return dt.datetime.combine(day, local.time(), tzinfo=zone)


def _rule(case: Case, name: str):
    """The delegation's rule, or its default when the case has none (a locked-in case has)."""
    if case.delegation is not None:
        return getattr(case.delegation, name)
    return Delegation._meta.get_field(name).get_default()


def sequence_next(*sequences: str) -> tuple[int, ...]:
    # Sequence names are constants of this module, never input.
    columns = ", ".join(f"nextval('{name}')" for name in sequences)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # noqa: S608
        return tuple(cursor.fetchone())


def case_submitted_for_view(*, user: User, public_id: UUID) -> Case:
    """A submitted case of the user's office with everything its summary shows (two queries).
    Raises Case.DoesNotExist for a draft or another office's case."""
    return (
        cases_for_user(user)
        .filter(submitted_at__isnull=False)
        .select_related(
            "program",
            "practitioner",
            "practitioner_address",
            "health_plan",
            "member",
            "primary_diagnosis",
            "secondary_diagnosis",
            "site",
        )
        .prefetch_related(
            Prefetch(
                "procedure_lines",
                queryset=ProcedureLine.objects.select_related("procedure_code").order_by(
                    "position"
                ),
            )
        )
        .get(public_id=public_id)
    )


__all__ = [
    "additional_info_save",
    "case_submit",
    "case_submitted_for_view",
    "decision_due_at",
]
