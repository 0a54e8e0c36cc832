"""The site of service ("Attention!" / "Add Site of Service"), "Proceed to Clinical
Information" (the lock-in), and the page after it.

The site step has four faces on one URL: the in-office question; the "Specific Site Search"
(a GET: site data is not patient data) with SELECT; "Selected Site:" with the optional e-mail
and CONTINUE; and for DME the member's home (place of service 12 - Home)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cases.clinical.stages import current_stage
from cases.errors import CaseError
from cases.models import Case
from cases.selectors import cases_for_user
from cases.wizard import steps
from cases.wizard.drafts import DraftClosed, draft_for_view
from cases.wizard.forms.site import (
    EXACT,
    IN_OFFICE_QUESTION,
    STARTS_WITH,
    InOfficeForm,
    ProceedForm,
    SiteEmailForm,
    SiteSearchForm,
    SiteSelectForm,
)
from cases.wizard.selectors.site import SITE_RESULTS_LIMIT, sites_matching
from cases.wizard.services.site import (
    draft_lock_in,
    site_email_save,
    site_home_save,
    site_in_office_answer,
    site_select,
)
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    closed_redirect,
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    step_url_by_id,
    wizard_step,
)

SITE_TEMPLATE = "cases/wizard/site.html"
PROCEED_TEMPLATE = "cases/wizard/proceed.html"
SEARCH_FIELDS = ("npi", "zip_code", "name", "tin", "city")
QUESTION, SEARCH, SELECTED, HOME = "question", "search", "selected", "home"


@require_http_methods(["GET", "POST"])
@wizard_step("site")
def site(request: HttpRequest, case: Case) -> HttpResponse:
    if case.program.is_equipment:
        return _home(request, case)
    if request.method == "GET":
        return _site_get(request, case)
    action = request.POST.get("action", "")
    if action == "in_office":
        return _in_office_post(request, case)
    if action == "select":
        return _select_post(request, case)
    if action == "continue":
        return _email_post(request, case)
    # BACK-or-leave forms (the search page's Finish Later): nothing of this page to save.
    if FINISH_LATER_FIELD in request.POST:
        return step_saved_redirect(request, case, "site")
    return redirect(step_url(case, "site"))


def _site_get(request: HttpRequest, case: Case) -> HttpResponse:
    if "ask" in request.GET or case.rendered_in_office is not False:
        answer = {True: "yes", False: "no"}.get(case.rendered_in_office, "")
        return _site_page(request, case, QUESTION, form=InOfficeForm(initial={"in_office": answer}))
    if case.site_id is not None and "find" not in request.GET:
        return _site_page(
            request, case, SELECTED, form=SiteEmailForm(initial={"site_email": case.site_email})
        )
    return _search_page(request, case)


def _search_page(
    request: HttpRequest, case: Case, *, select_form: SiteSelectForm | None = None
) -> HttpResponse:
    searched = any(name in request.GET for name in SEARCH_FIELDS)
    search = SiteSearchForm(request.GET if searched else None, initial={"match": EXACT})
    results = None
    if searched and search.is_valid():
        data = search.cleaned_data
        results = sites_matching(
            npi=data["npi"],
            tin=data["tin"],
            zip_code=data["zip_code"],
            name=data["name"].strip(),
            city=data["city"].strip(),
            starts_with=data["match"] == STARTS_WITH,
        )
    return _site_page(
        request,
        case,
        SEARCH,
        search=search,
        results=results,
        select_form=select_form,
        match=search["match"].value() or EXACT,
    )


def _in_office_post(request: HttpRequest, case: Case) -> HttpResponse:
    form = InOfficeForm(request.POST)
    if form.is_valid():
        in_office = form.cleaned_data["in_office"]
        saved = site_in_office_answer(
            user=request.user, public_id=case.public_id, in_office=in_office
        )
        if in_office or FINISH_LATER_FIELD in request.POST:
            return step_saved_redirect(request, saved, "site")
        return redirect(step_url(saved, "site"))
    if unsaved := finish_later_unsaved(request):
        return unsaved
    return _site_page(request, case, QUESTION, form=form)


def _select_post(request: HttpRequest, case: Case) -> HttpResponse:
    form = SiteSelectForm(request.POST)
    if form.is_valid():
        saved = site_select(
            user=request.user, public_id=case.public_id, site=form.cleaned_data["site"]
        )
        return redirect(step_url(saved, "site"))
    return _search_page(request, case, select_form=form)


def _email_post(request: HttpRequest, case: Case) -> HttpResponse:
    form = SiteEmailForm(request.POST)
    if form.is_valid():
        try:
            saved = site_email_save(
                user=request.user,
                public_id=case.public_id,
                site_email=form.cleaned_data["site_email"],
            )
        except DraftClosed:
            raise  # the step decorator sends the user where they belong
        except CaseError as error:
            messages.warning(request, error.message)
            return redirect(step_url(case, "site"))
        return step_saved_redirect(request, saved, "site")
    if unsaved := finish_later_unsaved(request):
        return unsaved
    return _site_page(request, case, SELECTED, form=form)


def _home(request: HttpRequest, case: Case) -> HttpResponse:
    """DME: "For DME authorization requests, place of service will be selected as 12 - Home."
    The member's home is the site; CONTINUE completes the step."""
    data = request.POST if request.method == "POST" else None
    form = SiteEmailForm(data, initial={"site_email": case.site_email})
    if request.method == "POST":
        if form.is_valid():
            saved = site_home_save(
                user=request.user,
                public_id=case.public_id,
                site_email=form.cleaned_data["site_email"],
            )
            return step_saved_redirect(request, saved, "site")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return _site_page(request, case, HOME, form=form)


def _site_page(request: HttpRequest, case: Case, state: str, **context) -> HttpResponse:
    page = {
        "state": state,
        "in_office_question": IN_OFFICE_QUESTION,
        "site_url": step_url(case, "site"),
        "results_limit": SITE_RESULTS_LIMIT,
        **context,
    }
    return step_render(request, case, "site", SITE_TEMPLATE, page)


@require_http_methods(["GET", "POST"])
@wizard_step("proceed")
def proceed(request: HttpRequest, case: Case) -> HttpResponse:
    """The lock-in. Finish Later leaves the draft open; CONTINUE (DME: CONFIRM AND CONTINUE,
    with the attestation) locks it and goes to the clinical information."""
    equipment = case.program.is_equipment
    form = ProceedForm(request.POST if request.method == "POST" else None, equipment=equipment)
    if request.method == "POST":
        if FINISH_LATER_FIELD in request.POST:
            return step_saved_redirect(request, case, "proceed")
        if form.is_valid():
            try:
                locked = draft_lock_in(
                    user=request.user,
                    public_id=case.public_id,
                    attested=form.cleaned_data["attest"],
                )
            except DraftClosed:
                raise  # a double click: the step decorator goes to the clinical page
            except CaseError as error:
                form.add_error("attest", error.message)
            else:
                return step_saved_redirect(request, locked, "proceed")
    context = {
        "form": form,
        "continue_caption": "CONFIRM AND CONTINUE" if equipment else "CONTINUE",
    }
    return step_render(request, case, "proceed", PROCEED_TEMPLATE, context)


def clinical(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Right after lock-in, and whenever a locked request is resumed: its current stage of the
    clinical phase (urgency, questions, additional information, SUBMIT CASE), or its summary
    once submitted. Another office's request is a 404; a draft not locked in goes to its first
    incomplete step, an expired one to the list."""
    case = cases_for_user(request.user).filter(public_id=public_id).first()
    if case is None:
        raise Http404("No such request.")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if case.submitted_at is not None:
        return redirect("cases:summary", public_id=case.public_id)
    try:
        case = draft_for_view(user=request.user, public_id=public_id)
    except DraftClosed as closed:
        return closed_redirect(request, public_id, closed)
    if not case.is_locked:
        return redirect(step_url_by_id(case.public_id, steps.first_incomplete(case)))
    return redirect(f"cases:clinical-{current_stage(case)}", public_id=case.public_id)
