"""Which decision forms a reviewer gets for a case: those of the case's status and level of
review and the reviewer's role, as the services allow them (cases.review.decisions,
cases.review.holds); the services still check everything when a form is sent. Built from the
case the screen already loaded (its lines prefetched, its program and delegation joined): no
query of its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django import forms

from accounts.models import User
from cases.models import Case, Determination, ProcedureLine
from cases.review.access import REVIEW_STATUSES, is_medical_director
from cases.review.decide import forms as decide_forms
from cases.review.decisions.guards import ASSIGNED_ELSEWHERE, NEEDS_DIRECTOR
from cases.review.decisions.levels import APPEAL_DIRECTORS_ONLY, REQUEST_OUTCOMES
from cases.review.due import hold_due_at, portal_zone
from cases.review.screen.selectors import HistoryRow, reviewer_status_label

Status = Case.Status
Level = Case.ReviewLevel
Outcome = Determination.Outcome

APPROVE = "approve"
PARTIAL = "partial"
DENY = "deny"
ESCALATE = "escalate"
HOLD = "hold"
ALTERNATIVE = "alternative"
CANCEL = "cancel"
REQUEST = "request"

HELD = (
    "Waiting for the additional information, due {due}. When it is uploaded, or the due date "
    "passes, the case comes back to the queue."
)
HELD_AT_REQUEST_LEVEL = "Waiting for the additional information."


@dataclass(frozen=True)
class Action:
    key: str
    title: str
    button: str
    url_name: str
    form_class: type[forms.Form]
    template: str = "cases/review/partials/decision_form.html"
    button_class: str = "btn-primary"


ACTIONS = {
    action.key: action
    for action in (
        Action(
            APPROVE, "Approve", "Approve request", "cases:review-approve", decide_forms.ApproveForm
        ),
        Action(
            PARTIAL,
            "Partially approve",
            "Partially approve",
            "cases:review-partially-approve",
            decide_forms.PartialApproveForm,
            template="cases/review/partials/decision_lines.html",
        ),
        Action(
            DENY,
            "Deny",
            "Deny request",
            "cases:review-deny",
            decide_forms.DenyForm,
            button_class="btn-danger",
        ),
        Action(
            ESCALATE,
            "Escalate to medical director",
            "Escalate to medical director",
            "cases:review-escalate",
            decide_forms.EscalateForm,
            button_class="btn-warning",
        ),
        Action(
            HOLD,
            "Hold: Additional Information Required",
            "Put on hold",
            "cases:review-hold",
            decide_forms.HoldForm,
            template="cases/review/partials/decision_hold.html",
            button_class="btn-warning",
        ),
        Action(
            ALTERNATIVE,
            "Recommend an alternative",
            "Recommend alternative",
            "cases:review-alternative",
            decide_forms.AlternativeForm,
        ),
        Action(
            CANCEL,
            "Cancel the case",
            "Cancel case",
            "cases:review-cancel",
            decide_forms.CancelForm,
            button_class="btn-outline-danger",
        ),
        Action(
            REQUEST,
            "Outcome of the request",
            "Record outcome",
            "cases:review-request-decide",
            decide_forms.RequestDecideForm,
            template="cases/review/partials/decision_lines.html",
        ),
    )
}

NURSE_INITIAL = (APPROVE, PARTIAL, ESCALATE, HOLD, CANCEL)
DIRECTOR_INITIAL = (APPROVE, PARTIAL, DENY, HOLD, ALTERNATIVE, CANCEL)


def _lines(case: Case) -> list[ProcedureLine]:
    return list(case.procedure_lines.all())


def partial_possible(lines: Sequence[ProcedureLine]) -> bool:
    """A partial approval approves some and denies or reduces some: not for one unit of one
    line (cases.review.decisions.guards.lines_partially_approved)."""
    return len(lines) > 1 or any(line.quantity_requested > 1 for line in lines)


def request_outcomes(case: Case, user: User) -> list[str]:
    """The outcomes of a reconsideration or appeal `user` may choose: a medical director any;
    a nurse reviewer overturns only (an adverse outcome is a director's; so is an appeal, which
    the service refuses a nurse)."""
    if not is_medical_director(user):
        return [Outcome.OVERTURNED]
    possible = partial_possible(_lines(case))
    return [o for o in REQUEST_OUTCOMES if possible or o != Outcome.PARTIALLY_OVERTURNED]


def decision_actions(case: Case, user: User) -> tuple[list[str], str]:
    """The actions `user` may take on the case now, and a notice of why there are none (or
    fewer) when there is one."""
    if case.status not in REVIEW_STATUSES:
        return [], ""
    if case.assigned_to_id is not None and case.assigned_to_id != user.pk:
        assignee = case.assigned_to
        return [], ASSIGNED_ELSEWHERE.format(
            name=assignee.get_full_name() or assignee.get_username()
        )
    director = is_medical_director(user)
    if case.needs_medical_director and not director:
        return [], NEEDS_DIRECTOR
    at_request_level = case.review_level in (Level.RECONSIDERATION, Level.APPEAL)
    if case.status == Status.HOLD:
        return ([], HELD_AT_REQUEST_LEVEL) if at_request_level else ([CANCEL], "")
    if at_request_level:
        if director:
            return [REQUEST], ""
        if case.review_level == Level.APPEAL:
            return [ESCALATE], APPEAL_DIRECTORS_ONLY
        return [REQUEST, ESCALATE], ""
    actions = DIRECTOR_INITIAL if director else NURSE_INITIAL
    if not partial_possible(_lines(case)):
        actions = tuple(a for a in actions if a != PARTIAL)
    return list(actions), ""


def form_for(key: str, *, case: Case, user: User, data=None) -> forms.Form:
    """The form of action `key` for the case, bound to `data` when given."""
    kwargs: dict = {"prefix": key}
    if key == PARTIAL:
        kwargs["lines"] = _lines(case)
    elif key == REQUEST:
        kwargs["lines"] = _lines(case)
        kwargs["outcomes"] = request_outcomes(case, user)
    elif key == HOLD:
        kwargs["equipment"] = case.program.is_equipment
    return ACTIONS[key].form_class(data, **kwargs)


@dataclass
class Entry:
    action: Action
    form: forms.Form
    open: bool = False
    title: str = ""


@dataclass
class DecisionPanel:
    entries: list[Entry] = field(default_factory=list)
    notice: str = ""
    # The errors of a form sent for an action the reviewer is not offered (a nurse's denial).
    refusal: str = ""
    # A decided case: the status event that decided it.
    decided: HistoryRow | None = None
    decided_label: str = ""
    hold_due: str = ""


def due_words(at: dt.datetime) -> str:
    """A due time in the portal's zone; a due time at midnight is the end of the day before."""
    local = at.astimezone(portal_zone())
    if local.time() == dt.time():
        return f"the end of {local.date() - dt.timedelta(days=1):%-m/%-d/%Y}"
    return f"{local:%-m/%-d/%Y %-I:%M %p %Z}"


def decision_panel(
    case: Case,
    user: User,
    *,
    now: dt.datetime,
    history: Sequence[HistoryRow],
    posted: tuple[str, forms.Form] | None = None,
) -> DecisionPanel:
    """The panel of the case screen: the forms of the actions `user` may take (the one just
    sent, bound and open, when it is one of them), or what was decided."""
    actions, notice = decision_actions(case, user)
    panel = DecisionPanel(notice=notice)
    posted_key, posted_form = posted if posted else (None, None)
    for key in actions:
        action = ACTIONS[key]
        title = action.title
        if key == REQUEST:
            title = f"Decide the {case.get_review_level_display().lower()}"
        if key == posted_key:
            panel.entries.append(Entry(action, posted_form, open=True, title=title))
        else:
            form = form_for(key, case=case, user=user)
            panel.entries.append(Entry(action, form, title=title))
    if posted_form is not None and posted_key not in actions:
        errors = [message for messages in posted_form.errors.values() for message in messages]
        panel.refusal = " ".join(errors)
    if HOLD in actions:
        panel.hold_due = due_words(hold_due_at(case, now=now))
    if case.status == Status.HOLD and case.hold_due_at and not notice:
        panel.notice = HELD.format(due=due_words(case.hold_due_at))
    if case.status not in REVIEW_STATUSES:
        panel.decided_label = reviewer_status_label(case.status)
        decisions = [row for row in history if row.event.to_status == case.status]
        panel.decided = decisions[-1] if decisions else None
    return panel


__all__ = [
    "ACTIONS",
    "DecisionPanel",
    "decision_actions",
    "decision_panel",
    "due_words",
    "form_for",
    "partial_possible",
    "request_outcomes",
]
