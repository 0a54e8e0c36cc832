import pytest
from django.urls import reverse

from tests.conftest import pin_enter, totp_device_for, totp_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
# The HIPAA Disclosure is agreed to at every log-in.
AGREED = {"hipaa_agreement": "on"}


def test_portal_login_page(client):
    content = client.get(LOGIN).content.decode()
    assert "Portal Login" in content
    assert "User ID" in content
    assert "LOGIN" in content
    assert "I agree to HIPAA Disclosure" in content


def test_sign_in_then_home(client, office_user, password):
    device = totp_device_for(office_user)
    response = client.post(LOGIN, {"username": "office.user", "password": password, **AGREED})
    assert "Verify your identity" in response.content.decode()
    response = pin_enter(client, totp_token(device))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_sign_in_gives_a_new_session_id(client, office_user, password):
    client.get(LOGIN)
    client.session["before"] = True
    before = client.session.session_key
    client.post(LOGIN, {"username": "office.user", "password": password, **AGREED})
    assert client.session.session_key != before


def test_wrong_password_keeps_the_user_id_and_says_so(client, office_user):
    response = client.post(
        LOGIN, {"username": "office.user", "password": "wrong-password-1", **AGREED}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct User ID and password" in content
    assert 'value="office.user"' in content


def test_log_off_ends_the_session(office_client):
    response = office_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert office_client.get(reverse("portal:home")).status_code == 302


def test_log_off_by_get_is_refused(office_client):
    assert office_client.get(reverse("accounts:logout")).status_code == 405
    assert office_client.get(reverse("portal:home")).status_code == 200


def test_next_is_followed_only_within_the_portal(client, office_user, password):
    response = client.post(
        LOGIN + "?next=https://evil.example.com/",
        {
            "username": "office.user",
            "password": password,
            "next": "https://evil.example.com/",
            **AGREED,
        },
    )
    assert response["Location"] == reverse("portal:home")
    client.logout()
    response = client.post(
        LOGIN, {"username": "office.user", "password": password, "next": "/eligibility/", **AGREED}
    )
    assert response["Location"] == "/eligibility/"
