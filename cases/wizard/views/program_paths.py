"""The program-specific steps: Musculoskeletal's "Attention!" (date extension, continuing care
or a new case) and DME's "referring physician or durable medical equipment provider"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from accounts.models import AccessEvent
from accounts.services import access_events_record_many
from cases.errors import CaseError
from cases.models import Case
from cases.wizard import steps
from cases.wizard.drafts import DraftClosed, StepNotReachable, draft_step_open, step_answer_save
from cases.wizard.forms.program_paths import CHOOSING_FIELD, DmeRoleForm, FollowOnForm
from cases.wizard.selectors.program_paths import follow_on_sources_for, follow_on_sources_shown
from cases.wizard.services.program_paths import follow_on_build_new, follow_on_start_from
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    step_url_by_id,
    wizard_step,
)

FOLLOW_ON_COPIED = (
    "The approved case's information has been copied into this request. Please enter the "
    "date of service."
)


@require_http_methods(["GET", "POST"])
@wizard_step("follow-on")
def follow_on(request: HttpRequest, case: Case) -> HttpResponse:
    initial = {}
    if case.build_kind_chosen:
        initial["build_kind"] = case.build_kind
    form = FollowOnForm(
        request.POST if request.method == "POST" else None,
        sources=follow_on_sources_for(request.user, case=case),
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            kind = form.cleaned_data["build_kind"]
            source = None if kind == Case.BuildKind.NEW else form.cleaned_data["source_case"]
            if kind == Case.BuildKind.NEW or source is not None:
                try:
                    return _follow_on_save(request, case, kind, source)
                except (DraftClosed, StepNotReachable):
                    raise
                except CaseError as error:
                    form.add_error("source_case", error.message)
        if unsaved := finish_later_unsaved(request):
            return unsaved
    if form.shows_sources():
        return _follow_on_sources_render(request, case, form)
    return step_render(request, case, "follow-on", "cases/wizard/follow_on.html", {"form": form})


def _follow_on_save(
    request: HttpRequest, case: Case, kind: str, source: Case | None
) -> HttpResponse:
    with draft_step_open(
        user=request.user, public_id=case.public_id, step_name="follow-on"
    ) as locked:
        if source is None:
            follow_on_build_new(case=locked)
        else:
            follow_on_start_from(case=locked, source_public_id=source.public_id, build_kind=kind)
    if source is None or FINISH_LATER_FIELD in request.POST:
        return step_saved_redirect(request, locked, "follow-on")
    # What was copied completes the steps up to the date of service: go to the first one
    # not complete.
    messages.info(request, FOLLOW_ON_COPIED)
    return redirect(step_url_by_id(locked.public_id, steps.first_incomplete(locked)))


def _follow_on_sources_render(request: HttpRequest, case: Case, form: FollowOnForm) -> HttpResponse:
    """The second page of "Attention!": the approved cases to start from (a list of members'
    names, so a read of patient data)."""
    sources = follow_on_sources_shown(request.user, case=case)
    members = {source.member_id: source.member for source in sources if source.member_id}
    if members:
        access_events_record_many(
            request=request,
            user=request.user,
            members=members.values(),
            action=AccessEvent.Action.LIST,
        )
    kind = Case.BuildKind(form.data["build_kind"])
    selected = form.data.get("source_case") or (
        str(case.source_case.public_id) if case.source_case_id else ""
    )
    return step_render(
        request,
        case,
        "follow-on",
        "cases/wizard/follow_on.html",
        {
            "form": form,
            "show_sources": True,
            "sources": sources,
            "chosen_kind": kind,
            "selected_source": selected,
            "choosing_field": CHOOSING_FIELD,
            "back_url": step_url(case, "follow-on"),
            "new_case_kind": Case.BuildKind.NEW,
        },
    )


@require_http_methods(["GET", "POST"])
@wizard_step("dme-role")
def dme_role(request: HttpRequest, case: Case) -> HttpResponse:
    form = DmeRoleForm(
        request.POST if request.method == "POST" else None,
        initial={"dme_role": case.dme_role or None},
    )
    if request.method == "POST":
        if form.is_valid():
            with draft_step_open(
                user=request.user, public_id=case.public_id, step_name="dme-role"
            ) as locked:
                step_answer_save(locked, "dme-role", {"dme_role": form.cleaned_data["dme_role"]})
            return step_saved_redirect(request, locked, "dme-role")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return step_render(request, case, "dme-role", "cases/wizard/dme_role.html", {"form": form})
