"""The clinical phase in a real browser: a radiology request (73721) locked in, answered as
routine, its demo pathway's questions met, submitted, approved on the spot with an
authorization number, and printed."""

import re

import pytest
from playwright.sync_api import expect

from cases.clinical.demo_pathways import demo_pathways_load
from cases.models import Case
from tests.cases.conftest import fill_through, world_build
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer(page, label, *, exact=True):
    page.get_by_label(label, exact=exact).check()
    page.get_by_role("button", name="SUBMIT").click()


def test_radiology_request_approved_on_the_spot_and_printed(
    live_server, page, screenshot, password
):
    world = world_build()
    demo_pathways_load()
    case = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=world.radiology),
        world,
        "site",
    )
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/proceed/")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("Is this case Routine/Standard?")).to_be_visible()
    screenshot("clinical_01_urgency")
    page.get_by_role("button", name="YES").click()

    expect(page.get_by_text("Will there be any additional procedures")).to_be_visible()
    screenshot("clinical_02_question")
    answer(page, "No")
    answer(page, "Knee")
    answer(page, "No")  # the cancer question
    answer(page, re.compile("Knee injury with suspected internal derangement"), exact=False)
    page.get_by_label(re.compile("Positive McMurray test"), exact=False).check()
    screenshot("clinical_03_choose_all")
    page.get_by_role("button", name="SUBMIT").click()
    answer(page, "Yes")  # X-rays since the symptoms began

    expect(page.get_by_text("Is there any additional information specific")).to_be_visible()
    page.get_by_label(re.compile("I have no additional information"), exact=False).check()
    screenshot("clinical_04_additional")
    page.get_by_role("button", name="SUBMIT").click()

    page.get_by_role("button", name="SUBMIT CASE").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    page.get_by_label(re.compile("I acknowledge"), exact=False).check()
    screenshot("clinical_05_attestation")
    page.get_by_role("button", name="SUBMIT CASE").click()

    expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
    screenshot("clinical_06_summary")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    assert case.authorization_number.startswith("A") and case.case_number
    expect(page.get_by_text(case.authorization_number).first).to_be_visible()

    pdf = page.request.get(f"{live_server.url}/cases/{case.public_id}/summary.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name="CONTINUE").click()
    expect(
        page.get_by_text("Thank you for submitting a request for clinical certification.")
    ).to_be_visible()
    screenshot("clinical_07_thank_you")
