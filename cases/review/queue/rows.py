"""A case as a row of the Medical Review Queue: each cell's text, its due-time marker and its
status as reviewers see it, made once in Python (the template only prints them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.review.due_words import DueTime

Status = Case.Status
Level = Case.ReviewLevel

_ANY_ID = UUID(int=0)


def _day_and_time(value: dt.datetime | None) -> tuple[str, str]:
    """The day and the time in the portal's time zone, as 11/23/2026 and 4:05 PM (Django's
    "m/d/Y" and "g:i A" written out: the date filter per cell was a fifth of the page's
    time)."""
    if value is None:
        return "", ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{local:%m/%d/%Y}", f"{hour}:{local.minute:02d} {noon}"


def _day(value: dt.datetime | None) -> str:
    return _day_and_time(value)[0]


def reviewer_status(case: Case) -> tuple[str, tuple[str, ...]]:
    """The status as reviewers see it and its markers: a hold with its due date; in review,
    the level of review (a reconsideration, an appeal, a retrospective review) or
    "Information received" when the office answered a hold; plus "Decide on original
    submission" and "Needs medical director"."""
    level = case.review_level if case.review_level != Level.INITIAL else ""
    level_label = Level(level).label if level in Level.values else ""
    markers: list[str] = []
    if case.status == Status.HOLD:
        due = _day(case.hold_due_at)
        label = f"Hold (due {due})" if due else "Hold"
        if level_label:
            markers.append(level_label)
    elif level_label:
        label = level_label
        if case.information_received_at:
            markers.append("Information received")
    elif case.information_received_at:
        label = "Information received"
    else:
        label = "In review"
    if case.decide_on_original:
        markers.append("Decide on original submission")
    if case.needs_medical_director:
        markers.append("Needs medical director")
    return label, tuple(markers)


def _person(last_name: str | None, first_name: str | None) -> str:
    return f"{last_name}, {first_name}" if last_name is not None else ""


def _assignee(case: Case, user: User) -> str:
    if case.assigned_to_id is None:
        return "Unassigned"
    if case.assigned_to_id == user.pk:
        return "Me"
    # As User.get_full_name, then the username.
    full_name = f"{case.assignee_first_name or ''} {case.assignee_last_name or ''}".strip()
    return full_name or case.assignee_username or ""


@dataclass(frozen=True)
class QueueRow:
    public_id: UUID
    url: str
    release_url: str
    case_number: str
    is_urgent: bool
    urgency: str
    received: str
    received_time: str
    due: str
    due_time: str
    time_left: str
    due_state: str
    due_text: str
    # The row's, the due cell's and the due badge's classes for the due state (none, "soon"
    # or "overdue").
    row_class: str
    due_cell_class: str
    due_badge_class: str
    program: str
    procedure_code: str
    procedure: str
    plan: str
    line_of_business: str
    member: str
    ordering_provider: str
    status: str
    markers: tuple[str, ...]
    assigned: str
    mine: bool


_ROW_CLASSES = {"overdue": "portal-queue-overdue", "soon": "portal-queue-due-soon"}
_DUE_CELL_CLASSES = {"overdue": "table-danger", "soon": "table-warning"}
_DUE_BADGE_CLASSES = {
    "overdue": "text-bg-danger portal-due-overdue",
    "soon": "text-bg-warning portal-due-soon",
}


class _Links:
    """A case's URL by replacing the id in one reversed URL (a reverse() per row costs more than
    the rest of the row)."""

    def __init__(self, name: str):
        self.pattern = reverse(name, kwargs={"public_id": _ANY_ID})

    def __call__(self, public_id: UUID) -> str:
        return self.pattern.replace(str(_ANY_ID), str(public_id))


def queue_rows(cases: Iterable[Case], *, user: User, now: dt.datetime) -> list[QueueRow]:
    """The rows of the queue's page as `user` sees them at `now` (cases read by
    selectors.queue_rows_of, with their names); each case number leads to the case screen."""
    case_screen = _Links("cases:review-case")
    release = _Links("cases:review-release")
    rows = []
    for case in cases:
        code = case.procedure_code
        description = case.procedure_description or ""
        status, markers = reviewer_status(case)
        due = DueTime(at=case.due_at, now=now) if case.due_at else None
        state = due.state if due else ""
        received, received_time = _day_and_time(case.submitted_at)
        due_day, due_time = _day_and_time(case.due_at)
        rows.append(
            QueueRow(
                public_id=case.public_id,
                url=case_screen(case.public_id),
                release_url=release(case.public_id),
                case_number=case.case_number or "",
                is_urgent=case.is_urgent,
                urgency="Urgent" if case.is_urgent else "Standard",
                received=received,
                received_time=received_time,
                due=due_day,
                due_time=due_time,
                time_left=due.left_short if due else "",
                due_state=state,
                due_text=due.state_text if due else "",
                row_class=_ROW_CLASSES.get(state, ""),
                due_cell_class=_DUE_CELL_CLASSES.get(state, ""),
                due_badge_class=_DUE_BADGE_CLASSES.get(state, ""),
                program=case.program_name,
                procedure_code=code or "",
                procedure=description if code else "",
                plan=case.plan_name or "",
                line_of_business=case.line_of_business_name or "",
                member=_person(case.member_last_name, case.member_first_name),
                ordering_provider=_person(
                    case.practitioner_last_name, case.practitioner_first_name
                ),
                status=status,
                markers=markers,
                assigned=_assignee(case, user),
                mine=case.assigned_to_id == user.pk,
            )
        )
    return rows
