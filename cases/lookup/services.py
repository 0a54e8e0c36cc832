"""Authorization Lookup's rules: how often an office user may look up, what a lookup writes to
the access log, and Upload Additional Clinical (a status event each time; a held case goes
back to review).

A lookup that finds nothing answers the same whatever the reason (another office's case, an
unknown number, an NPI not linked to the office, a member that does not match), and is logged
all the same, without a member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from accounts.models import AccessEvent, User
from accounts.services import access_event_record
from accounts.signin import ratelimit
from cases.clinical.uploads import uploads_discard
from cases.errors import CaseError
from cases.lookup.selectors import (
    ACCEPTING_CLINICAL,
    LOOKUP_LIST_LIMIT,
    FoundCase,
    cases_by_member_for,
    cases_by_number_for,
)
from cases.models import Case, StatusEvent, Upload
from cases.review.holds import INFORMATION_RECEIVED_REASON, hold_information_received
from cases.selectors import cases_for_user
from eligibility.models import HealthPlan, Member

_MINUTE = 60

ADDITIONAL_REASON = "Additional clinical received"
# The reason of the status event of a held case sent back to review by an upload.
BACK_TO_REVIEW_REASON = INFORMATION_RECEIVED_REASON
NO_LONGER_ACCEPTED = (
    "Uploads are no longer accepted for this case (Status: {status}): additional clinical "
    "information can be uploaded only while a case is pending or waiting for additional "
    "information."
)
ALREADY_UPLOADED = "{name} was already uploaded to this case."


def lookups_per_minute() -> int:
    return settings.AUTHORIZATION_LOOKUPS_PER_MINUTE


def lookup_allow(*, user: User) -> bool:
    """An office user makes at most lookups_per_minute() lookups a minute (every search
    counts, found or not, valid or not), so the lookup cannot be used to sweep numbers."""
    return ratelimit.hit(
        scope="authorization-lookup",
        value=str(user.pk),
        limit=lookups_per_minute(),
        window_seconds=_MINUTE,
    )


def member_ref(member_id: int | None) -> Member | None:
    """The member the access log names, by its key alone (the log stores only the key: no
    need to read the member's row for it)."""
    return Member(pk=member_id) if member_id is not None else None


@dataclass(frozen=True)
class LookupOutcome:
    """The cases a lookup found (none: not found), newest first; `more` when the member has
    more than LOOKUP_LIST_LIMIT of them."""

    cases: list[FoundCase]
    more: bool = False


def _found(request: HttpRequest, user: User, cases: list[FoundCase]) -> LookupOutcome:
    """Log the lookup (LOOKUP: the case found, or the member whose cases are listed, or
    nothing found) and return what it found."""
    more = len(cases) > LOOKUP_LIST_LIMIT
    cases = cases[:LOOKUP_LIST_LIMIT]
    member = member_ref(cases[0].member_id) if cases else None
    if len(cases) == 1:
        subject_type, subject_id = AccessEvent.SubjectType.CASE, cases[0].pk
    elif cases:
        subject_type, subject_id = AccessEvent.SubjectType.MEMBER, cases[0].member_id
    else:
        subject_type, subject_id = AccessEvent.SubjectType.CASE, ""
    access_event_record(
        request=request,
        user=user,
        action=AccessEvent.Action.LOOKUP,
        subject_type=subject_type,
        subject_id=subject_id,
        member=member,
    )
    return LookupOutcome(cases=cases, more=more)


def authorization_lookup_by_number(
    *, request: HttpRequest, user: User, npi: str, number: str
) -> LookupOutcome:
    """ "Search by Authorization Number/ NPI": the office's submitted case with this
    authorization or case number, ordered by the linked provider with this NPI."""
    return _found(request, user, cases_by_number_for(user=user, npi=npi, number=number))


def authorization_lookup_by_member(
    *,
    request: HttpRequest,
    user: User,
    health_plan: HealthPlan,
    npi: str,
    patient_id: str,
    date_of_birth: dt.date,
    case_number: str = "",
    authorization_number: str = "",
) -> LookupOutcome:
    """ "Search by Member Information": the member's submitted cases of the office ordered by
    the linked provider with this NPI (the one numbered, when a number is given)."""
    cases = cases_by_member_for(
        user=user,
        health_plan=health_plan,
        npi=npi,
        patient_id=patient_id,
        date_of_birth=date_of_birth,
        case_number=case_number,
        authorization_number=authorization_number,
    )
    return _found(request, user, cases)


@dataclass
class AdditionalClinical:
    """What an upload of additional clinical did: the files kept, one message per file that
    was already on the case, and whether a held case went back to review."""

    case: Case
    kept: list[Upload] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    back_to_review: bool = False


def additional_clinical_add(
    *,
    user: User,
    public_id: UUID,
    uploads: Sequence[Upload],
    note: str = "",
    now: dt.datetime,
) -> AdditionalClinical:
    """Upload Additional Clinical: the documents already checked and stored
    (cases.clinical.uploads.uploads_store) are added to the case under its row lock, with the
    note, while the case is pending or on hold (checked under the lock: a case decided
    meanwhile refuses them with CaseError, and their files are removed). Each upload writes a
    status event: pending stays pending ("Additional clinical received"); a held case goes
    back to review ("...: back to review"), its decision due again by the plan's time limits.
    A file already on the case (same content: a double click, a second tab) is not added
    twice; when every file was, nothing changes."""
    note = note.strip()
    duplicates: list[Upload] = []
    try:
        with transaction.atomic():
            case = (
                cases_for_user(user)
                .filter(submitted_at__isnull=False)
                .select_related("delegation")
                .select_for_update(of=("self",))
                .get(public_id=public_id)
            )
            if case.status not in ACCEPTING_CLINICAL:
                raise CaseError(NO_LONGER_ACCEPTED.format(status=case.get_status_display()))
            known = set(Upload.objects.filter(case=case).values_list("sha256", flat=True))
            new: list[Upload] = []
            for upload in uploads:
                if upload.sha256 in known:
                    duplicates.append(upload)
                    continue
                known.add(upload.sha256)
                upload.note = note
                new.append(upload)
            outcome = AdditionalClinical(
                case=case,
                duplicates=[ALREADY_UPLOADED.format(name=u.original_name) for u in duplicates],
            )
            if new:
                outcome.kept = Upload.objects.bulk_create(new)
                outcome.back_to_review = _clinical_received(case, user=user, note=note, now=now)
    except BaseException:
        # The files were stored before the transaction (no I/O under the lock): nothing
        # refers to them now.
        uploads_discard(uploads)
        raise
    uploads_discard(duplicates)
    return outcome


def _clinical_received(case: Case, *, user: User, note: str, now: dt.datetime) -> bool:
    """The status event of additional clinical received; a held case goes back to review
    (medical review's hold_information_received). Returns whether it went back to review."""
    if case.status == Case.Status.HOLD:
        hold_information_received(case, user=user, note=note, now=now)
        return True
    # Pending stays pending; Date Last Updated moves on.
    case.save(update_fields=["updated_at"])
    StatusEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        by=user,
        at=now,
        reason=ADDITIONAL_REASON,
        note=note,
    )
    return False


__all__ = [
    "ADDITIONAL_REASON",
    "ALREADY_UPLOADED",
    "BACK_TO_REVIEW_REASON",
    "NO_LONGER_ACCEPTED",
    "AdditionalClinical",
    "LookupOutcome",
    "additional_clinical_add",
    "authorization_lookup_by_member",
    "authorization_lookup_by_number",
    "lookup_allow",
    "lookups_per_minute",
    "member_ref",
]
