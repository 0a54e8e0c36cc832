"""Cases in Django admin: read-only, and reading one with its patient is logged."""

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.cases.conftest import fill_through

pytestmark = pytest.mark.django_db


def test_a_case_is_shown_read_only_and_its_read_is_logged(admin_client_logged_in, draft, world):
    case = fill_through(draft, world, "patient")
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = admin_client_logged_in.get(url).content.decode()
    assert str(case.public_id) in page
    assert 'name="_save"' not in page
    event = AccessEvent.objects.get(subject_type="case", subject_id=str(case.pk))
    assert event.member == world.member and event.action == "view"


def test_cases_cannot_be_added_or_deleted_in_admin(admin_client_logged_in, draft):
    assert admin_client_logged_in.get(reverse("admin:cases_case_add")).status_code == 403
    delete = reverse("admin:cases_case_delete", args=[draft.pk])
    assert admin_client_logged_in.post(delete, {"post": "yes"}).status_code == 403
    assert type(draft).objects.filter(pk=draft.pk).exists()


def test_the_case_list_searches_by_office_name(admin_client_logged_in, draft, world):
    url = reverse("admin:cases_case_changelist")
    page = admin_client_logged_in.get(url, {"q": "Lakeside"}).content.decode()
    assert str(draft.public_id) in page
