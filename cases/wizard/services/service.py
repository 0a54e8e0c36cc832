"""Writes of "Requested Service + Diagnosis" and "Confirm your service selection.", each
inside the draft's row lock."""

from __future__ import annotations

from uuid import UUID

from accounts.models import User
from cases.models import Case, ProcedureLine
from cases.wizard.drafts import draft_step_open, step_answer_save
from cases.wizard.selectors.service import prior_authorization_required
from eligibility.models import DiagnosisCode, ProcedureCode


def service_save(
    *,
    user: User,
    public_id: UUID,
    procedure_code: ProcedureCode,
    primary_diagnosis: DiagnosisCode,
    secondary_diagnosis: DiagnosisCode | None,
    is_bilateral: bool,
) -> Case:
    """Save the primary procedure (line 1, quantity 1) and the diagnoses. A new procedure,
    like a new diagnosis, asks for the service to be confirmed again. (A code that needs no
    prior authorization never gets here: see service_end_not_required.)"""
    with draft_step_open(user=user, public_id=public_id, step_name="service") as case:
        line = case.primary_procedure_line
        if line is None or line.procedure_code_id != procedure_code.pk:
            case.service_confirmed = False
        ProcedureLine.objects.update_or_create(
            case=case,
            position=1,
            defaults={"procedure_code": procedure_code, "quantity_requested": 1},
        )
        # The lines were prefetched with the draft: forget them, so the draft tells its
        # completeness from the database.
        case.refresh_from_db(fields=["procedure_lines"])
        step_answer_save(
            case,
            "service",
            {
                "primary_diagnosis": primary_diagnosis,
                "secondary_diagnosis": secondary_diagnosis,
                "is_bilateral": is_bilateral,
            },
        )
    return case


def service_end_not_required(*, user: User, public_id: UUID, procedure_code: ProcedureCode) -> bool:
    """ "Prior authorization is not required": the request ends without a case, its draft
    deleted (a draft has no correspondence and no history worth keeping). Checked again under
    the row lock; False (nothing deleted) when the code does need prior authorization."""
    with draft_step_open(user=user, public_id=public_id, step_name="service") as case:
        if prior_authorization_required(case.delegation, procedure_code):
            return False
        case.delete()
    return True


def service_confirm(*, user: User, public_id: UUID) -> Case:
    """CONTINUE on "Confirm your service selection."."""
    with draft_step_open(user=user, public_id=public_id, step_name="confirm") as case:
        step_answer_save(case, "confirm", {"service_confirmed": True})
    return case
