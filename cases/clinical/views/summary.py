"""After SUBMIT CASE: "Summary of Your Request" (CANCEL / PRINT / CONTINUE), its printed PDF,
and "Thank you for submitting a request for clinical certification." with "Start a new
request using the same:". Only the office's submitted cases: anything else is a 404."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.clinical.forms.finishing import DuplicateForm
from cases.clinical.submission import case_submitted_for_view
from cases.errors import CaseError
from cases.models import Case
from cases.pdf import pdf_from_html
from cases.wizard import steps
from cases.wizard.services.duplicate import (
    KEEP_PROGRAM,
    KEEP_PROGRAM_PLAN,
    KEEP_PROGRAM_PROVIDER,
    KEEP_PROVIDER,
    case_duplicate,
)
from cases.wizard.views.common import step_url

SUMMARY_TEMPLATE = "cases/clinical/summary.html"
SUMMARY_PDF_TEMPLATE = "cases/clinical/summary_pdf.html"
THANK_YOU_TEMPLATE = "cases/clinical/thank_you.html"
APPROVED_SENTENCE = "Your case has been Approved."
IN_REVIEW_SENTENCE = "Your case has been sent to Medical Review."


def _submitted(request: HttpRequest, public_id: UUID) -> Case:
    try:
        return case_submitted_for_view(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error


def _record(request: HttpRequest, case: Case, action: str) -> None:
    access_event_record(
        request=request,
        user=request.user,
        action=action,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=case.pk,
        member=case.member,
    )


def _summary_context(case: Case) -> dict:
    approved = case.status == Case.Status.APPROVED
    address = case.practitioner_address
    return {
        "case": case,
        "approved": approved,
        # The status as the case stood at submission: an approval, or medical review.
        "status_sentence": APPROVED_SENTENCE if approved else IN_REVIEW_SENTENCE,
        "provider_phone": case.contact_phone or (address.phone if address else ""),
        "provider_fax": case.contact_fax or (address.fax if address else ""),
        "site": _site_of(case),
    }


def _site_of(case: Case) -> dict:
    """Site Name, Site ID and Site Address: the site found by search, the requesting
    provider's office (11 - Office), or the member's home (12 - Home)."""
    if case.site is not None:
        site = case.site
        return {"name": site.name, "id": site.npi, "address": site}
    if case.rendered_in_office:
        return {
            "name": "The requesting provider's office (11 - Office)",
            "id": "",
            "address": case.practitioner_address,
        }
    if case.place_of_service == "12":
        return {"name": "The member's home (12 - Home)", "id": "", "address": case.member}
    return {"name": "", "id": "", "address": None}


@require_GET
def summary(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _submitted(request, public_id)
    _record(request, case, AccessEvent.Action.VIEW)
    return render(request, SUMMARY_TEMPLATE, _summary_context(case))


def summary_pdf_bytes(case: Case) -> bytes:
    """The summary as a PDF (a self-contained page: WeasyPrint fetches nothing)."""
    context = {**_summary_context(case), "portal_name": settings.PORTAL_NAME}
    return pdf_from_html(render_to_string(SUMMARY_PDF_TEMPLATE, context))


@require_GET
def summary_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """PRINT: the summary as a PDF, shown in the browser (its own tab)."""
    case = _submitted(request, public_id)
    pdf = summary_pdf_bytes(case)
    _record(request, case, AccessEvent.Action.PRINT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"summary-{case.case_number}.pdf"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def thank_you(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """ "Thank you for submitting a request for clinical certification. Would you like to:"
    and GO, which starts a new draft using the same program / provider / plan and opens its
    first step not complete."""
    case = _submitted(request, public_id)
    form = DuplicateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            new = case_duplicate(user=request.user, source=case, keep=form.cleaned_data["keep"])
        except CaseError as error:
            form.add_error("keep", error.message)
        else:
            following = steps.first_incomplete(new)
            if following is None:  # never for a new draft; kept safe all the same
                return redirect("cases:resume", public_id=new.public_id)
            return redirect(step_url(new, following.name))
    return render(
        request,
        THANK_YOU_TEMPLATE,
        {"case": case, "form": form, "keep_options": _keep_options(case, form)},
    )


def _keep_options(case: Case, form: DuplicateForm) -> list[dict]:
    """The radios with what each keeps, as the decks show them: "Program (Radiation Therapy
    Management Program)", "Provider (LAST, FIRST)"."""
    program = case.program.name
    practitioner = case.practitioner
    provider = ""
    if practitioner is not None:
        provider = f"{practitioner.last_name}, {practitioner.first_name}".upper()
    plan = case.health_plan.name if case.health_plan else ""
    details = {
        KEEP_PROGRAM: program,
        KEEP_PROVIDER: provider,
        KEEP_PROGRAM_PROVIDER: " and ".join(part for part in (program, provider) if part),
        KEEP_PROGRAM_PLAN: " and ".join(part for part in (program, plan) if part),
    }
    chosen = form["keep"].value()
    return [
        {"value": value, "label": label, "detail": details[value], "checked": value == chosen}
        for value, label in form.fields["keep"].choices
    ]
