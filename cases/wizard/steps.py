"""The case-build wizard's steps, in order: which apply to a draft, which are complete, what
each one's answer clears when it changes, and the side panel's "NN% Complete".

Every step is one URL (cases:wizard-<name>) and one form. A step is reachable only when every
applicable step before it is complete; after lock-in none of them is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cases.models import Case


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    percent: int
    is_complete: Callable[[Case], bool]
    applies: Callable[[Case], bool] = lambda case: True
    # The Case fields this step writes; changing them clears every later step's fields that
    # depend on them (see DEPENDENTS).
    fields: tuple[str, ...] = ()


def _follow_on_applies(case: Case) -> bool:
    return case.program.offers_follow_on_cases


def _equipment(case: Case) -> bool:
    return case.program.is_equipment


STEPS: tuple[Step, ...] = (
    Step(
        "program",
        "Request an Authorization",
        0,
        lambda case: case.program_id is not None,
        fields=("program",),
    ),
    Step(
        "follow-on",
        "Attention!",
        5,
        lambda case: (
            case.build_kind_chosen
            and (case.build_kind == Case.BuildKind.NEW or case.source_case_id is not None)
        ),
        applies=_follow_on_applies,
        fields=("build_kind", "build_kind_chosen", "source_case"),
    ),
    Step(
        "dme-role",
        "Durable Medical Equipment",
        5,
        lambda case: bool(case.dme_role),
        applies=_equipment,
        fields=("dme_role",),
    ),
    Step(
        "provider",
        "Requesting Provider Information",
        10,
        lambda case: case.practitioner_id is not None,
        fields=("practitioner",),
    ),
    Step(
        "insurer",
        "Choose Your Insurer",
        20,
        lambda case: case.health_plan_id is not None and case.practitioner_address_id is not None,
        fields=("health_plan", "practitioner_address"),
    ),
    Step(
        "contact",
        "Add Your Contact Info",
        30,
        lambda case: case.contact_saved,
        fields=(
            "contact_saved",
            "contact_provider_name",
            "contact_name",
            "contact_fax",
            "contact_phone",
            "contact_phone_ext",
            "contact_cell_phone",
            "contact_email",
            "notify_by_email",
        ),
    ),
    Step(
        "date-of-service",
        "Date of Service",
        35,
        lambda case: case.date_of_service is not None and case.service_performed is not None,
        fields=("date_of_service", "service_performed"),
    ),
    Step(
        "patient",
        "Patient Eligibility Lookup",
        40,
        lambda case: case.member_id is not None and case.patient_contact_saved,
        fields=(
            "member",
            "coverage",
            "delegation",
            "patient_contact_saved",
            "patient_cell_phone",
            "patient_email",
        ),
    ),
    Step(
        "service",
        "Requested Service + Diagnosis",
        60,
        lambda case: (
            case.primary_diagnosis_id is not None
            and case.is_bilateral is not None
            and case.has_primary_procedure
        ),
        fields=("primary_diagnosis", "secondary_diagnosis", "is_bilateral", "procedure_lines"),
    ),
    Step(
        "confirm",
        "Confirm your service selection.",
        70,
        lambda case: case.service_confirmed,
        fields=("service_confirmed",),
    ),
    Step(
        "site",
        "Add Site of Service",
        80,
        # In the office (11), a site found by search, or, for DME, the member's home (12).
        lambda case: (
            bool(case.rendered_in_office)
            or case.site_id is not None
            or case.place_of_service == "12"
        ),
        fields=("rendered_in_office", "site", "site_email", "place_of_service"),
    ),
    Step(
        "proceed",
        "Proceed to Clinical Information",
        90,
        lambda case: case.locked_at is not None,
        fields=("dme_attested", "locked_at"),
    ),
)

BY_NAME = {step.name: step for step in STEPS}

# When a step's answer changes, the steps whose answers were given under it are cleared: a new
# plan clears the member (coverage is per plan) and the codes (per plan and program), and so on.
# Keys and values are step names.
DEPENDENTS: dict[str, tuple[str, ...]] = {
    "program": (
        "follow-on",
        "dme-role",
        # A DME supplier's ordering physician need not be on the office's account: a new
        # program starts the provider over.
        "provider",
        "contact",
        "insurer",
        "date-of-service",
        "patient",
        "service",
        "confirm",
        "site",
    ),
    "follow-on": ("date-of-service", "patient", "service", "confirm", "site"),
    "dme-role": ("provider", "insurer", "contact", "confirm", "site"),
    # The plan does not depend on the provider: only the provider's address does
    # (FIELD_DEPENDENTS), so "the same Program and Health Plan" survives choosing a provider.
    "provider": ("contact", "confirm", "site"),
    "insurer": ("patient", "service", "confirm"),
    "contact": (),
    "date-of-service": ("patient", "confirm"),
    "patient": ("service", "confirm"),
    "service": ("confirm",),
    "confirm": (),
    "site": (),
    "proceed": (),
}


# Single fields cleared with a step's change where the rest of their step stays.
FIELD_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "provider": ("practitioner_address",),
}


def steps_for(case: Case) -> list[Step]:
    """The steps of this draft, in order (program-specific ones only where they apply)."""
    return [step for step in STEPS if step.applies(case)]


def first_incomplete(case: Case) -> Step | None:
    """Where Resume goes: the first applicable step not complete (None once locked in)."""
    return next((step for step in steps_for(case) if not step.is_complete(case)), None)


def is_reachable(case: Case, name: str) -> bool:
    """A step opens when every applicable step before it is complete and the draft is not
    locked in."""
    if case.is_locked or not case.is_draft:
        return False
    for step in steps_for(case):
        if step.name == name:
            return True
        if not step.is_complete(case):
            return False
    return False


def previous_step(case: Case, name: str) -> Step | None:
    """Where BACK goes."""
    applicable = steps_for(case)
    names = [step.name for step in applicable]
    index = names.index(name) if name in names else 0
    return applicable[index - 1] if index > 0 else None


def next_step(case: Case, name: str) -> Step | None:
    """Where CONTINUE goes once this step is saved: the next applicable step."""
    applicable = steps_for(case)
    names = [step.name for step in applicable]
    index = names.index(name)
    return applicable[index + 1] if index + 1 < len(applicable) else None


def percent_complete(case: Case) -> int:
    """The side panel's "NN% Complete": the percentage of the first step not yet complete."""
    step = first_incomplete(case)
    return 100 if step is None else step.percent
