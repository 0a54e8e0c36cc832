"""The date of service ("Attention!") and the Patient Eligibility Lookup: ELIGIBILITY LOOKUP,
Search Results with SELECT, CLEAR PATIENT SELECTION and the patient's contact number (SUBMIT /
UNKNOWN). Patient data only ever travels in POST bodies."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.models import Case
from cases.wizard.forms.patient import (
    DELIVERED_LABEL,
    PERFORMED_PAST_LABEL,
    PERFORMED_TODAY_LABEL,
    DateOfServiceForm,
    MemberChoiceForm,
    PatientContactForm,
    PatientLookupForm,
)
from cases.wizard.services.patient import (
    SELECT_MISMATCH,
    PatientLookup,
    PatientStepError,
    date_of_service_save,
    patient_clear,
    patient_contact_save,
    patient_lookup,
    patient_select,
)
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    finish_later_unsaved,
    step_render,
    step_saved_redirect,
    step_url,
    wizard_step,
)

DOS_STEP = "date-of-service"
PATIENT_STEP = "patient"
DOS_TEMPLATE = "cases/wizard/date_of_service.html"
PATIENT_TEMPLATE = "cases/wizard/patient.html"
_YES_NO = {True: "yes", False: "no"}


@require_http_methods(["GET", "POST"])
@wizard_step(DOS_STEP)
def date_of_service(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    is_equipment = case.program.is_equipment
    form = DateOfServiceForm(
        request.POST if request.method == "POST" else None,
        initial={
            "date_of_service": case.date_of_service,
            "service_performed": _YES_NO.get(case.service_performed),
        },
        today=today,
        is_equipment=is_equipment,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = date_of_service_save(
                    user=request.user,
                    public_id=case.public_id,
                    date_of_service=form.cleaned_data["date_of_service"],
                    service_performed=form.cleaned_data["service_performed"],
                    today=today,
                )
            except PatientStepError as error:
                form.add_error(error.field, error.message)
            else:
                return step_saved_redirect(request, saved, DOS_STEP)
        if unsaved := finish_later_unsaved(request):
            return unsaved
    return step_render(
        request,
        case,
        DOS_STEP,
        DOS_TEMPLATE,
        {
            "form": form,
            "today": today,
            "is_equipment": is_equipment,
            "label_today": DELIVERED_LABEL if is_equipment else PERFORMED_TODAY_LABEL,
            "label_past": DELIVERED_LABEL if is_equipment else PERFORMED_PAST_LABEL,
        },
    )


@require_http_methods(["GET", "POST"])
@wizard_step(PATIENT_STEP)
def patient(request: HttpRequest, case: Case) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "GET":
        return _patient_page(request, case)
    action = request.POST.get("action", "")
    if action == "lookup":
        return _lookup(request, case, today)
    if action == "select":
        return _select(request, case, today)
    if action == "clear":
        patient_clear(user=request.user, public_id=case.public_id)
        return redirect(step_url(case, PATIENT_STEP))
    if case.member_id is not None and (
        action in ("contact", "unknown") or FINISH_LATER_FIELD in request.POST
    ):
        return _contact(request, case, unknown=action == "unknown")
    if unsaved := finish_later_unsaved(request):
        return unsaved
    # A stale page (its patient cleared in another tab) or a button that does not exist.
    return redirect(step_url(case, PATIENT_STEP))


def _lookup(request: HttpRequest, case: Case, today: dt.date) -> HttpResponse:
    form = PatientLookupForm(request.POST, today=today)
    result = None
    if form.is_valid():
        try:
            result = patient_lookup(
                request=request, user=request.user, case=case, today=today, **form.cleaned_data
            )
        except PatientStepError as error:
            form.add_error(None, error.message)
        else:
            form.make_read_only()
    return _patient_page(request, case, lookup_form=form, result=result)


def _select(request: HttpRequest, case: Case, today: dt.date) -> HttpResponse:
    form = PatientLookupForm(request.POST, today=today)
    choice = MemberChoiceForm(request.POST)
    if not form.is_valid():
        return _patient_page(request, case, lookup_form=form)
    if not choice.is_valid():
        form.add_error(None, SELECT_MISMATCH)
        return _patient_page(request, case, lookup_form=form)
    try:
        result, refusal = patient_select(
            request=request,
            user=request.user,
            public_id=case.public_id,
            member_id=choice.cleaned_data["member"],
            today=today,
            **form.cleaned_data,
        )
    except PatientStepError as error:
        form.add_error(None, error.message)
        return _patient_page(request, case, lookup_form=form)
    if refusal is None:
        return redirect(step_url(case, PATIENT_STEP))
    if refusal != result.problem:
        form.add_error(None, refusal)
    form.make_read_only()
    return _patient_page(request, case, lookup_form=form, result=result)


def _contact(request: HttpRequest, case: Case, *, unknown: bool) -> HttpResponse:
    form = PatientContactForm(request.POST, phone_unknown=unknown)
    if form.is_valid():
        try:
            saved = patient_contact_save(
                user=request.user,
                public_id=case.public_id,
                cell_phone=form.cleaned_data["patient_cell_phone"],
                email=form.cleaned_data["patient_email"],
            )
        except PatientStepError as error:
            messages.info(request, error.message)
            return redirect(step_url(case, PATIENT_STEP))
        return step_saved_redirect(request, saved, PATIENT_STEP)
    if unsaved := finish_later_unsaved(request):
        return unsaved
    return _patient_page(request, case, contact_form=form)


def _patient_page(
    request: HttpRequest,
    case: Case,
    *,
    lookup_form: PatientLookupForm | None = None,
    result: PatientLookup | None = None,
    contact_form: PatientContactForm | None = None,
) -> HttpResponse:
    """The lookup (with its Search Results) until a patient is selected; then the selected
    patient, CLEAR PATIENT SELECTION and the contact details ("Attention!" until saved)."""
    selected = lookup_form is None and case.member_id is not None
    context = {"selected": selected, "lookup_url": step_url(case, PATIENT_STEP)}
    if selected:
        context["contact_form"] = contact_form or PatientContactForm(
            initial={
                "patient_cell_phone": (
                    case.patient_cell_phone
                    if case.patient_contact_saved
                    else case.member.phone or ""
                ),
                "patient_email": case.patient_email,
            }
        )
        context["show_attention"] = not case.patient_contact_saved
    else:
        context["lookup_form"] = lookup_form or PatientLookupForm(today=timezone.localdate())
        context["result"] = result
    return step_render(request, case, PATIENT_STEP, PATIENT_TEMPLATE, context)
