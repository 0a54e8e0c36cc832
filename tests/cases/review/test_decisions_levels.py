"""Reconsiderations and appeals as their own levels of review: the office's request puts the
case back into the queue at its level, due by the plan's limits; a reviewer decides it upheld,
overturned or partially overturned, with the outcome's letter."""

import datetime as dt

import pytest
import time_machine

from cases.errors import CaseError
from cases.letters.tasks import letters_render_task
from cases.models import (
    Case,
    Determination,
    Letter,
    PostDecisionRequest,
    ProcedureLine,
    StatusEvent,
)
from cases.post_decision.services import post_decision_request_make
from cases.review.decisions import (
    case_approve,
    case_cancel,
    case_deny,
    case_escalate,
    case_recommend_alternative,
    request_decide,
)
from cases.review.decisions.levels import (
    ADVERSE_DIRECTORS_ONLY,
    APPEAL_DIRECTORS_ONLY,
    NOT_A_REQUEST,
    OUTCOME_REQUIRED,
)
from tests.cases.post_decision.conftest import NOW, TODAY, decided
from tests.cases.review.conftest import in_review

pytestmark = pytest.mark.django_db

Status = Case.Status
Kind = PostDecisionRequest.Kind
Outcome = Determination.Outcome
LATER = NOW + dt.timedelta(days=2)
REASONS = {
    "rationale": "The new X-rays show a meniscal tear.",
    "guideline": "Knee imaging guideline",
    "criterion": "KNEE-1.2",
}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def requested(world, kind=Kind.RECONSIDERATION, *, status=Status.DENIED, **values) -> Case:
    """A decided case of the world's office (two lines: the knee MRI and 3 chest X-rays), and
    the office's request of `kind` made at NOW."""
    case = decided(world, status=status, date_of_service=TODAY + dt.timedelta(days=3), **values)
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=world.chest_xray, quantity_requested=3
    )
    if status == Status.PARTIALLY_APPROVED:
        first, second = case.procedure_lines.order_by("position")
        ProcedureLine.objects.filter(pk=first.pk).update(quantity_approved=1, decision="approved")
        ProcedureLine.objects.filter(pk=second.pk).update(quantity_approved=0, decision="denied")
    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=kind,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="New X-rays.",
        now=NOW,
    )
    return Case.objects.get(pk=case.pk)


def last_event(case) -> StatusEvent:
    return StatusEvent.objects.filter(case=case).order_by("pk").last()


def lines(case) -> list[tuple]:
    return list(
        case.procedure_lines.order_by("position").values_list("quantity_approved", "decision")
    )


# --- Into the queue ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "level", "reason"),
    [
        (Kind.RECONSIDERATION, Case.ReviewLevel.RECONSIDERATION, "Reconsideration requested"),
        (Kind.APPEAL, Case.ReviewLevel.APPEAL, "Appeal requested"),
    ],
)
def test_a_request_enters_the_queue_at_its_level(world, kind, level, reason):
    case = requested(world, kind)
    assert case.status == Status.IN_REVIEW and case.review_level == level
    assert case.due_at == NOW + dt.timedelta(days=7)
    assert case.assigned_to is None and not case.needs_medical_director
    event = last_event(case)
    assert (event.from_status, event.to_status, event.by, event.at, event.reason) == (
        Status.DENIED,
        Status.IN_REVIEW,
        world.user,
        NOW,
        reason,
    )
    # Entering review is no determination.
    assert not Determination.objects.filter(status_event=event).exists()


def test_an_urgent_case_is_due_within_the_urgent_hours(world):
    case = decided(world, date_of_service=TODAY + dt.timedelta(days=3))
    Case.objects.filter(pk=case.pk).update(is_urgent=True, needs_medical_director=True)
    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=Kind.RECONSIDERATION,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="Urgent.",
        now=NOW,
    )
    case.refresh_from_db()
    assert case.due_at == NOW + dt.timedelta(hours=72)
    # The initial review's escalation does not carry into the new level.
    assert not case.needs_medical_director


# --- Deciding a reconsideration ----------------------------------------------------------------


def test_a_nurse_overturns_a_reconsideration(world, nurse, django_capture_on_commit_callbacks):
    case = requested(world)
    with django_capture_on_commit_callbacks() as callbacks:
        request_decide(
            user=nurse,
            public_id=case.public_id,
            now=LATER,
            outcome=Outcome.OVERTURNED,
            rationale=REASONS["rationale"],
            guideline="",
            criterion="",
        )
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert case.authorization_number.startswith("A")
    assert case.review_date == LATER.date()
    assert case.expiration_date == LATER.date() + dt.timedelta(days=world.delegation.validity_days)
    assert lines(case) == [(1, "approved"), (3, "approved")]
    event = last_event(case)
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        Status.IN_REVIEW,
        Status.APPROVED,
        nurse,
        "Reconsideration overturned",
    )
    assert (event.determination.outcome, event.determination.review_level) == (
        Outcome.OVERTURNED,
        "reconsideration",
    )
    made = PostDecisionRequest.objects.get(case=case)
    assert (made.status, made.decided_at, made.decided_by) == ("overturned", LATER, nurse)
    assert [(c.func, c.args) for c in callbacks] == [
        (letters_render_task.delay, (event.pk, Letter.Kind.RECONSIDERATION))
    ]


def test_a_director_upholds_a_denial(world, director, nurse):
    case = requested(world)
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=nurse, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
        )
    assert refused.value.message == ADVERSE_DIRECTORS_ONLY
    request_decide(
        user=director, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
    )
    case.refresh_from_db()
    assert case.status == Status.DENIED and case.authorization_number is None
    event = last_event(case)
    assert (event.to_status, event.reason, event.determination.outcome) == (
        Status.DENIED,
        "Reconsideration upheld",
        Outcome.UPHELD,
    )
    assert event.determination.guideline == REASONS["guideline"]
    assert PostDecisionRequest.objects.get(case=case).status == "upheld"


def test_an_upheld_partial_approval_stays_as_decided(world, director):
    case = requested(world, status=Status.PARTIALLY_APPROVED)
    number = case.authorization_number
    request_decide(
        user=director, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
    )
    case.refresh_from_db()
    assert case.status == Status.PARTIALLY_APPROVED and case.authorization_number == number
    assert lines(case) == [(1, "approved"), (0, "denied")]


def test_a_reconsideration_partially_overturned(world, director):
    case = requested(world)
    first, second = case.procedure_lines.order_by("position")
    request_decide(
        user=director,
        public_id=case.public_id,
        now=LATER,
        outcome=Outcome.PARTIALLY_OVERTURNED,
        lines={first.pk: 1, second.pk: 2},
        **REASONS,
    )
    case.refresh_from_db()
    assert case.status == Status.PARTIALLY_APPROVED and case.authorization_number
    assert lines(case) == [(1, "approved"), (2, "approved")]
    assert PostDecisionRequest.objects.get(case=case).status == "partially_overturned"
    assert last_event(case).reason == "Reconsideration partially overturned"


def test_a_partial_overturn_needs_its_lines(world, director):
    case = requested(world)
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=director,
            public_id=case.public_id,
            now=LATER,
            outcome=Outcome.PARTIALLY_OVERTURNED,
            **REASONS,
        )
    assert refused.value.field == "lines"
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert PostDecisionRequest.objects.get(case=case).status == "received"


# --- Deciding an appeal ------------------------------------------------------------------------


def test_only_a_medical_director_decides_an_appeal(
    world, nurse, director, django_capture_on_commit_callbacks
):
    case = requested(world, Kind.APPEAL)
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=nurse, public_id=case.public_id, now=LATER, outcome=Outcome.OVERTURNED, **REASONS
        )
    assert refused.value.message == APPEAL_DIRECTORS_ONLY
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    with django_capture_on_commit_callbacks() as callbacks:
        request_decide(
            user=director,
            public_id=case.public_id,
            now=LATER,
            outcome=Outcome.OVERTURNED,
            **REASONS,
        )
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    event = last_event(case)
    assert event.reason == "Appeal overturned" and event.determination.review_level == "appeal"
    assert [(c.func, c.args) for c in callbacks] == [
        (letters_render_task.delay, (event.pk, Letter.Kind.APPEAL))
    ]
    made = PostDecisionRequest.objects.get(case=case)
    assert (made.kind, made.status, made.decided_by) == (Kind.APPEAL, "overturned", director)


# --- Guards ------------------------------------------------------------------------------------


def test_an_initial_review_is_not_a_request(world, director):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=director, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
        )
    assert refused.value.message == NOT_A_REQUEST


@pytest.mark.parametrize("outcome", ["", "approved", None, "denied"])
def test_the_outcome_is_one_of_the_three(world, director, outcome):
    case = requested(world)
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=director, public_id=case.public_id, now=LATER, outcome=outcome, **REASONS
        )
    assert refused.value.message == OUTCOME_REQUIRED


def test_without_an_open_request_there_is_nothing_to_decide(world, director):
    case = requested(world)
    PostDecisionRequest.objects.filter(case=case).update(status="upheld")
    with pytest.raises(CaseError) as refused:
        request_decide(
            user=director, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
        )
    assert (
        refused.value.message == "This case has no reconsideration request waiting for a decision."
    )


def test_a_request_in_review_is_not_decided_as_an_initial_review_by_another_program(
    world, other_nurse
):
    case = requested(world)
    with pytest.raises(Case.DoesNotExist):
        request_decide(
            user=other_nurse,
            public_id=case.public_id,
            now=LATER,
            outcome=Outcome.OVERTURNED,
            **REASONS,
        )


@pytest.mark.parametrize("decide", ["approve", "deny", "cancel", "alternative"])
def test_a_request_in_review_is_not_decided_as_an_initial_review(world, director, decide):
    case = requested(world)
    calls = {
        "approve": lambda: case_approve(user=director, public_id=case.public_id, now=LATER),
        "deny": lambda: case_deny(
            user=director,
            public_id=case.public_id,
            now=LATER,
            denial_reason="not_medically_necessary",
            **REASONS,
        ),
        "cancel": lambda: case_cancel(
            user=director, public_id=case.public_id, now=LATER, cancel_reason="duplicate"
        ),
        "alternative": lambda: case_recommend_alternative(
            user=director,
            public_id=case.public_id,
            now=LATER,
            alternative_code=world.knee_mri,
            rationale="X",
        ),
    }
    with pytest.raises(CaseError) as refused:
        calls[decide]()
    assert refused.value.message == (
        "This case is a reconsideration: decide it as upheld, overturned or partially overturned."
    )
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert PostDecisionRequest.objects.get(case=case).status == "received"


def test_a_nurse_escalates_a_reconsideration_to_a_director(world, nurse, director):
    case = requested(world)
    case_escalate(user=nurse, public_id=case.public_id, now=LATER, note="Please uphold?")
    with pytest.raises(CaseError):
        request_decide(
            user=nurse, public_id=case.public_id, now=LATER, outcome=Outcome.OVERTURNED, **REASONS
        )
    request_decide(
        user=director, public_id=case.public_id, now=LATER, outcome=Outcome.UPHELD, **REASONS
    )
    assert Case.objects.get(pk=case.pk).status == Status.DENIED
