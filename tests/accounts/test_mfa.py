"""Multi-factor authentication: setting it up at the first log-in (Email, SMS, authenticator
app), "Verify your identity" at every log-in, the PIN's rules, "Remember this device", and MFA
for the admin and after a password reset."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SmsDevice
from accounts.signin import ratelimit
from tests.conftest import pin_enter, totp_device_for, totp_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
HOME = reverse("portal:home")
SETUP = reverse("two_factor:setup")
SETUP_STEP = "portal_setup_view-current_step"
START = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    ratelimit.clear()
    yield
    ratelimit.clear()


@pytest.fixture
def sms_outbox(settings, tmp_path):
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path / "sms"


def log_in(client, password, username="office.user"):
    return client.post(LOGIN, {"username": username, "password": password, "hipaa_agreement": "on"})


def setup_post(client, step, **data):
    return client.post(SETUP, {SETUP_STEP: step, **{f"{step}-{k}": v for k, v in data.items()}})


def emailed_pin(message) -> str:
    return re.search(r"verification PIN is (\d{6})\.", message.body).group(1)


def email_device_for(user):
    return EmailDevice.objects.create(user=user, name="default", confirmed=True)


def sms_device_for(user):
    return SmsDevice.objects.create(
        user=user, name="default", number="+16155550142", confirmed=True
    )


def texts_sent(sms_outbox) -> list[str]:
    """The outbox's text messages, oldest first (file times: the tests freeze the clock)."""
    files = sorted(sms_outbox.iterdir(), key=lambda f: f.stat().st_mtime_ns)
    return [f.read_text() for f in files]


def texted_pins(sms_outbox) -> list[str]:
    texts = texts_sent(sms_outbox)
    return [re.search(r"verification PIN is (\d{6})\.", t).group(1) for t in texts]


# --- First log-in: setting up MFA ---


def test_first_log_in_without_a_device_lands_on_setup_and_every_page_redirects_there(
    client, office_user, password
):
    response = log_in(client, password)
    assert response.status_code == 302
    for url in (HOME, reverse("eligibility:lookup"), reverse("portal:resources"), LOGIN):
        assert client.get(url)["Location"] == SETUP
    content = client.get(SETUP).content.decode()
    assert "Setting Up Multi-Factor Authentication" in content
    assert "SMS (text message)" in content
    assert "Authenticator app" in content
    # Log Off still works.
    assert client.post(LOGOUT)["Location"] == LOGIN


def test_setup_by_email(client, office_user, password):
    log_in(client, password)
    response = setup_post(client, "method", method="email")
    content = response.content.decode()
    # The account's address is offered; nothing is sent before "Send PIN".
    assert 'value="office.user@example.org"' in content
    assert "Send PIN" in content
    assert not mail.outbox
    response = setup_post(client, "email", email="office.user@example.org")
    content = response.content.decode()
    assert "Verify your identity" in content
    assert "We've sent an email to:" in content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office.user@example.org"]
    pin = emailed_pin(mail.outbox[0])
    assert "It expires in 10 minutes." in mail.outbox[0].body

    wrong = "000000" if pin != "000000" else "111111"
    with time_machine.travel(dt.datetime.now(tz=dt.UTC), tick=False) as traveller:
        response = setup_post(client, "validation", token=wrong)
        assert "That code is not correct or has expired." in response.content.decode()
        assert client.get(HOME)["Location"] == SETUP
        traveller.shift(2)  # django-otp makes a wrong PIN wait 1 s before the next try
        response = setup_post(client, "validation", token=pin)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert EmailDevice.objects.get(user=office_user).confirmed


def test_setup_by_sms_writes_the_pin_to_the_outbox(client, office_user, password, sms_outbox):
    log_in(client, password)
    setup_post(client, "method", method="sms")
    response = setup_post(client, "sms", number="+1 615 555 0142")
    assert "We've sent a text message to:" in response.content.decode()
    (sms,) = sms_outbox.iterdir()
    text = sms.read_text()
    assert "To: +16155550142" in text
    pin = re.search(r"verification PIN is (\d{6})\.", text).group(1)

    response = setup_post(client, "validation", token=pin)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    device = SmsDevice.objects.get(user=office_user)
    assert (device.confirmed, device.number.as_e164) == (True, "+16155550142")


def test_setup_by_email_to_another_address(client, office_user, password):
    log_in(client, password)
    setup_post(client, "method", method="email")
    response = setup_post(client, "email", email="front.desk@example.org")
    assert "f********k@example.org" in response.content.decode()
    assert mail.outbox[0].to == ["front.desk@example.org"]
    assert setup_post(client, "validation", token=emailed_pin(mail.outbox[0]))["Location"] == HOME
    device = EmailDevice.objects.get(user=office_user)
    assert (device.confirmed, device.email) == (True, "front.desk@example.org")
    office_user.refresh_from_db()
    assert office_user.email == "office.user@example.org"


def test_setup_refuses_a_bad_address_or_number_next_to_the_field(client, office_user, password):
    log_in(client, password)
    setup_post(client, "method", method="email")
    response = setup_post(client, "email", email="front.desk@")
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="front.desk@"' in response.content.decode()
    client.post(SETUP, {SETUP_STEP: "email", "wizard_goto_step": "method"})
    setup_post(client, "method", method="sms")
    for number in ("555-0142", "not a number", "+1 615 555 01429999"):
        response = setup_post(client, "sms", number=number)
        assert "Enter a valid mobile phone number" in response.content.decode()
    assert not mail.outbox
    assert not SmsDevice.objects.exists()


def test_setup_resend_waits_a_minute_and_a_new_number_gets_a_new_pin(
    client, office_user, password, sms_outbox
):
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, password)
        setup_post(client, "method", method="sms")
        setup_post(client, "sms", number="615-555-0142")
        response = client.post(SETUP, {SETUP_STEP: "validation", "resend_pin": "1"})
        assert "no new one was sent" in response.content.decode()
        assert len(texted_pins(sms_outbox)) == 1
        traveller.shift(61)
        response = client.post(SETUP, {SETUP_STEP: "validation", "resend_pin": "1"})
        assert "no new one was sent" not in response.content.decode()
        first, second = texted_pins(sms_outbox)

        # A mistyped number: back, the right one, and a PIN goes there at once.
        client.post(SETUP, {SETUP_STEP: "validation", "wizard_goto_step": "sms"})
        response = setup_post(client, "sms", number="615-555-0199")
        assert "***-***-0199" in response.content.decode()
        assert "no new one was sent" not in response.content.decode()
        *_, third = texted_pins(sms_outbox)
        assert "To: +16155550199" in texts_sent(sms_outbox)[-1]
        assert setup_post(client, "validation", token=third)["Location"] == HOME
    assert SmsDevice.objects.get(user=office_user).number.as_e164 == "+16155550199"


def test_setup_by_authenticator_app(client, office_user, password):
    log_in(client, password)
    response = setup_post(client, "method", method="generator")
    content = response.content.decode()
    assert 'src="' + reverse("two_factor:qr") + '"' in content
    assert client.get(reverse("two_factor:qr"))["Content-Type"].startswith("image/svg+xml")
    key = client.session["wizard_portal_setup_view"]["extra_data"]["keys"]["generator"]

    token = totp(bytes.fromhex(key))
    response = setup_post(client, "generator", token=f"{token:06d}")
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=office_user).key == key


# --- Log-in with a device: Verify your identity ---


def test_log_in_with_a_device_asks_for_the_pin(client, office_user, password):
    email_device_for(office_user)
    response = log_in(client, password)
    content = response.content.decode()
    assert "Verify your identity" in content
    assert "Enter 6-digit code" in content
    assert "Remember this device for 30 days" in content
    assert "Resend" in content
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1

    response = pin_enter(client, emailed_pin(mail.outbox[0]))
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_a_wrong_pin_is_refused(client, office_user, password):
    email_device_for(office_user)
    log_in(client, password)
    pin = emailed_pin(mail.outbox[0])
    response = pin_enter(client, "000000" if pin != "000000" else "111111")
    assert "That code is not correct or has expired." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_pin_works_once(client, office_user, password):
    email_device_for(office_user)
    log_in(client, password)
    pin = emailed_pin(mail.outbox[0])
    assert pin_enter(client, pin)["Location"] == HOME
    client.post(LOGOUT)

    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=61)):
        log_in(client, password)  # a new PIN is sent (the minute's wait is over) ...
        assert len(mail.outbox) == 2
        response = pin_enter(client, pin)  # ... and the old one no longer works
    assert "That code is not correct or has expired." in response.content.decode()


def test_a_pin_expires_after_10_minutes(client, office_user, password, settings):
    settings.TWO_FACTOR_LOGIN_TIMEOUT = 0  # the PIN's own validity only
    email_device_for(office_user)
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, password)
        pin = emailed_pin(mail.outbox[0])
        traveller.shift(10 * 60 + 1)
        response = pin_enter(client, pin)
    assert "That code is not correct or has expired." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_pin_is_accepted_within_10_minutes(client, office_user, password, settings):
    settings.TWO_FACTOR_LOGIN_TIMEOUT = 0  # the PIN's own validity only
    email_device_for(office_user)
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, password)
        pin = emailed_pin(mail.outbox[0])
        traveller.shift(10 * 60 - 1)
        assert pin_enter(client, pin)["Location"] == HOME


def test_resend_waits_a_minute_between_pins(client, office_user, password):
    device = email_device_for(office_user)
    resend = {"portal_login_view-current_step": "token", "challenge_device": device.persistent_id}
    with time_machine.travel(START, tick=False) as traveller:
        log_in(client, password)
        response = client.post(LOGIN, resend)
        assert "no new one was sent" in response.content.decode()
        assert len(mail.outbox) == 1
        traveller.shift(61)
        response = client.post(LOGIN, resend)
        assert "no new one was sent" not in response.content.decode()
        assert len(mail.outbox) == 2
        # The latest PIN signs in.
        assert pin_enter(client, emailed_pin(mail.outbox[1]))["Location"] == HOME


def test_sms_resend_waits_a_minute_too(client, office_user, password, sms_outbox):
    device = sms_device_for(office_user)
    log_in(client, password)
    response = client.post(
        LOGIN,
        {"portal_login_view-current_step": "token", "challenge_device": device.persistent_id},
    )
    assert "no new one was sent" in response.content.decode()
    assert len(list(sms_outbox.iterdir())) == 1


def test_an_sms_pin_works_once_and_for_10_minutes(
    client, office_user, password, settings, sms_outbox
):
    settings.TWO_FACTOR_LOGIN_TIMEOUT = 0  # the PIN's own validity only
    sms_device_for(office_user)
    with time_machine.travel(START, tick=False) as traveller:
        response = log_in(client, password)
        assert "We've sent a text message to:" in response.content.decode()
        assert "***-***-0142" in response.content.decode()
        (pin,) = texted_pins(sms_outbox)
        assert "It expires in 10 minutes." in texts_sent(sms_outbox)[0]
        traveller.shift(10 * 60 - 1)
        assert pin_enter(client, pin)["Location"] == HOME
        client.post(LOGOUT)

        traveller.shift(61)
        log_in(client, password)
        assert pin_enter(client, pin).status_code == 200  # used once already
        assert "_auth_user_id" not in client.session
        *_, new_pin = texted_pins(sms_outbox)
        traveller.shift(10 * 60 + 1)
        response = pin_enter(client, new_pin)  # expired
    assert "That code is not correct or has expired." in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- Remember this device for 30 days ---


def remembered_log_in(client, user, password):
    device = totp_device_for(user)
    log_in(client, password)
    response = pin_enter(client, totp_token(device), remember=True)
    assert response["Location"] == HOME
    (cookie,) = [c for name, c in response.cookies.items() if name.startswith("remember-cookie_")]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert cookie["httponly"] is True
    client.post(LOGOUT)
    return device


def test_remember_this_device_skips_the_pin_next_time(client, office_user, password):
    remembered_log_in(client, office_user, password)
    response = log_in(client, password)
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_remember_this_device_stops_working_after_the_password_changes(
    client, office_user, password
):
    remembered_log_in(client, office_user, password)
    office_user.set_password("a-new-password-for-2026")
    office_user.save()
    response = log_in(client, "a-new-password-for-2026")
    assert "Verify your identity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_remember_this_device_stops_working_when_the_device_changes(client, office_user, password):
    device = remembered_log_in(client, office_user, password)
    device.delete()
    totp_device_for(office_user)
    response = log_in(client, password)
    assert "Verify your identity" in response.content.decode()


# --- Password reset, admin, lockout ---


def test_password_reset_then_log_in_still_asks_for_the_pin(client, office_user):
    device = totp_device_for(office_user)
    client.post(reverse("accounts:password-reset"), {"email": "office.user@example.org"})
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    set_password_url = client.get(link)["Location"]
    new_password = "a-brand-new-secret-2026"
    client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert "_auth_user_id" not in client.session

    response = log_in(client, new_password)
    assert "Verify your identity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert pin_enter(client, totp_token(device))["Location"] == HOME


def test_admin_requires_a_verified_session(client, admin_user):
    client.force_login(admin_user, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == SETUP

    client.force_login(admin_user)  # password and PIN
    assert client.get("/admin/").status_code == 200


def test_a_user_with_a_device_but_an_unverified_session_logs_in_again(client, office_user):
    totp_device_for(office_user)
    client.force_login(office_user, verified=False)
    response = client.get(HOME)
    assert response["Location"] == f"{LOGIN}?next=/"
    assert "_auth_user_id" not in client.session


def test_lockout_still_applies_to_the_password_step(client, office_user, password):
    totp_device_for(office_user)
    for attempt in range(5):
        log_in(client, f"wrong-password-{attempt}")
    response = log_in(client, password)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "Verify your identity" not in response.content.decode()


def test_static_files_and_outbox_stay_open_before_setup(client, office_user, settings, tmp_path):
    settings.OUTBOX_ENABLED = True
    settings.EMAIL_FILE_PATH = str(tmp_path)
    client.force_login(office_user, verified=False)
    assert client.get(reverse("portal:outbox")).status_code == 200
    assert Path(tmp_path).is_dir()
