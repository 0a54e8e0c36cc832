"""The medical review's determinations, one service per transition (the case screen's forms call
them): outcomes.py (approve, partially approve, deny, escalate, cancel), alternative.py (recommend
an alternative; the office's acceptance), levels.py (reconsideration and appeal requests
entering the queue, and deciding them), guards.py (what every one checks and writes)."""

from cases.review.decisions.alternative import (
    alternative_accept,
    alternative_accept_by,
    case_recommend_alternative,
)
from cases.review.decisions.levels import request_decide, request_review_open
from cases.review.decisions.outcomes import (
    case_approve,
    case_cancel,
    case_deny,
    case_escalate,
    case_partially_approve,
)

__all__ = [
    "alternative_accept",
    "alternative_accept_by",
    "case_approve",
    "case_cancel",
    "case_deny",
    "case_escalate",
    "case_partially_approve",
    "case_recommend_alternative",
    "request_decide",
    "request_review_open",
]
