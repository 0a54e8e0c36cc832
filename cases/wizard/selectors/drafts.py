"""Certification Requests In Progress: the office's drafts still open, and those that expired
lately, each with the step it reached. Two queries whatever the number of drafts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from cases.models import Case, ProcedureLine
from cases.selectors import cases_for_user
from cases.wizard import steps

# Drafts that expired within this many days are still listed, as "Expired", without actions.
EXPIRED_SHOWN_DAYS = 7
LOCKED_STEP_TITLE = steps.BY_NAME["proceed"].title


@dataclass(frozen=True)
class DraftRow:
    case: Case
    step_title: str
    is_expired: bool


def drafts_listed_for(user: User, *, now: dt.datetime) -> QuerySet[Case]:
    """The office's drafts open at `now` and those expired in the last EXPIRED_SHOWN_DAYS,
    newest first, with what the list shows (program, member, provider, and the procedure
    lines the step reached depends on)."""
    still_open = Q(status=Case.Status.DRAFT, expires_at__gt=now)
    expired_lately = Q(
        status__in=(Case.Status.DRAFT, Case.Status.EXPIRED),
        expires_at__lte=now,
        expires_at__gt=now - dt.timedelta(days=EXPIRED_SHOWN_DAYS),
    )
    return (
        cases_for_user(user)
        .filter(still_open | expired_lately)
        .select_related("program", "member", "practitioner")
        .prefetch_related(
            Prefetch("procedure_lines", queryset=ProcedureLine.objects.order_by("position"))
        )
        .order_by("-created_at", "-pk")
    )


def draft_rows_for(user: User, *, now: dt.datetime) -> tuple[list[DraftRow], list[DraftRow]]:
    """(in progress, expired lately): a draft whose time is up is expired here even before
    the sweep has marked it."""
    in_progress: list[DraftRow] = []
    expired: list[DraftRow] = []
    for case in drafts_listed_for(user, now=now):
        is_expired = case.status == Case.Status.EXPIRED or case.expires_at <= now
        row = DraftRow(case=case, step_title=draft_step_reached(case), is_expired=is_expired)
        (expired if is_expired else in_progress).append(row)
    return in_progress, expired


def draft_step_reached(case: Case) -> str:
    """The title of the first step not complete (where Resume goes); past lock-in, the
    lock-in step's."""
    if case.is_locked:
        return LOCKED_STEP_TITLE
    step = steps.first_incomplete(case)
    return step.title if step else LOCKED_STEP_TITLE
