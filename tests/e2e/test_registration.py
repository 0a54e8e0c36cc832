import re

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User
from eligibility.validators import npi_with_check_digit
from tests.conftest import totp_device_for
from tests.e2e.conftest import enter_authenticator_code, pin_from_outbox
from tests.factories.accounts import MembershipFactory
from tests.factories.eligibility import PractitionerAddressFactory, PractitionerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SETUP_HEADING = "Setting Up Multi-Factor Authentication"

NPI = npi_with_check_digit("123456789")
PASSWORD = "Maple-Harbor-Quiet-81"


@pytest.fixture
def outbox(settings, tmp_path):
    """E-mail goes to files in tmp_path, which /outbox/ shows, as under `make run`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.OUTBOX_ENABLED = True
    return tmp_path


def test_register_set_password_and_log_in(live_server, page, screenshot, outbox, settings):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Register Now").first.click()

    expect(page.get_by_role("heading", name="Creating An Account")).to_be_visible()
    page.get_by_label("Default Portal").select_option(label="CareCore National")
    page.get_by_label("User Name").fill("dr.jane.doe")
    page.locator("#id_email").fill("jane.doe@lakesidefamily.example")
    page.get_by_label("Confirm Email").fill("jane.doe@lakesidefamily.example")
    page.get_by_label("First Name").fill("Jane")
    page.get_by_label("Last Name").fill("Doe")
    page.locator("#id_address1").fill("730 Cool Springs Blvd")
    page.get_by_label("City").fill("Franklin")
    page.get_by_label("State").select_option(label="Tennessee")
    page.get_by_label("Zip").fill("37067")
    page.get_by_label("Phone").fill("(615) 548-4000")
    page.get_by_label("Fax").fill("(615) 548-4001")
    page.get_by_label("Office Name").fill("Lakeside Family Medicine")
    page.get_by_label("Individual NPI").fill(NPI[:9] + str((int(NPI[9]) + 1) % 10))
    page.get_by_label("Tax ID").fill("62-1234567")
    screenshot("registration_01_form")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_text("its check digit does not match")).to_be_visible()
    expect(page.get_by_label("Office Name")).to_have_value("Lakeside Family Medicine")
    screenshot("registration_02_form_error")
    page.get_by_label("Individual NPI").fill(NPI)
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_text("Please review the information before you submit this registration.")
    ).to_be_visible()
    expect(page.get_by_text("(615) 548-4000")).to_be_visible()
    expect(page.get_by_text("Tennessee")).to_be_visible()
    screenshot("registration_03_review")
    page.get_by_role("link", name="Submit Registration").click()

    expect(page.get_by_role("heading", name="User Access Agreement")).to_be_visible()
    expect(page.get_by_text(settings.PORTAL_NAME).first).to_be_visible()
    page.get_by_label("Accept Terms and Conditions").check()
    screenshot("registration_04_terms")
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("heading", name="Registration Successful")).to_be_visible()
    expect(page.get_by_text("Your Registration has been accepted.")).to_be_visible()
    screenshot("registration_05_done")
    user = User.objects.get(username="dr.jane.doe")
    assert not user.is_active
    assert user.membership.role == Membership.Role.OFFICE_ADMIN

    page.goto(f"{live_server.url}/outbox/")
    expect(page.get_by_role("heading", name="Local Outbox")).to_be_visible()
    page.get_by_role("link", name=re.compile("Set your password")).click()
    expect(page.get_by_text("Your User ID: dr.jane.doe")).to_be_visible()
    screenshot("registration_06_outbox")
    set_password_link = f"a[href^='{live_server.url}/accounts/register/password/']"
    page.locator(f"{set_password_link}:not([href$='/new-link/'])").click()

    expect(page.get_by_role("heading", name="Password Maintenance")).to_be_visible()
    expect(page.get_by_text("Please set up a new password for your account.")).to_be_visible()
    length = page.locator('[data-rule="length"]')
    not_numeric = page.locator('[data-rule="not-numeric"]')
    match = page.locator('[data-rule="match"]')
    for rule in (length, not_numeric, match):
        expect(rule).to_have_attribute("data-met", "false")
    page.locator("#id_new_password1").press_sequentially("12345678")
    expect(length).to_have_attribute("data-met", "false")
    expect(not_numeric).to_have_attribute("data-met", "false")
    page.locator("#id_new_password1").fill("")
    page.locator("#id_new_password1").press_sequentially(PASSWORD)
    expect(length).to_have_attribute("data-met", "true")
    expect(not_numeric).to_have_attribute("data-met", "true")
    expect(match).to_have_attribute("data-met", "false")
    screenshot("registration_07_password_typing")
    page.get_by_label("Confirm New Password").press_sequentially(PASSWORD)
    expect(match).to_have_attribute("data-met", "true")
    expect(length).to_contain_text("✓")
    screenshot("registration_08_password_rules_met")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()
    expect(page.get_by_text("Your password has been set. Please log in.")).to_be_visible()
    screenshot("registration_09_login_after_password")
    page.get_by_role("textbox", name="User ID").fill("dr.jane.doe")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_label("I agree to HIPAA Disclosure").check()
    page.get_by_role("button", name="LOGIN").click()

    # The first log-in sets up MFA: by e-mail, the PIN read from the outbox.
    expect(
        page.get_by_role("heading", name="Setting Up Multi-Factor Authentication")
    ).to_be_visible()
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Send PIN").click()
    expect(page.get_by_role("heading", name="Verify your identity")).to_be_visible()
    page.get_by_label("Enter 6-digit code").fill(pin_from_outbox(page, live_server.url))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name=re.compile("Welcome to the"))).to_be_visible()
    expect(page.get_by_text("You are logged in as")).to_contain_text("dr.jane.doe")
    screenshot("registration_10_home")
    user.refresh_from_db()
    assert user.is_active

    # A new office has no provider yet: Home says so until one is added.
    warning = page.get_by_text("Providers must be added to your account")
    expect(warning).to_be_visible()
    practitioner = PractitionerFactory(first_name="Grace", last_name="Michael")
    PractitionerAddressFactory(practitioner=practitioner, state="TN", zip_code="37067")
    page.get_by_role("link", name="Manage Your Account").first.click()
    page.get_by_role("link", name="ADD PROVIDER").click()
    page.get_by_label("Practitioner NPI").fill(practitioner.npi)
    page.get_by_label("Practitioner State").select_option("TN")
    page.get_by_label("Practitioner Zip").fill("37067")
    page.get_by_role("button", name="FIND MATCHES").click()
    page.get_by_role("button", name="ADD THIS PRACTITIONER").click()
    expect(page.get_by_text("Thank you for registering")).to_be_visible()
    page.get_by_role("link", name="CONTINUE").click()
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("You are logged in as")).to_be_visible()
    expect(warning).to_have_count(0)
    screenshot("registration_10b_home_with_provider")
    assert user.membership.office.practitioners.filter(pk=practitioner.pk).exists()


def test_invite_a_colleague_who_sets_a_password(live_server, page, screenshot, outbox, password):
    admin = MembershipFactory(
        user__username="office.admin",
        office__name="Lakeside Family Medicine",
        role=Membership.Role.OFFICE_ADMIN,
    ).user

    totp_device_for(admin)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("textbox", name="User ID").fill(admin.username)
    page.locator("#id_password").fill(password)
    hipaa = page.get_by_label("I agree to HIPAA Disclosure")
    if hipaa.count():
        hipaa.check()
    page.get_by_role("button", name="LOGIN").click()
    enter_authenticator_code(page, admin)
    expect(page.get_by_role("heading", name=re.compile("Welcome to the"))).to_be_visible()

    page.goto(f"{live_server.url}/accounts/register/invite/")
    expect(page.get_by_role("heading", name="Invite a Colleague")).to_be_visible()
    page.get_by_label("User Name").fill("sam.rivera")
    page.get_by_label("Email").fill("sam.rivera@lakesidefamily.example")
    page.get_by_label("First Name").fill("Sam")
    page.get_by_label("Last Name").fill("Rivera")
    page.get_by_role("button", name="Send Invitation").click()
    expect(page.get_by_text("An invitation has been sent to sam.rivera@")).to_be_visible()
    expect(page.get_by_role("cell", name="Invitation sent")).to_be_visible()
    screenshot("registration_11_invite")

    page.get_by_role("button", name="Log Off").click()

    # The colleague opens the invitation.
    page.goto(f"{live_server.url}/outbox/")
    page.get_by_role("link", name=re.compile("You are invited")).click()
    expect(page.get_by_text("has invited you to join Lakeside Family Medicine")).to_be_visible()
    set_password_link = f"a[href^='{live_server.url}/accounts/register/password/']"
    link = page.locator(f"{set_password_link}:not([href$='/new-link/'])")
    link_url = link.get_attribute("href")
    link.click()
    expect(page.get_by_role("heading", name="Password Maintenance")).to_be_visible()
    page.locator("#id_new_password1").fill(PASSWORD)
    page.get_by_label("Confirm New Password").fill(PASSWORD)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Accept the Terms and Conditions to continue.")).to_be_visible()
    page.locator("#id_new_password1").fill(PASSWORD)
    page.get_by_label("Confirm New Password").fill(PASSWORD)
    page.get_by_label("Accept Terms and Conditions").check()
    screenshot("registration_12_colleague_password")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your password has been set. Please log in.")).to_be_visible()
    assert User.objects.get(username="sam.rivera").is_active

    # The link was used: the page says so, and how to get a new one.
    page.goto(link_url)
    expect(page.get_by_text("has expired or has already been used")).to_be_visible()
    screenshot("registration_13_link_used")
    page.get_by_label("Email").fill("sam.rivera@lakesidefamily.example")
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_text("If that email address belongs to an account")).to_be_visible()
    screenshot("registration_14_new_link_sent")
