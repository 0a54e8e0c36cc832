"""The approval letter in a real browser, made by a real Celery worker: SUBMIT CASE, the
worker renders the letters after the submission commits, the office opens VIEW
CORRESPONDENCE and the approval letter (a PDF with the authorization number and dates)."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cases.letters.services import letters_render
from cases.models import Case, Letter, StatusEvent, Upload
from portal.celery import app
from tests.cases.conftest import world_build
from tests.cases.letters.conftest import pdf_text, queue_of_its_own, ready, submitted
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters
from tests.e2e.conftest import sign_in
from tests.factories.accounts import AdminUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_submit_then_open_and_print_the_approval_letter(
    live_server, page, screenshot, password, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = world_build()
    world.knee_mri.plain_description = "An MRI (a detailed picture) of your knee, without dye"
    world.knee_mri.save()
    case = ready(world)
    sign_in(page, live_server.url, world.user, password)

    with (
        queue_of_its_own() as queue,
        letters_tasks_watched() as finished,
        start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        page.goto(f"{live_server.url}/cases/{case.public_id}/clinical/submit/")
        page.get_by_label(re.compile("I acknowledge"), exact=False).check()
        page.get_by_role("button", name="SUBMIT CASE").click()
        expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
        event = StatusEvent.objects.get(case=case, to_status=Case.Status.APPROVED)
        wait_for_letters(finished, event, 2)

    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    upload = Upload(
        case=case,
        original_name="knee x-ray report.pdf",
        kind=Upload.Kind.PDF,
        size=14,
        sha256="0" * 64,
        uploaded_by=world.user,
    )
    upload.file.save("report", ContentFile(b"%PDF-1.4 test"), save=True)
    page.goto(f"{live_server.url}/cases/{case.public_id}/correspondence/")
    expect(page.get_by_role("heading", name="Correspondence")).to_be_visible()
    expect(page.get_by_text(case.authorization_number)).to_be_visible()
    letter = page.get_by_role("link", name=re.compile(r"^VIEW . PRINT"))
    expect(letter).to_have_count(1)
    expect(page.get_by_role("cell", name="Approval letter", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("E-mail notice sent"))).to_be_visible()
    expect(page.get_by_role("link", name="knee x-ray report.pdf")).to_be_visible()
    screenshot("letters_01_correspondence")

    href = letter.get_attribute("href")
    assert letter.get_attribute("target") == "_blank"
    pdf = page.request.get(f"{live_server.url}{href}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline;")
    text = pdf_text(pdf.body())
    assert f"Authorization Number: {case.authorization_number}" in text
    assert f"Review Date: {case.review_date:%-m/%-d/%Y}" in text
    assert f"Expiration Date: {case.expiration_date:%-m/%-d/%Y}" in text

    # The tab the link opens shows the letter (Chromium's own viewer, or a download when
    # headless has none): either way the browser gets the PDF.
    with page.context.expect_page() as opened:
        letter.click()
    tab = opened.value
    tab.wait_for_load_state()
    tab.close()


def test_an_administrator_works_the_mail_queue(
    live_server, page, screenshot, password, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    world = world_build()
    for _ in range(2):
        with queue_of_its_own():
            _case, event = submitted(world)
        letters_render(status_event_id=event.pk)
    admin = AdminUserFactory(username="portal.admin")
    sign_in(page, live_server.url, admin, password)

    page.goto(f"{live_server.url}/admin/cases/letter/?queue=mail")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    screenshot("letters_02_admin_mail_queue")

    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("mark_mailed")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_have_text("2 letters marked mailed.")
    screenshot("letters_03_admin_marked_mailed")
    assert Letter.objects.filter(mailed_at__isnull=False).count() == 2
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
