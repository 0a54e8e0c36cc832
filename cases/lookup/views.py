"""Authorization Lookup (by member information, or by authorization number and NPI), its result
page for one case with PRINT, and Upload Additional Clinical.

Searches are POSTs (no patient data in a URL), rate-limited per user and logged; a search that
finds nothing answers with the same page, status and message whatever the reason. The result
and upload pages show only the office's submitted cases (404 for anything else) and log every
view."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.clinical.uploads import (
    UPLOAD_ACCEPT,
    UPLOAD_EXTENSIONS_CAPTION,
    UPLOAD_MAX_FILES,
    case_uploads,
    upload_limit_label,
    upload_max_bytes,
    uploads_checked,
    uploads_store,
)
from cases.errors import CaseError
from cases.lookup.forms import (
    MEMBER,
    NUMBER,
    SEARCH_CHOICES,
    SEARCH_FIELD,
    SEARCH_REQUIRED,
    AdditionalClinicalForm,
    MemberSearchForm,
    NumberSearchForm,
)
from cases.lookup.printing import authorization_pdf_bytes
from cases.lookup.selectors import (
    AuthorizationResult,
    authorization_result,
    case_for_authorization,
    case_for_upload,
    clinical_accepted,
    procedure_lines_of,
)
from cases.lookup.services import (
    NO_LONGER_ACCEPTED,
    LookupOutcome,
    additional_clinical_add,
    authorization_lookup_by_member,
    authorization_lookup_by_number,
    lookup_allow,
    member_ref,
)
from cases.models import Case, PostDecisionRequest
from cases.post_decision import rules
from cases.post_decision.alternative import AlternativeOffer, alternative_offer
from cases.post_decision.selectors import case_for_post_decision, post_decision_facts

LOOKUP_TEMPLATE = "cases/lookup/lookup.html"
CASES_TEMPLATE = "cases/lookup/cases.html"
AUTHORIZATION_TEMPLATE = "cases/lookup/authorization.html"
UPLOAD_TEMPLATE = "cases/lookup/upload_clinical.html"

NOT_FOUND = (
    "No authorization was found for the information entered. Check the information and "
    "search again."
)
TOO_MANY = (
    "You have made too many lookups in a short time. Please wait a minute, then search again."
)


# --- Authorization Lookup ---------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def authorization_lookup(request: HttpRequest) -> HttpResponse:
    search_by = request.POST.get(SEARCH_FIELD) if request.method == "POST" else None
    today = timezone.localdate()
    member_form = MemberSearchForm(
        request.POST if search_by == MEMBER else None, prefix=MEMBER, today=today
    )
    number_form = NumberSearchForm(request.POST if search_by == NUMBER else None, prefix=NUMBER)
    page = {"member_form": member_form, "number_form": number_form, "search_by": search_by}
    if request.method == "GET":
        return _lookup_page(request, page)
    if search_by not in (MEMBER, NUMBER):
        return _lookup_page(request, page | {"search_error": SEARCH_REQUIRED})
    form = member_form if search_by == MEMBER else number_form
    if not lookup_allow(user=request.user):
        return _lookup_page(request, page | {"too_many": TOO_MANY}, status=429)
    if not form.is_valid():
        return _lookup_page(request, page)
    outcome = _search(request, search_by, form.cleaned_data)
    if not outcome.cases:
        form.add_error(None, NOT_FOUND)
        return _lookup_page(request, page)
    if len(outcome.cases) == 1:
        return redirect("cases:authorization", public_id=outcome.cases[0].public_id)
    return render(request, CASES_TEMPLATE, {"cases": outcome.cases, "more": outcome.more})


def _search(request: HttpRequest, search_by: str, data: dict) -> LookupOutcome:
    if search_by == NUMBER:
        return authorization_lookup_by_number(
            request=request, user=request.user, npi=data["npi"], number=data["number"]
        )
    return authorization_lookup_by_member(
        request=request,
        user=request.user,
        health_plan=data["health_plan"],
        npi=data["npi"],
        patient_id=data["patient_id"],
        date_of_birth=data["date_of_birth"],
        case_number=data["case_number"],
        authorization_number=data["authorization_number"],
    )


def _lookup_page(request: HttpRequest, page: dict, *, status: int = 200) -> HttpResponse:
    return render(
        request, LOOKUP_TEMPLATE, page | {"search_choices": SEARCH_CHOICES}, status=status
    )


# --- The result of one case -------------------------------------------------------------------


def _record(request: HttpRequest, case: Case, action: str) -> None:
    access_event_record(
        request=request,
        user=request.user,
        action=action,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=case.pk,
        member=member_ref(case.member_id),
    )


def _authorization(request: HttpRequest, public_id: UUID) -> AuthorizationResult:
    try:
        case = case_for_authorization(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such authorization.") from error
    return authorization_result(case, procedure_lines_of(case))


@require_GET
def authorization(request: HttpRequest, public_id: UUID) -> HttpResponse:
    result = _authorization(request, public_id)
    _record(request, result.case, AccessEvent.Action.VIEW)
    context = {
        "result": result,
        "alternative": _alternative(request, result.case),
        "alternative_back": "lookup",
    }
    return render(request, AUTHORIZATION_TEMPLATE, context)


def _alternative(request: HttpRequest, case: Case) -> AlternativeOffer | None:
    """The case's open alternative recommendation with the other option, a reconsideration of
    the original request, as ALL POST DECISION OPTIONS decides it (its rules read the case's
    facts: three more queries, for such a case only)."""
    now = timezone.now()
    offer = alternative_offer(case, now=now)
    if offer is None:
        return None
    facts = post_decision_facts(case_for_post_decision(user=request.user, public_id=case.public_id))
    reconsideration = rules.request_option(facts, PostDecisionRequest.Kind.RECONSIDERATION, now=now)
    return replace(offer, reconsideration=reconsideration)


@require_GET
def authorization_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """PRINT: the result as a PDF, shown in the browser (its own tab)."""
    result = _authorization(request, public_id)
    pdf = authorization_pdf_bytes(result)
    case = result.case
    _record(request, case, AccessEvent.Action.PRINT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"authorization-{case.case_number}.pdf"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Upload Additional Clinical ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def upload_clinical(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        case = case_for_upload(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such authorization.") from error
    if not clinical_accepted(case):
        closed = NO_LONGER_ACCEPTED.format(status=case.get_status_display())
        return _upload_page(
            request, case, closed=closed, status=200 if request.method == "GET" else 409
        )
    if request.method == "GET":
        return _upload_page(request, case, AdditionalClinicalForm())
    form = AdditionalClinicalForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, case, form)
    # Files are checked and stored before the case's row is locked (no I/O under the lock);
    # the service adds them to the case, or removes them when it cannot.
    with uploads_checked(form.cleaned_data["files"], max_bytes=upload_max_bytes(case)) as check:
        if not check.accepted:
            form.files_refused(check.refused)
            return _upload_page(request, case, form)
        stored = uploads_store(case=case, files=check.accepted, by=request.user)
    try:
        outcome = additional_clinical_add(
            user=request.user,
            public_id=case.public_id,
            uploads=stored,
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except Case.DoesNotExist as error:
        raise Http404("No such authorization.") from error
    except CaseError as error:
        case.refresh_from_db(fields=["status"])
        return _upload_page(request, case, closed=error.message, status=409)
    for upload in outcome.kept:
        messages.success(request, f"{upload.original_name} was uploaded.")
    if outcome.kept:
        messages.success(
            request,
            "Additional clinical received: the case has been sent back to review."
            if outcome.back_to_review
            else "Additional clinical received.",
        )
    for refused in [*check.refused, *outcome.duplicates]:
        messages.warning(request, refused)
    if check.refused:
        # The good files are kept; the page stays, for the refused ones to be sent again.
        return redirect("cases:upload-clinical", public_id=case.public_id)
    return redirect("cases:authorization", public_id=case.public_id)


def _upload_page(
    request: HttpRequest,
    case: Case,
    form: AdditionalClinicalForm | None = None,
    *,
    closed: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page (the case's documents are listed: its view is logged)."""
    _record(request, case, AccessEvent.Action.VIEW)
    context = {
        "case": case,
        "upload_form": form,
        "closed": closed,
        "uploads": case_uploads(case),
        "upload_max_label": upload_limit_label(upload_max_bytes(case)),
        "upload_accept": UPLOAD_ACCEPT,
        "upload_extensions": UPLOAD_EXTENSIONS_CAPTION,
        "upload_inputs": range(1, UPLOAD_MAX_FILES + 1),
    }
    return render(request, UPLOAD_TEMPLATE, context, status=status)
