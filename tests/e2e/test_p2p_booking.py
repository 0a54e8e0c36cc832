"""Booking a P2P in a real browser: from a denied commercial case's P2P AVAILABILITY, Request Peer
to Peer Consultation; the time zone confirmed on first use; the case looked up and confirmed
with its Level of Review; availability; the week of appointment times, the skilled physician
first; P2P Contact Details (a missing field first); the Scheduled summary; then Actions ›
Reschedule to a time of the physician's next day, and My P2P Requests; a real worker makes a
P2P confirmation letter at each, both in the case's Correspondence. Then the physician's
side: My P2P Calendar, the call recorded as overturned (a real worker makes the reconsideration
outcome letters), and the office's lookup showing Approved and the letter."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import StatusEvent
from p2p.models import Appointment
from p2p.tasks import confirmation_letters_task
from portal.celery import app
from tests.cases.conftest import world_build
from tests.cases.letters.conftest import queue_of_its_own
from tests.cases.letters.watch import letters_tasks_watched, wait_for_letters, wait_for_task
from tests.cases.post_decision.conftest import decided
from tests.e2e.conftest import sign_in
from tests.p2p.conftest import physician_make
from tests.p2p.test_booking import book

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WORKDAY = dict.fromkeys(range(5), ("09:00", "17:00"))
EASTERN = ZoneInfo("America/New_York")


def next_monday_at_nine() -> dt.datetime:
    """Monday of next week, 9:00 am Eastern (the calendar's "Next Week")."""
    today = timezone.now().astimezone(EASTERN).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(9), tzinfo=EASTERN)


@pytest.fixture
def confirmations_worker(settings, tmp_path):
    """A real worker on a queue of the test's own; yields the appointments whose confirmation
    letters it made."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with (
        queue_of_its_own() as queue,
        letters_tasks_watched(confirmation_letters_task) as finished,
        start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        yield finished


def test_an_office_books_a_reconsideration_p2p(
    live_server, page, screenshot, password, confirmations_worker
):
    world = world_build()
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    physician_make("Fackler", hours=WORKDAY, programs=[case.program])
    physician_make("Adams", hours=WORKDAY)

    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/p2p-availability/")
    expect(page.locator("[data-p2p-eligible]")).to_contain_text("Reconsideration allowed")
    page.get_by_role("link", name="Request Peer to Peer Consultation").click()

    expect(page.get_by_role("heading", name="Welcome to P2P Scheduling")).to_be_visible()
    screenshot("p2p_01_time_zone")
    page.get_by_label("Time Zone").select_option(label="US/Eastern")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="New P2P Request")).to_be_visible()
    expect(page.get_by_label("Case Reference Number")).to_have_value(case.case_number)
    screenshot("p2p_02_new_request")
    page.get_by_role("button", name="Lookup Cases").click()

    card = page.locator(f'[data-case="{case.case_number}"]')
    expect(card).to_contain_text("P2P Eligible")
    expect(card).to_contain_text("Reconsideration P2P")
    screenshot("p2p_03_cases")
    page.get_by_role("link", name="Continue").click()

    expect(page.get_by_text("Please indicate your availability")).to_be_visible()
    screenshot("p2p_04_availability")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Next Week →").click()
    expect(page.get_by_text("(Upcoming week)")).to_be_visible()
    blocks = page.locator("[data-physician]")
    expect(blocks.first).to_contain_text("1st Priority by Skill")
    expect(blocks.first).to_contain_text("Dana Fackler, MD")
    expect(blocks.nth(1)).to_contain_text("Dana Adams, MD")
    screenshot("p2p_05_week")
    first_time = blocks.first.locator("td button").first
    chosen = first_time.inner_text()
    assert re.fullmatch(r"9:00 am E[SD]T", chosen)
    first_time.click()

    expect(page.get_by_role("heading", name="P2P Contact Details")).to_be_visible()
    page.get_by_label("Contact Person", exact=True).check()
    page.get_by_label("Contact First Name").fill("John")
    page.get_by_label("Contact Last Name").fill("Doe")
    page.get_by_label("Name of Provider Requesting P2P").fill("Dr. Jane Doe")
    page.get_by_label("Phone Number for P2P").fill("(555) 555-5555")
    page.get_by_label("Contact Instructions").fill("Select option 4, ask for Dr. Doe")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Enter where the contact person is")).to_be_visible()
    expect(page.get_by_label("Contact First Name")).to_have_value("John")
    screenshot("p2p_06_contact_error")
    page.get_by_label("Contact Person Location").fill("Provider Office")
    page.get_by_role("button", name="Submit").click()

    expect(page.locator("[data-status]")).to_have_text("SCHEDULED")
    expect(page.locator("[data-when]")).to_contain_text(chosen)
    screenshot("p2p_07_scheduled")
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.SCHEDULED
    assert appointment.physician.user.last_name == "Fackler"
    assert appointment.contact_location == "Provider Office"
    wait_for_task(confirmations_worker, appointment)

    # Actions › Reschedule: the same physician, the next day's first time.
    first_start = appointment.starts_at
    page.get_by_text("Actions").click()
    screenshot("p2p_08_actions")
    page.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_role("heading", name="Reschedule P2P Appointment")).to_be_visible()
    page.get_by_role("link", name="Next Week →").click()
    skilled = page.locator("[data-physician]").first
    new_time = skilled.locator("td").nth(1).locator("button").first
    expect(new_time).to_have_text(re.compile(r"9:00 am E[SD]T"))
    new_time.click()
    expect(page.locator("[data-new-time]")).to_contain_text("Dana Fackler, MD")
    page.get_by_role("button", name="Reschedule").click()
    expect(page.get_by_text("Your P2P appointment was rescheduled to")).to_be_visible()
    screenshot("p2p_09_rescheduled")
    appointment.refresh_from_db()
    assert appointment.starts_at == first_start + dt.timedelta(days=1)
    wait_for_task(confirmations_worker, appointment)

    page.get_by_role("link", name="My P2P Requests").first.click()
    row = page.locator("table.portal-p2p-requests tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text(case.case_number)
    expect(row.first).to_contain_text("Scheduled")
    screenshot("p2p_10_my_requests")

    # The P2P confirmation letters, the booking's and the reschedule's.
    page.goto(f"{live_server.url}/cases/{case.public_id}/correspondence/")
    letters = page.get_by_role("cell", name="P2P confirmation letter", exact=True)
    expect(letters).to_have_count(2)
    screenshot("p2p_10b_correspondence")

    # Asked again for the same case: it already has its P2P.
    page.goto(f"{live_server.url}/cases/{case.public_id}/p2p-availability/")
    page.get_by_role("link", name="Request Peer to Peer Consultation").click()
    page.get_by_role("button", name="Lookup Cases").click()
    card = page.locator(f'[data-case="{case.case_number}"]')
    expect(card).to_contain_text("P2P Scheduled")
    expect(card.locator("[data-scheduled]")).to_contain_text("A P2P is already scheduled")
    expect(page.get_by_role("link", name="Continue")).to_have_count(0)
    screenshot("p2p_10c_already_scheduled")


def test_the_physician_records_an_overturn_and_the_office_reads_the_letter(
    live_server, page, screenshot, password, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = world_build()
    case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
    doctor = physician_make("Fackler", hours=WORKDAY, programs=[case.program])
    doctor.user.review_programs.add(case.program)
    start = next_monday_at_nine()
    with queue_of_its_own():
        # The bookings' e-mail and letter messages go to a queue emptied at once.
        appointment = book(world, doctor, start, case)
        later_case = decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))
        upcoming = book(world, doctor, start + dt.timedelta(minutes=15), later_case)
    # Booked ahead, the call took place an hour ago: it can be recorded now.
    held = (timezone.now() - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    held -= dt.timedelta(minutes=held.minute % 15)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=held)
    calendar = f"{live_server.url}/p2p/calendar/?week={held.astimezone(EASTERN):%Y-%m-%d}"

    sign_in(page, live_server.url, doctor.user, password)
    page.get_by_role("link", name="My P2P Calendar").click()
    expect(page.get_by_role("heading", name="My P2P Calendar")).to_be_visible()
    # Next week's call cannot be recorded yet.
    page.goto(f"{live_server.url}/p2p/calendar/{upcoming.public_id}/")
    expect(page.locator("[data-not-yet]")).to_contain_text("record it once it has taken place")
    expect(page.get_by_role("button", name="Record Call")).to_have_count(0)
    screenshot("p2p_11c_call_not_yet")
    page.goto(calendar)
    row = page.locator(f'[data-appointment="{appointment.public_id}"]')
    expect(row).to_contain_text(case.case_number)
    expect(row).to_contain_text("Reconsideration P2P")
    screenshot("p2p_11_calendar")
    # My P2P Hours: a day off added in the portal.
    page.get_by_role("link", name="My P2P Hours").click()
    expect(page.get_by_role("heading", name="My P2P Hours")).to_be_visible()
    exceptions = page.locator('[data-formset="exceptions"] tbody tr').last
    exceptions.get_by_label("Day").fill("2030-12-24")
    exceptions.get_by_label("Reason").fill("Holiday")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your P2P hours were saved.")).to_be_visible()
    screenshot("p2p_11b_hours")
    assert doctor.exceptions.get().reason == "Holiday"
    page.goto(calendar)
    row.get_by_role("link").click()

    expect(page.get_by_role("heading", name="P2P Call")).to_be_visible()
    page.get_by_label("Caller requested MD Specialty match").check()
    partial_lines = page.locator("[data-partial]")
    expect(partial_lines).to_be_hidden()
    page.get_by_label("Decision partially overturned").check()
    # A partial overturn asks for each line's approved quantity, the guideline and criterion.
    expect(partial_lines).to_be_visible()
    expect(partial_lines.get_by_label("Approved quantity for 73721")).to_have_value("1")
    screenshot("p2p_12a_call_partial")
    page.get_by_label("Decision overturned", exact=True).check()
    expect(partial_lines).to_be_hidden()
    page.get_by_label("Note").fill("Six weeks of physical therapy documented: criteria met.")
    screenshot("p2p_12_call")
    with (
        queue_of_its_own() as queue,
        letters_tasks_watched() as finished,
        start_worker(app, queues=[queue], perform_ping_check=False, shutdown_timeout=60),
    ):
        page.get_by_role("button", name="Record Call").click()
        expect(page.get_by_text("was recorded: Decision overturned")).to_be_visible()
        event = StatusEvent.objects.get(case=case, reason="Reconsideration overturned")
        wait_for_letters(finished, event, 2)
    screenshot("p2p_13_recorded")

    page.get_by_role("button", name="Log Off").click()
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/authorization/")
    expect(page.locator('[data-field="status"]')).to_have_text("Approved")
    expect(page.locator('[data-field="p2p-status"]')).to_have_text("Completed: Decision overturned")
    screenshot("p2p_14_lookup_approved")
    page.goto(f"{live_server.url}/cases/{case.public_id}/correspondence/")
    expect(
        page.get_by_role("cell", name="Reconsideration outcome letter", exact=True)
    ).to_be_visible()
    screenshot("p2p_15_correspondence")
