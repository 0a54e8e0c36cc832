"""My P2P Hours: the physician's time zone, weekly hours and exceptions, set in the portal."""

import datetime as dt

import pytest
from django.urls import reverse

from p2p.models import AvailabilityException, ReviewingPhysician, WeeklyHours
from p2p.models.physicians import HOURS_END_BEFORE_START, HOURS_OVERLAP, SLOT_NOT_ON_QUARTER
from tests.p2p.conftest import physician_make

pytestmark = pytest.mark.django_db

URL = reverse("p2p:hours")


def hours_data(physician, *rows, exceptions=(), zone="America/Chicago") -> dict:
    """The page's POST: every existing weekly period kept as it is, then `rows` added."""
    existing = list(WeeklyHours.objects.filter(physician=physician).order_by("pk"))
    data = {
        "time_zone": zone,
        "hours-TOTAL_FORMS": str(len(existing) + len(rows)),
        "hours-INITIAL_FORMS": str(len(existing)),
        "exceptions-TOTAL_FORMS": str(len(exceptions)),
        "exceptions-INITIAL_FORMS": "0",
    }
    for n, period in enumerate(existing):
        data |= {
            f"hours-{n}-id": str(period.pk),
            f"hours-{n}-weekday": str(period.weekday),
            f"hours-{n}-starts": f"{period.starts:%H:%M}",
            f"hours-{n}-ends": f"{period.ends:%H:%M}",
        }
    for n, (weekday, starts, ends) in enumerate(rows, start=len(existing)):
        data |= {
            f"hours-{n}-weekday": str(weekday),
            f"hours-{n}-starts": starts,
            f"hours-{n}-ends": ends,
        }
    for n, (day, reason) in enumerate(exceptions):
        data |= {f"exceptions-{n}-day": day, f"exceptions-{n}-reason": reason}
    return data


@pytest.fixture
def doctor(client):
    physician = physician_make("Fackler", hours={0: ("09:00", "10:00")})
    client.force_login(physician.user)
    return physician


def test_the_physician_adds_hours_an_exception_and_a_time_zone(client, doctor):
    response = client.post(
        URL, hours_data(doctor, (5, "08:00", "12:00"), exceptions=[("2026-12-24", "Holiday")])
    )

    assert response["Location"] == URL
    doctor.refresh_from_db()
    assert doctor.time_zone == "America/Chicago"
    assert [str(h) for h in WeeklyHours.objects.filter(physician=doctor)] == [
        "Monday 09:00-10:00",
        "Saturday 08:00-12:00",
    ]
    exception = AvailabilityException.objects.get(physician=doctor)
    assert exception.day == dt.date(2026, 12, 24) and exception.reason == "Holiday"
    assert "Your P2P hours were saved." in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("row", "message"),
    [((1, "12:00", "09:00"), HOURS_END_BEFORE_START), ((1, "09:10", "10:00"), SLOT_NOT_ON_QUARTER)],
)
def test_hours_that_make_no_slots_are_refused_and_nothing_is_saved(client, doctor, row, message):
    response = client.post(URL, hours_data(doctor, row))

    assert response.status_code == 200
    assert message in response.content.decode()
    doctor.refresh_from_db()
    assert doctor.time_zone == "America/New_York"
    assert WeeklyHours.objects.filter(physician=doctor).count() == 1


def test_a_period_is_removed(client, doctor):
    data = hours_data(doctor)
    data["hours-0-DELETE"] = "on"

    client.post(URL, data)

    assert not WeeklyHours.objects.filter(physician=doctor).exists()


def test_another_physicians_hours_cannot_be_changed(client, doctor):
    other = physician_make("Other", hours={2: ("13:00", "14:00")})
    theirs = WeeklyHours.objects.get(physician=other)
    data = hours_data(doctor)
    data["hours-0-id"] = str(theirs.pk)
    data["hours-0-starts"] = "07:00"

    client.post(URL, data)

    # Their period is untouched: an id outside the physician's own hours is not theirs to edit.
    theirs.refresh_from_db()
    assert f"{theirs.starts:%H:%M}" == "13:00" and theirs.physician == other
    assert WeeklyHours.objects.filter(physician=other).count() == 1


def test_office_users_and_reviewers_without_hours_have_no_hours_page(client, world):
    client.force_login(world.user)
    assert client.get(URL).status_code == 404
    nurse = physician_make("Nurse").user
    ReviewingPhysician.objects.filter(user=nurse).delete()
    client.force_login(nurse)
    assert client.get(URL).status_code == 404


def test_overlapping_hours_are_refused_next_to_the_later_period(client, doctor):
    response = client.post(URL, hours_data(doctor, (0, "09:45", "11:00"), (1, "09:00", "10:00")))

    assert response.status_code == 200
    assert HOURS_OVERLAP.format(weekday="Monday", starts="09:00", ends="10:00") in (
        response.content.decode()
    )
    assert 'value="09:45"' in response.content.decode()
    assert WeeklyHours.objects.filter(physician=doctor).count() == 1

    # Touching hours are two periods of one afternoon, not an overlap.
    touching = client.post(URL, hours_data(doctor, (0, "10:00", "11:00")))
    assert touching["Location"] == URL
    assert WeeklyHours.objects.filter(physician=doctor).count() == 2


def test_each_period_inside_a_longer_one_is_refused_at_once(client, doctor):
    # Monday 9:00 to 10:00 exists; 9:30 to 17:00 overlaps it and swallows the two others.
    rows = [(0, "09:30", "17:00"), (0, "10:00", "11:00"), (0, "12:00", "13:00")]

    response = client.post(URL, hours_data(doctor, *rows))

    page = response.content.decode()
    assert page.count(HOURS_OVERLAP.format(weekday="Monday", starts="09:00", ends="10:00")) == 1
    assert page.count(HOURS_OVERLAP.format(weekday="Monday", starts="09:30", ends="17:00")) == 2
    assert WeeklyHours.objects.filter(physician=doctor).count() == 1
