"""My Worklist on Home (2026 deck): the tabs, "Start typing to search...", the columns, the pages,
each row to the case's authorization page; htmx gets the list alone, no JavaScript a page of its
own; only the office's submitted cases; logged."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical.submission import case_submit
from cases.models import Case
from cases.tracking.filters import WORKLIST_FILTERS
from cases.tracking.selectors import WORKLIST_PER_PAGE
from tests.cases.clinical.test_submission import ready
from tests.cases.tracking.conftest import filters_post, submitted
from tests.conftest import VerifiedClient
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:worklist")
HOME = reverse("portal:home")
NO_DATA = "No Data Available"
COLUMNS = [
    "Request ID",
    "Authorization ID",
    "Patient",
    "Status",
    "Submitted",
    "End Date",
    "Procedure",
    "Ordering Provider",
    "Site of Service",
    "Insurer",
]


def get(client, url, query="", **headers):
    """`url` after the search in `query` was posted (kept in the session), its address the rest
    of `query` (the tab and the page)."""
    address = filters_post(client, URL, query, WORKLIST_FILTERS)
    response = client.get(url + address, **headers)
    assert response.status_code == 200
    return response.content.decode()


def numbers(*cases):
    return [case.case_number for case in cases]


def shown(html, *cases):
    return [case.case_number for case in cases if f">{case.case_number}</a>" in html]


@pytest.fixture
def by_status(world):
    return {status: submitted(world, status=status) for status in Case.Status.values[2:]}


def test_home_has_my_worklist_and_keeps_what_it_had(office_client, world):
    case = case_submit(
        user=world.user,
        public_id=ready(world, outcome="review").public_id,
        now=timezone.now(),
    )
    html = get(office_client, HOME)
    assert "My Worklist" in html and "Start typing to search..." in html
    for label in ("Pending", "Approved", "Partially Approved", "Denied", "Cancelled"):
        assert f">{label}</a>" in html
    assert ">All Statuses</a>" in html
    for column in COLUMNS:
        assert f">{column}</th>" in html
    # Pending is the first tab: the case just sent to medical review is there.
    url = reverse("cases:authorization", kwargs={"public_id": case.public_id})
    assert f'<a href="{url}">{case.case_number}</a>' in html
    for value in ("WINTER, JONATHAN", "Pending", "73721 MRI LOWER EXTREMITY JOINT W/O"):
        assert value in html
    assert "MICHAEL, GRACE" in html and "Franklin Imaging Center" in html
    assert "Evergreen Health Plan" in html
    assert "REQUEST AN AUTH" in html and "MEMBER ELIGIBILITY" in html


def test_home_keeps_the_providers_warning(office_client, world):
    world.office.practitioner_links.all().delete()
    html = get(office_client, HOME)
    assert "Providers must be added to your account" in html
    assert "My Worklist" in html


def test_home_of_a_user_without_an_office_has_no_worklist(client):
    client.force_login(UserFactory())
    html = client.get(HOME).content.decode()
    assert "Home" in html and "My Worklist" not in html
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"q": "win"}).status_code == 404


@pytest.mark.parametrize(
    ("tab", "statuses"),
    [
        ("pending", ["in_review", "hold"]),
        ("approved", ["approved"]),
        ("partially-approved", ["partially_approved"]),
        ("denied", ["denied"]),
        ("cancelled", ["cancelled"]),
        ("all", ["in_review", "hold", "approved", "partially_approved", "denied", "cancelled"]),
    ],
)
def test_each_tab(office_client, by_status, tab, statuses):
    html = get(office_client, URL, f"?tab={tab}")
    assert sorted(shown(html, *by_status.values())) == sorted(
        by_status[status].case_number for status in statuses
    )
    assert 'aria-current="page"' in html


def test_pending_is_the_default_tab_and_a_bad_tab_is_ignored(office_client, by_status):
    expected = sorted([by_status["in_review"].case_number, by_status["hold"].case_number])
    assert sorted(shown(get(office_client, URL), *by_status.values())) == expected
    assert sorted(shown(get(office_client, URL, "?tab=evil"), *by_status.values())) == expected


def test_search_within_the_tab(office_client, world, people):
    adams = submitted(world, member=people["adams"])
    winter = submitted(world)
    pending_adams = submitted(world, member=people["adams"], status=Case.Status.IN_REVIEW)
    html = get(office_client, URL, "?tab=all&q=ada")
    assert shown(html, adams, winter, pending_adams) == numbers(adams, pending_adams)
    html = get(office_client, URL, "?tab=approved&q=ADAMS")
    assert shown(html, adams, winter, pending_adams) == [adams.case_number]
    html = get(office_client, URL, f"?tab=all&q={winter.case_number}")
    assert shown(html, adams, winter, pending_adams) == [winter.case_number]
    assert NO_DATA in get(office_client, URL, "?tab=all&q=nobody")


def test_a_huge_search_is_a_message_not_a_500(office_client, world):
    case = submitted(world)
    html = get(office_client, URL, f"?tab=all&q={'x' * 1000}&page=abc")
    assert "Ensure this value has at most 60 characters (it has 1000)." in html
    assert shown(html, case) == [case.case_number]


def test_pages_of_ten_newest_first(office_client, world):
    now = timezone.now()
    cases = [submitted(world, submitted_at=now - dt.timedelta(minutes=n)) for n in range(13)]
    first = get(office_client, URL, "?tab=all")
    assert shown(first, *cases) == [case.case_number for case in cases[:WORKLIST_PER_PAGE]]
    assert "Page 1 of 2" in first and ">Next</a>" in first
    second = get(office_client, URL, "?tab=all&page=2")
    assert shown(second, *cases) == [case.case_number for case in cases[WORKLIST_PER_PAGE:]]
    assert ">Previous</a>" in second
    assert shown(get(office_client, URL, "?tab=all&page=50"), *cases) == shown(second, *cases)


def test_only_the_offices_submitted_cases(office_client, world):
    mine = submitted(world)
    theirs = submitted(world, office=world.outsider.office, user=world.outsider)
    html = get(office_client, URL, "?tab=all")
    assert shown(html, mine, theirs) == [mine.case_number]
    outsider = VerifiedClient()
    outsider.force_login(world.outsider)
    assert shown(get(outsider, URL, "?tab=all"), mine, theirs) == [theirs.case_number]
    assert NO_DATA in get(office_client, URL, f"?tab=all&q={theirs.case_number}")


def test_htmx_gets_the_worklist_alone_and_no_javascript_a_page(office_client, world):
    case = submitted(world)
    partial = get(office_client, URL, "?tab=approved", HTTP_HX_REQUEST="true")
    assert partial.lstrip().startswith('<section id="my-worklist"')
    assert "<html" not in partial and shown(partial, case)
    page = get(office_client, URL, "?tab=approved")
    assert "<html" in page and shown(page, case)
    assert "<title>My Worklist" in page
    # The search box: htmx as one types, a Search button without JavaScript.
    assert 'hx-trigger="input changed delay:400ms, search"' in page
    assert f'method="post" action="{URL}"' in page and f'hx-post="{URL}"' in page
    assert '<button type="submit" class="btn btn-outline-primary">Search</button>' in page


def test_every_view_is_logged(office_client, world, people):
    submitted(world)
    submitted(world, member=people["adams"])
    get(office_client, HOME + "?tab=all")
    events = AccessEvent.objects.filter(user=world.user, action=AccessEvent.Action.LIST)
    assert sorted(events.values_list("member_id", flat=True)) == sorted(
        [world.member.pk, people["adams"].pk]
    )
    get(office_client, URL, "?tab=all&q=ada", HTTP_HX_REQUEST="true")
    assert events.all().count() == 3


def test_the_same_few_queries_whatever_the_tab_and_search(
    office_client, world, django_assert_max_num_queries
):
    for _ in range(12):
        submitted(world)
    get(office_client, URL)
    for query in ("?tab=all", "?tab=approved&q=win", "?tab=all&q=737&page=2"):
        address = filters_post(office_client, URL, query, WORKLIST_FILTERS)
        with django_assert_max_num_queries(9):
            office_client.get(URL + address, HTTP_HX_REQUEST="true")


def test_the_search_is_posted_and_never_in_an_address(office_client, world, people):
    adams = submitted(world, member=people["adams"])
    winter = submitted(world)
    response = office_client.post(URL, {"tab": "all", "q": "adams", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?tab=all"
    html = office_client.get(HOME).content.decode()
    # Home shows the default tab with the kept search.
    assert 'value="adams"' in html
    page = office_client.get(response["Location"]).content.decode()
    assert shown(page, adams, winter) == [adams.case_number]
    for address in re.findall(r'(?:href|hx-get|hx-post|action)="([^"]*)"', page):
        assert "adams" not in address.lower()
    # A search put in an address is ignored.
    tampered = office_client.get(URL + "?tab=all&q=winter").content.decode()
    assert shown(tampered, adams, winter) == [adams.case_number]


def test_htmx_search_answers_the_worklist_alone(office_client, world, people):
    adams = submitted(world, member=people["adams"])
    winter = submitted(world)
    response = office_client.post(URL, {"tab": "approved", "q": "win"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="my-worklist"')
    assert shown(html, adams, winter) == [winter.case_number]
