"""Duplication: "Start a new request using the same: Program / Provider / Program and Provider /
Program and Health Plan" (shown after SUBMIT CASE by the submission issue)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case
from cases.selectors import cases_for_user
from cases.wizard.drafts import draft_start
from cases.wizard.selectors import delegations_in_force

KEEP_PROGRAM = "program"
KEEP_PROVIDER = "provider"
KEEP_PROGRAM_PROVIDER = "program_provider"
KEEP_PROGRAM_PLAN = "program_plan"
KEEPS = (KEEP_PROGRAM, KEEP_PROVIDER, KEEP_PROGRAM_PROVIDER, KEEP_PROGRAM_PLAN)

NO_SUCH_REQUEST = "No such request."
UNKNOWN_KEEP = "Please select what to use again for the new request."
PROVIDER_GONE = (
    "This provider is no longer associated with your account. Please start a new request."
)
PLAN_GONE = (
    "This health plan no longer delegates this program. Please start a new request using the "
    "same program."
)


@transaction.atomic
def case_duplicate(*, user: User, source: Case, keep: str, now: dt.datetime | None = None) -> Case:
    """A new draft of the user's office (its status event and expiry as any draft's) using the
    same program and, by `keep`, the same provider (practitioner and address) or the same
    health plan. Nothing else is copied and the source is not changed. The program is kept in
    every case: a draft always has one. On a DME program the DME role is kept with the
    provider or the plan, which changing it would clear. Refused for another office's case, a
    provider no longer on the office, a plan no longer delegating the program."""
    if keep not in KEEPS:
        raise CaseError(UNKNOWN_KEEP)
    source = (
        cases_for_user(user)
        .select_related("program", "practitioner", "health_plan")
        .filter(pk=source.pk)
        .first()
    )
    if source is None:
        raise CaseError(NO_SUCH_REQUEST)
    now = now or timezone.now()
    values: dict = {}
    if keep in (KEEP_PROVIDER, KEEP_PROGRAM_PROVIDER) and source.practitioner_id:
        if not _practitioner_linked(user, source.practitioner_id):
            raise CaseError(PROVIDER_GONE)
        values["practitioner_id"] = source.practitioner_id
        values["practitioner_address_id"] = source.practitioner_address_id
    if keep == KEEP_PROGRAM_PLAN and source.health_plan_id:
        if not _plan_delegates(source, day=timezone.localdate(now)):
            raise CaseError(PLAN_GONE)
        values["health_plan_id"] = source.health_plan_id
    if values and source.program.is_equipment and source.dme_role:
        values["dme_role"] = source.dme_role
    case = draft_start(user=user, program=source.program, now=now)
    if values:
        for name, value in values.items():
            setattr(case, name, value)
        case.save(update_fields=[*values, "updated_at"])
    return case


def _practitioner_linked(user: User, practitioner_id: int) -> bool:
    return user.office.practitioner_links.filter(
        practitioner_id=practitioner_id, practitioner__is_active=True
    ).exists()


def _plan_delegates(source: Case, *, day: dt.date) -> bool:
    return (
        delegations_in_force(day)
        .filter(
            health_plan_id=source.health_plan_id,
            program_id=source.program_id,
            health_plan__is_active=True,
        )
        .exists()
    )
