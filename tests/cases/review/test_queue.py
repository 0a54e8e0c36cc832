"""The Medical Review Queue: my programs' cases in review or on hold, urgent first then by due
time, the status as reviewers see it, the due-time markers, the filters, the pages, the same
few queries whatever the length, the access log, and 404 for everyone but reviewers."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import AccessEvent
from cases.models import Case
from cases.review.due_words import due_state, time_left
from cases.review.queue import rows as queue_row_cells
from cases.review.queue import selectors
from cases.review.queue.rows import queue_rows, reviewer_status
from cases.review.queue.selectors import QueueQuery, queue_page_for
from tests.cases.review.conftest import in_review, signed_in
from tests.factories.accounts import UserFactory
from tests.factories.eligibility import MemberFactory

pytestmark = pytest.mark.django_db

URL = "/cases/review/"
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def queued(world, *, urgent=False, due_in=7 * DAY, status=Case.Status.IN_REVIEW, **fields):
    """A case in the queue (in_review) with the review fields in `fields` set."""
    case = in_review(world, urgent=urgent, due_in=due_in, status=status)
    if fields:
        Case.objects.filter(pk=case.pk).update(**fields)
    return Case.objects.get(pk=case.pk)


def case_url(case: Case) -> str:
    return reverse("cases:review-case", kwargs={"public_id": case.public_id})


def html_of(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<tr class="portal-queue-row.*?</tr>', body, flags=re.S)


def numbers_of(html: str) -> list[str]:
    return [re.search(r'<a href="[^"]+">(\d+)</a>', row).group(1) for row in rows_of(html)]


# Who sees it.


def test_the_page_for_a_nurse_reviewer(nurse_client, world):
    case = in_review(world)
    html = html_of(nurse_client)
    assert "<title>Medical Review Queue" in html
    assert '<h1 class="h3 mb-0">Medical Review Queue</h1>' in html
    assert f'<a href="{case_url(case)}">{case.case_number}</a>' in html
    assert f'action="{reverse("cases:review-take-next")}"' in html


@pytest.mark.parametrize("who", ["office", "no_role", "staff"])
def test_not_a_reviewer_gets_404(world, who):
    user = {
        "office": world.user,
        "no_role": UserFactory(username="nobody"),
        "staff": UserFactory(username="admin.person", is_staff=True),
    }[who]
    in_review(world)
    client = signed_in(user)
    assert client.get(URL).status_code == 404
    assert client.post(reverse("cases:review-take-next")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_post_to_the_queue_is_not_allowed(nurse_client):
    assert nurse_client.post(URL).status_code == 405


def test_only_my_programs_cases_in_review_or_on_hold(nurse_client, world):
    reviewing = in_review(world)
    held = queued(world, status=Case.Status.HOLD, hold_due_at=timezone.now() + 5 * DAY)
    dme = in_review(world)
    Case.objects.filter(pk=dme.pk).update(program=world.dme)
    decided = [
        in_review(world, status=status)
        for status in (Case.Status.APPROVED, Case.Status.DENIED, Case.Status.CANCELLED)
    ]
    # A draft is not submitted: never in the queue.
    Case.objects.create(
        office=world.office, created_by=world.user, program=world.radiology, status="in_review"
    )
    shown = set(numbers_of(html_of(nurse_client)))
    assert shown == {reviewing.case_number, held.case_number}
    assert dme.case_number not in shown
    assert not shown & {case.case_number for case in decided}


def test_a_reviewer_of_two_programs_sees_both(world, nurse):
    nurse.review_programs.add(world.dme)
    radiology = in_review(world)
    dme = in_review(world)
    Case.objects.filter(pk=dme.pk).update(program=world.dme)
    assert set(numbers_of(html_of(signed_in(nurse)))) == {radiology.case_number, dme.case_number}


# Order and cells.


def test_urgent_first_then_by_due_time(nurse_client, world):
    standard_late = in_review(world, due_in=6 * DAY)
    urgent_late = in_review(world, urgent=True, due_in=60 * HOUR)
    standard_soon = in_review(world, due_in=2 * DAY)
    urgent_soon = in_review(world, urgent=True, due_in=10 * HOUR)
    held = in_review(world, status=Case.Status.HOLD, due_in=3 * DAY)
    assert numbers_of(html_of(nurse_client)) == [
        urgent_soon.case_number,
        urgent_late.case_number,
        standard_soon.case_number,
        held.case_number,
        standard_late.case_number,
    ]


def test_a_row_shows_every_column(nurse_client, world, nurse):
    case = in_review(world, urgent=True)
    row = rows_of(html_of(nurse_client))[0]
    local = timezone.localtime
    assert "Urgent" in row
    assert local(case.submitted_at).strftime("%m/%d/%Y") in row
    assert local(case.due_at).strftime("%m/%d/%Y") in row
    assert "Radiology and Cardiology" in row
    assert "<strong>73721</strong>" in row
    assert "MRI LOWER EXTREMITY JOINT W/O" in row
    assert "Evergreen Health Plan<div" in row
    assert f">{world.delegation.line_of_business.name}</div>" in row
    assert "Winter, Jonathan" in row
    assert "Michael, Grace" in row
    assert "In review" in row
    assert "Unassigned" in row
    assert "Release" not in row


def test_assigned_to_me_another_or_no_one(nurse_client, world, nurse):
    colleague = UserFactory(username="colleague", first_name="Rita", last_name="Moreno")
    mine = in_review(world, due_in=1 * DAY + HOUR)
    theirs = in_review(world, due_in=2 * DAY)
    nobody = in_review(world, due_in=3 * DAY)
    Case.objects.filter(pk=mine.pk).update(assigned_to=nurse, assigned_at=timezone.now())
    Case.objects.filter(pk=theirs.pk).update(assigned_to=colleague, assigned_at=timezone.now())
    rows = rows_of(html_of(nurse_client))
    assert 'portal-queue-assigned">Me</span>' in rows[0]
    assert f'action="{reverse("cases:review-release", args=[mine.public_id])}"' in rows[0]
    assert 'portal-queue-assigned">Rita Moreno</span>' in rows[1]
    assert "Release" not in rows[1]
    assert 'portal-queue-assigned">Unassigned</span>' in rows[2]
    assert nobody.case_number in rows[2]


@pytest.mark.parametrize(
    "values, label, markers",
    [
        ({}, "In review", ()),
        ({"information_received_at": "now"}, "Information received", ()),
        ({"review_level": Case.ReviewLevel.RECONSIDERATION}, "Reconsideration", ()),
        ({"review_level": Case.ReviewLevel.APPEAL}, "Appeal", ()),
        ({"review_level": Case.ReviewLevel.RETROSPECTIVE}, "Retrospective review", ()),
        (
            {"review_level": Case.ReviewLevel.APPEAL, "information_received_at": "now"},
            "Appeal",
            ("Information received",),
        ),
        ({"decide_on_original": True}, "In review", ("Decide on original submission",)),
        ({"needs_medical_director": True}, "In review", ("Needs medical director",)),
        ({"status": Case.Status.HOLD}, "Hold (due 12/04/2026)", ()),
        (
            {"status": Case.Status.HOLD, "review_level": Case.ReviewLevel.RECONSIDERATION},
            "Hold (due 12/04/2026)",
            ("Reconsideration",),
        ),
    ],
)
def test_status_as_reviewers_see_it(nurse_client, world, values, label, markers):
    values = {key: (timezone.now() if value == "now" else value) for key, value in values.items()}
    hold_due = dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC)
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(hold_due_at=hold_due, **values)
    assert reviewer_status(Case.objects.get(pk=case.pk)) == (label, markers)
    row = rows_of(html_of(nurse_client))[0]
    assert label in row
    for marker in markers:
        assert f'portal-queue-marker">{marker}</span>' in row
    assert row.count("portal-queue-marker") == len(markers)


# Due time, with an explicit clock.

NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "due, state, left",
    [
        (NOW + 3 * DAY + 2 * HOUR, "", "3 d 2 h left"),
        (NOW + DAY, "", "1 d 0 h left"),
        (NOW + DAY - dt.timedelta(minutes=1), "soon", "23 h 59 min left"),
        (NOW + dt.timedelta(minutes=5), "soon", "5 min left"),
        (NOW, "overdue", "Overdue by 0 min"),
        (NOW - dt.timedelta(hours=2, minutes=30), "overdue", "Overdue by 2 h 30 min"),
        (NOW - 2 * DAY, "overdue", "Overdue by 2 d 0 h"),
        (None, "", ""),
    ],
)
def test_due_markers_at_an_explicit_time(due, state, left):
    assert due_state(due, NOW) == state
    assert time_left(due, NOW) == left


def test_the_page_marks_cases_due_within_24_hours_and_overdue_with_words(
    nurse_client, world, nurse
):
    overdue = in_review(world, due_in=-HOUR)
    soon = in_review(world, due_in=5 * HOUR)
    later = in_review(world, due_in=3 * DAY)
    rows = dict(zip(numbers_of(html := html_of(nurse_client)), rows_of(html), strict=True))
    assert "portal-queue-overdue" in rows[overdue.case_number]
    assert ">Overdue</span>" in rows[overdue.case_number]
    assert "Overdue by 1 h" in rows[overdue.case_number]
    assert "portal-queue-due-soon" in rows[soon.case_number]
    assert ">Due within 24 hours</span>" in rows[soon.case_number]
    assert re.search(r"4 h \d+ min left", rows[soon.case_number])
    assert "Overdue" not in rows[later.case_number]
    assert "Due within 24 hours" not in rows[later.case_number]
    assert "2 d 23 h left" in rows[later.case_number]
    # The same rows at a clock of our choosing: a day later the case due in 3 days is close.
    page = queue_page_for(nurse, QueueQuery(), now=timezone.now())
    later_row = queue_rows(page.rows, user=nurse, now=timezone.now() + 2 * DAY + HOUR)[2]
    assert later_row.case_number == later.case_number
    assert later_row.due_state == "soon"


# Filters.


@pytest.fixture
def mixed(world, nurse):
    """One case of each kind the filters tell apart (radiology unless said)."""
    now = timezone.now()
    cases = {
        "urgent": in_review(world, urgent=True, due_in=2 * DAY),
        "hold": queued(world, status=Case.Status.HOLD, due_in=3 * DAY, hold_due_at=now),
        "received": queued(world, due_in=4 * DAY, information_received_at=now),
        "appeal": queued(world, due_in=5 * DAY, review_level=Case.ReviewLevel.APPEAL),
        "director": queued(world, due_in=6 * DAY, needs_medical_director=True),
        "soon": in_review(world, due_in=5 * HOUR),
        "overdue": in_review(world, due_in=-HOUR),
        "mine": in_review(world, due_in=7 * DAY),
        "theirs": in_review(world, due_in=8 * DAY),
        "dme": in_review(world, due_in=9 * DAY),
    }
    Case.objects.filter(pk=cases["mine"].pk).update(assigned_to=nurse, assigned_at=now)
    colleague = UserFactory(username="colleague")
    Case.objects.filter(pk=cases["theirs"].pk).update(assigned_to=colleague, assigned_at=now)
    Case.objects.filter(pk=cases["dme"].pk).update(program=world.dme)
    nurse.review_programs.add(world.dme)
    return {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}


FILTERS = {
    "": None,
    "?program=dme": {"dme"},
    "?program=radiology-cardiology": "all but dme",
    "?urgency=urgent": {"urgent"},
    "?urgency=standard": "all but urgent",
    "?status=hold": {"hold"},
    "?status=in_review": "all but hold",
    "?status=information_received": {"received"},
    "?status=appeal": {"appeal"},
    "?status=reconsideration": set(),
    "?status=needs_medical_director": {"director"},
    "?assigned=mine": {"mine"},
    "?assigned=unassigned": "all but mine theirs",
    "?due_soon=on": {"soon", "overdue"},
    "?due_soon=on&urgency=standard&assigned=unassigned": {"soon", "overdue"},
    "?status=hold&urgency=urgent": set(),
}


@pytest.mark.parametrize("query, expected", FILTERS.items())
def test_filters(nurse_client, mixed, query, expected):
    if expected is None:
        expected = set(mixed)
    elif isinstance(expected, str):
        expected = set(mixed) - set(expected.removeprefix("all but ").split())
    shown = set(numbers_of(html_of(nurse_client, URL + query)))
    assert shown == {mixed[name].case_number for name in expected}


def test_a_filter_keeps_its_choice_and_the_clear_link(nurse_client, mixed):
    html = html_of(nurse_client, URL + "?status=hold&due_soon=on")
    assert '<option value="hold" selected>Hold</option>' in html
    assert re.search(r'id="id_due_soon" name="due_soon" checked', html)
    assert f'href="{URL}">Clear</a>' in html


@pytest.mark.parametrize(
    "query",
    [
        "?program=msk",  # a program I do not review
        "?program=<script>",
        "?urgency=soon",
        "?status=denied",
        "?assigned=someone",
        "?page=abc",
        "?page=-3",
        "?page=99999999999999999999",
        "?program=" + "x" * 5000,
    ],
)
def test_a_wrong_filter_is_left_out_with_a_message(nurse_client, mixed, query):
    html = html_of(nurse_client, URL + query)
    assert len(rows_of(html)) == len(mixed)
    if not query.startswith("?page"):
        assert "Select a valid choice" in html
    assert "<script>" not in html


def test_nothing_matches_says_so(nurse_client, mixed):
    assert "No case matches these filters." in html_of(
        nurse_client, URL + "?status=reconsideration"
    )


def test_an_empty_queue_says_so(nurse_client, world):
    assert "No case is waiting for review." in html_of(nurse_client)


# Pages and queries.


def many(world, count: int) -> list[Case]:
    cases = []
    for n in range(count):
        member = MemberFactory(health_plan=world.plan, patient_id=f"EVG7{n:07d}")
        cases.append(in_review(world, due_in=DAY + n * HOUR, member=member))
    return cases


def test_pages_of_50_with_the_filters_in_their_links(nurse_client, world):
    cases = many(world, 60)
    first = html_of(nurse_client, URL + "?urgency=standard")
    assert numbers_of(first) == [case.case_number for case in cases[:50]]
    assert "Page 1 of 2" in first
    assert "1–50 of 60" in first
    assert 'href="/cases/review/?urgency=standard&amp;page=2" aria-label="Next page"' in first
    second = html_of(nurse_client, URL + "?urgency=standard&page=2")
    assert numbers_of(second) == [case.case_number for case in cases[50:]]
    assert "51–60 of 60" in second
    # Past the last page: the last page.
    assert numbers_of(html_of(nurse_client, URL + "?page=7")) == numbers_of(second)


def in_two_programs(world, nurse) -> list[Case]:
    """Seven cases of two programs the nurse reviews, mixed, in the queue's order."""
    nurse.review_programs.add(world.dme)
    specs = [  # (program, urgent, due in); the order they are expected in
        ("dme", True, 5 * HOUR),
        ("radiology", True, 30 * HOUR),
        ("radiology", False, -HOUR),
        ("dme", False, 2 * DAY),
        ("dme", False, 3 * DAY),
        ("radiology", False, 4 * DAY),
        ("dme", False, None),
    ]
    cases = []
    for program, urgent, due_in in specs:
        case = in_review(world, urgent=urgent)
        Case.objects.filter(pk=case.pk).update(
            program=getattr(world, program),
            due_at=None if due_in is None else timezone.now() + due_in,
        )
        cases.append(case)
    return cases


def test_two_programs_pages_merge_in_the_queues_order(nurse_client, world, nurse, monkeypatch):
    """Each program's cases are read on their own (queue_ids_in_order): the pages still follow
    one order, urgent first, then by due time, a case without a due time last."""
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    cases = in_two_programs(world, nurse)
    shown = [
        number
        for page in (1, 2, 3, 4)
        for number in numbers_of(html_of(nurse_client, f"{URL}?page={page}"))
    ]
    assert shown == [case.case_number for case in cases]
    dme_only = numbers_of(html_of(nurse_client, f"{URL}?program=dme&page=2"))
    assert dme_only == [cases[4].case_number, cases[6].case_number]


def test_past_the_count_limit_the_queue_says_more_and_pages_to_the_limit(
    nurse_client, world, monkeypatch
):
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 4)
    cases = many(world, 5)
    first = html_of(nurse_client)
    assert numbers_of(first) == [case.case_number for case in cases[:2]]
    assert "Page 1 of 2+" in first
    assert "1–2 of more than 4" in first
    assert "The queue lists its first 4 cases" in first
    # Past the last page: the last page within the limit (the 3rd and 4th cases).
    last = html_of(nurse_client, URL + "?page=9")
    assert numbers_of(last) == [case.case_number for case in cases[2:4]]
    assert "3–4 of more than 4" in last


def test_at_the_count_limit_the_count_is_exact(nurse_client, world, monkeypatch):
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 4)
    many(world, 4)
    first = html_of(nurse_client)
    assert "Page 1 of 2<" in first
    assert "1–2 of 4<" in first
    assert "The queue lists its first" not in first


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [5, 60])
def test_the_same_few_queries_whatever_the_filter_and_length(
    nurse_client, world, count, django_assert_max_num_queries
):
    many(world, count)
    html_of(nurse_client)  # the session's first request
    queries = {
        query: _queries(nurse_client, URL + query)
        for query in (
            "",
            "?page=2",
            "?program=radiology-cardiology&urgency=standard",
            "?status=in_review&assigned=unassigned&due_soon=on",
            "?assigned=mine",
        )
    }
    # "?assigned=mine" shows nothing: no ids, rows or access log to read and write.
    assert queries.pop("?assigned=mine") == queries[""] - 3
    assert len(set(queries.values())) == 1, queries
    # The session, the user, the device, the membership; the programs, the count, the page's
    # ids, their rows; the access log.
    with django_assert_max_num_queries(9):
        nurse_client.get(URL + "?urgency=standard&page=2")


def test_the_access_log_has_the_members_shown(nurse_client, world, nurse):
    cases = many(world, 55)
    other = in_review(world)
    Case.objects.filter(pk=other.pk).update(program=world.dme)
    html_of(nurse_client)
    events = AccessEvent.objects.filter(user=nurse)
    assert events.count() == 50
    assert set(events.values_list("member_id", flat=True)) == {c.member_id for c in cases[:50]}
    assert set(events.values_list("action", flat=True)) == {AccessEvent.Action.LIST}
    assert set(events.values_list("path", flat=True)) == {URL}
    html_of(nurse_client, URL + "?page=2")
    assert AccessEvent.objects.filter(user=nurse).count() == 55


def test_one_row_per_member_in_the_access_log(nurse_client, world, nurse):
    for _ in range(3):
        in_review(world)
    html_of(nurse_client)
    assert list(AccessEvent.objects.values_list("member_id", flat=True)) == [world.member.pk]


def test_nothing_shown_nothing_logged(nurse_client, world):
    html_of(nurse_client)
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize(
    "hour,minute", [(0, 0), (0, 5), (9, 5), (11, 59), (12, 0), (13, 30), (23, 59)]
)
def test_a_rows_day_and_time_read_as_djangos_date_formats_do(hour, minute):
    at = dt.datetime(2026, 3, 8, hour, minute, tzinfo=dt.UTC)
    local = timezone.localtime(at)
    assert queue_row_cells._day_and_time(at) == (
        date_format(local, "m/d/Y"),
        date_format(local, "g:i A"),
    )
    assert queue_row_cells._day_and_time(None) == ("", "")
