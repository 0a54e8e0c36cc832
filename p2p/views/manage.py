"""My P2P Requests: the office's appointments, and each one's Actions: reschedule (a new time
from the week view; the old one is freed) or cancel (a reason is required)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from p2p.booking import appointment_cancel, appointment_reschedule, appointments_for_user
from p2p.errors import P2PError
from p2p.forms import HOURS, WEEKDAYS, AvailabilityForm, CancelForm
from p2p.models import Appointment, AppointmentCase
from p2p.views.booking import appointment_page, office_appointment, slot_asked
from p2p.views.common import office_only, preference_of, time_zone_first, url_with
from p2p.views.week import WEEK_TEMPLATE, varying, week_context
from p2p.zones import moment_text

LIST_TEMPLATE = "p2p/list.html"
RESCHEDULE_TEMPLATE = "p2p/reschedule.html"
PAGE_SIZE = 25
RESCHEDULED = "Your P2P appointment was rescheduled to {when}."
CANCELLED = "Your P2P appointment of {when} was cancelled."


@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """The office's appointments, the latest time first, 25 a page; a constant number of
    queries per page."""
    office_only(request)
    preference = preference_of(request)
    if preference is None:
        return time_zone_first(request)
    appointments = (
        appointments_for_user(request.user)
        .select_related("physician__user")
        .prefetch_related(
            Prefetch("cases", queryset=AppointmentCase.objects.select_related("case"))
        )
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(appointments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "appointment": item,
            "when": moment_text(item.starts_at, preference.time_zone),
            "cases": [discussed.case.case_number for discussed in item.cases.all()],
            "levels": sorted({discussed.get_level_display() for discussed in item.cases.all()}),
        }
        for item in page
    ]
    return render(request, LIST_TEMPLATE, {"page": page, "rows": rows})


def _first_availability(zone_name: str) -> dict:
    return {
        "days": [day for day, _ in WEEKDAYS],
        "hours": [hour for hour, _ in HOURS],
        "time_zone": zone_name,
    }


@require_GET
def reschedule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Reschedule: the week view for the appointment's cases (the availability's first choice,
    Monday to Friday, 7:00 am to 7:00 pm, in the appointment's time zone, unless the address
    says otherwise), each time leading to the confirmation."""
    booked = office_appointment(request, public_id)
    if booked.status != Appointment.Status.SCHEDULED:
        return redirect("p2p:appointment", public_id=public_id)
    form = AvailabilityForm(request.GET)
    if not form.is_valid():
        form = AvailabilityForm(_first_availability(booked.time_zone))
        form.is_valid()
    discussed = list(booked.cases.select_related("case"))
    deadlines = [item.valid_until for item in discussed if item.valid_until is not None]
    week_path = reverse("p2p:reschedule", args=[public_id])
    context = week_context(
        request,
        form=form,
        program_ids={item.case.program_id for item in discussed},
        deadline=min(deadlines) if deadlines else None,
        week_url=lambda **params: url_with(week_path, **params),
        choose_url=reverse("p2p:reschedule-confirm", args=[public_id]),
        carried=[],
    )
    if isinstance(context, HttpResponse):
        return context
    context["rescheduling"] = booked
    context["change_url"] = None
    return varying(render(request, WEEK_TEMPLATE, context))


@require_http_methods(["GET", "POST"])
def reschedule_confirm(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booked = office_appointment(request, public_id)
    asked = slot_asked(request)
    if asked is None or booked.status != Appointment.Status.SCHEDULED:
        return redirect("p2p:appointment", public_id=public_id)
    physician, start, zone_name = asked
    error = None
    if request.method == "POST":
        try:
            moved = appointment_reschedule(
                user=request.user,
                public_id=public_id,
                physician_id=physician.pk,
                starts_at=start,
                now=timezone.now(),
            )
        except P2PError as refused:
            error = refused.message
        else:
            when = moment_text(moved.starts_at, moved.time_zone)
            messages.success(request, RESCHEDULED.format(when=when))
            return redirect("p2p:appointment", public_id=public_id)
    context = {
        "appointment": booked,
        "was": moment_text(booked.starts_at, zone_name),
        "to": moment_text(start, zone_name),
        "physician": physician,
        "error": error,
        "back_url": reverse("p2p:reschedule", args=[public_id]),
    }
    return render(request, RESCHEDULE_TEMPLATE, context)


@require_POST
def cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booked = office_appointment(request, public_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            cancelled = appointment_cancel(
                user=request.user,
                public_id=public_id,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except P2PError as refused:
            form.add_error("reason" if refused.field == "reason" else None, refused.message)
        else:
            when = moment_text(cancelled.starts_at, cancelled.time_zone)
            messages.success(request, CANCELLED.format(when=when))
            return redirect("p2p:appointment", public_id=public_id)
    return appointment_page(request, booked, cancel_form=form)
