"""The P2P confirmation letter: each time an appointment is booked or rescheduled, one PDF per
case, under that case's Correspondence beside the determinations' letters. It goes through
cases.letters (the same templates' folder, private storage, delivery and e-mail notice) and is
made by a Celery task once the booking commits, once per confirmation whatever retries come;
a sweep queues again the confirmations whose message was lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from cases.letters.notices import letter_notice_send
from cases.letters.rendering import case_letter_context, letter_case_prefetches, letter_html_pdf
from cases.letters.services import letter_store, provider_delivery
from cases.models import Case, Letter
from cases.post_decision.rules import P2PLevel
from cases.post_decision.wording import CONSULTATIVE_ONLY, when_text
from p2p.models import Appointment, AppointmentCase, AppointmentConfirmation
from p2p.tasks import TRANSIENT, confirmation_letters_task
from p2p.zones import moment_text

logger = logging.getLogger(__name__)

KIND = Letter.Kind.P2P_CONFIRMATION
RECIPIENT = Letter.Recipient.PROVIDER
# A confirmation still without its letter this long after it was made is queued again
# (confirmation_letters_missing_queue), looking back this far.
MISSING_AFTER = dt.timedelta(minutes=10)
MISSING_WITHIN = dt.timedelta(days=2)


def confirmations_record(
    appointment: Appointment, *, rescheduled: bool, now: dt.datetime
) -> list[AppointmentConfirmation]:
    """Inside the transaction that booked or rescheduled `appointment`: one confirmation per
    case at its time and physician now, their letters queued once the transaction commits
    (nothing for a rolled-back change; the message carries the appointment's id only)."""
    case_ids = AppointmentCase.objects.filter(appointment=appointment).values_list(
        "case_id", flat=True
    )
    made = AppointmentConfirmation.objects.bulk_create(
        AppointmentConfirmation(
            appointment=appointment,
            case_id=case_id,
            physician_id=appointment.physician_id,
            starts_at=appointment.starts_at,
            time_zone=appointment.time_zone,
            rescheduled=rescheduled,
            made_at=now,
        )
        for case_id in case_ids
    )
    transaction.on_commit(partial(confirmation_letters_task.delay, appointment.pk), robust=True)
    return made


def still_true() -> Q:
    """Confirmations whose appointment is still scheduled at the time they confirm: a letter
    is never made late for a cancelled appointment or a time since moved (a later
    confirmation has the new time)."""
    return Q(
        appointment__status=Appointment.Status.SCHEDULED,
        starts_at=F("appointment__starts_at"),
        physician=F("appointment__physician"),
    )


def confirmation_letters_make(appointment_id: int, *, now: dt.datetime) -> list[Letter]:
    """Make the letters of the appointment's confirmations that have none and are still true,
    then send the e-mail notices still owed. Returns the letters this call made (none when
    they exist). A letter that cannot be made for a lasting reason (not a TRANSIENT one, which
    the task retries) is logged, and the others are made all the same."""
    waiting = list(
        AppointmentConfirmation.objects.filter(
            still_true(), appointment_id=appointment_id, letter__isnull=True
        )
        .select_related("appointment", "physician__user")
        .order_by("pk")
    )
    made = []
    if waiting:
        cases = Case.objects.prefetch_related(*letter_case_prefetches()).in_bulk(
            {confirmation.case_id for confirmation in waiting}
        )
        booked = AppointmentCase.objects.filter(appointment_id=appointment_id)
        levels = {row.case_id: row for row in booked}
        for confirmation in waiting:
            case = cases[confirmation.case_id]
            try:
                letter = _letter_make(confirmation, case, levels.get(case.pk))
            except TRANSIENT:
                raise
            except Exception:
                logger.exception("P2P confirmation %s: no letter made", confirmation.pk)
                continue
            if letter is not None:
                made.append(letter)
    owed = Letter.objects.filter(
        p2p_confirmation__appointment_id=appointment_id,
        delivery=Letter.Delivery.EMAIL_NOTICE,
        notice_sent_at__isnull=True,
    ).select_related("case")
    for letter in owed:
        letter_notice_send(letter, now=now)
    return made


def _letter_make(
    confirmation: AppointmentConfirmation, case: Case, booked: AppointmentCase | None
) -> Letter | None:
    context = case_letter_context(case, kind=KIND, recipient=RECIPIENT, at=confirmation.made_at)
    level = booked.level if booked is not None else ""
    context.update(
        confirmation=confirmation,
        appointment=confirmation.appointment,
        physician=confirmation.physician,
        when=moment_text(confirmation.starts_at, confirmation.time_zone),
        level_label=P2PLevel(level).label if level in P2PLevel.values else "",
        valid_until=valid_until_text(booked.valid_until) if booked is not None else "",
        consultative_only=(
            CONSULTATIVE_ONLY.format(portal=context["portal_name"])
            if level == P2PLevel.CONSULTATIVE
            else ""
        ),
    )
    pdf = letter_html_pdf(KIND, RECIPIENT, context)
    letter = Letter(
        case=case,
        kind=KIND,
        recipient=RECIPIENT,
        delivery=provider_delivery(case),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    return letter_store(letter, pdf, attach=partial(_attach, confirmation.pk))


def valid_until_text(deadline: dt.datetime | None) -> str:
    """A booked case's deadline as "P2P Valid Until" shows it: the last valid day for the end
    of a day (12/23/2026, as booking.deadline_of stores it), else the due moment
    (12/23/2026 5:00 PM EST)."""
    if deadline is None:
        return ""
    local = deadline.astimezone(ZoneInfo(settings.TIME_ZONE))
    if local.time() == dt.time():
        return when_text(local.date() - dt.timedelta(days=1))
    return when_text(deadline)


def _attach(confirmation_id: int, letter: Letter) -> bool:
    """Link the letter to its confirmation unless another run's letter was linked first."""
    linked = AppointmentConfirmation.objects.filter(pk=confirmation_id, letter__isnull=True).update(
        letter=letter
    )
    return linked == 1


def confirmation_letters_missing_queue(*, now: dt.datetime) -> int:
    """Send again the letters' task of the appointments with a recent confirmation, still
    true, without its letter (a broker that was down when the booking committed). The task makes
    nothing twice, so a message that is only late is harmless. Returns how many were queued."""
    appointment_ids = (
        AppointmentConfirmation.objects.filter(
            still_true(),
            letter__isnull=True,
            made_at__gte=now - MISSING_WITHIN,
            made_at__lt=now - MISSING_AFTER,
        )
        .order_by()
        .values_list("appointment_id", flat=True)
        .distinct()
    )
    queued = 0
    for appointment_id in appointment_ids.iterator():
        confirmation_letters_task.delay(appointment_id)
        queued += 1
    return queued


__all__ = [
    "confirmation_letters_make",
    "confirmation_letters_missing_queue",
    "confirmations_record",
]
