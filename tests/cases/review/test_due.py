"""Medical review's time limits with explicit clocks: a hold's due date by the plan's rules
(calendar days, business days across a federal holiday and a weekend, urgent hours, the
portal's time zone), the review leads' warnings of cases due within 24 hours (once per case and
due time, one e-mail per lead without patient data, none to other programs' leads) and the
breaches recorded once; a few queries whatever the number of cases."""

import datetime as dt
import socket
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases.models import Case, DueAlert
from cases.review.due import (
    due_breaches_record,
    due_display,
    due_warnings_send,
    hold_due_at,
)
from eligibility.models import Delegation
from tests.cases.review.conftest import in_review, reviewer

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
UTC = dt.UTC
NOW = dt.datetime(2025, 3, 10, 15, 0, tzinfo=NEW_YORK)


def rules(world, **values) -> Case:
    """The world's delegation with these time limits, and a case of it."""
    Delegation.objects.filter(pk=world.delegation.pk).update(**values)
    case = in_review(world)
    return Case.objects.select_related("delegation").get(pk=case.pk)


# A hold's due date.


def test_calendar_days_end_at_midnight_of_the_last_day(world):
    case = rules(world, hold_response_days=14, decision_days_are_business_days=False)
    assert hold_due_at(case, now=NOW) == dt.datetime(2025, 3, 25, tzinfo=NEW_YORK)


def test_business_days_skip_a_federal_holiday_and_the_weekend(world):
    case = rules(world, hold_response_days=3, decision_days_are_business_days=True)
    # Wednesday before Thanksgiving (Thursday 27 November 2025): Friday is the first business
    # day, the weekend is skipped, Monday the second, Tuesday 2 December the third.
    wednesday = dt.datetime(2025, 11, 26, 10, 0, tzinfo=NEW_YORK)
    assert hold_due_at(case, now=wednesday) == dt.datetime(2025, 12, 3, tzinfo=NEW_YORK)
    # The same days counted as calendar days end on Saturday 29 November.
    Delegation.objects.filter(pk=world.delegation.pk).update(decision_days_are_business_days=False)
    case = Case.objects.select_related("delegation").get(pk=case.pk)
    assert hold_due_at(case, now=wednesday) == dt.datetime(2025, 11, 30, tzinfo=NEW_YORK)


def test_business_days_start_tomorrow_even_on_a_friday_evening(world):
    case = rules(world, hold_response_days=1, decision_days_are_business_days=True)
    friday = dt.datetime(2025, 3, 14, 23, 30, tzinfo=NEW_YORK)
    # Monday is the first business day after Friday: due at its end.
    assert hold_due_at(case, now=friday) == dt.datetime(2025, 3, 18, tzinfo=NEW_YORK)


def test_an_urgent_hold_is_due_within_the_urgent_hours(world):
    case = rules(world, urgent_decision_hours=48, hold_response_days=14)
    case.is_urgent = True
    assert hold_due_at(case, now=NOW) == NOW + dt.timedelta(hours=48)


def test_the_days_are_the_portals_days(world, settings):
    case = rules(world, hold_response_days=14, decision_days_are_business_days=False)
    # 05:30 UTC on 11 March is still 10 March in Los Angeles, already 11 March in New York.
    moment = dt.datetime(2025, 3, 11, 5, 30, tzinfo=UTC)
    settings.TIME_ZONE = "America/Los_Angeles"
    los_angeles = ZoneInfo("America/Los_Angeles")
    assert hold_due_at(case, now=moment) == dt.datetime(2025, 3, 25, tzinfo=los_angeles)
    settings.TIME_ZONE = "America/New_York"
    assert hold_due_at(case, now=moment) == dt.datetime(2025, 3, 26, tzinfo=NEW_YORK)


def test_a_case_without_a_delegation_uses_the_default_limits(world):
    case = in_review(world)
    case.delegation = None
    default = Delegation._meta.get_field("hold_response_days").get_default()
    expected_day = NOW.date() + dt.timedelta(days=default + 1)
    assert hold_due_at(case, now=NOW) == dt.datetime.combine(
        expected_day, dt.time(), tzinfo=NEW_YORK
    )


# The leads' warnings.


def lead(username, *programs, active=True) -> User:
    user = reviewer(username, User.ReviewerRole.NURSE_REVIEWER, *programs)
    User.objects.filter(pk=user.pk).update(is_review_lead=True, is_active=active)
    return User.objects.get(pk=user.pk)


def due(world, at, *, status=Case.Status.IN_REVIEW) -> Case:
    case = in_review(world, status=status)
    Case.objects.filter(pk=case.pk).update(due_at=at)
    return Case.objects.get(pk=case.pk)


def test_leads_are_warned_once_of_the_cases_due_within_24_hours(world, nurse, mailoutbox):
    radiology_lead = lead("radiology.lead", world.radiology)
    soon = due(world, NOW + dt.timedelta(hours=2))
    held = due(world, NOW + dt.timedelta(hours=23), status=Case.Status.HOLD)
    due(world, NOW + dt.timedelta(hours=25))
    due(world, NOW - dt.timedelta(minutes=1))
    due(world, NOW + dt.timedelta(hours=2), status=Case.Status.APPROVED)

    assert due_warnings_send(now=NOW) == 2

    alerts = DueAlert.objects.filter(kind=DueAlert.Kind.WARNING)
    assert sorted(alerts.values_list("case_id", "due_at", "recorded_at")) == sorted(
        [(soon.pk, soon.due_at, NOW), (held.pk, held.due_at, NOW)]
    )
    (mail,) = mailoutbox
    assert mail.to == [radiology_lead.email]
    assert "2 medical review cases due within 24 hours" in mail.subject
    assert f"Case {soon.case_number}: due {due_display(soon.due_at)}" in mail.body
    assert f"Case {held.case_number}: due {due_display(held.due_at)}" in mail.body
    assert "03/10/2025 05:00 PM EDT" in mail.body
    # No patient data: not the member's name, ID or birth date.
    member = world.member
    for phi in (member.last_name, member.first_name, member.patient_id):
        assert phi not in mail.body and phi not in mail.subject
    assert member.date_of_birth.strftime("%m/%d/%Y") not in mail.body

    # The next run finds them warned: nothing recorded, nobody e-mailed again.
    assert due_warnings_send(now=NOW + dt.timedelta(minutes=5)) == 0
    assert len(mailoutbox) == 1


def test_a_new_due_time_is_warned_again(world, mailoutbox):
    lead("radiology.lead", world.radiology)
    case = due(world, NOW + dt.timedelta(hours=2))
    assert due_warnings_send(now=NOW) == 1
    Case.objects.filter(pk=case.pk).update(due_at=NOW + dt.timedelta(hours=3))
    assert due_warnings_send(now=NOW) == 1
    assert DueAlert.objects.filter(case=case, kind=DueAlert.Kind.WARNING).count() == 2
    assert len(mailoutbox) == 2


def test_each_lead_gets_one_e_mail_with_their_programs_cases_only(world, mailoutbox):
    first = lead("first.lead", world.radiology)
    second = lead("second.lead", world.radiology, world.dme)
    lead("dme.lead", world.dme)
    lead("gone.lead", world.radiology, active=False)
    reviewer("not.a.lead", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)
    cases = [due(world, NOW + dt.timedelta(hours=h)) for h in (1, 2, 3)]

    assert due_warnings_send(now=NOW) == 3

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([first.email, second.email])
    for mail in mailoutbox:
        assert len(mail.to) == 1
        for case in cases:
            assert f"Case {case.case_number}:" in mail.body


def test_no_lead_no_e_mail_but_the_warning_is_recorded(world, mailoutbox):
    lead("dme.lead", world.dme)
    due(world, NOW + dt.timedelta(hours=1))
    assert due_warnings_send(now=NOW) == 1
    assert mailoutbox == []


def test_nothing_due_records_and_sends_nothing(world, mailoutbox):
    lead("radiology.lead", world.radiology)
    due(world, NOW + dt.timedelta(days=3))
    assert due_warnings_send(now=NOW) == 0
    assert mailoutbox == [] and not DueAlert.objects.exists()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_warnings_nobody_was_told_of_are_sent_by_the_next_run(world, settings, mailoutbox):
    lead("radiology.lead", world.radiology)
    case = due(world, NOW + dt.timedelta(hours=1))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        closed_port(),
        5,
    )

    with pytest.raises(OSError):
        due_warnings_send(now=NOW)
    assert not DueAlert.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert due_warnings_send(now=NOW + dt.timedelta(minutes=5)) == 1
    (mail,) = mailoutbox
    assert f"Case {case.case_number}:" in mail.body


def test_the_warnings_queries_do_not_grow_with_the_cases(world, mailoutbox):
    lead("radiology.lead", world.radiology)
    lead("both.lead", world.radiology, world.dme)

    def queries_for(count: int, now: dt.datetime) -> int:
        for _ in range(count):
            due(world, now + dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            assert due_warnings_send(now=now) == count
        return len(queries)

    assert queries_for(3, NOW) == queries_for(30, NOW + dt.timedelta(days=2)) <= 3


# Breaches.


def test_breaches_are_recorded_once_per_case_and_due_time(world):
    overdue = due(world, NOW - dt.timedelta(minutes=1))
    held = due(world, NOW - dt.timedelta(days=1), status=Case.Status.HOLD)
    just_due = due(world, NOW)
    due(world, NOW + dt.timedelta(days=1))
    due(world, NOW - dt.timedelta(days=1), status=Case.Status.DENIED)

    assert due_breaches_record(now=NOW) == 3

    breaches = DueAlert.objects.filter(kind=DueAlert.Kind.BREACH)
    assert sorted(breaches.values_list("case_id", "due_at", "recorded_at")) == sorted(
        [
            (overdue.pk, overdue.due_at, NOW),
            (held.pk, held.due_at, NOW),
            (just_due.pk, just_due.due_at, NOW),
        ]
    )
    assert due_breaches_record(now=NOW + dt.timedelta(minutes=5)) == 0
    assert breaches.count() == 3
    # Due again (information received) and breached again: a breach of the new due time.
    Case.objects.filter(pk=overdue.pk).update(due_at=NOW + dt.timedelta(hours=1))
    assert due_breaches_record(now=NOW + dt.timedelta(hours=2)) == 1
    assert DueAlert.objects.filter(case=overdue, kind=DueAlert.Kind.BREACH).count() == 2


def test_a_breach_and_a_warning_of_the_same_case_are_both_kept(world, mailoutbox):
    case = due(world, NOW + dt.timedelta(hours=1))
    assert due_warnings_send(now=NOW) == 1
    assert due_breaches_record(now=NOW + dt.timedelta(hours=2)) == 1
    assert sorted(DueAlert.objects.filter(case=case).values_list("kind", flat=True)) == [
        DueAlert.Kind.BREACH,
        DueAlert.Kind.WARNING,
    ]


def test_the_breaches_queries_do_not_grow_with_the_cases(world):
    def queries_for(count: int, now: dt.datetime) -> int:
        for _ in range(count):
            due(world, now - dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            assert due_breaches_record(now=now) == count
        return len(queries)

    assert queries_for(3, NOW) == queries_for(30, NOW + dt.timedelta(days=2)) == 1
