"""The metrics page in a real browser: a portal administrator signs in (password and MFA),
opens the metrics from the admin index, reads the last full quarter's figures, filters them and
exports the CSV. A screenshot of the page with data."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from cases.models import Case, Determination
from cases.review.metrics.periods import last_full_quarter, portal_date
from tests.cases.conftest import world_build
from tests.cases.review.conftest import reviewer
from tests.cases.review.test_metrics import appeal_decided, approved_at_submit, reviewed
from tests.e2e.conftest import sign_in
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

Status = Case.Status
ZONE = ZoneInfo("America/New_York")


@pytest.fixture
def metrics_world():
    """The last full quarter: Evergreen's radiology with 3 standard requests (0, 30, 50 hours:
    approved at SUBMIT CASE, approved, denied after a hold and overturned on appeal) and 2
    expedited (10 and 20 hours: approved, partially approved); Prairie's musculoskeletal with
    one denial (24 hours)."""
    world = world_build()
    director = reviewer("screen.director", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)
    quarter = last_full_quarter(portal_date(timezone.now()))

    def day(n: int) -> dt.datetime:
        return dt.datetime.combine(quarter.first_day + dt.timedelta(days=n), dt.time(9), ZONE)

    approved_at_submit(world, submitted_at=day(3))
    reviewed(world, director, status=Status.APPROVED, submitted_at=day(5), hours=30)
    denied = reviewed(
        world, director, status=Status.DENIED, submitted_at=day(7), hours=50, extended=True
    )
    reviewed(world, director, status=Status.APPROVED, submitted_at=day(9), hours=10, urgent=True)
    reviewed(
        world,
        director,
        status=Status.PARTIALLY_APPROVED,
        submitted_at=day(11),
        hours=20,
        urgent=True,
    )
    appeal_decided(denied, director, outcome=Determination.Outcome.OVERTURNED, when=day(30))
    reviewed(
        world,
        director,
        status=Status.DENIED,
        submitted_at=day(20),
        hours=24,
        health_plan=world.other_plan,
        program=world.msk,
    )
    admin = UserFactory(username="metrics.admin", is_staff=True)
    admin.user_permissions.add(Permission.objects.get(codename="view_determination"))
    return world, admin, quarter


def test_an_administrator_reads_and_exports_the_metrics(
    live_server, page, screenshot, password, metrics_world
):
    world, admin, quarter = metrics_world
    sign_in(page, live_server.url, admin, password)
    page.goto(f"{live_server.url}/admin/")
    screenshot("metrics_admin_index")
    page.get_by_role("link", name="Prior authorization metrics (CMS-0057-F)").click()

    expect(page.get_by_role("heading", name="Prior Authorization Metrics")).to_be_visible()
    expect(page.get_by_text(quarter.label).first).to_be_visible()
    decisions = page.locator("table.portal-metrics-decisions")
    times = page.locator("table.portal-metrics-times")
    radiology = decisions.locator("tbody tr", has_text="Radiology and Cardiology")
    expect(radiology).to_contain_text("60.0%")
    expect(radiology).to_contain_text("100.0%")  # its appeal overturned
    radiology_times = times.locator("tbody tr", has_text="Radiology and Cardiology")
    expect(radiology_times).to_contain_text("26.7 hours")
    expect(radiology_times).to_contain_text("15.0 hours")
    expect(decisions.locator("tfoot tr")).to_contain_text("Total 6 50.0%")
    expect(page.get_by_role("heading", name="How these figures are counted")).to_be_visible()
    screenshot("metrics_page")

    page.get_by_label("Health plan").select_option(label="Prairie Mutual Health")
    page.get_by_role("button", name="Show figures").click()
    expect(decisions.locator("tbody tr")).to_have_count(1)
    expect(decisions.locator("tbody tr")).to_contain_text("Musculoskeletal Management")

    page.get_by_label("From").fill("2026-02-01")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#id_date_to_error")).to_contain_text("Enter the To date as well")
    expect(page.get_by_label("Health plan")).to_have_value(str(world.other_plan.pk))
    screenshot("metrics_page_bad_dates")

    page.get_by_label("From").fill("")
    page.get_by_role("button", name="Show figures").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == (f"prior-authorization-metrics-{quarter.slug}.csv")
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Prairie Mutual Health,Musculoskeletal Management,1," in content
    assert "Evergreen Health Plan" not in content
