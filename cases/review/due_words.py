"""A due time in words, for the Medical Review Queue and the case screen alike: overdue once
it has come, "Due within 24 hours" in the 24 hours before it (the window in which the queue's
lead is warned), and the time left or past: in full on the case screen ("2 days 4 hours left",
"Overdue by 3 minutes"), short in the queue's narrow column ("2 d 4 h left")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.review.due import WARNING_WINDOW

DUE_SOON = WARNING_WINDOW
OVERDUE = "overdue"
SOON = "soon"
DUE_SOON_TEXT = "Due within 24 hours"
OVERDUE_TEXT = "Overdue"

_UNITS = {"day": "d", "hour": "h", "minute": "min"}


@dataclass(frozen=True)
class DueTime:
    """A due time seen at `now`: the time left (negative once overdue), its state and words."""

    at: dt.datetime
    now: dt.datetime

    @property
    def left(self) -> dt.timedelta:
        return self.at - self.now

    @property
    def is_overdue(self) -> bool:
        return self.left <= dt.timedelta(0)

    @property
    def is_soon(self) -> bool:
        return not self.is_overdue and self.left < DUE_SOON

    @property
    def state(self) -> str:
        """ "overdue", "soon" (within the 24 hours before it) or "" (the page's markers)."""
        if self.is_overdue:
            return OVERDUE
        return SOON if self.is_soon else ""

    @property
    def state_text(self) -> str:
        return {OVERDUE: OVERDUE_TEXT, SOON: DUE_SOON_TEXT}.get(self.state, "")

    @property
    def left_text(self) -> str:
        """In full, never less than a minute: "1 day 1 hour left", "Overdue by 3 minutes"."""
        return self._words(short=False)

    @property
    def left_short(self) -> str:
        """Short, the two largest units even when 0: "1 d 0 h left", "Overdue by 0 min"."""
        return self._words(short=True)

    def _words(self, *, short: bool) -> str:
        span = span_words(abs(self.left), short=short)
        return f"Overdue by {span}" if self.is_overdue else f"{span} left"


def span_words(span: dt.timedelta, *, short: bool = False) -> str:
    """A time span in days and hours, hours and minutes, or minutes."""
    minutes = int(span.total_seconds() // 60)
    if not short:
        # Under a minute counts as one: "0 minutes left" would read as overdue.
        minutes = max(1, minutes)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        parts = [(days, "day"), (hours, "hour")]
    elif hours:
        parts = [(hours, "hour"), (minutes, "minute")]
    else:
        parts = [(minutes, "minute")]
    if short:
        return " ".join(f"{n} {_UNITS[unit]}" for n, unit in parts)
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)


def due_state(due_at: dt.datetime | None, now: dt.datetime) -> str:
    return DueTime(at=due_at, now=now).state if due_at else ""


def time_left(due_at: dt.datetime | None, now: dt.datetime) -> str:
    """The queue's short words for the time left; "" without a due time."""
    return DueTime(at=due_at, now=now).left_short if due_at else ""


__all__ = [
    "DUE_SOON",
    "DUE_SOON_TEXT",
    "OVERDUE",
    "OVERDUE_TEXT",
    "SOON",
    "DueTime",
    "due_state",
    "span_words",
    "time_left",
]
