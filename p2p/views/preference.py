"""First use of the scheduler: confirm the default time zone (the portal's, until changed)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from p2p.forms import TimeZoneForm
from p2p.models import SchedulerPreference
from p2p.views.common import office_only, preference_of
from p2p.zones import TimeZone

TEMPLATE = "p2p/time_zone.html"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "p2p:new"


@require_http_methods(["GET", "POST"])
def time_zone(request: HttpRequest) -> HttpResponse:
    office_only(request)
    preference = preference_of(request)
    default = preference.time_zone if preference else _portal_zone()
    form = TimeZoneForm(
        request.POST if request.method == "POST" else None, initial={"time_zone": default}
    )
    if request.method == "POST" and form.is_valid():
        SchedulerPreference.objects.update_or_create(
            user=request.user,
            defaults={
                "time_zone": form.cleaned_data["time_zone"],
                "confirmed_at": timezone.now(),
            },
        )
        return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "first_use": preference is None}
    return render(request, TEMPLATE, context)


def _portal_zone() -> str:
    name = timezone.get_default_timezone_name()
    return name if name in TimeZone.values else TimeZone.EASTERN
