"""Certification Requests In Progress: the office's drafts with Resume (to the first step not
complete) and Delete. Everyone in the office sees them; anyone else gets a 404."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessEvent
from accounts.services import access_events_record_many
from cases.models import Case
from cases.wizard import steps
from cases.wizard.drafts import DraftClosed, draft_delete, draft_for_view
from cases.wizard.selectors.drafts import draft_rows_for
from cases.wizard.views.common import (
    IN_PROGRESS_URL,
    closed_redirect,
    draft_view_record,
    step_url_by_id,
)

DELETED_MESSAGE = "The request has been deleted."


@require_GET
def in_progress(request: HttpRequest) -> HttpResponse:
    if request.user.office is None:
        raise Http404("Only office users have requests in progress.")
    in_progress_rows, expired_rows = draft_rows_for(request.user, now=timezone.now())
    members = {
        row.case.member_id: row.case.member
        for row in (*in_progress_rows, *expired_rows)
        if row.case.member_id
    }
    if members:
        access_events_record_many(
            request=request,
            user=request.user,
            members=members.values(),
            action=AccessEvent.Action.LIST,
        )
    return render(
        request,
        "cases/wizard/in_progress.html",
        {"rows": in_progress_rows, "expired_rows": expired_rows},
    )


@require_GET
def resume(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """To the first step not complete; past lock-in, to the clinical information."""
    try:
        case = draft_for_view(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except DraftClosed as closed:
        return closed_redirect(request, public_id, closed)
    step = None if case.is_locked else steps.first_incomplete(case)
    return redirect(step_url_by_id(case.public_id, step))


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET asks "Delete this request?"; POST deletes. Only an open draft can be deleted: an
    expired or submitted request stays."""
    try:
        case = draft_for_view(user=request.user, public_id=public_id)
        if request.method == "POST":
            draft_delete(user=request.user, public_id=public_id)
            messages.success(request, DELETED_MESSAGE)
            return redirect(IN_PROGRESS_URL)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except DraftClosed as closed:
        messages.warning(request, closed.message)
        return redirect(IN_PROGRESS_URL)
    draft_view_record(request, case)
    return render(request, "cases/wizard/delete_confirm.html", {"case": case})
