"""ALL POST DECISION OPTIONS, P2P AVAILABILITY, the reconsideration and appeal request forms,
and Accept Alternative (POST). Only the office's submitted cases: anything else is a 404.
Every page shows the case, so every page writes the access log."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.clinical.uploads import (
    UPLOAD_ACCEPT,
    UPLOAD_EXTENSIONS_CAPTION,
    UPLOAD_MAX_FILES,
    upload_limit_label,
    upload_max_bytes,
    uploads_checked,
    uploads_store,
)
from cases.errors import CaseError
from cases.models import Case, PostDecisionRequest
from cases.post_decision import rules
from cases.post_decision.alternative import alternative_offer
from cases.post_decision.facts import CaseFacts, portal_today
from cases.post_decision.forms import LABELS, PostDecisionRequestForm
from cases.post_decision.selectors import (
    case_for_post_decision,
    post_decision_facts,
    request_supporting_records,
)
from cases.post_decision.services import post_decision_request_make
from cases.post_decision.wording import day_text
from cases.review.decisions import alternative_accept
from p2p.status import p2p_status_text

OPTIONS_TEMPLATE = "cases/post_decision/options.html"
P2P_TEMPLATE = "cases/post_decision/p2p_availability.html"
P2P_PARTIAL_TEMPLATE = "cases/post_decision/partials/p2p_result.html"
REQUEST_TEMPLATE = "cases/post_decision/request.html"

Kind = PostDecisionRequest.Kind
REQUEST_URL_NAMES = {
    Kind.RECONSIDERATION: "cases:reconsideration-request",
    Kind.APPEAL: "cases:appeal-request",
}
REQUEST_TITLES = {
    Kind.RECONSIDERATION: "Request a Reconsideration",
    Kind.APPEAL: "Request an Appeal",
}
RECEIVED_MESSAGES = {
    Kind.RECONSIDERATION: "Your reconsideration request has been received.",
    Kind.APPEAL: "Your appeal request has been received.",
}
ALREADY_MESSAGE = "This {what} was already requested on {day}: it is the request below."
ALTERNATIVE_ACCEPTED = (
    "Alternative accepted: case {case_number} is approved for {code}, authorization number "
    "{authorization_number}. The approval letter will be in Correspondence shortly."
)
# Where Accept Alternative goes back to: the page it was pressed on.
ALTERNATIVE_BACK = {
    "options": "cases:post-decision-options",
    "lookup": "cases:authorization",
}


def _case(request: HttpRequest, public_id: UUID) -> Case:
    try:
        return case_for_post_decision(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error


def _record(request: HttpRequest, case: Case) -> None:
    access_event_record(
        request=request,
        user=request.user,
        action=AccessEvent.Action.VIEW,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=case.pk,
        member=case.member,
    )


def p2p_request_url(case: Case, eligibility: rules.P2PEligibility) -> str | None:
    """Where "Request Peer to Peer Consultation" leads: New P2P Request with the case filled in,
    for an eligible case."""
    if not eligibility.eligible:
        return None
    return f"{reverse('p2p:new')}?{urlencode({'case': str(case.public_id)})}"


def _option_rows(case: Case, options: list[rules.OptionAnswer], facts: CaseFacts):
    """Each option with the button that acts on it: the request forms (or the request already
    made), P2P AVAILABILITY, and a new request for a retrospective review."""
    rows = []
    for option in options:
        action_url, action_label = None, ""
        if option.kind == rules.OptionKind.PEER_TO_PEER:
            action_url = reverse("cases:p2p-availability", kwargs={"public_id": case.public_id})
            action_label = "P2P AVAILABILITY"
        elif option.kind in REQUEST_URL_NAMES:
            made = facts.request_of(option.kind)
            if made is not None or option.request_kind:
                action_url = reverse(
                    REQUEST_URL_NAMES[option.kind], kwargs={"public_id": case.public_id}
                )
                action_label = "VIEW REQUEST" if made else f"REQUEST {option.title.upper()}"
        elif option.kind == rules.OptionKind.RETROSPECTIVE and option.applies:
            action_url = reverse("cases:start")
            action_label = "REQUEST AN AUTHORIZATION"
        rows.append({"option": option, "action_url": action_url, "action_label": action_label})
    return rows


@require_GET
def post_decision_options(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _case(request, public_id)
    facts = post_decision_facts(case)
    options = rules.post_decision_options(facts, now=timezone.now())
    _record(request, case)
    reconsideration = next(
        (option for option in options if option.kind == rules.OptionKind.RECONSIDERATION), None
    )
    context = {
        "case": case,
        "facts": facts,
        "rows": _option_rows(case, options, facts),
        "alternative": alternative_offer(case, now=timezone.now(), reconsideration=reconsideration),
        "alternative_back": "options",
    }
    return render(request, OPTIONS_TEMPLATE, context)


@require_POST
def alternative_accept_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Accept Alternative: the case approved for the service recommended (the medical review's
    service checks the recommendation is open and its last day not passed, under the case's
    lock); a refusal is shown on the page it was pressed on."""
    back = ALTERNATIVE_BACK.get(request.POST.get("back", ""), ALTERNATIVE_BACK["lookup"])
    try:
        case = alternative_accept(user=request.user, public_id=public_id, now=timezone.now())
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error
    except CaseError as error:
        messages.error(request, error.message)
        return redirect(back, public_id=public_id)
    line = case.procedure_lines.select_related("procedure_code").order_by("-position").first()
    messages.success(
        request,
        ALTERNATIVE_ACCEPTED.format(
            case_number=case.case_number,
            code=line.procedure_code.code,
            authorization_number=case.authorization_number,
        ),
    )
    return redirect(back, public_id=public_id)


@require_GET
def p2p_availability(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """P2P AVAILABILITY: the Authorization Lookup lines with "P2P Eligibility Result". An htmx
    request (the lookup's button) gets the lines alone, to show in place."""
    case = _case(request, public_id)
    eligibility = rules.p2p_eligibility(post_decision_facts(case), now=timezone.now())
    _record(request, case)
    context = {
        "case": case,
        "eligibility": eligibility,
        "p2p_request_url": p2p_request_url(case, eligibility),
        "p2p_status": p2p_status_text(case),
    }
    template = P2P_PARTIAL_TEMPLATE if request.htmx else P2P_TEMPLATE
    response = render(request, template, context)
    # The same URL answers a page or a fragment: a cache must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def reconsideration_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _request_page(request, public_id, Kind.RECONSIDERATION)


@require_http_methods(["GET", "POST"])
def appeal_request(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _request_page(request, public_id, Kind.APPEAL)


def _request_page(request: HttpRequest, public_id: UUID, kind: str) -> HttpResponse:
    """The form while the option applies; the request once made (a POST redirects here); why
    not otherwise. A POST is checked again by the service, under the case's lock."""
    case = _case(request, public_id)
    made = next((item for item in case.post_decision_requests.all() if item.kind == kind), None)
    if made is not None:
        if request.method == "POST":
            messages.info(request, _already(kind, made))
            return redirect(REQUEST_URL_NAMES[kind], public_id=case.public_id)
        return _request_render(request, case, kind, made=made)
    option = rules.request_option(post_decision_facts(case), kind, now=timezone.now())
    if request.method != "POST":
        form = PostDecisionRequestForm(
            kind=kind,
            initial={"contact_name": case.contact_name, "contact_phone": case.contact_phone},
        )
        return _request_render(request, case, kind, form=form, option=option)
    form = PostDecisionRequestForm(request.POST, request.FILES, kind=kind)
    if not form.is_valid():
        # Browsers do not send files again: say so when some were chosen.
        files_dropped = bool(request.FILES.getlist("files"))
        return _request_render(
            request, case, kind, form=form, option=option, files_dropped=files_dropped
        )
    # Files are checked and stored before the case's row is locked (no I/O under the lock);
    # the service adds them to the request, or removes them when it makes none.
    with uploads_checked(form.cleaned_data["files"], max_bytes=upload_max_bytes(case)) as check:
        if check.refused:
            form.files_refused(check.refused)
            return _request_render(request, case, kind, form=form, option=option)
        stored = uploads_store(case=case, files=check.accepted, by=request.user)
    try:
        made, created = post_decision_request_make(
            user=request.user,
            public_id=case.public_id,
            kind=kind,
            contact_name=form.cleaned_data["contact_name"],
            contact_phone=form.cleaned_data["contact_phone"],
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
            uploads=stored,
        )
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error
    except CaseError as error:
        return _request_render(request, case, kind, form=form, option=option, refusal=error.message)
    if created:
        messages.success(request, RECEIVED_MESSAGES[kind])
    else:
        messages.info(request, _already(kind, made))
    return redirect(REQUEST_URL_NAMES[kind], public_id=case.public_id)


def _already(kind: str, made: PostDecisionRequest) -> str:
    day = day_text(portal_today(made.requested_at))
    return ALREADY_MESSAGE.format(what=Kind(kind).label.lower(), day=day)


def _request_render(
    request: HttpRequest,
    case: Case,
    kind: str,
    *,
    made: PostDecisionRequest | None = None,
    form: PostDecisionRequestForm | None = None,
    option: rules.OptionAnswer | None = None,
    refusal: str = "",
    files_dropped: bool = False,
) -> HttpResponse:
    # The form is offered only while the portal takes this request; a refused POST keeps what
    # was typed on the page, read-only, so nothing is lost.
    open_here = option is not None and option.applies and option.request_kind == kind
    max_bytes = upload_max_bytes(case)
    _record(request, case)
    return render(
        request,
        REQUEST_TEMPLATE,
        {
            "case": case,
            "kind": kind,
            "title": REQUEST_TITLES[kind],
            "made": made,
            "form": form,
            "option": option,
            "open_here": open_here and not refusal,
            "refusal": refusal,
            "reason_label": LABELS[kind][0],
            "files_dropped": files_dropped,
            "supporting_records": request_supporting_records(case, kind) if made else (),
            "upload_form": form,
            "upload_max_label": upload_limit_label(max_bytes),
            "upload_accept": UPLOAD_ACCEPT,
            "upload_extensions": UPLOAD_EXTENSIONS_CAPTION,
            "upload_inputs": range(1, UPLOAD_MAX_FILES + 1),
        },
    )
