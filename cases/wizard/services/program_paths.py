"""Writes of the program-specific steps: the Musculoskeletal "Attention!" answer, which for a
date extension or continuing care copies an approved case into the draft."""

from __future__ import annotations

from django.utils import timezone

from cases.errors import CaseError
from cases.models import Case, ProcedureLine
from cases.wizard.drafts import step_answer_save
from cases.wizard.selectors.provider import health_plans_delegating, office_practitioners_for

STEP = "follow-on"
FOLLOW_ON_KINDS = (Case.BuildKind.DATE_EXTENSION, Case.BuildKind.CONTINUING_CARE)
SOURCE_REFUSED = "Please select an approved case of this program to extend or continue."

# What a date extension or continuing care takes from the approved case: everything the
# wizard asked except the date of service (the user enters the new one, or the new range's
# start) and what follows from it.
COPIED_FIELDS = (
    "practitioner",
    "practitioner_address",
    "health_plan",
    "contact_saved",
    "contact_provider_name",
    "contact_name",
    "contact_fax",
    "contact_phone",
    "contact_phone_ext",
    "contact_cell_phone",
    "contact_email",
    "notify_by_email",
    "member",
    "coverage",
    "delegation",
    "patient_contact_saved",
    "patient_cell_phone",
    "patient_email",
    "primary_diagnosis",
    "secondary_diagnosis",
    "is_bilateral",
    "rendered_in_office",
    "site",
    "site_email",
    "place_of_service",
)


def follow_on_build_new(*, case: Case) -> bool:
    """ "Continue to Build a New Case". The caller holds the draft's row lock
    (draft_step_open). Returns whether the answer changed."""
    return step_answer_save(
        case,
        STEP,
        {"build_kind": Case.BuildKind.NEW, "build_kind_chosen": True, "source_case": None},
    )


def follow_on_start_from(*, case: Case, source_public_id, build_kind: str) -> bool:
    """A date extension or continuing care starts from an approved case of the same office and
    program: its answers are copied into the draft (procedure lines as new rows) and the
    draft is linked to it. The date of service is not copied. Choosing again the same kind
    and case changes nothing (what the user edited since stays). The caller holds the draft's
    row lock (draft_step_open). Returns whether anything changed."""
    if build_kind not in FOLLOW_ON_KINDS:
        raise CaseError(SOURCE_REFUSED, field="source_case")
    # Re-read under the lock: the source must still be an approved case of this office and
    # program, whatever the form saw.
    source = (
        Case.objects.filter(
            public_id=source_public_id,
            office_id=case.office_id,
            program_id=case.program_id,
            status=Case.Status.APPROVED,
        )
        .exclude(pk=case.pk)
        .prefetch_related("procedure_lines")
        .first()
    )
    if source is None:
        raise CaseError(SOURCE_REFUSED, field="source_case")
    changed = step_answer_save(
        case,
        STEP,
        {"build_kind": build_kind, "build_kind_chosen": True, "source_case": source},
    )
    if not changed:
        return False
    for name in COPIED_FIELDS:
        field = Case._meta.get_field(name)
        setattr(case, field.attname, getattr(source, field.attname))
    case.save()
    case.procedure_lines.all().delete()
    ProcedureLine.objects.bulk_create(
        ProcedureLine(
            case=case,
            position=line.position,
            procedure_code_id=line.procedure_code_id,
            quantity_requested=line.quantity_requested,
            modifiers=line.modifiers,
        )
        for line in source.procedure_lines.all()
    )
    # The draft's prefetched lines are stale now; the next read of them queries again.
    case.refresh_from_db(fields=["procedure_lines"])
    _stale_answers_clear(case)
    return True


def _stale_answers_clear(case: Case) -> None:
    """What the source case answered may no longer hold: a provider since removed from the
    office, or a plan that no longer delegates the program. Such an answer is cleared (with
    what depended on it), so the user answers that step again."""
    if not office_practitioners_for(case.office_id).filter(pk=case.practitioner_id).exists():
        step_answer_save(case, "provider", {"practitioner": None})
    plans = health_plans_delegating(case.program, timezone.localdate())
    if not plans.filter(pk=case.health_plan_id).exists():
        step_answer_save(case, "insurer", {"health_plan": None, "practitioner_address": None})
