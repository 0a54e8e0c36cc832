"""A letter of a case served to its reviewers: the PDF as stored, to read or print (the case
screen's Letters section opens it in a new tab). Reviewers of the case's program only; anyone
else, office users included, gets 404. Every read is written to the access log
(cases.letters.serving.letter_response)."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from cases.letters.serving import letter_response
from cases.models import Letter
from cases.review.access import reviewer_required
from cases.review.screen.selectors import review_letter_get_for


@reviewer_required
@require_GET
def review_letter(request: HttpRequest, public_id: UUID, letter_id: UUID) -> FileResponse:
    try:
        letter = review_letter_get_for(user=request.user, public_id=public_id, letter_id=letter_id)
    except Letter.DoesNotExist as error:
        raise Http404("No such letter.") from error
    return letter_response(request, letter)
