"""Each role signs in and meets exactly the pages it may use; the rest are 404 (or, for Django
admin, the way back to the log-in)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, User
from tests.factories.accounts import AdminUserFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OK, NOT_FOUND, TO_LOGIN = 200, 404, 302

ROLES = ["office_user", "office_admin", "nurse_reviewer", "medical_director", "portal_admin"]

# page -> expected answer per role, in the order of ROLES
MATRIX = {
    "portal:home": (OK, OK, OK, OK, OK),
    "portal:resources": (OK, OK, OK, OK, OK),
    "eligibility:lookup": (OK, OK, OK, OK, OK),
    "accounts:manage": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "accounts:add-practitioner": (OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "accounts:change-password": (OK, OK, OK, OK, OK),
    "accounts:edit-account": (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "accounts:invite": (NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "admin:index": (TO_LOGIN, TO_LOGIN, TO_LOGIN, TO_LOGIN, OK),
    "admin:eligibility_member_changelist": (TO_LOGIN, TO_LOGIN, TO_LOGIN, TO_LOGIN, OK),
}


def user_in_role(role: str) -> User:
    if role in ("office_user", "office_admin"):
        return MembershipFactory(role=getattr(Membership.Role, role.upper())).user
    if role == "portal_admin":
        return AdminUserFactory()
    return UserFactory(reviewer_role=getattr(User.ReviewerRole, role.upper()))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(MATRIX))
def test_role_matrix(client, role, page):
    client.force_login(user_in_role(role))
    response = client.get(reverse(page))
    assert response.status_code == MATRIX[page][ROLES.index(role)]
    if response.status_code == TO_LOGIN:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("page", list(MATRIX))
def test_signed_out_visitors_are_sent_to_log_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    # Django admin's own redirect goes through /admin/login/, which leads to Portal Login.
    assert response["Location"].split("?")[0] in ("/accounts/login/", "/admin/login/")
