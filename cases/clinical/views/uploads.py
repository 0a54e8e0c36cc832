"""A clinical upload served back: only to the office of its case (reviewers with the review
queue), always as an attachment with the type its content was checked to be, and every download
written to the access log."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from accounts.models import AccessEvent
from cases.clinical.uploads import CONTENT_TYPES, upload_for_download
from cases.files import private_file_response
from cases.models import Upload


@require_GET
def download(request: HttpRequest, public_id: UUID, upload_id: UUID) -> FileResponse:
    try:
        upload = upload_for_download(user=request.user, public_id=public_id, upload_id=upload_id)
    except Upload.DoesNotExist as error:
        raise Http404("No such document.") from error
    return private_file_response(
        request=request,
        file=upload.file,
        filename=upload.original_name,
        content_type=CONTENT_TYPES[upload.kind],
        as_attachment=True,
        subject_type=AccessEvent.SubjectType.UPLOAD,
        subject_id=upload.pk,
        member=upload.case.member,
    )
