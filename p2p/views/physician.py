"""The reviewing physician's screens: My P2P Calendar (their appointments of a week, in their
time zone) and the call screen (the cases, the contact details, Call Notes and the outcome)."""

from __future__ import annotations

import datetime as dt
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from p2p.calls import (
    appointments_for_physician,
    call_lines,
    call_open,
    call_record,
    not_yet_message,
)
from p2p.errors import P2PError
from p2p.forms import CallForm, ExceptionFormSet, PhysicianZoneForm, WeeklyHoursFormSet
from p2p.models import Appointment, AppointmentCase, ReviewingPhysician
from p2p.slots import week_monday
from p2p.views.common import appointment_case_rows, url_with
from p2p.views.week import WEEKS_AHEAD
from p2p.zones import day_text, moment_text, time_text

CALENDAR_TEMPLATE = "p2p/physician/calendar.html"
CALL_TEMPLATE = "p2p/physician/call.html"
RECORDED = "The call of {when} was recorded: {outcome}."


def _physician(request: HttpRequest) -> ReviewingPhysician:
    try:
        return ReviewingPhysician.objects.get(user=request.user)
    except ReviewingPhysician.DoesNotExist as error:
        raise Http404("Only reviewing physicians have a P2P calendar.") from error


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """My P2P Calendar: the week's appointments (?week=, this week by default, at most a year
    either way), day by day. A reviewer without P2P hours is told so; anyone else gets a
    404."""
    if not request.user.is_reviewer:
        raise Http404("Only reviewing physicians have a P2P calendar.")
    physician = ReviewingPhysician.objects.filter(user=request.user).first()
    if physician is None:
        return render(request, CALENDAR_TEMPLATE, {"physician": None})
    zone = ZoneInfo(physician.time_zone)
    this_monday = week_monday(timezone.now().astimezone(zone).date())
    try:
        monday = week_monday(dt.date.fromisoformat(request.GET.get("week", "")))
    except ValueError:
        monday = this_monday
    reach = dt.timedelta(weeks=WEEKS_AHEAD)
    monday = min(max(monday, this_monday - reach), this_monday + reach)
    starts = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    appointments = (
        appointments_for_physician(request.user)
        .filter(starts_at__gte=starts, starts_at__lt=starts + dt.timedelta(days=7))
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("office")
        .prefetch_related(
            Prefetch("cases", queryset=AppointmentCase.objects.select_related("case"))
        )
        .order_by("starts_at", "pk")
    )
    days = {monday + dt.timedelta(days=n): [] for n in range(7)}
    for item in appointments:
        days[item.starts_at.astimezone(zone).date()].append(
            {
                "appointment": item,
                "time": time_text(item.starts_at, physician.time_zone),
                "cases": [discussed.case.case_number for discussed in item.cases.all()],
                "levels": sorted({d.get_level_display() for d in item.cases.all()}),
            }
        )
    path = request.path
    context = {
        "physician": physician,
        "days": [{"head": day_text(day), "rows": rows} for day, rows in days.items()],
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "prev_url": url_with(path, week=(monday - dt.timedelta(days=7)).isoformat()),
        "next_url": url_with(path, week=(monday + dt.timedelta(days=7)).isoformat()),
        "this_week": monday == this_monday,
    }
    return render(request, CALENDAR_TEMPLATE, context)


@require_http_methods(["GET", "POST"])
def call(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The call screen: the appointment's cases and contact details, then Call Notes and the
    outcome (POST records it)."""
    physician = _physician(request)
    try:
        appointment = (
            appointments_for_physician(request.user)
            .select_related("office", "physician")
            .get(public_id=public_id)
        )
    except Appointment.DoesNotExist as error:
        raise Http404("No such appointment.") from error
    form = CallForm(
        request.POST if request.method == "POST" else None, lines=call_lines(appointment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            recorded = call_record(
                user=request.user,
                public_id=public_id,
                outcome=form.cleaned_data["outcome"],
                call_notes=form.cleaned_data["call_notes"],
                performed_on=form.cleaned_data["performed_on"],
                note=form.cleaned_data["note"],
                lines=form.cleaned_data["lines"],
                guideline=form.cleaned_data["guideline"],
                criterion=form.cleaned_data["criterion"],
                now=timezone.now(),
            )
        except P2PError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                RECORDED.format(
                    when=moment_text(recorded.starts_at, physician.time_zone),
                    outcome=recorded.get_outcome_display(),
                ),
            )
            return redirect("p2p:calendar")
    context = {
        "appointment": appointment,
        "case_rows": appointment_case_rows(request, appointment),
        "when": moment_text(appointment.starts_at, physician.time_zone),
        "form": form,
        "several_cases": len({line.case_id for line in form.lines}) > 1,
        "scheduled": appointment.status == Appointment.Status.SCHEDULED,
        "not_yet": (
            "" if call_open(appointment, now=timezone.now()) else not_yet_message(appointment)
        ),
    }
    return render(request, CALL_TEMPLATE, context)


HOURS_TEMPLATE = "p2p/physician/hours.html"
HOURS_SAVED = "Your P2P hours were saved."


@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponse:
    """My P2P Hours: the physician's time zone, weekly hours (a weekday, a start and an end on
    the quarter hour) and exceptions (a day, or part of one), saved together or not at all."""
    physician = _physician(request)
    data = request.POST if request.method == "POST" else None
    zone_form = PhysicianZoneForm(data, initial={"time_zone": physician.time_zone})
    weekly = WeeklyHoursFormSet(data, instance=physician, prefix="hours")
    exceptions = ExceptionFormSet(
        data,
        instance=physician,
        prefix="exceptions",
        queryset=physician.exceptions.filter(day__gte=timezone.localdate()),
    )
    if request.method == "POST" and all(
        [zone_form.is_valid(), weekly.is_valid(), exceptions.is_valid()]
    ):
        with transaction.atomic():
            physician.time_zone = zone_form.cleaned_data["time_zone"]
            physician.save(update_fields=["time_zone"])
            weekly.save()
            exceptions.save()
        messages.success(request, HOURS_SAVED)
        return redirect("p2p:hours")
    context = {
        "physician": physician,
        "zone_form": zone_form,
        "weekly": weekly,
        "exceptions": exceptions,
    }
    return render(request, HOURS_TEMPLATE, context)
