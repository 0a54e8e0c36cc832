""" "Is this case Routine/Standard?", the urgency criteria and the clinical upload: urgent only
with a successful upload, SKIP UPLOAD is standard, every refused file has its message, a second
identical POST changes nothing, and only the office of the case sees any of it."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical import uploads
from cases.clinical.forms.urgency import CRITERION_REQUIRED, FILES_REQUIRED, ROUTINE_REQUIRED
from cases.clinical.stages import StageClosed
from cases.clinical.uploads import (
    REFUSED_CONTENT,
    REFUSED_EMPTY,
    REFUSED_ENCRYPTED,
    REFUSED_TOO_LARGE,
    REFUSED_TOO_MANY,
)
from cases.clinical.urgency import (
    ALREADY_ANSWERED_MESSAGE,
    NO_UPLOAD_MESSAGE,
    NOT_URGENT_MESSAGE,
    URGENT_MESSAGE,
    AlreadyAnswered,
    urgency_routine_answer,
    urgency_token,
    urgency_urgent_answer,
)
from cases.models import Case, Upload
from cases.models.case import UrgencyCriterion
from cases.wizard.drafts import EXPIRED_MESSAGE, draft_start
from tests.cases.clinical.test_uploads import (
    ELF_BYTES,
    HTML_BYTES,
    doc_bytes,
    docx_bytes,
    pdf_bytes,
    png_bytes,
)
from tests.cases.conftest import fill_through
from tests.cases.test_concurrency import run_together

pytestmark = pytest.mark.django_db

JEOPARDIZE = UrgencyCriterion.JEOPARDIZE.value
SEVERE_PAIN = UrgencyCriterion.SEVERE_PAIN.value
NONE = UrgencyCriterion.NONE.value


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Kept files go to a temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def locked(world, program=None) -> Case:
    case = draft_start(user=world.user, program=program or world.radiology)
    case = fill_through(case, world, "site")
    case.locked_at = timezone.now()
    case.save(update_fields=["locked_at"])
    return case


@pytest.fixture
def case(world) -> Case:
    return locked(world)


def url(case: Case) -> str:
    return reverse("cases:clinical-urgency", kwargs={"public_id": case.public_id})


def next_url(case: Case) -> str:
    return reverse("cases:clinical-question", kwargs={"public_id": case.public_id})


def state_of(page: str) -> str:
    return re.search(r'name="state" value="([0-9a-f]*)"', page).group(1)


def page_of(client, case) -> str:
    response = client.get(url(case))
    assert response.status_code == 200
    return response.content.decode()


def stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()]


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_urgent(client, case, *, criterion=JEOPARDIZE, files=(), action="upload", state=None):
    data = {"action": action, "files": list(files)}
    if criterion is not None:
        data["criterion"] = criterion
    data["state"] = state if state is not None else state_of(page_of(client, case))
    return client.post(url(case), data)


def pdf(name="MRI report.pdf", **kwargs):
    return SimpleUploadedFile(name, pdf_bytes(**kwargs))


# --- The page ---


def test_the_page_asks_whether_the_case_is_routine(office_client, case, world):
    page = page_of(office_client, case)
    assert "Proceed to Clinical Information" in page
    assert "Is this case Routine/Standard?" in page
    assert ">YES</button>" in page and ">NO</button>" in page
    assert "Finish Later" in page
    assert "You can save a certification request to finish later." in page
    # The criteria come with NO.
    assert "Urgency Indicator" not in page
    # The side panel names the patient: the view is logged.
    event = AccessEvent.objects.get(action=AccessEvent.Action.VIEW)
    assert (event.user, event.member, event.subject_id) == (world.user, world.member, str(case.pk))


def test_no_shows_the_criteria_and_the_clinical_upload_box(office_client, case, settings):
    response = office_client.post(url(case), {"routine": "no", "state": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Urgency Indicator" in page
    assert "Please indicate if any of the following criteria are true regarding urgency" in page
    for criterion in UrgencyCriterion:
        assert criterion.label.replace("'", "&#x27;") in page
    assert "Clinical Upload" in page
    assert (
        f"In order for {settings.PORTAL_NAME} to process this case as clinically urgent you must "
        "upload clinical documentation relevant to this case."
    ) in page
    assert (
        "Browse for file to upload (max size 5MB, allowable extensions .DOC,.DOCX,.PDF,.PNG):"
    ) in page
    assert page.count('type="file" name="files"') == 5
    assert 'enctype="multipart/form-data"' in page
    assert ">UPLOAD</button>" in page and ">SKIP UPLOAD</button>" in page
    case.refresh_from_db()
    assert case.is_routine is None and not case.urgency_done


def test_a_dme_case_may_upload_25_mb(office_client, world):
    case = locked(world, world.dme)
    page = office_client.post(url(case), {"routine": "no"}).content.decode()
    assert "max size 25MB" in page


def test_the_page_queries_do_not_grow_with_the_uploads(
    office_client, case, world, django_assert_max_num_queries
):
    post_urgent(office_client, case, files=[pdf(f"page{n}.pdf") for n in range(1, 6)])
    # Session, user, device, membership, office; the case and its procedure lines; its
    # uploads; the access log.
    with django_assert_max_num_queries(9):
        page = page_of(office_client, case)
    assert page.count("/uploads/") == 5


# --- YES ---


def test_yes_makes_the_case_routine_and_goes_on(office_client, case):
    response = office_client.post(url(case), {"routine": "yes", "state": ""})
    assert response.status_code == 302
    assert response["Location"] == next_url(case)
    case.refresh_from_db()
    assert case.is_routine is True and case.urgency_done is True
    assert case.is_urgent is False and case.urgency_criterion == ""


def test_a_missing_or_odd_routine_answer_is_asked_again(office_client, case):
    for data in ({}, {"routine": "maybe"}, {"routine": "x" * 10_000}):
        response = office_client.post(url(case), data)
        assert response.status_code == 200
        assert ROUTINE_REQUIRED in response.content.decode()
    case.refresh_from_db()
    assert not case.urgency_done


# --- NO: urgent only with a successful upload ---


def test_an_upload_makes_the_case_urgent(office_client, case, world, media_root):
    response = post_urgent(office_client, case, files=[pdf()])
    assert response.status_code == 302
    assert response["Location"] == next_url(case)
    assert URGENT_MESSAGE in message_texts(response)
    case.refresh_from_db()
    assert case.is_routine is False and case.urgency_criterion == JEOPARDIZE
    assert case.is_urgent is True and case.urgency_done is True
    (kept,) = Upload.objects.filter(case=case)
    assert kept.for_urgency and kept.uploaded_by == world.user
    assert (kept.original_name, kept.kind) == ("MRI report.pdf", "pdf")
    assert stored_files(media_root) == [media_root / kept.file.name]


def test_each_kind_of_document_counts(office_client, case):
    files = [
        SimpleUploadedFile("notes.docx", docx_bytes()),
        SimpleUploadedFile("letter.doc", doc_bytes()),
        SimpleUploadedFile("knee.png", png_bytes()),
    ]
    post_urgent(office_client, case, criterion=SEVERE_PAIN, files=files)
    case.refresh_from_db()
    assert case.is_urgent and case.urgency_criterion == SEVERE_PAIN
    kinds = sorted(Upload.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["doc", "docx", "png"]


def test_every_file_refused_changes_nothing_and_says_why(office_client, case, media_root):
    files = [
        SimpleUploadedFile("program.pdf", ELF_BYTES),
        SimpleUploadedFile("page.pdf", HTML_BYTES),
        SimpleUploadedFile("locked.pdf", pdf_bytes(password="secret")),
        SimpleUploadedFile("empty.docx", b""),
    ]
    response = post_urgent(office_client, case, files=files)
    assert response.status_code == 200
    page = response.content.decode()
    for message in (
        REFUSED_CONTENT.format(name="program.pdf", kind="PDF"),
        REFUSED_CONTENT.format(name="page.pdf", kind="PDF"),
        REFUSED_ENCRYPTED.format(name="locked.pdf"),
        REFUSED_EMPTY.format(name="empty.docx"),
    ):
        assert message in page
    # The answer is kept on the page.
    assert f'value="{JEOPARDIZE}" checked' in page
    case.refresh_from_db()
    assert case.is_routine is None and not case.urgency_done and not case.is_urgent
    assert not Upload.objects.exists()
    assert stored_files(media_root) == []


def test_good_files_are_kept_and_the_refused_ones_reported(office_client, case):
    files = [pdf("good.pdf"), SimpleUploadedFile("bad.pdf", HTML_BYTES)]
    response = post_urgent(office_client, case, files=files)
    assert response.status_code == 302
    texts = message_texts(response)
    assert REFUSED_CONTENT.format(name="bad.pdf", kind="PDF") in texts
    assert "good.pdf was uploaded." in texts and URGENT_MESSAGE in texts
    assert list(Upload.objects.values_list("original_name", flat=True)) == ["good.pdf"]
    case.refresh_from_db()
    assert case.is_urgent


def test_an_oversize_file_is_refused_by_the_program_limit(office_client, case, monkeypatch):
    monkeypatch.setattr(uploads, "CLINICAL_UPLOAD_MAX_BYTES", 1024)
    page = office_client.post(url(case), {"routine": "no"}).content.decode()
    assert "max size 1KB" in page
    big = SimpleUploadedFile("big.pdf", pdf_bytes(pages=6))
    assert big.size > 1024
    response = post_urgent(office_client, case, files=[big])
    assert response.status_code == 200
    assert REFUSED_TOO_LARGE.format(name="big.pdf", limit="1KB") in response.content.decode()
    case.refresh_from_db()
    assert not case.urgency_done and not Upload.objects.exists()


def test_the_dme_limit_is_its_own(office_client, world, monkeypatch):
    monkeypatch.setattr(uploads, "CLINICAL_UPLOAD_MAX_BYTES", 100)
    case = locked(world, world.dme)
    post_urgent(office_client, case, files=[pdf()])
    case.refresh_from_db()
    assert case.is_urgent and Upload.objects.filter(case=case).count() == 1


def test_a_sixth_file_is_refused_and_the_first_five_kept(office_client, case):
    files = [pdf(f"page{number}.pdf") for number in range(1, 7)]
    response = post_urgent(office_client, case, files=files)
    assert response.status_code == 302
    assert REFUSED_TOO_MANY.format(name="page6.pdf") in message_texts(response)
    names = list(Upload.objects.filter(case=case).values_list("original_name", flat=True))
    assert names == [f"page{number}.pdf" for number in range(1, 6)]


def test_upload_without_a_file_asks_for_one(office_client, case):
    response = post_urgent(office_client, case, files=[])
    assert response.status_code == 200
    assert FILES_REQUIRED in response.content.decode()
    case.refresh_from_db()
    assert not case.urgency_done


@pytest.mark.parametrize("criterion", [None, "", "urgent!!", "x" * 5000])
def test_the_criterion_is_required(office_client, case, criterion):
    response = post_urgent(office_client, case, criterion=criterion, files=[pdf()])
    assert response.status_code == 200
    assert CRITERION_REQUIRED in response.content.decode()
    case.refresh_from_db()
    assert not case.urgency_done and not Upload.objects.exists()


def test_a_tampered_action_is_asked_again(office_client, case):
    response = post_urgent(office_client, case, action="delete-everything", files=[pdf()])
    assert response.status_code == 200
    assert "Please click UPLOAD or SKIP UPLOAD." in response.content.decode()
    assert not Upload.objects.exists()


# --- Standard after all ---


def test_skip_upload_is_standard_and_says_so(office_client, case, media_root):
    response = post_urgent(office_client, case, action="skip", files=[pdf()])
    assert response.status_code == 302
    assert response["Location"] == next_url(case)
    assert NO_UPLOAD_MESSAGE in message_texts(response)
    case.refresh_from_db()
    assert case.is_routine is False and case.urgency_criterion == JEOPARDIZE
    assert case.is_urgent is False and case.urgency_done is True
    # The file chosen was not uploaded.
    assert not Upload.objects.exists() and stored_files(media_root) == []


def test_none_of_the_above_is_standard_even_with_an_upload(office_client, case):
    response = post_urgent(office_client, case, criterion=NONE, files=[pdf()])
    assert NOT_URGENT_MESSAGE in message_texts(response)
    case.refresh_from_db()
    assert case.urgency_done and not case.is_urgent and case.urgency_criterion == NONE
    assert Upload.objects.filter(case=case, for_urgency=True).count() == 1


# --- A second POST, a second visit ---


def test_a_second_identical_post_keeps_one_set_of_files(office_client, case, media_root):
    state = state_of(page_of(office_client, case))
    first = post_urgent(office_client, case, files=[pdf()], state=state)
    second = post_urgent(office_client, case, files=[pdf()], state=state)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == next_url(case)
    assert ALREADY_ANSWERED_MESSAGE in message_texts(second)
    assert Upload.objects.filter(case=case).count() == 1
    assert len(stored_files(media_root)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_the_same_moment_keep_one_set_of_files(world, media_root):
    case = locked(world)
    token = urgency_token(case, [])
    saved, refused = [], []

    def post():
        try:
            outcome = urgency_urgent_answer(
                user=world.user,
                public_id=case.public_id,
                criterion=JEOPARDIZE,
                files=[pdf()],
                token=token,
            )
            saved.append(outcome)
        except AlreadyAnswered:
            refused.append(True)

    run_together(post, post)
    assert len(saved) == 1 and len(refused) == 1
    assert Upload.objects.filter(case=case).count() == 1
    # The second one's file, stored before it found the answer saved, was removed.
    assert len(stored_files(media_root)) == 1


def test_a_second_yes_changes_nothing_more(office_client, case):
    office_client.post(url(case), {"routine": "yes", "state": ""})
    updated = Case.objects.get(pk=case.pk).updated_at
    response = office_client.post(url(case), {"routine": "yes", "state": ""})
    assert response["Location"] == next_url(case)
    assert Case.objects.get(pk=case.pk).updated_at == updated


def test_a_second_visit_shows_the_answer_and_the_files(office_client, case):
    post_urgent(office_client, case, criterion=SEVERE_PAIN, files=[pdf()])
    page = page_of(office_client, case)
    assert "Urgency Indicator" in page
    assert f'value="{SEVERE_PAIN}" checked' in page
    kept = Upload.objects.get(case=case)
    download = reverse(
        "cases:upload-download", kwargs={"public_id": case.public_id, "upload_id": kept.public_id}
    )
    assert f'<a href="{download}">MRI report.pdf</a> (PDF, ' in page
    assert office_client.get(download).status_code == 200


def test_the_answer_can_be_changed_until_submission(office_client, case):
    post_urgent(office_client, case, files=[pdf()])
    state = state_of(page_of(office_client, case))
    response = office_client.post(url(case), {"routine": "yes", "state": state})
    assert response["Location"] == next_url(case)
    case.refresh_from_db()
    assert case.is_routine is True and not case.is_urgent and case.urgency_criterion == ""
    # The documents stay with the case.
    assert Upload.objects.filter(case=case).count() == 1
    assert "Answered: YES" in page_of(office_client, case)


def test_files_kept_earlier_still_count_when_the_upload_is_skipped(office_client, case):
    post_urgent(office_client, case, criterion=NONE, files=[pdf()])
    case.refresh_from_db()
    assert not case.is_urgent
    response = post_urgent(office_client, case, criterion=JEOPARDIZE, action="skip")
    assert URGENT_MESSAGE in message_texts(response)
    case.refresh_from_db()
    assert case.is_urgent and case.urgency_criterion == JEOPARDIZE


def test_upload_with_files_kept_earlier_needs_no_new_file(office_client, case):
    post_urgent(office_client, case, criterion=NONE, files=[pdf()])
    response = post_urgent(office_client, case, criterion=SEVERE_PAIN, files=[])
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_urgent and case.urgency_criterion == SEVERE_PAIN


def test_finish_later_saves_nothing_of_this_page(office_client, case):
    response = office_client.post(url(case), {"finish_later": "1", "routine": "yes"})
    assert response["Location"] == reverse("cases:in-progress")
    case.refresh_from_db()
    assert not case.urgency_done and case.is_routine is None


# --- Who and when ---


def test_another_office_gets_404(outsider_client, case):
    assert outsider_client.get(url(case)).status_code == 404
    assert outsider_client.post(url(case), {"routine": "yes"}).status_code == 404
    response = outsider_client.post(
        url(case), {"action": "upload", "criterion": JEOPARDIZE, "files": [pdf()]}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert not case.urgency_done and not Upload.objects.exists()


def test_only_get_and_post(office_client, case):
    assert office_client.put(url(case)).status_code == 405


def test_a_draft_not_locked_in_goes_back_to_the_wizard(office_client, world):
    case = fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    for response in (
        office_client.get(url(case)),
        office_client.post(url(case), {"routine": "yes"}),
    ):
        assert response["Location"] == reverse(
            "cases:wizard-clinical", kwargs={"public_id": case.public_id}
        )
    case.refresh_from_db()
    assert not case.urgency_done


def test_a_submitted_case_goes_to_its_summary(office_client, case):
    state = state_of(page_of(office_client, case))
    Case.objects.filter(pk=case.pk).update(
        submitted_at=timezone.now(), status=Case.Status.IN_REVIEW
    )
    summary = reverse("cases:summary", kwargs={"public_id": case.public_id})
    assert office_client.get(url(case))["Location"] == summary
    response = post_urgent(office_client, case, files=[pdf()], state=state)
    assert response["Location"] == summary
    case.refresh_from_db()
    assert not case.urgency_done and not Upload.objects.exists()


def test_an_expired_draft_goes_to_the_list(office_client, case, media_root):
    state = state_of(page_of(office_client, case))
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = post_urgent(office_client, case, files=[pdf()], state=state)
    assert response["Location"] == reverse("cases:in-progress")
    assert EXPIRED_MESSAGE in message_texts(response)
    assert not Upload.objects.exists() and stored_files(media_root) == []


def test_an_answer_to_a_draft_whose_time_is_up_expires_it_on_the_spot(world, case):
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(StageClosed) as closed:
        urgency_routine_answer(user=world.user, public_id=case.public_id, token=None)
    assert closed.value.where == "in-progress"
    case.refresh_from_db()
    assert case.status == Case.Status.EXPIRED and not case.urgency_done
    assert case.status_events.filter(to_status=Case.Status.EXPIRED).count() == 1
