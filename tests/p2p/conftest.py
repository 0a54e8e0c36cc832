"""The P2P scheduler's tests: the cases' world (tests/cases/conftest.py), decided cases
(tests/cases/post_decision/conftest.py) and reviewing physicians with weekly hours."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.models import User
from p2p.models import ReviewingPhysician, SchedulerPreference, Specialty, WeeklyHours
from p2p.zones import TimeZone
from tests.cases.conftest import world_build
from tests.cases.post_decision.conftest import (
    NOW,
    TODAY,
    clock,  # noqa: F401 -- the pages' fixed clock
    decided,
)
from tests.factories.accounts import UserFactory


def queued_task_names(callbacks) -> list[str]:
    """The Celery tasks an on-commit callback list sends (each a partial of `task.delay`)."""
    return sorted(callback.func.__self__.name for callback in callbacks)


@pytest.fixture
def world(db):
    return world_build()


def physician_make(
    last_name: str,
    *,
    zone: str = TimeZone.EASTERN,
    hours: dict[int, tuple[str, str]] | None = None,
    programs=(),
) -> ReviewingPhysician:
    """A medical director with P2P hours (weekday -> ("HH:MM", "HH:MM"), in their zone; 9:00 to
    10:00 on weekdays by default) and a specialty matching the programs given."""
    user = UserFactory(
        first_name="Dana",
        last_name=last_name,
        reviewer_role=User.ReviewerRole.MEDICAL_DIRECTOR,
    )
    physician = ReviewingPhysician.objects.create(user=user, time_zone=zone)
    if hours is None:
        hours = dict.fromkeys(range(5), ("09:00", "10:00"))
    for weekday, (starts, ends) in hours.items():
        WeeklyHours.objects.create(
            physician=physician,
            weekday=weekday,
            starts=dt.time.fromisoformat(starts),
            ends=dt.time.fromisoformat(ends),
        )
    if programs:
        specialty, _ = Specialty.objects.get_or_create(name=f"Specialty of {last_name}")
        specialty.programs.set(programs)
        physician.specialties.add(specialty)
    return physician


@pytest.fixture
def office(client, world):
    """The office user signed in, their time zone (US/Eastern) confirmed."""
    client.force_login(world.user)
    SchedulerPreference.objects.create(
        user=world.user, time_zone=TimeZone.EASTERN, confirmed_at=NOW
    )
    return client


@pytest.fixture
def denied(world, request):
    """A commercial denial at the pages' fixed clock, its date of service a month away."""
    request.getfixturevalue("clock")
    return decided(world, date_of_service=TODAY + dt.timedelta(days=30))


@pytest.fixture
def physician(db):
    """Monday 6:15 to 7:00 pm and Tuesday 9:00 to 9:30 am, Eastern."""
    return physician_make("Fackler", hours={0: ("18:15", "19:00"), 1: ("09:00", "09:30")})
