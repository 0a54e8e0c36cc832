"""The time zones the scheduler offers, as the decks name them ("Time Zone US/Eastern"), and
times shown with their zone's abbreviation ("6:15 pm EDT")."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models


class TimeZone(models.TextChoices):
    EASTERN = "America/New_York", "US/Eastern"
    CENTRAL = "America/Chicago", "US/Central"
    MOUNTAIN = "America/Denver", "US/Mountain"
    ARIZONA = "America/Phoenix", "US/Arizona"
    PACIFIC = "America/Los_Angeles", "US/Pacific"
    ALASKA = "America/Anchorage", "US/Alaska"
    HAWAII = "Pacific/Honolulu", "US/Hawaii"


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def time_text(moment: dt.datetime, zone_name: str) -> str:
    """ "6:15 pm EDT": the moment's wall time in the zone, with the zone's abbreviation on that
    day (EST in winter, EDT in summer)."""
    local = moment.astimezone(ZoneInfo(zone_name))
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'am' if local.hour < 12 else 'pm'} {local:%Z}"


def day_text(day: dt.date) -> str:
    """ "Mon 5/18/20", as the week view heads its columns."""
    return f"{day:%a} {day.month}/{day.day}/{day:%y}"


def moment_text(moment: dt.datetime, zone_name: str) -> str:
    """ "Mon 5/18/20 - 6:30 pm EDT", as the Scheduled summary shows an appointment."""
    local = moment.astimezone(ZoneInfo(zone_name))
    return f"{day_text(local.date())} - {time_text(moment, zone_name)}"
