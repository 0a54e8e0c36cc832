"""The letters of each determination, made from its status event by the letters' machinery
(cases.letters.services.letters_render, what the worker runs after commit): the kind the
determination queued, for the provider and the member."""

import datetime as dt

import pytest

from cases.letters.services import letters_render
from cases.models import Case, Letter, ProcedureLine, StatusEvent
from cases.post_decision.services import post_decision_request_make
from cases.review.decisions import (
    case_cancel,
    case_partially_approve,
    case_recommend_alternative,
    request_decide,
)
from tests.cases.post_decision.conftest import NOW, TODAY, decided
from tests.cases.review.conftest import in_review

pytestmark = pytest.mark.django_db

REASONS = {
    "rationale": "The records do not show six weeks of conservative treatment.",
    "guideline": "Knee imaging guideline",
    "criterion": "KNEE-1.2",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def partially_approved(world, director):
    case = in_review(world)
    second = ProcedureLine.objects.create(
        case=case, position=2, procedure_code=world.chest_xray, quantity_requested=3
    )
    first = case.procedure_lines.get(position=1)
    case_partially_approve(
        user=director,
        public_id=case.public_id,
        now=NOW,
        lines={first.pk: 1, second.pk: 0},
        **REASONS,
    )
    return case, Letter.Kind.PARTIAL_APPROVAL


def cancelled(world, director):
    case = in_review(world)
    case_cancel(user=director, public_id=case.public_id, now=NOW, cancel_reason="duplicate")
    return case, Letter.Kind.CANCELLATION


def alternative(world, director):
    case = in_review(world)
    case_recommend_alternative(
        user=director,
        public_id=case.public_id,
        now=NOW,
        alternative_code=world.chest_xray,
        rationale="A plain X-ray first.",
    )
    return case, Letter.Kind.ALTERNATIVE


def request_outcome(kind):
    def made(world, director):
        case = decided(world, date_of_service=TODAY + dt.timedelta(days=3))
        post_decision_request_make(
            user=world.user,
            public_id=case.public_id,
            kind=kind,
            contact_name="Dana",
            contact_phone="6155484010",
            reason="New X-rays.",
            now=NOW,
        )
        request_decide(
            user=director,
            public_id=case.public_id,
            now=NOW + dt.timedelta(days=1),
            outcome="upheld",
            **REASONS,
        )
        return case, kind

    return made


@pytest.mark.parametrize(
    "make",
    [
        partially_approved,
        cancelled,
        alternative,
        request_outcome(Letter.Kind.RECONSIDERATION),
        request_outcome(Letter.Kind.APPEAL),
    ],
    ids=["partial", "cancel", "alternative", "reconsideration", "appeal"],
)
def test_each_determination_makes_its_letters(world, director, make):
    case, kind = make(world, director)
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    made = letters_render(status_event_id=event.pk, kind=kind, now=NOW + dt.timedelta(days=1))
    assert {(letter.kind, letter.recipient) for letter in made} == {
        (kind, "provider"),
        (kind, "member"),
    }
    assert Case.objects.get(pk=case.pk).status != Case.Status.IN_REVIEW
