import pytest
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AccessEvent, User
from accounts.services import access_event_record
from tests.factories.accounts import UserFactory
from tests.factories.eligibility import MemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_accessevent_changelist")


def record(user, *, action="view", subject_type="member", subject_id="1", member=None):
    request = RequestFactory().get("/eligibility/lookup/", REMOTE_ADDR="10.0.0.7")
    return access_event_record(
        request=request,
        user=user,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        member=member,
    )


@pytest.fixture
def events(office_user):
    colleague = UserFactory(username="nurse.reviewer", last_name="Okafor")
    member = MemberFactory()
    return {
        "lookup": record(office_user, action="lookup", subject_id=member.pk, member=member),
        "case": record(colleague, action="view", subject_type="case", subject_id="C-20240001"),
        "print": record(colleague, action="print", subject_type="letter", subject_id="L-77"),
    }


def listed(response) -> set:
    return set(response.context["cl"].result_list)


def test_access_log_lists_newest_first(admin_client_logged_in, events):
    response = admin_client_logged_in.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [
        events["print"],
        events["case"],
        events["lookup"],
    ]
    assert "10.0.0.7" in response.content.decode()


def test_access_log_search_by_user_name(admin_client_logged_in, events):
    by_username = admin_client_logged_in.get(CHANGELIST, {"q": "office.user"})
    by_last_name = admin_client_logged_in.get(CHANGELIST, {"q": "okafor"})

    assert listed(by_username) == {events["lookup"]}
    assert listed(by_last_name) == {events["case"], events["print"]}


def test_access_log_search_by_subject_id(admin_client_logged_in, events):
    response = admin_client_logged_in.get(CHANGELIST, {"q": "C-20240001"})

    assert listed(response) == {events["case"]}


def test_access_log_filters_by_action_and_subject_type(admin_client_logged_in, events):
    by_action = admin_client_logged_in.get(CHANGELIST, {"action__exact": "print"})
    by_subject = admin_client_logged_in.get(CHANGELIST, {"subject_type": "case"})

    assert listed(by_action) == {events["print"]}
    assert listed(by_subject) == {events["case"]}


def test_access_log_cannot_be_added_to(admin_client_logged_in, events):
    page = admin_client_logged_in.get(reverse("admin:accounts_accessevent_add"))
    post = admin_client_logged_in.post(
        reverse("admin:accounts_accessevent_add"),
        {"user": events["case"].user_id, "action": "view", "subject_type": "case"},
    )

    assert page.status_code == 403
    assert post.status_code == 403
    assert AccessEvent.objects.count() == 3
    assert "Add access event" not in admin_client_logged_in.get(CHANGELIST).content.decode()


def test_access_event_page_is_read_only(admin_client_logged_in, events):
    event = events["case"]
    url = reverse("admin:accounts_accessevent_change", args=[event.pk])

    page = admin_client_logged_in.get(url)
    post = admin_client_logged_in.post(url, {"subject_id": "changed", "action": "export"})

    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content
    assert "deletelink" not in content
    assert post.status_code == 403
    event.refresh_from_db()
    assert (event.subject_id, event.action) == ("C-20240001", "view")


def test_access_event_cannot_be_deleted(admin_client_logged_in, events):
    event = events["case"]
    url = reverse("admin:accounts_accessevent_delete", args=[event.pk])

    assert admin_client_logged_in.get(url).status_code == 403
    assert admin_client_logged_in.post(url, {"post": "yes"}).status_code == 403
    bulk = admin_client_logged_in.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in (200, 302)
    assert AccessEvent.objects.filter(pk=event.pk).exists()


def test_access_log_is_not_open_to_office_users(office_client, events):
    response = office_client.get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_user_admin_pages_render(admin_client_logged_in, office_user):
    changelist = admin_client_logged_in.get(
        reverse("admin:accounts_user_changelist"), {"q": "office.user"}
    )
    change = admin_client_logged_in.get(
        reverse("admin:accounts_user_change", args=[office_user.pk])
    )

    assert list(changelist.context["cl"].result_list) == [office_user]
    assert change.status_code == 200
    assert change.context["original"] == office_user


def test_administrator_adds_a_user_with_a_hashed_password(admin_client_logged_in):
    response = admin_client_logged_in.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "front.desk",
            "usable_password": "true",
            "password1": "violet-harbor-lantern-42",
            "password2": "violet-harbor-lantern-42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="front.desk")
    assert user.check_password("violet-harbor-lantern-42")
    assert not user.is_staff


def test_short_password_is_refused_when_adding_a_user(admin_client_logged_in):
    response = admin_client_logged_in.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "front.desk",
            "usable_password": "true",
            "password1": "short-1",
            "password2": "short-1",
        },
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not User.objects.filter(username="front.desk").exists()


def test_a_user_id_taken_in_another_case_is_refused_in_admin_and_in_the_database(
    admin_client_logged_in, office_user
):
    response = admin_client_logged_in.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "Office.User",
            "usable_password": "true",
            "password1": "violet-harbor-lantern-42",
            "password2": "violet-harbor-lantern-42",
        },
    )
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="OFFICE.USER", email="other@example.org")


def test_an_administrator_makes_a_reviewer_of_programs_and_a_queue_lead(admin_client_logged_in):
    radiology, msk = ProgramFactory(), ProgramFactory()
    nurse = UserFactory(username="new.nurse")
    url = reverse("admin:accounts_user_change", args=[nurse.pk])
    page = admin_client_logged_in.get(url).content.decode()
    assert 'name="review_programs"' in page and 'name="is_review_lead"' in page
    form = admin_client_logged_in.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data |= {
        "reviewer_role": User.ReviewerRole.NURSE_REVIEWER,
        "review_programs": [radiology.pk, msk.pk],
        "is_review_lead": "on",
        "last_login_0": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    nurse.refresh_from_db()
    assert nurse.reviewer_role == User.ReviewerRole.NURSE_REVIEWER and nurse.is_review_lead
    assert set(nurse.review_programs.all()) == {radiology, msk}
