""" "Take next case" (the first unassigned case in review of my programs, urgent first, then
the earliest due; a case needing a medical director only for one; two reviewers never take
the same case, tested with threads) and "Release" (only my own case)."""

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case, StatusEvent
from cases.review.queue import services as queue_services
from cases.review.queue.services import case_release, case_take_next
from tests.cases.review.conftest import in_review, reviewer, row_locked_elsewhere, signed_in
from tests.cases.review.test_queue import queued
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

TAKE = "/cases/review/take-next/"
QUEUE = "/cases/review/"
NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def release_url(case: Case) -> str:
    return f"/cases/review/{case.public_id}/release/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def take_all(user) -> list[Case]:
    taken = []
    while case := case_take_next(user=user, now=NOW):
        taken.append(case)
    return taken


# Which case, in which order.


def test_urgent_first_then_the_earliest_due(world, nurse):
    standard_late = in_review(world, due_in=6 * DAY)
    urgent_late = in_review(world, urgent=True, due_in=60 * HOUR)
    standard_soon = in_review(world, due_in=2 * DAY)
    urgent_soon = in_review(world, urgent=True, due_in=10 * HOUR)
    overdue = in_review(world, due_in=-HOUR)
    assert [case.pk for case in take_all(nurse)] == [
        urgent_soon.pk,
        urgent_late.pk,
        overdue.pk,
        standard_soon.pk,
        standard_late.pk,
    ]


def test_two_programs_cases_are_taken_in_one_order(world, nurse):
    from tests.cases.review.test_queue import in_two_programs

    cases = in_two_programs(world, nurse)
    assert [case.pk for case in take_all(nurse)] == [case.pk for case in cases]


def test_taking_assigns_the_case_to_me_and_changes_no_status(world, nurse):
    case = in_review(world)
    events = StatusEvent.objects.count()
    taken = case_take_next(user=nurse, now=NOW)
    assert taken.pk == case.pk
    case.refresh_from_db()
    assert case.assigned_to == nurse
    assert case.assigned_at == NOW
    assert case.status == Case.Status.IN_REVIEW
    assert StatusEvent.objects.count() == events


def test_a_hold_is_not_taken(world, nurse):
    queued(world, status=Case.Status.HOLD, due_in=HOUR, hold_due_at=timezone.now())
    waiting = in_review(world, due_in=5 * DAY)
    assert [case.pk for case in take_all(nurse)] == [waiting.pk]


def test_a_case_for_a_medical_director_is_left_to_one(world, nurse, director):
    escalated = queued(world, urgent=True, due_in=HOUR, needs_medical_director=True)
    other = in_review(world, due_in=5 * DAY)
    assert [case.pk for case in take_all(nurse)] == [other.pk]
    assert [case.pk for case in take_all(director)] == [escalated.pk]


def test_a_director_takes_the_escalated_case_in_its_turn(world, director):
    first = in_review(world, urgent=True, due_in=HOUR)
    escalated = queued(world, due_in=2 * DAY, needs_medical_director=True)
    last = in_review(world, due_in=3 * DAY)
    assert [case.pk for case in take_all(director)] == [first.pk, escalated.pk, last.pk]


def test_other_programs_assigned_and_decided_cases_are_not_taken(world, nurse):
    colleague = reviewer("colleague", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
    dme = in_review(world, urgent=True, due_in=HOUR)
    Case.objects.filter(pk=dme.pk).update(program=world.dme)
    queued(world, urgent=True, due_in=HOUR, assigned_to=colleague, assigned_at=NOW)
    for status in (Case.Status.APPROVED, Case.Status.DENIED, Case.Status.CANCELLED):
        in_review(world, urgent=True, due_in=HOUR, status=status)
    waiting = in_review(world, due_in=5 * DAY)
    assert [case.pk for case in take_all(nurse)] == [waiting.pk]


def test_a_reviewer_of_another_program_takes_only_theirs(world, other_nurse):
    in_review(world)
    dme = in_review(world)
    Case.objects.filter(pk=dme.pk).update(program=world.dme)
    assert [case.pk for case in take_all(other_nurse)] == [dme.pk]


def test_with_a_case_already_mine_i_may_take_another(world, nurse):
    queued(world, urgent=True, assigned_to=nurse, assigned_at=NOW)
    waiting = in_review(world)
    assert case_take_next(user=nurse, now=NOW).pk == waiting.pk


def test_nothing_to_take(world, nurse):
    assert case_take_next(user=nurse, now=NOW) is None


def test_not_a_reviewer_takes_nothing(world):
    in_review(world)
    with pytest.raises(CaseError):
        case_take_next(user=world.user, now=NOW)
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


# The button.


def test_the_button_takes_the_case_and_opens_its_screen(nurse_client, world, nurse):
    case = in_review(world)
    response = nurse_client.post(TAKE)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:review-case", args=[case.public_id])
    assert response["Location"] == f"/cases/review/{case.public_id}/"
    assert messages_of(response) == [f"Case {case.case_number} is assigned to you."]
    case.refresh_from_db()
    assert case.assigned_to == nurse
    assert abs(case.assigned_at - timezone.now()) < dt.timedelta(minutes=1)


def test_the_button_with_nothing_to_take_goes_back_to_the_queue(nurse_client, world):
    queued(world, status=Case.Status.HOLD)
    response = nurse_client.post(TAKE)
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert messages_of(response) == ["No case is waiting for review."]
    html = nurse_client.get(QUEUE).content.decode()
    assert "No case is waiting for review." in html


def test_the_button_only_posts(nurse_client, world):
    in_review(world)
    assert nurse_client.get(TAKE).status_code == 405
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


@pytest.mark.parametrize("who", ["office", "no_role"])
def test_the_button_is_404_for_non_reviewers(world, who):
    user = world.user if who == "office" else UserFactory(username="nobody")
    in_review(world)
    assert signed_in(user).post(TAKE).status_code == 404
    assert not Case.objects.filter(assigned_to__isnull=False).exists()


# Two reviewers never take the same case.


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("cases_waiting", [5, 16])
def test_concurrent_take_next_never_gives_a_case_twice(world, cases_waiting):
    """Ten reviewers press "Take next case" twice each at the same moment (each thread its own
    database connection): every waiting case is taken once, by one reviewer."""
    threads, presses = 10, 2
    reviewers = [
        reviewer(f"nurse.{n}", User.ReviewerRole.NURSE_REVIEWER, world.radiology)
        for n in range(threads)
    ]
    cases = [in_review(world, due_in=DAY + n * HOUR) for n in range(cases_waiting)]
    barrier = threading.Barrier(threads)

    def press(user) -> list[int]:
        try:
            barrier.wait(timeout=30)
            taken = (case_take_next(user=user, now=NOW) for _ in range(presses))
            return [case.pk for case in taken if case is not None]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(press, reviewers))

    taken = [pk for result in results for pk in result]
    assert len(taken) == len(set(taken)), "a case was taken twice"
    assert sorted(taken) == sorted(case.pk for case in cases)
    assignments = dict(Case.objects.values_list("pk", "assigned_to"))
    for user, result in zip(reviewers, results, strict=True):
        for pk in result:
            assert assignments[pk] == user.pk


@pytest.mark.django_db(transaction=True)
def test_when_every_candidate_is_being_taken_more_are_read(world, nurse, monkeypatch):
    """With one candidate read at a time: while another connection holds the first case's row,
    Take next case reads further and takes the second, without waiting."""
    monkeypatch.setattr(queue_services, "TAKE_CANDIDATES", 1)
    first = in_review(world, due_in=DAY)
    second = in_review(world, due_in=2 * DAY)
    with row_locked_elsewhere(first):
        taken = case_take_next(user=nurse, now=NOW)
    assert taken.pk == second.pk
    assert Case.objects.get(pk=first.pk).assigned_to_id is None


# Release.


def test_release_my_case(nurse_client, world, nurse):
    case = queued(world, assigned_to=nurse, assigned_at=NOW)
    response = nurse_client.post(release_url(case))
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    assert messages_of(response) == [f"Case {case.case_number} is back in the queue, unassigned."]
    case.refresh_from_db()
    assert case.assigned_to is None
    assert case.assigned_at is None
    assert case.status == Case.Status.IN_REVIEW
    # Back in the queue: the next take finds it.
    assert case_take_next(user=nurse, now=NOW).pk == case.pk


def test_release_a_held_case_of_mine(world, nurse):
    case = queued(world, status=Case.Status.HOLD, assigned_to=nurse, assigned_at=NOW)
    case_release(user=nurse, public_id=case.public_id)
    case.refresh_from_db()
    assert case.assigned_to is None


def test_release_another_reviewers_case_is_refused(nurse_client, world, director):
    case = queued(world, assigned_to=director, assigned_at=NOW)
    response = nurse_client.post(release_url(case))
    assert response.status_code == 302
    assert messages_of(response) == ["This case is not assigned to you, so you cannot release it."]
    case.refresh_from_db()
    assert case.assigned_to == director
    assert case.assigned_at == NOW


def test_release_an_unassigned_case_is_refused(nurse_client, world):
    case = in_review(world)
    response = nurse_client.post(release_url(case), follow=True)
    assert "This case is not assigned to you" in response.content.decode()


def test_release_a_decided_case_is_refused(nurse_client, world, nurse):
    case = queued(world, status=Case.Status.APPROVED, assigned_to=nurse, assigned_at=NOW)
    response = nurse_client.post(release_url(case))
    assert messages_of(response) == ["This case is no longer in review."]
    case.refresh_from_db()
    assert case.assigned_to == nurse


def test_release_another_programs_case_is_404(world, other_nurse):
    case = queued(world, assigned_to=other_nurse, assigned_at=NOW)
    assert signed_in(other_nurse).post(release_url(case)).status_code == 404
    case.refresh_from_db()
    assert case.assigned_to == other_nurse


@pytest.mark.parametrize("who", ["office", "no_role"])
def test_release_is_404_for_non_reviewers(world, nurse, who):
    user = world.user if who == "office" else UserFactory(username="nobody")
    case = queued(world, assigned_to=nurse, assigned_at=NOW)
    assert signed_in(user).post(release_url(case)).status_code == 404
    case.refresh_from_db()
    assert case.assigned_to == nurse


def test_release_of_no_such_case_is_404(nurse_client, world):
    assert (
        nurse_client.post("/cases/review/00000000-0000-0000-0000-000000000000/release/").status_code
        == 404
    )
    assert nurse_client.post("/cases/review/not-a-uuid/release/").status_code == 404


def test_release_only_posts(nurse_client, world, nurse):
    case = queued(world, assigned_to=nurse, assigned_at=NOW)
    assert nurse_client.get(release_url(case)).status_code == 405
    case.refresh_from_db()
    assert case.assigned_to == nurse
