"""Reads of the letters on behalf of an office: only through cases_for_user (another office's
case, or a draft, does not exist for them), and only the provider's letters (member letters
go to the mail queue; administrators see them in admin)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from cases.letters.rendering import letter_template_exists
from cases.letters.services import KIND_BY_STATUS
from cases.models import Case, Letter, StatusEvent, Upload
from cases.selectors import cases_for_user


def correspondence_case_for(*, user: User, public_id: UUID) -> Case:
    """A submitted case of the user's office with what its Correspondence page shows. Raises
    Case.DoesNotExist for anything else."""
    return (
        cases_for_user(user)
        .filter(submitted_at__isnull=False)
        .select_related("member", "practitioner")
        .get(public_id=public_id)
    )


def case_provider_letters(case: Case) -> QuerySet[Letter]:
    """The case's letters to the ordering provider, newest first (one query)."""
    return Letter.objects.filter(case=case, recipient=Letter.Recipient.PROVIDER).order_by(
        "-created_at", "-pk"
    )


def case_uploads_newest_first(case: Case) -> QuerySet[Upload]:
    return Upload.objects.filter(case=case).order_by("-uploaded_at", "-pk")


def case_letters_pending(case: Case) -> bool:
    """Whether a status change of the case still waits for its provider letter (the worker
    has not made it yet): one query."""
    statuses = [
        status
        for status, kind in KIND_BY_STATUS.items()
        if letter_template_exists(kind, Letter.Recipient.PROVIDER)
    ]
    if not statuses:
        return False
    provider_letter = Letter.objects.filter(
        status_event=OuterRef("pk"), recipient=Letter.Recipient.PROVIDER
    )
    return (
        StatusEvent.objects.filter(case=case, to_status__in=statuses)
        .filter(~Exists(provider_letter))
        .exists()
    )


def provider_letter_for(*, user: User, public_id: UUID, letter_id: UUID) -> Letter:
    """One provider letter of one submitted case of the user's office, with its case and
    member (for the access log). Raises Letter.DoesNotExist for anyone else, for a member
    letter, or for a letter of another case."""
    return Letter.objects.select_related("case__member").get(
        public_id=letter_id,
        recipient=Letter.Recipient.PROVIDER,
        case__public_id=public_id,
        case__in=cases_for_user(user),
    )


__all__ = [
    "case_letters_pending",
    "case_provider_letters",
    "case_uploads_newest_first",
    "correspondence_case_for",
    "provider_letter_for",
]
