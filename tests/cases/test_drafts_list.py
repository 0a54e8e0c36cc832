"""Certification Requests In Progress: the office's drafts (everyone in the office, nobody
else), the step each reached, Resume and Delete."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, Membership, User
from cases.models import Case, ProcedureLine, StatusEvent
from cases.wizard.drafts import EXPIRED_MESSAGE, NOT_A_DRAFT_MESSAGE, draft_start
from cases.wizard.views.drafts import DELETED_MESSAGE
from tests.cases.conftest import fill_through
from tests.conftest import VerifiedClient
from tests.factories.accounts import AdminUserFactory, MembershipFactory, UserFactory
from tests.factories.eligibility import CoverageFactory, MemberFactory

pytestmark = pytest.mark.django_db

IN_PROGRESS = reverse("cases:in-progress")
NO_RECORDS = "No records to display"


def resume_url(case):
    return reverse("cases:resume", kwargs={"public_id": case.public_id})


def delete_url(case):
    return reverse("cases:delete", kwargs={"public_id": case.public_id})


def expire(case, *, ago=dt.timedelta(minutes=1), status=None):
    values = {"expires_at": timezone.now() - ago}
    if status:
        values["status"] = status
    Case.objects.filter(pk=case.pk).update(**values)


def list_events(user):
    return AccessEvent.objects.filter(user=user, action=AccessEvent.Action.LIST)


# --- the list ---


def test_the_list_shows_each_column_of_the_offices_draft(office_client, draft, world):
    case = fill_through(draft, world, "patient")
    started = dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)  # 9:05 AM in New York
    expires = dt.datetime(2099, 1, 6, 5, 0, tzinfo=dt.UTC)  # 12:00 AM in New York
    Case.objects.filter(pk=case.pk).update(created_at=started, expires_at=expires)
    page = office_client.get(IN_PROGRESS).content.decode()
    assert "Certification Requests In Progress" in page
    assert "11/23/2026 9:05 AM" in page
    assert "Radiology and Cardiology" in page
    assert "WINTER, JONATHAN" in page
    assert "MICHAEL, GRACE (1234567893)" in page
    assert "Requested Service + Diagnosis" in page
    assert "01/06/2099 12:00 AM" in page
    assert resume_url(case) in page and delete_url(case) in page
    assert NO_RECORDS not in page


def test_a_new_draft_shows_dashes_and_its_first_step(office_client, draft):
    page = office_client.get(IN_PROGRESS).content.decode()
    assert "Requesting Provider Information" in page
    assert page.count("<td>—</td>") == 2  # member and provider


def test_a_musculoskeletal_draft_reached_the_attention_question(office_client, world):
    draft_start(user=world.user, program=world.msk)
    assert "Attention!" in office_client.get(IN_PROGRESS).content.decode()


def test_a_locked_in_draft_reached_proceed_to_clinical_information(office_client, draft, world):
    case = fill_through(draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now())
    page = office_client.get(IN_PROGRESS).content.decode()
    assert "Proceed to Clinical Information" in page
    assert resume_url(case) in page


def test_newest_first(office_client, world):
    older = draft_start(user=world.user, program=world.radiology)
    newer = draft_start(user=world.user, program=world.dme)
    Case.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    page = office_client.get(IN_PROGRESS).content.decode()
    assert page.index(resume_url(newer)) < page.index(resume_url(older))


def test_a_colleague_sees_the_offices_drafts(client, draft, world):
    colleague = MembershipFactory(office=world.office, role=Membership.Role.OFFICE_ADMIN).user
    client.force_login(colleague)
    assert resume_url(draft) in client.get(IN_PROGRESS).content.decode()


def test_another_office_sees_none_of_them(outsider_client, draft):
    page = outsider_client.get(IN_PROGRESS).content.decode()
    assert resume_url(draft) not in page
    assert NO_RECORDS in page


def test_no_records_to_display(office_client):
    assert NO_RECORDS in office_client.get(IN_PROGRESS).content.decode()


@pytest.mark.parametrize("make_user", [lambda: UserFactory(), lambda: AdminUserFactory()])
def test_users_without_an_office_get_404(client, world, make_user):
    user = make_user()
    if not user.is_staff:
        User.objects.filter(pk=user.pk).update(reviewer_role=User.ReviewerRole.NURSE_REVIEWER)
    client.force_login(user)
    assert client.get(IN_PROGRESS).status_code == 404


def test_the_list_only_answers_get(office_client):
    assert office_client.post(IN_PROGRESS).status_code == 405


def test_expired_drafts_are_listed_as_expired_without_actions(office_client, world):
    swept = draft_start(user=world.user, program=world.radiology)
    expire(swept, status=Case.Status.EXPIRED)
    # Its time is up but the sweep has not run yet: expired all the same.
    unswept = draft_start(user=world.user, program=world.dme)
    expire(unswept)
    open_draft = draft_start(user=world.user, program=world.msk)
    page = office_client.get(IN_PROGRESS).content.decode()
    expired_part = page.split(">Expired</h2>")[1]
    for case in (swept, unswept):
        assert resume_url(case) not in page and delete_url(case) not in page
    assert (
        "Radiology and Cardiology" in expired_part and "Durable Medical Equipment" in expired_part
    )
    assert resume_url(open_draft) in page.split(">Expired</h2>")[0]


def test_long_expired_and_submitted_requests_are_not_listed(office_client, world):
    old = draft_start(user=world.user, program=world.radiology)
    expire(old, ago=dt.timedelta(days=8), status=Case.Status.EXPIRED)
    submitted = draft_start(user=world.user, program=world.dme)
    Case.objects.filter(pk=submitted.pk).update(status=Case.Status.IN_REVIEW)
    page = office_client.get(IN_PROGRESS).content.decode()
    assert NO_RECORDS in page
    assert ">Expired</h2>" not in page
    assert "Durable Medical Equipment" not in page.split("<table")[1]


def test_listing_members_writes_the_access_log(office_client, world):
    with_member = fill_through(
        draft_start(user=world.user, program=world.radiology), world, "patient"
    )
    # The same member on a second draft is one row: one read of one member.
    fill_through(draft_start(user=world.user, program=world.radiology), world, "patient")
    other_member = MemberFactory(
        health_plan=world.plan, patient_id="LST00000001", first_name="Ada", last_name="Stone"
    )
    expired = draft_start(user=world.user, program=world.radiology)
    Case.objects.filter(pk=expired.pk).update(member=other_member)
    expire(expired)
    draft_start(user=world.user, program=world.dme)  # no member: nothing to log
    office_client.get(IN_PROGRESS)
    events = list_events(world.user)
    assert sorted(event.member_id for event in events) == sorted(
        [with_member.member_id, other_member.pk]
    )
    assert {(e.subject_type, e.path) for e in events} == {
        (AccessEvent.SubjectType.MEMBER, IN_PROGRESS)
    }


def test_a_list_without_members_writes_no_access_log(office_client, draft, world):
    office_client.get(IN_PROGRESS)
    assert not list_events(world.user).exists()


def _drafts(world, count):
    for n in range(count):
        member = MemberFactory(health_plan=world.plan, patient_id=f"LST{n:08d}")
        CoverageFactory(member=member, line_of_business=world.coverage.line_of_business)
        case = fill_through(draft_start(user=world.user, program=world.radiology), world, "service")
        Case.objects.filter(pk=case.pk).update(member=member)


QUERIES = 8


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_takes_the_same_few_queries_whatever_the_number(
    office_client, world, django_assert_max_num_queries, count
):
    _drafts(world, count)
    expired = draft_start(user=world.user, program=world.dme)
    expire(expired)
    with django_assert_max_num_queries(QUERIES):
        page = office_client.get(IN_PROGRESS).content.decode()
    assert page.count("Confirm your service selection.") == count
    assert list_events(world.user).count() == count


# --- Resume ---


def test_resume_goes_to_the_first_step_not_complete(office_client, draft, world):
    response = office_client.get(resume_url(draft))
    assert response["Location"] == reverse(
        "cases:wizard-provider", kwargs={"public_id": draft.public_id}
    )
    fill_through(draft, world, "contact")
    response = office_client.get(resume_url(draft))
    assert response["Location"] == reverse(
        "cases:wizard-date-of-service", kwargs={"public_id": draft.public_id}
    )


def test_resume_of_a_musculoskeletal_draft_goes_to_attention(office_client, world):
    case = draft_start(user=world.user, program=world.msk)
    assert office_client.get(resume_url(case))["Location"].endswith("/follow-on/")


def test_resume_after_lock_in_goes_to_the_clinical_information(office_client, draft, world):
    case = fill_through(draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now())
    assert office_client.get(resume_url(case))["Location"] == reverse(
        "cases:wizard-clinical", kwargs={"public_id": case.public_id}
    )


def test_resume_by_a_colleague(client, draft, world):
    client.force_login(MembershipFactory(office=world.office).user)
    assert client.get(resume_url(draft))["Location"].endswith("/provider/")


def test_resume_of_another_offices_draft_is_404(outsider_client, draft):
    assert outsider_client.get(resume_url(draft)).status_code == 404


def test_resume_of_an_unknown_id_is_404(office_client):
    url = reverse("cases:resume", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert office_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Case.Status.EXPIRED}, EXPIRED_MESSAGE),
        ({"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, EXPIRED_MESSAGE),
        ({"status": Case.Status.IN_REVIEW}, NOT_A_DRAFT_MESSAGE),
        ({"status": Case.Status.APPROVED}, NOT_A_DRAFT_MESSAGE),
    ],
)
def test_resume_of_a_closed_request_goes_back_to_the_list(office_client, draft, change, message):
    Case.objects.filter(pk=draft.pk).update(**change)
    response = office_client.get(resume_url(draft), follow=True)
    assert response.redirect_chain[0][0] == IN_PROGRESS
    assert message in response.content.decode()


def test_resume_only_answers_get(office_client, draft):
    assert office_client.post(resume_url(draft)).status_code == 405


# --- Delete ---


def test_delete_asks_first(office_client, draft, world):
    case = fill_through(draft, world, "patient")
    Case.objects.filter(pk=case.pk).update(
        created_at=dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)
    )
    page = office_client.get(delete_url(case)).content.decode()
    assert "Delete this request?" in page
    assert "Radiology and Cardiology" in page and "WINTER, JONATHAN" in page
    assert "11/23/2026 9:05 AM" in page
    assert Case.objects.filter(pk=case.pk).exists()
    (event,) = AccessEvent.objects.filter(user=world.user)
    assert (event.action, event.member_id) == (AccessEvent.Action.VIEW, world.member.pk)


def test_delete_deletes_the_draft_and_its_lines(office_client, draft, world):
    case = fill_through(draft, world, "service")
    response = office_client.post(delete_url(case), follow=True)
    assert response.redirect_chain[0][0] == IN_PROGRESS
    assert DELETED_MESSAGE in response.content.decode()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not ProcedureLine.objects.filter(case_id=case.pk).exists()
    assert not StatusEvent.objects.filter(case_id=case.pk).exists()


def test_a_colleague_can_delete(client, draft, world):
    client.force_login(MembershipFactory(office=world.office).user)
    client.post(delete_url(draft))
    assert not Case.objects.filter(pk=draft.pk).exists()


def test_delete_of_another_offices_draft_is_404(outsider_client, draft):
    assert outsider_client.get(delete_url(draft)).status_code == 404
    assert outsider_client.post(delete_url(draft)).status_code == 404
    assert Case.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Case.Status.EXPIRED}, EXPIRED_MESSAGE),
        ({"expires_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, EXPIRED_MESSAGE),
        ({"status": Case.Status.IN_REVIEW}, NOT_A_DRAFT_MESSAGE),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_or_submitted_request_cannot_be_deleted(
    office_client, draft, change, message, method
):
    Case.objects.filter(pk=draft.pk).update(**change)
    response = getattr(office_client, method)(delete_url(draft), follow=True)
    assert response.redirect_chain[0][0] == IN_PROGRESS
    assert message in response.content.decode()
    assert Case.objects.filter(pk=draft.pk).exists()


def test_delete_needs_the_csrf_token(draft, world):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(world.user)
    assert client.post(delete_url(draft)).status_code == 403
    assert Case.objects.filter(pk=draft.pk).exists()


def test_delete_answers_only_get_and_post(office_client, draft):
    assert office_client.put(delete_url(draft)).status_code == 405
    assert Case.objects.filter(pk=draft.pk).exists()
