"""The after-submission journey in a real browser, with a real Celery worker making the letters:
SUBMIT CASE approves the case; the office finds it in Certification Summary and in My Worklist,
opens and prints its approval letter from Correspondence, and looks it up by its number and the
ordering provider's NPI (the result, PRINT, and the letter again from there)."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from cases.models import Case, StatusEvent
from portal.celery import app
from tests.cases.conftest import world_build
from tests.cases.letters.conftest import pdf_text, queue_of_its_own, ready
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters
from tests.e2e.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def lookups_counted_from_zero():
    from accounts.signin import ratelimit

    ratelimit.clear()
    yield
    ratelimit.clear()


def submit_with_a_worker(page, base_url, case):
    """SUBMIT CASE in the browser while a worker of its own queue makes the letters; returns
    the approval's status event once its two letters exist."""
    with (
        queue_of_its_own() as queue,
        letters_tasks_watched() as finished,
        start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        page.goto(f"{base_url}/cases/{case.public_id}/clinical/submit/")
        page.get_by_label(re.compile("I acknowledge"), exact=False).check()
        page.get_by_role("button", name="SUBMIT CASE").click()
        expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
        event = StatusEvent.objects.get(case=case, to_status=Case.Status.APPROVED)
        wait_for_letters(finished, event, 2)
    return event


def pdf_of(page, url) -> str:
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return pdf_text(response.body())


def test_submit_find_read_the_letter_and_look_it_up(live_server, page, screenshot, password):
    world = world_build()
    world.knee_mri.plain_description = "An MRI (a detailed picture) of your knee, without dye"
    world.knee_mri.save()
    case = ready(world)
    sign_in(page, live_server.url, world.user, password)

    submit_with_a_worker(page, live_server.url, case)
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.authorization_number

    # Certification Summary: typed in the box under Case Number.
    page.get_by_role("link", name="Certification Summary").click()
    page.get_by_label("Filter by Case Number").fill(case.case_number)
    summary_rows = page.locator("table.portal-certification-summary tbody tr")
    expect(summary_rows).to_have_count(1)
    row = summary_rows.first
    for value in (case.authorization_number, "Winter", "Approved", "73721"):
        expect(row).to_contain_text(value)
    screenshot("after_01_certification_summary")

    # Its Correspondence: the approval letter, opened in a tab of its own to print.
    row.get_by_role("link", name=f"Correspondence of case {case.case_number}").click()
    expect(page.get_by_role("heading", name="Correspondence")).to_be_visible()
    expect(page.get_by_role("cell", name="Approval letter", exact=True)).to_be_visible()
    screenshot("after_02_correspondence")
    letter = page.get_by_role("link", name=re.compile(r"^VIEW . PRINT"))
    expect(letter).to_have_count(1)
    letter_href = letter.get_attribute("href")
    text = pdf_of(page, f"{live_server.url}{letter_href}")
    assert f"Authorization Number: {case.authorization_number}" in text
    assert f"Expiration Date: {case.expiration_date:%-m/%-d/%Y}" in text
    with page.context.expect_page() as opened:
        letter.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url == f"{live_server.url}{letter_href}"
    # Chromium's PDF viewer draws after the load: a picture of the letter for a person to check.
    tab.wait_for_timeout(1500)
    tab.screenshot(path=str(ARTIFACTS / "after_02b_letter_tab.png"))
    tab.close()

    # My Worklist on Home: the Approved tab has it.
    page.get_by_role("link", name="Home").first.click()
    worklist = page.locator("#my-worklist")
    worklist.get_by_role("link", name="Approved", exact=True).click()
    expect(worklist.get_by_role("link", name=case.case_number)).to_be_visible()
    expect(page.locator("#my-worklist tbody tr").first).to_contain_text(case.authorization_number)
    screenshot("after_03_my_worklist_approved")

    # Authorization Lookup by its case number and the ordering provider's NPI.
    page.get_by_role("link", name="Authorization Lookup").click()
    page.get_by_role("radio", name="Search by Authorization Number/ NPI").check()
    number = page.locator("#lookup-number")
    number.get_by_label("Provider NPI").fill(world.practitioner.npi)
    number.get_by_label("Auth/Case Number").fill(case.case_number)
    number.get_by_role("button", name="SEARCH").click()
    expect(page).to_have_url(f"{live_server.url}/cases/{case.public_id}/authorization/")
    fields = page.locator(".authorization-fields")
    expect(fields.get_by_role("row", name=re.compile("Authorization Number:"))).to_contain_text(
        case.authorization_number
    )
    expect(fields.get_by_role("row", name=re.compile("^Status:"))).to_contain_text("Approved")
    screenshot("after_04_lookup_result")

    # PRINT: the result as a PDF in its own tab.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="PRINT").click()
    printed = opened.value
    printed.wait_for_load_state()
    assert printed.url.endswith(f"/cases/{case.public_id}/authorization.pdf")
    printed.close()
    text = pdf_of(page, f"{live_server.url}/cases/{case.public_id}/authorization.pdf")
    assert f"Case Number: {case.case_number}" in text and "Status: Approved" in text

    # And the letter again from the result's VIEW CORRESPONDENCE.
    page.get_by_role("link", name="VIEW CORRESPONDENCE").click()
    expect(page.get_by_role("cell", name="Approval letter", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^VIEW . PRINT"))).to_have_attribute(
        "href", letter_href
    )
