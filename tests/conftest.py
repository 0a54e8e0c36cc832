import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.accounts import PASSWORD, AdminUserFactory, UserFactory


def totp_device_for(user) -> TOTPDevice:
    """The user's authenticator-app device (two_factor's default device), made if missing."""
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    return device or TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def verified_login(client: Client, user) -> TOTPDevice:
    """Sign `user` in as if they had entered their password and their authenticator app's PIN:
    Django's force_login, then django_otp's verified device in the session (what
    django_otp.login does at the end of the MFA step)."""
    device = totp_device_for(user)
    Client.force_login(client, user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


# The log-in wizard's step field (accounts.signin.views.PortalLoginView).
LOGIN_STEP_FIELD = "portal_login_view-current_step"


def totp_token(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def pin_enter(client: Client, token: str, *, remember: bool = False):
    """Post "Verify your identity" (the log-in's second step) with `token`."""
    data = {LOGIN_STEP_FIELD: "token", "token-otp_token": token}
    if remember:
        data["token-remember"] = "on"
    return client.post(reverse("accounts:login"), data)


class VerifiedClient(Client):
    """The test client whose force_login is a complete sign-in (password and MFA), as most
    tests of pages behind the log-in want. force_login(user, verified=False) leaves the session
    unverified, as after the password alone."""

    def force_login(self, user, backend=None, verified=True):
        if not verified:
            return super().force_login(user, backend)
        return verified_login(self, user)


@pytest.fixture
def client():
    return VerifiedClient()


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
