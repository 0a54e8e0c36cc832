"""The last two stages before submission: "Is there any additional information specific to
the member's condition you would like to provide?" and the attestation with SUBMIT CASE.

Both load the office's locked-in draft (404 for anyone else's) and send the user where the
case belongs when this stage is not open: the summary once submitted, the list when expired,
the wizard before lock-in, the current clinical stage when an earlier one is not done."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.clinical.forms.finishing import (
    NOTES_MAX_LENGTH,
    AdditionalInfoForm,
    AttestationForm,
)
from cases.clinical.stages import StageClosed, stage_closed
from cases.clinical.submission import (
    WITH_NOTES,
    WITH_UPLOAD,
    additional_info_save,
    case_submit,
)
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
from cases.clinical.views.common import stage_closed_redirect
from cases.errors import CaseError
from cases.models import Case
from cases.selectors import cases_for_user, draft_with_related
from cases.wizard import steps
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    FINISH_LATER_SAVED,
    IN_PROGRESS_URL,
    draft_view_record,
    finish_later_unsaved,
)

ADDITIONAL_TEMPLATE = "cases/clinical/additional.html"
UPLOAD_FIELD = "files"
SUBMIT_TEMPLATE = "cases/clinical/submit.html"


def _stage_case(request: HttpRequest, public_id: UUID, stage: str) -> Case | HttpResponse:
    """The office's locked-in draft with `stage` open, or where the user should go instead."""
    try:
        case = draft_with_related(cases_for_user(request.user)).get(public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    if closed := stage_closed(case, stage, now=timezone.now()):
        return stage_closed_redirect(request, public_id, closed)
    return case


def _finish_later_saved(request: HttpRequest, case: Case) -> HttpResponse:
    messages.success(request, FINISH_LATER_SAVED.format(last_day=case.last_day))
    return redirect(IN_PROGRESS_URL)


def _page(request: HttpRequest, case: Case, template: str, context: dict) -> HttpResponse:
    """A stage's page: the case's patient is shown, so the view is logged."""
    draft_view_record(request, case)
    page = {
        "case": case,
        "percent_complete": steps.percent_complete(case),
        "finish_later_field": FINISH_LATER_FIELD,
        **context,
    }
    return render(request, template, page)


@require_http_methods(["GET", "POST"])
def additional(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = _stage_case(request, public_id, "additional")
    if isinstance(case, HttpResponse):
        return case
    if request.method == "GET":
        form = AdditionalInfoForm(
            initial={"additional_info": case.additional_info or None, "notes": case.notes}
        )
        return _additional_page(request, case, form)
    form = AdditionalInfoForm(request.POST)
    if form.is_valid():
        choice = form.cleaned_data["additional_info"]
        files = request.FILES.getlist(UPLOAD_FIELD) if choice in WITH_UPLOAD else []
        # Files are checked and stored before the case's row is locked (no I/O under the
        # lock); the service adds them to the case, or removes them when it cannot.
        with uploads_checked(files, max_bytes=upload_max_bytes(case)) as check:
            stored = uploads_store(case=case, files=check.accepted, by=request.user)
        try:
            saved = additional_info_save(
                user=request.user,
                public_id=case.public_id,
                additional_info=choice,
                notes=form.cleaned_data["notes"],
                uploads=stored,
            )
        except Case.DoesNotExist as error:
            raise Http404("No such request.") from error
        except StageClosed as closed:
            return stage_closed_redirect(request, public_id, closed)
        except CaseError as error:
            form.add_error(None, error.message)
        else:
            if check.refused:
                # The good files are kept; each refused one is named, and the page stays.
                return _additional_page(
                    request,
                    case,
                    AdditionalInfoForm(initial={"additional_info": choice, "notes": saved.notes}),
                    refused=check.refused,
                    uploaded_now=len(stored),
                )
            if FINISH_LATER_FIELD in request.POST:
                return _finish_later_saved(request, saved)
            return redirect("cases:clinical-submit", public_id=saved.public_id)
    if unsaved := finish_later_unsaved(request):
        return unsaved
    return _additional_page(request, case, form)


def _additional_page(
    request: HttpRequest,
    case: Case,
    form: AdditionalInfoForm,
    *,
    refused: list[str] | None = None,
    uploaded_now: int = 0,
) -> HttpResponse:
    max_bytes = upload_max_bytes(case)
    return _page(
        request,
        case,
        ADDITIONAL_TEMPLATE,
        {
            "form": form,
            "refused": refused or [],
            "uploaded_now": uploaded_now,
            "uploads": case_uploads(case),
            "upload_field": UPLOAD_FIELD,
            "upload_inputs": range(UPLOAD_MAX_FILES),
            "upload_accept": UPLOAD_ACCEPT,
            "upload_caption": (
                f"Browse for file to upload (max size {upload_limit_label(max_bytes)}, "
                f"allowable extensions {UPLOAD_EXTENSIONS_CAPTION}):"
            ),
            "notes_max_length": NOTES_MAX_LENGTH,
            "with_notes": [str(choice) for choice in WITH_NOTES],
            "with_upload": [str(choice) for choice in WITH_UPLOAD],
            "fax_note": (
                f"Please note that faxes received by {settings.PORTAL_NAME} may take up to 24 "
                "hours to process. Web uploaded documents have faster processing."
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    form = AttestationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and FINISH_LATER_FIELD not in request.POST and form.is_valid():
        # SUBMIT CASE checks the stage itself, under the case's lock: the page's read of the
        # draft (six joins) is not needed on the way to the summary.
        try:
            submitted = case_submit(user=request.user, public_id=public_id, now=timezone.now())
        except Case.DoesNotExist as error:
            raise Http404("No such request.") from error
        except StageClosed as closed:
            return stage_closed_redirect(request, public_id, closed)
        return redirect("cases:summary", public_id=submitted.public_id)
    case = _stage_case(request, public_id, "submit")
    if isinstance(case, HttpResponse):
        return case
    if request.method == "POST" and FINISH_LATER_FIELD in request.POST:
        # Nothing on this page is kept until SUBMIT CASE: the draft stays as it is.
        return _finish_later_saved(request, case)
    return _page(request, case, SUBMIT_TEMPLATE, {"form": form})
