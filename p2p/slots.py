"""The open 15-minute slots of the reviewing physicians: their weekly hours in their own time
zone, less their exceptions, the slots already booked, the past and what is after the cases'
deadline; and the week view that shows them in the office user's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet

from p2p.models import Appointment, AvailabilityException, ReviewingPhysician
from p2p.models.physicians import SLOT_MINUTES

SLOT = dt.timedelta(minutes=SLOT_MINUTES)
WEEK = dt.timedelta(days=7)


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _local(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime | None:
    """The wall time in the zone, or None when the clocks skip it (the hour lost in March)."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def physician_slot_starts(
    physician: ReviewingPhysician, *, first_day: dt.date, last_day: dt.date
) -> Iterator[dt.datetime]:
    """Every slot start of the physician's weekly hours on the days first_day..last_day of
    their own zone, less their exceptions (reads the prefetched weekly_hours and exceptions),
    in order. A wall time the clocks skip has no slot; one they repeat (November) has one, the
    first."""
    zone = ZoneInfo(physician.time_zone)
    hours = sorted(physician.weekly_hours.all(), key=lambda h: (h.weekday, h.starts))
    exceptions = list(physician.exceptions.all())
    day = first_day
    while day <= last_day:
        for period in (h for h in hours if h.weekday == day.weekday()):
            naive = dt.datetime.combine(day, period.starts)
            period_ends = dt.datetime.combine(day, period.ends)
            while naive + SLOT <= period_ends:
                local = _local(naive, zone)
                if local is not None and not any(e.covers(local) for e in exceptions):
                    yield local.astimezone(dt.UTC)
                naive += SLOT
        day += dt.timedelta(days=1)


def physicians_with_hours(
    physicians: QuerySet[ReviewingPhysician], *, first_day: dt.date, last_day: dt.date
) -> QuerySet[ReviewingPhysician]:
    """Active physicians with what the slots read: their user, weekly hours, the exceptions of
    the days (a day either side, for the zones' differences) and their specialties' programs."""
    return (
        physicians.filter(is_active=True)
        .select_related("user")
        .prefetch_related(
            "weekly_hours",
            Prefetch(
                "exceptions",
                queryset=AvailabilityException.objects.filter(
                    day__gte=first_day - dt.timedelta(days=1),
                    day__lte=last_day + dt.timedelta(days=1),
                ),
            ),
            "specialties__programs",
        )
    )


def booked_slots(*, starts: dt.datetime, ends: dt.datetime) -> set[tuple[int, dt.datetime]]:
    """(physician id, start) of every scheduled appointment from `starts` to before `ends`."""
    return set(
        Appointment.objects.filter(
            status=Appointment.Status.SCHEDULED, starts_at__gte=starts, starts_at__lt=ends
        ).values_list("physician_id", "starts_at")
    )


def matches_skill(physician: ReviewingPhysician, program_ids: Iterable[int]) -> bool:
    """A specialty of the physician's matches a case's program (reads the prefetch)."""
    wanted = set(program_ids)
    return any(
        program.pk in wanted
        for specialty in physician.specialties.all()
        for program in specialty.programs.all()
    )


@dataclass(frozen=True)
class PhysicianWeek:
    """One physician's open slots in the week, a tuple of starts per day Monday to Sunday of
    the viewer's zone."""

    physician: ReviewingPhysician
    skill_match: bool
    days: tuple[tuple[dt.datetime, ...], ...]

    @property
    def has_slots(self) -> bool:
        return any(self.days)


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
    Times"). A constant number of queries whatever the number of physicians."""
    zone = ZoneInfo(zone_name)
    starts = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    ends = dt.datetime.combine(monday + WEEK, dt.time(), tzinfo=zone)
    # The physicians' own days that overlap the viewer's week.
    first_day, last_day = monday - dt.timedelta(days=1), monday + WEEK
    chosen = physicians if physicians is not None else ReviewingPhysician.objects.all()
    booked = booked_slots(starts=starts, ends=ends)
    program_ids = set(program_ids)
    weeks = []
    for physician in physicians_with_hours(chosen, first_day=first_day, last_day=last_day):
        days: list[list[dt.datetime]] = [[] for _ in range(7)]
        for start in physician_slot_starts(physician, first_day=first_day, last_day=last_day):
            if not starts <= start < ends or start <= now:
                continue
            if deadline is not None and start >= deadline:
                continue
            if (physician.pk, start) in booked:
                continue
            local = start.astimezone(zone)
            if weekdays is not None and local.weekday() not in weekdays:
                continue
            if hours is not None and local.hour not in hours:
                continue
            days[(local.date() - monday).days].append(start)
        week = PhysicianWeek(
            physician=physician,
            skill_match=matches_skill(physician, program_ids),
            days=tuple(tuple(sorted(day)) for day in days),
        )
        if week.has_slots:
            weeks.append(week)
    weeks.sort(key=lambda w: (not w.skill_match, str(w.physician), w.physician.pk))
    return Week(monday=monday, zone_name=zone_name, physicians=tuple(weeks))


def slot_is_offered(physician: ReviewingPhysician, start: dt.datetime) -> bool:
    """Whether `start` is one of the physician's slots (their hours, not an exception); booked
    or not. Reads the prefetch of physicians_with_hours."""
    day = start.astimezone(ZoneInfo(physician.time_zone)).date()
    return start in physician_slot_starts(physician, first_day=day, last_day=day)
