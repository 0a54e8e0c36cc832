"""The reviewer's case screen for a case made through the real flow (the wizard's steps, the
pathway's questions answered through the answers service, the additional information with
uploads, SUBMIT CASE sending it to medical review): every section's content, the criteria each
answer met or missed, who may see it (404 for everyone else), escaping of what the office
typed, the access log and the query pin."""

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical.submission import IN_REVIEW_REASON
from cases.models import (
    Case,
    Determination,
    Letter,
    PostDecisionRequest,
    ReviewNote,
    StatusEvent,
)
from cases.review.due_words import DueTime
from cases.wizard.drafts import draft_start
from tests.cases.clinical.test_uploads import docx_bytes, pdf_bytes, png_bytes
from tests.cases.review.built import case_in_review
from tests.cases.review.conftest import in_review, signed_in

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)
SCRIPT = "<script>alert('x')</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def name(user) -> str:
    return user.get_full_name() or user.get_username()


def case_url(case):
    return reverse("cases:review-case", kwargs={"public_id": case.public_id})


def text_of(response) -> str:
    """The page's text, tags dropped and white space collapsed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(response, title_id: str) -> str:
    """The text of one section of the page (from its heading to the next section)."""
    html = response.content.decode()
    start = html.index(f'id="{title_id}"')
    end = html.find("<section", start)
    chunk = html[start : end if end != -1 else len(html)]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", chunk))


# --- Every section ----------------------------------------------------------------------------


def test_the_header_shows_the_case_as_a_reviewer_sees_it(world, pathway, nurse, nurse_client):
    case = case_in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=nurse, assigned_at=timezone.now())

    response = nurse_client.get(case_url(case))

    assert response.status_code == 200
    page = text_of(response)
    assert f"Case {case.case_number}" in page
    assert "In review (Initial review)" in page
    assert "Urgency Standard" in page
    assert "Review level Initial review" in page
    assert f"Assigned to {name(nurse)}" in page
    due = timezone.localtime(case.due_at, ZONE)
    assert f"Decision due {due:%-m/%-d/%Y %-I:%M %p}" in page
    # Seven days ahead: no highlight, the time left in words.
    assert re.search(r"\(6 days 23 hours left\)|\(7 days left\)", page)
    assert "Due within 24 hours" not in page and "Overdue" not in page


def test_the_request_section_shows_everything_the_office_entered(world, pathway, nurse_client):
    case = case_in_review(world)

    response = nurse_client.get(case_url(case))

    request = section(response, "request-title")
    assert "Radiology and Cardiology" in request
    assert "Grace Michael" in request and "NPI 1234567893" in request
    address = world.practitioner_address
    assert address.address1 in request and address.city_state_zip in request
    assert "Who to contact Pat Front Desk" in request
    assert "Phone (615) 548-4000" in request and "Fax (615) 548-4001" in request
    assert "pat@lakeside.example" in request
    assert f"Evergreen Health Plan · {world.coverage.line_of_business.name}" in request
    assert "Winter, Jonathan" in request
    assert "Date of birth 6/28/1982" in request
    assert "Patient ID EVG00000042" in request
    assert world.member.address1 in request and world.member.city_state_zip in request
    assert "cell (615) 555-0199" in request
    assert "Franklin Imaging Center" in request and world.site.npi in request
    assert f"{case.date_of_service:%-m/%-d/%Y}" in request
    assert "Routine / standard" in request
    line = "1 73721 MRI LOWER EXTREMITY JOINT W/O None 1 Not decided Not decided"
    assert line in request
    assert "Primary R68.89 · Other general symptoms and signs" in request
    assert "Secondary None" in request


def test_modifiers_quantities_and_urgency_criterion_are_shown(world, pathway, nurse_client):
    case = case_in_review(world)
    line = case.procedure_lines.get()
    line.modifiers, line.quantity_requested = "RT", 2
    line.save()
    Case.objects.filter(pk=case.pk).update(
        is_urgent=True, is_routine=False, urgency_criterion="severe_pain"
    )

    response = nurse_client.get(case_url(case))

    request = section(response, "request-title")
    assert "73721 MRI LOWER EXTREMITY JOINT W/O RT 2 Not decided" in request
    assert "Urgent A delay in care would subject the member to severe pain" in request
    assert "Urgency Urgent" in text_of(response)


def test_the_clinical_section_lists_the_answers_with_each_criterion_met_or_missed(
    world, pathway, nurse_client
):
    case = case_in_review(world)

    response = nurse_client.get(case_url(case))

    clinical = section(response, "clinical-title")
    assert "Pathway: Knee MRI" in clinical
    assert "Outcome of the answers: Criteria not met or unknown: medical review" in clinical
    order = [
        "1. Which joint is to be imaged? Answer: Knee",
        "2. How many weeks of conservative treatment were completed? Answer: 4",
        "3. Was a plain x-ray of the knee done in the last 60 days? Answer: No",
        "4. Describe the findings. Answer: Effusion",
    ]
    positions = [clinical.index(text) for text in order]
    assert positions == sorted(positions)
    # Each rule of each question, met or missed by the answer; the first met is applied.
    assert "The answer is Knee Question 2 Met (applied)" in clinical
    assert "The answer is Hip Criteria not met or unknown: medical review Missed" in clinical
    assert "The answer is at least 6 Criteria met: approve now Missed" in clinical
    assert "Any answer Question 3 Met (applied)" in clinical
    assert "The answer is Yes Criteria met: approve now Missed" in clinical
    assert "No criteria on this question" in clinical
    html = response.content.decode()
    assert html.count('data-testid="criterion"') == 5
    assert html.count('data-testid="clinical-answer"') == 4
    assert "Additional information I would like to upload a document and enter" in clinical
    assert "Pain at night, worse on stairs." in clinical


def test_a_case_without_a_pathway_says_so(world, nurse_client):
    case = in_review(world)

    response = nurse_client.get(case_url(case))

    assert response.status_code == 200
    assert "This program asks no clinical questions" in section(response, "clinical-title")


def test_the_uploads_are_shown_in_the_page_and_word_files_downloaded(world, pathway, nurse_client):
    case = case_in_review(
        world,
        files=(
            ("MRI report.pdf", pdf_bytes),
            ("Knee photo.png", png_bytes),
            ("Office visit.docx", docx_bytes),
        ),
    )
    pdf, png, docx = case.uploads.order_by("uploaded_at", "pk")

    response = nurse_client.get(case_url(case))

    html = response.content.decode()

    def url(upload):
        return reverse(
            "cases:review-upload",
            kwargs={"public_id": case.public_id, "upload_id": upload.public_id},
        )

    assert re.search(rf'<iframe src="{url(pdf)}" title="MRI report.pdf \(PDF\)"', html)
    assert re.search(rf'<img class="[^"]*" src="{url(png)}" alt="Knee photo.png \(image\)"', html)
    assert f'href="{url(docx)}">Download Office visit.docx (DOCX)' in html
    assert "<iframe" in html and html.count("<iframe") == 1
    uploads = section(response, "uploads-title")
    assert f"uploaded {timezone.localtime(pdf.uploaded_at, ZONE):%-m/%-d/%Y} " in uploads
    assert f"by {name(world.user)}" in uploads


def test_the_notes_history_letters_and_post_decision_requests(
    world, pathway, nurse, director, nurse_client
):
    case = case_in_review(world)
    now = timezone.now()
    ReviewNote.objects.create(
        case=case, author=nurse, text="Asked for x-ray report.", created_at=now
    )
    hold = StatusEvent.objects.create(
        case=case,
        from_status="in_review",
        to_status="hold",
        by=director,
        at=now,
        reason="Additional information required",
        note="Send the x-ray report.",
    )
    Determination.objects.create(
        case=case,
        status_event=hold,
        outcome="hold",
        review_level="initial",
        decided_by=director,
        decided_at=now,
        rationale="The x-ray is needed to decide.",
    )
    Letter.objects.create(
        case=case,
        status_event=hold,
        kind=Letter.Kind.HOLD,
        recipient=Letter.Recipient.MEMBER,
        delivery=Letter.Delivery.MAIL,
        file="letters/x.pdf",
        sha256="0" * 64,
    )
    PostDecisionRequest.objects.create(
        case=case,
        kind="reconsideration",
        requested_by=world.user,
        requested_at=now,
        contact_name="Pat Front Desk",
        contact_phone="6155484000",
        reason="New imaging attached.",
    )

    response = nurse_client.get(case_url(case))

    notes = section(response, "notes-title")
    assert name(nurse) in notes and "Asked for x-ray report." in notes
    history = section(response, "history-title")
    submitted = timezone.localtime(case.submitted_at, ZONE)
    assert (
        f"{submitted:%-m/%-d/%Y %-I:%M %p %Z} Draft In review {name(world.user)} {IN_REVIEW_REASON}"
        in (history)
    )
    held = timezone.localtime(now, ZONE)
    assert (
        f"{held:%-m/%-d/%Y %-I:%M %p %Z} In review On hold: Additional Information Required "
        f"{name(director)} Additional information required Additional information required "
        "Send the x-ray report. The x-ray is needed to decide."
    ) in history
    letters = section(response, "letters-title")
    assert "Additional information required Member Mail queue" in letters
    assert "Not yet" in letters
    # Each letter opens as its PDF in a new tab (cases.review.screen.letters).
    letter_url = reverse(
        "cases:review-letter",
        kwargs={"public_id": case.public_id, "letter_id": Letter.objects.get(case=case).public_id},
    )
    assert f'href="{letter_url}" target="_blank" rel="noopener"' in response.content.decode()
    requests = section(response, "post-decision-title")
    assert "Reconsideration · Received" in requests
    assert "Pat Front Desk, (615) 548-4000" in requests and "New imaging attached." in requests


def test_a_held_case_shows_its_information_due_time(world, nurse_client):
    case = in_review(world, status=Case.Status.HOLD)
    hold_due = timezone.now() + dt.timedelta(days=3, hours=2)
    Case.objects.filter(pk=case.pk).update(hold_due_at=hold_due, decide_on_original=False)

    page = text_of(nurse_client.get(case_url(case)))

    assert "Status On hold: Additional Information Required" in page
    assert re.search(r"Information due \S+ \S+ \S+ \S+ \(3 days (1|2) hours? left\)", page)


@pytest.mark.parametrize(
    ("due_in", "shown"),
    [
        (dt.timedelta(hours=5), r"Due within 24 hours: 4 hours 59 minutes left"),
        (dt.timedelta(hours=-2), r"Overdue by (1 hour 59 minutes|2 hours)"),
    ],
)
def test_the_due_time_is_highlighted_in_words_under_24_hours_and_overdue(
    world, nurse_client, due_in, shown
):
    case = in_review(world, due_in=due_in)
    page = text_of(nurse_client.get(case_url(case)))
    assert re.search(shown, page)


def test_the_time_left_in_words():
    now = timezone.now()
    assert DueTime(at=now + dt.timedelta(days=1, hours=1), now=now).left_text == (
        "1 day 1 hour left"
    )
    assert DueTime(at=now + dt.timedelta(days=2), now=now).left_text == "2 days left"
    assert DueTime(at=now + dt.timedelta(seconds=20), now=now).left_text == "1 minute left"
    overdue = DueTime(at=now - dt.timedelta(hours=3, minutes=5), now=now)
    assert overdue.is_overdue and not overdue.is_soon
    assert overdue.left_text == "Overdue by 3 hours 5 minutes"
    soon = DueTime(at=now + dt.timedelta(hours=23, minutes=59), now=now)
    assert soon.is_soon and not soon.is_overdue
    assert not DueTime(at=now + dt.timedelta(hours=24), now=now).is_soon


def test_a_decided_case_is_still_shown_without_a_time_left(world, nurse_client):
    case = in_review(world, status=Case.Status.DENIED)
    page = text_of(nurse_client.get(case_url(case)))
    assert "Status Denied" in page
    assert "(decided)" in page and "left" not in page.split("Decision due")[1][:60]


def test_the_determination_forms_are_shown_in_the_decision_panel(world, nurse_client):
    case = in_review(world)
    response = nurse_client.get(case_url(case))
    assert response.context["decision_forms"] is True
    assert "cases/review/partials/decision.html" in [t.name for t in response.templates]
    assert "Approve request" in section(response, "decision-title")


# --- Who may see it ---------------------------------------------------------------------------


def test_a_medical_director_of_the_program_sees_it(world, pathway, director_client):
    case = case_in_review(world)
    assert director_client.get(case_url(case)).status_code == 200


def test_a_reviewer_of_another_program_gets_404(world, pathway, other_nurse):
    case = case_in_review(world)
    response = signed_in(other_nurse).get(case_url(case))
    assert response.status_code == 404
    assert not AccessEvent.objects.filter(user=other_nurse).exists()


def test_office_users_get_404_even_for_their_own_case(world, pathway, office_client):
    case = case_in_review(world)
    assert office_client.get(case_url(case)).status_code == 404
    assert office_client.post(case_url(case)).status_code == 404


def test_an_unknown_case_and_a_draft_are_404(world, nurse_client):
    draft = draft_start(user=world.user, program=world.radiology)
    assert nurse_client.get(case_url(draft)).status_code == 404
    unknown = reverse("cases:review-case", kwargs={"public_id": uuid.uuid4()})
    assert nurse_client.get(unknown).status_code == 404


def test_signed_out_is_sent_to_sign_in_or_404(world, client):
    case = in_review(world)
    response = client.get(case_url(case))
    assert response.status_code in (302, 404)
    assert b"Winter" not in response.content


def test_the_case_screen_answers_get_only(world, nurse_client):
    case = in_review(world)
    assert nurse_client.post(case_url(case)).status_code == 405


# --- Escaping -----------------------------------------------------------------------------------


def test_what_the_office_typed_is_shown_escaped(world, pathway, nurse, nurse_client):
    case = case_in_review(
        world,
        answers=(("anatomy", "knee"), ("weeks", "4"), ("xray", "no"), ("findings", SCRIPT)),
        notes=f"Notes {SCRIPT}",
    )
    ReviewNote.objects.create(case=case, author=nurse, text=SCRIPT, created_at=timezone.now())
    Case.objects.filter(pk=case.pk).update(contact_name=SCRIPT)

    html = nurse_client.get(case_url(case)).content.decode()

    assert "<script>alert" not in html
    # The answer, the office's notes, the contact and the reviewer's note.
    assert html.count(ESCAPED_SCRIPT) == 4


# --- The access log and the query pin -----------------------------------------------------------


def test_the_case_view_is_written_to_the_access_log(world, pathway, nurse, nurse_client):
    case = case_in_review(world)

    nurse_client.get(case_url(case))

    (event,) = AccessEvent.objects.filter(user=nurse)
    assert (event.action, event.subject_type, event.subject_id, event.member) == (
        AccessEvent.Action.VIEW,
        AccessEvent.SubjectType.CASE,
        str(case.pk),
        world.member,
    )
    assert event.path == case_url(case)


def test_the_queries_do_not_grow_with_the_answers_uploads_events_and_notes(
    world, pathway, nurse, director, nurse_client, django_assert_max_num_queries
):
    small = case_in_review(
        world,
        answers=(("anatomy", "knee"), ("weeks", "4"), ("xray", "no"), ("findings", "x")),
        files=(("a.pdf", pdf_bytes),),
    )
    big = case_in_review(
        world,
        files=(
            ("a.pdf", pdf_bytes),
            ("b.png", png_bytes),
            ("c.docx", docx_bytes),
            ("d.pdf", pdf_bytes),
            ("e.png", png_bytes),
        ),
    )
    now = timezone.now()
    for number in range(6):
        ReviewNote.objects.create(case=big, author=nurse, text=f"n{number}", created_at=now)
        event = StatusEvent.objects.create(
            case=big, from_status="in_review", to_status="in_review", by=director, at=now
        )
        Determination.objects.create(
            case=big,
            status_event=event,
            outcome="hold",
            review_level="initial",
            decided_by=director,
            decided_at=now,
        )
        Letter.objects.create(
            case=big,
            status_event=event,
            kind="hold",
            recipient="provider",
            delivery="email_notice",
            file="letters/x.pdf",
            sha256="0",
        )
    PostDecisionRequest.objects.create(
        case=big,
        kind="appeal",
        requested_by=world.user,
        requested_at=now,
        contact_name="Pat",
        contact_phone="6155484000",
        reason="r",
    )

    counts = []
    for case in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert nurse_client.get(case_url(case)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The session, the user and their device; the case and its procedure lines; the access
    # log; the pathway's questions, choices and rules and the answers; uploads, notes, status
    # events, letters and post-decision requests.
    with django_assert_max_num_queries(16):
        nurse_client.get(case_url(big))
