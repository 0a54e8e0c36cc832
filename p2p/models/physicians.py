"""The reviewing physicians who hold P2P consultations, and when they are available: weekly hours
in their own time zone, cut into 15-minute slots, less their exceptions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from p2p.zones import TimeZone

SLOT_MINUTES = 15
SLOT_NOT_ON_QUARTER = "Please choose a time on the quarter hour (:00, :15, :30 or :45)."
HOURS_END_BEFORE_START = "The hours must end after they start."
HOURS_OVERLAP = "These hours overlap {weekday} {starts} to {ends}: make them one period."
EXCEPTION_PERIOD = "Leave both times empty for the whole day, or give a start and a later end."


def validate_on_quarter_hour(value: dt.time) -> None:
    if value.minute % SLOT_MINUTES or value.second or value.microsecond:
        raise ValidationError(SLOT_NOT_ON_QUARTER)


class Specialty(models.Model):
    """A physician's specialty, and the programs whose cases it matches ("1st Priority by
    Skill": physicians of a specialty matching the case's program are offered first)."""

    name = models.CharField(max_length=120, unique=True)
    programs = models.ManyToManyField("eligibility.Program", blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self):
        return self.name


class ReviewingPhysician(models.Model):
    """A physician reviewer's P2P profile: their specialties and the time zone of their hours."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="p2p_physician"
    )
    credential = models.CharField(max_length=20, default="MD")
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="physicians")
    time_zone = models.CharField(max_length=40, choices=TimeZone.choices, default=TimeZone.EASTERN)
    is_active = models.BooleanField(
        "takes P2P appointments",
        default=True,
        help_text="Only active physicians' slots are offered to offices.",
    )

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}, {self.credential}" if self.credential else name


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyHours(models.Model):
    """Hours a physician holds P2Ps every week on one weekday, in their time zone: one slot
    every 15 minutes from `starts` to the last one ending by `ends`."""

    physician = models.ForeignKey(
        ReviewingPhysician, on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField(validators=[validate_on_quarter_hour])
    ends = models.TimeField(validators=[validate_on_quarter_hour])

    class Meta:
        ordering = ["physician", "weekday", "starts"]
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="p2p_hours_end_after_start",
                violation_error_message=HOURS_END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A day (or part of one, in the physician's time zone) the physician holds no P2Ps
    despite their weekly hours."""

    physician = models.ForeignKey(
        ReviewingPhysician, on_delete=models.CASCADE, related_name="exceptions"
    )
    day = models.DateField()
    # Both empty: the whole day.
    starts = models.TimeField(null=True, blank=True, validators=[validate_on_quarter_hour])
    ends = models.TimeField(null=True, blank=True, validators=[validate_on_quarter_hour])
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["physician", "day", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__isnull=True, ends__isnull=True)
                | Q(starts__isnull=False, ends__isnull=False, ends__gt=F("starts")),
                name="p2p_exception_whole_day_or_a_period",
                violation_error_message=EXCEPTION_PERIOD,
            ),
        ]

    def __str__(self):
        if self.starts is None:
            return f"{self.day:%m/%d/%Y} (all day)"
        return f"{self.day:%m/%d/%Y} {self.starts:%H:%M}-{self.ends:%H:%M}"

    def covers(self, wall: dt.datetime) -> bool:
        """Whether a slot starting at this wall time (the physician's zone, naive or aware)
        falls in it."""
        if wall.date() != self.day:
            return False
        return self.starts is None or self.starts <= wall.time() < self.ends
