"""What the rules are told about a real case: its line of business and rules from its
delegation, the day of its initial adverse determination (its status event, else the review
date) and the requests already made; only the office's submitted cases."""

import datetime as dt

import pytest

from accounts.models import User
from cases.models import Case, Determination, PostDecisionRequest, StatusEvent
from cases.post_decision import wording
from cases.post_decision.facts import CaseFacts, DelegationRules, RequestMade
from cases.post_decision.rules import P2PLevel, appeal_option, appeal_until, p2p_eligibility
from cases.post_decision.selectors import (
    case_for_post_decision,
    post_decision_facts,
    with_post_decision_facts,
)
from cases.post_decision.services import post_decision_request_make
from cases.review.decisions import request_decide
from cases.wizard.drafts import draft_start
from eligibility.models import LineOfBusiness
from tests.cases.post_decision.conftest import (
    NOW,
    TODAY,
    ZONE,
    decided,
    line_of_business_set,
    request_made,
)
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

Kind = PostDecisionRequest.Kind


def test_the_facts_of_a_denied_commercial_case(world, clock):
    world.delegation.appeal_window_days = 90
    world.delegation.appeal_instructions = "Write to Evergreen Appeals."
    world.delegation.p2p_allowed = False
    world.delegation.save()
    # 1:30 am UTC on 5/11 is still 5/10 in the portal's zone.
    determined = dt.datetime(2026, 5, 11, 1, 30, tzinfo=dt.UTC)
    case = decided(world, determined_at=determined, date_of_service=TODAY + dt.timedelta(3))
    appeal = request_made(case, Kind.APPEAL, at=NOW)

    facts = post_decision_facts(case_for_post_decision(user=world.user, public_id=case.public_id))

    assert facts == CaseFacts(
        status=Case.Status.DENIED,
        line_of_business=LineOfBusiness.Kind.COMMERCIAL,
        health_plan_name="Evergreen Health Plan",
        date_of_service=TODAY + dt.timedelta(3),
        service_performed=False,
        due_at=case.due_at,
        determined_on=dt.date(2026, 5, 10),
        rules=DelegationRules(
            reconsideration_allowed=True,
            p2p_allowed=False,
            appeal_window_days=90,
            appeal_instructions="Write to Evergreen Appeals.",
            retrospective_window_days=30,
        ),
        requests=(
            RequestMade(kind=Kind.APPEAL, status="received", requested_at=appeal.requested_at),
        ),
    )


def test_the_line_of_business_is_the_delegations(world, clock):
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    case = decided(world)
    assert post_decision_facts(case).line_of_business == LineOfBusiness.Kind.MEDICARE


def test_the_initial_adverse_determination_counts(world, clock):
    first = dt.datetime(2026, 1, 5, 15, 0, tzinfo=ZONE)
    case = decided(world, status=Case.Status.PARTIALLY_APPROVED, determined_at=first)
    # The reconsideration upheld the decision later: the appeal window still runs from the first.
    StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.PARTIALLY_APPROVED,
        to_status=Case.Status.DENIED,
        at=first + dt.timedelta(days=20),
        reason="Reconsideration upheld",
    )
    assert post_decision_facts(case).determined_on == dt.date(2026, 1, 5)
    loaded = case_for_post_decision(user=world.user, public_id=case.public_id)
    assert post_decision_facts(loaded).determined_on == dt.date(2026, 1, 5)


def test_without_a_determination_event_the_review_date_counts(world, clock):
    case = decided(world, status=Case.Status.IN_REVIEW)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DENIED, review_date=dt.date(2026, 4, 1)
    )
    case = case_for_post_decision(user=world.user, public_id=case.public_id)
    assert post_decision_facts(case).determined_on == dt.date(2026, 4, 1)


def test_a_case_without_a_delegation_gets_the_default_rules(world, clock):
    case = decided(world)
    Case.objects.filter(pk=case.pk).update(delegation=None)
    facts = post_decision_facts(Case.objects.get(pk=case.pk))
    assert facts.line_of_business is None
    assert facts.rules == DelegationRules.of(None)


def test_only_the_offices_submitted_cases(world, clock):
    case = decided(world)
    with pytest.raises(Case.DoesNotExist):
        case_for_post_decision(user=world.outsider, public_id=case.public_id)
    draft = draft_start(user=world.user, program=world.radiology)
    with pytest.raises(Case.DoesNotExist):
        case_for_post_decision(user=world.user, public_id=draft.public_id)


def test_the_facts_of_many_cases_in_two_queries(world, clock, django_assert_num_queries):
    for _ in range(3):
        request_made(decided(world), Kind.RECONSIDERATION)
    cases = Case.objects.filter(office=world.office, submitted_at__isnull=False)
    with django_assert_num_queries(2):
        facts = [post_decision_facts(case) for case in with_post_decision_facts(cases)]
    assert len(facts) == 3
    assert all(item.request_of(Kind.RECONSIDERATION) for item in facts)
    assert all(item.determined_on == TODAY for item in facts)


def test_an_event_that_keeps_the_status_is_not_a_determination(world, clock):
    case = decided(world, status=Case.Status.IN_REVIEW)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DENIED, review_date=dt.date(2026, 4, 1)
    )
    # A later event that leaves the case denied (a note, a request) does not move the initial
    # determination, nor the appeal window that runs from it.
    StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.DENIED,
        to_status=Case.Status.DENIED,
        at=NOW,
        reason="Note on the case",
    )
    assert post_decision_facts(Case.objects.get(pk=case.pk)).determined_on == dt.date(2026, 4, 1)
    loaded = case_for_post_decision(user=world.user, public_id=case.public_id)
    assert post_decision_facts(loaded).determined_on == dt.date(2026, 4, 1)


def test_a_request_made_keeps_the_determination_and_the_appeal_window(world, clock):
    case = decided(world, status=Case.Status.IN_REVIEW, date_of_service=TODAY)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.DENIED, review_date=dt.date(2026, 4, 1)
    )
    events = list(StatusEvent.objects.filter(case=case).values_list("pk", flat=True))

    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=Kind.RECONSIDERATION,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="New X-rays.",
        now=NOW,
    )

    # The request puts the case back into review with a status event of its own, which is not
    # a determination: the appeal window still runs from the initial one, and the rules read
    # the decision under review (a denial), not "in review".
    new = StatusEvent.objects.filter(case=case).exclude(pk__in=events).get()
    assert (new.from_status, new.to_status, new.reason) == (
        Case.Status.DENIED,
        Case.Status.IN_REVIEW,
        "Reconsideration requested",
    )
    loaded = case_for_post_decision(user=world.user, public_id=case.public_id)
    assert loaded.status == Case.Status.IN_REVIEW
    facts = post_decision_facts(loaded)
    assert facts.status == Case.Status.DENIED
    assert facts.determined_on == dt.date(2026, 4, 1)
    assert appeal_until(facts) == dt.date(2026, 9, 28)
    unloaded = post_decision_facts(Case.objects.get(pk=case.pk))
    assert (unloaded.status, unloaded.determined_on) == (Case.Status.DENIED, dt.date(2026, 4, 1))


def test_the_appeal_window_runs_from_the_initial_determination_through_the_requests(world, clock):
    director = UserFactory(
        username="medical.director", reviewer_role=User.ReviewerRole.MEDICAL_DIRECTOR
    )
    director.review_programs.set([world.radiology])
    initial = NOW - dt.timedelta(days=100)
    case = decided(world, determined_at=initial, date_of_service=TODAY + dt.timedelta(days=3))
    window_end = initial.date() + dt.timedelta(days=180)

    def facts():
        return post_decision_facts(
            case_for_post_decision(user=world.user, public_id=case.public_id)
        )

    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=Kind.RECONSIDERATION,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="New X-rays.",
        now=NOW,
    )
    # In review again at the reconsideration level: the window is the initial one, the appeal
    # waits for the reconsideration, and the P2P is the reconsideration's.
    during = facts()
    assert (during.status, during.determined_on) == (Case.Status.DENIED, initial.date())
    assert appeal_until(during) == window_end
    appeal = appeal_option(during, now=NOW)
    assert not appeal.applies
    assert appeal.message == wording.APPEAL_RECONSIDERATION_OPEN.format(requested="05/12/2026")
    assert p2p_eligibility(during, now=NOW).level == P2PLevel.RECONSIDERATION

    request_decide(
        user=director,
        public_id=case.public_id,
        now=NOW + dt.timedelta(days=1),
        outcome=Determination.Outcome.UPHELD,
        rationale="The new X-rays do not change the criteria.",
        guideline="Knee imaging guideline",
        criterion="KNEE-1.2",
    )
    after = facts()
    # The upheld denial is a later adverse event: the window still runs from the first.
    assert (after.status, after.determined_on) == (Case.Status.DENIED, initial.date())
    appeal = appeal_option(after, now=NOW + dt.timedelta(days=1))
    assert appeal.applies and appeal.until == window_end

    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=Kind.APPEAL,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="Appealing.",
        now=NOW + dt.timedelta(days=2),
    )
    appealed = facts()
    assert (appealed.status, appealed.determined_on) == (Case.Status.DENIED, initial.date())
    assert appeal_until(appealed) == window_end
    assert Case.objects.get(pk=case.pk).review_level == Case.ReviewLevel.APPEAL
