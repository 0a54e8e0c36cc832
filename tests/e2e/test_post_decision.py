"""ALL POST DECISION OPTIONS in a real browser: a commercial case denied before its date of
service (set up in the database: denials come with the medical review) offers a reconsideration
until the date of service; the office requests it (a missing rationale first), sees the
confirmation, then P2P AVAILABILITY. A Medicare Advantage denial shows the plan's appeal
instructions and a consultative-only P2P."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from cases.models import Case, PostDecisionRequest, StatusEvent
from eligibility.models import LineOfBusiness
from tests.cases.conftest import world_build
from tests.cases.post_decision.conftest import decided, line_of_business_set, request_made
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def a_pdf(folder):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = folder / "knee-xray-report.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


def option_row(page, kind):
    return page.locator(f'tr[data-option="{kind}"]')


def test_a_denied_commercial_case_is_reconsidered_before_its_date_of_service(
    live_server, page, screenshot, password, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = world_build()
    world.delegation.appeal_instructions = (
        "Mail appeals with supporting records to Evergreen Health Plan Appeals, PO Box 100, "
        "Franklin, TN 37067."
    )
    world.delegation.save()
    service_day = timezone.localdate() + dt.timedelta(days=5)
    case = decided(world, date_of_service=service_day)
    until = f"{service_day:%m/%d/%Y}"

    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/post-decision-options/")

    expect(page.get_by_role("heading", name="All Post Decision Options")).to_be_visible()
    reconsideration = option_row(page, "reconsideration")
    expect(reconsideration).to_contain_text("Yes")
    expect(reconsideration).to_contain_text(
        f"Reconsideration allowed through {settings.PORTAL_NAME} until {until}."
    )
    expect(option_row(page, "peer_to_peer")).to_contain_text("Reconsideration P2P")
    expect(option_row(page, "appeal")).to_contain_text("Evergreen Health Plan Appeals")
    screenshot("post_decision_01_options")

    reconsideration.get_by_role("link", name="REQUEST RECONSIDERATION").click()
    expect(page.get_by_role("heading", name="Request a Reconsideration")).to_be_visible()
    expect(page.get_by_label("Contact Name")).to_have_value("Pat Front Desk")
    page.get_by_label("Contact Phone").fill("615 548 40")
    page.get_by_role("button", name="SUBMIT REQUEST").click()
    expect(
        page.get_by_text("Enter the clinical rationale for the reconsideration.")
    ).to_be_visible()
    expect(page.get_by_text("Enter a 10-digit phone or fax number")).to_be_visible()
    expect(page.get_by_label("Contact Phone")).to_have_value("615 548 40")
    screenshot("post_decision_02_request_errors")

    page.get_by_label("Contact Phone").fill("(615) 548-4010")
    page.locator("#id_files_1").set_input_files(str(a_pdf(tmp_path)))
    page.get_by_label("Clinical Rationale").fill(
        "Repeat X-rays on 5/1 show a displaced meniscal tear; the radiology report is faxed."
    )
    page.get_by_role("button", name="SUBMIT REQUEST").click()

    expect(page.get_by_text("Your reconsideration request has been received.")).to_be_visible()
    expect(page.get_by_role("heading", name="Reconsideration Request Received")).to_be_visible()
    expect(page.get_by_role("link", name="knee-xray-report.pdf")).to_be_visible()
    screenshot("post_decision_03_confirmation")
    made = PostDecisionRequest.objects.get(case=case)
    assert (made.kind, made.contact_phone) == (
        PostDecisionRequest.Kind.RECONSIDERATION,
        "6155484010",
    )
    # The request puts the case back into medical review at the reconsideration level.
    assert StatusEvent.objects.filter(case=case).latest("pk").reason == "Reconsideration requested"
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW

    page.get_by_role("link", name="ALL POST DECISION OPTIONS").last.click()
    expect(option_row(page, "reconsideration")).to_contain_text("was requested on")
    expect(option_row(page, "appeal")).to_contain_text("is being decided")
    screenshot("post_decision_04_options_after_request")

    option_row(page, "peer_to_peer").get_by_role("link", name="P2P AVAILABILITY").click()
    expect(page.get_by_role("heading", name="Authorization Lookup")).to_be_visible()
    expect(page.get_by_text("Level of Review:")).to_be_visible()
    expect(page.locator("[data-p2p-eligible]")).to_contain_text(
        f"Reconsideration allowed through {settings.PORTAL_NAME} until {until}."
    )
    screenshot("post_decision_05_p2p_availability")


def test_a_medicare_advantage_denial_shows_the_plans_appeal_and_a_consultative_p2p(
    live_server, page, screenshot, password
):
    world = world_build()
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    world.delegation.appeal_instructions = "Call Evergreen Medicare Appeals at (800) 555-0100."
    world.delegation.save()
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=5))

    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/post-decision-options/")

    expect(option_row(page, "reconsideration")).to_contain_text(
        "Medicare does not allow reconsiderations"
    )
    appeal = option_row(page, "appeal")
    expect(appeal).to_contain_text("Submit an appeal with supporting records to Evergreen")
    expect(appeal).to_contain_text("Call Evergreen Medicare Appeals at (800) 555-0100.")
    expect(appeal.get_by_role("link")).to_have_count(0)
    screenshot("post_decision_06_medicare_options")

    page.goto(f"{live_server.url}/cases/{case.public_id}/appeal/")
    expect(page.get_by_role("status")).to_contain_text("Submit an appeal with supporting records")
    expect(page.get_by_text("Call Evergreen Medicare Appeals at (800) 555-0100.")).to_be_visible()
    expect(page.get_by_role("button", name="SUBMIT REQUEST")).to_have_count(0)
    screenshot("post_decision_07_medicare_appeal")
    page.go_back()

    page.get_by_role("link", name="P2P AVAILABILITY").click()
    expect(page.locator("[data-p2p-eligible]")).to_contain_text(
        re.compile("will be considered consultative only and the original decision cannot be")
    )
    # A consultative-only P2P can still be requested.
    expect(page.get_by_role("link", name="Request Peer to Peer Consultation")).to_have_count(1)
    screenshot("post_decision_08_p2p_consultative")


def test_a_request_that_no_longer_applies_is_refused_and_what_was_typed_stays(
    live_server, page, screenshot, password
):
    world = world_build()
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=2))

    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/reconsideration/")
    page.get_by_label("Clinical Rationale").fill("The MRI is needed before the arthroscopy.")
    # Meanwhile a colleague records an appeal: reconsiderations come before appeals.
    request_made(case, PostDecisionRequest.Kind.APPEAL)
    page.get_by_role("button", name="SUBMIT REQUEST").click()

    expect(page.get_by_role("alert")).to_contain_text("An appeal was requested on")
    expect(page.get_by_label("Clinical Rationale")).to_have_value(
        "The MRI is needed before the arthroscopy."
    )
    expect(page.get_by_role("button", name="SUBMIT REQUEST")).to_have_count(0)
    screenshot("post_decision_09_request_refused")
    assert not PostDecisionRequest.objects.filter(
        case=case, kind=PostDecisionRequest.Kind.RECONSIDERATION
    ).exists()
