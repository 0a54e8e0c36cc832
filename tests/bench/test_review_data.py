"""Medical review's bench data (bench.review_data) at a small size on the cases tests' world: the
reviewer, the open cases in their review state, the sweeps' states and the way back."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bench import review_data
from cases.models import Case, DueAlert, ProcedureLine, StatusEvent
from cases.review.due import due_breaches_record, due_warnings_send
from cases.review.holds import EXPIRED_REASON, holds_expire
from cases.review.queue.selectors import QueueQuery, queue_page_for
from tests.cases.conftest import world_build

CASES = 60
PROGRAMS = ("radiology-cardiology",)
KEY = "ab" * 20


@pytest.fixture
def world(db):
    return world_build()


def ensure(**extra):
    return review_data.review_data_ensure(
        total=CASES, program_codes=PROGRAMS, members=10, password="bench-pass", **extra
    )


def set_cases():
    return Case.objects.filter(office=review_data.review_office())


def test_the_reviewer_reviews_the_programs_leads_their_queue_and_has_an_authenticator(world):
    data = ensure(totp_key=KEY)
    reviewer = User.objects.get(username=review_data.REVIEWER_USERNAME)
    assert data["reviewer"] == reviewer.username
    assert reviewer.reviewer_role == User.ReviewerRole.NURSE_REVIEWER
    assert reviewer.is_review_lead
    assert reviewer.check_password("bench-pass")
    assert list(reviewer.review_programs.all()) == [world.radiology]
    assert TOTPDevice.objects.get(user=reviewer, name="default").key == KEY
    assert data["programs"] == list(PROGRAMS)


def test_the_cases_are_submitted_open_cases_of_the_programs_with_line_and_event(world):
    data = ensure()
    cases = set_cases()
    assert data["cases"] == CASES == cases.count()
    assert data["made"] == CASES
    assert set(data["counts"]) == {"hold", "in_review"}
    assert sum(data["counts"].values()) == CASES
    assert not cases.exclude(status__in=["hold", "in_review"]).exists()
    assert not cases.filter(submitted_at__isnull=True).exists()
    assert set(cases.values_list("program", flat=True)) == {world.radiology.pk}
    assert set(cases.values_list("member", flat=True)) == {world.member.pk}
    assert set(cases.values_list("delegation", flat=True)) == {world.delegation.pk}
    lines = ProcedureLine.objects.filter(case__in=cases, position=1)
    assert lines.count() == CASES
    assert set(lines.values_list("procedure_code", flat=True)) <= {
        world.knee_mri.pk,
        world.chest_xray.pk,
    }
    assert StatusEvent.objects.filter(case__in=cases, reason=review_data.BENCH_REASON).count() == (
        CASES
    )
    # Every hold has its due time ahead; every case in review a due time.
    now = timezone.now()
    assert not cases.filter(status="hold", hold_due_at__lte=now).exists()
    assert not cases.filter(due_at__isnull=True).exists()
    assert not cases.filter(status="hold", assigned_to__isnull=False).exists()


def test_a_second_run_makes_nothing_and_sets_the_same_state_again(world):
    first = ensure()
    before = dict(set_cases().values_list("pk", "status"))
    second = ensure()
    assert second["made"] == 0
    assert second["cases"] == CASES
    assert second["counts"] == first["counts"]
    assert dict(set_cases().values_list("pk", "status")) == before


def test_the_reviewer_sees_every_case_in_the_queue(world):
    ensure()
    reviewer = User.objects.get(username=review_data.REVIEWER_USERNAME)
    page = queue_page_for(reviewer, QueueQuery(), now=timezone.now())
    assert page.total == CASES


def test_each_sweep_finds_every_case_after_its_reset_and_the_state_comes_back(world):
    ensure()
    before = dict(set_cases().values_list("pk", "status"))
    now = timezone.now()

    assert review_data.holds_past_due_reset(now=now) == CASES
    assert holds_expire(now=now) == CASES
    assert StatusEvent.objects.filter(case__in=set_cases(), reason=EXPIRED_REASON).count() == CASES

    assert review_data.due_soon_reset(now=now) == CASES
    assert due_warnings_send(now=now) == CASES
    assert [message.to for message in mail.outbox] == [[review_data.REVIEWER_EMAIL]]

    assert review_data.past_due_reset(now=now) == CASES
    assert due_breaches_record(now=now) == CASES

    review_data.review_state_restore(now=now + dt.timedelta(seconds=1))
    assert dict(set_cases().values_list("pk", "status")) == before
    assert not DueAlert.objects.filter(case__in=set_cases()).exists()
    assert not StatusEvent.objects.filter(case__in=set_cases(), reason=EXPIRED_REASON).exists()
