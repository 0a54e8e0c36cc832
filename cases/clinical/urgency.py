"""The urgency stage, the first after lock-in: "Is this case Routine/Standard?"; for NO the
urgency criterion and the clinical upload.

A case is urgent only when it is not routine, one of the two urgency criteria applies ("None of
the above" is standard), and at least one clinical document came with the urgency answer
(kept now or at an earlier visit); otherwise it is processed as standard. The answer can be
changed until the case is submitted. Every write holds the case's row lock and checks there
that the stage is still open; a second identical POST (double click, retry) finds the stage
answered since its page was shown and changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from django.utils import timezone

from accounts.models import User
from cases.clinical.stages import current_stage, stage_closed, stage_locked
from cases.clinical.uploads import (
    case_uploads,
    upload_max_bytes,
    uploads_checked,
    uploads_discard,
    uploads_store,
)
from cases.errors import CaseError
from cases.models import Case, Upload
from cases.models.case import UrgencyCriterion
from cases.selectors import cases_for_user, draft_with_related

STAGE = "urgency"

URGENT_MESSAGE = "Your request will be processed as urgent."
NO_UPLOAD_MESSAGE = (
    "No clinical documentation was uploaded, so this request will be processed as standard/routine."
)
NOT_URGENT_MESSAGE = (
    "None of the urgency criteria apply to this request, so it will be processed as "
    "standard/routine."
)
ALREADY_ANSWERED_MESSAGE = (
    "The urgency of this request had already been saved (the page was sent twice or changed "
    "in another window); nothing more was changed."
)

URGENT_CRITERIA = (UrgencyCriterion.JEOPARDIZE, UrgencyCriterion.SEVERE_PAIN)


class AlreadyAnswered(CaseError):
    """The answer was saved after this page was shown (a double POST): nothing changed."""


@dataclass
class UrgencyOutcome:
    """What an urgency answer did: `saved` (False: every file was refused and nothing
    changed), the case, the files kept now, one message per file refused."""

    saved: bool
    case: Case
    kept: list[Upload] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """What the next page says about the urgency."""
        if self.case.is_routine:
            return ""
        if self.case.is_urgent:
            return URGENT_MESSAGE
        if self.case.urgency_criterion == UrgencyCriterion.NONE:
            return NOT_URGENT_MESSAGE
        return NO_UPLOAD_MESSAGE


def _stage_check(case: Case) -> None:
    if closed := stage_closed(case, STAGE, now=timezone.now()):
        raise closed


def urgency_case_for_view(*, user: User, public_id: UUID) -> Case:
    """The case as the urgency page shows it (no lock). Raises Case.DoesNotExist for another
    office's case, StageClosed when the stage is not open."""
    case = draft_with_related(cases_for_user(user)).get(public_id=public_id)
    _stage_check(case)
    return case


@contextmanager
def _case_locked(*, user: User, public_id: UUID, token: str | None) -> Iterator[Case]:
    cases = cases_for_user(user).select_related("program")
    with stage_locked(cases, public_id=public_id, stage=STAGE, now=timezone.now()) as case:
        if case.urgency_done and token != urgency_token(case, _urgency_upload_ids(case)):
            raise AlreadyAnswered(ALREADY_ANSWERED_MESSAGE)
        yield case


def _urgency_upload_ids(case: Case) -> list[int]:
    return list(case_uploads(case, for_urgency=True).values_list("pk", flat=True))


def urgency_token(case: Case, upload_ids: Sequence[int]) -> str:
    """The state of the answer as a page shows it; a POST carrying another state's token was
    sent from a page older than the saved answer."""
    state = "|".join(
        [
            str(case.urgency_done),
            str(case.is_routine),
            case.urgency_criterion,
            str(case.is_urgent),
            ",".join(str(pk) for pk in sorted(upload_ids)),
        ]
    )
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def urgency_routine_answer(*, user: User, public_id: UUID, token: str | None) -> Case:
    """YES: the case is routine/standard (files kept earlier stay with the case)."""
    with _case_locked(user=user, public_id=public_id, token=token) as case:
        case.is_routine = True
        case.urgency_criterion = ""
        case.is_urgent = False
        case.urgency_done = True
        case.save(
            update_fields=[
                "is_routine",
                "urgency_criterion",
                "is_urgent",
                "urgency_done",
                "updated_at",
            ]
        )
    return case


def urgency_urgent_answer(
    *,
    user: User,
    public_id: UUID,
    criterion: str,
    files: Iterable,
    token: str | None,
) -> UrgencyOutcome:
    """NO, with the criterion and UPLOAD (files) or SKIP UPLOAD (no files). Files are checked
    first; when some were given and every one was refused, nothing changes. Otherwise the kept
    files are saved with the answer, and the case is urgent when an urgency criterion applies
    and it has at least one upload of the urgency answer."""
    files = list(files)
    # The program's limit (it cannot change after lock-in) and an early refusal of a double
    # POST, before the files are read; both are checked again under the lock.
    case = cases_for_user(user).select_related("program").get(public_id=public_id)
    _stage_check(case)
    if case.urgency_done and token != urgency_token(case, _urgency_upload_ids(case)):
        raise AlreadyAnswered(ALREADY_ANSWERED_MESSAGE)
    with uploads_checked(files, max_bytes=upload_max_bytes(case)) as check:
        if files and not check.accepted:
            return UrgencyOutcome(saved=False, case=case, refused=check.refused)
        stored = uploads_store(case=case, files=check.accepted, by=user, for_urgency=True)
    try:
        with _case_locked(user=user, public_id=public_id, token=token) as case:
            kept = Upload.objects.bulk_create(stored)
            has_upload = bool(kept) or bool(_urgency_upload_ids(case))
            case.is_routine = False
            case.urgency_criterion = criterion
            case.is_urgent = criterion in URGENT_CRITERIA and has_upload
            case.urgency_done = True
            case.save(
                update_fields=[
                    "is_routine",
                    "urgency_criterion",
                    "is_urgent",
                    "urgency_done",
                    "updated_at",
                ]
            )
    except BaseException:
        uploads_discard(stored)
        raise
    return UrgencyOutcome(saved=True, case=case, kept=kept, refused=check.refused)


def urgency_next_url_name(case: Case) -> str:
    """Where the case goes after this stage: its current stage."""
    stage = current_stage(case)
    return "cases:summary" if stage == "summary" else f"cases:clinical-{stage}"


__all__ = [
    "ALREADY_ANSWERED_MESSAGE",
    "NO_UPLOAD_MESSAGE",
    "NOT_URGENT_MESSAGE",
    "URGENT_MESSAGE",
    "AlreadyAnswered",
    "UrgencyOutcome",
    "urgency_case_for_view",
    "urgency_next_url_name",
    "urgency_routine_answer",
    "urgency_token",
    "urgency_urgent_answer",
]
