"""Reads of the program-specific steps: the approved cases a Musculoskeletal date extension or
continuing care can start from."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from cases.models import Case, ProcedureLine
from cases.selectors import cases_for_user

# The "Attention!" step lists the newest approved cases only; older ones are rarely extended.
FOLLOW_ON_SOURCES_SHOWN = 50


def follow_on_sources_for(user: User, *, case: Case) -> QuerySet[Case]:
    """The office's approved cases of the draft's program (what a date extension or continuing
    care may start from), newest first, with the member and the procedure lines shown."""
    return (
        cases_for_user(user)
        .filter(status=Case.Status.APPROVED, program_id=case.program_id)
        .exclude(pk=case.pk)
        .select_related("member", "practitioner")
        .prefetch_related(
            Prefetch(
                "procedure_lines",
                queryset=ProcedureLine.objects.select_related("procedure_code").order_by(
                    "position"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )


def follow_on_sources_shown(user: User, *, case: Case) -> list[Case]:
    return list(follow_on_sources_for(user, case=case)[:FOLLOW_ON_SOURCES_SHOWN])
