"""The demo's reviewing physician: the `director` log-in holds P2Ps Monday to Friday, 9:00 am
to 5:00 pm Eastern, matching every program, so that an office can book one in `make run`."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from eligibility.models import Program
from p2p.models import ReviewingPhysician, Specialty, WeeklyHours
from p2p.zones import TimeZone

DEMO_PHYSICIAN = "director"
DEMO_SPECIALTY = "Utilization review (every program)"


@transaction.atomic
def demo_physician_ensure() -> bool:
    """Make the demo director a reviewing physician with weekday hours, once. Returns whether
    it was made now (False when it exists, or there is no `director` log-in)."""
    user = get_user_model().objects.filter(username=DEMO_PHYSICIAN).first()
    if user is None or ReviewingPhysician.objects.filter(user=user).exists():
        return False
    physician = ReviewingPhysician.objects.create(user=user, time_zone=TimeZone.EASTERN)
    WeeklyHours.objects.bulk_create(
        WeeklyHours(physician=physician, weekday=day, starts=dt.time(9), ends=dt.time(17))
        for day in range(5)
    )
    specialty, _ = Specialty.objects.get_or_create(name=DEMO_SPECIALTY)
    specialty.programs.set(Program.objects.all())
    physician.specialties.add(specialty)
    return True
