"""The initial review's determinations as services: approve, partially approve, deny, escalate,
cancel. Each writes one status event and its Determination, clears the assignment, queues its
letters on commit, and refuses what the case or the reviewer cannot do; two reviewers deciding
at once make one decision."""

import datetime as dt
import threading
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from cases.errors import CaseError
from cases.letters.services import letters_render
from cases.letters.tasks import letters_render_task
from cases.models import Case, Determination, Letter, ProcedureLine, ReviewNote, StatusEvent
from cases.review.decisions import (
    case_approve,
    case_cancel,
    case_deny,
    case_escalate,
    case_partially_approve,
)
from cases.review.decisions.guards import (
    ASSIGNED_ELSEWHERE,
    NEEDS_DIRECTOR,
    PARTIAL_EVERY_LINE,
    PARTIAL_EVERYTHING_APPROVED,
    PARTIAL_NOTHING_APPROVED,
    PARTIAL_UNKNOWN_LINE,
)
from cases.review.decisions.outcomes import DENY_DIRECTORS_ONLY, ESCALATE_NURSES_ONLY
from tests.cases.review.conftest import in_review

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)
# Late evening in the portal's zone: already the next day in UTC.
NOW = dt.datetime(2026, 5, 12, 22, 30, tzinfo=ZONE)
TODAY = dt.date(2026, 5, 12)
Status = Case.Status
Outcome = Determination.Outcome

REASONS = {
    "rationale": "The records do not show six weeks of conservative treatment.",
    "guideline": "Knee imaging guideline",
    "criterion": "KNEE-1.2",
}


def last_event(case) -> StatusEvent:
    return StatusEvent.objects.filter(case=case).order_by("pk").last()


def events_count(case) -> int:
    return StatusEvent.objects.filter(case=case).count()


def queued(callbacks, event, kind=None) -> None:
    """The letters' task was queued for the event (on commit), with its id only."""
    assert [(c.func, c.args) for c in callbacks] == [(letters_render_task.delay, (event.pk, kind))]


def two_lines(world) -> Case:
    """A case in review with a second line: 3 chest X-rays."""
    case = in_review(world)
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=world.chest_xray, quantity_requested=3
    )
    return case


def lines(case) -> list[tuple]:
    return list(
        case.procedure_lines.order_by("position").values_list(
            "procedure_code__code", "quantity_requested", "quantity_approved", "decision"
        )
    )


# --- Approve -----------------------------------------------------------------------------------


def test_a_nurse_approves(world, nurse, django_capture_on_commit_callbacks):
    world.delegation.validity_days = 45
    world.delegation.save()
    case = two_lines(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=nurse, assigned_at=NOW)

    with django_capture_on_commit_callbacks() as callbacks:
        returned = case_approve(
            user=nurse, public_id=case.public_id, now=NOW, rationale="Criteria met."
        )

    case.refresh_from_db()
    assert returned.pk == case.pk
    assert case.status == Status.APPROVED
    assert case.authorization_number.startswith("A") and case.authorization_number[1:].isdigit()
    # The portal's day, not UTC's.
    assert case.review_date == TODAY
    assert case.expiration_date == TODAY + dt.timedelta(days=45)
    assert (case.assigned_to, case.assigned_at) == (None, None)
    assert lines(case) == [("73721", 1, 1, "approved"), ("71045", 3, 3, "approved")]
    event = last_event(case)
    assert (event.from_status, event.to_status, event.by, event.at, event.reason) == (
        Status.IN_REVIEW,
        Status.APPROVED,
        nurse,
        NOW,
        "Approved",
    )
    determination = event.determination
    assert (
        determination.case,
        determination.outcome,
        determination.review_level,
        determination.decided_by,
        determination.decided_at,
        determination.rationale,
        determination.extended_time_frame,
    ) == (case, Outcome.APPROVED, "initial", nurse, NOW, "Criteria met.", False)
    queued(callbacks, event)


def test_two_approvals_get_two_authorization_numbers(world, nurse):
    first, second = in_review(world), in_review(world)
    case_approve(user=nurse, public_id=first.public_id, now=NOW)
    case_approve(user=nurse, public_id=second.public_id, now=NOW)
    numbers = {
        Case.objects.get(pk=first.pk).authorization_number,
        Case.objects.get(pk=second.pk).authorization_number,
    }
    assert len(numbers) == 2


def test_a_decision_after_a_hold_at_the_level_had_its_time_frame_extended(world, nurse):
    case = in_review(world)
    hold = StatusEvent.objects.create(
        case=case, from_status=Status.IN_REVIEW, to_status=Status.HOLD, by=nurse, at=NOW
    )
    Determination.objects.create(
        case=case,
        status_event=hold,
        outcome=Outcome.HOLD,
        review_level="initial",
        decided_by=nurse,
        decided_at=NOW,
    )
    case_approve(user=nurse, public_id=case.public_id, now=NOW + dt.timedelta(days=3))
    assert last_event(case).determination.extended_time_frame is True


# --- Guards ------------------------------------------------------------------------------------


def test_a_case_assigned_to_someone_else_is_refused(world, nurse, director):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=director, assigned_at=NOW)
    with pytest.raises(CaseError) as refused:
        case_approve(user=nurse, public_id=case.public_id, now=NOW)
    assert refused.value.message == ASSIGNED_ELSEWHERE.format(name=director.get_full_name())
    assert "assigned to someone else" in refused.value.message
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert events_count(case) == 1


def test_an_unassigned_case_is_taken_by_the_decider(world, nurse):
    case = in_review(world)
    assert case.assigned_to is None
    case_approve(user=nurse, public_id=case.public_id, now=NOW)
    assert last_event(case).by == nurse


def test_a_case_of_another_program_does_not_exist_for_the_reviewer(world, other_nurse, nurse):
    case = in_review(world)
    with pytest.raises(Case.DoesNotExist):
        case_approve(user=other_nurse, public_id=case.public_id, now=NOW)
    # Nor for an office user, nor for an unknown case.
    with pytest.raises(Case.DoesNotExist):
        case_approve(user=world.user, public_id=case.public_id, now=NOW)
    with pytest.raises(Case.DoesNotExist):
        case_approve(user=nurse, public_id=uuid.uuid4(), now=NOW)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("status", [Status.HOLD, Status.APPROVED, Status.DENIED, Status.CANCELLED])
def test_only_a_case_in_review_is_decided(world, nurse, director, status):
    case = in_review(world, status=status)
    for decide in (
        lambda: case_approve(user=nurse, public_id=case.public_id, now=NOW),
        lambda: case_partially_approve(
            user=nurse, public_id=case.public_id, now=NOW, lines={}, **REASONS
        ),
        lambda: case_deny(
            user=director,
            public_id=case.public_id,
            now=NOW,
            denial_reason="not_medically_necessary",
            **REASONS,
        ),
        lambda: case_escalate(user=nurse, public_id=case.public_id, now=NOW, note="Please."),
    ):
        with pytest.raises(CaseError) as refused:
            decide()
        assert refused.value.message.startswith("This case is not in review: it is ")
    assert Case.objects.get(pk=case.pk).status == status
    assert events_count(case) == 1


def test_an_escalated_case_is_for_a_medical_director(world, nurse, director):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(needs_medical_director=True)
    with pytest.raises(CaseError) as refused:
        case_approve(user=nurse, public_id=case.public_id, now=NOW)
    assert refused.value.message == NEEDS_DIRECTOR
    case_approve(user=director, public_id=case.public_id, now=NOW)
    assert Case.objects.get(pk=case.pk).status == Status.APPROVED


@pytest.mark.parametrize(
    ("value", "field"),
    [(None, "rationale"), ("bad\x00", "rationale"), ("x" * 4001, "rationale"), (7, "rationale")],
)
def test_a_bad_rationale_is_refused_before_anything_is_written(world, nurse, value, field):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_partially_approve(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            lines={},
            **{**REASONS, "rationale": value},
        )
    assert refused.value.field == field
    # The approval's rationale is optional, but not a NUL byte nor too long.
    for bad in ("bad\x00", "x" * 4001):
        with pytest.raises(CaseError):
            case_approve(user=nurse, public_id=case.public_id, now=NOW, rationale=bad)
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


# --- Partially approve -------------------------------------------------------------------------


def test_a_partial_approval_decides_each_line(world, nurse, django_capture_on_commit_callbacks):
    case = two_lines(world)
    first, second = case.procedure_lines.order_by("position")

    with django_capture_on_commit_callbacks() as callbacks:
        case_partially_approve(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            lines={first.pk: 0, str(second.pk): "2"},
            **REASONS,
        )

    case.refresh_from_db()
    assert case.status == Status.PARTIALLY_APPROVED
    assert case.authorization_number and case.review_date == TODAY
    assert case.expiration_date == TODAY + dt.timedelta(days=world.delegation.validity_days)
    assert lines(case) == [("73721", 1, 0, "denied"), ("71045", 3, 2, "approved")]
    event = last_event(case)
    assert (event.from_status, event.to_status, event.reason) == (
        Status.IN_REVIEW,
        Status.PARTIALLY_APPROVED,
        "Partially approved",
    )
    determination = event.determination
    assert determination.outcome == Outcome.PARTIALLY_APPROVED
    assert (determination.rationale, determination.guideline, determination.criterion) == (
        REASONS["rationale"],
        REASONS["guideline"],
        REASONS["criterion"],
    )
    queued(callbacks, event)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (lambda a, b: {a: 1}, PARTIAL_EVERY_LINE),
        (lambda a, b: {a: 1, b: 3}, PARTIAL_EVERYTHING_APPROVED),
        (lambda a, b: {a: 0, b: 0}, PARTIAL_NOTHING_APPROVED),
        (lambda a, b: {a: 1, b: 4}, "Enter an approved quantity from 0 to 3 for 71045."),
        (lambda a, b: {a: 1, b: -1}, "Enter an approved quantity from 0 to 3 for 71045."),
        (lambda a, b: {a: 1, b: "two"}, "Enter an approved quantity from 0 to 3 for 71045."),
        (lambda a, b: {a: 1, b: 1, 999999: 0}, PARTIAL_UNKNOWN_LINE),
        (lambda a, b: {a: 1, "x": 0}, PARTIAL_UNKNOWN_LINE),
        (lambda a, b: [a, b], PARTIAL_EVERY_LINE),
    ],
)
def test_a_partial_approval_that_is_not_one_is_refused(world, nurse, given, message):
    case = two_lines(world)
    first, second = case.procedure_lines.order_by("position")
    with pytest.raises(CaseError) as refused:
        case_partially_approve(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            lines=given(first.pk, second.pk),
            **REASONS,
        )
    assert refused.value.message == message and refused.value.field == "lines"
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW and case.authorization_number is None
    assert lines(case) == [("73721", 1, None, ""), ("71045", 3, None, "")]
    assert events_count(case) == 1


def test_a_partial_approval_of_another_cases_line_is_refused(world, nurse):
    case, other = two_lines(world), in_review(world)
    first, second = case.procedure_lines.order_by("position")
    stranger = other.procedure_lines.get()
    with pytest.raises(CaseError) as refused:
        case_partially_approve(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            lines={first.pk: 1, second.pk: 1, stranger.pk: 0},
            **REASONS,
        )
    assert refused.value.message == PARTIAL_UNKNOWN_LINE


@pytest.mark.parametrize("missing", ["rationale", "guideline", "criterion"])
def test_a_partial_approval_needs_its_reasons(world, nurse, missing):
    case = two_lines(world)
    first, second = case.procedure_lines.order_by("position")
    with pytest.raises(CaseError) as refused:
        case_partially_approve(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            lines={first.pk: 1, second.pk: 1},
            **{**REASONS, missing: "   "},
        )
    assert refused.value.message == f"Enter the {missing}." and refused.value.field == missing


# --- Deny --------------------------------------------------------------------------------------


def test_a_medical_director_denies(world, director, django_capture_on_commit_callbacks):
    case = two_lines(world)
    with django_capture_on_commit_callbacks() as callbacks:
        case_deny(
            user=director,
            public_id=case.public_id,
            now=NOW,
            denial_reason=Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
            **REASONS,
        )
    case.refresh_from_db()
    assert case.status == Status.DENIED
    assert case.authorization_number is None and case.expiration_date is None
    assert case.review_date == TODAY
    assert lines(case) == [("73721", 1, 0, "denied"), ("71045", 3, 0, "denied")]
    event = last_event(case)
    assert (event.from_status, event.to_status, event.by, event.reason, event.note) == (
        Status.IN_REVIEW,
        Status.DENIED,
        director,
        "Denied: not medically necessary",
        REASONS["rationale"],
    )
    determination = event.determination
    assert (
        determination.outcome,
        determination.denial_reason,
        determination.guideline,
        determination.criterion,
        determination.decided_by,
    ) == (
        Outcome.DENIED,
        "not_medically_necessary",
        REASONS["guideline"],
        REASONS["criterion"],
        director,
    )
    queued(callbacks, event)


def test_the_denial_letters_are_made_from_the_determination(world, director, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = in_review(world)
    case_deny(
        user=director,
        public_id=case.public_id,
        now=NOW,
        denial_reason=Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
        **REASONS,
    )
    event = last_event(case)
    made = letters_render(status_event_id=event.pk, now=NOW)
    assert {letter.kind for letter in made} == {Letter.Kind.DENIAL}
    assert {letter.recipient for letter in made} == {"provider", "member"}


def test_a_nurse_cannot_deny(world, nurse):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_deny(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            denial_reason="not_medically_necessary",
            **REASONS,
        )
    assert refused.value.message == DENY_DIRECTORS_ONLY
    assert refused.value.message == (
        "Only a medical director can deny a request; escalate it instead."
    )
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW
    assert events_count(case) == 1


@pytest.mark.parametrize("denial_reason", ["", "because", None])
def test_a_denial_needs_a_specific_reason(world, director, denial_reason):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_deny(
            user=director,
            public_id=case.public_id,
            now=NOW,
            denial_reason=denial_reason,
            **REASONS,
        )
    assert refused.value.field == "denial_reason"
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("missing", ["rationale", "guideline", "criterion"])
def test_a_denial_needs_its_rationale_guideline_and_criterion(world, director, missing):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_deny(
            user=director,
            public_id=case.public_id,
            now=NOW,
            denial_reason="not_medically_necessary",
            **{**REASONS, missing: ""},
        )
    assert refused.value.field == missing
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


# --- Escalate ----------------------------------------------------------------------------------


def test_a_nurse_escalates_to_a_medical_director(
    world, nurse, director, django_capture_on_commit_callbacks
):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=nurse, assigned_at=NOW)
    with django_capture_on_commit_callbacks() as callbacks:
        case_escalate(user=nurse, public_id=case.public_id, now=NOW, note="Looks not necessary.")
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW and case.needs_medical_director
    assert (case.assigned_to, case.assigned_at) == (None, None)
    # No change of status: no status event, no letter; the note is the reviewers'.
    assert events_count(case) == 1 and callbacks == []
    note = ReviewNote.objects.get(case=case)
    assert (note.author, note.text, note.created_at) == (nurse, "Looks not necessary.", NOW)
    # The nurse can no longer decide it; the director can.
    with pytest.raises(CaseError):
        case_approve(user=nurse, public_id=case.public_id, now=NOW)
    case_deny(
        user=director,
        public_id=case.public_id,
        now=NOW,
        denial_reason="not_medically_necessary",
        **REASONS,
    )


def test_an_escalation_needs_a_note_and_a_nurse(world, nurse, director):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_escalate(user=nurse, public_id=case.public_id, now=NOW, note=" ")
    assert refused.value.field == "note"
    with pytest.raises(CaseError) as refused:
        case_escalate(user=director, public_id=case.public_id, now=NOW, note="To myself.")
    assert refused.value.message == ESCALATE_NURSES_ONLY
    assert not Case.objects.get(pk=case.pk).needs_medical_director
    assert not ReviewNote.objects.exists()


# --- Cancel ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.HOLD])
def test_a_case_in_review_or_on_hold_is_cancelled(
    world, nurse, status, django_capture_on_commit_callbacks
):
    case = in_review(world, status=status)
    with django_capture_on_commit_callbacks() as callbacks:
        case_cancel(
            user=nurse,
            public_id=case.public_id,
            now=NOW,
            cancel_reason=Determination.CancelReason.DUPLICATE,
            rationale="Same as case 430000001.",
        )
    case.refresh_from_db()
    assert case.status == Status.CANCELLED and case.authorization_number is None
    event = last_event(case)
    assert (event.from_status, event.to_status, event.reason) == (
        status,
        Status.CANCELLED,
        "Cancelled: duplicate request",
    )
    assert (event.determination.outcome, event.determination.cancel_reason) == (
        Outcome.CANCELLED,
        "duplicate",
    )
    assert event.determination.rationale == "Same as case 430000001."
    queued(callbacks, event)


def test_a_cancel_needs_a_reason_and_an_open_case(world, nurse):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_cancel(user=nurse, public_id=case.public_id, now=NOW, cancel_reason="bored")
    assert refused.value.field == "cancel_reason"
    decided = in_review(world, status=Status.APPROVED)
    with pytest.raises(CaseError):
        case_cancel(user=nurse, public_id=decided.public_id, now=NOW, cancel_reason="duplicate")
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


# --- At the same moment ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_make_one_approval(world, nurse, director):
    case = in_review(world)
    barrier = threading.Barrier(2)
    approved, refused, errors = [], [], []

    def approve(user):
        try:
            barrier.wait()
            approved.append(case_approve(user=user, public_id=case.public_id, now=NOW))
        except CaseError as error:
            refused.append(error.message)
        except Exception as error:  # noqa: BLE001 -- reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in (nurse, director)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert len(approved) == 1
    assert refused == ["This case is not in review: it is Approved."]
    assert StatusEvent.objects.filter(case=case, to_status=Status.APPROVED).count() == 1
    assert Determination.objects.filter(case=case).count() == 1
