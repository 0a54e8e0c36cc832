"""Reads of reference data, each returning exactly what one screen needs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet

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


@dataclass(frozen=True)
class MemberCoverages:
    member: Member
    coverages: list[Coverage]  # newest first

    def on(self, day: date) -> Coverage | None:
        """The coverage in force on `day`."""
        return next((c for c in self.coverages if c.is_active_on(day)), None)


def member_with_coverages(*, health_plan: HealthPlan, patient_id: str) -> MemberCoverages | None:
    """The plan's member with this patient ID (compared without regard to case) and all their
    coverages, in one query when they have any."""
    coverages = list(
        Coverage.objects.select_related("member", "line_of_business")
        .filter(member__health_plan=health_plan, member__patient_id=patient_id.upper())
        .order_by("-effective_from")
    )
    if coverages:
        return MemberCoverages(coverages[0].member, coverages)
    member = Member.objects.filter(health_plan=health_plan, patient_id=patient_id.upper()).first()
    return MemberCoverages(member, []) if member else None


@dataclass(frozen=True)
class EligibilityLine:
    service: str
    message: str


@dataclass(frozen=True)
class ProgramEligibility:
    lines: list[EligibilityLine] = field(default_factory=list)
    not_required: list[str] = field(default_factory=list)


DEFAULT_ELIGIBILITY_MESSAGE = "Precertification is Required"


def program_eligibility_for(
    *, coverage: Coverage, health_plan: HealthPlan, day: date
) -> ProgramEligibility:
    """What the Eligibility Lookup says for each program: the messages of the delegations in
    force for the member's plan and line of business (a delegation without messages says
    "<Program> Eligibility: Precertification is Required"), and the programs that need no prior
    authorization through the portal. Two queries, whatever the number of programs."""
    rows = (
        Delegation.objects.filter(
            health_plan=health_plan,
            line_of_business_id=coverage.line_of_business_id,
            effective_from__lte=day,
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .order_by(
            "program__display_order",
            "program__name",
            "eligibility_messages__position",
            "eligibility_messages__service",
        )
        .values_list(
            "program_id",
            "program__name",
            "eligibility_messages__service",
            "eligibility_messages__message",
        )
    )
    lines: list[EligibilityLine] = []
    delegated_program_ids = set()
    for program_id, program_name, service, message in rows:
        delegated_program_ids.add(program_id)
        if service is None:
            lines.append(EligibilityLine(program_name, DEFAULT_ELIGIBILITY_MESSAGE))
        else:
            lines.append(EligibilityLine(service, message))
    not_required = [
        name
        for program_id, name in programs_all().values_list("id", "name")
        if program_id not in delegated_program_ids
    ]
    return ProgramEligibility(lines=lines, not_required=not_required)


# A letter, then a digit in second or third place: "M25.5", "r68", "QA0.0101".
_CODE_LIKE = re.compile(r"^[A-Za-z](?:\d[0-9A-Za-z]?|[A-Za-z]\d)\.?[0-9A-Za-z]{0,4}$")
_WORD = re.compile(r"\w+")


def diagnosis_code_normalize(term: str) -> str:
    """ "r6889" and "R68.89" both mean R68.89: upper case, dot after the third character."""
    compact = term.strip().upper().replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def diagnosis_codes_matching(term: str) -> QuerySet[DiagnosisCode]:
    """ICD-10-CM codes (billable or not, unordered) by code prefix when the term looks like a
    code ("M25.5", "r68"), else by the words of the description, each a prefix, whole or stemmed
    ("hypertensi", "fractures")."""
    term = (term or "").strip()
    if _CODE_LIKE.match(term):
        return DiagnosisCode.objects.filter(code__startswith=diagnosis_code_normalize(term))
    return _diagnosis_codes_by_words(term)


def _diagnosis_codes_by_words(term: str) -> QuerySet[DiagnosisCode]:
    words = [w for w in _WORD.findall(term.lower()) if w.strip("_")][:8]
    if not words:
        return DiagnosisCode.objects.none()
    query = None
    for word in words:
        prefix = f"{word}:*"
        either = SearchQuery(prefix, search_type="raw", config="simple") | SearchQuery(
            prefix, search_type="raw", config="english"
        )
        query = either if query is None else query & either
    return DiagnosisCode.objects.filter(search_vector=query)


def diagnosis_search(term: str, *, billable_only: bool = True, limit: int = 20) -> list:
    """The diagnosis lookup's answer: matching codes in code order. A term that looks like a
    code but matches none ("a1c", "b12") is searched as words."""
    matching = diagnosis_codes_matching(term)
    if billable_only:
        matching = matching.filter(is_billable=True)
    found = list(matching.order_by("code")[:limit])
    if found or not _CODE_LIKE.match((term or "").strip()):
        return found
    by_words = _diagnosis_codes_by_words(term)
    if billable_only:
        by_words = by_words.filter(is_billable=True)
    return list(by_words.order_by("code")[:limit])
