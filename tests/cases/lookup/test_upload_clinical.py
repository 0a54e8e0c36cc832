"""Upload Additional Clinical on a pending or held case: the wizard's content checks and limits,
notes, a status event each time (a held case goes back to review), refused files named one by
one while the good ones are kept, and no uploads once the case is decided."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical.forms.finishing import NOTES_TOO_LONG
from cases.clinical.submission import decision_due_at
from cases.clinical.uploads import (
    REFUSED_CONTENT,
    REFUSED_EXTENSION,
    REFUSED_TOO_LARGE,
    REFUSED_TOO_MANY,
    uploads_checked,
    uploads_store,
)
from cases.errors import CaseError
from cases.lookup.forms import FILES_REQUIRED
from cases.lookup.services import (
    ADDITIONAL_REASON,
    ALREADY_UPLOADED,
    BACK_TO_REVIEW_REASON,
    NO_LONGER_ACCEPTED,
    additional_clinical_add,
)
from cases.models import Case, StatusEvent, Upload
from cases.models.pathways import Outcome
from tests.cases.clinical.test_uploads import docx_bytes, pdf_bytes, png_bytes
from tests.cases.lookup.conftest import stored_files, submitted, url

pytestmark = pytest.mark.django_db

ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def pending(world) -> Case:
    return submitted(world, outcome=Outcome.REVIEW)


def held(world) -> Case:
    case = pending(world)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.HOLD, due_at=None)
    return Case.objects.get(pk=case.pk)


def events(case) -> list[StatusEvent]:
    """The case's status events after its submission."""
    after = StatusEvent.objects.filter(case=case).exclude(to_status=Case.Status.DRAFT)
    return list(after.exclude(from_status=Case.Status.DRAFT))


# --- The page ---------------------------------------------------------------------------------


def test_the_page_of_a_pending_case(office_client, world):
    case = pending(world)

    response = office_client.get(url("upload-clinical", case))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Upload Additional Clinical" in page
    assert case.case_number in page and "Pending" in page
    assert (
        "Browse for file to upload (max size 5MB, allowable extensions .DOC,.DOCX,.PDF,.PNG):"
        in page
    )
    assert page.count('type="file" name="files"') == 5
    assert 'enctype="multipart/form-data"' in page
    assert "UPLOAD" in page and 'name="note"' in page
    assert (
        AccessEvent.objects.filter(
            action="view", subject_type="case", subject_id=str(case.pk), member=world.member
        ).count()
        == 1
    )


def test_a_held_case_says_the_upload_sends_it_back_to_review(office_client, world):
    page = office_client.get(url("upload-clinical", held(world))).content.decode()
    assert "Additional Information Required" in page
    assert "the case goes back to review" in page


# --- Uploads ----------------------------------------------------------------------------------


def test_an_upload_on_a_pending_case_keeps_the_files_and_notes(office_client, world, media_root):
    case = pending(world)
    before = Case.objects.get(pk=case.pk).updated_at

    response = office_client.post(
        url("upload-clinical", case),
        {
            "files": [upload("Office notes.pdf", pdf_bytes()), upload("x-ray.png", png_bytes())],
            "note": "  Knee X-rays of 3/2 and the visit note.  ",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("authorization", case)
    kept = list(Upload.objects.filter(case=case).order_by("pk"))
    assert [(u.original_name, u.kind, u.note, u.uploaded_by) for u in kept] == [
        ("Office notes.pdf", "pdf", "Knee X-rays of 3/2 and the visit note.", world.user),
        ("x-ray.png", "png", "Knee X-rays of 3/2 and the visit note.", world.user),
    ]
    assert len(stored_files(media_root)) == 2
    (event,) = events(case)
    assert (event.from_status, event.to_status, event.by, event.reason, event.note) == (
        Case.Status.IN_REVIEW,
        Case.Status.IN_REVIEW,
        world.user,
        ADDITIONAL_REASON,
        "Knee X-rays of 3/2 and the visit note.",
    )
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW and case.updated_at > before
    page = office_client.get(response["Location"]).content.decode()
    assert "Office notes.pdf was uploaded." in page and "x-ray.png was uploaded." in page
    assert "Additional clinical received." in page


def test_an_upload_on_a_held_case_sends_it_back_to_review(office_client, world):
    case = held(world)
    now = timezone.now()

    response = office_client.post(
        url("upload-clinical", case), {"files": [upload("labs.docx", docx_bytes())], "note": ""}
    )

    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW
    # Due again by the plan's time limits, counted from the upload.
    expected = decision_due_at(case, now=now)
    assert abs(case.due_at - expected) < dt.timedelta(seconds=30)
    (event,) = events(case)
    assert (event.from_status, event.to_status, event.reason, event.note) == (
        Case.Status.HOLD,
        Case.Status.IN_REVIEW,
        BACK_TO_REVIEW_REASON,
        "",
    )
    assert Upload.objects.get(case=case).note == ""
    page = office_client.get(response["Location"]).content.decode()
    assert "Additional clinical received: the case has been sent back to review." in page
    assert "Pending" in page


def test_each_upload_writes_its_own_status_event(office_client, world):
    case = held(world)
    office_client.post(url("upload-clinical", case), {"files": [upload("a.pdf", pdf_bytes())]})
    office_client.post(
        url("upload-clinical", case), {"files": [upload("b.pdf", pdf_bytes(pages=2))]}
    )
    assert [(e.from_status, e.to_status, e.reason) for e in events(case)] == [
        (Case.Status.HOLD, Case.Status.IN_REVIEW, BACK_TO_REVIEW_REASON),
        (Case.Status.IN_REVIEW, Case.Status.IN_REVIEW, ADDITIONAL_REASON),
    ]
    assert Upload.objects.filter(case=case).count() == 2


def test_refused_files_are_named_and_the_good_ones_kept(office_client, world, media_root):
    case = pending(world)

    response = office_client.post(
        url("upload-clinical", case),
        {
            "files": [
                upload("notes.pdf", pdf_bytes()),
                upload("virus.exe", ELF_BYTES),
                upload("fake.pdf", ELF_BYTES),
                upload("huge.pdf", b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)),
            ]
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("upload-clinical", case)
    assert list(Upload.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "notes.pdf"
    ]
    assert len(stored_files(media_root)) == 1
    assert len(events(case)) == 1
    page = office_client.get(response["Location"]).content.decode()
    assert "notes.pdf was uploaded." in page
    assert REFUSED_EXTENSION.format(name="virus.exe").replace("'", "&#x27;") in page
    assert REFUSED_CONTENT.format(name="fake.pdf", kind="PDF") in page
    assert REFUSED_TOO_LARGE.format(name="huge.pdf", limit="5MB") in page
    # The kept file is listed with its download link.
    kept = Upload.objects.get(case=case)
    assert (
        url("upload-clinical", case).replace("upload-clinical/", f"uploads/{kept.public_id}/")
        in page
    )


def test_a_sixth_file_is_refused(office_client, world):
    case = pending(world)
    files = [upload(f"page{n}.pdf", pdf_bytes(pages=n)) for n in range(1, 7)]
    office_client.post(url("upload-clinical", case), {"files": files})
    assert Upload.objects.filter(case=case).count() == 5
    assert not Upload.objects.filter(original_name="page6.pdf").exists()
    page = office_client.get(url("upload-clinical", case)).content.decode()
    assert REFUSED_TOO_MANY.format(name="page6.pdf") in page


def test_when_every_file_is_refused_nothing_changes(office_client, world, media_root):
    case = held(world)

    response = office_client.post(
        url("upload-clinical", case),
        {
            "files": [upload("virus.exe", ELF_BYTES), upload("empty.pdf", b"")],
            "note": "See attached",
        },
    )

    assert response.status_code == 200
    errors = response.context["upload_form"].errors["files"]
    assert errors == [
        REFUSED_EXTENSION.format(name="virus.exe"),
        "empty.pdf is empty.",
    ]
    page = response.content.decode()
    assert 'id="upload-refused"' in page and "See attached" in page
    assert not Upload.objects.filter(case=case).exists()
    assert stored_files(media_root) == []
    assert events(case) == []
    assert Case.objects.get(pk=case.pk).status == Case.Status.HOLD


def test_no_file_says_so(office_client, world):
    case = held(world)
    response = office_client.post(url("upload-clinical", case), {"note": "Only a note"})
    assert response.status_code == 200
    assert response.context["upload_form"].errors["files"] == [FILES_REQUIRED]
    assert "Only a note" in response.content.decode()
    assert events(case) == [] and Case.objects.get(pk=case.pk).status == Case.Status.HOLD


def test_notes_too_long_are_refused_and_nothing_stored(office_client, world, media_root):
    case = pending(world)
    response = office_client.post(
        url("upload-clinical", case), {"files": [upload("a.pdf", pdf_bytes())], "note": "x" * 4001}
    )
    assert response.status_code == 200
    assert response.context["upload_form"].errors["note"] == [NOTES_TOO_LONG.format(length=4001)]
    assert not Upload.objects.exists() and stored_files(media_root) == []


def test_the_same_file_sent_twice_is_kept_once(office_client, world, media_root):
    case = pending(world)
    data = {"files": [upload("notes.pdf", pdf_bytes())]}
    office_client.post(url("upload-clinical", case), data)

    again = office_client.post(
        url("upload-clinical", case), {"files": [upload("notes.pdf", pdf_bytes())]}
    )

    assert again.status_code == 302
    assert Upload.objects.filter(case=case).count() == 1
    assert len(stored_files(media_root)) == 1
    assert len(events(case)) == 1
    page = office_client.get(again["Location"]).content.decode()
    assert ALREADY_UPLOADED.format(name="notes.pdf") in page


# --- Decided cases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Case.Status.APPROVED, "Approved"),
        (Case.Status.DENIED, "Denied"),
        (Case.Status.PARTIALLY_APPROVED, "Partially Approved"),
        (Case.Status.CANCELLED, "Cancelled"),
    ],
)
def test_a_decided_case_takes_no_more_uploads(office_client, world, media_root, status, label):
    case = pending(world)
    Case.objects.filter(pk=case.pk).update(status=status)

    shown = office_client.get(url("upload-clinical", case))
    sent = office_client.post(
        url("upload-clinical", case), {"files": [upload("a.pdf", pdf_bytes())]}
    )

    assert shown.status_code == 200
    closed = NO_LONGER_ACCEPTED.format(status=label)
    assert closed in shown.content.decode()
    assert 'type="file"' not in shown.content.decode()
    assert sent.status_code == 409 and closed in sent.content.decode()
    assert not Upload.objects.exists() and stored_files(media_root) == []
    assert events(case) == []


def test_a_case_decided_meanwhile_refuses_the_files_and_removes_them(world, media_root):
    case = pending(world)
    files = [SimpleUploadedFile("notes.pdf", pdf_bytes())]
    with uploads_checked(files, max_bytes=5 * 1024 * 1024) as check:
        stored = uploads_store(case=case, files=check.accepted, by=world.user)
    assert len(stored_files(media_root)) == 1
    # The reviewer approves between the page's read and the upload's lock.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)

    with pytest.raises(CaseError) as refused:
        additional_clinical_add(
            user=world.user, public_id=case.public_id, uploads=stored, note="", now=timezone.now()
        )

    assert refused.value.message == NO_LONGER_ACCEPTED.format(status="Approved")
    assert stored_files(media_root) == []
    assert not Upload.objects.exists() and events(case) == []


def test_the_service_refuses_another_offices_case(world, media_root):
    case = pending(world)
    with uploads_checked([SimpleUploadedFile("a.pdf", pdf_bytes())], max_bytes=10**6) as check:
        stored = uploads_store(case=case, files=check.accepted, by=world.user)
    with pytest.raises(Case.DoesNotExist):
        additional_clinical_add(
            user=world.outsider, public_id=case.public_id, uploads=stored, now=timezone.now()
        )
    assert stored_files(media_root) == [] and not Upload.objects.exists()


# --- Another office ---------------------------------------------------------------------------


def test_another_offices_case_is_404(outsider_client, world, media_root):
    case = held(world)
    assert outsider_client.get(url("upload-clinical", case)).status_code == 404
    response = outsider_client.post(
        url("upload-clinical", case), {"files": [upload("a.pdf", pdf_bytes())]}
    )
    assert response.status_code == 404
    assert not Upload.objects.exists() and stored_files(media_root) == []
    assert Case.objects.get(pk=case.pk).status == Case.Status.HOLD
    assert not AccessEvent.objects.filter(subject_id=str(case.pk)).exists()


def test_the_upload_page_answers_only_get_and_post(office_client, world):
    assert office_client.put(url("upload-clinical", pending(world))).status_code == 405


def test_a_tampered_clear_box_does_not_drop_the_files(office_client, world):
    case = pending(world)
    response = office_client.post(
        url("upload-clinical", case),
        {"files": [upload("a.pdf", pdf_bytes())], "files-clear": "on"},
    )
    assert response.status_code == 302
    assert Upload.objects.filter(case=case).count() == 1
