"""Choosing the time: "Please indicate your availability" (Preferred Days, Preferred Times, Time
Zone), then the week of appointments, one block per reviewing physician, "1st Priority by
Skill" first, with "← Prev Week" and "Next Week →"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from p2p.forms import HOURS, MORNING_HOURS, WEEKDAYS, AvailabilityForm
from p2p.slots import week_monday, week_open_slots
from p2p.views.common import (
    case_rows,
    eligible_cases,
    office_only,
    preference_of,
    time_zone_first,
    with_cases,
)
from p2p.zones import day_text, time_text

AVAILABILITY_TEMPLATE = "p2p/availability.html"
WEEK_TEMPLATE = "p2p/week.html"
# The slots a day's column shows before "Show more...".
SHOWN_FIRST = 4


@require_GET
def availability(request: HttpRequest) -> HttpResponse:
    office_only(request)
    preference = preference_of(request)
    if preference is None:
        return time_zone_first(request)
    looked_up = eligible_cases(request)
    if looked_up is None:
        return redirect("p2p:new")
    form = AvailabilityForm(
        initial={
            "days": [day for day, _ in WEEKDAYS],
            "hours": [hour for hour, _ in HOURS],
            "time_zone": preference.time_zone,
        }
    )
    return _availability_page(request, form, looked_up)


def _availability_page(request, form, looked_up, status=200) -> HttpResponse:
    context = {
        "form": form,
        "looked_up": looked_up,
        "case_rows": case_rows(looked_up),
        "morning_hours": list(MORNING_HOURS),
    }
    return render(request, AVAILABILITY_TEMPLATE, context, status=status)


def _monday_asked(request: HttpRequest, this_monday: dt.date) -> dt.date:
    try:
        asked = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return this_monday
    return max(week_monday(asked), this_monday)


@require_GET
def week(request: HttpRequest) -> HttpResponse:
    office_only(request)
    if preference_of(request) is None:
        return time_zone_first(request)
    looked_up = eligible_cases(request)
    if looked_up is None:
        return redirect("p2p:new")
    form = AvailabilityForm(request.GET)
    if not form.is_valid():
        return _availability_page(request, form, looked_up)
    ids = [item.case.public_id for item in looked_up]
    deadlines = [item.deadline for item in looked_up if item.deadline is not None]
    zone_name = form.cleaned_data["time_zone"]
    context = week_context(
        request,
        form=form,
        program_ids={item.case.program_id for item in looked_up},
        deadline=min(deadlines) if deadlines else None,
        week_url=lambda **params: with_cases("p2p:week", ids, **params),
        slot_url=lambda physician_id, start: with_cases(
            "p2p:contact",
            ids,
            physician=physician_id,
            slot=start.astimezone(dt.UTC).isoformat(),
            time_zone=zone_name,
        ),
    )
    context["change_url"] = with_cases("p2p:availability", ids)
    return render(request, WEEK_TEMPLATE, context)


def week_context(
    request: HttpRequest,
    *,
    form: AvailabilityForm,
    program_ids: set[int],
    deadline: dt.datetime | None,
    week_url: Callable[..., str],
    slot_url: Callable[[int, dt.datetime], str],
) -> dict:
    """The week view's context for the week asked (?week=, from this week on) with the
    availability chosen (a valid form): the physicians' blocks of time links, and the links to
    the weeks before (not before this one) and after (not after the deadline's)."""
    zone_name = form.cleaned_data["time_zone"]
    now = timezone.now()
    this_monday = week_monday(now.astimezone(ZoneInfo(zone_name)).date())
    monday = _monday_asked(request, this_monday)
    the_week = week_open_slots(
        monday=monday,
        zone_name=zone_name,
        program_ids=program_ids,
        now=now,
        deadline=deadline,
        weekdays=frozenset(form.cleaned_data["days"]),
        hours=frozenset(form.cleaned_data["hours"]),
    )
    choices = {
        "time_zone": zone_name,
        "days": form.cleaned_data["days"],
        "hours": form.cleaned_data["hours"],
    }
    blocks = [
        {
            "row": row,
            "columns": [
                [
                    {"text": time_text(start, zone_name), "url": slot_url(row.physician.pk, start)}
                    for start in day
                ]
                for day in row.days
            ],
        }
        for row in the_week.physicians
    ]
    last_monday = week_monday(deadline.astimezone(ZoneInfo(zone_name)).date()) if deadline else None
    previous, following = monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    return {
        "week": the_week,
        "day_heads": [day_text(day) for day in the_week.days],
        "blocks": blocks,
        "shown_first": SHOWN_FIRST,
        "week_label": _week_label(monday, this_monday),
        "prev_url": week_url(**choices, week=previous.isoformat())
        if monday > this_monday
        else None,
        "next_url": week_url(**choices, week=following.isoformat())
        if last_monday is None or monday < last_monday
        else None,
    }


def _week_label(monday: dt.date, this_monday: dt.date) -> str:
    if monday == this_monday:
        return "(This week)"
    if monday == this_monday + dt.timedelta(days=7):
        return "(Upcoming week)"
    return ""
