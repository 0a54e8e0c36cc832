"""Writes of the case screen: a reviewer's note on a case (for the other reviewers; the office
never sees it)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from accounts.models import User
from cases.errors import CaseError
from cases.models import ReviewNote
from cases.review.access import cases_for_reviewer

NOTE_MAX_LENGTH = 4000
NOTE_REQUIRED = "Please enter the note."
NOTE_TOO_LONG = f"Please keep the note to {NOTE_MAX_LENGTH:,} characters or fewer."


def review_note_add(*, user: User, public_id: UUID, text: str, now: dt.datetime) -> ReviewNote:
    """Add a reviewer's note to a case of the reviewer's programs: some text, at most
    NOTE_MAX_LENGTH characters. Raises Case.DoesNotExist for a case the reviewer does not see,
    CaseError for an empty or too long note."""
    text = (text or "").strip()
    if not text:
        raise CaseError(NOTE_REQUIRED)
    if len(text) > NOTE_MAX_LENGTH:
        raise CaseError(NOTE_TOO_LONG)
    case = cases_for_reviewer(user).only("pk").get(public_id=public_id)
    return ReviewNote.objects.create(case=case, author=user, text=text, created_at=now)


__all__ = ["NOTE_MAX_LENGTH", "NOTE_REQUIRED", "NOTE_TOO_LONG", "review_note_add"]
