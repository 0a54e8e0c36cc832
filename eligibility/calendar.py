"""Business days: Monday to Friday, except US federal holidays (the `holidays` package, with
observed dates) and the ClosureDates administrators add."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays

from eligibility.models import ClosureDate


@cache
def _federal_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.US(years=year))


def closures_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """Every day between first and last (inclusive) that is not a business day for a reason
    other than the weekend: federal holidays and closure dates (one query)."""
    days = set(ClosureDate.objects.filter(date__range=(first, last)).values_list("date", flat=True))
    for year in range(first.year, last.year + 1):
        days.update(d for d in _federal_holidays(year) if first <= d <= last)
    return frozenset(days)


def business_day_nth(start: dt.date, n: int) -> dt.date:
    """The n-th business day counting `start` itself as the first when it is one:
    Monday's 2nd business day is Tuesday; Friday's is the next Monday."""
    if n < 1:
        raise ValueError("n counts from 1")
    # Enough days to hold n business days around a few holidays and closures.
    horizon = start + dt.timedelta(days=n * 2 + 14)
    closed = closures_between(start, horizon)
    day, counted = start, 0
    while True:
        if day.weekday() < 5 and day not in closed:
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)
        if day > horizon:  # an administrator closed a long stretch: widen the window
            horizon = day + dt.timedelta(days=n * 2 + 14)
            closed = closed | closures_between(day, horizon)
