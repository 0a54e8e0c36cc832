"""What the office's scheduler pages share: the user's confirmed time zone (asked on first use),
the cases carried from page to page in the address (?case=…), and the access log."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from accounts.services import access_events_record_for_members
from p2p.booking import CaseForP2P, cases_for_p2p
from p2p.forms import MAX_CASES
from p2p.models import Appointment, SchedulerPreference


def office_only(request: HttpRequest) -> None:
    if request.user.office is None:
        raise Http404("Only office users request P2P consultations.")


def preference_of(request: HttpRequest) -> SchedulerPreference | None:
    return SchedulerPreference.objects.filter(user=request.user).first()


def time_zone_first(request: HttpRequest) -> HttpResponse:
    """Off to confirm the time zone, then back here."""
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('p2p:time-zone')}?{query}")


def case_ids(request: HttpRequest) -> list[uuid.UUID]:
    """The cases of the request in the address, in order, at most MAX_CASES (not ids dropped)."""
    ids = []
    for value in request.GET.getlist("case"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    return list(dict.fromkeys(ids))[:MAX_CASES]


def url_with(path: str, **params) -> str:
    """The address with the parameters (a list's values repeated)."""
    pairs = []
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(name, str(item)) for item in values]
    return f"{path}?{urlencode(pairs)}"


def with_cases(url_name: str, ids, **params) -> str:
    """The page's address with the cases and the parameters."""
    return url_with(reverse(url_name), case=[str(public_id) for public_id in ids], **params)


def looked_up_cases(request: HttpRequest) -> list[CaseForP2P]:
    """The office's cases named in the address, with their eligibility now; their members'
    reads logged."""
    looked_up = cases_for_p2p(user=request.user, public_ids=case_ids(request), now=timezone.now())
    access_events_record_for_members(
        request=request,
        user=request.user,
        member_ids=[item.case.member_id for item in looked_up if item.case.member_id],
        action=AccessEvent.Action.VIEW,
    )
    return looked_up


def eligible_cases(request: HttpRequest) -> list[CaseForP2P] | None:
    """The cases in the address when there is one and every one can be booked: eligible, and
    in no scheduled appointment (else None: the booking pages send the user back to New P2P
    Request)."""
    looked_up = looked_up_cases(request)
    if not looked_up or not all(item.bookable for item in looked_up):
        return None
    return looked_up


def case_rows(looked_up: list[CaseForP2P]) -> list[dict]:
    """Case Info's rows: each case with its Level of Review."""
    return [{"case": item.case, "level": item.eligibility.level_label} for item in looked_up]


def appointment_case_rows(request: HttpRequest, appointment: Appointment) -> list[dict]:
    """Case Info's rows of an appointment (each case with its member, plan and program, and
    the Level of Review booked), their members' reads logged."""
    discussed = list(
        appointment.cases.select_related("case__member", "case__health_plan", "case__program")
    )
    access_events_record_for_members(
        request=request,
        user=request.user,
        member_ids=[item.case.member_id for item in discussed if item.case.member_id],
        action=AccessEvent.Action.VIEW,
    )
    return [{"case": item.case, "level": item.get_level_display()} for item in discussed]
