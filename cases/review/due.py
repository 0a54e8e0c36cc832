"""Medical review's time limits: when a hold's information is due, and the sweeps that warn the
queue's leads of cases due within the next 24 hours and record the breaches of cases past their
due time (DueAlert, once per case, due time and kind).

Both sweeps are set-based: one INSERT ... SELECT ... ON CONFLICT DO NOTHING over the review
queue's partial index whatever the number of cases, so a retried or overlapping run records
nothing twice and e-mails nobody twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection

from accounts.models import User
from cases.models import Case, DueAlert
from cases.review.access import REVIEW_STATUSES
from eligibility.calendar import business_day_nth
from eligibility.models import Delegation

logger = logging.getLogger(__name__)

WARNING_WINDOW = dt.timedelta(hours=24)
WARNING_SUBJECT = "{portal}: {count} medical review case{s} due within 24 hours"


def portal_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def delegation_rule(case: Case, name: str):
    """The case's delegation's time limit `name`, or the model's default when it has none."""
    if case.delegation_id is not None:
        return getattr(case.delegation, name)
    return Delegation._meta.get_field(name).get_default()


def hold_due_at(case: Case, *, now: dt.datetime) -> dt.datetime:
    """When the information a hold asks for is due: an urgent case within the plan's urgent
    hours from now; otherwise the plan's hold_response_days counted as its standard limit is
    (business days, the first being tomorrow's, when the plan counts business days; calendar
    days otherwise), to the end (midnight) of the last day in the portal's time zone."""
    if case.is_urgent:
        return now + dt.timedelta(hours=delegation_rule(case, "urgent_decision_hours"))
    days = delegation_rule(case, "hold_response_days")
    today = now.astimezone(portal_zone()).date()
    if delegation_rule(case, "decision_days_are_business_days"):
        last_day = business_day_nth(today + dt.timedelta(days=1), days)
    else:
        last_day = today + dt.timedelta(days=days)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=portal_zone())


def due_display(moment: dt.datetime) -> str:
    """A due time as the e-mail shows it, in the portal's time zone: 11/25/2025 03:00 PM EST."""
    return moment.astimezone(portal_zone()).strftime("%m/%d/%Y %I:%M %p %Z")


@dataclass(frozen=True)
class NewWarning:
    case_id: int
    case_number: str
    program_id: int
    due_at: dt.datetime


def _tables() -> dict[str, str]:
    return {"alert": DueAlert._meta.db_table, "case": Case._meta.db_table}


# One statement: record the warnings of the cases in review or on hold due within the window
# (the review queue's partial index finds them), and read back only those this run recorded.
_WARNINGS_SQL = """
WITH recorded AS (
    INSERT INTO {alert} (case_id, kind, due_at, recorded_at)
    SELECT c.id, %(kind)s, c.due_at, %(now)s
    FROM {case} c
    WHERE c.status = ANY(%(statuses)s) AND c.due_at > %(now)s AND c.due_at <= %(until)s
    ON CONFLICT DO NOTHING
    RETURNING case_id, due_at
)
SELECT recorded.case_id, c.case_number, c.program_id, recorded.due_at
FROM recorded JOIN {case} c ON c.id = recorded.case_id
ORDER BY recorded.due_at, c.case_number
"""

_BREACHES_SQL = """
INSERT INTO {alert} (case_id, kind, due_at, recorded_at)
SELECT c.id, %(kind)s, c.due_at, %(now)s
FROM {case} c
WHERE c.status = ANY(%(statuses)s) AND c.due_at <= %(now)s
ON CONFLICT DO NOTHING
"""


def _warnings_record(now: dt.datetime) -> list[NewWarning]:
    params = {
        "kind": DueAlert.Kind.WARNING.value,
        "now": now,
        "until": now + WARNING_WINDOW,
        "statuses": [str(status) for status in REVIEW_STATUSES],
    }
    with connection.cursor() as cursor:
        # Table names come from the models, never from input.
        cursor.execute(_WARNINGS_SQL.format(**_tables()), params)
        return [NewWarning(*row) for row in cursor.fetchall()]


def _leads_by_program(program_ids: set[int]) -> dict[int, list[str]]:
    """The e-mail addresses of the active review leads of each program (one query)."""
    through = User.review_programs.through
    rows = (
        through.objects.filter(
            program_id__in=program_ids, user__is_review_lead=True, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("program_id", "user__email")
    )
    leads: dict[int, list[str]] = defaultdict(list)
    for program_id, email in rows:
        leads[program_id].append(email)
    return leads


def warning_message(warnings: list[NewWarning]) -> tuple[str, str]:
    """The subject and body of a lead's e-mail: case numbers and due times only (no member,
    no procedure: the case itself is read behind the portal's log-in)."""
    count = len(warnings)
    subject = WARNING_SUBJECT.format(
        portal=settings.PORTAL_NAME, count=count, s="" if count == 1 else "s"
    )
    lines = [
        "These cases in the Medical Review Queue are due within the next 24 hours:",
        "",
        *(f"Case {w.case_number}: due {due_display(w.due_at)}" for w in warnings),
        "",
        f"Open the queue: {settings.PORTAL_URL.rstrip('/')}/cases/review/",
    ]
    return subject, "\n".join(lines) + "\n"


def due_warnings_send(*, now: dt.datetime) -> int:
    """Warn the queue's leads of the cases in review or on hold due within the next 24 hours:
    each such case gets one warning per due time (recorded once, whatever the runs), and each
    active review lead of the cases' programs one e-mail per run listing the new warnings of
    their programs. E-mail is sent after the warnings are recorded (no I/O in a transaction);
    when no e-mail could be sent at all, the new warnings are removed again so that the next
    run sends them. Returns how many warnings this run recorded."""
    warnings = _warnings_record(now)
    if not warnings:
        return 0
    leads = _leads_by_program({w.program_id for w in warnings})
    per_lead: dict[str, list[NewWarning]] = defaultdict(list)
    for warning in warnings:
        for email in leads.get(warning.program_id, ()):
            per_lead[email].append(warning)
    _mail_leads(per_lead, warnings, now=now)
    return len(warnings)


def _mail_leads(
    per_lead: dict[str, list[NewWarning]], warnings: list[NewWarning], *, now: dt.datetime
) -> None:
    sent, failure = 0, None
    try:
        with get_connection() as mail:
            for email, theirs in sorted(per_lead.items()):
                subject, body = warning_message(theirs)
                try:
                    EmailMessage(subject, body, to=[email], connection=mail).send()
                    sent += 1
                except Exception as error:  # one lead's address must not stop the others
                    logger.exception("Due warnings: the e-mail to a review lead failed")
                    failure = failure or error
    except Exception as error:  # the mail server could not be reached at all
        failure = failure or error
    if failure is not None and sent == 0:
        # Nobody was told: forget this run's warnings so that the next run sends them.
        DueAlert.objects.filter(
            kind=DueAlert.Kind.WARNING,
            recorded_at=now,
            case_id__in=[w.case_id for w in warnings],
        ).delete()
        raise failure


def due_breaches_record(*, now: dt.datetime) -> int:
    """Record a breach for each case in review or on hold whose due time has come without a
    decision, once per case and due time. Returns how many this run recorded."""
    params = {
        "kind": DueAlert.Kind.BREACH.value,
        "now": now,
        "statuses": [str(status) for status in REVIEW_STATUSES],
    }
    with connection.cursor() as cursor:
        cursor.execute(_BREACHES_SQL.format(**_tables()), params)
        recorded = cursor.rowcount
    if recorded:
        logger.warning("Medical review: %s case(s) past their due time", recorded)
    return recorded


__all__ = [
    "WARNING_WINDOW",
    "delegation_rule",
    "due_breaches_record",
    "due_display",
    "due_warnings_send",
    "hold_due_at",
    "portal_zone",
    "warning_message",
]
