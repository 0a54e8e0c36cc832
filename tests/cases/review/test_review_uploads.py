"""An upload served to the case screen: PDF and PNG inline (the page shows them in an iframe
and an img, so the response may be framed by the portal's own pages only), DOC and DOCX as an
attachment, never cached, each read written to the access log; only uploads of that case, only
for reviewers of its program."""

import uuid

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from cases.models import Upload
from tests.cases.clinical.test_uploads import docx_bytes
from tests.cases.review.built import case_in_review
from tests.cases.review.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(world, pathway):  # noqa: F811
    from tests.cases.clinical.test_uploads import pdf_bytes, png_bytes

    return case_in_review(
        world,
        files=(
            ("MRI report.pdf", pdf_bytes),
            ("Knee photo.png", png_bytes),
            ("Office visit.docx", docx_bytes),
        ),
    )


def uploads_of(case):
    return list(Upload.objects.filter(case=case).order_by("uploaded_at", "pk"))


def upload_url(case, upload_id):
    return reverse(
        "cases:review-upload", kwargs={"public_id": case.public_id, "upload_id": upload_id}
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("index", "content_type", "disposition"),
    [
        (0, "application/pdf", 'inline; filename="MRI report.pdf"'),
        (1, "image/png", 'inline; filename="Knee photo.png"'),
        (
            2,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            'attachment; filename="Office visit.docx"',
        ),
    ],
)
def test_pdf_and_png_are_inline_word_files_attachments(
    case, nurse, nurse_client, index, content_type, disposition
):
    upload = uploads_of(case)[index]

    response = nurse_client.get(upload_url(case, upload.public_id))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition
    assert "no-store" in response["Cache-Control"]
    with upload.file.open("rb") as stored:
        assert body(response) == stored.read()
    (event,) = AccessEvent.objects.filter(user=nurse)
    assert (event.action, event.subject_type, event.subject_id, event.member) == (
        AccessEvent.Action.DOWNLOAD,
        AccessEvent.SubjectType.UPLOAD,
        str(upload.pk),
        case.member,
    )


def test_the_upload_may_be_framed_by_the_portals_own_pages_only(case, nurse_client):
    pdf = uploads_of(case)[0]
    response = nurse_client.get(upload_url(case, pdf.public_id))
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "frame-ancestors 'none'" not in csp
    # Every other page still refuses to be framed.
    page = nurse_client.get(reverse("cases:review-case", kwargs={"public_id": case.public_id}))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    # The page's iframe and img point at our own pages, which its CSP allows.
    assert "default-src 'self'" in page["Content-Security-Policy"]


def test_an_upload_of_another_case_is_404(world, case, nurse, nurse_client):
    other = case_in_review(world, files=(("Other.docx", docx_bytes),))
    (foreign,) = uploads_of(other)
    assert nurse_client.get(upload_url(case, foreign.public_id)).status_code == 404
    assert nurse_client.get(upload_url(case, uuid.uuid4())).status_code == 404
    assert not AccessEvent.objects.filter(user=nurse).exists()


def test_a_reviewer_of_another_program_and_the_office_get_404(case, other_nurse, office_client):
    pdf = uploads_of(case)[0]
    assert signed_in(other_nurse).get(upload_url(case, pdf.public_id)).status_code == 404
    assert office_client.get(upload_url(case, pdf.public_id)).status_code == 404
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD).exists()


def test_a_file_gone_from_storage_is_404_not_a_500(case, nurse_client):
    pdf = uploads_of(case)[0]
    pdf.file.storage.delete(pdf.file.name)
    assert nurse_client.get(upload_url(case, pdf.public_id)).status_code == 404


def test_uploads_answer_get_only(case, nurse_client):
    pdf = uploads_of(case)[0]
    assert nurse_client.post(upload_url(case, pdf.public_id)).status_code == 405
