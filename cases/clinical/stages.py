"""The clinical phase after lock-in, stage by stage: "Is this case Routine/Standard?" (and the
clinical upload), the pathway's questions, the additional information, then the attestation
and SUBMIT CASE; after submission the summary. Each stage is one URL (cases:clinical-<name>);
`current_stage` says where a case stands, and a stage before it may still be revisited until
the case is submitted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from cases.errors import CaseError
from cases.models import Case
from cases.wizard.drafts import (
    EXPIRED_MESSAGE,
    NOT_A_DRAFT_MESSAGE,
    draft_closed_message,
    draft_expire,
)

STAGES = ("urgency", "question", "additional", "submit")
STAGE_NOT_REACHABLE = "Please complete this step first."


class StageClosed(CaseError):
    """A clinical stage cannot be shown or written now; `where` says where the case belongs:
    "in-progress" (expired), "summary" (submitted) or "clinical" (not locked in yet, or a
    stage before this one is not done: the wizard's clinical page sends it on)."""

    def __init__(self, message: str, *, where: str):
        super().__init__(message)
        self.where = where


def current_stage(case: Case) -> str:
    """The first stage not done; "summary" once submitted."""
    if case.submitted_at is not None:
        return "summary"
    if not case.urgency_done:
        return "urgency"
    if _questions_pending(case):
        return "question"
    if not case.additional_info:
        return "additional"
    return "submit"


def _questions_pending(case: Case) -> bool:
    # The questions stage chooses the pathway and sets the outcome when its walk ends (a
    # program without a pathway ends at once, with medical review).
    return not case.pathway_outcome


def stage_reachable(case: Case, stage: str) -> bool:
    """A stage opens once the stages before it are done, until the case is submitted."""
    if case.submitted_at is not None or not case.is_locked:
        return False
    order = list(STAGES)
    return order.index(stage) <= order.index(current_stage(case))


def stage_closed(case: Case, stage: str, *, now: dt.datetime) -> StageClosed | None:
    """Why `stage` is closed for the case now (the wizard's own rule says when a draft is
    closed), or None when it is open."""
    message = draft_closed_message(case, now=now)
    if message == EXPIRED_MESSAGE:
        return StageClosed(message, where="in-progress")
    if message or case.submitted_at is not None:
        return StageClosed(NOT_A_DRAFT_MESSAGE, where="summary")
    if not stage_reachable(case, stage):
        return StageClosed(STAGE_NOT_REACHABLE, where="clinical")
    return None


@contextmanager
def stage_locked(
    queryset: QuerySet[Case], *, public_id: UUID, stage: str, now: dt.datetime
) -> Iterator[Case]:
    """The case of `queryset` (an office's cases), its own row locked, while `stage` is open:
    the caller's writes and this check are one transaction. A draft whose time is up is
    expired here (committed, as the wizard does) and StageClosed raised."""
    with transaction.atomic():
        case = queryset.select_for_update(of=("self",)).get(public_id=public_id)
        closed = stage_closed(case, stage, now=now)
        if closed is None:
            yield case
            return
        if closed.where == "in-progress" and case.is_draft:
            draft_expire(case, now=now)
    raise closed


__all__ = [
    "STAGES",
    "STAGE_NOT_REACHABLE",
    "StageClosed",
    "current_stage",
    "stage_closed",
    "stage_locked",
    "stage_reachable",
]
