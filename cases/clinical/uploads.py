"""Clinical uploads: checking each file by its content, storing the ones kept, and reading one
back for its case's office.

A file is kept only when it is what its extension says, by its content: a PDF parses with pypdf
and is not encrypted, a PNG decodes with Pillow, a DOC or DOCX is what libmagic says it is (and
a DOCX opens as the zip package Word writes). Empty files, files over the program's limit (5 MB;
DME 25 MB) and the 6th and later files of one upload are refused too, each with its own message;
the others are kept. A file is read once, in chunks, into a private temporary file (never more
than the limit plus one byte), hashed on the way, and checked there; kept files are stored under
random names in the default storage (MEDIA_ROOT, which no URL serves) with their original name,
kind, size and SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import IO
from uuid import UUID

import magic
from django.core.files import File
from django.db.models import QuerySet
from PIL import Image
from pypdf import PdfReader

from accounts.models import User
from cases.models import Case, Upload
from cases.selectors import cases_for_user

logger = logging.getLogger(__name__)

# The decks' limits: "max size 5MB" (DME: "max size 25MB"), up to FIVE documents per upload.
CLINICAL_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
EQUIPMENT_UPLOAD_MAX_BYTES = 25 * 1024 * 1024
UPLOAD_MAX_FILES = 5
# A PNG larger than this is not a clinical document but a decompression bomb: decoding it
# would take gigabytes.
PNG_MAX_PIXELS = 40_000_000
# What the browser's file picker offers (the server checks the content regardless).
UPLOAD_ACCEPT = ".doc,.docx,.pdf,.png"
UPLOAD_EXTENSIONS_CAPTION = ".DOC,.DOCX,.PDF,.PNG"

_CHUNK = 64 * 1024
_NAME_MAX = 255

REFUSED_EXTENSION = "{name}: only .DOC, .DOCX, .PDF and .PNG files can be uploaded."
REFUSED_EMPTY = "{name} is empty."
REFUSED_TOO_LARGE = "{name} is larger than {limit}, the largest file that can be uploaded."
REFUSED_TOO_MANY = (
    "{name} was not uploaded: at most " + str(UPLOAD_MAX_FILES) + " files can be uploaded at a "
    "time."
)
REFUSED_CONTENT = "{name} is not a readable {kind} file."
REFUSED_ENCRYPTED = "{name} is password-protected: remove the password and upload it again."

# What libmagic must say about each kind.
_MIME_TYPES = {
    Upload.Kind.PDF: "application/pdf",
    Upload.Kind.PNG: "image/png",
    Upload.Kind.DOC: "application/msword",
    Upload.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The content type a download is served with.
CONTENT_TYPES = dict(_MIME_TYPES)


def upload_max_bytes(case: Case) -> int:
    """The program's limit on one file: 5 MB, DME 25 MB."""
    if case.program.is_equipment:
        return EQUIPMENT_UPLOAD_MAX_BYTES
    return CLINICAL_UPLOAD_MAX_BYTES


def upload_limit_label(max_bytes: int) -> str:
    """ "5MB", "25MB" as the decks write them (whole megabytes), else kilobytes or bytes."""
    if max_bytes % (1024 * 1024) == 0:
        return f"{max_bytes // (1024 * 1024)}MB"
    if max_bytes % 1024 == 0:
        return f"{max_bytes // 1024}KB"
    return f"{max_bytes} bytes"


def upload_name_clean(name: str | None) -> str:
    """The file's own name as the user gave it, made safe to keep and show: its last path part
    only, printable characters, at most 255 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char if char.isprintable() else " " for char in name)
    name = " ".join(name.split())
    if name in ("", ".", ".."):
        return "unnamed file"
    if len(name) > _NAME_MAX:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: _NAME_MAX - len(extension)] + extension
    return name


def upload_kind_of(name: str) -> str | None:
    """The kind an allowed extension claims (case-insensitive), else None."""
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    return extension if extension in Upload.Kind.values else None


@dataclass
class CheckedFile:
    """A file that passed every check, waiting in its temporary file to be stored."""

    name: str
    kind: str
    size: int
    sha256: str
    content: IO[bytes]


@dataclass
class UploadCheck:
    """What one upload gave: the files to keep, in the order given, and one message per file
    refused."""

    accepted: list[CheckedFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@contextmanager
def uploads_checked(files: Iterable, *, max_bytes: int) -> Iterator[UploadCheck]:
    """Check each uploaded file (Django UploadedFile or any object with `name` and
    `chunks()`); the accepted ones' temporary files are open inside the block and removed
    after it."""
    check = UploadCheck()
    with ExitStack() as stack:
        for position, uploaded in enumerate(files, start=1):
            name = upload_name_clean(getattr(uploaded, "name", ""))
            if position > UPLOAD_MAX_FILES:
                check.refused.append(REFUSED_TOO_MANY.format(name=name))
                continue
            content = stack.enter_context(tempfile.TemporaryFile())
            result = _file_check(uploaded, name, content, max_bytes)
            if isinstance(result, str):
                check.refused.append(result)
                content.close()
            else:
                check.accepted.append(result)
        yield check


def _file_check(uploaded, name: str, content: IO[bytes], max_bytes: int) -> CheckedFile | str:
    kind = upload_kind_of(name)
    if kind is None:
        return REFUSED_EXTENSION.format(name=name)
    too_large = REFUSED_TOO_LARGE.format(name=name, limit=upload_limit_label(max_bytes))
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > max_bytes:
        return too_large
    copied = _copy_capped(uploaded, content, max_bytes)
    if copied is None:
        return too_large
    size, sha256 = copied
    if size == 0:
        return REFUSED_EMPTY.format(name=name)
    problem = _content_problem(kind, content)
    if problem is not None:
        return problem.format(name=name, kind=Upload.Kind(kind).label)
    content.seek(0)
    return CheckedFile(name=name, kind=kind, size=size, sha256=sha256, content=content)


def _copy_capped(uploaded, content: IO[bytes], max_bytes: int) -> tuple[int, str] | None:
    """Copy the upload into `content` chunk by chunk, hashing it; None as soon as it is over
    the limit (at most limit + 1 bytes are read)."""
    digest = hashlib.sha256()
    size = 0
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    for chunk in _chunks(uploaded, max_bytes + 1):
        size += len(chunk)
        if size > max_bytes:
            return None
        digest.update(chunk)
        content.write(chunk)
    content.flush()
    content.seek(0)
    return size, digest.hexdigest()


def _chunks(uploaded, budget: int) -> Iterator[bytes]:
    """The upload's bytes, never more than `budget` of them."""
    if hasattr(uploaded, "read"):
        while budget > 0:
            chunk = uploaded.read(min(_CHUNK, budget))
            if not chunk:
                return
            budget -= len(chunk)
            yield chunk
        return
    for chunk in uploaded.chunks(_CHUNK):
        yield chunk[:budget]
        budget -= len(chunk)
        if budget <= 0:
            return


def _content_problem(kind: str, content: IO[bytes]) -> str | None:
    """None when the content is what `kind` says; else the message template of the refusal."""
    content.flush()
    content.seek(0)
    # libmagic reads the temporary file itself (a compound document's directory may lie
    # anywhere in it), not a copy in memory.
    mime = magic.from_descriptor(content.fileno(), mime=True)
    if mime != _MIME_TYPES[kind]:
        return REFUSED_CONTENT
    content.seek(0)
    try:
        if kind == Upload.Kind.PDF:
            return _pdf_problem(content)
        if kind == Upload.Kind.PNG:
            return _png_problem(content)
        if kind == Upload.Kind.DOCX:
            return _docx_problem(content)
    except Exception as error:
        # Whatever the parser raises, the file is not what it claims to be. Only the error's
        # class is logged: its message may quote the document.
        logger.info("Upload refused: %s content does not parse (%s)", kind, type(error).__name__)
        return REFUSED_CONTENT
    return None


def _pdf_problem(content: IO[bytes]) -> str | None:
    reader = PdfReader(content)
    if reader.is_encrypted:
        return REFUSED_ENCRYPTED
    if len(reader.pages) == 0:
        return REFUSED_CONTENT
    for page in reader.pages:
        # Resolves every page object (a truncated file loses its cross-reference table and
        # fails before this); page content is not decompressed.
        page.mediabox  # noqa: B018
    return None


def _png_problem(content: IO[bytes]) -> str | None:
    with Image.open(content, formats=["PNG"]) as image:
        width, height = image.size
        if width * height > PNG_MAX_PIXELS:
            return REFUSED_CONTENT
        image.verify()
    content.seek(0)
    with Image.open(content, formats=["PNG"]) as image:
        image.load()
    return None


def _docx_problem(content: IO[bytes]) -> str | None:
    with zipfile.ZipFile(content) as package:
        names = set(package.namelist())
    if not {"[Content_Types].xml", "word/document.xml"} <= names:
        return REFUSED_CONTENT
    return None


def uploads_store(
    *, case: Case, files: Iterable[CheckedFile], by: User, for_urgency: bool = False
) -> list[Upload]:
    """Write checked files to storage under random names; the Upload rows are returned
    unsaved, for the caller to create under the case's row lock (and to remove with
    `uploads_discard` if it does not). Storage I/O stays outside the transaction."""
    stored: list[Upload] = []
    try:
        for checked in files:
            upload = Upload(
                case=case,
                original_name=checked.name,
                kind=checked.kind,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
                for_urgency=for_urgency,
            )
            checked.content.seek(0)
            upload.file.save(uuid.uuid4().hex, File(checked.content), save=False)
            stored.append(upload)
    except BaseException:
        uploads_discard(stored)
        raise
    return stored


def uploads_discard(uploads: Iterable[Upload]) -> None:
    """Remove stored files whose rows were never created."""
    for upload in uploads:
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)


def case_uploads(case: Case, *, for_urgency: bool | None = None) -> QuerySet[Upload]:
    """A case's uploads, oldest first (one query)."""
    uploads = Upload.objects.filter(case=case)
    if for_urgency is not None:
        uploads = uploads.filter(for_urgency=for_urgency)
    return uploads.order_by("uploaded_at", "pk")


def upload_for_download(*, user: User, public_id: UUID, upload_id: UUID) -> Upload:
    """One upload of one case the user may see (the case's office; reviewers come with the
    review queue), with its case and member for the access log. Raises Upload.DoesNotExist
    for anyone else, or for an upload of another case."""
    return Upload.objects.select_related("case__member").get(
        public_id=upload_id,
        case__public_id=public_id,
        case__in=cases_for_user(user),
    )


__all__ = [
    "CLINICAL_UPLOAD_MAX_BYTES",
    "CONTENT_TYPES",
    "EQUIPMENT_UPLOAD_MAX_BYTES",
    "UPLOAD_ACCEPT",
    "UPLOAD_EXTENSIONS_CAPTION",
    "UPLOAD_MAX_FILES",
    "CheckedFile",
    "UploadCheck",
    "case_uploads",
    "upload_for_download",
    "upload_kind_of",
    "upload_limit_label",
    "upload_max_bytes",
    "upload_name_clean",
    "uploads_checked",
    "uploads_discard",
    "uploads_store",
]
