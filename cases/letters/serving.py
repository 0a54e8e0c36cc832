"""A letter's PDF served back to someone allowed to read it (the office's Correspondence and the
letters' admin), through cases.files.private_file_response."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from accounts.models import AccessEvent
from cases.files import private_file_response
from cases.letters.rendering import letter_filename
from cases.models import Letter


def letter_response(request: HttpRequest, letter: Letter) -> FileResponse:
    """The letter's PDF as stored, shown in the browser to read or print."""
    return private_file_response(
        request=request,
        file=letter.file,
        filename=letter_filename(letter),
        content_type="application/pdf",
        as_attachment=False,
        subject_type=AccessEvent.SubjectType.LETTER,
        subject_id=letter.pk,
        member=letter.case.member,
    )


__all__ = ["letter_response"]
