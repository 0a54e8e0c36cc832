"""After submission in a real browser: a case submitted with SUBMIT CASE is found in
Certification Summary by typing its case number in the box under "Case Number" (htmx updates
the table; the filter is kept in the session, never in the address bar), the same without
JavaScript (the box and Submit), and in My Worklist on Home by typing in "Start typing to
search...". Screenshots of each."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.clinical.submission import case_submit
from cases.models import Case
from tests.cases.clinical.test_submission import ready
from tests.cases.conftest import world_build
from tests.cases.tracking.conftest import submitted
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.factories.eligibility import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world_with_cases():
    world = world_build()
    case = case_submit(user=world.user, public_id=ready(world).public_id, now=timezone.now())
    others = [
        submitted(
            world,
            member=MemberFactory(
                health_plan=world.plan, patient_id=f"EVG5000000{n}", last_name=name
            ),
            status=status,
        )
        for n, (name, status) in enumerate(
            [
                ("Ortega", Case.Status.IN_REVIEW),
                ("Nakamura", Case.Status.DENIED),
                ("Fischer", Case.Status.APPROVED),
            ]
        )
    ]
    return world, case, others


def rows(page):
    return page.locator("table.portal-certification-summary tbody tr")


def test_find_the_submitted_case_in_certification_summary(
    live_server, page, screenshot, password, world_with_cases
):
    world, case, others = world_with_cases
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/certification-summary/")
    expect(page.get_by_role("heading", name="Certification Summary")).to_be_visible()
    expect(rows(page)).to_have_count(4)
    expect(page.get_by_text("Page 1 of 1").first).to_be_visible()

    page.get_by_label("Filter by Case Number").fill(case.case_number)
    expect(rows(page)).to_have_count(1)
    row = rows(page).first
    expect(row).to_contain_text(case.case_number)
    expect(row).to_contain_text(case.authorization_number)
    expect(row).to_contain_text("Winter")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("73721")
    # The box kept what was typed; the case number is nowhere in the address.
    expect(page.get_by_label("Filter by Case Number")).to_have_value(case.case_number)
    assert case.case_number not in page.url
    screenshot("tracking_01_certification_summary_case_number")

    # Sorting keeps the filter (the address has the sort alone); so does reloading the page.
    page.get_by_role("link", name="Member Last Name").click()
    expect(page).to_have_url(re.compile(r"\?sort=member_last_name&dir=asc&per_page=10$"))
    expect(rows(page)).to_have_count(1)
    page.reload()
    expect(rows(page)).to_have_count(1)
    expect(page.get_by_label("Filter by Case Number")).to_have_value(case.case_number)
    page.get_by_label("Filter by Case Number").fill("")
    expect(rows(page)).to_have_count(4)
    page.get_by_label("Single Status").select_option(label="Denied")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text(others[1].case_number)
    page.get_by_label("Filter by Member Last Name").fill("zzz")
    expect(page.get_by_text("No records to display").first).to_be_visible()
    expect(page.get_by_text("Page 1 of 0").first).to_be_visible()
    screenshot("tracking_02_certification_summary_no_records")


def test_certification_summary_without_javascript(live_server, browser, password, world_with_cases):
    world, case, _ = world_with_cases
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, world.user, password)
        page.goto(f"{live_server.url}/cases/certification-summary/")
        expect(rows(page)).to_have_count(4)
        page.get_by_label("Filter by Case Number").fill(case.case_number)
        page.get_by_role("button", name="Submit").click()
        expect(rows(page)).to_have_count(1)
        expect(rows(page).first).to_contain_text(case.case_number)
        assert case.case_number not in page.url
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / "tracking_03_certification_summary_no_javascript.png"
        page.screenshot(path=str(path), full_page=True)
        page.get_by_role("button", name="Clear").click()
        expect(rows(page)).to_have_count(4)
        expect(page.get_by_label("Filter by Case Number")).to_have_value("")
    finally:
        context.close()


def test_find_the_submitted_case_in_my_worklist_on_home(
    live_server, page, screenshot, password, world_with_cases
):
    world, case, others = world_with_cases
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/")
    worklist = page.locator("#my-worklist")
    expect(worklist.get_by_role("heading", name="My Worklist")).to_be_visible()
    # Pending first: the case in review.
    expect(worklist.locator("tbody tr")).to_have_count(1)
    expect(worklist.locator("tbody tr").first).to_contain_text(others[0].case_number)

    worklist.get_by_role("link", name="All Statuses").click()
    expect(worklist.locator("tbody tr")).to_have_count(4)
    worklist.get_by_placeholder("Start typing to search...").press_sequentially("win", delay=50)
    expect(page.locator("#my-worklist tbody tr")).to_have_count(1)
    row = page.locator("#my-worklist tbody tr").first
    expect(row).to_contain_text(case.case_number)
    expect(row).to_contain_text("WINTER, JONATHAN")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("Evergreen Health Plan")
    expect(page.get_by_placeholder("Start typing to search...")).to_have_value("win")
    # Still Home, with what Home had.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="REQUEST AN AUTH")).to_be_visible()
    screenshot("tracking_04_my_worklist_search")
    row.get_by_role("link", name=case.case_number).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.public_id}/authorization/"))
