"""VIEW CORRESPONDENCE / UPLOADS & FAXES: the case's provider letters and uploads for its
office only, each letter opened inline as the PDF stored; every read in the access log."""

import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.letters.services import letters_render
from cases.models import Case, Letter, StatusEvent, Upload
from cases.models.pathways import Outcome
from tests.cases.letters.conftest import pdf_text, ready, submitted
from tests.cases.lookup.conftest import assert_not_found_alike

pytestmark = pytest.mark.django_db


def correspondence_url(case):
    return reverse("cases:correspondence", kwargs={"public_id": case.public_id})


def letter_url(case, letter):
    return reverse(
        "cases:letter-pdf", kwargs={"public_id": case.public_id, "letter_id": letter.public_id}
    )


@pytest.fixture
def approved(world):
    case, event = submitted(world)
    letters_render(status_event_id=event.pk)
    return case


def provider_letter(case) -> Letter:
    return Letter.objects.get(case=case, recipient=Letter.Recipient.PROVIDER)


def member_letter(case) -> Letter:
    return Letter.objects.get(case=case, recipient=Letter.Recipient.MEMBER)


def an_upload(case, world, media_root, name="knee x-ray report.pdf") -> Upload:
    upload = Upload(
        case=case,
        original_name=name,
        kind=Upload.Kind.PDF,
        size=1234,
        sha256="0" * 64,
        uploaded_by=world.user,
    )
    upload.file.save("x", ContentFile(b"%PDF-1.4 test"), save=False)
    upload.save()
    return upload


# --- The page ---------------------------------------------------------------------------------


def test_the_page_lists_the_provider_letter_and_the_uploads(
    office_client, world, approved, media_root, django_assert_max_num_queries
):
    upload = an_upload(approved, world, media_root)
    letter = provider_letter(approved)

    with django_assert_max_num_queries(10):
        response = office_client.get(correspondence_url(approved))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="h3 mb-3">Correspondence</h1>' in page
    assert approved.case_number in page and approved.authorization_number in page
    assert "Approval letter" in page
    assert letter_url(approved, letter) in page
    # The member's letter is for the mail queue, not the office.
    assert str(member_letter(approved).public_id) not in page
    assert "knee x-ray report.pdf" in page
    download = reverse(
        "cases:upload-download",
        kwargs={"public_id": approved.public_id, "upload_id": upload.public_id},
    )
    assert download in page
    assert "E-mail notice sent" in page
    assert "being prepared" not in page
    event = AccessEvent.objects.get(subject_type=AccessEvent.SubjectType.CASE)
    assert (event.action, event.subject_id, event.member, event.user) == (
        AccessEvent.Action.VIEW,
        str(approved.pk),
        world.member,
        world.user,
    )


def test_the_query_count_does_not_grow_with_letters_and_uploads(
    office_client, world, approved, media_root, django_assert_max_num_queries
):
    for number in range(6):
        an_upload(approved, world, media_root, name=f"note {number}.pdf")
    for _ in range(4):
        event = StatusEvent.objects.create(
            case=approved, from_status="approved", to_status="approved", at=timezone.now()
        )
        letters_render(status_event_id=event.pk)
    with django_assert_max_num_queries(10):
        page = office_client.get(correspondence_url(approved)).content.decode()
    assert page.count("VIEW / PRINT") == 5


def test_a_letter_not_made_yet_is_announced(office_client, world):
    case, _event = submitted(world)
    page = office_client.get(correspondence_url(case)).content.decode()
    assert "The letter for the latest decision is being prepared." in page
    assert "VIEW / PRINT" not in page


def test_a_case_in_medical_review_has_no_letters_and_can_take_more_clinical(office_client, world):
    case, _event = submitted(world, outcome=Outcome.REVIEW)
    page = office_client.get(correspondence_url(case)).content.decode()
    assert "No letters for this case." in page
    assert "being prepared" not in page
    assert reverse("cases:upload-clinical", kwargs={"public_id": case.public_id}) in page
    assert "No clinical documents were uploaded for this case." in page


def test_a_fax_letter_shows_it_waits_for_the_fax(office_client, world):
    case, event = submitted(world, notify_by_email=False)
    letters_render(status_event_id=event.pk)
    page = office_client.get(correspondence_url(case)).content.decode()
    assert "Waiting to be faxed" in page


# --- The letter's PDF -------------------------------------------------------------------------


def test_the_letter_opens_inline_as_the_stored_pdf(office_client, world, approved):
    letter = provider_letter(approved)

    response = office_client.get(letter_url(approved, letter))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="approval-letter-{approved.case_number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    with letter.file.open("rb") as stored:
        assert content == stored.read()
    assert f"Authorization Number: {approved.authorization_number}" in pdf_text(content)
    event = AccessEvent.objects.get(subject_type=AccessEvent.SubjectType.LETTER)
    assert (event.action, event.subject_id, event.member) == (
        AccessEvent.Action.DOWNLOAD,
        str(letter.pk),
        world.member,
    )


def test_a_member_letter_is_not_served_to_the_office(office_client, approved):
    assert office_client.get(letter_url(approved, member_letter(approved))).status_code == 404
    assert not AccessEvent.objects.filter(subject_type=AccessEvent.SubjectType.LETTER).exists()


def test_a_letter_of_another_case_is_not_served_under_this_one(office_client, world, approved):
    other, event = submitted(world)
    letters_render(status_event_id=event.pk)
    assert office_client.get(letter_url(approved, provider_letter(other))).status_code == 404


def test_a_letter_whose_file_is_gone_is_a_404(office_client, approved):
    letter = provider_letter(approved)
    letter.file.storage.delete(letter.file.name)
    assert office_client.get(letter_url(approved, letter)).status_code == 404


# --- Nobody else ------------------------------------------------------------------------------


def test_another_offices_case_is_a_404_for_both_pages(outsider_client, approved):
    letter = provider_letter(approved)
    assert outsider_client.get(correspondence_url(approved)).status_code == 404
    assert outsider_client.get(letter_url(approved, letter)).status_code == 404
    assert not AccessEvent.objects.exists()


def test_a_draft_and_an_unknown_case_are_404(office_client, world):
    draft = ready(world)
    assert office_client.get(correspondence_url(draft)).status_code == 404
    unknown = Case(public_id="00000000-0000-4000-8000-000000000000")
    assert office_client.get(correspondence_url(unknown)).status_code == 404
    fake = Letter(public_id="00000000-0000-4000-8000-000000000001")
    assert office_client.get(letter_url(draft, fake)).status_code == 404


def test_only_get_is_allowed(office_client, approved):
    assert office_client.post(correspondence_url(approved)).status_code == 405
    assert office_client.post(letter_url(approved, provider_letter(approved))).status_code == 405


def test_signed_out_users_go_to_the_login(client, approved):
    response = client.get(correspondence_url(approved))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    response = client.get(letter_url(approved, provider_letter(approved)))
    assert response.status_code == 302


def test_uploads_and_faxes_opens_the_pages_uploads_section(office_client, approved):
    # The result page's UPLOADS & FAXES links to #uploads: the section must carry that id.
    page = office_client.get(correspondence_url(approved)).content.decode()
    assert re.search(r'<section[^>]*\bid="uploads"', page)
    assert "CONFIDENTIALITY NOTICE" in page


@pytest.mark.parametrize(
    ("status", "takes_clinical"),
    [
        (Case.Status.IN_REVIEW, True),
        (Case.Status.HOLD, True),
        (Case.Status.APPROVED, False),
        (Case.Status.DENIED, False),
        (Case.Status.CANCELLED, False),
    ],
)
def test_upload_additional_clinical_is_offered_while_the_case_takes_it(
    office_client, world, status, takes_clinical
):
    case, _event = submitted(world, outcome=Outcome.REVIEW)
    Case.objects.filter(pk=case.pk).update(status=status)
    page = office_client.get(correspondence_url(case)).content.decode()
    upload = reverse("cases:upload-clinical", kwargs={"public_id": case.public_id})
    assert (upload in page) is takes_clinical


def test_another_offices_case_answers_as_one_that_does_not_exist(outsider_client, approved):
    letter = provider_letter(approved)
    nobody = uuid.uuid4()
    assert_not_found_alike(
        outsider_client.get(correspondence_url(approved)),
        outsider_client.get(reverse("cases:correspondence", kwargs={"public_id": nobody})),
        theirs_id=approved.public_id,
        unknown_id=nobody,
    )
    unknown_letter = reverse(
        "cases:letter-pdf", kwargs={"public_id": nobody, "letter_id": letter.public_id}
    )
    assert_not_found_alike(
        outsider_client.get(letter_url(approved, letter)),
        outsider_client.get(unknown_letter),
        theirs_id=approved.public_id,
        unknown_id=nobody,
    )
    assert not AccessEvent.objects.exists()
