"""Hold: "Additional Information Required". A reviewer puts a case in review on hold with a
checklist of what is needed and the due date from the plan's rules (the hold letter says
both); the information uploaded by the office sends it back to the queue; when the due date
passes without it, the beat sweep puts it back in the queue marked "decide on the original
submission" and due at once.

Each move is one status event under the case's row lock; the reviewer's hold is also a
Determination, and its letters are queued in the same transaction (made after commit)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple
from uuid import UUID

from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Now

from accounts.models import User
from cases.clinical.submission import decision_due_at
from cases.errors import CaseError
from cases.letters.services import letters_queue
from cases.models import Case, Determination, StatusEvent
from cases.review.access import cases_for_reviewer, is_medical_director
from cases.review.checklists import hold_checklist_labels
from cases.review.decisions.guards import ASSIGNED_ELSEWHERE, user_name
from cases.review.due import hold_due_at

logger = logging.getLogger(__name__)

HOLD_REASON = "Additional information required"
INFORMATION_RECEIVED_REASON = "Additional clinical received: back to review"
EXPIRED_REASON = (
    "Additional information not received by the due date: decide on the original submission"
)

NOTE_MAX_LENGTH = 4000
NOTHING_ASKED = "Please choose what is needed from the checklist or describe it in the note."
NOTE_TOO_LONG = f"Please keep the note under {NOTE_MAX_LENGTH} characters."
NOT_IN_REVIEW = "This case cannot be put on hold: its status is {status}."
DIRECTOR_ONLY = "This case was escalated to a medical director: only a medical director decides it."

# Held cases expired per transaction by the sweep, from the beginning of time, and how many
# database connections sweep at once.
EXPIRE_BATCH = 1000
EXPIRE_SHARES = 2
_BEGINNING = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


def case_hold(
    *,
    user: User,
    public_id: UUID,
    now: dt.datetime,
    checklist: Sequence[str],
    note: str = "",
) -> Case:
    """Put a case in review on hold ("Additional Information Required"): what is needed (the
    checklist's items chosen, a note, or both; at least one), due by the plan's rules
    (cases.review.due.hold_due_at). The case leaves its reviewer's hands (unassigned) until
    the information arrives or the due date passes. Raises Case.DoesNotExist for a case the
    reviewer does not review, CaseError when the case is not in review (or was escalated to
    a medical director and the reviewer is not one) or the request is not valid."""
    labels = hold_checklist_labels(checklist or ())
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise CaseError(NOTE_TOO_LONG, field="note")
    if not labels and not note:
        raise CaseError(NOTHING_ASKED, field="checklist")
    with transaction.atomic():
        case = (
            cases_for_reviewer(user)
            .select_related("delegation")
            .select_for_update(of=("self",))
            .get(public_id=public_id)
        )
        if case.status != Case.Status.IN_REVIEW:
            raise CaseError(NOT_IN_REVIEW.format(status=case.get_status_display()))
        if case.needs_medical_director and not is_medical_director(user):
            raise CaseError(DIRECTOR_ONLY)
        if case.assigned_to_id is not None and case.assigned_to_id != user.pk:
            raise CaseError(ASSIGNED_ELSEWHERE.format(name=user_name(case.assigned_to)))
        case.status = Case.Status.HOLD
        case.hold_due_at = hold_due_at(case, now=now)
        case.information_received_at = None
        case.decide_on_original = False
        case.assigned_to = None
        case.assigned_at = None
        case.save(
            update_fields=[
                "status",
                "hold_due_at",
                "information_received_at",
                "decide_on_original",
                "assigned_to",
                "assigned_at",
                "updated_at",
            ]
        )
        event = StatusEvent.objects.create(
            case=case,
            from_status=Case.Status.IN_REVIEW,
            to_status=Case.Status.HOLD,
            by=user,
            at=now,
            reason=HOLD_REASON,
            note=note,
        )
        Determination.objects.create(
            case=case,
            status_event=event,
            outcome=Determination.Outcome.HOLD,
            review_level=case.review_level,
            decided_by=user,
            decided_at=now,
            rationale=note,
            hold_checklist=labels,
            hold_due_at=case.hold_due_at,
        )
        letters_queue(event)
    return case


def hold_information_received(
    case: Case, *, user: User | None, note: str = "", now: dt.datetime
) -> StatusEvent:
    """The information a hold asked for has arrived (Upload Additional Clinical): the held case
    goes back to the queue, its decision due again by the plan's time limits counted from now.
    `case` is already locked by the caller (select_for_update, with its delegation); raises
    CaseError when it is not on hold."""
    if case.status != Case.Status.HOLD:
        raise CaseError(
            f"This case is not waiting for additional information: its status is "
            f"{case.get_status_display()}."
        )
    case.status = Case.Status.IN_REVIEW
    case.information_received_at = now
    case.hold_due_at = None
    case.decide_on_original = False
    case.due_at = decision_due_at(case, now=now)
    case.save(
        update_fields=[
            "status",
            "information_received_at",
            "hold_due_at",
            "decide_on_original",
            "due_at",
            "updated_at",
        ]
    )
    return StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.HOLD,
        to_status=Case.Status.IN_REVIEW,
        by=user,
        at=now,
        reason=INFORMATION_RECEIVED_REASON,
        note=note,
    )


class Share(NamedTuple):
    """The held cases whose id % of == number."""

    number: int
    of: int


def holds_expire(
    *, now: dt.datetime, batch_size: int = EXPIRE_BATCH, shares: int = EXPIRE_SHARES
) -> int:
    """The beat sweep: every held case whose hold due time has passed goes back to the queue,
    to be decided on the original submission, due at once (a status event by nobody). Cases
    are taken in batches along the case_hold_due index, each batch under its rows' locks (a
    case another transaction holds is left for the next run, as is one already moved); a batch
    that fails is retried case by case, so one case's failure does not stop the others.

    The held cases are split by id into `shares`, each swept on its own thread and database
    connection at the same time: PostgreSQL does the work, and two connections moved 100,000
    cases in three quarters of the time one took. Called inside a transaction (which other
    connections could not see), the sweep runs in it, on this connection. Returns how many
    went back to the queue."""
    if shares <= 1 or connection.in_atomic_block:
        return _holds_expire_share(now=now, batch_size=batch_size, share=Share(0, 1))
    with ThreadPoolExecutor(max_workers=shares, thread_name_prefix="holds-expire") as pool:
        futures = [
            pool.submit(_share_on_its_connection, now=now, batch_size=batch_size, share=share)
            for share in (Share(number, shares) for number in range(shares))
        ]
        return sum(future.result() for future in futures)


def _share_on_its_connection(*, now: dt.datetime, batch_size: int, share: Share) -> int:
    try:
        return _holds_expire_share(now=now, batch_size=batch_size, share=share)
    finally:
        # The thread's own connection, opened by its first query.
        connection.close()


def _holds_expire_share(*, now: dt.datetime, batch_size: int, share: Share) -> int:
    expired = 0
    after: tuple[dt.datetime, int] | None = None
    while True:
        try:
            with transaction.atomic():
                moved, last = _expire_batch(now=now, after=after, limit=batch_size, share=share)
        except Exception:
            logger.exception("Holds past due: a batch failed, retrying its cases one by one")
            batch = _held_past_due(now=now, after=after, limit=batch_size, share=share)
            if not batch:
                raise
            moved, last = _back_to_queue_one_by_one([pk for _, pk in batch], now=now), batch[-1]
        if last is None:
            return expired
        expired += moved
        after = last


# One statement per batch (PostgreSQL does the work, not Python): lock the next held cases past
# due along the case_hold_due index (skipping rows other transactions hold), move them back to
# review, write their status events, and answer how many moved and where the batch ended.
_EXPIRE_SQL = """
WITH locked AS (
    SELECT id, hold_due_at FROM {case}
    WHERE status = %(hold)s AND hold_due_at <= %(now)s
      -- hold_due_at >= is what the index (case_hold_due, on hold_due_at alone) seeks to: each
      -- batch starts where the last ended instead of passing every case moved before it.
      AND hold_due_at >= %(after_due)s AND (hold_due_at, id) > (%(after_due)s, %(after_id)s)
      AND id %% %(of)s = %(number)s
    ORDER BY hold_due_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE {case} c
    SET status = %(in_review)s, decide_on_original = true, due_at = %(now)s,
        hold_due_at = NULL, updated_at = statement_timestamp()
    FROM locked WHERE c.id = locked.id
    RETURNING c.id
), events AS (
    INSERT INTO {event} (case_id, from_status, to_status, by_id, at, reason, note)
    SELECT id, %(hold)s, %(in_review)s, NULL, %(now)s, %(reason)s, '' FROM moved
)
SELECT (SELECT count(*) FROM moved), hold_due_at, id
FROM locked ORDER BY hold_due_at DESC, id DESC LIMIT 1
"""


def _expire_batch(
    *, now: dt.datetime, after: tuple[dt.datetime, int] | None, limit: int, share: Share
) -> tuple[int, tuple[dt.datetime, int] | None]:
    """Move the next batch back to the queue: (how many moved, the batch's last hold due time
    and id), or (0, None) when no held case past due is left after `after`."""
    after_due, after_id = after if after is not None else (_BEGINNING, 0)
    params = {
        "hold": Case.Status.HOLD.value,
        "in_review": Case.Status.IN_REVIEW.value,
        "now": now,
        "after_due": after_due,
        "after_id": after_id,
        "limit": limit,
        "reason": EXPIRED_REASON,
        "number": share.number,
        "of": share.of,
    }
    tables = {"case": Case._meta.db_table, "event": StatusEvent._meta.db_table}
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        cursor.execute(_EXPIRE_SQL.format(**tables), params)
        row = cursor.fetchone()
    if row is None:
        return 0, None
    return row[0], (row[1], row[2])


def _held_past_due(
    *, now: dt.datetime, after: tuple[dt.datetime, int] | None, limit: int, share: Share
) -> list[tuple[dt.datetime, int]]:
    """The next held cases of `share` past due after `after` (hold due time, id), not
    locked."""
    cases = (
        Case.objects.filter(status=Case.Status.HOLD, hold_due_at__lte=now)
        .alias(share_number=F("pk") % share.of)
        .filter(share_number=share.number)
    )
    if after is not None:
        due, pk = after
        cases = cases.filter(Q(hold_due_at__gt=due) | Q(hold_due_at=due, pk__gt=pk))
    return list(cases.order_by("hold_due_at", "pk").values_list("hold_due_at", "pk")[:limit])


def _back_to_queue(ids: list[int], *, now: dt.datetime) -> int:
    """Cases already locked and checked (one by one after a failed batch): back in review,
    due now, one status event each."""
    Case.objects.filter(pk__in=ids).update(
        status=Case.Status.IN_REVIEW,
        decide_on_original=True,
        due_at=now,
        hold_due_at=None,
        updated_at=Now(),
    )
    StatusEvent.objects.bulk_create(
        StatusEvent(
            case_id=pk,
            from_status=Case.Status.HOLD,
            to_status=Case.Status.IN_REVIEW,
            by=None,
            at=now,
            reason=EXPIRED_REASON,
        )
        for pk in ids
    )
    return len(ids)


def _back_to_queue_one_by_one(ids: list[int], *, now: dt.datetime) -> int:
    moved = 0
    for pk in ids:
        try:
            with transaction.atomic():
                locked = list(
                    Case.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=Case.Status.HOLD, hold_due_at__lte=now)
                    .values_list("pk", flat=True)
                )
                count = _back_to_queue(locked, now=now) if locked else 0
            moved += count
        except Exception:
            logger.exception("Hold past due of case id %s: not moved back to the queue", pk)
    return moved


__all__ = [
    "EXPIRED_REASON",
    "HOLD_REASON",
    "INFORMATION_RECEIVED_REASON",
    "case_hold",
    "hold_information_received",
    "holds_expire",
]
