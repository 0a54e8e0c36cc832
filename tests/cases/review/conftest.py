"""Reviewers for the medical review tests: a nurse reviewer and a medical director of the
world's radiology program, a nurse of another program, each with a signed-in client; cases in
review made directly in the database (as SUBMIT CASE leaves them)."""

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
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


@contextmanager
def row_locked_elsewhere(case: Case) -> Iterator[None]:
    """While the block runs, another connection holds `case`'s row lock (SELECT … FOR UPDATE in
    an open transaction); it lets go when the block ends. For transactional tests only."""
    locked, done = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold_the_row():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                done.wait(timeout=30)
        except BaseException as error:  # reported to the test below
            failed.append(error)
            locked.set()
        finally:
            connection.close()

    other = threading.Thread(target=hold_the_row)
    other.start()
    try:
        assert locked.wait(timeout=30), "the other connection never locked the row"
        assert not failed, failed
        yield
    finally:
        done.set()
        other.join(timeout=30)
