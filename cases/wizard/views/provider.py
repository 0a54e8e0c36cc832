"""Requesting Provider Information (or, for a DME supplier, Requesting Physician
Information), Choose Your Insurer and Add Your Contact Info."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.wizard.drafts import draft_step_open
from cases.wizard.forms.provider import (
    PHYSICIAN_REQUIRED,
    PHYSICIAN_UNKNOWN,
    ContactForm,
    InsurerForm,
    NpiSearchForm,
    OrderingPhysicianSearchForm,
    ProviderFilterForm,
    ProviderSelectForm,
)
from cases.wizard.selectors.provider import (
    PROVIDERS_PER_PAGE,
    contact_initial_for,
    health_plans_delegating,
    office_practitioners_filtered,
    office_practitioners_for,
    ordering_physicians_for,
    ordering_physicians_search,
    practitioner_addresses_for,
    requesting_provider_label,
)
from cases.wizard.services.provider import (
    ProviderStepError,
    contact_save,
    insurer_choose,
    provider_add_by_npi,
    provider_choose,
)
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    wizard_step,
)

# The Search By NPI form's marker (its own <form>, so Enter in its field searches).
NPI_SEARCH_FIELD = "search_by_npi"
# The DME supplier's physician search is a GET; this marks that it was run.
PHYSICIAN_SEARCH_FIELD = "search"
PROVIDER_ADDED = "{name} was added to your account."


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _chosen_practitioner(request: HttpRequest, case: Case) -> dict:
    """SELECT posts the row's practitioner; CONTINUE (or Finish Later) keeps the one chosen."""
    return {"practitioner": request.POST.get("practitioner", case.practitioner_id or "")}


@require_http_methods(["GET", "POST"])
@wizard_step("provider")
def provider(request: HttpRequest, case: Case) -> HttpResponse:
    if case.dme_role == Case.DmeRole.DME_SUPPLIER:
        return _ordering_physician(request, case)
    return _office_provider(request, case)


def _office_provider(request: HttpRequest, case: Case) -> HttpResponse:
    filter_form = ProviderFilterForm(request.GET if "q" in request.GET else None)
    npi_form = NpiSearchForm()
    select_form = None
    if request.method == "POST" and NPI_SEARCH_FIELD in request.POST:
        npi_form = NpiSearchForm(request.POST)
        if npi_form.is_valid():
            try:
                with draft_step_open(
                    user=request.user, public_id=case.public_id, step_name="provider"
                ) as locked:
                    practitioner, added = provider_add_by_npi(
                        case=locked, npi=npi_form.cleaned_data["npi"], by=request.user
                    )
            except ProviderStepError as error:
                npi_form.add_error(error.field, error.message)
            else:
                if added:
                    name = f"{practitioner.first_name} {practitioner.last_name}"
                    messages.success(request, PROVIDER_ADDED.format(name=name))
                return step_saved_redirect(request, locked, "provider")
    elif request.method == "POST":
        select_form = ProviderSelectForm(
            _chosen_practitioner(request, case),
            practitioners=office_practitioners_for(case.office_id),
        )
        if select_form.is_valid() and (locked := _provider_choose(request, case, select_form)):
            return step_saved_redirect(request, locked, "provider")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    practitioners = office_practitioners_filtered(case.office_id, filter_form.term())
    page = Paginator(practitioners, PROVIDERS_PER_PAGE).get_page(request.GET.get("page"))
    return step_render(
        request,
        case,
        "provider",
        "cases/wizard/provider.html",
        {
            "filter_form": filter_form if filter_form.is_bound else ProviderFilterForm(),
            "filter_term": filter_form.term(),
            "page_obj": page,
            "select_form": select_form,
            "npi_form": npi_form,
            "npi_search_field": NPI_SEARCH_FIELD,
        },
    )


def _ordering_physician(request: HttpRequest, case: Case) -> HttpResponse:
    """The DME supplier path: only referring providers order, so the supplier names the
    ordering physician, found in the whole registry."""
    plans = health_plans_delegating(case.program, timezone.localdate())
    searched = PHYSICIAN_SEARCH_FIELD in request.GET
    search_form = OrderingPhysicianSearchForm(request.GET if searched else None, health_plans=plans)
    results = None
    if searched and search_form.is_valid():
        results = ordering_physicians_search(**search_form.criteria())
    select_form = None
    if request.method == "POST":
        select_form = ProviderSelectForm(
            _chosen_practitioner(request, case),
            practitioners=ordering_physicians_for(),
            invalid_message=PHYSICIAN_UNKNOWN,
            required_message=PHYSICIAN_REQUIRED,
        )
        if select_form.is_valid() and (locked := _provider_choose(request, case, select_form)):
            response = step_saved_redirect(request, locked, "provider")
            return _with_plan_chosen(request, locked, response, search_form)
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return step_render(
        request,
        case,
        "provider",
        "cases/wizard/provider.html",
        {
            "supplier_path": True,
            "search_form": search_form,
            "search_field": PHYSICIAN_SEARCH_FIELD,
            "results": results,
            "select_form": select_form,
        },
    )


def _with_plan_chosen(
    request: HttpRequest, case: Case, response: HttpResponse, search_form
) -> HttpResponse:
    """The Healthplan of the physician search becomes Choose Your Insurer's first choice
    (a plan is no patient data; the insurer step checks it again)."""
    if FINISH_LATER_FIELD in request.POST or not search_form.is_bound:
        return response
    plan = search_form.cleaned_data.get("health_plan") if search_form.is_valid() else None
    if plan is not None and response["Location"] == step_url(case, "insurer"):
        response["Location"] += f"?health_plan={plan.pk}"
    return response


def _provider_choose(request: HttpRequest, case: Case, select_form) -> Case | None:
    """SELECT under the row lock; None (the reason next to the list) when the provider is not
    one this draft may use any more (another tab changed the DME role meanwhile)."""
    try:
        with draft_step_open(
            user=request.user, public_id=case.public_id, step_name="provider"
        ) as locked:
            provider_choose(case=locked, practitioner=select_form.cleaned_data["practitioner"])
    except ProviderStepError as error:
        select_form.add_error("practitioner", error.message)
        return None
    return locked


def _plan_suggested(request: HttpRequest) -> int | None:
    value = request.GET.get("health_plan", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@require_http_methods(["GET", "POST"])
@wizard_step("insurer")
def insurer(request: HttpRequest, case: Case) -> HttpResponse:
    plans = health_plans_delegating(case.program, timezone.localdate())
    addresses = practitioner_addresses_for(case.practitioner)
    address_id = case.practitioner_address_id
    if address_id is None:
        only = [address.pk for address in addresses[:2]]
        address_id = only[0] if len(only) == 1 else None
    form = InsurerForm(
        _posted(request),
        initial={
            "health_plan": case.health_plan_id or _plan_suggested(request),
            "practitioner_address": address_id,
        },
        health_plans=plans,
        addresses=addresses,
        program_name=case.program.name,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                with draft_step_open(
                    user=request.user, public_id=case.public_id, step_name="insurer"
                ) as locked:
                    insurer_choose(case=locked, **form.cleaned_data)
            except ProviderStepError as error:
                form.add_error(error.field, error.message)
            else:
                return step_saved_redirect(request, locked, "insurer")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return step_render(
        request,
        case,
        "insurer",
        "cases/wizard/insurer.html",
        {"form": form, "requesting_provider": requesting_provider_label(case.practitioner)},
    )


@require_http_methods(["GET", "POST"])
@wizard_step("contact")
def contact(request: HttpRequest, case: Case) -> HttpResponse:
    form = ContactForm(_posted(request), initial=contact_initial_for(case, user=request.user))
    if request.method == "POST":
        if form.is_valid():
            with draft_step_open(
                user=request.user, public_id=case.public_id, step_name="contact"
            ) as locked:
                contact_save(case=locked, values=form.values())
            return step_saved_redirect(request, locked, "contact")
        if unsaved := finish_later_unsaved(request):
            return unsaved
    context = {"form": form}
    if case.program.is_equipment:
        context["continue_caption"] = "CONFIRM FAX AND CONTINUE"
    return step_render(request, case, "contact", "cases/wizard/contact.html", context)
