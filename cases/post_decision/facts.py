"""What the post-decision rules (cases.post_decision.rules) know about one case, built by
cases.post_decision.selectors.post_decision_facts: its status, line of business and plan, date
of service, due time, the day of its initial adverse determination, the delegation's rules and
the requests already made. Days are the portal's days (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from cases.models import Case, PostDecisionRequest
from eligibility.models import Delegation, LineOfBusiness

Status = Case.Status

# A decision the office may ask to change: a denial, or a partial approval (for what was
# denied).
ADVERSE = frozenset({Status.DENIED, Status.PARTIALLY_APPROVED})
UNDECIDED = frozenset({Status.IN_REVIEW, Status.HOLD})
# The levels of review a request opens: while one is decided, the case is in review (or on
# hold) again, and the rules read the decision under review.
REQUEST_LEVELS = frozenset({Case.ReviewLevel.RECONSIDERATION, Case.ReviewLevel.APPEAL})


def portal_today(now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


@dataclass(frozen=True)
class DelegationRules:
    """The plan's rules for the case's program and line of business (the defaults when the case
    has no delegation)."""

    reconsideration_allowed: bool
    p2p_allowed: bool
    appeal_window_days: int
    appeal_instructions: str
    retrospective_window_days: int

    @classmethod
    def of(cls, delegation: Delegation | None) -> DelegationRules:
        names = (
            "reconsideration_allowed",
            "p2p_allowed",
            "appeal_window_days",
            "appeal_instructions",
            "retrospective_window_days",
        )
        if delegation is None:
            return cls(**{name: Delegation._meta.get_field(name).get_default() for name in names})
        return cls(**{name: getattr(delegation, name) for name in names})


@dataclass(frozen=True)
class RequestMade:
    """A reconsideration or appeal already requested, and where it stands."""

    kind: str
    status: str
    requested_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.status == PostDecisionRequest.Status.RECEIVED

    @property
    def status_label(self) -> str:
        return PostDecisionRequest.Status(self.status).label


@dataclass(frozen=True)
class CaseFacts:
    """Everything the rules read about one case."""

    # The case's status; while a reconsideration or appeal request is decided (the case in
    # review or on hold at that level), the decision under review (a denial or a partial
    # approval), so the options stay those of that decision.
    status: str
    line_of_business: str | None  # LineOfBusiness.Kind
    health_plan_name: str
    date_of_service: dt.date | None
    service_performed: bool
    due_at: dt.datetime | None
    # The day of the initial adverse determination (its status event; else the review date).
    determined_on: dt.date | None
    rules: DelegationRules
    requests: tuple[RequestMade, ...] = ()

    def request_of(self, kind: str) -> RequestMade | None:
        return next((made for made in self.requests if made.kind == kind), None)

    @property
    def line_of_business_label(self) -> str:
        if self.line_of_business is None:
            return "not known"
        return LineOfBusiness.Kind(self.line_of_business).label
