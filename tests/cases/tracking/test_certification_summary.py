"""Certification Summary: the office's submitted cases (nobody else's, no drafts), each column,
the filter boxes, "Search..", the statuses, the dates, the sort, the pages, bad query strings,
the access log, htmx and no JavaScript, and the same few queries whatever the filter."""

import datetime as dt
import re
from html import escape
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical.submission import case_submit
from cases.models import Case
from cases.tracking import selectors
from cases.tracking.filters import SUMMARY_FILTERS
from cases.tracking.forms import DATE_OUT_OF_RANGE, NPI_DIGITS, RANGE_EMPTY, RANGE_REVERSED
from cases.tracking.selectors import SUMMARY_COLUMNS
from cases.wizard.drafts import draft_start
from tests.cases.clinical.test_submission import ready
from tests.cases.tracking.conftest import filters_post, submitted
from tests.conftest import VerifiedClient
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:certification-summary")
NO_RECORDS = "No records to display"
ZONE = ZoneInfo(settings.TIME_ZONE)


def page(client, query="", **headers):
    """The page after the filters in `query` were posted, its address the rest of `query`."""
    address = filters_post(client, URL, query, SUMMARY_FILTERS)
    response = client.get(URL + address, **headers)
    assert response.status_code == 200
    return response.content.decode()


def body_rows(html):
    """The case numbers of the table's rows, in order."""
    tbody = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>(\d{9})</td>", tbody)


def numbers(*cases):
    return [case.case_number for case in cases]


# --- what it shows ----------------------------------------------------------------------------


def test_a_case_submitted_through_submit_case_shows_with_every_column(office_client, world):
    world.delegation.validity_days = 45
    world.delegation.save()
    case = case_submit(user=world.user, public_id=ready(world).public_id, now=timezone.now())
    html = page(office_client)
    for column in SUMMARY_COLUMNS:
        assert column.label in html
    local_day = timezone.localtime(case.submitted_at).date()
    row = html.split("<tbody>", 1)[1]
    for value in (
        case.authorization_number,
        case.case_number,
        "Winter",
        "Michael",
        "1234567893",
        "Approved",
        local_day.strftime("%m/%d/%Y"),
        "73721",
        "MRI LOWER EXTREMITY JOINT W/O",
        "Franklin Imaging Center",
        case.expiration_date.strftime("%m/%d/%Y"),
    ):
        assert value in row
    assert reverse("cases:correspondence", kwargs={"public_id": case.public_id}) in row
    # Approved: nothing to upload any more.
    assert reverse("cases:upload-clinical", kwargs={"public_id": case.public_id}) not in row


def test_pending_cases_read_pending_with_na_and_offer_upload_clinical(office_client, world):
    pending = submitted(world, status=Case.Status.IN_REVIEW)
    held = submitted(world, status=Case.Status.HOLD)
    denied = submitted(world, status=Case.Status.DENIED)
    html = page(office_client)
    assert ">Pending<" in html and ">Additional Information Required<" in html
    assert ">Denied<" in html
    assert ">NA<" in html
    for case in (pending, held):
        assert reverse("cases:upload-clinical", kwargs={"public_id": case.public_id}) in html
    assert reverse("cases:upload-clinical", kwargs={"public_id": denied.public_id}) not in html


def test_drafts_expired_requests_and_other_offices_cases_never_show(office_client, world):
    outsider_client = VerifiedClient()
    outsider_client.force_login(world.outsider)
    mine = submitted(world)
    draft_start(user=world.user, program=world.radiology)
    expired = draft_start(user=world.user, program=world.radiology)
    Case.objects.filter(pk=expired.pk).update(status=Case.Status.EXPIRED)
    theirs = submitted(world, office=world.outsider.office, user=world.outsider)
    assert body_rows(page(office_client)) == numbers(mine)
    assert body_rows(page(outsider_client)) == numbers(theirs)
    # Even asked for by its own number.
    assert NO_RECORDS in page(office_client, f"?case_number={theirs.case_number}")
    assert NO_RECORDS in page(office_client, f"?q={theirs.case_number}")


def test_no_records_to_display_and_page_1_of_0(office_client, world):
    html = page(office_client)
    assert NO_RECORDS in html
    assert "Page 1 of 0" in html


def test_a_user_without_an_office_gets_404(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.get(reverse("cases:certification-summary-export")).status_code == 404


def test_only_get_and_post(office_client):
    assert office_client.put(URL).status_code == 405
    assert office_client.post(reverse("cases:certification-summary-export")).status_code == 405


# --- the filter boxes and Search.. ------------------------------------------------------------


@pytest.fixture
def spread(world, people):
    """Four cases that differ in every filterable column."""
    return {
        "a": submitted(
            world,
            member=people["adams"],
            practitioner=people["baker"],
            site=people["alpha_site"],
            code=people["ct_head"],
            case_number="431111111",
            authorization_number="A311111111",
        ),
        "z": submitted(
            world,
            member=people["zimmer"],
            practitioner=people["yates"],
            site=people["zulu_site"],
            case_number="432222222",
            authorization_number="A322222222",
        ),
        "w": submitted(world, status=Case.Status.IN_REVIEW, case_number="433333333"),
        "d": submitted(world, status=Case.Status.DENIED, case_number="434444444"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authorization_number=a3111", ["a"]),
        ("authorization_number=A32", ["z"]),
        ("case_number=4311", ["a"]),
        ("case_number=43", ["a", "z", "w", "d"]),
        ("member_last_name=ad", ["a"]),
        ("member_last_name=ZIMMER", ["z"]),
        ("member_last_name=win", ["w", "d"]),
        ("provider_last_name=bak", ["a"]),
        ("provider_last_name=Michael", ["w", "d"]),
        ("provider_npi=198765", ["z"]),
        ("procedure_code=7045", ["a"]),
        ("procedure_code=73721", ["z", "w", "d"]),
        ("member_last_name=nobody", []),
        # Starts with, not contains.
        ("member_last_name=dams", []),
        ("provider_npi=", ["a", "z", "w", "d"]),
    ],
)
def test_each_filter_box(office_client, spread, query, expected):
    html = page(office_client, f"?{query}&sort=case_number&dir=asc")
    assert body_rows(html) == [spread[key].case_number for key in expected]
    if not expected:
        assert NO_RECORDS in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("a311", ["a"]),  # authorization number
        ("4322", ["z"]),  # case number
        ("zim", ["z"]),  # member last name
        ("yat", ["z"]),  # ordering provider last name
        ("1987", ["z"]),  # NPI
        ("70450", ["a"]),  # procedure code
        ("ct head", ["a"]),  # service description
        ("zulu", ["z"]),  # site name
        ("franklin", ["w", "d"]),  # site name
        ("nothing-like-it", []),
    ],
)
def test_search_across_the_columns(office_client, spread, term, expected):
    html = page(office_client, f"?q={term}&sort=case_number&dir=asc")
    assert body_rows(html) == [spread[key].case_number for key in expected]


def test_filters_combine(office_client, spread):
    html = page(office_client, "?member_last_name=win&status=denied")
    assert body_rows(html) == numbers(spread["d"])
    html = page(office_client, "?q=franklin&provider_last_name=mich&case_number=4333")
    assert body_rows(html) == numbers(spread["w"])


# --- statuses ---------------------------------------------------------------------------------


@pytest.fixture
def every_status(world):
    return {status: submitted(world, status=status) for status in Case.Status.values[2:]}


@pytest.mark.parametrize(
    "status",
    ["in_review", "hold", "approved", "partially_approved", "denied", "cancelled"],
)
def test_single_status(office_client, every_status, status):
    assert body_rows(page(office_client, f"?status={status}")) == numbers(every_status[status])


def test_filter_by_multiple_statuses(office_client, every_status):
    html = page(office_client, "?statuses=denied&statuses=cancelled&sort=case_number&dir=asc")
    assert body_rows(html) == numbers(every_status["denied"], every_status["cancelled"])


def test_single_and_multiple_statuses_together_must_both_match(office_client, every_status):
    html = page(office_client, "?status=denied&statuses=denied&statuses=hold")
    assert body_rows(html) == numbers(every_status["denied"])
    assert NO_RECORDS in page(office_client, "?status=approved&statuses=denied")


def test_status_choices_are_the_office_facing_names(office_client, world):
    html = page(office_client)
    for label in (
        "Show All",
        "Pending",
        "Additional Information Required",
        "Approved",
        "Partially Approved",
        "Denied",
        "Cancelled",
    ):
        assert f">{label}<" in html
    assert "Single Status" in html and "Filter By Multiple Statuses" in html
    assert "In Progress" not in html.split("<main", 1)[1].split("</form>", 1)[0]


def test_an_unknown_status_or_date_is_ignored(office_client, every_status):
    html = page(office_client, "?status=draft&statuses=evil&date=13")
    assert len(body_rows(html)) == len(every_status)
    assert "Select a valid choice" not in html


# --- dates ------------------------------------------------------------------------------------


@pytest.fixture
def dated(world):
    now = timezone.now()
    return {
        days: submitted(world, submitted_at=now - dt.timedelta(days=days, hours=1))
        for days in (0, 10, 40, 100, 400)
    }


@pytest.mark.parametrize(
    ("date", "within"),
    [("7", [0]), ("30", [0, 10]), ("90", [0, 10, 40]), ("365", [0, 10, 40, 100])],
)
def test_date_windows(office_client, dated, date, within):
    html = page(office_client, f"?date={date}")
    assert body_rows(html) == [dated[days].case_number for days in within]


def test_date_show_all(office_client, dated):
    assert len(body_rows(page(office_client, "?date="))) == 5


def test_a_date_range_is_inclusive_in_the_portals_time_zone(office_client, world):
    def at(day, hour):
        return dt.datetime(2026, 3, day, hour, 0, tzinfo=ZONE)

    before = submitted(world, submitted_at=at(1, 23))
    first = submitted(world, submitted_at=at(2, 0))
    last = submitted(world, submitted_at=at(4, 23))
    after = submitted(world, submitted_at=at(5, 0))
    html = page(office_client, "?date=range&date_from=2026-03-02&date_to=2026-03-04")
    assert body_rows(html) == numbers(last, first)
    # Only a start, only an end; US dates too; the range applies with its dates alone.
    assert body_rows(page(office_client, "?date=range&date_from=03/05/2026")) == numbers(after)
    assert body_rows(page(office_client, "?date_to=2026-03-01")) == numbers(before)


def test_a_reversed_range_is_a_message_next_to_the_field_and_not_applied(office_client, dated):
    html = page(office_client, "?date=range&date_from=2026-03-04&date_to=2026-03-02")
    assert RANGE_REVERSED in html
    assert 'id="id_date_to_error"' in html
    assert len(body_rows(html)) == 5


def test_a_range_without_dates_asks_for_them(office_client, dated):
    html = page(office_client, "?date=range")
    assert RANGE_EMPTY in html
    assert len(body_rows(html)) == 5


@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01&date_to=0001-01-02"])
def test_dates_far_out_are_a_message_not_a_500(office_client, dated, query):
    html = page(office_client, f"?date=range&{query}")
    assert DATE_OUT_OF_RANGE in html
    assert len(body_rows(html)) == 5


def test_a_bad_date_is_a_message_not_a_500(office_client, dated):
    html = page(office_client, "?date=range&date_from=2026-02-31&date_to=yesterday")
    assert "Enter a valid date." in html
    assert len(body_rows(html)) == 5
    assert len(body_rows(page(office_client, "?date=13"))) == 5


# --- sort -------------------------------------------------------------------------------------


@pytest.fixture
def sortable(world, people):
    now = timezone.now()
    low = submitted(
        world,
        status=Case.Status.APPROVED,
        member=people["adams"],
        practitioner=people["baker"],
        site=people["alpha_site"],
        code=people["ct_head"],
        case_number="435000001",
        authorization_number="A350000001",
        submitted_at=now - dt.timedelta(days=3),
        expiration_date=dt.date(2027, 1, 1),
    )
    high = submitted(
        world,
        status=Case.Status.PARTIALLY_APPROVED,
        member=people["zimmer"],
        practitioner=people["yates"],
        site=people["zulu_site"],
        case_number="435000002",
        authorization_number="A350000002",
        submitted_at=now - dt.timedelta(days=1),
        expiration_date=dt.date(2027, 6, 1),
    )
    return low, high


@pytest.mark.parametrize(
    "key",
    [
        "authorization_number",
        "case_number",
        "member_last_name",
        "provider_last_name",
        "initiation_date",
        "procedure_code",
        "service_description",
        "site_name",
        "expiration_date",
        "status",
    ],
)
def test_each_column_sorts_both_ways(office_client, sortable, key):
    low, high = sortable
    assert body_rows(page(office_client, f"?sort={key}&dir=asc")) == numbers(low, high)
    assert body_rows(page(office_client, f"?sort={key}&dir=desc")) == numbers(high, low)


def test_npi_sorts_both_ways(office_client, sortable):
    low, high = sortable
    order = sorted([low, high], key=lambda case: case.practitioner.npi)
    assert body_rows(page(office_client, "?sort=provider_npi&dir=asc")) == numbers(*order)
    assert body_rows(page(office_client, "?sort=provider_npi&dir=desc")) == numbers(*order[::-1])


def test_the_default_is_newest_first_and_a_bad_sort_is_ignored(office_client, sortable):
    low, high = sortable
    assert body_rows(page(office_client)) == numbers(high, low)
    assert body_rows(page(office_client, "?sort=evil&dir=sideways")) == numbers(high, low)
    assert body_rows(page(office_client, "?sort=member__date_of_birth")) == numbers(high, low)


def test_empty_values_sort_last_either_way(office_client, world, sortable):
    low, high = sortable
    pending = submitted(world, status=Case.Status.IN_REVIEW)
    assert body_rows(page(office_client, "?sort=authorization_number&dir=asc"))[-1] == (
        pending.case_number
    )
    assert body_rows(page(office_client, "?sort=authorization_number&dir=desc"))[-1] == (
        pending.case_number
    )


def test_the_header_links_sort_the_other_way_and_the_filters_stay(office_client, sortable):
    low, high = sortable
    html = page(office_client, "?member_last_name=z&sort=case_number&dir=asc&per_page=25")
    assert 'aria-sort="ascending"' in html
    assert "?sort=case_number&amp;dir=desc&amp;per_page=25" in html
    assert "?sort=site_name&amp;dir=asc&amp;per_page=25" in html
    # Following a link, the filter (kept in the session) still applies.
    response = office_client.get(URL + "?sort=case_number&dir=desc&per_page=25")
    assert body_rows(response.content.decode()) == numbers(high)


# --- pages ------------------------------------------------------------------------------------


@pytest.fixture
def many(world):
    now = timezone.now()
    return [submitted(world, submitted_at=now - dt.timedelta(minutes=n)) for n in range(27)]


def test_ten_a_page_by_default_with_page_x_of_y(office_client, many):
    html = page(office_client)
    assert body_rows(html) == numbers(*many[:10])
    assert "Page 1 of 3" in html
    assert "1–10 of 27" in html


@pytest.mark.parametrize("per_page", [10, 25, 50, 100])
def test_per_page(office_client, many, per_page):
    html = page(office_client, f"?per_page={per_page}")
    assert len(body_rows(html)) == min(per_page, 27)
    assert f"Page 1 of {-(-27 // per_page)}" in html


def test_the_last_page(office_client, many):
    html = page(office_client, "?page=3")
    assert body_rows(html) == numbers(*many[20:])
    assert "Page 3 of 3" in html
    assert 'aria-label="Next page"' not in html and 'aria-label="Previous page"' in html


def test_a_page_past_the_last_shows_the_last(office_client, many):
    html = page(office_client, "?page=99&per_page=25")
    assert body_rows(html) == numbers(*many[25:])
    assert "Page 2 of 2" in html


@pytest.mark.parametrize(
    "query",
    [
        "?page=abc",
        "?page=0",
        "?page=-3",
        "?page=99999999999999999999999",
        "?per_page=abc",
        "?per_page=1000000",
        "?sort=" + "x" * 5000,
        "?dir=%00",
        "?q=%00&member_last_name=%00",
        "?page=1&page=2",
    ],
)
def test_bad_query_strings_never_fail(office_client, many, query):
    html = page(office_client, query)
    assert len(body_rows(html)) == 10


def test_a_page_size_not_offered_says_so_and_shows_ten(office_client, many):
    html = page(office_client, "?per_page=7")
    assert len(body_rows(html)) == 10
    assert "Select a valid choice. 7 is not one of the available choices." in html


def test_huge_strings_are_a_message_next_to_the_field(office_client, many):
    html = page(office_client, f"?member_last_name={'x' * 500}&q={'y' * 500}")
    assert len(body_rows(html)) == 10
    assert "Ensure this value has at most 60 characters (it has 500)." in html
    assert 'id="cs-filter-member_last_name-error"' in html and 'id="id_q_error"' in html


def test_an_npi_must_be_digits(office_client, many):
    html = page(office_client, "?provider_npi=12ab")
    assert escape(NPI_DIGITS) in html
    assert len(body_rows(html)) == 10


def test_the_pager_links_keep_the_sort_and_the_filters_stay(office_client, world, many):
    other = submitted(world, case_number="999000001")
    html = page(office_client, "?case_number=43&sort=case_number&dir=asc&page=2")
    assert "?sort=case_number&amp;dir=asc&amp;page=3" in html
    assert "?sort=case_number&amp;dir=asc&amp;page=1" in html
    last = office_client.get(URL + "?sort=case_number&dir=asc&page=3").content.decode()
    assert body_rows(last) == numbers(*sorted(many, key=lambda case: case.case_number)[20:])
    assert other.case_number not in last


# --- htmx and no JavaScript -------------------------------------------------------------------


def test_htmx_gets_the_results_only_and_plain_get_the_whole_page(office_client, many):
    partial = page(office_client, "?page=2", HTTP_HX_REQUEST="true")
    assert "<html" not in partial and "<form" not in partial
    assert body_rows(partial) == numbers(*many[10:20])
    whole = page(office_client, "?page=2")
    assert "<html" in whole and 'id="cs-filters"' in whole and 'id="cs-results"' in whole
    assert body_rows(whole) == numbers(*many[10:20])
    restore = page(
        office_client, "?page=2", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore


def test_the_response_varies_on_hx_request(office_client, many):
    assert "HX-Request" in office_client.get(URL)["Vary"]


def test_the_form_works_without_javascript_and_with_htmx(office_client, many):
    html = page(office_client)
    form = re.search(r'<form id="cs-filters".*?</form>', html, re.DOTALL).group(0)
    assert 'method="post"' in form and f'action="{URL}"' in form
    assert f'hx-post="{URL}"' in form and 'name="csrfmiddlewaretoken"' in form
    assert '<button type="submit" class="btn btn-primary">Submit</button>' in html
    # The boxes under the columns belong to the same form, keep their value across htmx swaps.
    assert html.count('form="cs-filters"') >= 6 + 3
    assert 'id="cs-filter-case_number"' in html and 'hx-preserve="true"' in html


# --- the access log ---------------------------------------------------------------------------


def test_each_page_view_logs_the_members_it_shows(office_client, world, people):
    submitted(world)
    submitted(world, member=people["adams"])
    submitted(world, member=people["adams"])
    page(office_client)
    events = AccessEvent.objects.filter(user=world.user, action=AccessEvent.Action.LIST)
    assert sorted(events.values_list("member_id", flat=True)) == sorted(
        [world.member.pk, people["adams"].pk]
    )
    assert {event.path for event in events} == {URL}
    page(office_client, "?member_last_name=adams")
    assert events.all().count() == 3
    assert events.order_by("-pk").first().member == people["adams"]


def test_nothing_shown_nothing_logged(office_client, world):
    page(office_client)
    assert not AccessEvent.objects.filter(user=world.user).exists()


# --- queries ----------------------------------------------------------------------------------


FILTERS = [
    "",
    "?member_last_name=win",
    "?provider_last_name=mic",
    "?provider_npi=1234",
    "?procedure_code=737",
    "?case_number=43",
    "?authorization_number=A2",
    "?q=win",
    "?status=approved",
    "?statuses=approved&statuses=denied",
    "?date=30",
    "?date=range&date_from=2020-01-01",
    "?sort=member_last_name&dir=asc",
    "?sort=procedure_code&dir=desc",
    "?per_page=100",
    "?page=3",
]


def _queries(office_client, query):
    address = filters_post(office_client, URL, query, SUMMARY_FILTERS)
    with CaptureQueriesContext(connection) as captured:
        assert office_client.get(URL + address).status_code == 200
    return len(captured)


def test_the_same_few_queries_whatever_the_filter_sort_and_page_size(
    office_client, many, django_assert_max_num_queries
):
    page(office_client)  # the session's first request
    counts = {query: _queries(office_client, query) for query in FILTERS}
    assert len(set(counts.values())) == 1, counts
    # The session, the user, the device, the office; the count, the ids, the rows; the log.
    address = filters_post(
        office_client, URL, "?q=win&status=approved&per_page=100&sort=site_name", SUMMARY_FILTERS
    )
    with django_assert_max_num_queries(9):
        office_client.get(URL + address)


@pytest.mark.parametrize("few", [0, 1000])
@pytest.mark.parametrize(
    "query", ["", "?sort=case_number&dir=asc&page=2", "?member_last_name=win&page=3"]
)
def test_many_or_few_matches_give_the_same_page(office_client, many, monkeypatch, few, query):
    # With more than FEW matches the page's ids come with a LIMIT, with fewer all are read.
    monkeypatch.setattr(selectors, "FEW", few)
    expected = {
        "": many[:10],
        "?sort=case_number&dir=asc&page=2": sorted(many, key=lambda case: case.case_number)[10:20],
        "?member_last_name=win&page=3": many[20:],
    }[query]
    assert body_rows(page(office_client, query)) == numbers(*expected)


# --- the filters: posted, kept in the session, never in an address ------------------------------


def _addresses(html):
    """Every address the page links to or asks htmx for."""
    return re.findall(r'(?:href|hx-get|hx-post|action|hx-push-url)="([^"]*)"', html)


def test_a_filter_post_redirects_to_an_address_without_the_filters(office_client, spread):
    response = office_client.post(
        URL, {"member_last_name": "Adams", "q": "zim", "sort": "site_name", "per_page": "25"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?sort=site_name&per_page=25"
    html = office_client.get(response["Location"]).content.decode()
    assert body_rows(html) == []  # Adams and "zim" match no case together
    assert 'value="Adams"' in html and 'value="zim"' in html
    for address in _addresses(html):
        assert "adams" not in address.lower() and "zim" not in address.lower()


def test_filters_put_in_an_address_are_ignored(office_client, spread):
    html = page(office_client, "?sort=case_number&dir=asc")
    everything = body_rows(html)
    assert len(everything) == 4
    tampered = office_client.get(URL + "?member_last_name=zimmer&sort=case_number&dir=asc")
    assert body_rows(tampered.content.decode()) == everything
    export = office_client.get(reverse("cases:certification-summary-export") + "?q=zimmer")
    assert b"".join(export.streaming_content).decode().count("\n") == 1 + 4


def test_htmx_posts_answer_the_results_and_push_an_address_without_filters(office_client, spread):
    response = office_client.post(
        URL,
        {"member_last_name": "zim", "sort": "case_number", "dir": "asc", "page": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert body_rows(html) == numbers(spread["z"])
    # Back to page 1; the sort stays.
    assert response["HX-Push-Url"] == f"{URL}?sort=case_number&dir=asc"


def test_clear_forgets_the_filters_and_keeps_the_sort(office_client, spread):
    assert len(body_rows(page(office_client, "?member_last_name=zim"))) == 1
    response = office_client.post(URL, {"action": "clear", "sort": "case_number", "dir": "asc"})
    assert response["Location"] == f"{URL}?sort=case_number&dir=asc"
    html = office_client.get(response["Location"]).content.decode()
    assert body_rows(html) == numbers(spread["a"], spread["z"], spread["w"], spread["d"])
    assert 'value="zim"' not in html


def test_the_filters_are_the_sessions_own(office_client, world, spread):
    page(office_client, "?member_last_name=zim")
    other_session = VerifiedClient()
    other_session.force_login(world.user)
    assert len(body_rows(other_session.get(URL).content.decode())) == 4


def test_a_post_without_the_csrf_token_is_refused(world, spread):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(world.user)
    assert client.post(URL, {"member_last_name": "zim"}).status_code == 403


def test_a_tampered_session_value_is_ignored(office_client, spread):
    session = office_client.session
    session["tracking:certification-summary"] = {"member_last_name": "zim", "status": [7]}
    session.save()
    html = office_client.get(URL).content.decode()
    assert len(body_rows(html)) == 4
