"""Reads of reference data, each returning exactly what one screen needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db.models import Prefetch, Q, QuerySet

from eligibility.models import (
    Coverage,
    Delegation,
    DiagnosisCode,
    HealthPlan,
    Member,
    PlanContact,
    Program,
    ProgramResource,
)


def health_plans_active() -> QuerySet[HealthPlan]:
    return HealthPlan.objects.filter(is_active=True).order_by("name")


def programs_all() -> QuerySet[Program]:
    return Program.objects.order_by("display_order", "name")


def plan_contact_for(*, health_plan_id: int, program_id: int) -> PlanContact | None:
    return (
        PlanContact.objects.select_related("health_plan", "program")
        .filter(health_plan_id=health_plan_id, program_id=program_id)
        .first()
    )


def program_resources_for(*, health_plan_id: int | None = None) -> QuerySet[ProgramResource]:
    """Guidelines and worksheets for every plan, plus those of the chosen plan."""
    scope = Q(health_plan__isnull=True)
    if health_plan_id:
        scope |= Q(health_plan_id=health_plan_id)
    return ProgramResource.objects.select_related("program").filter(scope)


def member_find(*, health_plan: HealthPlan, patient_id: str) -> Member | None:
    """The plan's member with this patient ID (IDs are compared without regard to case)."""
    return (
        Member.objects.select_related("health_plan")
        .prefetch_related(
            Prefetch(
                "coverages",
                queryset=Coverage.objects.select_related("line_of_business").order_by(
                    "-effective_from"
                ),
            )
        )
        .filter(health_plan=health_plan, patient_id=patient_id.upper())
        .first()
    )


def coverage_on(member: Member, day: date) -> Coverage | None:
    """The member's coverage in force on `day` (from the prefetched coverages)."""
    return next((c for c in member.coverages.all() if c.is_active_on(day)), None)


@dataclass(frozen=True)
class EligibilityLine:
    service: str
    message: str


@dataclass(frozen=True)
class ProgramEligibility:
    lines: list[EligibilityLine] = field(default_factory=list)
    not_required: list[str] = field(default_factory=list)


def program_eligibility_for(*, coverage: Coverage, health_plan: HealthPlan, day: date):
    """What the Eligibility Lookup says for each program: the messages of the delegations in
    force for the member's plan and line of business, and the programs that need no prior
    authorization through the portal."""
    delegations = (
        Delegation.objects.filter(
            health_plan=health_plan,
            line_of_business_id=coverage.line_of_business_id,
            effective_from__lte=day,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .select_related("program")
        .prefetch_related("eligibility_messages")
        .order_by("program__display_order", "program__name")
    )
    lines: list[EligibilityLine] = []
    delegated_program_ids = set()
    for delegation in delegations:
        delegated_program_ids.add(delegation.program_id)
        messages = list(delegation.eligibility_messages.all())
        if not messages:
            lines.append(EligibilityLine(delegation.program.name, "Precertification is Required"))
        lines.extend(EligibilityLine(m.service, m.message) for m in messages)
    not_required = [p.name for p in programs_all() if p.id not in delegated_program_ids]
    return ProgramEligibility(lines=lines, not_required=not_required)


_CODE_LIKE = re.compile(r"^[A-Za-z]\d[0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}$")
_WORD = re.compile(r"[a-z0-9]+")


def diagnosis_code_normalize(term: str) -> str:
    """ "r6889" and "R68.89" both mean R68.89: upper case, dot after the third character."""
    compact = term.strip().upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def diagnosis_search(
    term: str, *, billable_only: bool = True, limit: int = 20
) -> QuerySet[DiagnosisCode] | list:
    """ICD-10-CM codes by code prefix ("M25.5") or by words of the description ("knee pain"),
    words matched as prefixes so a partly typed word still finds its codes."""
    term = (term or "").strip()
    if not term:
        return []
    codes = DiagnosisCode.objects.all()
    if billable_only:
        codes = codes.filter(is_billable=True)
    if _CODE_LIKE.match(term):
        return codes.filter(code__startswith=diagnosis_code_normalize(term)).order_by("code")[
            :limit
        ]
    words = _WORD.findall(term.lower())[:8]
    if not words:
        return []
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")
    return codes.filter(search_vector=query).order_by("code")[:limit]
