"""End-to-end tests: Debian's chromium driven by Playwright against pytest-django's live server."""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import totp_device_for, totp_token

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# arrange data are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-artifacts/e2e/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def pin_from_outbox(page, base_url: str) -> str:
    """Open the local outbox (/outbox/) in a new tab, read the newest PIN e-mail or SMS, close
    the tab and return the PIN."""
    outbox = page.context.new_page()
    try:
        outbox.goto(f"{base_url}/outbox/")
        outbox.get_by_role("link", name=re.compile("verification PIN")).first.click()
        body = outbox.get_by_role("article").inner_text()
    finally:
        outbox.close()
    return re.search(r"verification PIN is (\d{6})\.", body).group(1)


def enter_authenticator_code(page, user) -> None:
    """At "Verify your identity", type the code the user's authenticator app shows now."""
    expect(page.get_by_role("heading", name="Verify your identity")).to_be_visible()
    page.get_by_label("Enter 6-digit code").fill(totp_token(totp_device_for(user)))
    page.get_by_role("button", name="Continue").click()


def sign_in(page, base_url: str, user, password: str) -> None:
    """Portal Login with the HIPAA box, then the user's authenticator app code."""
    totp_device_for(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="User ID").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("I agree to HIPAA Disclosure").check()
    page.get_by_role("button", name="LOGIN").click()
    enter_authenticator_code(page, user)
