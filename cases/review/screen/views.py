"""The reviewer's case screen (GET), its "Add note" form (POST) and an upload served to be
shown in the page. Reviewers only (404 for everyone else), only cases of their programs, and
every read written to the access log."""

from __future__ import annotations

from uuid import UUID

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.clinical.uploads import CONTENT_TYPES
from cases.errors import CaseError
from cases.files import private_file_response
from cases.models import Case, Upload
from cases.review.access import reviewer_required
from cases.review.decide.panel import decision_panel
from cases.review.screen import selectors
from cases.review.screen.forms import ReviewNoteForm
from cases.review.screen.services import review_note_add

CASE_TEMPLATE = "cases/review/case.html"
NOTE_ADDED = "Note added."
# The determination forms (approve, deny, hold...) come in their own partial,
# "cases/review/partials/decision.html": the page includes it once this is True.
DECISION_FORMS = True


def screen_case(request: HttpRequest, public_id: UUID) -> Case:
    """The case as the screen shows it, for a reviewer of its program; 404 otherwise."""
    try:
        return selectors.review_case_get_for(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error


def case_screen(
    request: HttpRequest,
    case: Case,
    *,
    note_form: ReviewNoteForm | None = None,
    decision: tuple[str, Form] | None = None,
) -> HttpResponse:
    """The case screen, its read written to the access log; `note_form` and `decision` (an
    action of the decision panel and its form) are the forms just sent, shown again with
    their messages."""
    access_event_record(
        request=request,
        user=request.user,
        action=AccessEvent.Action.VIEW,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=case.pk,
        member=case.member,
    )
    now = timezone.now()
    history = selectors.case_status_history(case)
    context = {
        "case": case,
        "reviewer_status": selectors.reviewer_status(case),
        "due": selectors.due_time_of(case, now=now),
        "hold_due": (
            selectors.DueTime(at=case.hold_due_at, now=now)
            if case.status == Case.Status.HOLD and case.hold_due_at
            else None
        ),
        "clinical": selectors.clinical_section(case),
        "uploads": list(selectors.case_uploads_for_review(case)),
        "shown_inline": selectors.SHOWN_INLINE,
        "notes": list(selectors.case_review_notes(case)),
        "note_form": note_form or ReviewNoteForm(),
        "history": history,
        "letters": list(selectors.case_letters_for_review(case)),
        "post_decision_requests": list(selectors.case_post_decision_requests(case)),
        "decision_forms": DECISION_FORMS,
        "decision": (
            decision_panel(case, request.user, now=now, history=history, posted=decision)
            if DECISION_FORMS
            else None
        ),
    }
    return render(request, CASE_TEMPLATE, context)


@reviewer_required
@require_GET
def review_case(request: HttpRequest, public_id: UUID) -> HttpResponse:
    case = screen_case(request, public_id)
    return case_screen(request, case)


@reviewer_required
@require_POST
def review_note(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add note: the note saved and back to the notes; bad input re-renders the screen with
    the message next to the field and the text kept."""
    form = ReviewNoteForm(request.POST)
    if form.is_valid():
        try:
            review_note_add(
                user=request.user,
                public_id=public_id,
                text=form.cleaned_data["text"],
                now=timezone.now(),
            )
        except Case.DoesNotExist as error:
            raise Http404("No such case.") from error
        except CaseError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, NOTE_ADDED)
            return redirect(reverse("cases:review-case", args=[public_id]) + "#notes")
    case = screen_case(request, public_id)
    return case_screen(request, case, note_form=form)


@reviewer_required
@require_GET
# Shown in the case screen's own <iframe>: framing by the portal's pages only.
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": [SELF]})
def review_upload(request: HttpRequest, public_id: UUID, upload_id: UUID) -> FileResponse:
    """A clinical upload of the case: PDF and PNG inline (shown in the page), DOC and DOCX as
    an attachment; never cached, each read written to the access log."""
    try:
        upload = selectors.review_upload_get_for(
            user=request.user, public_id=public_id, upload_id=upload_id
        )
    except Upload.DoesNotExist as error:
        raise Http404("No such document.") from error
    return private_file_response(
        request=request,
        file=upload.file,
        filename=upload.original_name,
        content_type=CONTENT_TYPES[upload.kind],
        as_attachment=upload.kind not in selectors.SHOWN_INLINE,
        subject_type=AccessEvent.SubjectType.UPLOAD,
        subject_id=upload.pk,
        member=upload.case.member,
    )
