"""The Medical Review Queue in a real browser: a nurse reviewer signs in, sees the queue (urgent
first, the due-time markers in words, the statuses reviewers see), filters it, and takes the
next case. Screenshots of the queue."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Case
from cases.review.queue import selectors
from tests.cases.conftest import world_build
from tests.cases.review.conftest import in_review, reviewer
from tests.e2e.conftest import sign_in
from tests.factories.eligibility import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def queued(world, name, *, urgent=False, due_in=3 * DAY, status=Case.Status.IN_REVIEW, **fields):
    member = MemberFactory(
        health_plan=world.plan, patient_id=f"EVG8{abs(hash(name)) % 10**7:07d}", last_name=name
    )
    case = in_review(world, urgent=urgent, due_in=due_in, status=status, member=member)
    Case.objects.filter(pk=case.pk).update(**fields)
    return case


@pytest.fixture
def queue_world():
    world = world_build()
    nurse = reviewer("nurse.reviewer", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
    now = timezone.now()
    cases = {
        "urgent": queued(world, "Ortega", urgent=True, due_in=5 * HOUR),
        "overdue": queued(world, "Nakamura", due_in=-2 * HOUR),
        "hold": queued(
            world, "Fischer", status=Case.Status.HOLD, due_in=4 * DAY, hold_due_at=now + 14 * DAY
        ),
        "received": queued(world, "Lindqvist", due_in=2 * DAY, information_received_at=now),
        "appeal": queued(world, "Okafor", due_in=6 * DAY, review_level=Case.ReviewLevel.APPEAL),
        "director": queued(world, "Duval", due_in=5 * DAY, needs_medical_director=True),
        "mine": queued(world, "Castillo", due_in=3 * DAY, assigned_to=nurse, assigned_at=now),
    }
    return world, nurse, cases


def rows(page):
    return page.locator("table.portal-review-queue tbody tr")


def test_the_queue_and_take_next_case(live_server, page, screenshot, password, queue_world):
    world, nurse, cases = queue_world
    sign_in(page, live_server.url, nurse, password)
    page.goto(f"{live_server.url}/cases/review/")
    expect(page.get_by_role("heading", name="Medical Review Queue")).to_be_visible()
    expect(rows(page)).to_have_count(7)
    first = rows(page).first
    expect(first).to_contain_text(cases["urgent"].case_number)
    expect(first).to_contain_text("Urgent")
    expect(first).to_contain_text("Due within 24 hours")
    expect(rows(page).nth(1)).to_contain_text("Overdue")
    expect(page.locator("table").get_by_text("Needs medical director")).to_be_visible()
    expect(
        page.get_by_role("button", name=f"Release case {cases['mine'].case_number}")
    ).to_be_visible()
    screenshot("review_01_queue")

    page.get_by_label("Status").select_option("hold")
    page.get_by_role("button", name="Apply filters").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("Hold (due")
    expect(page).to_have_url(re.compile(r"/cases/review/\?status=hold$"))
    screenshot("review_02_queue_filtered")

    page.get_by_role("button", name="Take next case").click()
    expect(page).to_have_url(f"{live_server.url}/cases/review/{cases['urgent'].public_id}/")
    assert Case.objects.get(pk=cases["urgent"].pk).assigned_to == nurse


def test_a_queue_longer_than_its_count_says_more(
    live_server, page, screenshot, password, queue_world, monkeypatch
):
    # The limits made small: 7 cases in the queue, counted up to 4, 2 to a page.
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 4)
    world, nurse, cases = queue_world
    sign_in(page, live_server.url, nurse, password)
    page.goto(f"{live_server.url}/cases/review/")
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_text("Page 1 of 2+").first).to_be_visible()
    expect(page.get_by_text("1–2 of more than 4").first).to_be_visible()
    expect(page.get_by_text("The queue lists its first 4 cases")).to_be_visible()
    screenshot("review_03_queue_more")

    page.get_by_role("link", name="Last page").first.click()
    expect(page).to_have_url(re.compile(r"page=2$"))
    expect(page.get_by_text("3–4 of more than 4").first).to_be_visible()
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
