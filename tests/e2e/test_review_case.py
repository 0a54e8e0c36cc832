"""The reviewer's case screen in a real browser: a nurse reviewer signs in (with MFA), opens a
case the office sent to medical review with a PDF report and a photo, sees the request, the
answers with their criteria, the PDF and the photo in the page (the upload may be framed by our
own page), adds a note, and the screen is photographed for a person to look at."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import AccessEvent
from cases.models import ReviewNote
from cases.pdf import pdf_from_html
from tests.cases.clinical.test_uploads import png_bytes
from tests.cases.conftest import world_build
from tests.cases.review.built import case_in_review, knee_pathway
from tests.cases.review.conftest import reviewer
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REPORT = (
    "<html><body style='font-family: sans-serif; padding: 2cm'>"
    "<h1>Franklin Orthopedics: office visit</h1>"
    "<p>Right knee pain for 4 months, worse on stairs. Effusion on exam. "
    "Four weeks of physical therapy without relief.</p></body></html>"
)


def report_pdf() -> bytes:
    return pdf_from_html(REPORT)


def test_a_reviewer_reads_a_case_in_review_and_adds_a_note(
    live_server, page, screenshot, password, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = world_build()
    knee_pathway(world)
    case = case_in_review(
        world, files=(("Office visit.pdf", report_pdf), ("Knee photo.png", png_bytes))
    )
    nurse = reviewer("nurse.reviewer", "nurse_reviewer", world.radiology)

    sign_in(page, live_server.url, nurse, password)
    # The browser refuses a frame its headers forbid with a console error: none here.
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    page.goto(f"{live_server.url}/cases/review/{case.public_id}/")

    expect(page.get_by_role("heading", name=f"Case {case.case_number}")).to_be_visible()
    expect(page.get_by_test_id("review-status")).to_have_text("In review (Initial review)")
    expect(page.get_by_test_id("review-due")).to_contain_text(re.compile(r"left\)"))
    expect(page.get_by_text("The answer is Knee")).to_be_visible()
    expect(page.get_by_test_id("criterion").filter(has_text="at least 6")).to_contain_text("Missed")

    frame = page.frame_locator('iframe[title="Office visit.pdf (PDF)"]')
    photo = page.get_by_role("img", name="Knee photo.png (image)")
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    # The image loaded: served to the page and allowed by its CSP (img-src 'self').
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth === 40", arg=photo.element_handle()
    )
    # The PDF's response reached the frame (not refused by X-Frame-Options or the CSP).
    page.locator('iframe[title="Office visit.pdf (PDF)"]').scroll_into_view_if_needed()
    expect(frame.locator("body")).to_be_attached()
    page.wait_for_timeout(1000)
    downloads = AccessEvent.objects.filter(
        user=nurse, action=AccessEvent.Action.DOWNLOAD, subject_type="upload"
    )
    assert downloads.count() >= 2

    assert refused == []
    frames = [f for f in page.frames if "/uploads/" in f.url]
    # The frame holds the PDF (Chromium's viewer opens it in a frame of its own, same address);
    # a frame its headers forbid would be an error page (chrome-error://) instead.
    assert frames and all(f.url.startswith(live_server.url) for f in frames)

    page.get_by_role("textbox", name=re.compile("^Note")).fill(
        "Asked the office for the x-ray report."
    )
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added.")).to_be_visible()
    expect(page.get_by_test_id("review-note")).to_contain_text(
        "Asked the office for the x-ray report."
    )
    assert ReviewNote.objects.get().author == nurse

    page.goto(f"{live_server.url}/cases/review/{case.public_id}/")
    page.locator('iframe[title="Office visit.pdf (PDF)"]').scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("review_02_case_screen")
