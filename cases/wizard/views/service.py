"""Requested Service + Diagnosis, and "Confirm your service selection.".

The procedure search and the diagnosis LOOKUPs are buttons of the step's own form: with htmx
they post in the background and answer with the list only; without JavaScript they post the
whole form and the page comes back with the list and everything typed kept. Nothing is saved
until CONTINUE (or Finish Later) passes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.wizard.forms.service import NO, YES, ServiceForm
from cases.wizard.selectors.service import (
    PROCEDURE_CHOICES_LIMIT,
    prior_authorization_required,
    procedure_choices_for,
    procedure_codes_for,
)
from cases.wizard.services.service import service_confirm, service_end_not_required, service_save
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    wizard_step,
)
from eligibility.selectors import diagnosis_search

SERVICE_TEMPLATE = "cases/wizard/service.html"
CONFIRM_TEMPLATE = "cases/wizard/confirm.html"
NOT_REQUIRED_TEMPLATE = "cases/wizard/not_required.html"
PROCEDURE_CHOICES_TEMPLATE = "cases/wizard/partials/service_procedure_choices.html"
DIAGNOSIS_RESULTS_TEMPLATE = "cases/wizard/partials/service_diagnosis_results.html"
DIAGNOSIS_RESULTS = 20
TERM_LENGTH = 80
DIAGNOSIS_TARGETS = ("primary", "secondary")
FIELDS = ("procedure_code", "primary_diagnosis", "secondary_diagnosis", "is_bilateral")


@require_http_methods(["GET", "POST"])
@wizard_step("service")
def service(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "GET":
        return _service_page(request, case, ServiceForm(program=case.program, initial=_saved(case)))
    lookup = request.POST.get("lookup", "")
    pick = next((t for t in DIAGNOSIS_TARGETS if f"pick_{t}" in request.POST), None)
    if lookup == "procedure" or lookup in DIAGNOSIS_TARGETS or pick:
        return _lookup(request, case, lookup, pick)
    form = ServiceForm(request.POST, program=case.program)
    valid = form.is_valid()
    code = form.cleaned_data.get("procedure_code")
    # The code alone decides it, whatever else the form holds.
    if (
        code is not None
        and not prior_authorization_required(case.delegation, code)
        and service_end_not_required(
            user=request.user, public_id=case.public_id, procedure_code=code
        )
    ):
        return render(request, NOT_REQUIRED_TEMPLATE, {"procedure_code": code})
    if valid:
        data = form.cleaned_data
        saved = service_save(
            user=request.user,
            public_id=case.public_id,
            procedure_code=code,
            primary_diagnosis=data["primary_diagnosis"],
            secondary_diagnosis=data["secondary_diagnosis"],
            is_bilateral=data["is_bilateral"],
        )
        return step_saved_redirect(request, saved, "service")
    if unsaved := finish_later_unsaved(request):
        return unsaved
    return _service_page(request, case, form)


def _lookup(request: HttpRequest, case: Case, lookup: str, pick: str | None) -> HttpResponse:
    """The procedure search or a diagnosis LOOKUP (htmx: the list alone), or a code picked from
    a LOOKUP's list without JavaScript: the page again, the pick in its box, nothing saved."""
    typed = {name: _typed(request, name) for name in FIELDS}
    if pick:
        typed[f"{pick}_diagnosis"] = _typed(request, f"pick_{pick}")
    extra = {}
    if lookup in DIAGNOSIS_TARGETS:
        term = typed[f"{lookup}_diagnosis"].strip()
        extra = {
            "lookup": lookup,
            "target": lookup,
            "term": term,
            "codes": diagnosis_search(term, billable_only=True, limit=DIAGNOSIS_RESULTS)
            if term
            else [],
        }
        if request.htmx:
            return render(request, DIAGNOSIS_RESULTS_TEMPLATE, extra)
    elif lookup == "procedure" and request.htmx:
        return render(
            request,
            PROCEDURE_CHOICES_TEMPLATE,
            _procedure_context(case, _typed(request, "q"), typed["procedure_code"]),
        )
    form = ServiceForm(program=case.program, initial=typed)
    return _service_page(request, case, form, q=_typed(request, "q"), extra=extra)


def _typed(request: HttpRequest, name: str) -> str:
    """What was typed in a box, as a search may use it (PostgreSQL refuses NUL characters)."""
    return request.POST.get(name, "")[:TERM_LENGTH].replace("\x00", "")


def _service_page(
    request: HttpRequest, case: Case, form: ServiceForm, *, q: str = "", extra: dict | None = None
) -> HttpResponse:
    selected = str(form["procedure_code"].value() or "").replace("\x00", "")
    context = {
        "form": form,
        "date_of_service_url": step_url(case, "date-of-service"),
        **_procedure_context(case, q, selected),
        **(extra or {}),
    }
    return step_render(request, case, "service", SERVICE_TEMPLATE, context)


def _procedure_context(case: Case, q: str, selected: str) -> dict:
    q = q.strip()[:TERM_LENGTH]
    choices = procedure_choices_for(case.program, q)
    codes = choices.codes
    if selected and all(code.code != selected for code in codes):
        # The code chosen stays in the list when a search does not match it.
        chosen = procedure_codes_for(case.program).filter(code=selected[:12]).first()
        if chosen is not None:
            codes = [chosen, *codes]
    if not selected and not q and len(codes) == 1:
        # A program with one code (DME) comes with it selected.
        selected = codes[0].code
    return {
        "q": q,
        "procedure_codes": codes,
        "procedure_more": choices.more,
        "procedure_limit": PROCEDURE_CHOICES_LIMIT,
        "procedure_selected": selected,
        "program": case.program,
    }


def _saved(case: Case) -> dict:
    line = case.primary_procedure_line
    bilateral = {True: YES, False: NO}.get(case.is_bilateral, "")
    return {
        "procedure_code": line.procedure_code.code if line else "",
        "primary_diagnosis": case.primary_diagnosis.code if case.primary_diagnosis else "",
        "secondary_diagnosis": case.secondary_diagnosis.code if case.secondary_diagnosis else "",
        "is_bilateral": bilateral,
    }


@require_http_methods(["GET", "POST"])
@wizard_step("confirm")
def confirm(request: HttpRequest, case: Case) -> HttpResponse:
    """CONTINUE confirms the service; Finish Later leaves it unconfirmed."""
    if request.method == "POST":
        if FINISH_LATER_FIELD in request.POST:
            return step_saved_redirect(request, case, "confirm")
        locked = service_confirm(user=request.user, public_id=case.public_id)
        return step_saved_redirect(request, locked, "confirm")
    context = {"edit_url": step_url(case, "service")}
    return step_render(request, case, "confirm", CONFIRM_TEMPLATE, context)
