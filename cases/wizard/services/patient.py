"""The date of service and the patient of a draft: the retrospective window, the Patient
Eligibility Lookup within the draft's plan (logged), SELECT, CLEAR PATIENT SELECTION and the
patient's contact details. Every write goes through draft_step_open + step_answer_save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.http import HttpRequest

from accounts.models import AccessEvent, User
from accounts.services import access_event_record
from cases.errors import CaseError
from cases.models import Case
from cases.wizard.drafts import draft_step_open, step_answer_save
from cases.wizard.selectors.patient import (
    coverage_gap_message,
    delegation_for_coverage,
    retrospective_windows,
)
from eligibility.models import Coverage, Delegation, Member
from eligibility.selectors import member_with_coverages

NOT_FOUND = (
    "No member was found with this Patient ID, Date Of Birth and Last Name in the selected "
    "health plan. Check them against the member's card."
)
SELECT_MISMATCH = (
    "The selected patient does not match this lookup. Please look up the patient again."
)
MEMBER_REQUIRED = "Please look up and select the patient first."

# What a new or cleared patient leaves of the patient's contact details.
_CONTACT_CLEARED = {"patient_contact_saved": False, "patient_cell_phone": "", "patient_email": ""}


class PatientStepError(CaseError):
    """The date of service or the patient cannot be saved; the message says why."""


@dataclass(frozen=True)
class PatientLookup:
    """One Search Results row, and why it cannot be selected (None when it can)."""

    member: Member
    member_code: str
    coverage: Coverage | None
    delegation: Delegation | None
    problem: str | None


def date_of_service_save(
    *,
    user: User,
    public_id: UUID,
    date_of_service: dt.date,
    service_performed: bool,
    today: dt.date,
) -> Case:
    """Save the date of service and whether the service was performed (a retrospective
    request). When every delegation of the plan for the program has a retrospective window
    shorter than the date's age, the request is refused here already; a new answer clears the
    patient (DEPENDENTS)."""
    with draft_step_open(user=user, public_id=public_id, step_name="date-of-service") as case:
        if service_performed:
            problem = _plan_window_problem(case, date_of_service, today)
            if problem:
                raise PatientStepError(problem, field="date_of_service")
        step_answer_save(
            case,
            "date-of-service",
            {"date_of_service": date_of_service, "service_performed": service_performed},
        )
    return case


def _plan_window_problem(case: Case, day: dt.date, today: dt.date) -> str | None:
    windows = retrospective_windows(
        health_plan_id=case.health_plan_id, program_id=case.program_id, day=day
    )
    age = (today - day).days
    if not windows or age <= max(windows):
        return None
    return (
        f"{case.health_plan.name} accepts retrospective requests for {case.program.name} only "
        f"within {max(windows)} days of the date of service; {day:%m/%d/%Y} was {age} days ago."
    )


def patient_lookup(
    *,
    request: HttpRequest,
    user: User,
    case: Case,
    patient_id: str,
    date_of_birth: dt.date,
    last_name: str,
    today: dt.date,
) -> PatientLookup:
    """The draft plan's member with this Patient ID (any case), date of birth and last name
    (any case, surrounding spaces ignored). A wrong date of birth or last name answers exactly
    as an unknown Patient ID. Every member found is written to the access log. The row says
    why it cannot be selected: no coverage with the plan on the date of service, the plan does
    not delegate the program for the member's line of business then, or a retrospective
    request outside the delegation's window."""
    found = member_with_coverages(health_plan=case.health_plan, patient_id=patient_id)
    if (
        found is None
        or found.member.date_of_birth != date_of_birth
        or found.member.last_name.strip().casefold() != last_name.strip().casefold()
    ):
        raise PatientStepError(NOT_FOUND)
    member = found.member
    access_event_record(
        request=request,
        user=user,
        action=AccessEvent.Action.LOOKUP,
        subject_type=AccessEvent.SubjectType.MEMBER,
        subject_id=member.pk,
        member=member,
    )
    day = case.date_of_service
    coverage = found.on(day)
    if coverage is None:
        newest_code = found.coverages[0].member_code if found.coverages else ""
        problem = coverage_gap_message(found, health_plan=case.health_plan, day=day)
        return PatientLookup(member, newest_code, None, None, problem)
    delegation = delegation_for_coverage(
        health_plan_id=case.health_plan_id,
        program_id=case.program_id,
        line_of_business_id=coverage.line_of_business_id,
        day=day,
    )
    problem = _delegation_problem(case, coverage, delegation, today)
    return PatientLookup(member, coverage.member_code, coverage, delegation, problem)


def _delegation_problem(
    case: Case, coverage: Coverage, delegation: Delegation | None, today: dt.date
) -> str | None:
    day = case.date_of_service
    line_of_business = coverage.line_of_business.name
    if delegation is None:
        return (
            f"This member's plan does not delegate {case.program.name} for {line_of_business} "
            f"members on {day:%m/%d/%Y}."
        )
    age = (today - day).days
    if case.service_performed and age > delegation.retrospective_window_days:
        return (
            f"A retrospective request for {case.program.name} for {line_of_business} members "
            f"of {case.health_plan.name} must be submitted within "
            f"{delegation.retrospective_window_days} days of the date of service; "
            f"{day:%m/%d/%Y} was {age} days ago."
        )
    return None


def patient_select(
    *,
    request: HttpRequest,
    user: User,
    public_id: UUID,
    patient_id: str,
    date_of_birth: dt.date,
    last_name: str,
    member_id: int,
    today: dt.date,
) -> tuple[PatientLookup, str | None]:
    """SELECT: the lookup again, under the draft's row lock, and the member it finds must be
    the one selected. Saves the member, the coverage and the delegation; a different patient
    clears the patient's contact details and what depended on the patient. Returns the row and
    why it was refused (None when saved); a refusal saves nothing but the lookup's log row."""
    with draft_step_open(user=user, public_id=public_id, step_name="patient") as case:
        found = patient_lookup(
            request=request,
            user=user,
            case=case,
            patient_id=patient_id,
            date_of_birth=date_of_birth,
            last_name=last_name,
            today=today,
        )
        if found.member.pk != member_id:
            return found, SELECT_MISMATCH
        if found.problem:
            return found, found.problem
        values = {
            "member": found.member,
            "coverage": found.coverage,
            "delegation": found.delegation,
        }
        if case.member_id != found.member.pk:
            values.update(_CONTACT_CLEARED)
        step_answer_save(case, "patient", values)
    return found, None


def patient_clear(*, user: User, public_id: UUID) -> Case:
    """CLEAR PATIENT SELECTION: no member, coverage, delegation or contact details; what
    depended on the patient is cleared too."""
    with draft_step_open(user=user, public_id=public_id, step_name="patient") as case:
        step_answer_save(
            case,
            "patient",
            {"member": None, "coverage": None, "delegation": None, **_CONTACT_CLEARED},
        )
    return case


def patient_contact_save(*, user: User, public_id: UUID, cell_phone: str, email: str) -> Case:
    """The patient's best contact number (empty when UNKNOWN) and e-mail: the patient step is
    complete once they are saved. Written on their own: a new phone number changes nothing
    that was chosen for this patient (the service stays)."""
    with draft_step_open(user=user, public_id=public_id, step_name="patient") as case:
        if case.member_id is None:
            raise PatientStepError(MEMBER_REQUIRED)
        case.patient_contact_saved = True
        case.patient_cell_phone = cell_phone
        case.patient_email = email
        case.save(
            update_fields=[
                "patient_contact_saved",
                "patient_cell_phone",
                "patient_email",
                "updated_at",
            ]
        )
    return case
