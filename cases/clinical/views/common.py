"""What every clinical stage's view does when its stage is closed."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from cases.clinical.stages import StageClosed
from cases.wizard.views.common import IN_PROGRESS_URL


def stage_closed_redirect(
    request: HttpRequest, public_id: UUID, closed: StageClosed
) -> HttpResponse:
    """An expired request goes to the list, a submitted one to its summary (a double click of
    SUBMIT CASE lands there), one not locked in or with an earlier stage not done to where its
    clinical information stands."""
    if closed.where == "in-progress":
        messages.warning(request, closed.message)
        return redirect(IN_PROGRESS_URL)
    if closed.where == "summary":
        return redirect("cases:summary", public_id=public_id)
    messages.info(request, closed.message)
    return redirect("cases:wizard-clinical", public_id=public_id)
