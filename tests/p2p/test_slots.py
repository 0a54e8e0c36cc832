import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from p2p.models import Appointment, AvailabilityException, WeeklyHours
from p2p.slots import physician_slot_starts, physicians_with_hours, week_open_slots
from p2p.zones import TimeZone, moment_text, time_text
from tests.p2p.conftest import physician_make

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
PACIFIC = ZoneInfo("America/Los_Angeles")
MONDAY = dt.date(2026, 5, 18)
BEFORE_THE_WEEK = dt.datetime(2026, 5, 17, 8, 0, tzinfo=EASTERN)


def eastern(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=EASTERN)


def week(*, zone=TimeZone.EASTERN, monday=MONDAY, now=BEFORE_THE_WEEK, deadline=None, programs=()):
    return week_open_slots(
        monday=monday, zone_name=zone, program_ids=programs, now=now, deadline=deadline
    )


def slots_of(the_week, physician) -> list[list[dt.datetime]]:
    [row] = [row for row in the_week.physicians if row.physician.pk == physician.pk]
    return [list(day) for day in row.days]


def test_weekly_hours_are_cut_into_quarter_hour_slots_on_their_weekdays():
    physician = physician_make("Ames", hours={0: ("18:15", "19:00"), 2: ("09:00", "09:30")})

    days = slots_of(week(), physician)

    assert days[0] == [eastern(MONDAY, 18, 15), eastern(MONDAY, 18, 30), eastern(MONDAY, 18, 45)]
    assert days[1] == []
    assert days[2] == [
        eastern(MONDAY + dt.timedelta(2), 9),
        eastern(MONDAY + dt.timedelta(2), 9, 15),
    ]
    assert [time_text(start, TimeZone.EASTERN) for start in days[0]] == [
        "6:15 pm EDT",
        "6:30 pm EDT",
        "6:45 pm EDT",
    ]


def test_the_viewer_sees_the_physicians_times_in_their_own_zone_and_days():
    # 9:00 pm Pacific on Sunday is 12:00 am Eastern on Monday.
    physician = physician_make("Baker", zone=TimeZone.PACIFIC, hours={6: ("21:00", "21:15")})
    sunday_night = dt.datetime(2026, 5, 24, 21, 0, tzinfo=PACIFIC)

    pacific_days = slots_of(week(zone=TimeZone.PACIFIC), physician)
    eastern_week = week(monday=MONDAY + dt.timedelta(7))

    assert pacific_days[6] == [sunday_night]
    assert slots_of(eastern_week, physician)[0] == [sunday_night]
    assert time_text(sunday_night, TimeZone.EASTERN) == "12:00 am EDT"
    assert moment_text(sunday_night, TimeZone.PACIFIC) == "Sun 5/24/26 - 9:00 pm PDT"


def test_the_hour_the_clocks_skip_in_march_has_no_slots():
    # Sunday 8 March 2026: 2:00 am Eastern becomes 3:00 am.
    sunday = dt.date(2026, 3, 8)
    physician = physician_make("Cole", hours={6: ("01:30", "03:30")})

    days = slots_of(
        week(monday=dt.date(2026, 3, 2), now=eastern(sunday, 0) - dt.timedelta(7)), physician
    )

    texts = [time_text(start, TimeZone.EASTERN) for start in days[6]]
    assert texts == ["1:30 am EST", "1:45 am EST", "3:00 am EDT", "3:15 am EDT"]
    # Each slot a quarter of an hour after the one before, across the change: a viewer in the
    # Pacific zone (still on standard time) sees four slots in a row on Saturday evening.
    assert days[6][2] - days[6][1] == dt.timedelta(minutes=15)
    assert [time_text(s, TimeZone.PACIFIC) for s in days[6]] == [
        "10:30 pm PST",
        "10:45 pm PST",
        "11:00 pm PST",
        "11:15 pm PST",
    ]


def test_the_hour_the_clocks_repeat_in_november_has_its_slots_once():
    # Sunday 1 November 2026: 2:00 am Eastern becomes 1:00 am again.
    sunday = dt.date(2026, 11, 1)
    physician = physician_make("Dunn", hours={6: ("01:00", "02:00"), 0: ("09:00", "09:15")})

    days = slots_of(
        week(monday=dt.date(2026, 10, 26), now=eastern(sunday, 0) - dt.timedelta(7)), physician
    )
    next_monday = slots_of(week(monday=dt.date(2026, 11, 2), now=eastern(sunday, 0)), physician)

    texts = [time_text(start, TimeZone.EASTERN) for start in days[6]]
    assert texts == ["1:00 am EDT", "1:15 am EDT", "1:30 am EDT", "1:45 am EDT"]
    assert len(set(days[6])) == 4
    assert [time_text(s, TimeZone.EASTERN) for s in next_monday[0]] == ["9:00 am EST"]
    assert next_monday[0][0] == dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


def test_exceptions_take_out_a_whole_day_or_a_period():
    physician = physician_make("Ellis", hours={0: ("09:00", "10:00"), 1: ("09:00", "10:00")})
    AvailabilityException.objects.create(physician=physician, day=MONDAY, reason="Conference")
    AvailabilityException.objects.create(
        physician=physician,
        day=MONDAY + dt.timedelta(1),
        starts=dt.time(9, 15),
        ends=dt.time(9, 45),
    )

    days = slots_of(week(), physician)

    tuesday = MONDAY + dt.timedelta(1)
    assert days[0] == []
    assert days[1] == [eastern(tuesday, 9), eastern(tuesday, 9, 45)]


def test_booked_past_and_late_slots_are_not_offered(world):
    physician = physician_make("Fox", hours={0: ("09:00", "10:00")})
    Appointment.objects.create(
        office=world.office,
        requested_by=world.user,
        physician=physician,
        starts_at=eastern(MONDAY, 9, 15),
        time_zone=TimeZone.EASTERN,
        performer=Appointment.Performer.REQUESTING_PROVIDER,
        requesting_provider_name="Dr. Jane Doe",
        phone="6155550100",
    )
    Appointment.objects.create(
        office=world.office,
        requested_by=world.user,
        physician=physician,
        starts_at=eastern(MONDAY, 9, 30),
        time_zone=TimeZone.EASTERN,
        status=Appointment.Status.CANCELLED,
        performer=Appointment.Performer.REQUESTING_PROVIDER,
        requesting_provider_name="Dr. Jane Doe",
        phone="6155550100",
    )

    days = slots_of(week(now=eastern(MONDAY, 9), deadline=eastern(MONDAY, 9, 45)), physician)

    # 9:00 is now, 9:15 booked, 9:30 free again (cancelled), 9:45 the deadline.
    assert days[0] == [eastern(MONDAY, 9, 30)]


def test_physicians_whose_specialty_matches_the_program_come_first(world):
    others = [physician_make(name) for name in ("Adams", "Brown")]
    skilled = physician_make("Young", programs=[world.msk])
    idle = physician_make("Zeta", hours={})

    rows = week(programs=[world.msk.pk]).physicians

    assert [row.physician.pk for row in rows] == [skilled.pk, others[0].pk, others[1].pk]
    assert [row.skill_match for row in rows] == [True, False, False]
    assert idle.pk not in {row.physician.pk for row in rows}


def test_the_week_view_reads_the_same_queries_for_any_number_of_physicians(world):
    def queries_for(count: int) -> int:
        for n in range(count):
            physician_make(f"Query{count}-{n}", programs=[world.msk])
        with CaptureQueriesContext(connection) as queries:
            the_week = week(programs=[world.msk.pk])
        assert len(the_week.physicians) >= count
        return len(queries)

    assert queries_for(2) == queries_for(12)


def test_a_slot_is_found_by_its_physicians_day():
    physician = physician_make("Gray", zone=TimeZone.HAWAII, hours={4: ("16:00", "16:30")})
    [loaded] = physicians_with_hours(
        type(physician).objects.filter(pk=physician.pk),
        first_day=dt.date(2026, 5, 22),
        last_day=dt.date(2026, 5, 22),
    )
    starts = list(
        physician_slot_starts(loaded, first_day=dt.date(2026, 5, 22), last_day=dt.date(2026, 5, 22))
    )
    hawaii = ZoneInfo("Pacific/Honolulu")
    assert starts == [
        dt.datetime(2026, 5, 22, 16, 0, tzinfo=hawaii),
        dt.datetime(2026, 5, 22, 16, 15, tzinfo=hawaii),
    ]
    # Friday 4:00 pm in Hawaii is Friday 10:00 pm Eastern.
    assert time_text(starts[0], TimeZone.EASTERN) == "10:00 pm EDT"


def test_hours_that_end_in_the_hour_the_clocks_skip_stop_before_it():
    # Sunday 8 March 2026, hours 12:00 am to 3:00 am Eastern: 2:00 to 3:00 does not exist, so
    # the last slot is 1:45 am (none of 3:00 am EDT on, after the hours' end).
    physician = physician_make("Gap", hours={6: ("00:00", "03:00")})

    days = slots_of(
        week(monday=dt.date(2026, 3, 2), now=eastern(dt.date(2026, 3, 1), 0)), physician
    )

    texts = [time_text(start, TimeZone.EASTERN) for start in days[6]]
    assert texts[0] == "12:00 am EST" and texts[-1] == "1:45 am EST"
    assert len(texts) == 8


def test_overlapping_or_touching_hours_offer_each_time_once_in_order():
    physician = physician_make("Ames", hours={0: ("09:00", "10:00")})
    # Entered before the check on overlaps (admin, an import): the same day twice over.
    WeeklyHours.objects.create(
        physician=physician, weekday=0, starts=dt.time(9, 30), ends=dt.time(10, 30)
    )
    WeeklyHours.objects.create(
        physician=physician, weekday=0, starts=dt.time(10, 30), ends=dt.time(10, 45)
    )

    [monday, *_] = slots_of(week(), physician)

    assert monday == [eastern(MONDAY, 9, 15 * n) for n in range(4)] + [
        eastern(MONDAY, 10, 15 * n) for n in range(3)
    ]
