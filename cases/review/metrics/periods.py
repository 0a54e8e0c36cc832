"""The periods the metrics are counted by: a calendar year, quarter or month, or the days from
one date to another, in the portal's time zone. A period is a half-open range of instants
[start, end): a decision made at midnight that starts a day counts in that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

# How far back the period choice reaches (older figures: the From and To dates).
YEARS_BACK = 5
QUARTERS_BACK = 8
MONTHS_BACK = 13


@dataclass(frozen=True)
class Period:
    first_day: dt.date
    last_day: dt.date
    label: str

    @property
    def start(self) -> dt.datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        return _midnight(self.last_day + dt.timedelta(days=1))

    @property
    def slug(self) -> str:
        """For the CSV's file name."""
        return f"{self.first_day:%Y%m%d}-{self.last_day:%Y%m%d}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def portal_date(now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}")


def quarter_period(year: int, quarter: int) -> Period:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = _month_after(dt.date(year, 3 * quarter, 1)) - dt.timedelta(days=1)
    return Period(first, last, f"Q{quarter} {year} ({first:%b} to {last:%b})")


def month_period(year: int, month: int) -> Period:
    first = dt.date(year, month, 1)
    return Period(first, _month_after(first) - dt.timedelta(days=1), f"{first:%B %Y}")


def dates_period(first_day: dt.date, last_day: dt.date) -> Period:
    return Period(first_day, last_day, f"{first_day:%m/%d/%Y} to {last_day:%m/%d/%Y}")


def _month_after(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def last_full_quarter(today: dt.date) -> Period:
    """The default: the last calendar quarter that has ended."""
    quarter = (today.month - 1) // 3 + 1
    if quarter == 1:
        return quarter_period(today.year - 1, 4)
    return quarter_period(today.year, quarter - 1)


def period_choices(today: dt.date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The period select's choices, grouped, newest first: years ("2026"), quarters
    ("2026-Q3"), months ("2026-07"), the current (unfinished) ones included."""
    quarter = (today.month - 1) // 3 + 1
    quarters = []
    year = today.year
    for _ in range(QUARTERS_BACK):
        # Short in the select; the page's heading names the months.
        quarters.append((f"{year}-Q{quarter}", f"Q{quarter} {year}"))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    months = []
    year, month = today.year, today.month
    for _ in range(MONTHS_BACK):
        months.append((f"{year}-{month:02d}", month_period(year, month).label))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    years = [(str(year), str(year)) for year in range(today.year, today.year - YEARS_BACK, -1)]
    return [("Quarters", quarters), ("Months", months), ("Years", years)]


def period_of(key: str) -> Period:
    """The period of a choice's key ("2026", "2026-Q3", "2026-07"); ValueError otherwise."""
    year, _, part = key.partition("-")
    if not year.isdigit() or len(year) != 4:
        raise ValueError(key)
    if not part:
        return year_period(int(year))
    if part[0] == "Q" and part[1:] in ("1", "2", "3", "4"):
        return quarter_period(int(year), int(part[1:]))
    if part.isdigit() and len(part) == 2 and 1 <= int(part) <= 12:
        return month_period(int(year), int(part))
    raise ValueError(key)


def default_period_key(today: dt.date) -> str:
    """The default period's choice key: the last calendar quarter that has ended."""
    period = last_full_quarter(today)
    return f"{period.first_day.year}-Q{(period.first_day.month - 1) // 3 + 1}"
