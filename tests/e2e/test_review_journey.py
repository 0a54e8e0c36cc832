"""The medical review journeys in a real browser, a real Celery worker making the letters: a
nurse reviewer signs in with MFA, takes the next case and partially approves it; the office
finds it "Partially Approved" in My Worklist and reads the letter. And a hold: the reviewer
asks for more information, the office uploads it from the lookup, the case is back in the
queue as "Information received"."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Case, Letter, StatusEvent
from portal.celery import app
from tests.cases.clinical.test_uploads import pdf_bytes
from tests.cases.conftest import world_build
from tests.cases.letters.conftest import pdf_text, queue_of_its_own
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters
from tests.cases.review.built import case_in_review, knee_pathway
from tests.cases.review.conftest import reviewer
from tests.e2e.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def review_world():
    """The office's knee MRI request (two units of 73721) submitted to medical review, and a
    nurse reviewer of radiology."""
    world = world_build()
    knee_pathway(world)
    case = case_in_review(world)
    case.procedure_lines.update(quantity_requested=2)
    nurse = reviewer("nurse.reviewer", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
    return world, case, nurse


def sign_in_as(page, base_url, user, password) -> None:
    """Sign the browser's previous user out (its cookies gone) and sign `user` in with MFA."""
    page.context.clear_cookies()
    sign_in(page, base_url, user, password)


def queue_rows(page):
    return page.locator("table.portal-review-queue tbody tr")


def decision_form(page, title: str):
    """Open the decision panel's form `title` and return it."""
    entry = page.locator("details.portal-decision").filter(
        has=page.locator("summary", has_text=re.compile(f"^{re.escape(title)}$"))
    )
    entry.locator("summary").click()
    return entry


def test_a_nurse_partially_approves_and_the_office_reads_the_letter(
    live_server, page, screenshot, password, review_world
):
    world, case, nurse = review_world
    sign_in(page, live_server.url, nurse, password)

    page.get_by_role("link", name="Medical Review Queue").click()
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page).first).to_contain_text(case.case_number)
    page.get_by_role("button", name="Take next case").click()
    expect(page).to_have_url(f"{live_server.url}/cases/review/{case.public_id}/")
    expect(page.get_by_role("heading", name="Decision", exact=True)).to_be_visible()
    # A nurse does not deny: the panel offers escalation instead.
    expect(page.locator("details.portal-decision summary", has_text="Deny")).to_have_count(0)
    expect(
        page.locator("details.portal-decision summary", has_text="Escalate to medical director")
    ).to_have_count(1)

    form = decision_form(page, "Partially approve")
    line = form.locator("[data-testid=decision-line]")
    expect(line).to_contain_text("73721")
    line.get_by_role("radio", name="Approve", exact=True).check()
    line.get_by_role("spinbutton").fill("1")
    form.get_by_label("Rationale").fill(
        "One MRI of the right knee is approved; a second study is not needed now."
    )
    form.get_by_label("Guideline").fill("Musculoskeletal Imaging Guidelines")
    form.get_by_label("Criterion").fill("MS-10.1")
    screenshot("review_journey_01_partial_form")

    with (
        queue_of_its_own() as queue,
        letters_tasks_watched() as finished,
        start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        form.get_by_role("button", name="Partially approve", exact=True).click()
        expect(
            page.get_by_text(re.compile(f"Case {case.case_number} partially approved"))
        ).to_be_visible()
        event = StatusEvent.objects.get(case=case, to_status=Case.Status.PARTIALLY_APPROVED)
        wait_for_letters(finished, event, 2)
    expect(page).to_have_url(f"{live_server.url}/cases/review/")
    expect(queue_rows(page).filter(has_text=case.case_number)).to_have_count(0)
    case.refresh_from_db()
    line = case.procedure_lines.get()
    assert case.status == Case.Status.PARTIALLY_APPROVED and case.authorization_number
    assert (line.quantity_requested, line.quantity_approved) == (2, 1)

    # The office: My Worklist's Partially Approved tab, then the case's letter.
    sign_in_as(page, live_server.url, world.user, password)
    worklist = page.locator("#my-worklist")
    worklist.get_by_role("link", name="Partially Approved", exact=True).click()
    expect(worklist.get_by_role("link", name=case.case_number)).to_be_visible()
    expect(page.locator("#my-worklist tbody tr").first).to_contain_text("Partially Approved")
    screenshot("review_journey_02_worklist_partially_approved")

    page.goto(f"{live_server.url}/cases/{case.public_id}/correspondence/")
    expect(page.get_by_role("cell", name="Partial approval letter", exact=True)).to_be_visible()
    letter = page.get_by_role("link", name=re.compile(r"^VIEW . PRINT"))
    expect(letter).to_have_count(1)
    screenshot("review_journey_03_correspondence")
    href = letter.get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    text = pdf_text(response.body())
    assert f"Authorization Number: {case.authorization_number}" in text
    assert "73721" in text
    with page.context.expect_page() as opened:
        letter.click()
    tab = opened.value
    tab.wait_for_load_state()
    # Chromium's PDF viewer draws after the load: a picture of the letter for a person to check.
    tab.wait_for_timeout(1500)
    tab.screenshot(path=str(ARTIFACTS / "review_journey_04_letter_tab.png"))
    tab.close()
    provider_letter = Letter.objects.get(status_event=event, recipient=Letter.Recipient.PROVIDER)
    assert provider_letter.kind == Letter.Kind.PARTIAL_APPROVAL


def test_a_hold_answered_by_an_upload_returns_the_case_to_the_queue(
    live_server, page, screenshot, password, review_world, tmp_path
):
    world, case, nurse = review_world
    sign_in(page, live_server.url, nurse, password)
    page.goto(f"{live_server.url}/cases/review/{case.public_id}/")

    form = decision_form(page, "Hold: Additional Information Required")
    expect(form.get_by_test_id("hold-due")).to_contain_text("due by")
    form.get_by_role("checkbox").first.check()
    form.get_by_label("Note to the provider (optional)").fill(
        "The x-ray report of last month, please."
    )
    screenshot("review_journey_05_hold_form")
    form.get_by_role("button", name="Put on hold").click()
    expect(page.get_by_text(re.compile(f"Case {case.case_number} put on hold"))).to_be_visible()
    case.refresh_from_db()
    assert case.status == Case.Status.HOLD and case.hold_due_at is not None

    # The office answers from the case's Upload Additional Clinical.
    sign_in_as(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/upload-clinical/")
    expect(page.get_by_role("heading", name="Upload Additional Clinical")).to_be_visible()
    report = tmp_path / "Knee X-ray report.pdf"
    report.write_bytes(pdf_bytes(pages=2))  # not the PDF sent with the request
    page.locator("#id_files_1").set_input_files(str(report))
    page.get_by_role("button", name="UPLOAD", exact=True).click()
    expect(page.get_by_text("Knee X-ray report.pdf was uploaded.")).to_be_visible()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_REVIEW and case.information_received_at is not None

    # Back in the queue, marked as such: a medical director of the program sees it (a second
    # log-in of the nurse within the same 30 seconds would reuse her authenticator's code).
    director = reviewer("medical.director", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)
    sign_in_as(page, live_server.url, director, password)
    page.goto(f"{live_server.url}/cases/review/")
    row = queue_rows(page).filter(has_text=case.case_number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Information received")
    screenshot("review_journey_06_queue_information_received")
