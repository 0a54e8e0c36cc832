"""Writes of Requesting Provider Information, Choose Your Insurer and Add Your Contact Info.
Each takes the draft as `draft_step_open` hands it over (row-locked, inside its
transaction), so a refusal leaves nothing half-written."""

from __future__ import annotations

from django.utils import timezone

from accounts.errors import AccountError
from accounts.models import OfficePractitioner, User
from accounts.practice.services import office_practitioner_add
from cases.errors import CaseError
from cases.models import Case
from cases.wizard.drafts import step_answer_save
from cases.wizard.selectors.provider import (
    health_plans_delegating,
    office_practitioners_for,
    ordering_physicians_for,
    practitioner_registry_active,
)
from eligibility.models import HealthPlan, Practitioner, PractitionerAddress

NPI_NOT_FOUND = (
    "We could not find an active provider with NPI {npi}. Check the number, or call the "
    "number on the back of the member's card."
)
ADDRESS_OF_ANOTHER_PROVIDER = "Please select one of this provider's addresses."
PROVIDER_NOT_ALLOWED = "Please select one of the providers listed."
PLAN_NOT_DELEGATING = "Please select one of the health plans listed."


class ProviderStepError(CaseError):
    """A provider, insurer or contact answer that cannot be saved; `field` names the form
    field the message belongs next to."""


def provider_choose(*, case: Case, practitioner: Practitioner) -> bool:
    """SELECT: the draft's requesting (ordering) provider, checked again under the row lock:
    one of the office's providers, or (DME supplier path) any active physician of the
    registry. A new provider clears the provider's address, the contact and what was
    confirmed under them. Returns whether it changed."""
    allowed = (
        ordering_physicians_for()
        if case.dme_role == Case.DmeRole.DME_SUPPLIER
        else office_practitioners_for(case.office_id)
    )
    if not allowed.filter(pk=practitioner.pk).exists():
        raise ProviderStepError(PROVIDER_NOT_ALLOWED, field="practitioner")
    return step_answer_save(case, "provider", {"practitioner": practitioner})


def provider_add_by_npi(*, case: Case, npi: str, by: User) -> tuple[Practitioner, bool]:
    """Search By NPI: the registry's active practitioner with this NPI is linked to the
    draft's office (once, however often asked) and becomes the draft's requesting provider.
    Returns the practitioner and whether this added them to the office."""
    practitioner = practitioner_registry_active(npi)
    if practitioner is None:
        raise ProviderStepError(NPI_NOT_FOUND.format(npi=npi), field="npi")
    linked = OfficePractitioner.objects.filter(
        office_id=case.office_id, practitioner=practitioner
    ).exists()
    added = False
    if not linked:
        try:
            office_practitioner_add(office=case.office, practitioner=practitioner, by=by)
            added = True
        except AccountError:
            # Linked by a colleague a moment ago: the provider is on the account either way.
            pass
    step_answer_save(case, "provider", {"practitioner": practitioner})
    return practitioner, added


def insurer_choose(
    *, case: Case, health_plan: HealthPlan, practitioner_address: PractitionerAddress
) -> bool:
    """Choose Your Insurer: the plan (one that delegates the draft's program today: the form
    offers only those) and one of the requesting provider's own addresses. A new plan clears
    the patient and the service. Returns whether anything changed."""
    if practitioner_address.practitioner_id != case.practitioner_id:
        raise ProviderStepError(ADDRESS_OF_ANOTHER_PROVIDER, field="practitioner_address")
    delegating = health_plans_delegating(case.program, timezone.localdate())
    if not delegating.filter(pk=health_plan.pk).exists():
        raise ProviderStepError(PLAN_NOT_DELEGATING, field="health_plan")
    return step_answer_save(
        case,
        "insurer",
        {"health_plan": health_plan, "practitioner_address": practitioner_address},
    )


def contact_save(*, case: Case, values: dict) -> bool:
    """Add Your Contact Info: the names and numbers of this request only; the practitioner's
    own record is never written."""
    return step_answer_save(case, "contact", {**values, "contact_saved": True})
