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
from django.db.models import Q
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


class KeyRange(NamedTuple):
    """The held cases whose (hold due time, id) is after `after` and at most `last`."""

    after: tuple[dt.datetime, int]
    last: tuple[dt.datetime, int]


def holds_expire(
    *, now: dt.datetime, batch_size: int = EXPIRE_BATCH, shares: int = EXPIRE_SHARES
) -> int:
    """The beat sweep: every held case whose hold due time has passed goes back to the queue,
    to be decided on the original submission, due at once (a status event by nobody).

    One read along the case_hold_due index splits the held cases past due into ranges of
    `batch_size` (by hold due time and id); each range is then moved in a transaction of its
    own under its rows' locks (a case another transaction holds is left for the next run, as
    is one already moved). A range that fails is retried case by case, so one case's failure
    does not stop the others. Each range reads only its own cases: a batch that looked for
    "the next 1,000 after the last one" read every case left after it, and the sweep's time
    grew with the square of the cases.

    The ranges are shared out among `shares` threads, each on its own database connection at
    the same time: PostgreSQL does the work, and two connections moved 100,000 cases in three
    quarters of the time one took. Called inside a transaction (which other connections could
    not see), the sweep runs in it, on this connection. Returns how many went back to the
    queue."""
    ranges = _held_past_due_ranges(now=now, batch_size=batch_size)
    shares = min(shares, len(ranges))
    if shares <= 1 or connection.in_atomic_block:
        return _ranges_expire(ranges, now=now)
    with ThreadPoolExecutor(max_workers=shares, thread_name_prefix="holds-expire") as pool:
        futures = [
            pool.submit(_ranges_expire_on_its_connection, ranges[number::shares], now=now)
            for number in range(shares)
        ]
        return sum(future.result() for future in futures)


# Every batch_size-th held case past due, in (hold due time, id) order: where each range ends.
_RANGE_ENDS_SQL = """
SELECT hold_due_at, id FROM (
    SELECT hold_due_at, id, row_number() OVER (ORDER BY hold_due_at, id) AS place
    FROM {case} WHERE status = %(hold)s AND hold_due_at <= %(now)s
) held
WHERE place %% %(batch_size)s = 0
ORDER BY hold_due_at, id
"""
_END_OF_TIME = (dt.datetime.max.replace(tzinfo=dt.UTC), 2**63 - 1)


def _held_past_due_ranges(*, now: dt.datetime, batch_size: int) -> list[KeyRange]:
    """Ranges of about `batch_size` held cases past due each, from the beginning of time to the
    end (the last takes whatever is left)."""
    with connection.cursor() as cursor:
        # The table name comes from the model, never from input.
        cursor.execute(
            _RANGE_ENDS_SQL.format(case=Case._meta.db_table),
            {"hold": Case.Status.HOLD.value, "now": now, "batch_size": batch_size},
        )
        ends = [tuple(row) for row in cursor.fetchall()]
    starts, lasts = [(_BEGINNING, 0), *ends], [*ends, _END_OF_TIME]
    return [KeyRange(after, last) for after, last in zip(starts, lasts, strict=True)]


def _ranges_expire_on_its_connection(ranges: list[KeyRange], *, now: dt.datetime) -> int:
    try:
        return _ranges_expire(ranges, now=now)
    finally:
        # The thread's own connection, opened by its first query.
        connection.close()


def _ranges_expire(ranges: list[KeyRange], *, now: dt.datetime) -> int:
    expired = 0
    for key_range in ranges:
        try:
            with transaction.atomic():
                expired += _range_expire(key_range, now=now)
        except Exception:
            logger.exception("Holds past due: a batch failed, retrying its cases one by one")
            expired += _back_to_queue_one_by_one(_held_past_due_in(key_range, now=now), now=now)
    return expired


# One statement per range (PostgreSQL does the work, not Python): lock the range's held cases
# past due (skipping rows other transactions hold), move them back to review, write their
# status events, and answer how many moved.
_EXPIRE_SQL = """
WITH locked AS (
    SELECT id FROM {case}
    WHERE status = %(hold)s AND hold_due_at <= %(now)s
      AND (hold_due_at, id) > (%(after_due)s, %(after_id)s)
      AND (hold_due_at, id) <= (%(last_due)s, %(last_id)s)
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
SELECT count(*) FROM moved
"""


def _range_expire(key_range: KeyRange, *, now: dt.datetime) -> int:
    """Move the range's held cases past due back to the queue; how many moved."""
    (after_due, after_id), (last_due, last_id) = key_range
    params = {
        "hold": Case.Status.HOLD.value,
        "in_review": Case.Status.IN_REVIEW.value,
        "now": now,
        "after_due": after_due,
        "after_id": after_id,
        "last_due": last_due,
        "last_id": last_id,
        "reason": EXPIRED_REASON,
    }
    tables = {"case": Case._meta.db_table, "event": StatusEvent._meta.db_table}
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        cursor.execute(_EXPIRE_SQL.format(**tables), params)
        return cursor.fetchone()[0]


def _held_past_due_in(key_range: KeyRange, *, now: dt.datetime) -> list[int]:
    """The ids of the range's held cases past due, not locked."""
    (after_due, after_id), (last_due, last_id) = key_range
    after = Q(hold_due_at__gt=after_due) | Q(hold_due_at=after_due, pk__gt=after_id)
    up_to_last = Q(hold_due_at__lt=last_due) | Q(hold_due_at=last_due, pk__lte=last_id)
    cases = Case.objects.filter(after, up_to_last, status=Case.Status.HOLD, hold_due_at__lte=now)
    return list(cases.order_by("hold_due_at", "pk").values_list("pk", flat=True))


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
