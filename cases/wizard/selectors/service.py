"""Reads of the "Requested Service + Diagnosis" step: the program's procedure codes, whether a
code needs prior authorization under the member's delegation, and diagnosis codes by code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from eligibility.models import Delegation, DiagnosisCode, PriorAuthRule, ProcedureCode, Program
from eligibility.selectors import diagnosis_code_normalize

# The procedure list shows at most this many codes; a search narrows it.
PROCEDURE_CHOICES_LIMIT = 100
_WORD = re.compile(r"\w+")
# What a typed ICD-10-CM code looks like once normalized: "R68", "R68.89", "S72.001A".
DIAGNOSIS_CODE_FORMAT = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


def procedure_codes_for(program: Program) -> QuerySet[ProcedureCode]:
    """The program's active codes: the only ones a case of this program may request."""
    return ProcedureCode.objects.filter(programs=program, is_active=True)


@dataclass(frozen=True)
class ProcedureChoices:
    codes: list[ProcedureCode]
    more: bool  # more codes match than the list shows


def procedure_choices_for(
    program: Program, term: str = "", *, limit: int = PROCEDURE_CHOICES_LIMIT
) -> ProcedureChoices:
    """The procedure list of the step: the program's active codes whose code starts with the
    term or whose description holds each of its words, in code order. One query."""
    codes = procedure_codes_for(program)
    term = (term or "").replace("\x00", "").strip()[:80]
    if term:
        words = _WORD.findall(term)[:6]
        by_words = Q()
        for word in words:
            by_words &= Q(short_description__icontains=word)
        matches = Q(code__startswith=term.upper())
        if words:
            matches |= by_words
        codes = codes.filter(matches)
    found = list(codes.order_by("code")[: limit + 1])
    return ProcedureChoices(codes=found[:limit], more=len(found) > limit)


def prior_authorization_required(
    delegation: Delegation | None, procedure_code: ProcedureCode
) -> bool:
    """A code of the program needs prior authorization unless the delegation's rule for it
    says it does not."""
    if delegation is None:
        return True
    rule = (
        PriorAuthRule.objects.filter(delegation=delegation, procedure_code=procedure_code)
        .values_list("requires_prior_authorization", flat=True)
        .first()
    )
    return rule is None or rule


def diagnosis_code_get(code: str) -> DiagnosisCode | None:
    """The ICD-10-CM code typed ("r6889", "R68.89"), billable or not; None when unknown."""
    return DiagnosisCode.objects.filter(code=diagnosis_code_normalize(code)).first()
