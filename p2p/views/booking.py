"""P2P Contact Details for the slot chosen, Submit (the booking), and the "Scheduled" summary
of an appointment."""

from __future__ import annotations

import datetime as dt
import re
from uuid import UUID
from zoneinfo import ZoneInfo

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from p2p.booking import appointment_book, appointments_for_user
from p2p.errors import P2PError
from p2p.forms import CancelForm, ContactDetailsForm
from p2p.models import Appointment, ReviewingPhysician
from p2p.slots import moment_of
from p2p.views.common import (
    appointment_case_rows,
    case_rows,
    eligible_cases,
    looked_up_cases,
    office_only,
    preference_of,
    time_zone_first,
    with_cases,
)
from p2p.views.week import WEEKS_AHEAD
from p2p.zones import TimeZone, day_text, moment_text, time_text

CONTACT_TEMPLATE = "p2p/contact.html"
_AT = re.compile(r"(\d{1,12}):(\d{1,10})", re.ASCII)
APPOINTMENT_TEMPLATE = "p2p/appointment.html"


def slot_asked(request: HttpRequest) -> tuple[ReviewingPhysician, dt.datetime, str] | None:
    """The physician, start and time zone the week view's button carries (?at=physician
    id:minutes since the epoch, ?time_zone=); None when not valid or not within the weeks the
    week view shows."""
    found = _AT.fullmatch(request.GET.get("at", ""))
    zone_name = request.GET.get("time_zone", "")
    if found is None or zone_name not in TimeZone.values:
        return None
    start = moment_of(int(found.group(2)))
    now = timezone.now()
    if not now - dt.timedelta(days=1) <= start <= now + dt.timedelta(weeks=WEEKS_AHEAD + 1):
        return None
    physician = (
        ReviewingPhysician.objects.select_related("user")
        .filter(pk=int(found.group(1)), is_active=True)
        .first()
    )
    if physician is None:
        return None
    return physician, start, zone_name


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    office_only(request)
    if preference_of(request) is None:
        return time_zone_first(request)
    # A Submit is always answered on this page, its input kept: a case booked meanwhile (a
    # second tab, a double click) is refused by the service with its message.
    looked_up = looked_up_cases(request) if request.method == "POST" else eligible_cases(request)
    asked = slot_asked(request)
    if not looked_up or asked is None:
        return redirect("p2p:new")
    physician, start, zone_name = asked
    form = ContactDetailsForm(request.POST if request.method == "POST" else None)
    slot_error = None
    if request.method == "POST" and form.is_valid():
        try:
            appointment = appointment_book(
                user=request.user,
                cases=looked_up,
                physician_id=physician.pk,
                starts_at=start,
                contact=form.cleaned_data,
                time_zone=zone_name,
                now=timezone.now(),
            )
        except P2PError as error:
            if error.field != "slot":
                form.add_error(None, error.message)
            else:
                slot_error = error.message
        else:
            return redirect("p2p:appointment", public_id=appointment.public_id)
    context = {
        "form": form,
        "case_rows": case_rows(looked_up),
        "physician": physician,
        "day": _day(start, zone_name),
        "time": time_text(start, zone_name),
        "slot_error": slot_error,
        "back_url": with_cases("p2p:availability", [item.case.public_id for item in looked_up]),
    }
    return render(request, CONTACT_TEMPLATE, context)


def _day(start: dt.datetime, zone_name: str) -> str:
    return day_text(start.astimezone(ZoneInfo(zone_name)).date())


def office_appointment(request: HttpRequest, public_id: UUID) -> Appointment:
    """The office's appointment with its physician (404 for anyone else's)."""
    office_only(request)
    try:
        return (
            appointments_for_user(request.user)
            .select_related("physician__user")
            .get(public_id=public_id)
        )
    except Appointment.DoesNotExist as error:
        raise Http404("No such appointment.") from error


@require_GET
def appointment(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The appointment's summary: P2P Info, Case Info, P2P Contact Details, its status, and the
    Actions while it is scheduled."""
    return appointment_page(request, office_appointment(request, public_id))


def appointment_page(
    request: HttpRequest, booked: Appointment, *, cancel_form=None, status: int = 200
) -> HttpResponse:
    context = {
        "appointment": booked,
        "case_rows": appointment_case_rows(request, booked),
        "when": moment_text(booked.starts_at, booked.time_zone),
        "day": _day(booked.starts_at, booked.time_zone),
        "time": time_text(booked.starts_at, booked.time_zone),
        "cancel_form": cancel_form or CancelForm(),
        "scheduled": booked.status == Appointment.Status.SCHEDULED,
    }
    return render(request, APPOINTMENT_TEMPLATE, context, status=status)
