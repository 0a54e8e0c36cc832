"""Portal Login in a real browser: the lockout after five wrong passwords, and the idle time-out
with its warning (short limits, so the test waits seconds rather than minutes)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import totp_device_for
from tests.e2e.conftest import enter_authenticator_code
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_login(page, username, password):
    page.get_by_role("textbox", name="User ID").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("I agree to HIPAA Disclosure").check()
    page.get_by_role("button", name="LOGIN").click()


def test_five_wrong_passwords_lock_the_account(live_server, page, screenshot, password):
    UserFactory(username="office.user")
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()
    expect(page.get_by_text("HIPAA Disclosure", exact=True)).to_be_visible()
    screenshot("signin_01_portal_login")

    for attempt in range(4):
        fill_login(page, "office.user", f"wrong-password-{attempt}")
        expect(page.get_by_text("Please enter a correct User ID and password")).to_be_visible()
    fill_login(page, "office.user", "wrong-password-4")

    lockout = page.get_by_role("alert").filter(has_text="Too many failed log-in attempts")
    expect(lockout).to_contain_text("Your account is locked for 15 minutes.")
    expect(page.get_by_role("textbox", name="User ID")).to_have_value("office.user")
    screenshot("signin_02_lockout")

    # Even the right password is refused now.
    fill_login(page, "office.user", password)
    expect(lockout).to_be_visible()
    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()


def test_idle_warning_stay_signed_in_then_time_out(
    live_server, page, screenshot, password, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 5
    user = UserFactory(username="office.user")
    totp_device_for(user)
    page.goto(f"{live_server.url}/accounts/login/")
    fill_login(page, "office.user", password)
    enter_authenticator_code(page, user)
    expect(page.get_by_role("heading", name="Welcome", exact=False)).to_be_visible()

    # 3 seconds after the page loaded: 5 seconds before the limit.
    warning = page.get_by_role("dialog", name="Your session is about to expire")
    expect(warning).to_be_visible(timeout=8_000)
    expect(warning).to_contain_text("you will be signed out in 0:0")
    expect(warning.get_by_role("button", name="Log Off")).to_be_visible()
    screenshot("signin_03_idle_warning")

    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Past the 8 seconds counted from the page's load: the server kept the session because of
    # the click, so the next page is shown, not the login page.
    page.wait_for_timeout(6_000)
    page.goto(f"{live_server.url}/resources/")
    expect(page.get_by_role("heading", name="Resources", exact=False).first).to_be_visible()

    # Left alone: the warning comes back, then the page reloads into the server's log-out.
    expect(warning).to_be_visible(timeout=8_000)
    timed_out = page.get_by_text("You were signed out after 8 seconds without activity.")
    expect(timed_out).to_be_visible(timeout=15_000)
    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()
    screenshot("signin_04_timed_out")
