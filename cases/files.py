"""A private stored file served back to someone allowed to read it: opened (a file gone from
the storage is a 404), its read written to the access log, named for the browser and never
cached. Clinical uploads and letters are served with it."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

from accounts.models import AccessEvent
from accounts.services import access_event_record


def private_file_response(
    *,
    request: HttpRequest,
    file: FieldFile,
    filename: str,
    content_type: str,
    as_attachment: bool,
    subject_type: str,
    subject_id: object,
    member=None,
) -> FileResponse:
    """The file as a response (inline to read or print, or as an attachment), logged as a
    DOWNLOAD of its subject once it is known to be there."""
    try:
        content = file.open("rb")
    except FileNotFoundError as error:
        raise Http404("No such file.") from error
    access_event_record(
        request=request,
        user=request.user,
        action=AccessEvent.Action.DOWNLOAD,
        subject_type=subject_type,
        subject_id=subject_id,
        member=member,
    )
    response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=as_attachment, filename=filename
    )
    response["Cache-Control"] = "no-store"
    return response
