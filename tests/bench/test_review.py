"""Medical review's bench scenarios (bench.review) at a small size: every request of the queue
and "Take next case" scenarios answered by the real views as the scenario expects, the take
released again; the sweeps' measurement over the set; the lines printed."""

import pytest

from accounts.models import User
from bench import review, review_data
from cases.models import Case
from tests.bench.test_review_data import CASES, PROGRAMS
from tests.bench.test_wizard_data import InProcessSession
from tests.cases.conftest import world_build
from tests.conftest import VerifiedClient


@pytest.fixture
def data(db):
    world_build()
    made = review_data.review_data_ensure(total=CASES, program_codes=PROGRAMS, members=10)
    return review.ReviewData(**made)


@pytest.fixture
def session(data):
    client = VerifiedClient()
    client.force_login(User.objects.get(username=review_data.REVIEWER_USERNAME))
    browser = InProcessSession(client)
    browser.cookies = {"messages": "left by an earlier request"}
    return browser


def test_every_kind_of_queue_request_shows_the_queue(data, session):
    scenario = review.review_queue(data)
    send = scenario.prepare(session)
    kinds = set()
    for i in range(3 * len(review.QUEUE_KINDS)):
        response = send(i)
        assert scenario.succeeded(response), (response.path, response.status)
        kinds.add(scenario.part(response))
    assert kinds == set(review.QUEUE_KINDS)


def test_the_queue_queries_turn_through_filters_and_pages(data):
    kinds = len(review.QUEUE_KINDS)
    assert review.queue_query(data, 0) == ("first_page", {})
    assert review.queue_query(data, 2) == ("last_page", {"page": review.LAST_PAGE})
    statuses = {review.queue_query(data, 5 + kinds * turn)[1]["status"] for turn in range(8)}
    assert statuses == set(review.QUEUE_STATUSES)
    assert review.queue_query(data, 3)[1]["program"] == PROGRAMS[0]


def test_take_next_takes_a_case_and_releases_it(data, session):
    reviewer = User.objects.get(username=review_data.REVIEWER_USERNAME)
    assigned = dict(
        Case.objects.filter(office=review_data.review_office()).values_list("pk", "assigned_to")
    )
    scenario = review.review_take_next(data)
    send = scenario.prepare(session)
    for i in range(3):
        response = send(i)
        assert scenario.succeeded(response), (response.status, response.location)
        assert "messages" not in session.cookies
    # Each case taken went back to the queue: the assignments are as before.
    after = dict(
        Case.objects.filter(office=review_data.review_office()).values_list("pk", "assigned_to")
    )
    assert after == assigned
    assert not Case.objects.filter(assigned_to=reviewer, status="hold").exists()


def test_a_take_that_does_not_reach_a_case_screen_fails():
    scenario = review.review_take_next(None)
    back = review.Response(302, b"", "/cases/review/", 1.0, 1.0, method="POST")
    screen = review.Response(
        302, b"", "/cases/review/0b7e4d4e-54a4-4a51-9d31-0a1c0c6b0d1e/", 1.0, 1.0, method="POST"
    )
    assert not scenario.succeeded(back)
    assert scenario.succeeded(screen)


def test_the_sweeps_are_measured_over_every_case_and_the_set_comes_back(data):
    before = dict(
        Case.objects.filter(office=review_data.review_office()).values_list("pk", "status")
    )
    results = review.sweeps_measure()
    assert list(results) == list(review.SWEEPS)
    for name, result in results.items():
        assert result["cases"] == CASES, name
        assert result["reset"] == CASES, name
    after = dict(
        Case.objects.filter(office=review_data.review_office()).values_list("pk", "status")
    )
    assert after == before


def test_the_lines_printed():
    data = review.ReviewData(
        reviewer="bench.reviewer",
        office=1,
        cases=100_000,
        made=0,
        seconds=4.2,
        programs=["sleep"],
        counts={"hold": 20_000, "in_review": 80_000},
    )
    assert data.line() == (
        "review: 100,000 open cases (20,000 hold, 80,000 in_review) of sleep for "
        "bench.reviewer (0 made now; ready in 4 s)"
    )
    sweep = {"cases": 100_000, "reset": 100_000, "seconds": 2.5, "cpu_s": 0.1, "load": 1.0}
    ok = review.SweepsResult(sweeps=dict.fromkeys(review.SWEEPS, sweep))
    assert ok.line().endswith("target <10s each over >=100,000 cases  OK")
    slow = review.SweepsResult(sweeps={**ok.sweeps, "holds_expire": {**sweep, "seconds": 10.5}})
    assert slow.line().endswith("MISSED (holds_expire)")
    short = review.SweepsResult(sweeps={**ok.sweeps, "due_breaches_record": {**sweep, "cases": 60}})
    assert short.line().endswith("MISSED (due_breaches_record)")
    assert review.SweepsResult.from_output(
        "noise\n" + review.SWEEPS_MARKER + '{"sweeps": {}}\n'
    ) == review.SweepsResult(sweeps={})


def test_pages_merged_from_each_programs_reads_follow_the_queues_order(data):
    from django.utils import timezone

    from cases.review.queue.selectors import (
        PER_PAGE,
        QueueQuery,
        queue_filtered,
        queue_ordered,
        queue_page_for,
    )

    reviewer = User.objects.get(username=review_data.REVIEWER_USERNAME)
    now = timezone.now()
    everything = list(queue_ordered(queue_filtered(reviewer, QueueQuery(), now=now)))
    pages = [queue_page_for(reviewer, QueueQuery(page=n), now=now) for n in (1, 2)]
    assert [len(page.rows) for page in pages] == [PER_PAGE, CASES - PER_PAGE]
    assert [case.pk for page in pages for case in page.rows] == [case.pk for case in everything]
    shown = pages[1].rows[0]
    assert shown.program.name == "Radiology and Cardiology"
    assert shown.health_plan.name == "Evergreen Health Plan"
