"""The reconsideration and appeal request forms: a request and its status event on a valid POST,
errors next to the fields with the input kept, one request however often it is sent, the rules
checked again when it is sent."""

import datetime as dt
import io
import threading

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import AccessEvent
from cases.clinical.uploads import (
    REFUSED_CONTENT,
    upload_max_bytes,
    uploads_checked,
    uploads_store,
)
from cases.errors import CaseError
from cases.models import Case, PostDecisionRequest, StatusEvent, Upload
from cases.post_decision import wording
from cases.post_decision.forms import REASON_MAX_LENGTH
from cases.post_decision.selectors import request_supporting_records
from cases.post_decision.services import post_decision_request_make
from eligibility.models import LineOfBusiness
from tests.cases.post_decision.conftest import (
    NOW,
    TODAY,
    decided,
    line_of_business_set,
    request_made,
)
from tests.cases.post_decision.test_pages import text_of

pytestmark = pytest.mark.django_db

Kind = PostDecisionRequest.Kind
DAY = dt.timedelta(days=1)
GOOD = {
    "contact_name": "Dana Scheduler",
    "contact_phone": "(615) 548-4010",
    "reason": "New X-rays show a meniscal tear; the report is attached to the case.",
}


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def url(name, case):
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def events_of(case) -> list[tuple]:
    """The case's status events (a request writes one: the case goes back into review)."""
    return list(
        StatusEvent.objects.filter(case=case)
        .order_by("pk")
        .values_list("from_status", "to_status", "reason")
    )


DENIED_EVENT = [(Case.Status.IN_REVIEW, Case.Status.DENIED, "Denied: criteria not met")]
RECONSIDERATION_EVENT = [
    (Case.Status.DENIED, Case.Status.IN_REVIEW, "Reconsideration requested"),
]
APPEAL_EVENT = [(Case.Status.DENIED, Case.Status.IN_REVIEW, "Appeal requested")]


# --- Reconsideration ---------------------------------------------------------------------------


def test_the_form_is_filled_with_the_cases_contact(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    response = office_client.get(url("reconsideration-request", case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Pat Front Desk"' in html and 'value="(615) 548-4000"' in html
    text = text_of(response)
    assert "Request a Reconsideration" in text
    assert f"Reconsideration allowed through {settings.PORTAL_NAME} until 05/12/2026." in text
    assert "Clinical Rationale" in text and "SUBMIT REQUEST" in text
    assert f'maxlength="{REASON_MAX_LENGTH}"' in html
    assert AccessEvent.objects.filter(
        subject_id=str(case.pk), action=AccessEvent.Action.VIEW, member=world.member
    ).exists()


def test_a_reconsideration_is_requested(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)

    response = office_client.post(url("reconsideration-request", case), GOOD)

    assert response.status_code == 302
    assert response["Location"] == url("reconsideration-request", case)
    made = PostDecisionRequest.objects.get(case=case)
    assert (made.kind, made.status, made.requested_by, made.requested_at) == (
        Kind.RECONSIDERATION,
        PostDecisionRequest.Status.RECEIVED,
        world.user,
        NOW,
    )
    assert (made.contact_name, made.contact_phone, made.reason) == (
        "Dana Scheduler",
        "6155484010",
        GOOD["reason"],
    )
    # The case goes back into the medical review queue, at the reconsideration level, due by
    # the plan's limits (7 calendar days by default) from the request.
    assert events_of(case)[-2:] == DENIED_EVENT + RECONSIDERATION_EVENT
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW and case.updated_at == NOW
    assert case.review_level == Case.ReviewLevel.RECONSIDERATION
    assert case.due_at == NOW + dt.timedelta(days=7)
    assert case.assigned_to is None
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    assert (event.by, event.at) == (world.user, NOW)

    confirmation = office_client.get(response["Location"])
    text = text_of(confirmation)
    assert "Your reconsideration request has been received." in text
    assert "Reconsideration Request Received" in text
    assert (
        f"Your reconsideration request for case {case.case_number} was received on "
        "05/12/2026 10:00 AM EDT. Status: Received."
    ) in text
    assert "Contact Name: Dana Scheduler Contact Phone: (615) 548-4010" in text
    assert f"Clinical Rationale: {GOOD['reason']}" in text
    assert "SUBMIT REQUEST" not in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {**GOOD, "contact_name": ""},
            "contact_name",
            "Enter the name of the person we should contact about this request.",
        ),
        (
            {**GOOD, "contact_name": "N" * 121},
            "contact_name",
            "Enter at most 120 characters.",
        ),
        (
            {**GOOD, "contact_phone": ""},
            "contact_phone",
            "Enter the contact&#x27;s phone number, area code first.",
        ),
        (
            {**GOOD, "contact_phone": "548-40"},
            "contact_phone",
            "Enter a 10-digit phone or fax number, area code first.",
        ),
        (
            {**GOOD, "contact_phone": "call me"},
            "contact_phone",
            "Enter a 10-digit phone or fax number, area code first.",
        ),
        (
            {**GOOD, "reason": "   "},
            "reason",
            "Enter the clinical rationale for the reconsideration.",
        ),
        (
            {**GOOD, "reason": "x" * (REASON_MAX_LENGTH + 1)},
            "reason",
            f"Enter at most 4,000 characters (you entered {REASON_MAX_LENGTH + 1}).",
        ),
        ({**GOOD, "reason": "bad\x00byte"}, "reason", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_with_the_input_kept(
    world, clock, office_client, data, field, message
):
    case = decided(world, date_of_service=TODAY)

    response = office_client.post(url("reconsideration-request", case), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="error_1_id_{field}"' in html
    for name, value in data.items():
        if name != field and name != "contact_phone":
            assert value in html
    assert 'value="Dana Scheduler"' in html or field == "contact_name"
    # The refused value itself is kept too (a NUL byte or blanks aside).
    if data[field].strip() and "\x00" not in data[field]:
        assert data[field] in html
    assert not PostDecisionRequest.objects.exists()
    assert events_of(case)[-1:] == DENIED_EVENT


def test_missing_fields_are_each_named(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    response = office_client.post(url("reconsideration-request", case), {})
    html = response.content.decode()
    for field in ("contact_name", "contact_phone", "reason"):
        assert f'id="error_1_id_{field}"' in html
    assert not PostDecisionRequest.objects.exists()


def test_a_double_submit_makes_one_request(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    first = office_client.post(url("reconsideration-request", case), GOOD)
    second = office_client.post(url("reconsideration-request", case), {**GOOD, "reason": "Again"})
    assert first.status_code == second.status_code == 302
    assert PostDecisionRequest.objects.filter(case=case).count() == 1
    assert PostDecisionRequest.objects.get(case=case).reason == GOOD["reason"]
    assert events_of(case)[-2:] == DENIED_EVENT + RECONSIDERATION_EVENT
    text = text_of(office_client.get(second["Location"]))
    assert "This reconsideration was already requested on 05/12/2026" in text


@pytest.mark.django_db(transaction=True)
def test_requests_sent_at_the_same_moment_make_one(world):
    case = decided(world, date_of_service=timezone.localdate())
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait()
            results.append(
                post_decision_request_make(
                    user=world.user,
                    public_id=case.public_id,
                    kind=Kind.RECONSIDERATION,
                    contact_name="Dana",
                    contact_phone="6155484010",
                    reason="Same moment.",
                    now=timezone.now(),
                )
            )
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({made.pk for made, _ in results}) == 1
    assert PostDecisionRequest.objects.filter(case=case).count() == 1
    # One request, one status event into review.
    assert events_of(case)[-2:] == DENIED_EVENT + RECONSIDERATION_EVENT


def test_the_rules_are_checked_again_when_the_request_is_sent(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    assert "SUBMIT REQUEST" in text_of(office_client.get(url("reconsideration-request", case)))
    # Meanwhile a colleague recorded an appeal.
    request_made(case, Kind.APPEAL, at=NOW)

    response = office_client.post(url("reconsideration-request", case), GOOD)

    assert response.status_code == 200
    text = text_of(response)
    assert wording.RECONSIDERATION_AFTER_APPEAL.format(requested="05/12/2026") in text
    # What was typed stays on the page, read-only; the form is gone.
    assert "What you entered (not sent)" in text and GOOD["reason"] in text
    assert "Dana Scheduler" in text and "SUBMIT REQUEST" not in text
    assert not PostDecisionRequest.objects.filter(kind=Kind.RECONSIDERATION).exists()


def test_after_the_date_of_service_the_request_is_refused(world, clock, office_client):
    case = decided(world, date_of_service=TODAY - DAY)
    page = text_of(office_client.get(url("reconsideration-request", case)))
    refusal = wording.RECONSIDERATION_PAST_DATE_OF_SERVICE.format(dos="05/11/2026")
    assert refusal in page and "SUBMIT REQUEST" not in page

    response = office_client.post(url("reconsideration-request", case), GOOD)
    assert refusal in text_of(response)
    assert not PostDecisionRequest.objects.exists()


def test_the_service_refuses_what_no_longer_applies(world, clock):
    case = decided(world, status=Case.Status.APPROVED)
    with pytest.raises(CaseError) as refused:
        post_decision_request_make(
            user=world.user,
            public_id=case.public_id,
            kind=Kind.RECONSIDERATION,
            contact_name="Dana",
            contact_phone="6155484010",
            reason="Why not.",
            now=NOW,
        )
    assert refused.value.message == wording.APPROVED_NO_OPTION
    with pytest.raises(Case.DoesNotExist):
        post_decision_request_make(
            user=world.outsider,
            public_id=case.public_id,
            kind=Kind.RECONSIDERATION,
            contact_name="Dana",
            contact_phone="6155484010",
            reason="Not mine.",
            now=NOW,
        )
    assert not PostDecisionRequest.objects.exists()


def test_a_medicare_member_cannot_request_a_reconsideration(world, clock, office_client):
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    case = decided(world, date_of_service=TODAY)
    response = office_client.post(url("reconsideration-request", case), GOOD)
    assert "Medicare does not allow reconsiderations" in text_of(response)
    assert not PostDecisionRequest.objects.exists()


@pytest.mark.parametrize("name", ["reconsideration-request", "appeal-request"])
def test_the_request_pages_take_get_and_post_only(world, clock, office_client, name):
    case = decided(world)
    assert office_client.put(url(name, case)).status_code == 405


# --- Appeal ------------------------------------------------------------------------------------


def test_an_appeal_is_requested_on_day_180(world, clock, office_client):
    world.delegation.appeal_instructions = "Include the denial letter."
    world.delegation.save()
    case = decided(world, determined_at=NOW - 180 * DAY, date_of_service=TODAY - 170 * DAY)

    page = text_of(office_client.get(url("appeal-request", case)))
    assert "Request an Appeal" in page and "Reason for Appeal" in page
    assert "until 05/12/2026" in page and "Include the denial letter." in page

    response = office_client.post(url("appeal-request", case), GOOD)

    assert response.status_code == 302
    made = PostDecisionRequest.objects.get(case=case)
    assert made.kind == Kind.APPEAL
    assert events_of(case)[-2:] == DENIED_EVENT + APPEAL_EVENT
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW
    assert case.review_level == Case.ReviewLevel.APPEAL
    assert case.due_at == NOW + dt.timedelta(days=7)
    text = text_of(office_client.get(response["Location"]))
    assert "Your appeal request has been received." in text
    assert f"Reason for Appeal: {GOOD['reason']}" in text
    # No reconsideration after an appeal.
    recon = text_of(office_client.get(url("reconsideration-request", case)))
    assert wording.RECONSIDERATION_AFTER_APPEAL.format(requested="05/12/2026") in recon


def test_an_appeal_on_day_181_is_refused(world, clock, office_client):
    case = decided(world, determined_at=NOW - 181 * DAY, date_of_service=TODAY - 170 * DAY)
    response = office_client.post(url("appeal-request", case), GOOD)
    assert response.status_code == 200
    assert "that time ended on 05/11/2026" in text_of(response)
    assert not PostDecisionRequest.objects.exists()


def test_a_medicare_advantage_appeal_is_not_taken_here(world, clock, office_client):
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    world.delegation.appeal_instructions = "Call Evergreen Medicare Appeals."
    world.delegation.save()
    case = decided(world)

    page = text_of(office_client.get(url("appeal-request", case)))
    assert "Submit an appeal with supporting records to Evergreen Health Plan" in page
    assert "Call Evergreen Medicare Appeals." in page and "SUBMIT REQUEST" not in page

    response = office_client.post(url("appeal-request", case), GOOD)
    assert "This request cannot be made through the portal" in text_of(response)
    assert not PostDecisionRequest.objects.exists()


def test_no_appeal_while_the_reconsideration_is_decided(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    office_client.post(url("reconsideration-request", case), GOOD)
    response = office_client.post(url("appeal-request", case), GOOD)
    assert wording.APPEAL_RECONSIDERATION_OPEN.format(requested="05/12/2026") in text_of(response)
    assert list(PostDecisionRequest.objects.values_list("kind", flat=True)) == [
        Kind.RECONSIDERATION
    ]


# --- Supporting records ------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    """Kept files go to a temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def a_pdf(name="mri-report.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_a_reconsideration_with_its_supporting_records(world, clock, office_client, media_root):
    case = decided(world, date_of_service=TODAY)
    page = office_client.get(url("reconsideration-request", case)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="files"' in page

    response = office_client.post(
        url("reconsideration-request", case),
        {**GOOD, "files": [a_pdf(), a_pdf("office-notes.pdf")]},
    )

    assert response.status_code == 302
    uploads = list(request_supporting_records(case, Kind.RECONSIDERATION))
    assert [upload.original_name for upload in uploads] == ["mri-report.pdf", "office-notes.pdf"]
    assert all(upload.uploaded_by == world.user for upload in uploads)
    assert len(stored_files(media_root)) == 2
    confirmation = office_client.get(response["Location"]).content.decode()
    assert "Supporting Records:" in confirmation
    download = reverse(
        "cases:upload-download",
        kwargs={"public_id": case.public_id, "upload_id": uploads[0].public_id},
    )
    assert download in confirmation
    assert office_client.get(download).status_code == 200
    assert {upload.post_decision_request.kind for upload in uploads} == {Kind.RECONSIDERATION}
    # Another document of the case whose note reads the same is not one of the request's.
    Upload.objects.create(
        case=case,
        file=uploads[0].file.name,
        original_name="typed-note.pdf",
        kind=uploads[0].kind,
        size=uploads[0].size,
        sha256=uploads[0].sha256,
        uploaded_by=world.user,
        note=uploads[0].note,
    )
    assert len(request_supporting_records(case, Kind.RECONSIDERATION)) == 2


def test_a_file_that_is_not_what_it_claims_is_refused_next_to_the_files(
    world, clock, office_client, media_root
):
    case = decided(world, date_of_service=TODAY)
    fake = SimpleUploadedFile("notes.pdf", b"just text", content_type="application/pdf")

    response = office_client.post(
        url("reconsideration-request", case), {**GOOD, "files": [a_pdf(), fake]}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="upload-refused"' in html
    assert REFUSED_CONTENT.format(name="notes.pdf", kind="PDF") in html
    assert GOOD["reason"] in html and 'value="Dana Scheduler"' in html
    assert not PostDecisionRequest.objects.exists() and not Upload.objects.exists()
    assert stored_files(media_root) == []


def test_files_chosen_with_other_errors_are_asked_for_again(world, clock, office_client):
    case = decided(world, date_of_service=TODAY)
    response = office_client.post(
        url("reconsideration-request", case), {**GOOD, "reason": "", "files": [a_pdf()]}
    )
    assert "The files you chose were not sent: choose them again." in text_of(response)
    assert not Upload.objects.exists()


def test_the_files_of_a_request_not_made_are_removed(world, clock, office_client, media_root):
    case = decided(world, date_of_service=TODAY)
    office_client.post(url("reconsideration-request", case), GOOD)
    # The second submit (a double click) finds the request made: its files are not kept.
    office_client.post(url("reconsideration-request", case), {**GOOD, "files": [a_pdf()]})
    assert not Upload.objects.exists() and stored_files(media_root) == []
    # A request refused by the rules keeps no file either.
    other = decided(world, date_of_service=TODAY - DAY)
    office_client.post(url("reconsideration-request", other), {**GOOD, "files": [a_pdf()]})
    assert not Upload.objects.exists() and stored_files(media_root) == []


def test_a_posted_clear_box_does_not_drop_the_files_sent(world, clock, office_client, media_root):
    # A tampered (or old) form posting "files-clear" with its files: the files are what was
    # sent, not "no file" nor an unnamed file refused.
    case = decided(world, date_of_service=TODAY)

    response = office_client.post(
        url("reconsideration-request", case), {**GOOD, "files-clear": "on", "files": [a_pdf()]}
    )

    assert response.status_code == 302
    uploads = list(request_supporting_records(case, Kind.RECONSIDERATION))
    assert [upload.original_name for upload in uploads] == ["mri-report.pdf"]
    assert len(stored_files(media_root)) == 1


def test_the_service_removes_the_files_of_a_request_already_made(world, clock, media_root):
    # Two sends that both passed the page's check (two tabs): the second one's files go.
    case = decided(world, date_of_service=TODAY)
    values = {
        "user": world.user,
        "public_id": case.public_id,
        "kind": Kind.RECONSIDERATION,
        "contact_name": "Dana",
        "contact_phone": "6155484010",
        "reason": "New X-rays.",
        "now": NOW,
    }

    def stored(name):
        with uploads_checked([a_pdf(name)], max_bytes=upload_max_bytes(case)) as check:
            return uploads_store(case=case, files=check.accepted, by=world.user)

    first, created = post_decision_request_make(**values, uploads=stored("first.pdf"))
    assert created
    again, created = post_decision_request_make(**values, uploads=stored("second.pdf"))

    assert (again.pk, created) == (first.pk, False)
    uploads = list(request_supporting_records(case, Kind.RECONSIDERATION))
    assert [upload.original_name for upload in uploads] == ["first.pdf"]
    assert [path.name for path in stored_files(media_root)] == [uploads[0].file.name.split("/")[-1]]
