"""Reads of the date-of-service and patient steps: the plan's delegation of the draft's program
for a member's line of business on the date of service, the retrospective windows, and why a
member is not covered on a day."""

from __future__ import annotations

import datetime as dt

from cases.wizard.selectors import delegations_in_force
from eligibility.models import Delegation, HealthPlan
from eligibility.selectors import MemberCoverages


def delegation_for_coverage(
    *, health_plan_id: int, program_id: int, line_of_business_id: int, day: dt.date
) -> Delegation | None:
    """The delegation of the program by the plan for this line of business in force on `day`
    (one query)."""
    return (
        delegations_in_force(day)
        .select_related("program", "line_of_business")
        .filter(
            health_plan_id=health_plan_id,
            program_id=program_id,
            line_of_business_id=line_of_business_id,
        )
        .order_by("-effective_from")
        .first()
    )


def retrospective_windows(*, health_plan_id: int, program_id: int, day: dt.date) -> list[int]:
    """The retrospective windows (days) of the plan's delegations of the program in force on
    `day`, whatever the line of business (one query)."""
    return list(
        delegations_in_force(day)
        .filter(health_plan_id=health_plan_id, program_id=program_id)
        .values_list("retrospective_window_days", flat=True)
    )


def coverage_gap_message(found: MemberCoverages, *, health_plan: HealthPlan, day: dt.date) -> str:
    """Why the member has no coverage with the plan on `day` (the date of service): it begins
    later, it ended before, or there is none."""
    later = [c.effective_from for c in found.coverages if c.effective_from > day]
    ended = [c.effective_to for c in found.coverages if c.effective_to and c.effective_to < day]
    on = f"{day:%m/%d/%Y}"
    if later:
        return (
            f"This member's coverage with {health_plan.name} begins on {min(later):%m/%d/%Y}, "
            f"after the date of service ({on})."
        )
    if ended:
        return (
            f"This member's coverage with {health_plan.name} ended on {max(ended):%m/%d/%Y}, "
            f"before the date of service ({on})."
        )
    return f"This member has no coverage with {health_plan.name} on the date of service ({on})."
