"""One way to word a due time (cases.review.due_words), used by the queue and the case screen:
the same state at the same clock, in full on the screen and short in the queue's column."""

import datetime as dt

import pytest

from cases.review.due import WARNING_WINDOW
from cases.review.due_words import DUE_SOON, DueTime

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "left, state, state_text, full, short",
    [
        (dt.timedelta(days=2, hours=4), "", "", "2 days 4 hours left", "2 d 4 h left"),
        (dt.timedelta(days=1), "", "", "1 day left", "1 d 0 h left"),
        (
            dt.timedelta(hours=23, minutes=1),
            "soon",
            "Due within 24 hours",
            "23 hours 1 minute left",
            "23 h 1 min left",
        ),
        (dt.timedelta(seconds=30), "soon", "Due within 24 hours", "1 minute left", "0 min left"),
        (dt.timedelta(0), "overdue", "Overdue", "Overdue by 1 minute", "Overdue by 0 min"),
        (
            -dt.timedelta(days=3, minutes=10),
            "overdue",
            "Overdue",
            "Overdue by 3 days",
            "Overdue by 3 d 0 h",
        ),
    ],
)
def test_one_due_time_in_full_and_short_words(left, state, state_text, full, short):
    due = DueTime(at=NOW + left, now=NOW)
    assert (due.state, due.state_text, due.left_text, due.left_short) == (
        state,
        state_text,
        full,
        short,
    )


def test_due_soon_is_the_window_the_queues_lead_is_warned_in():
    assert DUE_SOON == WARNING_WINDOW == dt.timedelta(hours=24)
