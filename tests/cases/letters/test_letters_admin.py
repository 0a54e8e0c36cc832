"""The letters in admin: read-only, the mail and fax queues as filters, "Print batch as one
PDF" (the member letters merged, logged), "Mark mailed" and "Mark faxed"; administrators only."""

import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AccessEvent
from cases.letters.services import letters_render
from cases.models import Letter
from tests.cases.letters.conftest import PLAIN_KNEE_MRI, pdf_text, submitted
from tests.factories.eligibility import MemberFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cases_letter_changelist"


def make_letters(world, **values):
    case, event = submitted(world, **values)
    letters_render(status_event_id=event.pk)
    return {letter.recipient: letter for letter in Letter.objects.filter(status_event=event)}


@pytest.fixture
def two_cases(world):
    """Two approved cases of two members: one with e-mail notices, one by fax."""
    first = make_letters(world)
    other_member = MemberFactory(
        health_plan=world.plan, first_name="Maria", last_name="Lopez", patient_id="EVG00000077"
    )
    second = make_letters(world, member=other_member, notify_by_email=False)
    return first, second


def action(client, name, letters):
    return client.post(
        reverse(CHANGELIST),
        {"action": name, "_selected_action": [letter.pk for letter in letters]},
    )


def shown(client, **params) -> str:
    return client.get(reverse(CHANGELIST), params).content.decode()


def test_the_queues_are_filters(admin_client_logged_in, two_cases):
    first, second = two_cases
    mail = shown(admin_client_logged_in, queue="mail")
    assert mail.count("Member address") == 2
    assert "(615) 548-4001" not in mail and "6155484001" not in mail
    fax = shown(admin_client_logged_in, queue="fax")
    assert "6155484001" in fax
    assert "Member address" not in fax
    assert second["provider"].case.case_number in fax
    # The e-mailed provider letter waits in no queue.
    waiting = shown(admin_client_logged_in, waiting="yes")
    assert waiting.count('name="_selected_action"') == 3
    assert shown(admin_client_logged_in, waiting="no").count('name="_selected_action"') == 1
    assert shown(admin_client_logged_in, recipient="member").count('name="_selected_action"') == 2
    assert shown(admin_client_logged_in, kind="approval").count('name="_selected_action"') == 4


def test_print_batch_merges_the_member_letters_into_one_pdf_and_logs_it(
    admin_client_logged_in, admin_user, two_cases
):
    first, second = two_cases
    letters = [first["member"], second["member"], first["provider"]]

    response = action(admin_client_logged_in, "print_batch", letters)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    pages = 0
    for letter in (first["member"], second["member"]):
        with letter.file.open("rb") as content:
            pages += len(PdfReader(content).pages)
    assert len(reader.pages) == pages
    text = pdf_text(response.content)
    assert "Dear Jonathan Winter" in text and "Dear Maria Lopez" in text
    assert text.count(PLAIN_KNEE_MRI) == 2
    # Only the mail queue's letters: not the provider's.
    assert "Prior Authorization Approved" not in text
    printed = AccessEvent.objects.filter(action=AccessEvent.Action.PRINT)
    assert sorted(int(event.subject_id) for event in printed) == sorted(
        [first["member"].pk, second["member"].pk]
    )
    assert {event.subject_type for event in printed} == {AccessEvent.SubjectType.LETTER}
    assert {event.user for event in printed} == {admin_user}
    # Printing does not mark them mailed.
    assert not Letter.objects.filter(mailed_at__isnull=False).exists()


def test_print_batch_without_member_letters_prints_nothing(admin_client_logged_in, two_cases):
    first, _second = two_cases
    response = action(admin_client_logged_in, "print_batch", [first["provider"]])
    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Choose member letters of the mail queue to print."]
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).exists()


def test_mark_mailed_marks_only_the_mail_queues_letters(
    admin_client_logged_in, admin_user, two_cases
):
    first, second = two_cases
    chosen = [first["member"], second["member"], first["provider"]]
    response = action(admin_client_logged_in, "mark_mailed", chosen)
    assert response.status_code == 302
    mailed = Letter.objects.filter(mailed_at__isnull=False)
    assert set(mailed) == {first["member"], second["member"]}
    assert Letter.objects.get(pk=first["provider"].pk).mailed_at is None
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 letters marked mailed. 1 left as it was: not waiting to be mailed."]
    entries = LogEntry.objects.filter(action_flag=CHANGE, user=admin_user)
    assert sorted(int(entry.object_id) for entry in entries) == sorted(
        [first["member"].pk, second["member"].pk]
    )
    assert shown(admin_client_logged_in, queue="mail").count('name="_selected_action"') == 0

    # Twice: nothing more to mark, the first date kept.
    before = {letter.pk: letter.mailed_at for letter in mailed}
    action(admin_client_logged_in, "mark_mailed", [first["member"]])
    assert Letter.objects.get(pk=first["member"].pk).mailed_at == before[first["member"].pk]


def test_mark_faxed_empties_the_fax_queue(admin_client_logged_in, two_cases):
    _first, second = two_cases
    fax_letter = second["provider"]
    assert fax_letter.delivery == Letter.Delivery.FAX
    # From the fax queue's own list: what it no longer lists is not counted as left.
    response = admin_client_logged_in.post(
        reverse(CHANGELIST) + "?queue=fax",
        {"action": "mark_faxed", "_selected_action": [fax_letter.pk]},
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["1 letter marked faxed."]
    action(admin_client_logged_in, "mark_faxed", [fax_letter, second["member"]])
    assert Letter.objects.get(pk=fax_letter.pk).faxed_at is not None
    assert Letter.objects.get(pk=second["member"].pk).faxed_at is None
    assert shown(admin_client_logged_in, queue="fax").count('name="_selected_action"') == 0


def test_a_letter_is_read_only_and_its_reads_are_logged(admin_client_logged_in, two_cases):
    first, _second = two_cases
    letter = first["member"]
    page = admin_client_logged_in.get(reverse("admin:cases_letter_change", args=[letter.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert AccessEvent.objects.get(action=AccessEvent.Action.VIEW).subject_id == str(letter.pk)

    pdf = admin_client_logged_in.get(reverse("admin:cases_letter_pdf", args=[letter.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Dear Jonathan Winter" in pdf_text(b"".join(pdf.streaming_content))
    download = AccessEvent.objects.get(action=AccessEvent.Action.DOWNLOAD)
    assert (download.subject_type, download.subject_id, download.member) == (
        AccessEvent.SubjectType.LETTER,
        str(letter.pk),
        letter.case.member,
    )
    assert admin_client_logged_in.get(reverse("admin:cases_letter_add")).status_code == 403
    delete = reverse("admin:cases_letter_delete", args=[letter.pk])
    assert admin_client_logged_in.post(delete, {"post": "yes"}).status_code == 403
    assert Letter.objects.filter(pk=letter.pk).exists()
    missing = reverse("admin:cases_letter_pdf", args=[999_999])
    assert admin_client_logged_in.get(missing).status_code == 404


def test_office_users_cannot_reach_the_letters_admin(office_client, two_cases):
    first, _second = two_cases
    response = office_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    response = office_client.get(reverse("admin:cases_letter_pdf", args=[first["member"].pk]))
    assert response.status_code == 302
    assert not AccessEvent.objects.exists()


def test_print_batch_reads_and_logs_in_the_same_few_queries_however_many_letters(
    admin_client_logged_in, two_cases, world
):
    first, second = two_cases

    def queries_to_print(letters) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = action(admin_client_logged_in, "print_batch", letters)
        assert response.status_code == 200
        return len(queries)

    two = queries_to_print([first["member"], second["member"]])
    more = [make_letters(world)["member"] for _ in range(3)]
    five = queries_to_print([first["member"], second["member"], *more])

    assert five == two
    assert AccessEvent.objects.filter(action=AccessEvent.Action.PRINT).count() == 7
