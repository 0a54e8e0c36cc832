import pytest

from tests.factories.accounts import PASSWORD, AdminUserFactory, UserFactory


@pytest.fixture
def office_user(db):
    return UserFactory(username="office.user")


@pytest.fixture
def outsider(db):
    return UserFactory(username="other.office")


@pytest.fixture
def admin_user(db):
    return AdminUserFactory(username="portal.admin")


@pytest.fixture
def office_client(client, office_user):
    client.force_login(office_user)
    return client


@pytest.fixture
def admin_client_logged_in(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def password():
    return PASSWORD
