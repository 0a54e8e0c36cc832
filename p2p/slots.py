"""The open 15-minute slots of the reviewing physicians: their weekly hours in their own time
zone, less their exceptions, the slots already booked, the past and what is after the cases'
deadline; and the week view that shows them in the office user's zone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from p2p.models import Appointment, AvailabilityException, ReviewingPhysician, WeeklyHours
from p2p.models.physicians import SLOT_MINUTES

SLOT = dt.timedelta(minutes=SLOT_MINUTES)
WEEK = dt.timedelta(days=7)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _local(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The wall time in the zone, or None when the clocks skip it (the hour lost in March)."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def minutes_of(moment: dt.datetime) -> int:
    """Whole minutes since the epoch (slots start on whole minutes)."""
    return int((moment - EPOCH).total_seconds()) // 60


def moment_of(minutes: int) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=minutes)


def physician_slot_minutes(
    physician: ReviewingPhysician, *, first_day: dt.date, last_day: dt.date
) -> list[int]:
    """Every slot start (minutes since the epoch, UTC) of the physician's weekly hours on the
    days first_day..last_day of their own zone, less their exceptions (as physicians_with_hours
    loads them), in order. A wall time the clocks skip has no slot; one they
    repeat (November) has one, the first.

    A period whose first and last slots exist (the clocks skip neither) with the same UTC
    offset has no clock change in it (a change moves the offset): its slots are a plain
    series. A period with the change is walked slot by slot."""
    zone = ZoneInfo(physician.time_zone)
    hours = physician.slot_hours
    exceptions = physician.slot_exceptions
    found: list[int] = []
    day = first_day
    while day <= last_day:
        for weekday, starts, ends in hours:
            if weekday != day.weekday():
                continue
            first = dt.datetime.combine(day, starts)
            last = dt.datetime.combine(day, ends) - SLOT
            if last < first:
                continue
            steady = first.replace(tzinfo=zone).utcoffset() == last.replace(tzinfo=zone).utcoffset()
            if steady and _local(first, zone) and _local(last, zone):
                start = minutes_of(first.replace(tzinfo=zone))
                count = (last - first) // SLOT + 1
                if not exceptions:
                    found.extend(range(start, start + count * SLOT_MINUTES, SLOT_MINUTES))
                    continue
                for n in range(count):
                    if not any(e.covers(first + n * SLOT) for e in exceptions):
                        found.append(start + n * SLOT_MINUTES)
                continue
            naive = first
            while naive <= last:
                local = _local(naive, zone)
                if local is not None and not any(e.covers(naive) for e in exceptions):
                    found.append(minutes_of(local))
                naive += SLOT
        day += dt.timedelta(days=1)
    return found


def physician_slot_starts(
    physician: ReviewingPhysician, *, first_day: dt.date, last_day: dt.date
) -> Iterator[dt.datetime]:
    """physician_slot_minutes as moments (UTC)."""
    for minutes in physician_slot_minutes(physician, first_day=first_day, last_day=last_day):
        yield moment_of(minutes)


def physicians_with_hours(
    physicians: QuerySet[ReviewingPhysician], *, first_day: dt.date, last_day: dt.date
) -> list[ReviewingPhysician]:
    """The active ones of `physicians` with their user and what the slots read: their weekly
    hours (slot_hours: (weekday, starts, ends) in order) and the exceptions of the days, a day
    either side for the zones' differences (slot_exceptions). Three queries, whatever their
    number: rows, not model objects, for the hours (a week view reads hundreds)."""
    chosen = list(physicians.filter(is_active=True).select_related("user"))
    ids = [physician.pk for physician in chosen]
    hours: dict[int, list[tuple]] = defaultdict(list)
    rows = WeeklyHours.objects.filter(physician_id__in=ids).order_by("weekday", "starts")
    for physician_id, *period in rows.values_list("physician_id", "weekday", "starts", "ends"):
        hours[physician_id].append(tuple(period))
    exceptions: dict[int, list[AvailabilityException]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        physician_id__in=ids,
        day__gte=first_day - dt.timedelta(days=1),
        day__lte=last_day + dt.timedelta(days=1),
    ):
        exceptions[exception.physician_id].append(exception)
    for physician in chosen:
        physician.slot_hours = periods_merged(hours[physician.pk])
        physician.slot_exceptions = exceptions[physician.pk]
    return chosen


def periods_merged(periods: list[tuple]) -> list[tuple]:
    """(weekday, starts, ends) periods in order, those that overlap or touch on a weekday made
    one (hours entered twice, or overlapping, must not offer a time twice)."""
    merged: list[tuple] = []
    for weekday, starts, ends in periods:
        if merged and merged[-1][0] == weekday and starts <= merged[-1][2]:
            if ends > merged[-1][2]:
                merged[-1] = (weekday, merged[-1][1], ends)
            continue
        merged.append((weekday, starts, ends))
    return merged


def booked_slots(*, starts: dt.datetime, ends: dt.datetime) -> set[tuple[int, dt.datetime]]:
    """(physician id, start) of every scheduled appointment from `starts` to before `ends`."""
    return set(
        Appointment.objects.filter(
            status=Appointment.Status.SCHEDULED, starts_at__gte=starts, starts_at__lt=ends
        ).values_list("physician_id", "starts_at")
    )


def skilled_physicians(program_ids: Iterable[int]) -> set[int]:
    """The ids of the physicians with a specialty matching one of the programs (one query)."""
    return set(
        ReviewingPhysician.objects.filter(specialties__programs__in=list(program_ids))
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class PhysicianWeek:
    """One physician's open slots in the week: per day, Monday to Sunday of the viewer's zone,
    their starts in minutes since the epoch (UTC)."""

    physician: ReviewingPhysician
    skill_match: bool
    minutes: tuple[tuple[int, ...], ...]

    @property
    def days(self) -> tuple[tuple[dt.datetime, ...], ...]:
        return tuple(tuple(moment_of(m) for m in day) for day in self.minutes)

    @property
    def has_slots(self) -> bool:
        return any(self.minutes)


@dataclass(frozen=True)
class Week:
    monday: dt.date
    zone_name: str
    physicians: tuple[PhysicianWeek, ...]

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(7)]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


def _viewer_shift(zone: ZoneInfo, starts: dt.datetime, ends: dt.datetime) -> int | None:
    """Minutes to add to a slot's (since the epoch) to count them from the viewer's Monday
    00:00, when the zone's offset is the same all week (else None: each slot is converted)."""
    offset = starts.utcoffset()
    if offset != (ends - dt.timedelta(minutes=1)).utcoffset():
        return None
    return int(offset.total_seconds()) // 60 - minutes_of(starts.replace(tzinfo=dt.UTC))


def week_open_slots(
    *,
    monday: dt.date,
    zone_name: str,
    program_ids: Iterable[int],
    now: dt.datetime,
    deadline: dt.datetime | None,
    physicians: QuerySet[ReviewingPhysician] | None = None,
    weekdays: frozenset[int] | None = None,
    hours: frozenset[int] | None = None,
) -> Week:
    """The week view: for each active physician with an open slot in the week (Monday to
    Sunday in the viewer's zone), the slots after `now` and before `deadline`, not booked;
    physicians whose specialty matches one of the programs first ("1st Priority by Skill"),
    then by name. `weekdays` (0 is Monday) and `hours` (0 to 23), in the viewer's zone, keep
    only the slots starting on those days and in those hours ("Preferred Days", "Preferred
    Times"). A constant number of queries whatever the number of physicians; the slots are
    counted in whole minutes (a week of 50 physicians' slots is some 17,000)."""
    zone = ZoneInfo(zone_name)
    starts = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    ends = dt.datetime.combine(monday + WEEK, dt.time(), tzinfo=zone)
    # The physicians' own days that overlap the viewer's week.
    first_day, last_day = monday - dt.timedelta(days=1), monday + WEEK
    chosen = physicians if physicians is not None else ReviewingPhysician.objects.all()
    booked: dict[int, set[int]] = defaultdict(set)
    for physician_id, start in booked_slots(starts=starts, ends=ends):
        booked[physician_id].add(minutes_of(start))
    # Open: from the week's start and after now, before its end and the deadline.
    low = max(minutes_of(starts), minutes_of(now) + 1)
    high = minutes_of(ends)
    if deadline is not None:
        high = min(high, -(-int((deadline - EPOCH).total_seconds()) // 60))
    shift = _viewer_shift(zone, starts, ends)
    skilled = skilled_physicians(program_ids)
    weekdays = frozenset(range(7)) if weekdays is None else weekdays
    hours = frozenset(range(24)) if hours is None else hours
    weeks = []
    for physician in physicians_with_hours(chosen, first_day=first_day, last_day=last_day):
        days: list[list[int]] = [[] for _ in range(7)]
        taken = booked.get(physician.pk, ())
        for minutes in physician_slot_minutes(physician, first_day=first_day, last_day=last_day):
            if minutes < low or minutes >= high or minutes in taken:
                continue
            if shift is not None:
                local = minutes + shift
                day, hour = local // 1440, local % 1440 // 60
            else:
                moment = moment_of(minutes).astimezone(zone)
                day, hour = (moment.date() - monday).days, moment.hour
            if day in weekdays and hour in hours:
                days[day].append(minutes)
        week = PhysicianWeek(
            physician=physician,
            skill_match=physician.pk in skilled,
            minutes=tuple(tuple(sorted(day)) for day in days),
        )
        if week.has_slots:
            weeks.append(week)
    weeks.sort(key=lambda w: (not w.skill_match, str(w.physician), w.physician.pk))
    return Week(monday=monday, zone_name=zone_name, physicians=tuple(weeks))


def slot_is_offered(physician: ReviewingPhysician, start: dt.datetime) -> bool:
    """Whether `start` is one of the physician's slots (their hours, not an exception); booked
    or not. Reads the prefetch of physicians_with_hours."""
    day = start.astimezone(ZoneInfo(physician.time_zone)).date()
    minutes = minutes_of(start)
    if moment_of(minutes) != start:
        return False
    return minutes in physician_slot_minutes(physician, first_day=day, last_day=day)
