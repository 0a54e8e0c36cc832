"""Request an Authorization: "To begin, please select a program below:" starts a draft; the
same question on an existing draft changes its program (clearing what depended on it)."""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.wizard import steps
from cases.wizard.drafts import (
    NO_PROVIDERS_MESSAGE,
    draft_start,
    draft_step_open,
    step_answer_save,
)
from cases.wizard.forms.start import ProgramForm
from cases.wizard.selectors import office_has_practitioners, programs_delegated
from cases.wizard.views.common import (
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    wizard_step,
)

START_TEMPLATE = "cases/wizard/start.html"


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    office = request.user.office
    if office is None:
        raise Http404("Only office users request authorizations.")
    if not office_has_practitioners(office):
        return render(request, START_TEMPLATE, {"no_providers_message": NO_PROVIDERS_MESSAGE})
    programs = programs_delegated(timezone.localdate())
    form = ProgramForm(
        request.POST if request.method == "POST" else None,
        programs=programs,
        initial={"start_token": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        case = draft_start(
            user=request.user,
            program=form.cleaned_data["program"],
            start_token=form.cleaned_data["start_token"],
        )
        return redirect(step_url(case, steps.next_step(case, "program").name))
    return render(request, START_TEMPLATE, {"form": form})


@require_http_methods(["GET", "POST"])
@wizard_step("program")
def program(request: HttpRequest, case: Case) -> HttpResponse:
    programs = programs_delegated(timezone.localdate())
    form = ProgramForm(
        request.POST if request.method == "POST" else None,
        programs=programs,
        initial={"program": case.program},
    )
    if request.method == "POST":
        if form.is_valid():
            with draft_step_open(
                user=request.user, public_id=case.public_id, step_name="program"
            ) as locked:
                step_answer_save(locked, "program", {"program": form.cleaned_data["program"]})
            return step_saved_redirect(request, locked, "program")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return step_render(request, case, "program", "cases/wizard/program.html", {"form": form})
