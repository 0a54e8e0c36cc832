"""Eligibility Lookup: find the member, check coverage, log the read of patient data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest

from accounts.models import AccessEvent, User
from accounts.services import access_event_record
from eligibility.errors import EligibilityError
from eligibility.models import Coverage, HealthPlan, Member
from eligibility.selectors import (
    MemberCoverages,
    ProgramEligibility,
    member_with_coverages,
    program_eligibility_for,
)

NOT_FOUND = (
    "No member was found with this Patient ID and Date of Birth in the selected health plan. "
    "Check both against the member's card."
)


@dataclass(frozen=True)
class EligibilityResult:
    health_plan: HealthPlan
    member: Member
    coverage: Coverage
    programs: ProgramEligibility


def member_eligibility_lookup(
    *,
    request: HttpRequest,
    user: User,
    health_plan: HealthPlan,
    patient_id: str,
    date_of_birth: date,
    on: date,
) -> EligibilityResult:
    """The member's eligibility on `on`, per program. A wrong date of birth answers exactly as
    an unknown patient ID, so the lookup cannot be used to confirm that an ID exists. Every
    member found is written to the access log, covered or not."""
    found = member_with_coverages(health_plan=health_plan, patient_id=patient_id)
    if found is None or found.member.date_of_birth != date_of_birth:
        raise EligibilityError(NOT_FOUND, field="patient_id")
    member = found.member
    access_event_record(
        request=request,
        user=user,
        action=AccessEvent.Action.LOOKUP,
        subject_type=AccessEvent.SubjectType.MEMBER,
        subject_id=member.pk,
        member=member,
    )
    coverage = found.on(on)
    if coverage is None:
        raise EligibilityError(_not_covered_message(found, on), field="patient_id")
    programs = program_eligibility_for(coverage=coverage, health_plan=health_plan, day=on)
    return EligibilityResult(health_plan, member, coverage, programs)


def _not_covered_message(found: MemberCoverages, day: date) -> str:
    coverages = found.coverages
    ended = [c for c in coverages if c.effective_to and c.effective_to < day]
    future = [c for c in coverages if c.effective_from > day]
    if future:
        start = min(c.effective_from for c in future)
        return f"This member's coverage with this plan begins on {start:%m/%d/%Y}."
    if ended:
        end = max(c.effective_to for c in ended)
        return f"This member's coverage with this plan ended on {end:%m/%d/%Y}."
    return "This member has no coverage with this plan."
