"""A reviewer reads a case's letters: each letter of the Letters section (to the provider and
to the member) opens as the PDF stored, for the reviewers of the case's program only (404 for
office users, a reviewer of another program, another case's letter, an unknown letter or a
file gone from the storage), written to the access log."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.letters.services import letters_render
from cases.models import Letter, StatusEvent
from cases.review.decisions import case_cancel
from tests.cases.review.conftest import in_review, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def cancelled_with_letters(world, director) -> tuple[Letter, Letter]:
    """A case in review cancelled by the medical director, its letters rendered and stored as
    the worker does after commit: (the provider's letter, the member's letter)."""
    case = in_review(world)
    case_cancel(
        user=director, public_id=case.public_id, now=timezone.now(), cancel_reason="duplicate"
    )
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    letters_render(status_event_id=event.pk)
    return (
        Letter.objects.get(case=case, recipient=Letter.Recipient.PROVIDER),
        Letter.objects.get(case=case, recipient=Letter.Recipient.MEMBER),
    )


def letter_url(letter: Letter, *, public_id=None) -> str:
    return reverse(
        "cases:review-letter",
        kwargs={"public_id": public_id or letter.case.public_id, "letter_id": letter.public_id},
    )


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def stored(letter: Letter) -> bytes:
    with letter.file.open("rb") as file:
        return file.read()


@pytest.fixture
def letters(world, director):
    return cancelled_with_letters(world, director)


def test_a_nurse_of_the_program_reads_each_letter_as_stored(world, nurse, nurse_client, letters):
    for letter in letters:
        response = nurse_client.get(letter_url(letter))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline;")
        assert "no-store" in response["Cache-Control"]
        content = body_of(response)
        assert content.startswith(b"%PDF") and content == stored(letter)


def test_a_medical_director_of_the_program_reads_it_too(director_client, letters):
    provider, _ = letters
    assert director_client.get(letter_url(provider)).status_code == 200


def test_each_read_is_written_to_the_access_log(world, nurse, nurse_client, letters):
    provider, member = letters

    nurse_client.get(letter_url(provider))
    nurse_client.get(letter_url(member))

    events = AccessEvent.objects.filter(user=nurse).order_by("pk")
    assert [(e.action, e.subject_type, e.subject_id, e.member) for e in events] == [
        (
            AccessEvent.Action.DOWNLOAD,
            AccessEvent.SubjectType.LETTER,
            str(provider.pk),
            world.member,
        ),
        (AccessEvent.Action.DOWNLOAD, AccessEvent.SubjectType.LETTER, str(member.pk), world.member),
    ]
    assert events[0].path == letter_url(provider)


def test_the_case_screen_links_each_letter_to_open_in_a_new_tab(nurse_client, letters):
    case = letters[0].case
    html = nurse_client.get(reverse("cases:review-case", kwargs={"public_id": case.public_id}))
    section = html.content.decode().split('id="letters-title"')[1].split("</section>")[0]

    links = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener"', section)

    assert sorted(links) == sorted(letter_url(letter) for letter in letters)
    for link in links:
        assert nurse_client.get(link).status_code == 200


def test_a_reviewer_of_another_program_gets_404(other_nurse, letters):
    client = signed_in(other_nurse)
    for letter in letters:
        assert client.get(letter_url(letter)).status_code == 404
    assert not AccessEvent.objects.filter(user=other_nurse).exists()


def test_office_users_get_404_even_for_their_own_case(world, office_client, letters):
    for letter in letters:
        assert office_client.get(letter_url(letter)).status_code == 404
    assert not AccessEvent.objects.filter(user=world.user).exists()


def test_signed_out_gets_no_letter(client, letters):
    response = client.get(letter_url(letters[0]))
    assert response.status_code in (302, 404)
    assert not response.content.startswith(b"%PDF")


def test_a_letter_of_another_case_or_an_unknown_letter_is_404(
    world, director, nurse, nurse_client, letters
):
    provider, _ = letters
    other_case = in_review(world)
    assert nurse_client.get(letter_url(provider, public_id=other_case.public_id)).status_code == 404
    unknown = reverse(
        "cases:review-letter",
        kwargs={"public_id": provider.case.public_id, "letter_id": uuid.uuid4()},
    )
    assert nurse_client.get(unknown).status_code == 404
    assert not AccessEvent.objects.filter(user=nurse).exists()


def test_a_letter_gone_from_the_storage_is_404(nurse, nurse_client, letters):
    provider, _ = letters
    provider.file.storage.delete(provider.file.name)

    assert nurse_client.get(letter_url(provider)).status_code == 404
    assert not AccessEvent.objects.filter(user=nurse).exists()


def test_the_letter_answers_get_only(nurse_client, letters):
    assert nurse_client.post(letter_url(letters[0])).status_code == 405
