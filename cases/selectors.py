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


def _procedure_lines() -> Prefetch:
    return Prefetch(
        "procedure_lines",
        queryset=ProcedureLine.objects.select_related("procedure_code").order_by("position"),
    )


def draft_with_related(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """A draft with what every wizard page shows (the side panel), in two queries. Fewer
    joins on purpose: PostgreSQL plans a 13-table join afresh on every request (7-15 ms, more
    than running it); a step that needs another relation reads it by its key."""
    return queryset.select_related(
        "program", "practitioner", "health_plan", "member", "primary_diagnosis", "site"
    ).prefetch_related(_procedure_lines())


def draft_for_update(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """A draft to write one step of: its own row locked, its program and procedure lines."""
    return (
        queryset.select_for_update(of=("self",))
        .select_related("program")
        .prefetch_related(_procedure_lines())
    )
