"""VIEW CORRESPONDENCE / UPLOADS & FAXES: a submitted case's letters to the ordering provider
(each opened as a PDF to read or print) and its clinical uploads. Only the case's office:
anything else is a 404. Both pages write the access log."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.letters.selectors import (
    case_letters_pending,
    case_provider_letters,
    case_uploads_newest_first,
    correspondence_case_for,
    provider_letter_for,
)
from cases.letters.serving import letter_response
from cases.lookup.selectors import clinical_accepted
from cases.models import Case, Letter

CORRESPONDENCE_TEMPLATE = "cases/letters/correspondence.html"


@require_GET
def correspondence(request: HttpRequest, public_id: UUID) -> HttpResponse:
    try:
        case = correspondence_case_for(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such case.") from error
    access_event_record(
        request=request,
        user=request.user,
        action=AccessEvent.Action.VIEW,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=case.pk,
        member=case.member,
    )
    context = {
        "case": case,
        "letters": list(case_provider_letters(case)),
        "uploads": list(case_uploads_newest_first(case)),
        "letters_pending": case_letters_pending(case),
        # Authorization Lookup's UPLOAD ADDITIONAL CLINICAL, by its own rule.
        "can_upload": clinical_accepted(case),
    }
    return render(request, CORRESPONDENCE_TEMPLATE, context)


@require_GET
def letter_pdf(request: HttpRequest, public_id: UUID, letter_id: UUID) -> FileResponse:
    """The letter as stored, shown in the browser (inline) to read or print; never cached."""
    try:
        letter = provider_letter_for(user=request.user, public_id=public_id, letter_id=letter_id)
    except Letter.DoesNotExist as error:
        raise Http404("No such letter.") from error
    return letter_response(request, letter)
