"""Submitted cases for Authorization Lookup's tests (SUBMIT CASE itself makes them), a clean
rate limiter for each test and a temporary MEDIA_ROOT for the uploads."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.signin import ratelimit
from cases.clinical.submission import case_submit
from cases.models import Case
from cases.models.pathways import Outcome
from tests.cases.clinical.test_submission import ready


@pytest.fixture(autouse=True)
def lookups_counted_from_zero():
    ratelimit.clear()
    yield
    ratelimit.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    """Kept files go to a temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


def submitted(world, *, outcome=Outcome.APPROVE, user=None, **values) -> Case:
    """A radiology request of the world's office, submitted: approved (criteria met) or in
    review (Pending)."""
    case = ready(world, outcome=outcome, **values)
    return case_submit(user=user or world.user, public_id=case.public_id, now=timezone.now())


def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def answer_text(response, public_id) -> str:
    """A response's page with the case's id, the CSRF token and the session's clock blanked:
    what must read alike for another office's case and a case that does not exist."""
    page = response.content.decode().replace(str(public_id), "ID")
    page = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)
    return re.sub(r'(data-session-[a-z-]+-seconds)="\d+"', r'\1=""', page)


def assert_not_found_alike(theirs, unknown, *, theirs_id, unknown_id) -> None:
    """Another office's case answers exactly as a case that does not exist."""
    assert theirs.status_code == unknown.status_code == 404
    assert answer_text(theirs, theirs_id) == answer_text(unknown, unknown_id)
