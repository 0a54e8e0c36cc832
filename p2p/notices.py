"""The e-mail to the Requesting Provider Email when an appointment is scheduled, rescheduled or
cancelled: its time, the physician and the number we will call, the case numbers and a link to
My P2P Requests; no patient data. Each state of an appointment is e-mailed once, whatever
retries or duplicate messages come (claimed by a conditional update first)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from p2p.models import Appointment
from p2p.zones import moment_text

SUBJECTS = {
    Appointment.Status.SCHEDULED: "{portal}: P2P consultation scheduled for {when}",
    Appointment.Status.CANCELLED: "{portal}: P2P consultation of {when} cancelled",
}


def notice_key(appointment: Appointment) -> str:
    """What the e-mail says, in short: the status and (scheduled) the time. A reschedule makes
    a new key, so it is e-mailed again; the same state is not."""
    if appointment.status == Appointment.Status.SCHEDULED:
        return f"scheduled {appointment.starts_at.isoformat()}"
    return appointment.status


def appointment_notice_send(appointment_id: int) -> bool:
    """E-mail the appointment's requester its current state once (scheduled or cancelled; a
    completed call sends nothing). Returns whether this call sent it."""
    appointment = (
        Appointment.objects.select_related("physician__user").filter(pk=appointment_id).first()
    )
    if appointment is None:
        return False
    return notice_send(appointment)


def notice_send(appointment: Appointment) -> bool:
    """E-mail the state of `appointment` as read, unless it changed since or was e-mailed."""
    if not appointment.requesting_provider_email or appointment.status not in SUBJECTS:
        return False
    key = notice_key(appointment)
    # Claimed only while the appointment is still in the state read: a late task of an older
    # state sends nothing after the newer one's e-mail.
    claimed = (
        Appointment.objects.filter(
            pk=appointment.pk, status=appointment.status, starts_at=appointment.starts_at
        )
        .filter(~Q(notice_sent_for=key))
        .update(notice_sent_for=key)
    )
    if not claimed:
        return False
    when = moment_text(appointment.starts_at, appointment.time_zone)
    context = {
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "appointment": appointment,
        "when": when,
        "case_numbers": list(
            appointment.cases.order_by("pk").values_list("case__case_number", flat=True)
        ),
        "link": settings.PORTAL_URL.rstrip("/")
        + reverse("p2p:appointment", args=[appointment.public_id]),
    }
    try:
        send_mail(
            subject=SUBJECTS[appointment.status].format(portal=settings.PORTAL_NAME, when=when),
            message=render_to_string("p2p/email/appointment.txt", context),
            from_email=None,
            recipient_list=[appointment.requesting_provider_email],
        )
    except BaseException:
        Appointment.objects.filter(pk=appointment.pk, notice_sent_for=key).update(
            notice_sent_for=""
        )
        raise
    return True
