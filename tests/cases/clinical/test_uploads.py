"""Clinical uploads checked by content (real PDF, PNG, DOC and DOCX bytes built here), the
limits on size and count, how kept files are stored, and the download."""

import hashlib
import io
import struct
import uuid
import zipfile
from pathlib import Path

import magic
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from accounts.models import AccessEvent
from cases.clinical import uploads
from cases.clinical.uploads import (
    REFUSED_CONTENT,
    REFUSED_EMPTY,
    REFUSED_ENCRYPTED,
    REFUSED_EXTENSION,
    REFUSED_TOO_LARGE,
    REFUSED_TOO_MANY,
    upload_name_clean,
    uploads_checked,
    uploads_store,
)
from cases.models import Upload
from cases.wizard.drafts import draft_start
from tests.cases.conftest import fill_through

pytestmark = pytest.mark.django_db

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Kept files go to a temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


# --- Real file bytes ---


def pdf_bytes(*, pages: int = 1, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if password is not None:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes(size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=1 if mode == "1" else (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The smallest package Word writes: content types, the package relationship and the
    main document part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Office visit notes</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def doc_bytes(stream_name: str = "WordDocument") -> bytes:
    """A compound document (the .doc container) with one 4 KB stream: libmagic calls it
    Microsoft Word when that stream is "WordDocument"."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = [fat_sector, end, *range(3, 10), end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, no_stream, no_stream, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, 1, end, 0)
        + entry(stream_name, 2, no_stream, 2, 4096)
        + entry("", 0, no_stream, 0, 0) * 2
    )
    return bytes(header) + struct.pack("<128I", *fat) + directory + b"\0" * 4096


ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML_BYTES = b"<!DOCTYPE html><html><head><title>x</title></head><body>%PDF-1.7</body></html>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def checked(*files, max_bytes=uploads.CLINICAL_UPLOAD_MAX_BYTES):
    with uploads_checked(files, max_bytes=max_bytes) as check:
        return (
            [(item.name, item.kind, item.size, item.sha256) for item in check.accepted],
            check.refused,
        )


# --- What is kept ---


@pytest.mark.parametrize(
    ("name", "builder", "kind"),
    [
        ("MRI report.pdf", pdf_bytes, "pdf"),
        ("knee.PNG", png_bytes, "png"),
        ("notes.docx", docx_bytes, "docx"),
        ("letter.doc", doc_bytes, "doc"),
    ],
)
def test_a_file_that_is_what_its_extension_says_is_kept(name, builder, kind):
    content = builder()
    kept, refused = checked(upload(name, content))
    assert refused == []
    assert kept == [(name, kind, len(content), hashlib.sha256(content).hexdigest())]


def test_libmagic_calls_the_built_word_files_what_they_are():
    assert magic.from_buffer(docx_bytes(), mime=True) == DOCX_MIME
    assert magic.from_buffer(doc_bytes(), mime=True) == "application/msword"


# --- What is refused, each with its own message ---


def content_refused(name, kind):
    return REFUSED_CONTENT.format(name=name, kind=kind)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.pdf", ELF_BYTES, content_refused("program.pdf", "PDF")),
        ("setup.pdf", PE_BYTES, content_refused("setup.pdf", "PDF")),
        ("page.pdf", HTML_BYTES, content_refused("page.pdf", "PDF")),
        ("cut.pdf", pdf_bytes(pages=3)[:-60], content_refused("cut.pdf", "PDF")),
        ("half.pdf", pdf_bytes()[:200], content_refused("half.pdf", "PDF")),
        ("locked.pdf", pdf_bytes(password="secret"), REFUSED_ENCRYPTED.format(name="locked.pdf")),
        ("scan.png", pdf_bytes(), content_refused("scan.png", "PNG")),
        ("cut.png", png_bytes()[:-30], content_refused("cut.png", "PNG")),
        ("bomb.png", png_bytes(size=(10_000, 5_000), mode="1"), content_refused("bomb.png", "PNG")),
        ("program.docx", PE_BYTES, content_refused("program.docx", "DOCX")),
        ("archive.docx", b"", REFUSED_EMPTY.format(name="archive.docx")),
        ("notes.doc", docx_bytes(), content_refused("notes.doc", "DOC")),
        ("notes.docx", doc_bytes(), content_refused("notes.docx", "DOCX")),
        ("other.doc", doc_bytes("Workbook"), content_refused("other.doc", "DOC")),
        ("empty.pdf", b"", REFUSED_EMPTY.format(name="empty.pdf")),
        ("report.exe", pdf_bytes(), REFUSED_EXTENSION.format(name="report.exe")),
        ("report.html", HTML_BYTES, REFUSED_EXTENSION.format(name="report.html")),
        ("report", pdf_bytes(), REFUSED_EXTENSION.format(name="report")),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(name, content, message):
    kept, refused = checked(upload(name, content))
    assert kept == []
    assert refused == [message]


def test_a_zip_that_is_not_a_word_package_is_refused_as_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/other.xml", "<x/>")
    kept, refused = checked(upload("fake.docx", buffer.getvalue()))
    assert kept == []
    assert refused == [content_refused("fake.docx", "DOCX")]


def test_an_oversize_file_is_refused_reading_at_most_one_byte_past_the_limit():
    class Endless:
        """A stream of a PDF followed by endless padding, counting what is read."""

        name = "huge.pdf"

        def __init__(self):
            self.read_bytes = 0

        def read(self, size=-1):
            assert size > 0, "read without a limit"
            self.read_bytes += size
            return b"%" * size

    endless = Endless()
    kept, refused = checked(endless, max_bytes=1000)
    assert kept == []
    assert refused == [REFUSED_TOO_LARGE.format(name="huge.pdf", limit="1000 bytes")]
    assert endless.read_bytes <= 1001


def test_a_file_of_exactly_the_limit_is_kept_and_one_byte_more_is_refused():
    content = pdf_bytes()
    kept, refused = checked(upload("exact.pdf", content), max_bytes=len(content))
    assert len(kept) == 1 and refused == []
    kept, refused = checked(upload("over.pdf", content), max_bytes=len(content) - 1)
    assert kept == []
    assert refused == [REFUSED_TOO_LARGE.format(name="over.pdf", limit=f"{len(content) - 1} bytes")]


def test_the_limit_is_shown_in_megabytes_as_the_decks_write_it():
    assert uploads.upload_limit_label(uploads.CLINICAL_UPLOAD_MAX_BYTES) == "5MB"
    assert uploads.upload_limit_label(uploads.EQUIPMENT_UPLOAD_MAX_BYTES) == "25MB"


def test_the_sixth_file_and_later_are_refused_and_the_first_five_kept():
    files = [upload(f"page{number}.pdf", pdf_bytes()) for number in range(1, 8)]
    kept, refused = checked(*files)
    assert [name for name, *_ in kept] == [f"page{number}.pdf" for number in range(1, 6)]
    assert refused == [
        REFUSED_TOO_MANY.format(name="page6.pdf"),
        REFUSED_TOO_MANY.format(name="page7.pdf"),
    ]


def test_good_files_are_kept_beside_refused_ones():
    kept, refused = checked(
        upload("a.pdf", pdf_bytes()),
        upload("b.pdf", HTML_BYTES),
        upload("c.png", png_bytes()),
        upload("d.pdf", b""),
    )
    assert [name for name, *_ in kept] == ["a.pdf", "c.png"]
    assert refused == [content_refused("b.pdf", "PDF"), REFUSED_EMPTY.format(name="d.pdf")]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("C:\\Users\\pat\\Desktop\\MRI report.pdf", "MRI report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("notes\x00\x1b[31m.pdf", "notes [31m.pdf"),
        ("  spaced   out .pdf ", "spaced out .pdf"),
        ("", "unnamed file"),
        ("..", "unnamed file"),
        ("x" * 300 + ".docx", "x" * 250 + ".docx"),
    ],
)
def test_the_original_name_is_cleaned(given, kept):
    assert upload_name_clean(given) == kept
    assert len(upload_name_clean(given)) <= 255


# --- Storage ---


@pytest.fixture
def locked_case(world):
    case = fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    case.locked_at = timezone.now()
    case.save(update_fields=["locked_at"])
    return case


def test_kept_files_are_stored_under_random_names_in_media_root(locked_case, world, media_root):
    content = pdf_bytes()
    with uploads_checked([upload("MRI report.pdf", content)], max_bytes=10**6) as check:
        (stored,) = uploads_store(case=locked_case, files=check.accepted, by=world.user)
    Upload.objects.bulk_create([stored])
    row = Upload.objects.get()
    assert row.original_name == "MRI report.pdf"
    assert (row.kind, row.size) == ("pdf", len(content))
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert "MRI" not in row.file.name and not row.file.name.endswith(".pdf")
    assert row.file.name.startswith(f"uploads/{locked_case.pk}/")
    on_disk = media_root / row.file.name
    assert on_disk.read_bytes() == content


# --- Download ---


@pytest.fixture
def stored_upload(locked_case, world):
    content = docx_bytes()
    with uploads_checked([upload("Office visit.docx", content)], max_bytes=10**6) as check:
        (stored,) = uploads_store(case=locked_case, files=check.accepted, by=world.user)
    (row,) = Upload.objects.bulk_create([stored])
    return row


def download_url(case_public_id, upload_public_id):
    return reverse(
        "cases:upload-download",
        kwargs={"public_id": case_public_id, "upload_id": upload_public_id},
    )


def test_the_office_downloads_an_upload_as_an_attachment_and_it_is_logged(
    office_client, stored_upload, locked_case, world
):
    response = office_client.get(download_url(locked_case.public_id, stored_upload.public_id))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MIME
    assert response["Content-Disposition"] == 'attachment; filename="Office visit.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == stored_upload.sha256
    assert len(body) == stored_upload.size
    event = AccessEvent.objects.get(action=AccessEvent.Action.DOWNLOAD)
    assert event.user == world.user
    assert event.subject_type == AccessEvent.SubjectType.UPLOAD
    assert event.subject_id == str(stored_upload.pk)
    assert event.member == world.member


def test_another_office_cannot_download(outsider_client, stored_upload, locked_case):
    response = outsider_client.get(download_url(locked_case.public_id, stored_upload.public_id))
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD).exists()


def test_an_upload_is_not_served_under_another_case(office_client, stored_upload, world):
    other = draft_start(user=world.user, program=world.radiology)
    response = office_client.get(download_url(other.public_id, stored_upload.public_id))
    assert response.status_code == 404


def test_a_missing_upload_or_file_is_404(office_client, stored_upload, locked_case, media_root):
    assert office_client.get(download_url(locked_case.public_id, uuid.uuid4())).status_code == 404
    (media_root / stored_upload.file.name).unlink()
    url = download_url(locked_case.public_id, stored_upload.public_id)
    assert office_client.get(url).status_code == 404


def test_download_is_get_only(office_client, stored_upload, locked_case):
    url = download_url(locked_case.public_id, stored_upload.public_id)
    assert office_client.post(url).status_code == 405


def test_a_signed_out_visitor_cannot_download(client, stored_upload, locked_case):
    response = client.get(download_url(locked_case.public_id, stored_upload.public_id))
    assert response.status_code in (302, 404)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD).exists()
