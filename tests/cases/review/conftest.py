"""Reviewers for the medical review tests: a nurse reviewer and a medical director of the
world's radiology program, a nurse of another program, each with a signed-in client; cases in
review made directly in the database (as SUBMIT CASE leaves them)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import Case, StatusEvent
from tests.cases.review.built import knee_pathway
from tests.cases.tracking.conftest import submitted
from tests.conftest import VerifiedClient
from tests.factories.accounts import UserFactory


def reviewer(username: str, role: str, *programs) -> User:
    user = UserFactory(username=username, reviewer_role=role)
    user.review_programs.set(programs)
    return user


@pytest.fixture
def nurse(world):
    return reviewer("nurse.reviewer", User.ReviewerRole.NURSE_REVIEWER, world.radiology)


@pytest.fixture
def director(world):
    return reviewer("medical.director", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)


@pytest.fixture
def other_nurse(world):
    return reviewer("dme.nurse", User.ReviewerRole.NURSE_REVIEWER, world.dme)


def signed_in(user) -> VerifiedClient:
    client = VerifiedClient()
    client.force_login(user)
    return client


@pytest.fixture
def nurse_client(nurse):
    return signed_in(nurse)


@pytest.fixture
def director_client(director):
    return signed_in(director)


def in_review(
    world, *, urgent=False, due_in=dt.timedelta(days=7), status=Case.Status.IN_REVIEW, **values
) -> Case:
    """A submitted radiology case in medical review (its submission's status event written),
    due `due_in` from now."""
    now = timezone.now()
    case = submitted(world, status=status, submitted_at=now - dt.timedelta(hours=1), **values)
    Case.objects.filter(pk=case.pk).update(
        is_urgent=urgent, due_at=now + due_in, review_level=Case.ReviewLevel.INITIAL
    )
    StatusEvent.objects.create(
        case=case, from_status=Case.Status.DRAFT, to_status=status, by=world.user, at=now
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def pathway(world):
    """The knee MRI pathway of the world's radiology program (tests.cases.review.built)."""
    return knee_pathway(world)
