"""Drafts: starting one, opening one for a step (row-locked, checked), saving a step's answer
(clearing what depended on it), deleting, and the expiry of drafts never submitted.

Every write of a step goes through `draft_step_open` + `step_answer_save` inside one
transaction that holds the draft's row lock, so a double POST, a second tab or a crash leave
the draft as one whole step or the other, never half of each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case, StatusEvent
from cases.selectors import cases_for_user, draft_for_update, draft_with_related
from cases.wizard import steps
from eligibility.calendar import business_day_nth
from eligibility.models import Program

DRAFT_BUSINESS_DAYS = 2

EXPIRED_MESSAGE = (
    "This request was not submitted by the end of its second business day and has expired. "
    "Please start a new request."
)
NOT_A_DRAFT_MESSAGE = "This request has been submitted and can no longer be changed here."
LOCKED_MESSAGE = (
    "The Provider, Patient and Service information cannot be changed after you continued to "
    "the clinical information."
)
NO_PROVIDERS_MESSAGE = "There are no active providers associated with your account."


class DraftClosed(CaseError):
    """The draft can no longer be changed: expired, submitted, or past lock-in."""


class StepNotReachable(CaseError):
    """A step before this one is not complete; `step` is where the user should go."""

    def __init__(self, message: str, *, step: steps.Step | None):
        super().__init__(message)
        self.step = step


def draft_expires_at(started: dt.datetime) -> dt.datetime:
    """The end (midnight) of the draft's second business day, in the portal's time zone; the
    day it was started is its first when that is a business day."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start_day = started.astimezone(zone).date()
    last_day = business_day_nth(start_day, DRAFT_BUSINESS_DAYS)
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def draft_start(
    *,
    user: User,
    program: Program,
    now: dt.datetime | None = None,
    start_token: UUID | None = None,
) -> Case:
    """A new draft for the user's office, with its program chosen. The same start_token again
    (the form posted twice) returns the draft it started."""
    office = user.office
    if office is None:
        raise CaseError("Only office users can request an authorization.")
    if start_token is not None:
        started = Case.objects.filter(office=office, start_token=start_token).first()
        if started is not None:
            return started
    try:
        return _draft_create(user=user, program=program, now=now, start_token=start_token)
    except IntegrityError:
        # The other POST of the pair committed first.
        return Case.objects.get(office=office, start_token=start_token)


@transaction.atomic
def _draft_create(
    *, user: User, program: Program, now: dt.datetime | None, start_token: UUID | None
) -> Case:
    now = now or timezone.now()
    case = Case.objects.create(
        office=user.office,
        created_by=user,
        program=program,
        expires_at=draft_expires_at(now),
        start_token=start_token,
    )
    StatusEvent.objects.create(
        case=case, from_status="", to_status=Case.Status.DRAFT, by=user, at=now, reason="Started"
    )
    return case


def draft_for_view(*, user: User, public_id: UUID, step_name: str | None = None) -> Case:
    """The draft as a step's GET shows it (no lock). Raises Case.DoesNotExist for another
    office's case, DraftClosed, or StepNotReachable."""
    case = draft_with_related(cases_for_user(user)).get(public_id=public_id)
    message = _closed_message(case, now=timezone.now())
    if message:
        raise DraftClosed(message)
    if step_name is not None:
        _check_reachable(case, step_name)
    return case


@contextmanager
def draft_step_open(*, user: User, public_id: UUID, step_name: str) -> Iterator[Case]:
    """The draft, its row locked, for one step's write: the caller's writes and this check
    are one transaction. A draft whose time is up is expired here (committed) and
    DraftClosed raised."""
    now = timezone.now()
    with transaction.atomic():
        case = draft_for_update(cases_for_user(user)).get(public_id=public_id)
        message = _closed_message(case, now=now)
        if message is None:
            _check_reachable(case, step_name)
            yield case
            return
        if case.is_draft:
            _draft_expire(case, now=now)
    raise DraftClosed(message)


def step_answer_save(case: Case, step_name: str, values: dict) -> bool:
    """Write a step's fields; when any changed, clear the answers of the steps that depended
    on them. Returns whether anything changed. The caller holds the row lock."""
    changed = [name for name, value in values.items() if getattr(case, name) != value]
    for name, value in values.items():
        setattr(case, name, value)
    if changed:
        _dependents_clear(case, step_name)
    case.save()
    return bool(changed)


def _dependents_clear(case: Case, step_name: str) -> None:
    cleared = list(steps.FIELD_DEPENDENTS.get(step_name, ()))
    for dependent in steps.DEPENDENTS.get(step_name, ()):
        if dependent == "patient" and step_name == "date-of-service" and _patient_still_fits(case):
            continue
        cleared.extend(steps.BY_NAME[dependent].fields)
    for field_name in cleared:
        if field_name == "procedure_lines":
            case.procedure_lines.all().delete()
            case.refresh_from_db(fields=["procedure_lines"])
            continue
        field = Case._meta.get_field(field_name)
        setattr(case, field.attname, None if field.is_relation else field.get_default())


@transaction.atomic
def draft_delete(*, user: User, public_id: UUID) -> None:
    """Delete an office's draft (Certification Requests In Progress › Delete). Only drafts:
    anything submitted stays."""
    case = cases_for_user(user).select_for_update().get(public_id=public_id)
    if message := _closed_message(case, now=timezone.now()):
        raise DraftClosed(message)
    case.delete()


def _patient_still_fits(case: Case) -> bool:
    """A new date of service keeps the chosen patient (a follow-on case's copied one too) when
    the coverage and the plan's delegation still hold on it, and a retrospective request is
    still within the plan's window."""
    day = case.date_of_service
    coverage, delegation = case.coverage, case.delegation
    if day is None or coverage is None or delegation is None:
        return False
    if not (coverage.is_active_on(day) and delegation.is_active_on(day)):
        return False
    if case.service_performed:
        age = (timezone.localdate() - day).days
        return age <= delegation.retrospective_window_days
    return True


def drafts_expire(*, now: dt.datetime) -> int:
    """Expire every draft whose time is up (the beat task calls this). No correspondence.
    Returns how many expired."""
    expired = 0
    due = Case.objects.filter(status=Case.Status.DRAFT, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in due.iterator():
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Case.Status.DRAFT, expires_at__lte=now)
                .first()
            )
            if case is not None:
                _draft_expire(case, now=now)
                expired += 1
    return expired


def _draft_expire(case: Case, *, now: dt.datetime) -> None:
    case.status = Case.Status.EXPIRED
    case.save(update_fields=["status", "updated_at"])
    StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.DRAFT,
        to_status=Case.Status.EXPIRED,
        by=None,
        at=now,
        reason="Not submitted by the end of its second business day",
    )


def _closed_message(case: Case, *, now: dt.datetime) -> str | None:
    if case.status == Case.Status.EXPIRED:
        return EXPIRED_MESSAGE
    if not case.is_draft:
        return NOT_A_DRAFT_MESSAGE
    if case.expires_at is not None and case.expires_at <= now:
        return EXPIRED_MESSAGE
    return None


def _check_reachable(case: Case, step_name: str) -> None:
    if case.is_locked:
        raise DraftClosed(LOCKED_MESSAGE)
    if not steps.is_reachable(case, step_name):
        raise StepNotReachable(
            "Please complete this step first.", step=steps.first_incomplete(case)
        )


# The clinical phase checks and expires drafts the same way.
draft_closed_message = _closed_message
draft_expire = _draft_expire
