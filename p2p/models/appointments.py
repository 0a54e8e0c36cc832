"""P2P appointments: an office books a reviewing physician's 15-minute slot for one or more of
its cases, with who will be on the call and how to reach them; the physician holds the call and
records its outcome."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.post_decision.rules import P2PLevel
from p2p.models.physicians import ReviewingPhysician
from p2p.zones import TimeZone


class SchedulerPreference(models.Model):
    """The time zone a user confirmed on first use of the scheduler; times are shown in it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="p2p_preference"
    )
    time_zone = models.CharField(max_length=40, choices=TimeZone.choices)
    confirmed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user}: {self.get_time_zone_display()}"


class Appointment(models.Model):
    """A booked P2P consultation. Rescheduling moves it to another slot (freeing the old one);
    cancelling frees its slot. A slot is booked once: the database refuses a second scheduled
    appointment at the same physician's same start."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    class Performer(models.TextChoices):
        REQUESTING_PROVIDER = "requesting_provider", "Requesting Provider"
        CONTACT_PERSON = "contact_person", "Contact Person"
        SOMEONE_ELSE = "someone_else", "Someone else"

    class Outcome(models.TextChoices):
        OVERTURNED = "overturned", "Decision overturned"
        PARTIALLY_OVERTURNED = "partially_overturned", "Decision partially overturned"
        UPHELD = "upheld", "Decision upheld"
        CONSULTATIVE = "consultative", "Consultative only"
        NO_SHOW = "no_show", "No-show"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="p2p_appointments"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    physician = models.ForeignKey(
        ReviewingPhysician, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    # The requester's zone when booked: the confirmation e-mail and letter show times in it.
    time_zone = models.CharField(max_length=40, choices=TimeZone.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)

    # P2P Contact Details.
    performer = models.CharField(
        "who will be performing the P2P consultation", max_length=24, choices=Performer.choices
    )
    referring_physician_name = models.CharField(
        "name of referring physician on case", max_length=120, blank=True
    )
    referring_physician_credential = models.CharField("credential", max_length=20, blank=True)
    contact_first_name = models.CharField(max_length=60, blank=True)
    contact_last_name = models.CharField(max_length=60, blank=True)
    contact_location = models.CharField("contact person location", max_length=120, blank=True)
    requesting_provider_name = models.CharField("name of provider requesting P2P", max_length=120)
    phone = models.CharField("phone number for P2P", max_length=10)
    phone_ext = models.CharField("phone ext.", max_length=8, blank=True)
    alternate_phone = models.CharField(max_length=10, blank=True)
    alternate_phone_ext = models.CharField("alternate phone ext.", max_length=8, blank=True)
    requesting_provider_email = models.EmailField(blank=True)
    contact_instructions = models.CharField(max_length=500, blank=True)

    cancel_reason = models.CharField(max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    # The physician's record of the call.
    call_notes = models.JSONField(default=list, blank=True)
    procedure_performed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    # What the requester was last e-mailed (p2p.notices.notice_key): each state once.
    notice_sent_for = models.CharField(max_length=60, blank=True, default="")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["physician", "starts_at"],
                condition=Q(status="scheduled"),
                name="p2p_slot_booked_once",
            ),
        ]
        indexes = [
            # My P2P Requests: an office's appointments, soonest first.
            models.Index(fields=["office", "starts_at"], name="p2p_appointment_office"),
        ]

    def __str__(self):
        return f"P2P {self.public_id} with {self.physician} at {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentCase(models.Model):
    """One case discussed in an appointment ("+ Add Another Case"), with its level of review
    and the moment its P2P had to start by when booked (None: no limit)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="p2p_appointment_cases"
    )
    level = models.CharField("level of review", max_length=16, choices=P2PLevel.choices)
    valid_until = models.DateTimeField("P2P valid until", null=True, blank=True)

    class Meta:
        ordering = ["appointment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "case"], name="p2p_case_once_per_call"),
        ]

    def __str__(self):
        return f"{self.case} ({self.get_level_display()})"


class AppointmentConfirmation(models.Model):
    """A booking or a reschedule of an appointment, for one of its cases: the time and the
    physician booked at that moment (a later reschedule makes another), which the case's P2P
    confirmation letter shows. `letter` is set once that letter is made (one per
    confirmation, whatever retries a worker makes)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="confirmations"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    physician = models.ForeignKey(ReviewingPhysician, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    time_zone = models.CharField(max_length=40, choices=TimeZone.choices)
    rescheduled = models.BooleanField(default=False)
    made_at = models.DateTimeField()
    letter = models.OneToOneField(
        "cases.Letter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="p2p_confirmation",
    )

    class Meta:
        ordering = ["appointment", "made_at", "pk"]
        indexes = [
            # The sweep of confirmations whose letter was never made (a lost message).
            models.Index(
                fields=["made_at"], condition=Q(letter__isnull=True), name="p2p_letter_missing"
            ),
        ]

    def __str__(self):
        verb = "rescheduled" if self.rescheduled else "scheduled"
        return f"P2P {verb} for {self.case} at {self.starts_at:%Y-%m-%d %H:%M}"
