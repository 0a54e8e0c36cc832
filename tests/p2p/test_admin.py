"""The P2P scheduler in Django admin: physicians with their weekly hours and exceptions set
there, appointments shown read-only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from p2p.letters import confirmation_letters_make
from p2p.models import AvailabilityException, ReviewingPhysician, WeeklyHours
from p2p.models.physicians import (
    EXCEPTION_PERIOD,
    HOURS_END_BEFORE_START,
    HOURS_OVERLAP,
    SLOT_NOT_ON_QUARTER,
)
from tests.cases.post_decision.conftest import decided
from tests.factories.accounts import UserFactory
from tests.p2p.conftest import physician_make
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db


def physician_form(user, **extra) -> dict:
    data = {
        "user": user.pk,
        "credential": "MD",
        "time_zone": "America/Chicago",
        "is_active": "on",
        "weekly_hours-TOTAL_FORMS": "1",
        "weekly_hours-INITIAL_FORMS": "0",
        "weekly_hours-0-weekday": "1",
        "weekly_hours-0-starts": "13:00",
        "weekly_hours-0-ends": "15:30",
        "exceptions-TOTAL_FORMS": "1",
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-0-day": "2026-12-24",
        "exceptions-0-reason": "Holiday",
    }
    return data | extra


def test_a_physician_is_set_up_with_hours_and_an_exception(admin_client_logged_in):
    user = UserFactory(last_name="Fackler")

    response = admin_client_logged_in.post(
        reverse("admin:p2p_reviewingphysician_add"), physician_form(user)
    )

    assert response.status_code == 302
    physician = ReviewingPhysician.objects.get(user=user)
    assert physician.time_zone == "America/Chicago"
    assert [str(hours) for hours in WeeklyHours.objects.filter(physician=physician)] == [
        "Tuesday 13:00-15:30"
    ]
    assert str(AvailabilityException.objects.get(physician=physician)) == "12/24/2026 (all day)"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"weekly_hours-0-ends": "12:00"}, HOURS_END_BEFORE_START),
        ({"weekly_hours-0-starts": "13:10"}, SLOT_NOT_ON_QUARTER),
        ({"exceptions-0-starts": "09:00"}, EXCEPTION_PERIOD),
        (
            {
                "weekly_hours-TOTAL_FORMS": "2",
                "weekly_hours-1-weekday": "1",
                "weekly_hours-1-starts": "15:00",
                "weekly_hours-1-ends": "16:00",
            },
            HOURS_OVERLAP.format(weekday="Tuesday", starts="13:00", ends="15:30"),
        ),
    ],
)
def test_hours_that_make_no_slots_are_refused_next_to_the_field(
    admin_client_logged_in, extra, message
):
    user = UserFactory(last_name="Fackler")

    response = admin_client_logged_in.post(
        reverse("admin:p2p_reviewingphysician_add"), physician_form(user, **extra)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewingPhysician.objects.filter(user=user).exists()


def test_the_scheduler_pages_open(admin_client_logged_in):
    physician = physician_make("Ames")
    for name in ("specialty", "reviewingphysician", "appointment", "schedulerpreference"):
        url = reverse(f"admin:p2p_{name}_changelist")
        assert admin_client_logged_in.get(url).status_code == 200
    change = reverse("admin:p2p_reviewingphysician_change", args=[physician.pk])
    assert "Monday" in admin_client_logged_in.get(change).content.decode()
    assert admin_client_logged_in.get(reverse("admin:p2p_appointment_add")).status_code == 403


def test_an_appointment_shows_its_bookings_and_their_letters(
    admin_client_logged_in, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    physician = physician_make("Ames")
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    appointment = book(world, physician, next_weekday_at(9, 15), case)
    change = reverse("admin:p2p_appointment_change", args=[appointment.pk])

    before = admin_client_logged_in.get(change).content.decode()
    [letter] = confirmation_letters_make(appointment.pk, now=timezone.now())
    after = admin_client_logged_in.get(change).content.decode()

    assert "Appointment confirmations" in before
    assert str(letter) not in before
    assert str(letter) == "P2P confirmation letter to the ordering provider"
    assert str(letter) in after
