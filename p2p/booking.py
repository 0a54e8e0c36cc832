"""Booking, rescheduling and cancelling P2P appointments (the office's side). Each checks the
slot against the physician's hours and the cases' deadlines; the database keeps a slot booked
once (p2p_slot_booked_once), whatever the concurrency."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.models import User
from cases.models import Case
from cases.post_decision.rules import P2PEligibility, p2p_eligibility
from cases.post_decision.selectors import post_decision_facts, with_post_decision_facts
from cases.selectors import cases_for_user
from p2p.errors import P2PError
from p2p.letters import confirmations_record
from p2p.models import Appointment, AppointmentCase, ReviewingPhysician
from p2p.slots import physicians_with_hours, slot_is_offered
from p2p.tasks import appointment_notice_task
from p2p.zones import moment_text

SLOT_TAKEN = "Sorry, this time was just booked by someone else. Please choose another time."
SLOT_NOT_OFFERED = "This time is not one of the physician's open times. Please choose another."
SLOT_PAST = "This time has passed. Please choose a later time."
SLOT_AFTER_DEADLINE = (
    "The P2P for case {number} must take place before {until}. Please choose an earlier time."
)
NOT_ELIGIBLE = "Case {number} is not eligible for a P2P: {message}"
ALREADY_SCHEDULED = (
    "A P2P is already scheduled for case {number}: {when}. To change it, reschedule or cancel "
    "it in My P2P Requests."
)
NO_CASES = "Please look up at least one case."
CANCEL_REASON_REQUIRED = "Please enter a cancellation reason."
CANCEL_REASON_MAX_LENGTH = 500
CANCEL_REASON_TOO_LONG = f"Please keep the reason under {CANCEL_REASON_MAX_LENGTH} characters."
NOT_SCHEDULED = "This appointment is {status}: it can no longer be changed."

CONTACT_FIELDS = (
    "performer",
    "referring_physician_name",
    "referring_physician_credential",
    "contact_first_name",
    "contact_last_name",
    "contact_location",
    "requesting_provider_name",
    "phone",
    "phone_ext",
    "alternate_phone",
    "alternate_phone_ext",
    "requesting_provider_email",
    "contact_instructions",
)


def deadline_of(eligibility: P2PEligibility) -> dt.datetime | None:
    """The moment a P2P must start before: the due time, or the end of the last valid day (the
    portal's days); None when there is none (consultative only)."""
    until = eligibility.valid_until
    if until is None or isinstance(until, dt.datetime):
        return until
    next_day = until + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class CaseForP2P:
    """A case of the office looked up for a P2P, with its eligibility now and the time of its
    scheduled P2P, if it has one (a case is in one scheduled appointment at a time)."""

    case: Case
    eligibility: P2PEligibility
    scheduled_text: str = ""

    @property
    def deadline(self) -> dt.datetime | None:
        return deadline_of(self.eligibility)

    @property
    def bookable(self) -> bool:
        return self.eligibility.eligible and not self.scheduled_text

    @property
    def scheduled_message(self) -> str:
        if not self.scheduled_text:
            return ""
        return ALREADY_SCHEDULED.format(number=self.case.case_number, when=self.scheduled_text)


def cases_for_p2p(*, user: User, public_ids: Iterable[UUID], now: dt.datetime) -> list[CaseForP2P]:
    """The user's office's submitted cases among `public_ids` with their P2P eligibility, in
    the order asked (unknown and other offices' cases left out). Three queries."""
    wanted = list(dict.fromkeys(public_ids))
    cases = with_post_decision_facts(
        cases_for_user(user).filter(submitted_at__isnull=False, public_id__in=wanted)
    ).select_related("program", "member")
    by_id = {case.public_id: case for case in cases}
    scheduled = _scheduled_texts([case.pk for case in by_id.values()])
    return [
        CaseForP2P(
            by_id[public_id],
            p2p_eligibility(post_decision_facts(by_id[public_id]), now=now),
            scheduled.get(by_id[public_id].pk, ""),
        )
        for public_id in wanted
        if public_id in by_id
    ]


def _scheduled_texts(case_ids: Iterable[int]) -> dict[int, str]:
    """The time of each case's scheduled P2P, as the appointment shows it (one query)."""
    rows = AppointmentCase.objects.filter(
        case_id__in=list(case_ids), appointment__status=Appointment.Status.SCHEDULED
    ).values_list("case_id", "appointment__starts_at", "appointment__time_zone")
    return {case_id: moment_text(starts_at, zone) for case_id, starts_at, zone in rows}


def _none_scheduled(cases: Sequence[Case]) -> None:
    """Inside the booking's transaction: lock the cases (a second booking of one of them waits
    here for the first to commit) and refuse any already in a scheduled appointment."""
    ids = sorted(case.pk for case in cases)
    list(Case.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    texts = _scheduled_texts(ids)
    for case in cases:
        if case.pk in texts:
            raise P2PError(
                ALREADY_SCHEDULED.format(number=case.case_number, when=texts[case.pk]),
                field="cases",
            )


def notice_queue(appointment: Appointment) -> None:
    """E-mail the requester once the change commits (nothing for a rolled-back one); a broker
    that cannot take the message does not undo the change."""
    transaction.on_commit(partial(appointment_notice_task.delay, appointment.pk), robust=True)


def _office_id(user: User) -> int | None:
    office = user.office
    return office.pk if office is not None else None


def appointments_for_user(user: User) -> QuerySet[Appointment]:
    """The one way in to appointments for an office user: their office's (none otherwise)."""
    office_id = _office_id(user)
    if office_id is None:
        return Appointment.objects.none()
    return Appointment.objects.filter(office_id=office_id)


def _physician(physician_id: int, *, around: dt.datetime) -> ReviewingPhysician:
    """The active physician with the hours and exceptions of the days around a slot."""
    day = around.astimezone(dt.UTC).date()
    try:
        chosen = ReviewingPhysician.objects.filter(pk=int(physician_id))
    except (ValueError, TypeError):
        raise P2PError(SLOT_NOT_OFFERED, field="slot") from None
    found = physicians_with_hours(chosen, first_day=day, last_day=day)
    if not found:
        raise P2PError(SLOT_NOT_OFFERED, field="slot")
    return found[0]


def _check_slot(
    physician: ReviewingPhysician,
    starts_at: dt.datetime,
    deadlines: Sequence[tuple[str, dt.datetime | None]],
    *,
    now: dt.datetime,
    zone_name: str,
) -> None:
    if starts_at <= now:
        raise P2PError(SLOT_PAST, field="slot")
    if not slot_is_offered(physician, starts_at):
        raise P2PError(SLOT_NOT_OFFERED, field="slot")
    for number, deadline in deadlines:
        if deadline is not None and starts_at >= deadline:
            until = moment_text(deadline, zone_name)
            raise P2PError(SLOT_AFTER_DEADLINE.format(number=number, until=until), field="slot")


def appointment_book(
    *,
    user: User,
    cases: Sequence[CaseForP2P],
    physician_id: int,
    starts_at: dt.datetime,
    contact: Mapping[str, str],
    time_zone: str,
    now: dt.datetime,
) -> Appointment:
    """Book the physician's slot for the cases (each eligible now and in no other scheduled
    appointment, the slot before each one's deadline) with the contact details
    (CONTACT_FIELDS, validated by the form). Raises P2PError when a case is not eligible or
    already scheduled, the slot is not offered, past or after a deadline, or was booked by
    someone else first."""
    office_id = _office_id(user)
    if not cases or office_id is None:
        raise P2PError(NO_CASES, field="cases")
    for looked_up in cases:
        if looked_up.case.office_id != office_id:
            raise P2PError(NO_CASES, field="cases")
        if not looked_up.eligibility.eligible:
            raise P2PError(
                NOT_ELIGIBLE.format(
                    number=looked_up.case.case_number, message=looked_up.eligibility.message
                ),
                field="cases",
            )
    physician = _physician(physician_id, around=starts_at)
    deadlines = [(c.case.case_number, c.deadline) for c in cases]
    _check_slot(physician, starts_at, deadlines, now=now, zone_name=time_zone)
    details = {name: contact.get(name, "") for name in CONTACT_FIELDS}
    try:
        with transaction.atomic():
            _none_scheduled([looked_up.case for looked_up in cases])
            appointment = Appointment.objects.create(
                office_id=office_id,
                requested_by=user,
                physician=physician,
                starts_at=starts_at,
                time_zone=time_zone,
                **details,
            )
            AppointmentCase.objects.bulk_create(
                AppointmentCase(
                    appointment=appointment,
                    case=looked_up.case,
                    level=looked_up.eligibility.level,
                    valid_until=looked_up.deadline,
                )
                for looked_up in cases
            )
            confirmations_record(appointment, rescheduled=False, now=now)
            notice_queue(appointment)
    except IntegrityError:
        raise P2PError(SLOT_TAKEN, field="slot") from None
    return appointment


def _scheduled_for_update(user: User, public_id: UUID) -> Appointment:
    appointment = (
        appointments_for_user(user).select_for_update(of=("self",)).get(public_id=public_id)
    )
    if appointment.status != Appointment.Status.SCHEDULED:
        raise P2PError(NOT_SCHEDULED.format(status=appointment.get_status_display().lower()))
    return appointment


def appointment_reschedule(
    *, user: User, public_id: UUID, physician_id: int, starts_at: dt.datetime, now: dt.datetime
) -> Appointment:
    """Move the office's scheduled appointment to another open slot (freeing the old one),
    still before each case's deadline. Raises Appointment.DoesNotExist for another office's
    appointment, P2PError as appointment_book does."""
    physician = _physician(physician_id, around=starts_at)
    try:
        with transaction.atomic():
            appointment = _scheduled_for_update(user, public_id)
            deadlines = [
                (c.case.case_number, c.valid_until)
                for c in appointment.cases.select_related("case")
            ]
            _check_slot(physician, starts_at, deadlines, now=now, zone_name=appointment.time_zone)
            appointment.physician = physician
            appointment.starts_at = starts_at
            appointment.save(update_fields=["physician", "starts_at", "updated_at"])
            confirmations_record(appointment, rescheduled=True, now=now)
            notice_queue(appointment)
    except IntegrityError:
        raise P2PError(SLOT_TAKEN, field="slot") from None
    return appointment


def appointment_cancel(
    *, user: User, public_id: UUID, reason: str, now: dt.datetime
) -> Appointment:
    """Cancel the office's scheduled appointment with a reason (required); its slot is free
    again. Raises Appointment.DoesNotExist for another office's appointment."""
    reason = (reason or "").strip()
    if not reason:
        raise P2PError(CANCEL_REASON_REQUIRED, field="reason")
    if len(reason) > CANCEL_REASON_MAX_LENGTH:
        raise P2PError(CANCEL_REASON_TOO_LONG, field="reason")
    with transaction.atomic():
        appointment = _scheduled_for_update(user, public_id)
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.cancelled_at = now
        appointment.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
        notice_queue(appointment)
    return appointment
