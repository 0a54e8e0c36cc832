"""The alternative recommendation: a medical director denies the service requested and offers
another, accepted by the office within 60 business days (the case approved for the
alternative), not after, not twice."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from cases.errors import CaseError
from cases.letters.tasks import letters_render_task
from cases.models import Case, Determination, Letter, ProcedureLine, StatusEvent
from cases.review.decisions import (
    alternative_accept,
    alternative_accept_by,
    case_recommend_alternative,
)
from cases.review.decisions.alternative import (
    ALTERNATIVE_IS_REQUESTED,
    ALTERNATIVE_NOT_OF_PROGRAM,
    NO_ALTERNATIVE,
    RECOMMEND_DIRECTORS_ONLY,
)
from tests.cases.review.conftest import in_review
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo(settings.TIME_ZONE)
# Tuesday 5/12/2026, late evening in the portal's zone (5/13 in UTC).
NOW = dt.datetime(2026, 5, 12, 22, 30, tzinfo=ZONE)
# 60 business days after 5/12/2026: Memorial Day (5/25), Juneteenth (6/19) and Independence
# Day (observed Friday 7/3) skipped.
LAST_DAY = dt.date(2026, 8, 7)
Status = Case.Status
RATIONALE = "A plain X-ray first: the MRI if it shows nothing."


def recommend(world, director, case=None):
    case = case or in_review(world)
    case_recommend_alternative(
        user=director,
        public_id=case.public_id,
        now=NOW,
        alternative_code=world.chest_xray,
        rationale=RATIONALE,
    )
    return case


def test_sixty_business_days_to_accept():
    assert alternative_accept_by(NOW) == LAST_DAY
    # Counted from the portal's day: 2:30 UTC on 5/13 is still 5/12 here.
    assert alternative_accept_by(NOW.astimezone(dt.UTC)) == LAST_DAY


def test_a_medical_director_recommends_an_alternative(
    world, director, django_capture_on_commit_callbacks
):
    case = in_review(world)
    with django_capture_on_commit_callbacks() as callbacks:
        case_recommend_alternative(
            user=director,
            public_id=case.public_id,
            now=NOW,
            alternative_code=world.chest_xray,
            rationale=RATIONALE,
        )
    case.refresh_from_db()
    assert case.status == Status.DENIED and case.authorization_number is None
    assert case.review_date == dt.date(2026, 5, 12) and case.assigned_to is None
    line = case.procedure_lines.get()
    assert (line.decision, line.quantity_approved) == ("denied", 0)
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        Status.IN_REVIEW,
        Status.DENIED,
        director,
        "Denied: alternative recommended",
    )
    determination = event.determination
    assert (
        determination.outcome,
        determination.alternative_code,
        determination.alternative_accept_by,
        determination.rationale,
    ) == (Determination.Outcome.ALTERNATIVE, world.chest_xray, LAST_DAY, RATIONALE)
    assert [(c.func, c.args) for c in callbacks] == [
        (letters_render_task.delay, (event.pk, Letter.Kind.ALTERNATIVE))
    ]


def test_a_nurse_cannot_recommend_an_alternative(world, nurse):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        recommend(world, nurse, case)
    assert refused.value.message == RECOMMEND_DIRECTORS_ONLY
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


def test_the_alternative_must_be_another_service_of_the_program(world, director):
    case = in_review(world)
    foreign = ProcedureCodeFactory(code="E0601", short_description="CPAP DEVICE")
    for code, message in (
        (foreign, ALTERNATIVE_NOT_OF_PROGRAM),
        (world.knee_mri, ALTERNATIVE_IS_REQUESTED),
        (None, "Select the alternative service."),
        ("71045", "Select the alternative service."),
    ):
        with pytest.raises(CaseError) as refused:
            case_recommend_alternative(
                user=director,
                public_id=case.public_id,
                now=NOW,
                alternative_code=code,
                rationale=RATIONALE,
            )
        assert refused.value.message == message
        assert refused.value.field == "alternative_code"
    with pytest.raises(CaseError) as refused:
        case_recommend_alternative(
            user=director,
            public_id=case.public_id,
            now=NOW,
            alternative_code=world.chest_xray,
            rationale="",
        )
    assert refused.value.field == "rationale"
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize(
    "accepted_at",
    [NOW + dt.timedelta(days=1), dt.datetime(2026, 8, 7, 23, 59, tzinfo=ZONE)],
)
def test_the_office_accepts_within_the_window(
    world, director, accepted_at, django_capture_on_commit_callbacks
):
    case = recommend(world, director)
    with django_capture_on_commit_callbacks() as callbacks:
        alternative_accept(user=world.user, public_id=case.public_id, now=accepted_at)
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert case.authorization_number.startswith("A")
    assert case.review_date == accepted_at.date()
    assert case.expiration_date == accepted_at.date() + dt.timedelta(
        days=world.delegation.validity_days
    )
    assert list(
        case.procedure_lines.order_by("position").values_list(
            "position", "procedure_code__code", "quantity_approved", "decision"
        )
    ) == [(1, "73721", 0, "denied"), (2, "71045", 1, "approved")]
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    assert (event.from_status, event.to_status, event.by, event.reason) == (
        Status.DENIED,
        Status.APPROVED,
        world.user,
        "Approved: alternative accepted",
    )
    assert event.determination.alternative_code == world.chest_xray
    assert event.determination.outcome == Determination.Outcome.APPROVED
    # The approval's letters.
    assert [(c.func, c.args) for c in callbacks] == [(letters_render_task.delay, (event.pk, None))]


def test_after_the_window_or_twice_the_acceptance_is_refused(world, director):
    case = recommend(world, director)
    with pytest.raises(CaseError) as refused:
        alternative_accept(
            user=world.user,
            public_id=case.public_id,
            now=dt.datetime(2026, 8, 8, 0, 1, tzinfo=ZONE),
        )
    assert "08/07/2026" in refused.value.message
    assert Case.objects.get(pk=case.pk).status == Status.DENIED

    alternative_accept(user=world.user, public_id=case.public_id, now=NOW)
    with pytest.raises(CaseError) as refused:
        alternative_accept(user=world.user, public_id=case.public_id, now=NOW)
    assert refused.value.message == NO_ALTERNATIVE
    assert ProcedureLine.objects.filter(case=case).count() == 2


def test_a_plain_denial_has_no_alternative_to_accept(world, director):
    case = in_review(world, status=Status.DENIED)
    with pytest.raises(CaseError) as refused:
        alternative_accept(user=world.user, public_id=case.public_id, now=NOW)
    assert refused.value.message == NO_ALTERNATIVE


def test_only_the_cases_office_accepts(world, director, nurse):
    case = recommend(world, director)
    for stranger in (world.outsider, nurse, director):
        with pytest.raises(Case.DoesNotExist):
            alternative_accept(user=stranger, public_id=case.public_id, now=NOW)
    assert Case.objects.get(pk=case.pk).status == Status.DENIED
