"""The one way in to cases on behalf of a user: an office sees its own cases, nobody else's
(a URL with another office's case answers 404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from cases.models import Case, ProcedureLine


def cases_for_user(user: User) -> QuerySet[Case]:
    office = user.office if user.is_authenticated else None
    if office is None:
        return Case.objects.none()
    return Case.objects.filter(office=office)


def draft_with_related(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a wizard page shows about a draft, in two queries."""
    return queryset.select_related(
        "program",
        "practitioner",
        "practitioner_address",
        "health_plan",
        "member",
        "coverage__line_of_business",
        "delegation",
        "primary_diagnosis",
        "secondary_diagnosis",
        "site",
        "source_case",
    ).prefetch_related(
        Prefetch(
            "procedure_lines",
            queryset=ProcedureLine.objects.select_related("procedure_code").order_by("position"),
        )
    )
