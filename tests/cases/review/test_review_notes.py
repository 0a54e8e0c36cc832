"""The case screen's "Add note": a reviewer's note saved and shown, bad input (empty, too long,
missing) with the message next to the field and the text kept, the outsider and the office
(404, nothing saved), CSRF enforced, and the service's own checks."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.errors import CaseError
from cases.models import ReviewNote
from cases.review.screen.services import (
    NOTE_MAX_LENGTH,
    NOTE_REQUIRED,
    NOTE_TOO_LONG,
    review_note_add,
)
from tests.cases.review.conftest import in_review, signed_in
from tests.conftest import VerifiedClient

pytestmark = pytest.mark.django_db


def note_url(case):
    return reverse("cases:review-note", kwargs={"public_id": case.public_id})


def case_url(case):
    return reverse("cases:review-case", kwargs={"public_id": case.public_id})


@pytest.fixture
def case(world):
    return in_review(world)


def test_a_note_is_added_and_shown_on_the_case_screen(case, nurse, nurse_client):
    before = timezone.now()
    response = nurse_client.post(note_url(case), {"text": "  Called the office about the x-ray.  "})

    assert response.status_code == 302
    assert response["Location"] == case_url(case) + "#notes"
    (note,) = ReviewNote.objects.all()
    assert (note.case, note.author, note.text) == (
        case,
        nurse,
        "Called the office about the x-ray.",
    )
    assert before <= note.created_at <= timezone.now()

    page = nurse_client.get(response["Location"])
    assert "Note added." in page.content.decode()
    assert "Called the office about the x-ray." in page.content.decode()


def test_another_reviewer_of_the_program_sees_the_note_and_adds_one(
    case, nurse, director, nurse_client, director_client
):
    nurse_client.post(note_url(case), {"text": "First look: criteria unclear."})
    director_client.post(note_url(case), {"text": "Agree, asking for records."})
    assert list(ReviewNote.objects.values_list("author__username", "text")) == [
        (nurse.username, "First look: criteria unclear."),
        (director.username, "Agree, asking for records."),
    ]
    html = nurse_client.get(case_url(case)).content.decode()
    assert html.index("First look") < html.index("Agree, asking")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, NOTE_REQUIRED),
        ({"text": "   \n  "}, NOTE_REQUIRED),
        ({}, NOTE_REQUIRED),
        ({"text": "x" * (NOTE_MAX_LENGTH + 1)}, NOTE_TOO_LONG),
    ],
)
def test_bad_input_shows_the_message_next_to_the_field_and_keeps_the_text(
    case, nurse_client, data, message
):
    response = nurse_client.post(note_url(case), data)

    assert response.status_code == 200
    assert not ReviewNote.objects.exists()
    form = response.context["note_form"]
    assert form.errors["text"] == [message]
    html = response.content.decode()
    field = html[html.index('name="text"') - 200 : html.index('name="text"') + 400]
    assert "is-invalid" in field
    assert message in html
    if data.get("text", "").strip():
        assert data["text"] in html
    # The whole case screen is there again (and its read logged).
    assert f"Case {case.case_number}" in html
    assert AccessEvent.objects.filter(action=AccessEvent.Action.VIEW).count() == 1


def test_a_note_of_exactly_the_limit_is_kept(case, nurse_client):
    response = nurse_client.post(note_url(case), {"text": "y" * NOTE_MAX_LENGTH})
    assert response.status_code == 302
    assert len(ReviewNote.objects.get().text) == NOTE_MAX_LENGTH


def test_what_a_reviewer_typed_is_shown_escaped(case, nurse_client):
    nurse_client.post(note_url(case), {"text": "<script>alert(1)</script>\nsecond line"})
    html = nurse_client.get(case_url(case)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html


def test_a_reviewer_of_another_program_gets_404_and_nothing_is_saved(case, other_nurse):
    client = signed_in(other_nurse)
    assert client.post(note_url(case), {"text": "Sneaky"}).status_code == 404
    assert client.post(note_url(case), {"text": ""}).status_code == 404
    assert not ReviewNote.objects.exists()


def test_office_users_get_404_and_nothing_is_saved(case, office_client):
    assert office_client.post(note_url(case), {"text": "From the office"}).status_code == 404
    assert not ReviewNote.objects.exists()


def test_adding_a_note_answers_post_only(case, nurse_client):
    assert nurse_client.get(note_url(case)).status_code == 405


def test_csrf_is_enforced(case, nurse):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(nurse)

    assert client.post(note_url(case), {"text": "No token"}).status_code == 403
    assert not ReviewNote.objects.exists()

    # With the page's token it goes through.
    page = client.get(case_url(case))
    token = page.context["csrf_token"]
    response = client.post(note_url(case), {"text": "With token", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert ReviewNote.objects.get().text == "With token"


def test_the_service_checks_the_note_and_who_adds_it(case, nurse, other_nurse, world):
    now = timezone.now()
    with pytest.raises(CaseError, match=NOTE_REQUIRED):
        review_note_add(user=nurse, public_id=case.public_id, text="  ", now=now)
    with pytest.raises(CaseError, match="4,000 characters"):
        review_note_add(user=nurse, public_id=case.public_id, text="z" * 4001, now=now)
    with pytest.raises(case.DoesNotExist):
        review_note_add(user=other_nurse, public_id=case.public_id, text="Hi", now=now)
    with pytest.raises(case.DoesNotExist):
        review_note_add(user=world.user, public_id=case.public_id, text="Hi", now=now)
    note = review_note_add(user=nurse, public_id=case.public_id, text=" Fine ", now=now)
    assert (note.text, note.created_at) == ("Fine", now)
