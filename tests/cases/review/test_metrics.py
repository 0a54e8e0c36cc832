"""The CMS-0057-F metrics: hand-built cases whose figures are worked out by hand, the periods and
filters, the queries, and the CSV export. The clock is fixed at NOW (Q3 2026): the page's
default period is Q2 2026 (April 1 to June 30, New York time)."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from cases.models import Case, Determination, StatusEvent
from cases.review.metrics.aggregates import PercentileCont
from cases.review.metrics.display import hours_display, share_display
from cases.review.metrics.periods import dates_period, quarter_period
from cases.review.metrics.selectors import MetricsQuery, metrics_table
from tests.cases.review.conftest import reviewer, signed_in
from tests.cases.tracking.conftest import submitted

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 7, 15, 12, 0, tzinfo=ZONE)
Q2 = quarter_period(2026, 2)
URL = reverse("cases:review-metrics")
CSV_URL = reverse("cases:review-metrics-csv")
Status = Case.Status
Outcome = Determination.Outcome
Level = Case.ReviewLevel

OUTCOME_OF = {
    Status.APPROVED: Outcome.APPROVED,
    Status.PARTIALLY_APPROVED: Outcome.PARTIALLY_APPROVED,
    Status.DENIED: Outcome.DENIED,
    Status.CANCELLED: Outcome.CANCELLED,
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def reviewed(
    world,
    by: User,
    *,
    status: str,
    submitted_at: dt.datetime,
    hours: float,
    urgent: bool = False,
    extended: bool = False,
    **values,
) -> Case:
    """A case sent to medical review at SUBMIT CASE and decided `hours` later (a status event
    and its Determination, as the review services write them)."""
    case = submitted(world, status=status, submitted_at=submitted_at)
    Case.objects.filter(pk=case.pk).update(is_urgent=urgent, review_level=Level.INITIAL, **values)
    StatusEvent.objects.create(
        case=case, from_status=Status.DRAFT, to_status=Status.IN_REVIEW, at=submitted_at
    )
    decision_write(
        case,
        by,
        to_status=status,
        outcome=OUTCOME_OF[status],
        level=Level.INITIAL,
        when=submitted_at + dt.timedelta(hours=hours),
        extended=extended,
    )
    return case


def decision_write(case, by, *, to_status, outcome, level, when, extended=False):
    event = StatusEvent.objects.create(
        case=case, from_status=Status.IN_REVIEW, to_status=to_status, by=by, at=when
    )
    Determination.objects.create(
        case=case,
        status_event=event,
        outcome=outcome,
        review_level=level,
        decided_by=by,
        decided_at=when,
        extended_time_frame=extended,
    )


def appeal_decided(case, by, *, outcome, when):
    """The office's appeal of a denial, decided `outcome` at `when` (back to review, then the
    appeal's status event and Determination)."""
    Case.objects.filter(pk=case.pk).update(review_level=Level.APPEAL)
    StatusEvent.objects.create(
        case=case,
        from_status=Status.DENIED,
        to_status=Status.IN_REVIEW,
        at=when - dt.timedelta(days=1),
    )
    to_status = Status.DENIED if outcome == Outcome.UPHELD else Status.APPROVED
    decision_write(case, by, to_status=to_status, outcome=outcome, level=Level.APPEAL, when=when)


def approved_at_submit(world, *, submitted_at: dt.datetime, urgent=False, **values) -> Case:
    """Approved at SUBMIT CASE (the pathway's criteria met): one status event, no
    Determination."""
    case = submitted(world, status=Status.APPROVED, submitted_at=submitted_at)
    Case.objects.filter(pk=case.pk).update(is_urgent=urgent, **values)
    StatusEvent.objects.create(
        case=case, from_status=Status.DRAFT, to_status=Status.APPROVED, at=submitted_at
    )
    return case


@pytest.fixture
def director(world):
    return reviewer("metrics.director", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)


@pytest.fixture
def scenario(world, director):
    """Q2 2026, Evergreen Health Plan's Radiology and Cardiology:
    standard: A approved at SUBMIT CASE (0 h), B approved (30 h, at 11:30 PM on June 30),
    C denied after a hold (50 h; its appeal overturned in Q2); expedited: E approved (10 h),
    D partially approved (20 h). H was denied in Q1; its appeal is upheld in Q2.
    Not counted in Q2: I cancelled, J still in review, K retrospective, L decided at midnight
    starting July 1.
    Prairie Mutual Health's Musculoskeletal Management: M denied (standard, 24 h)."""
    cases = {
        "A": approved_at_submit(world, submitted_at=at(4, 10)),
        "B": reviewed(
            world, director, status=Status.APPROVED, submitted_at=at(6, 29, 17, 30), hours=30
        ),
        "C": reviewed(
            world, director, status=Status.DENIED, submitted_at=at(5, 4), hours=50, extended=True
        ),
        "E": reviewed(
            world, director, status=Status.APPROVED, submitted_at=at(5, 6), hours=10, urgent=True
        ),
        "D": reviewed(
            world,
            director,
            status=Status.PARTIALLY_APPROVED,
            submitted_at=at(5, 7),
            hours=20,
            urgent=True,
        ),
        "H": reviewed(world, director, status=Status.DENIED, submitted_at=at(3, 2), hours=40),
        "I": reviewed(world, director, status=Status.CANCELLED, submitted_at=at(4, 20), hours=5),
        "K": reviewed(
            world,
            director,
            status=Status.APPROVED,
            submitted_at=at(4, 21),
            hours=6,
            service_performed=True,
        ),
        "L": reviewed(world, director, status=Status.DENIED, submitted_at=at(6, 30), hours=15),
        "M": reviewed(
            world,
            director,
            status=Status.DENIED,
            submitted_at=at(6, 1),
            hours=24,
            health_plan=world.other_plan,
            program=world.msk,
        ),
    }
    cases["J"] = submitted(world, status=Status.IN_REVIEW, submitted_at=at(6, 2))
    StatusEvent.objects.create(
        case=cases["J"], from_status=Status.DRAFT, to_status=Status.IN_REVIEW, at=at(6, 2)
    )
    appeal_decided(cases["C"], director, outcome=Outcome.OVERTURNED, when=at(6, 10))
    appeal_decided(cases["H"], director, outcome=Outcome.UPHELD, when=at(4, 15))
    return cases


def rows_by_program(table):
    return {row.program: row for row in table.rows}


def test_the_figures_worked_out_by_hand(scenario, world):
    table = metrics_table(MetricsQuery(period=Q2))

    assert [(row.health_plan, row.program) for row in table.rows] == [
        ("Evergreen Health Plan", "Radiology and Cardiology"),
        ("Prairie Mutual Health", "Musculoskeletal Management"),
    ]
    radiology = table.rows[0]
    # A, B, C, D, E; not H (decided in Q1), I (cancelled), J (pending), K (retrospective), L (Q3).
    assert radiology.decided == 5
    assert (radiology.approved, radiology.partially_approved, radiology.denied) == (3, 1, 1)
    assert radiology.approved_share == pytest.approx(60.0)
    assert radiology.partially_approved_share == pytest.approx(20.0)
    assert radiology.denied_share == pytest.approx(20.0)
    assert radiology.extended_share == pytest.approx(20.0)  # C
    # C's appeal overturned, H's upheld: both decided in Q2.
    assert (radiology.appeals_decided, radiology.appeals_approved) == (2, 1)
    assert radiology.approved_after_appeal_share == pytest.approx(50.0)
    # Standard: 0 h, 30 h, 50 h.
    assert radiology.standard.decided == 3
    assert radiology.standard.average_hours == pytest.approx(80 / 3)
    assert radiology.standard.median_hours == pytest.approx(30.0)
    # Expedited: 10 h, 20 h (the median between the two).
    assert radiology.expedited.decided == 2
    assert radiology.expedited.average_hours == pytest.approx(15.0)
    assert radiology.expedited.median_hours == pytest.approx(15.0)

    msk = table.rows[1]
    assert (msk.decided, msk.denied, msk.approved_share, msk.denied_share) == (1, 1, 0.0, 100.0)
    assert msk.appeals_decided == 0
    assert msk.approved_after_appeal_share is None
    assert msk.expedited.decided == 0
    assert msk.expedited.average_hours is None

    total = table.total
    assert (total.decided, total.approved, total.partially_approved, total.denied) == (6, 3, 1, 2)
    assert total.denied_share == pytest.approx(100 * 2 / 6)
    # Standard: 0, 24, 30, 50 h.
    assert total.standard.average_hours == pytest.approx(26.0)
    assert total.standard.median_hours == pytest.approx(27.0)
    assert total.expedited.median_hours == pytest.approx(15.0)
    assert (total.appeals_decided, total.appeals_approved) == (2, 1)


def test_a_request_counts_in_the_period_of_its_first_decision(scenario):
    july = metrics_table(MetricsQuery(period=dates_period(dt.date(2026, 7, 1), NOW.date())))
    # L, decided at midnight starting July 1; C's approval on appeal is not a first decision.
    assert july.total.decided == 1
    assert july.total.denied == 1
    assert july.total.standard.median_hours == pytest.approx(15.0)
    first_quarter = metrics_table(MetricsQuery(period=quarter_period(2026, 1)))
    assert (first_quarter.total.decided, first_quarter.total.denied) == (1, 1)  # H
    assert first_quarter.total.appeals_decided == 0  # H's appeal was decided in Q2


def test_the_plan_and_program_filters(scenario, world):
    prairie = metrics_table(MetricsQuery(period=Q2, health_plan_id=world.other_plan.pk))
    assert [row.program for row in prairie.rows] == ["Musculoskeletal Management"]
    assert prairie.total.decided == 1
    radiology = metrics_table(MetricsQuery(period=Q2, program_id=world.radiology.pk))
    assert [row.program for row in radiology.rows] == ["Radiology and Cardiology"]
    assert radiology.total.decided == 5
    assert radiology.total.appeals_decided == 2
    nothing = metrics_table(
        MetricsQuery(period=Q2, health_plan_id=world.other_plan.pk, program_id=world.dme.pk)
    )
    assert nothing.rows == []
    assert nothing.total.decided == 0
    assert nothing.total.approved_share is None
    assert nothing.total.standard.median_hours is None


def test_four_queries_whatever_the_data(world, director, django_assert_num_queries):
    with django_assert_num_queries(4):
        metrics_table(MetricsQuery(period=Q2))
    for day in range(1, 21):
        reviewed(world, director, status=Status.APPROVED, submitted_at=at(5, day), hours=day)
        approved_at_submit(world, submitted_at=at(4, day), program=world.dme)
    with django_assert_num_queries(4):
        table = metrics_table(MetricsQuery(period=Q2))
    assert table.total.decided == 40


def test_the_percentile_fraction_is_checked():
    with pytest.raises(ValueError):
        PercentileCont("at", fraction=1.5)
    with pytest.raises(TypeError):
        PercentileCont("at", fraction="0.5); DROP TABLE cases_case")


def test_how_shares_and_times_read():
    assert share_display(None) == "—"
    assert share_display(100 / 3) == "33.3%"
    assert hours_display(None) == "—"
    assert hours_display(0) == "0 min"
    assert hours_display(0.75) == "45 min"
    assert hours_display(30) == "30.0 hours"
    assert hours_display(50) == "2.1 days"


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def metrics_admin(db):
    """Staff with the view permission on determinations (not a superuser)."""
    from django.contrib.auth.models import Permission

    user = User.objects.create_user(username="metrics.admin", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_determination"))
    return user


@pytest.fixture
def admin_client(metrics_admin):
    return signed_in(metrics_admin)


def test_the_page_shows_the_figures_of_the_last_full_quarter(admin_client, scenario):
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Q2 2026 (Apr to Jun)" in html
    assert "04/01/2026 to 06/30/2026" in html
    assert "Evergreen Health Plan" in html
    assert "Prairie Mutual Health" in html
    for figure in ("60.0%", "20.0%", "50.0%", "26.7 hours", "30.0 hours", "15.0 hours"):
        assert figure in html
    assert "How these figures are counted" in html
    # Figures only: no member, no case number.
    assert "Winter" not in html
    assert scenario["A"].case_number not in html


def test_the_filters_choose_the_rows(admin_client, scenario, world):
    html = admin_client.get(URL, {"health_plan": world.other_plan.pk}).content.decode()
    assert "Prairie Mutual Health" in html
    assert "Evergreen Health Plan</th>" not in html
    html = admin_client.get(URL, {"program": "radiology-cardiology"}).content.decode()
    assert "Musculoskeletal Management</td>" not in html
    html = admin_client.get(URL, {"period": "2026-Q1"}).content.decode()
    assert "Q1 2026 (Jan to Mar)" in html
    html = admin_client.get(
        URL, {"date_from": "2026-07-01", "date_to": "2026-07-15", "period": "2026-Q1"}
    ).content.decode()
    assert "07/01/2026 to 07/15/2026" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"health_plan": "abc"}, "health_plan", "Select a valid choice"),
        ({"health_plan": "99999999999999999999"}, "health_plan", "Select a valid choice"),
        ({"program": "no-such\x00program"}, "program", "Null characters are not allowed"),
        ({"program": "no-such-program"}, "program", "Select a valid choice"),
        ({"period": "2026-Q9"}, "period", "Select a valid choice"),
        ({"date_from": "2026-13-01", "date_to": "2026-12-31"}, "date_from", "Enter a valid date"),
        ({"date_from": "2026-07-01"}, "date_to", "Enter the To date as well"),
        ({"date_to": "2026-07-01"}, "date_from", "Enter the From date as well"),
        ({"date_from": "2026-07-02", "date_to": "2026-07-01"}, "date_from", "on or before"),
        ({"date_from": "1999-12-31", "date_to": "2026-07-01"}, "date_from", "from 01/01/2000"),
        ({"date_from": "2026-07-01", "date_to": "9999-12-31"}, "date_to", "to 12/31/2099"),
    ],
)
def test_bad_filters_get_a_message_next_to_the_field(admin_client, world, query, field, message):
    response = admin_client.get(URL, {"program": "radiology-cardiology", **query})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert f'aria-describedby="id_{field}_error"' in html
    if "program" not in query:
        # The other filters still count.
        assert response.context["table"].query.program_id == world.radiology.pk
    # The CSV link carries only the valid filters.
    assert field not in response.context["csv_url"]


def test_the_page_makes_the_same_queries_whatever_the_data(
    admin_client, world, director, django_assert_max_num_queries
):
    admin_client.get(URL)  # the session's first request

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert admin_client.get(URL, {"program": "radiology-cardiology"}).status_code == 200
        return len(context)

    empty = queries()
    for day in range(1, 16):
        reviewed(world, director, status=Status.DENIED, submitted_at=at(5, day), hours=day)
    assert queries() == empty
    # The session, the user, the device, the user's and their groups' permissions, the
    # navigation's membership; the program chosen, the plans' and the programs' choices; the
    # four figures queries.
    with django_assert_max_num_queries(13):
        admin_client.get(URL, {"program": "radiology-cardiology"})


# --- Who sees it --------------------------------------------------------------------------------


@pytest.fixture
def staff_without_permission(db):
    return User.objects.create_user(username="plain.staff", password="x", is_staff=True)


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_everyone_but_portal_administrators_gets_404(
    url, office_client, world, staff_without_permission
):
    nurse = reviewer("metrics.nurse", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
    director = reviewer("metrics.md", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)
    assert office_client.get(url).status_code == 404
    for user in (nurse, director, staff_without_permission):
        assert signed_in(user).get(url).status_code == 404


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_administrators_see_it(url, admin_client, admin_client_logged_in):
    assert admin_client.get(url).status_code == 200
    assert admin_client_logged_in.get(url).status_code == 200  # a superuser


def test_signed_out_goes_to_portal_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_only_get(admin_client, office_client):
    assert admin_client.post(URL).status_code == 405
    assert admin_client.post(CSV_URL).status_code == 405
    assert office_client.post(URL).status_code == 404


def test_the_admin_index_links_to_it(admin_client, staff_without_permission):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in html
    assert "Prior authorization metrics (CMS-0057-F)" in html
    html = signed_in(staff_without_permission).get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' not in html


def test_the_main_menu_has_it_for_administrators_only(
    admin_client, office_client, staff_without_permission
):
    entry = f'href="{URL}">Prior Authorization Metrics</a>'
    assert entry in admin_client.get(URL).content.decode()
    assert entry not in office_client.get(reverse("portal:home")).content.decode()
    html = signed_in(staff_without_permission).get(reverse("portal:home")).content.decode()
    assert entry not in html


# --- CSV ----------------------------------------------------------------------------------------


def test_the_csv_has_the_same_figures(admin_client, scenario):
    response = admin_client.get(CSV_URL, {"period": "2026-Q2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="prior-authorization-metrics-20260401-20260630.csv"'
    )
    content = response.content.decode()
    lines = list(csv.DictReader(io.StringIO(content)))
    assert [(line["Health plan"], line["Program"]) for line in lines] == [
        ("Evergreen Health Plan", "Radiology and Cardiology"),
        ("Prairie Mutual Health", "Musculoskeletal Management"),
        ("All health plans", "All programs"),
    ]
    radiology, msk, total = lines
    assert radiology["Period from"] == "2026-04-01"
    assert radiology["Period to"] == "2026-06-30"
    assert radiology["Requests decided"] == "5"
    assert radiology["Approved %"] == "60.0"
    assert radiology["Partially approved %"] == "20.0"
    assert radiology["Denied %"] == "20.0"
    assert radiology["Extended time frame %"] == "20.0"
    assert radiology["Appeals decided"] == "2"
    assert radiology["Approved after appeal %"] == "50.0"
    assert radiology["Standard average hours to decision"] == "26.67"
    assert radiology["Standard median hours to decision"] == "30.00"
    assert radiology["Expedited median hours to decision"] == "15.00"
    assert msk["Approved after appeal %"] == ""  # no appeal: nothing to divide
    assert total["Requests decided"] == "6"
    assert total["Standard median hours to decision"] == "27.00"
    # Figures only.
    assert "Winter" not in content
    assert "EVG00000042" not in content
    assert scenario["A"].case_number not in content


def test_the_csv_follows_the_filters(admin_client, scenario, world):
    response = admin_client.get(CSV_URL, {"health_plan": world.other_plan.pk})
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [line["Program"] for line in lines] == ["Musculoskeletal Management", "All programs"]
    assert lines[-1]["Requests decided"] == "1"


def test_a_csv_with_bad_filters_is_the_page_with_the_message(admin_client):
    response = admin_client.get(CSV_URL, {"period": "2026-Q9"})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert 'id="id_period_error"' in response.content.decode()


def test_a_plan_name_is_not_a_spreadsheet_formula(admin_client, world, director):
    from eligibility.models import HealthPlan

    HealthPlan.objects.filter(pk=world.plan.pk).update(name="=HYPERLINK(1)")
    reviewed(world, director, status=Status.APPROVED, submitted_at=at(5, 1), hours=1)
    content = admin_client.get(CSV_URL).content.decode()
    assert "'=HYPERLINK(1)" in content
