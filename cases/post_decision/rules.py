"""The post-decision options of a case, as the decks' rules make them: which of reconsideration,
peer-to-peer (P2P), appeal and retrospective review apply, until when, and if not, why.

Pure functions of what is known about the case (cases.post_decision.facts.CaseFacts, built by
cases.post_decision.selectors.post_decision_facts) and an explicit `now`: no database, no
clock. The medical review (issue 8) decides reconsiderations and appeals with them, the P2P
scheduler (issue 9) books with `p2p_eligibility`.

- Reconsideration (deck 003 "Reconsideration Options", deck 004 "Post-Decision Options"):
  commercial memberships only ("Medicare does not allow reconsiderations"), when the plan
  delegates it, after a denial or a partial approval, "on or before the anticipated date the
  services will be performed", "as long as an appeal has not been filed"; one per case.
- Peer-to-peer (deck 002 "How does a Peer-to-Peer Consultation (P2P) work?", deck 004 "must
  occur prior to the due date"): pre-decision while the case is in review or on hold before its
  due time; "Reconsideration P2P" while a reconsideration is open to the case (and the plan
  delegates P2Ps); after any other adverse decision consultative only, with the decks' message.
  The pre-decision P2P is part of the initial review and does not depend on the delegation's
  `p2p_allowed`, which says whether a P2P may change a decision already made.
- Appeal (deck 003 "Appeals need to be submitted … within 180 days of the initial
  determination"): after a denial or a partial approval, within the delegation's appeal window
  of the first adverse determination, one per case, not while a reconsideration is being
  decided. Medicare Advantage appeals go to the health plan (deck 002's MA column): the plan's
  instructions, no request through the portal.
- Retrospective review (deck 003 "Retrospective Authorization Requests", deck 002 scenario 4):
  for a service performed without an authorization, within the delegation's window of the
  date of service (30 calendar days by default); a new request in the wizard answering that the
  service was already performed.

Days are the portal's days (settings.TIME_ZONE); an "until" day is the last day it applies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from cases.models import PostDecisionRequest
from cases.post_decision.facts import (
    ADVERSE,
    UNDECIDED,
    CaseFacts,
    RequestMade,
    Status,
    portal_today,
)
from cases.post_decision.wording import (
    APPEAL_ALLOWED,
    APPEAL_ALREADY,
    APPEAL_NO_DETERMINATION,
    APPEAL_RECONSIDERATION_OPEN,
    APPEAL_TO_PLAN,
    APPEAL_WINDOW_PASSED,
    APPROVED_NO_OPTION,
    CANCELLED_NO_OPTION,
    CONSULTATIVE_ONLY,
    EXPIRED,
    NO_DATE_OF_SERVICE,
    NOT_SUBMITTED,
    P2P_APPROVED,
    P2P_CANCELLED,
    P2P_DUE_PASSED,
    PRE_DECISION_P2P,
    RECONSIDERATION_AFTER_APPEAL,
    RECONSIDERATION_ALLOWED,
    RECONSIDERATION_ALREADY,
    RECONSIDERATION_COMMERCIAL_ONLY,
    RECONSIDERATION_NOT_DELEGATED,
    RECONSIDERATION_PAST_DATE_OF_SERVICE,
    RECONSIDERATION_SERVICE_PERFORMED,
    RETROSPECTIVE_ALLOWED,
    RETROSPECTIVE_AUTHORIZED,
    RETROSPECTIVE_DECIDED,
    RETROSPECTIVE_NOT_YET,
    RETROSPECTIVE_THIS_CASE,
    RETROSPECTIVE_THIS_CASE_DECIDED,
    RETROSPECTIVE_UNDECIDED,
    RETROSPECTIVE_WINDOW_PASSED,
    UNDECIDED_NO_OPTION,
    day_text,
    moment_text,
    when_text,
)
from eligibility.models import LineOfBusiness

Kind = PostDecisionRequest.Kind
COMMERCIAL = LineOfBusiness.Kind.COMMERCIAL
MEDICARE = LineOfBusiness.Kind.MEDICARE


class OptionKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "Reconsideration"
    PEER_TO_PEER = "peer_to_peer", "Peer to Peer Consultation"
    APPEAL = "appeal", "Appeal"
    RETROSPECTIVE = "retrospective", "Retrospective Review"


class P2PLevel(models.TextChoices):
    """The level of review of a peer-to-peer, as the scheduler shows it ("Level of Review
    Reconsideration P2P")."""

    PRE_DECISION = "pre_decision", "Pre-Decision P2P"
    RECONSIDERATION = "reconsideration", "Reconsideration P2P"
    CONSULTATIVE = "consultative", "Consultative Only P2P"


# --- What the office is told -------------------------------------------------------------------


@dataclass(frozen=True)
class OptionAnswer:
    """One post-decision option for the case: whether it applies, the last day (or moment) it
    does, and what the office reads: how and until when, or why not. `request_kind` is the
    PostDecisionRequest kind the portal's own form takes for it (None: no form here)."""

    kind: str
    applies: bool
    message: str
    until: dt.date | dt.datetime | None = None
    instructions: str = ""
    request_kind: str | None = None

    @property
    def title(self) -> str:
        return OptionKind(self.kind).label

    @property
    def until_text(self) -> str:
        return when_text(self.until)


@dataclass(frozen=True)
class P2PEligibility:
    """ "P2P Eligibility Result": eligible with a level of review, valid until a day or moment,
    or not eligible, and the message the office reads either way."""

    eligible: bool
    message: str
    level: str | None = None  # P2PLevel
    valid_until: dt.date | dt.datetime | None = None

    @property
    def level_label(self) -> str:
        return P2PLevel(self.level).label if self.level else ""

    @property
    def valid_until_text(self) -> str:
        return when_text(self.valid_until)

    @property
    def can_change_decision(self) -> bool:
        return self.level in (P2PLevel.PRE_DECISION, P2PLevel.RECONSIDERATION)


# --- The rules ---------------------------------------------------------------------------------


def _no_decision_reason(facts: CaseFacts) -> str | None:
    """Why a case has no adverse decision to reconsider or appeal (None: it has one)."""
    return {
        Status.DRAFT: NOT_SUBMITTED,
        Status.EXPIRED: EXPIRED,
        Status.IN_REVIEW: UNDECIDED_NO_OPTION,
        Status.HOLD: UNDECIDED_NO_OPTION,
        Status.APPROVED: APPROVED_NO_OPTION,
        Status.CANCELLED: CANCELLED_NO_OPTION,
    }.get(facts.status)


def _reconsideration_refusal(facts: CaseFacts, today: dt.date) -> str | None:
    """Why a reconsideration is not open to the case, one already requested aside."""
    if reason := _no_decision_reason(facts):
        return reason
    if facts.line_of_business != COMMERCIAL:
        return RECONSIDERATION_COMMERCIAL_ONLY.format(line=facts.line_of_business_label)
    if not facts.rules.reconsideration_allowed:
        return RECONSIDERATION_NOT_DELEGATED.format(
            plan=facts.health_plan_name or "The health plan", portal=settings.PORTAL_NAME
        )
    if appeal := facts.request_of(Kind.APPEAL):
        return RECONSIDERATION_AFTER_APPEAL.format(requested=_requested_day(appeal))
    if facts.date_of_service is None:
        return NO_DATE_OF_SERVICE
    if facts.service_performed:
        return RECONSIDERATION_SERVICE_PERFORMED
    if today > facts.date_of_service:
        return RECONSIDERATION_PAST_DATE_OF_SERVICE.format(dos=day_text(facts.date_of_service))
    return None


def reconsideration_option(facts: CaseFacts, *, now: dt.datetime) -> OptionAnswer:
    """Reconsideration (re-review): commercial only, delegated, after a denial or a partial
    approval, on or before the date of service, not after an appeal, once."""
    kind = OptionKind.RECONSIDERATION
    if refusal := _reconsideration_refusal(facts, portal_today(now)):
        return OptionAnswer(kind, False, refusal)
    if made := facts.request_of(Kind.RECONSIDERATION):
        return OptionAnswer(
            kind,
            False,
            RECONSIDERATION_ALREADY.format(
                requested=_requested_day(made), status=made.status_label
            ),
        )
    until = facts.date_of_service
    return OptionAnswer(
        kind,
        True,
        RECONSIDERATION_ALLOWED.format(portal=settings.PORTAL_NAME, until=day_text(until)),
        until=until,
        request_kind=Kind.RECONSIDERATION,
    )


def p2p_eligibility(facts: CaseFacts, *, now: dt.datetime) -> P2PEligibility:
    """P2P AVAILABILITY's "P2P Eligibility Result": pre-decision while the case is in review or
    on hold before its due time; "Reconsideration P2P" while a reconsideration is open to the
    case (not yet requested, or requested and not yet decided) and the plan delegates P2Ps;
    after any other denial or partial approval consultative only. Not eligible before
    submission, once approved, or cancelled."""
    status = facts.status
    if status == Status.DRAFT:
        return P2PEligibility(False, NOT_SUBMITTED)
    if status == Status.EXPIRED:
        return P2PEligibility(False, EXPIRED)
    if status == Status.APPROVED:
        return P2PEligibility(False, P2P_APPROVED)
    if status == Status.CANCELLED:
        return P2PEligibility(False, P2P_CANCELLED)
    if status in UNDECIDED:
        if facts.due_at is not None and now >= facts.due_at:
            return P2PEligibility(False, P2P_DUE_PASSED.format(due=moment_text(facts.due_at)))
        due = moment_text(facts.due_at) if facts.due_at else "its due date"
        return P2PEligibility(
            True,
            PRE_DECISION_P2P.format(due=due),
            level=P2PLevel.PRE_DECISION,
            valid_until=facts.due_at,
        )
    reconsideration = facts.request_of(Kind.RECONSIDERATION)
    if (
        facts.rules.p2p_allowed
        and _reconsideration_refusal(facts, portal_today(now)) is None
        and (reconsideration is None or reconsideration.is_open)
    ):
        until = facts.date_of_service
        return P2PEligibility(
            True,
            RECONSIDERATION_ALLOWED.format(portal=settings.PORTAL_NAME, until=day_text(until)),
            level=P2PLevel.RECONSIDERATION,
            valid_until=until,
        )
    return P2PEligibility(
        True, CONSULTATIVE_ONLY.format(portal=settings.PORTAL_NAME), level=P2PLevel.CONSULTATIVE
    )


def p2p_option(facts: CaseFacts, *, now: dt.datetime) -> OptionAnswer:
    """The peer-to-peer as a row of ALL POST DECISION OPTIONS."""
    eligibility = p2p_eligibility(facts, now=now)
    message = eligibility.message
    if eligibility.eligible:
        message = f"{eligibility.level_label}: {message}"
    return OptionAnswer(
        OptionKind.PEER_TO_PEER,
        eligibility.eligible,
        message,
        until=eligibility.valid_until,
    )


def appeal_until(facts: CaseFacts) -> dt.date | None:
    """The last day an appeal is accepted: the delegation's window (180 days by default) after
    the initial determination."""
    if facts.determined_on is None:
        return None
    return facts.determined_on + dt.timedelta(days=facts.rules.appeal_window_days)


def appeal_option(facts: CaseFacts, *, now: dt.datetime) -> OptionAnswer:
    """First-level appeal: after a denial or a partial approval, within the appeal window of
    the initial determination, once, not while a reconsideration is being decided. Medicare
    Advantage members appeal to the health plan, with its instructions."""
    kind = OptionKind.APPEAL
    if reason := _no_decision_reason(facts):
        return OptionAnswer(kind, False, reason)
    if made := facts.request_of(Kind.APPEAL):
        return OptionAnswer(
            kind,
            False,
            APPEAL_ALREADY.format(requested=_requested_day(made), status=made.status_label),
        )
    reconsideration = facts.request_of(Kind.RECONSIDERATION)
    if reconsideration is not None and reconsideration.is_open:
        return OptionAnswer(
            kind,
            False,
            APPEAL_RECONSIDERATION_OPEN.format(requested=_requested_day(reconsideration)),
        )
    until = appeal_until(facts)
    if until is None:
        return OptionAnswer(kind, False, APPEAL_NO_DETERMINATION)
    words = {
        "days": facts.rules.appeal_window_days,
        "determined": day_text(facts.determined_on),
        "until": day_text(until),
    }
    instructions = facts.rules.appeal_instructions
    if portal_today(now) > until:
        return OptionAnswer(kind, False, APPEAL_WINDOW_PASSED.format(**words))
    if facts.line_of_business == MEDICARE:
        plan = facts.health_plan_name or "the health plan"
        return OptionAnswer(
            kind,
            True,
            APPEAL_TO_PLAN.format(plan=plan, **words),
            until=until,
            instructions=instructions,
        )
    return OptionAnswer(
        kind,
        True,
        APPEAL_ALLOWED.format(**words),
        until=until,
        instructions=instructions,
        request_kind=Kind.APPEAL,
    )


def retrospective_until(facts: CaseFacts) -> dt.date | None:
    """The last day a retrospective request is accepted: the delegation's window (30 calendar
    days by default) after the date of service."""
    if facts.date_of_service is None:
        return None
    return facts.date_of_service + dt.timedelta(days=facts.rules.retrospective_window_days)


def retrospective_within_window(facts: CaseFacts, *, now: dt.datetime) -> bool:
    """Whether a retrospective request for the case's date of service is within the window
    today (the medical review checks a retrospective case with it)."""
    until = retrospective_until(facts)
    return until is not None and portal_today(now) <= until


def retrospective_option(facts: CaseFacts, *, now: dt.datetime) -> OptionAnswer:
    """Post-service retrospective review, for a service performed without an authorization (a
    case cancelled, or expired before submission): from the date of service to the end of the
    window. A retrospective case is itself that review."""
    kind = OptionKind.RETROSPECTIVE
    status = facts.status
    if status == Status.DRAFT:
        return OptionAnswer(kind, False, NOT_SUBMITTED)
    if facts.date_of_service is None:
        return OptionAnswer(kind, False, NO_DATE_OF_SERVICE)
    dos = day_text(facts.date_of_service)
    if status == Status.APPROVED:
        return OptionAnswer(kind, False, RETROSPECTIVE_AUTHORIZED)
    if status in ADVERSE:
        if facts.service_performed:
            return OptionAnswer(kind, False, RETROSPECTIVE_THIS_CASE_DECIDED.format(dos=dos))
        return OptionAnswer(kind, False, RETROSPECTIVE_DECIDED)
    if status in UNDECIDED:
        if facts.service_performed:
            return OptionAnswer(kind, False, RETROSPECTIVE_THIS_CASE.format(dos=dos))
        return OptionAnswer(kind, False, RETROSPECTIVE_UNDECIDED)
    # Cancelled, or expired: no authorization for the service.
    today = portal_today(now)
    until = retrospective_until(facts)
    days = facts.rules.retrospective_window_days
    if today < facts.date_of_service:
        return OptionAnswer(kind, False, RETROSPECTIVE_NOT_YET.format(dos=dos))
    if today > until:
        return OptionAnswer(kind, False, RETROSPECTIVE_WINDOW_PASSED.format(days=days, dos=dos))
    return OptionAnswer(
        kind,
        True,
        RETROSPECTIVE_ALLOWED.format(days=days, dos=dos, until=day_text(until)),
        until=until,
    )


def post_decision_options(facts: CaseFacts, *, now: dt.datetime) -> list[OptionAnswer]:
    """ALL POST DECISION OPTIONS, in the decks' order."""
    return [
        reconsideration_option(facts, now=now),
        p2p_option(facts, now=now),
        appeal_option(facts, now=now),
        retrospective_option(facts, now=now),
    ]


REQUEST_OPTIONS = {
    Kind.RECONSIDERATION: reconsideration_option,
    Kind.APPEAL: appeal_option,
}


def request_option(facts: CaseFacts, kind: str, *, now: dt.datetime) -> OptionAnswer:
    """The option a request form of this kind (reconsideration or appeal) asks for; it can be
    requested through the portal when it applies with this `request_kind`."""
    return REQUEST_OPTIONS[kind](facts, now=now)


def _requested_day(made: RequestMade) -> str:
    return day_text(portal_today(made.requested_at))
