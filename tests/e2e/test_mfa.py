"""Multi-factor authentication in a real browser: the first log-in sets up MFA by e-mail with the
PIN read from the local outbox; the next log-in asks for a PIN at "Verify your identity"."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import pin_from_outbox
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SETUP_HEADING = "Setting Up Multi-Factor Authentication"


@pytest.fixture
def outbox(settings, tmp_path):
    """E-mail goes to files in tmp_path, which /outbox/ shows, as under `make run`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.OUTBOX_ENABLED = True
    return tmp_path


def log_in(page, base_url, password):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="User ID").fill("office.user")
    page.get_by_label("Password").fill(password)
    page.get_by_label("I agree to HIPAA Disclosure").check()
    page.get_by_role("button", name="LOGIN").click()


def test_set_up_email_mfa_then_verify_at_the_next_log_in(
    live_server, page, screenshot, outbox, password
):
    UserFactory(username="office.user")
    log_in(page, live_server.url, password)

    expect(
        page.get_by_role("heading", name="Setting Up Multi-Factor Authentication")
    ).to_be_visible()
    # Every other page sends the user back here until MFA is set up.
    page.goto(f"{live_server.url}/eligibility/")
    expect(
        page.get_by_role("heading", name="Setting Up Multi-Factor Authentication")
    ).to_be_visible()
    expect(page.get_by_label("SMS (text message)")).to_be_visible()
    expect(page.get_by_label("Authenticator app")).to_be_visible()
    screenshot("mfa_01_setup")
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Continue").click()
    # The account's address is offered; the user may type another.
    expect(page.get_by_label("Email Address")).to_have_value("office.user@example.org")
    screenshot("mfa_01b_setup_email_address")
    page.get_by_role("button", name="Send PIN").click()

    expect(page.get_by_role("heading", name="Verify your identity")).to_be_visible()
    expect(page.get_by_text("We've sent an email to:")).to_be_visible()
    screenshot("mfa_02_setup_verify")
    page.get_by_label("Enter 6-digit code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not correct or has expired.")).to_be_visible()
    page.wait_for_timeout(1_100)  # django-otp makes a wrong PIN wait 1 second
    page.get_by_label("Enter 6-digit code").fill(pin_from_outbox(page, live_server.url))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome to the"))).to_be_visible()

    page.get_by_role("button", name="Log Off").click()
    log_in(page, live_server.url, password)
    expect(page.get_by_role("heading", name="Verify your identity")).to_be_visible()
    expect(page.get_by_text("Remember this device for 30 days")).to_be_visible()
    expect(page.get_by_role("button", name="Resend")).to_be_visible()
    expect(page.get_by_text("Check your spam or junk folder")).to_be_visible()
    screenshot("mfa_03_verify_your_identity")
    page.get_by_label("Enter 6-digit code").fill(pin_from_outbox(page, live_server.url))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome to the"))).to_be_visible()
    screenshot("mfa_04_home")


def test_set_up_sms_mfa_with_a_pin_from_the_outbox(live_server, page, screenshot, outbox, password):
    UserFactory(username="office.user")
    log_in(page, live_server.url, password)
    page.get_by_label("SMS (text message)").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Mobile number").fill("555-01")
    page.get_by_role("button", name="Send PIN").click()
    expect(page.get_by_text("Enter a valid mobile phone number")).to_be_visible()
    expect(page.get_by_label("Mobile number")).to_have_value("55501")  # kept, as digits
    screenshot("mfa_05_setup_sms_bad_number")
    page.get_by_label("Mobile number").fill("(615) 555-0142")
    page.get_by_role("button", name="Send PIN").click()

    expect(page.get_by_text("We've sent a text message to:")).to_be_visible()
    expect(page.get_by_text("***-***-0142")).to_be_visible()
    page.get_by_role("button", name="Resend").click()
    expect(page.get_by_text("no new one was sent")).to_be_visible()
    screenshot("mfa_06_setup_sms_verify")
    page.get_by_label("Enter 6-digit code").fill(pin_from_outbox(page, live_server.url))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome to the"))).to_be_visible()
