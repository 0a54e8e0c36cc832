"""Requests made from ALL POST DECISION OPTIONS: a reconsideration or a first-level appeal,
recorded with its supporting records for the medical review to decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from uuid import UUID

from django.db import IntegrityError, transaction

from accounts.models import User
from cases.clinical.uploads import uploads_discard
from cases.errors import CaseError
from cases.models import PostDecisionRequest, Upload
from cases.post_decision.rules import REQUEST_OPTIONS, request_option
from cases.post_decision.selectors import SUPPORTING_NOTES, post_decision_facts
from cases.review.decisions.levels import request_review_open
from cases.selectors import cases_for_user

NOT_THROUGH_PORTAL = "This request cannot be made through the portal: {message}"


def post_decision_request_make(
    *,
    user: User,
    public_id: UUID,
    kind: str,
    contact_name: str,
    contact_phone: str,
    reason: str,
    now: dt.datetime,
    uploads: Sequence[Upload] = (),
) -> tuple[PostDecisionRequest, bool]:
    """Record a reconsideration or appeal request of a submitted case of the user's office,
    with the supporting records already checked and stored (cases.clinical.uploads.uploads_store).

    The rules are checked again under the case's row lock (the page may be old: the date of
    service passed, an appeal came first, the case was decided again); a refusal raises
    CaseError with the reason. A case has one request of each kind: asking again (a double
    click, a colleague) returns the one already made, with False. A new request moves the case
    back into the medical review queue at its level (cases.review.decisions.levels
    request_review_open): in review ("Pending" to the office), review level reconsideration or
    appeal, due by the plan's limits, with a status event "Reconsideration requested" or "Appeal
    requested". The rules still count from the initial adverse determination (the first status
    event into a denial or a partial approval), and read the decision under review while the
    request is decided (cases.post_decision.selectors.post_decision_facts). The files of a
    request not made are removed. Raises Case.DoesNotExist for a draft, an unknown case or
    another office's case."""
    if kind not in REQUEST_OPTIONS:
        raise CaseError("Unknown request.")
    try:
        made, created = _request_make(
            user=user,
            public_id=public_id,
            kind=kind,
            now=now,
            uploads=uploads,
            values={"contact_name": contact_name, "contact_phone": contact_phone, "reason": reason},
        )
    except BaseException:
        # The files were stored before the transaction (no I/O under the lock): nothing
        # refers to them now.
        uploads_discard(uploads)
        raise
    if not created:
        uploads_discard(uploads)
    return made, created


@transaction.atomic
def _request_make(
    *,
    user: User,
    public_id: UUID,
    kind: str,
    now: dt.datetime,
    uploads: Sequence[Upload],
    values: dict,
) -> tuple[PostDecisionRequest, bool]:
    case = (
        cases_for_user(user)
        .filter(submitted_at__isnull=False)
        .select_for_update(of=("self",))
        .select_related("delegation__line_of_business", "health_plan")
        .get(public_id=public_id)
    )
    existing = PostDecisionRequest.objects.filter(case=case, kind=kind).first()
    if existing is not None:
        return existing, False
    option = request_option(post_decision_facts(case), kind, now=now)
    if not option.applies:
        raise CaseError(option.message)
    if option.request_kind != kind:
        raise CaseError(NOT_THROUGH_PORTAL.format(message=option.message))
    try:
        # A writer that does not lock the case could still come first: the unique constraint
        # holds, and its request is the one.
        with transaction.atomic():
            made = PostDecisionRequest.objects.create(
                case=case, kind=kind, requested_by=user, requested_at=now, **values
            )
    except IntegrityError:
        return PostDecisionRequest.objects.get(case=case, kind=kind), False
    for upload in uploads:
        upload.case = case
        upload.post_decision_request = made
        upload.note = SUPPORTING_NOTES[kind]
    Upload.objects.bulk_create(uploads)
    request_review_open(case, made, user=user, now=now)
    return made, True
