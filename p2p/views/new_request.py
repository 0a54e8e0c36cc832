"""New P2P Request: the cases to discuss (Case Reference Number and Member Date of Birth, filled
from Authorization Lookup; "+ Add Another Case"; "Lookup Cases"), then their confirmation with
the Level of Review of each (Remove, Continue)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.lookup.services import lookup_allow
from p2p.forms import MAX_CASES, CaseLineFormSet
from p2p.lookup import NOT_FOUND, TOO_MANY, case_by_number_and_dob
from p2p.views.common import (
    case_ids,
    looked_up_cases,
    office_only,
    preference_of,
    time_zone_first,
    with_cases,
)

NEW_TEMPLATE = "p2p/new_request.html"
CASES_TEMPLATE = "p2p/cases.html"
FORMSET_PREFIX = "cases"


def _initial(request: HttpRequest) -> list[dict]:
    """The lines of the cases named in the address (from Authorization Lookup's link)."""
    return [
        {"case_number": item.case.case_number, "member_dob": item.case.member.date_of_birth}
        for item in looked_up_cases(request)
    ]


def _with_another_line(data) -> dict:
    data = data.copy()
    key = f"{FORMSET_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "1"))
    except ValueError:
        total = 1
    data[key] = str(min(max(total, 1) + 1, MAX_CASES))
    return data


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    office_only(request)
    if preference_of(request) is None:
        return time_zone_first(request)
    if request.method == "POST" and "add" in request.POST:
        # "+ Add Another Case": the lines so far, kept, and one more (not checked yet).
        formset = CaseLineFormSet(_with_another_line(request.POST), prefix=FORMSET_PREFIX)
        return render(request, NEW_TEMPLATE, {"formset": formset, "max_cases": MAX_CASES})
    if request.method == "POST":
        formset = CaseLineFormSet(request.POST, prefix=FORMSET_PREFIX)
        if formset.is_valid():
            found = []
            for form in formset:
                if not form.cleaned_data:
                    continue
                # Each line is a lookup, counted with Authorization Lookup's: no sweeping of
                # case numbers and dates of birth five at a time.
                if not lookup_allow(user=request.user):
                    form.add_error("case_number", TOO_MANY)
                    continue
                case = case_by_number_and_dob(user=request.user, **form.cleaned_data)
                if case is None:
                    form.add_error("case_number", NOT_FOUND)
                else:
                    found.append(case.public_id)
            if all(form.is_valid() for form in formset) and found:
                return redirect(with_cases("p2p:cases", found))
    else:
        formset = CaseLineFormSet(initial=_initial(request) or None, prefix=FORMSET_PREFIX)
    return render(request, NEW_TEMPLATE, {"formset": formset, "max_cases": MAX_CASES})


@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    """The confirmation: each case with its member, plan and P2P information, Remove (the same
    page without it) and Continue while every case is eligible."""
    office_only(request)
    if preference_of(request) is None:
        return time_zone_first(request)
    looked_up = looked_up_cases(request)
    if not looked_up:
        return redirect("p2p:new")
    ids = [item.case.public_id for item in looked_up]
    rows = [
        {
            "item": item,
            "remove_url": with_cases("p2p:cases", [i for i in ids if i != item.case.public_id])
            if len(ids) > 1
            else None,
        }
        for item in looked_up
    ]
    context = {
        "rows": rows,
        "all_eligible": all(item.bookable for item in looked_up),
        "continue_url": with_cases("p2p:availability", ids),
        "can_add": len(ids) < MAX_CASES,
        "unknown": len(case_ids(request)) - len(looked_up),
    }
    return render(request, CASES_TEMPLATE, context)
