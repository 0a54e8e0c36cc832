"""Choosing the time: "Please indicate your availability" (Preferred Days, Preferred Times, Time
Zone), then the week of appointments, one block per reviewing physician, "1st Priority by
Skill" first, with "← Prev Week" and "Next Week →"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from p2p.forms import HOURS, MORNING_HOURS, WEEKDAYS, AvailabilityForm
from p2p.slots import moment_of, week_monday, week_open_slots
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
# How far ahead the week view goes (a P2P is due before its case's deadline anyway).
WEEKS_AHEAD = 52
_MORE = re.compile(r"(\d{1,12})-([0-6])", re.ASCII)


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
    """The week asked (?week=), from this week to WEEKS_AHEAD weeks on; this week otherwise."""
    try:
        asked = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return this_monday
    last = this_monday + dt.timedelta(weeks=WEEKS_AHEAD)
    return min(max(week_monday(asked), this_monday), last)


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
    context = week_context(
        request,
        form=form,
        program_ids={item.case.program_id for item in looked_up},
        deadline=min(deadlines) if deadlines else None,
        week_url=lambda **params: with_cases("p2p:week", ids, **params),
        choose_url=reverse("p2p:contact"),
        carried=[("case", str(public_id)) for public_id in ids],
    )
    if isinstance(context, HttpResponse):
        return context
    context["change_url"] = with_cases("p2p:availability", ids)
    return varying(render(request, WEEK_TEMPLATE, context))


def varying(response: HttpResponse) -> HttpResponse:
    """The same address answers a page or (htmx, "Show more...") a day's times: a cache must
    tell them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def _column_html(choices: list[tuple[str, str]]) -> SafeString:
    """A day's times as the buttons of the week's form, from values and texts already escaped
    (built here, not in the template: a week of 50 physicians has hundreds)."""
    return mark_safe(  # noqa: S308 -- every value and text is escaped by the caller
        "".join(
            f'<button type="submit" name="at" value="{value}" class="btn btn-link btn-sm p-0 '
            f'd-block mx-auto">{text}</button>'
            for value, text in choices
        )
    )


def _more_asked(request: HttpRequest) -> tuple[int, int] | None:
    """ "Show more...": (physician id, day of the week) whose every time is shown."""
    found = _MORE.fullmatch(request.GET.get("more", ""))
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2))


def week_context(
    request: HttpRequest,
    *,
    form: AvailabilityForm,
    program_ids: set[int],
    deadline: dt.datetime | None,
    week_url: Callable[..., str],
    choose_url: str,
    carried: list[tuple[str, str]],
) -> dict | HttpResponse:
    """The week view's context for the week asked (?week=, from this week on) with the
    availability chosen (a valid form): one block per physician, each day's first times as the
    buttons of one form (to `choose_url`, with `carried` and the time zone, a time's value
    "physician id:minutes since the epoch"), "Show more..." for the rest (?more=, in place with
    htmx: then the answer is that day's times alone), and the links to the weeks before (not
    before this one) and after (not after the deadline's)."""
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
        "week": monday.isoformat(),
    }
    texts: dict[int, str] = {}

    def text(minutes: int) -> str:
        """The time in the viewer's zone, escaped, worked out once per instant."""
        if minutes not in texts:
            texts[minutes] = escape(time_text(moment_of(minutes), zone_name))
        return texts[minutes]

    more = _more_asked(request)
    # "Show more..." of each day: this week's address and which day (built once).
    this_week = week_url(**choices)
    blocks = []
    for row in the_week.physicians:
        pk = row.physician.pk
        columns = []
        for day, minutes in enumerate(row.minutes):
            everything = more == (pk, day)
            shown = minutes if everything else minutes[:SHOWN_FIRST]
            html = _column_html([(f"{pk}:{m}", text(m)) for m in shown])
            if everything and request.htmx:
                return varying(HttpResponse(html))
            more_link = ""
            if len(shown) < len(minutes):
                url = escape(f"{this_week}&more={pk}-{day}")
                more_link = (
                    f'<a class="d-block small" href="{url}" hx-get="{url}" '
                    'hx-target="closest td" hx-swap="innerHTML">Show more...</a>'
                )
            columns.append(f"<td>{html or '-'}{more_link}</td>")
        # The row's cells are built here with the buttons (hundreds of them in a week).
        blocks.append({"row": row, "cells": mark_safe("".join(columns))})  # noqa: S308
    # The week of the deadline's last moment (a deadline at midnight ends the week before).
    last_moment = deadline - dt.timedelta(microseconds=1) if deadline else None
    last_monday = (
        week_monday(last_moment.astimezone(ZoneInfo(zone_name)).date()) if deadline else None
    )
    previous, following = monday - dt.timedelta(days=7), monday + dt.timedelta(days=7)
    return {
        "week": the_week,
        "day_heads": [day_text(day) for day in the_week.days],
        "blocks": blocks,
        "choose_url": choose_url,
        "carried": [*carried, ("time_zone", zone_name)],
        "week_label": _week_label(monday, this_monday),
        "prev_url": week_url(**choices | {"week": previous.isoformat()})
        if monday > this_monday
        else None,
        "next_url": week_url(**choices | {"week": following.isoformat()})
        if last_monday is None or monday < last_monday
        else None,
    }


def _week_label(monday: dt.date, this_monday: dt.date) -> str:
    if monday == this_monday:
        return "(This week)"
    if monday == this_monday + dt.timedelta(days=7):
        return "(Upcoming week)"
    return ""
