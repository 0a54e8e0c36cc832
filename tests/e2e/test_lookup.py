"""Authorization Lookup in a real browser: an approved case found by its authorization number
and NPI, its result page and PRINT; a pending case found by member information, and additional
clinical uploaded to it (a refused file named, the good one kept)."""

import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.clinical.submission import case_submit
from cases.models import Case, StatusEvent, Upload
from cases.models.pathways import Outcome
from tests.cases.clinical.test_submission import ready
from tests.cases.clinical.test_uploads import pdf_bytes
from tests.cases.conftest import world_build
from tests.e2e.conftest import ARTIFACTS, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def lookups_counted_from_zero():
    from accounts.signin import ratelimit

    ratelimit.clear()
    yield
    ratelimit.clear()


def submitted(world, outcome) -> Case:
    case = ready(world, outcome=outcome)
    return case_submit(user=world.user, public_id=case.public_id, now=timezone.now())


def test_an_approved_case_looked_up_by_number_and_npi_then_printed(
    live_server, page, screenshot, password
):
    world = world_build()
    case = submitted(world, Outcome.APPROVE)
    sign_in(page, live_server.url, world.user, password)

    page.get_by_role("link", name="Authorization Lookup").click()
    expect(page.get_by_role("heading", name="Authorization Lookup")).to_be_visible()
    # Until a search is chosen, only the two choices show.
    expect(page.get_by_role("heading", name="Search by Member Information")).to_be_hidden()
    screenshot("lookup_01_choices")

    page.get_by_role("radio", name="Search by Authorization Number/ NPI").check()
    number = page.locator("#lookup-number")
    expect(number).to_be_visible()
    expect(page.locator("#lookup-member")).to_be_hidden()
    # A wrong NPI first: told next to the field, the input kept.
    number.get_by_label("Provider NPI").fill("1234567890")
    number.get_by_label("Auth/Case Number").fill(case.authorization_number)
    number.get_by_role("button", name="SEARCH").click()
    expect(
        page.get_by_text("This NPI is not valid: its check digit does not match.")
    ).to_be_visible()
    expect(page.locator("#lookup-number").get_by_label("Auth/Case Number")).to_have_value(
        case.authorization_number
    )
    screenshot("lookup_02_bad_npi")

    number = page.locator("#lookup-number")
    number.get_by_label("Provider NPI").fill(world.practitioner.npi)
    number.get_by_role("button", name="SEARCH").click()

    expect(page).to_have_url(f"{live_server.url}/cases/{case.public_id}/authorization/")
    result = page.locator(".authorization-fields")
    expect(result.get_by_role("row", name=re.compile("Authorization Number:"))).to_contain_text(
        case.authorization_number
    )
    expect(result.get_by_role("row", name=re.compile("^Case Number:"))).to_contain_text(
        case.case_number
    )
    expect(result.get_by_role("row", name=re.compile("^Status:"))).to_contain_text("Approved")
    expect(page.get_by_role("link", name="P2P AVAILABILITY")).to_be_visible()
    expect(page.get_by_role("link", name="ALL POST DECISION OPTIONS")).to_be_visible()
    expect(page.get_by_role("link", name="VIEW CORRESPONDENCE")).to_be_visible()
    expect(page.get_by_role("link", name="UPLOAD ADDITIONAL CLINICAL")).to_have_count(0)
    expect(page.locator(".authorization-procedures")).to_contain_text("73721")
    screenshot("lookup_03_result_approved")

    # PRINT opens the PDF in its own tab.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="PRINT").click()
    printed = opened.value
    printed.wait_for_load_state()
    assert printed.url.endswith(f"/cases/{case.public_id}/authorization.pdf")
    # Chromium's PDF viewer shows it: a picture for a person to look at.
    printed.wait_for_timeout(1500)
    printed.screenshot(path=str(ARTIFACTS / "lookup_04_print_pdf.png"))
    response = page.request.get(printed.url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert f"Authorization Number: {case.authorization_number}" in text
    assert "Status: Approved" in text and "73721" in text
    printed.close()

    # A decided case takes no more clinical: the page says so.
    page.goto(f"{live_server.url}/cases/{case.public_id}/upload-clinical/")
    expect(page.get_by_role("alert")).to_contain_text(
        "Uploads are no longer accepted for this case"
    )
    screenshot("lookup_10_upload_closed")


def test_a_pending_case_found_by_member_takes_additional_clinical(
    live_server, page, screenshot, password, tmp_path
):
    world = world_build()
    approved = submitted(world, Outcome.APPROVE)
    case = submitted(world, Outcome.REVIEW)
    sign_in(page, live_server.url, world.user, password)

    page.goto(f"{live_server.url}/cases/authorization-lookup/")
    page.get_by_role("radio", name="Search by Member Information").check()
    member = page.locator("#lookup-member")
    member.get_by_label("Healthplan").select_option(label=world.plan.name)
    member.get_by_label("Provider NPI").fill(world.practitioner.npi)
    member.get_by_label("Patient ID").fill(world.member.patient_id)
    member.get_by_label("Patient Date of Birth").fill("06/29/1982")
    member.get_by_role("button", name="SEARCH").click()
    # A date of birth that does not match: not found, the input kept, the form still shown.
    expect(
        page.get_by_text("No authorization was found for the information entered.")
    ).to_be_visible()
    member = page.locator("#lookup-member")
    expect(member.get_by_label("Patient ID")).to_have_value(world.member.patient_id)
    screenshot("lookup_05_member_not_found")

    member.get_by_label("Patient Date of Birth").fill(f"{world.member.date_of_birth:%m/%d/%Y}")
    member.get_by_role("button", name="SEARCH").click()
    # Two cases of the member: listed, newest first, each leading to its result.
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(case.case_number)
    expect(rows.last).to_contain_text(approved.authorization_number)
    screenshot("lookup_06_member_cases")
    page.get_by_role("link", name=case.case_number).click()

    expect(page).to_have_url(f"{live_server.url}/cases/{case.public_id}/authorization/")
    result = page.locator(".authorization-fields")
    expect(result.get_by_role("row", name=re.compile("Authorization Number:"))).to_contain_text(
        "NA"
    )
    expect(result.get_by_role("row", name=re.compile("^Status:"))).to_contain_text("Pending")
    screenshot("lookup_07_result_pending")

    page.get_by_role("link", name="UPLOAD ADDITIONAL CLINICAL").click()
    expect(page.get_by_role("heading", name="Upload Additional Clinical")).to_be_visible()
    good = tmp_path / "Knee X-ray report.pdf"
    good.write_bytes(pdf_bytes())
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"this is not a PDF at all")
    page.locator("#id_files_1").set_input_files(str(good))
    page.locator("#id_files_2").set_input_files(str(bad))
    page.get_by_label("Notes").fill("X-ray report of last week.")
    screenshot("lookup_08_upload_chosen")
    page.get_by_role("button", name="UPLOAD", exact=True).click()

    expect(page.get_by_text("Knee X-ray report.pdf was uploaded.")).to_be_visible()
    expect(page.get_by_text("scan.pdf is not a readable PDF file.")).to_be_visible()
    expect(page.get_by_role("link", name="Knee X-ray report.pdf")).to_be_visible()
    screenshot("lookup_09_upload_done")

    (kept,) = Upload.objects.filter(case=case)
    assert (kept.original_name, kept.note) == (
        "Knee X-ray report.pdf",
        "X-ray report of last week.",
    )
    event = StatusEvent.objects.filter(case=case).latest("pk")
    assert (event.from_status, event.to_status, event.reason) == (
        Case.Status.IN_REVIEW,
        Case.Status.IN_REVIEW,
        "Additional clinical received",
    )
