"""Finishing a request: "Is there any additional information…", the attestation and SUBMIT
CASE with its decision (approved now, or sent to medical review with its due time), one case
however often it is submitted."""

import datetime as dt
import io
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AccessEvent
from cases.clinical.forms.finishing import ATTESTATION, ATTESTATION_REQUIRED
from cases.clinical.stages import StageClosed
from cases.clinical.submission import (
    APPROVED_REASON,
    IN_REVIEW_REASON,
    NOTES_REQUIRED,
    additional_info_save,
    case_submit,
)
from cases.errors import CaseError
from cases.models import Case, StatusEvent, Upload
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from cases.wizard.drafts import EXPIRED_MESSAGE, draft_start
from cases.wizard.views.common import FINISH_LATER_UNSAVED
from tests.cases.conftest import fill_through

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)


def ready(world, *, outcome=Outcome.APPROVE, additional=AdditionalInfo.NONE, **values) -> Case:
    """A locked-in radiology request with every clinical stage before SUBMIT CASE done."""
    case = fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    case.locked_at = timezone.now()
    case.urgency_done = True
    case.is_routine = True
    case.pathway_outcome = outcome
    case.additional_info = additional
    for name, value in values.items():
        setattr(case, name, value)
    case.save()
    return Case.objects.get(pk=case.pk)


def url(name, case):
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def currval(sequence):
    with connection.cursor() as cursor:
        cursor.execute("SELECT currval(%s)", [sequence])
        return cursor.fetchone()[0]


# --- The decision -----------------------------------------------------------------------------


def test_criteria_met_approves_with_an_authorization_number_and_the_validity(world):
    world.delegation.validity_days = 45
    world.delegation.save()
    case = ready(world, outcome=Outcome.APPROVE)
    now = timezone.now()

    submitted = case_submit(user=world.user, public_id=case.public_id, now=now)

    case = Case.objects.get(pk=case.pk)
    assert submitted.pk == case.pk
    assert case.status == Case.Status.APPROVED
    assert case.case_number == str(currval("cases_case_number_seq"))
    assert case.authorization_number == f"A{currval('cases_authorization_number_seq')}"
    assert [
        (line.quantity_requested, line.quantity_approved, line.decision)
        for line in case.procedure_lines.all()
    ] == [(1, 1, "approved")]
    assert case.review_level == ""
    assert (case.submitted_at, case.attested_at) == (now, now)
    today = now.astimezone(ZONE).date()
    assert case.review_date == today
    assert case.expiration_date == today + dt.timedelta(days=45)
    assert case.due_at is None and not case.p2p_required
    (event,) = StatusEvent.objects.filter(case=case, to_status=Case.Status.APPROVED)
    assert (event.from_status, event.by, event.at, event.reason) == (
        Case.Status.DRAFT,
        world.user,
        now,
        APPROVED_REASON,
    )


def test_the_expiration_follows_the_delegations_validity(world):
    world.delegation.validity_days = 180
    world.delegation.save()
    case = ready(world)
    now = dt.datetime(2026, 3, 2, 23, 30, tzinfo=ZONE)  # late evening: still 3/2 locally
    case.expires_at = None
    case.save()
    case = case_submit(user=world.user, public_id=case.public_id, now=now)
    assert case.review_date == dt.date(2026, 3, 2)
    assert case.expiration_date == dt.date(2026, 8, 29)


@pytest.mark.parametrize(
    ("outcome", "p2p"),
    [(Outcome.REVIEW, False), (Outcome.REVIEW_CUSTOM, False), (Outcome.REVIEW_P2P, True)],
)
def test_anything_else_goes_to_medical_review_due_in_seven_days(world, outcome, p2p):
    case = ready(world, outcome=outcome)
    now = timezone.now()

    case_submit(user=world.user, public_id=case.public_id, now=now)

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW
    assert case.get_status_display() == "Pending"
    assert case.case_number == str(currval("cases_case_number_seq"))
    assert case.authorization_number is None
    assert case.review_date is None and case.expiration_date is None
    assert case.due_at == now + dt.timedelta(days=7)
    assert case.procedure_lines.get().quantity_approved is None
    assert case.procedure_lines.get().decision == ""
    assert case.p2p_required is p2p
    assert case.review_level == Case.ReviewLevel.INITIAL
    (event,) = StatusEvent.objects.filter(case=case).exclude(to_status=Case.Status.DRAFT)
    assert (event.from_status, event.to_status, event.reason) == (
        Case.Status.DRAFT,
        Case.Status.IN_REVIEW,
        IN_REVIEW_REASON,
    )


def test_an_urgent_case_is_due_in_72_hours(world):
    case = ready(world, outcome=Outcome.REVIEW, is_urgent=True, is_routine=False)
    now = timezone.now()
    case = case_submit(user=world.user, public_id=case.public_id, now=now)
    assert case.due_at == now + dt.timedelta(hours=72)


def test_the_plans_own_limits_set_the_due_time(world):
    world.delegation.urgent_decision_hours = 24
    world.delegation.standard_decision_days = 14
    world.delegation.save()
    urgent = ready(world, outcome=Outcome.REVIEW, is_urgent=True)
    standard = ready(world, outcome=Outcome.REVIEW)
    now = timezone.now()
    assert case_submit(user=world.user, public_id=urgent.public_id, now=now).due_at == (
        now + dt.timedelta(hours=24)
    )
    assert case_submit(user=world.user, public_id=standard.public_id, now=now).due_at == (
        now + dt.timedelta(days=14)
    )


@pytest.mark.parametrize(
    ("business", "days", "due"),
    [
        # Thursday 7/2/2026 at 3 PM: Friday 7/3 is the observed Independence Day.
        (True, 2, dt.datetime(2026, 7, 7, 15, 0, tzinfo=ZONE)),
        (True, 7, dt.datetime(2026, 7, 14, 15, 0, tzinfo=ZONE)),
        (False, 7, dt.datetime(2026, 7, 9, 15, 0, tzinfo=ZONE)),
    ],
)
def test_standard_days_count_business_days_when_the_plan_says_so(world, business, days, due):
    world.delegation.decision_days_are_business_days = business
    world.delegation.standard_decision_days = days
    world.delegation.save()
    case = ready(world, outcome=Outcome.REVIEW, expires_at=None)
    now = dt.datetime(2026, 7, 2, 15, 0, tzinfo=ZONE)
    assert case_submit(user=world.user, public_id=case.public_id, now=now).due_at == due


def test_urgent_hours_are_not_business_days(world):
    world.delegation.decision_days_are_business_days = True
    world.delegation.save()
    case = ready(world, outcome=Outcome.REVIEW, is_urgent=True, expires_at=None)
    now = dt.datetime(2026, 7, 2, 15, 0, tzinfo=ZONE)
    due = case_submit(user=world.user, public_id=case.public_id, now=now).due_at
    assert due == dt.datetime(2026, 7, 5, 15, 0, tzinfo=ZONE)


def test_numbers_come_from_the_sequences_and_never_repeat(world):
    cases = [ready(world) for _ in range(3)] + [ready(world, outcome=Outcome.REVIEW)]
    now = timezone.now()
    numbers = [
        case_submit(user=world.user, public_id=case.public_id, now=now).case_number
        for case in cases
    ]
    first = int(numbers[0])
    assert numbers == [str(first + offset) for offset in range(4)]
    authorizations = list(
        Case.objects.filter(authorization_number__isnull=False)
        .order_by("case_number")
        .values_list("authorization_number", flat=True)
    )
    assert len(authorizations) == 3
    assert all(number.startswith("A") and number[1:].isdigit() for number in authorizations)
    assert len(set(authorizations)) == 3


def test_the_database_refuses_a_second_case_with_the_same_number(world):
    first = case_submit(user=world.user, public_id=ready(world).public_id, now=timezone.now())
    other = ready(world)
    other.case_number = first.case_number
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save(update_fields=["case_number"])


def test_submitting_twice_makes_one_case(world):
    case = ready(world)
    first_time = timezone.now()
    first = case_submit(user=world.user, public_id=case.public_id, now=first_time)
    again = case_submit(
        user=world.user, public_id=case.public_id, now=first_time + dt.timedelta(seconds=1)
    )
    assert again.pk == first.pk
    assert again.case_number == first.case_number
    assert again.authorization_number == first.authorization_number
    assert again.submitted_at == first_time
    assert StatusEvent.objects.filter(case=case).exclude(to_status="draft").count() == 1
    # No number was drawn for the second click.
    assert currval("cases_case_number_seq") == int(first.case_number)


@pytest.mark.parametrize(
    "undone",
    [
        {"urgency_done": False},
        {"pathway_outcome": ""},
        {"additional_info": ""},
        {"locked_at": None},
    ],
)
def test_submission_is_refused_until_every_stage_is_done(world, undone):
    case = ready(world, **undone)
    with pytest.raises(StageClosed) as closed:
        case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert closed.value.where == "clinical"
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.DRAFT
    assert case.case_number is None and case.submitted_at is None
    assert not StatusEvent.objects.filter(case=case).exclude(to_status="draft").exists()


def test_an_expired_draft_cannot_be_submitted(world):
    case = ready(world)
    now = case.expires_at + dt.timedelta(minutes=1)
    with pytest.raises(StageClosed) as closed:
        case_submit(user=world.user, public_id=case.public_id, now=now)
    assert closed.value.message == EXPIRED_MESSAGE
    assert closed.value.where == "in-progress"
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.EXPIRED and case.case_number is None
    assert StatusEvent.objects.filter(case=case, to_status=Case.Status.EXPIRED).count() == 1


def test_another_office_cannot_submit(world):
    case = ready(world)
    with pytest.raises(Case.DoesNotExist):
        case_submit(user=world.outsider, public_id=case.public_id, now=timezone.now())
    assert Case.objects.get(pk=case.pk).submitted_at is None


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_make_one_case(world):
    case = ready(world)
    barrier = threading.Barrier(3)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
            )
        except Exception as error:  # noqa: BLE001 -- reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert len({result.case_number for result in results}) == 1
    assert len({result.authorization_number for result in results}) == 1
    case = Case.objects.get(pk=case.pk)
    assert case.case_number == results[0].case_number
    assert StatusEvent.objects.filter(case=case, to_status=Case.Status.APPROVED).count() == 1


# --- Additional information (service) ---------------------------------------------------------


def test_notes_are_required_with_a_notes_choice_and_dropped_without_one(world):
    case = ready(world, additional="")
    with pytest.raises(CaseError) as error:
        additional_info_save(
            user=world.user, public_id=case.public_id, additional_info="notes", notes="   "
        )
    assert error.value.message == NOTES_REQUIRED
    saved = additional_info_save(
        user=world.user, public_id=case.public_id, additional_info="both", notes=" Seen 3/1. "
    )
    assert (saved.additional_info, saved.notes) == ("both", "Seen 3/1.")
    saved = additional_info_save(
        user=world.user, public_id=case.public_id, additional_info="none", notes="ignored"
    )
    assert Case.objects.filter(pk=case.pk).values_list("additional_info", "notes").get() == (
        "none",
        "",
    )


def test_additional_information_waits_for_the_questions(world):
    case = ready(world, outcome="", additional="")
    with pytest.raises(StageClosed):
        additional_info_save(user=world.user, public_id=case.public_id, additional_info="none")
    assert Case.objects.get(pk=case.pk).additional_info == ""


# --- Additional information (page) ------------------------------------------------------------


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_additional_information_page_asks_with_the_decks_choices(office_client, world):
    case = ready(world, additional="")
    response = office_client.get(url("clinical-additional", case))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Is there any additional information specific to the member&#x27;s condition you would "
        "like to provide?" in page
    )
    for choice in AdditionalInfo:
        assert choice.label in page
    assert (
        f"Please note that faxes received by {settings.PORTAL_NAME} may take up to 24 hours to "
        "process. Web uploaded documents have faster processing." in page
    )
    assert "Additional Information - Notes:" in page
    assert "SUBMIT" in page and "Finish Later" in page
    assert "You can save a certification request to finish later." in page
    assert 'type="file"' in page and "max size 5MB" in page
    assert AccessEvent.objects.filter(
        user=world.user, action="view", subject_type="case", subject_id=str(case.pk)
    ).exists()


def test_notes_are_saved_and_the_attestation_follows(office_client, world):
    case = ready(world, additional="")
    response = office_client.post(
        url("clinical-additional", case),
        {"additional_info": "notes", "notes": "Pain worse at night since 1/2026."},
    )
    assert response.status_code == 302
    assert response["Location"] == url("clinical-submit", case)
    case.refresh_from_db()
    assert (case.additional_info, case.notes) == ("notes", "Pain worse at night since 1/2026.")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Please select one of the options."),
        ({"additional_info": "maybe"}, "Please select one of the options."),
        ({"additional_info": "both", "notes": "  "}, NOTES_REQUIRED),
        ({"additional_info": "notes", "notes": "x" * 4001}, "4,000 characters or fewer"),
        ({"additional_info": "notes", "notes": "nul\x00byte"}, "Null characters are not allowed"),
    ],
)
def test_bad_additional_information_is_shown_and_nothing_saved(office_client, world, data, message):
    case = ready(world, additional="")
    response = office_client.post(url("clinical-additional", case), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.additional_info, case.notes) == ("", "")


def test_notes_of_4000_characters_are_kept(office_client, world):
    case = ready(world, additional="")
    notes = "y" * 4000
    response = office_client.post(
        url("clinical-additional", case), {"additional_info": "notes", "notes": notes}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).notes == notes


def test_finish_later_saves_the_answer_and_goes_to_the_list(office_client, world):
    case = ready(world, additional="")
    response = office_client.post(
        url("clinical-additional", case),
        {"additional_info": "none", "finish_later": "1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:in-progress")
    assert "Your request has been saved." in response.content.decode()
    assert Case.objects.get(pk=case.pk).additional_info == "none"


def test_finish_later_with_bad_input_saves_nothing(office_client, world):
    case = ready(world, additional="")
    response = office_client.post(
        url("clinical-additional", case),
        {"additional_info": "notes", "notes": "", "finish_later": "1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cases:in-progress")
    assert FINISH_LATER_UNSAVED in response.content.decode()
    assert Case.objects.get(pk=case.pk).additional_info == ""


def test_an_upload_keeps_the_good_files_and_names_the_refused_ones(
    office_client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = ready(world, additional="")
    good = SimpleUploadedFile("knee.png", png_bytes(), content_type="image/png")
    fake = SimpleUploadedFile(
        "notes.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = office_client.post(
        url("clinical-additional", case),
        {"additional_info": "upload", "files": [good, fake]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "notes.pdf is not a readable PDF file." in page
    assert "1 file uploaded." in page and "knee.png" in page
    (upload,) = Upload.objects.filter(case=case)
    assert (upload.original_name, upload.kind, upload.for_urgency) == ("knee.png", "png", False)
    assert (tmp_path / upload.file.name).exists()
    assert Case.objects.get(pk=case.pk).additional_info == "upload"


def test_an_upload_with_only_good_files_goes_on_to_the_attestation(
    office_client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = ready(world, additional="")
    good = SimpleUploadedFile("knee.png", png_bytes(), content_type="image/png")
    response = office_client.post(
        url("clinical-additional", case),
        {"additional_info": "both", "notes": "See the image.", "files": [good]},
    )
    assert response.status_code == 302
    assert response["Location"] == url("clinical-submit", case)
    assert Upload.objects.filter(case=case).count() == 1


def test_files_without_an_upload_choice_are_not_kept(office_client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = ready(world, additional="")
    good = SimpleUploadedFile("knee.png", png_bytes(), content_type="image/png")
    response = office_client.post(
        url("clinical-additional", case), {"additional_info": "none", "files": [good]}
    )
    assert response.status_code == 302
    assert not Upload.objects.filter(case=case).exists()
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_the_additional_page_waits_for_the_questions(office_client, world):
    case = ready(world, outcome="", additional="")
    for response in (
        office_client.get(url("clinical-additional", case)),
        office_client.post(url("clinical-additional", case), {"additional_info": "none"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == url("wizard-clinical", case)
    assert Case.objects.get(pk=case.pk).additional_info == ""


def test_a_draft_not_locked_in_goes_back_to_the_wizard(office_client, world):
    case = ready(world, locked_at=None)
    for name in ("clinical-additional", "clinical-submit"):
        response = office_client.get(url(name, case), follow=True)
        assert response.redirect_chain[-1] == (url("wizard-proceed", case), 302)
        assert response.status_code == 200


def test_an_expired_draft_goes_to_the_list(office_client, world):
    case = ready(world, expires_at=timezone.now() - dt.timedelta(minutes=1))
    for name in ("clinical-additional", "clinical-submit"):
        response = office_client.get(url(name, case))
        assert response.status_code == 302
        assert response["Location"] == reverse("cases:in-progress")


def test_a_submitted_case_goes_to_its_summary(office_client, world):
    case = ready(world)
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    for name in ("clinical-additional", "clinical-submit"):
        for response in (
            office_client.get(url(name, case)),
            office_client.post(url(name, case), {"additional_info": "none", "attest": "on"}),
        ):
            assert response.status_code == 302
            assert response["Location"] == url("summary", case)


@pytest.mark.parametrize("name", ["clinical-additional", "clinical-submit"])
def test_another_offices_case_is_404(outsider_client, world, name):
    case = ready(world, additional="")
    assert outsider_client.get(url(name, case)).status_code == 404
    response = outsider_client.post(url(name, case), {"additional_info": "none", "attest": "on"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.additional_info == "" and case.submitted_at is None


@pytest.mark.parametrize("name", ["clinical-additional", "clinical-submit"])
def test_other_methods_are_refused(office_client, world, name):
    case = ready(world)
    assert office_client.put(url(name, case)).status_code == 405


# --- The attestation and SUBMIT CASE (page) ---------------------------------------------------


def test_the_attestation_page(office_client, world):
    case = ready(world)
    response = office_client.get(url("clinical-submit", case))
    assert response.status_code == 200
    page = response.content.decode()
    assert ATTESTATION.replace("'", "&#x27;") in page
    assert "SUBMIT CASE" in page and 'type="checkbox"' in page


def test_the_attestation_waits_for_the_additional_information(office_client, world):
    case = ready(world, additional="")
    response = office_client.post(url("clinical-submit", case), {"attest": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("wizard-clinical", case)
    assert Case.objects.get(pk=case.pk).submitted_at is None


@pytest.mark.parametrize("data", [{}, {"attest": ""}, {"attest": "false"}])
def test_submit_case_needs_the_box_checked(office_client, world, data):
    case = ready(world)
    response = office_client.post(url("clinical-submit", case), data)
    assert response.status_code == 200
    assert ATTESTATION_REQUIRED in response.content.decode()
    assert Case.objects.get(pk=case.pk).submitted_at is None


def test_submit_case_submits_and_shows_the_summary(office_client, world):
    case = ready(world, outcome=Outcome.REVIEW)
    response = office_client.post(url("clinical-submit", case), {"attest": "on"})
    assert response.status_code == 302
    assert response["Location"] == url("summary", case)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW and case.case_number
    # A double click: the second POST lands on the same summary, one case.
    again = office_client.post(url("clinical-submit", case), {"attest": "on"})
    assert again["Location"] == url("summary", case)
    assert StatusEvent.objects.filter(case=case).exclude(to_status="draft").count() == 1


def test_finish_later_on_the_attestation_leaves_the_draft(office_client, world):
    case = ready(world)
    response = office_client.post(url("clinical-submit", case), {"finish_later": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:in-progress")
    assert Case.objects.get(pk=case.pk).submitted_at is None


def test_a_service_already_performed_goes_to_retrospective_review(world):
    case = ready(world, outcome=Outcome.REVIEW)
    Case.objects.filter(pk=case.pk).update(service_performed=True)
    case = case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert Case.objects.get(pk=case.pk).review_level == Case.ReviewLevel.RETROSPECTIVE
