""" "Proceed to Clinical Information": "Is this case Routine/Standard?" YES / NO, and for NO
the "Urgency Indicator" criteria with the "Clinical Upload" box (UPLOAD / SKIP UPLOAD).

One URL: YES saves and goes on; NO shows the criteria and the upload box (nothing saved yet);
UPLOAD or SKIP UPLOAD saves the answer with the files kept and goes on, or, when every file was
refused, shows the page again with each file's message."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cases.clinical.forms.urgency import UPLOAD, RoutineForm, UrgencyUploadForm
from cases.clinical.stages import StageClosed
from cases.clinical.uploads import (
    UPLOAD_ACCEPT,
    UPLOAD_EXTENSIONS_CAPTION,
    UPLOAD_MAX_FILES,
    case_uploads,
    upload_limit_label,
    upload_max_bytes,
)
from cases.clinical.urgency import (
    AlreadyAnswered,
    urgency_case_for_view,
    urgency_next_url_name,
    urgency_routine_answer,
    urgency_token,
    urgency_urgent_answer,
)
from cases.clinical.views.common import stage_closed_redirect
from cases.models import Case
from cases.wizard import steps
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    FINISH_LATER_SAVED,
    IN_PROGRESS_URL,
    draft_view_record,
)

TEMPLATE = "cases/clinical/urgency.html"


@require_http_methods(["GET", "POST"])
def urgency(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        case = urgency_case_for_view(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except StageClosed as closed:
        return stage_closed_redirect(request, public_id, closed)
    uploads = list(case_uploads(case, for_urgency=True))
    token = urgency_token(case, [upload.pk for upload in uploads])
    if request.method == "GET":
        return _page(request, case, uploads, token, showing_criteria=case.is_routine is False)
    if FINISH_LATER_FIELD in request.POST:
        # Nothing of this page is saved before YES, UPLOAD or SKIP UPLOAD.
        messages.success(request, FINISH_LATER_SAVED.format(last_day=case.last_day))
        return redirect(IN_PROGRESS_URL)
    if "action" in request.POST:
        return _urgent_answer(request, case, uploads, token)
    return _routine_answer(request, case, uploads, token)


def _routine_answer(request, case, uploads, token) -> HttpResponse:
    form = RoutineForm(request.POST)
    if not form.is_valid():
        return _page(request, case, uploads, token, routine_form=form, status=200)
    if not form.is_routine:
        # NO: the criteria and the upload box, on this page.
        return _page(request, case, uploads, token, showing_criteria=True)
    try:
        case = urgency_routine_answer(
            user=request.user, public_id=case.public_id, token=form.cleaned_data["state"]
        )
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except StageClosed as closed:
        return stage_closed_redirect(request, case.public_id, closed)
    except AlreadyAnswered as answered:
        return _already_answered(request, case, answered)
    return redirect(urgency_next_url_name(case), public_id=case.public_id)


def _urgent_answer(request, case, uploads, token) -> HttpResponse:
    form = UrgencyUploadForm(request.POST, request.FILES, has_uploads=bool(uploads))
    if not form.is_valid():
        return _page(request, case, uploads, token, upload_form=form, showing_criteria=True)
    try:
        outcome = urgency_urgent_answer(
            user=request.user,
            public_id=case.public_id,
            criterion=form.cleaned_data["criterion"],
            files=form.cleaned_data["files"] if form.cleaned_data["action"] == UPLOAD else [],
            token=form.cleaned_data["state"],
        )
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except StageClosed as closed:
        return stage_closed_redirect(request, case.public_id, closed)
    except AlreadyAnswered as answered:
        return _already_answered(request, case, answered)
    if not outcome.saved:
        form.files_refused(outcome.refused)
        return _page(request, case, uploads, token, upload_form=form, showing_criteria=True)
    for refused in outcome.refused:
        messages.warning(request, refused)
    for upload in outcome.kept:
        messages.success(request, f"{upload.original_name} was uploaded.")
    if outcome.case.is_urgent:
        messages.success(request, outcome.message)
    else:
        messages.info(request, outcome.message)
    return redirect(urgency_next_url_name(outcome.case), public_id=case.public_id)


def _already_answered(request, case: Case, answered: AlreadyAnswered) -> HttpResponse:
    messages.info(request, answered.message)
    case.refresh_from_db()
    return redirect(urgency_next_url_name(case), public_id=case.public_id)


def _page(
    request,
    case: Case,
    uploads,
    token: str,
    *,
    routine_form: RoutineForm | None = None,
    upload_form: UrgencyUploadForm | None = None,
    showing_criteria: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The page, shown with what was answered before (a second visit) or the input sent."""
    draft_view_record(request, case)
    if upload_form is None:
        upload_form = UrgencyUploadForm(
            initial={"criterion": case.urgency_criterion or None}, has_uploads=bool(uploads)
        )
    max_bytes = upload_max_bytes(case)
    context = {
        "case": case,
        "percent_complete": steps.percent_complete(case),
        "routine_form": routine_form or RoutineForm(),
        "upload_form": upload_form,
        "showing_criteria": showing_criteria,
        "uploads": uploads,
        "state": token,
        "upload_max_label": upload_limit_label(max_bytes),
        "upload_accept": UPLOAD_ACCEPT,
        "upload_extensions": UPLOAD_EXTENSIONS_CAPTION,
        "upload_inputs": range(1, UPLOAD_MAX_FILES + 1),
        "finish_later_field": FINISH_LATER_FIELD,
    }
    return render(request, TEMPLATE, context, status=status)
