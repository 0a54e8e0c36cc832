"""The decision panel's POST views, one per form: parse the form, call the one service, and
either say what happened and go back to the Medical Review Queue, or show the case screen
again with the service's reason next to the field (everything typed kept, nothing written).
Reviewers only; a case the reviewer may not decide is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case
from cases.review import decisions
from cases.review.access import reviewer_required
from cases.review.decide import panel
from cases.review.decisions.levels import DECIDED_REASONS
from cases.review.holds import case_hold
from cases.review.screen.views import case_screen, screen_case

LETTERS = "Letters are being sent."

Decider = Callable[..., str]


def _approve(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    decided = decisions.case_approve(
        user=user, public_id=case.public_id, now=now, rationale=data["rationale"]
    )
    return (
        f"Case {decided.case_number} approved (authorization number "
        f"{decided.authorization_number}). {LETTERS}"
    )


def _partially_approve(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    decided = decisions.case_partially_approve(
        user=user,
        public_id=case.public_id,
        now=now,
        lines=data["lines"],
        rationale=data["rationale"],
        guideline=data["guideline"],
        criterion=data["criterion"],
    )
    return f"Case {decided.case_number} partially approved. {LETTERS}"


def _deny(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    decided = decisions.case_deny(
        user=user,
        public_id=case.public_id,
        now=now,
        rationale=data["rationale"],
        guideline=data["guideline"],
        criterion=data["criterion"],
        denial_reason=data["denial_reason"],
    )
    return f"Case {decided.case_number} denied. {LETTERS}"


def _escalate(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    decided = decisions.case_escalate(
        user=user, public_id=case.public_id, now=now, note=data["note"]
    )
    return f"Case {decided.case_number} escalated to a medical director."


def _hold(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    held = case_hold(
        user=user,
        public_id=case.public_id,
        now=now,
        checklist=data["checklist"],
        note=data["note"],
    )
    return (
        f"Case {held.case_number} put on hold: Additional Information Required, due by "
        f"{panel.due_words(held.hold_due_at)}. {LETTERS}"
    )


def _recommend_alternative(
    *, user: User, case: Case, now: dt.datetime, data: dict[str, Any]
) -> str:
    code = data["alternative_code"]
    decided = decisions.case_recommend_alternative(
        user=user,
        public_id=case.public_id,
        now=now,
        alternative_code=code,
        rationale=data["rationale"],
    )
    return f"Case {decided.case_number}: alternative recommended ({code.code}). {LETTERS}"


def _cancel(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    decided = decisions.case_cancel(
        user=user,
        public_id=case.public_id,
        now=now,
        cancel_reason=data["cancel_reason"],
        rationale=data["rationale"],
    )
    return f"Case {decided.case_number} cancelled. {LETTERS}"


def _decide_request(*, user: User, case: Case, now: dt.datetime, data: dict[str, Any]) -> str:
    level = case.review_level
    decided = decisions.request_decide(
        user=user,
        public_id=case.public_id,
        now=now,
        outcome=data["outcome"],
        rationale=data["rationale"],
        guideline=data["guideline"],
        criterion=data["criterion"],
        lines=data["lines"],
    )
    what = DECIDED_REASONS.get((level, data["outcome"]), "Decided").lower()
    return f"Case {decided.case_number}: {what}. {LETTERS}"


DECIDERS: dict[str, Decider] = {
    panel.APPROVE: _approve,
    panel.PARTIAL: _partially_approve,
    panel.DENY: _deny,
    panel.ESCALATE: _escalate,
    panel.HOLD: _hold,
    panel.ALTERNATIVE: _recommend_alternative,
    panel.CANCEL: _cancel,
    panel.REQUEST: _decide_request,
}


def _decide(request: HttpRequest, public_id: UUID, key: str) -> HttpResponse:
    case = screen_case(request, public_id)
    form = panel.form_for(key, case=case, user=request.user, data=request.POST)
    if form.is_valid():
        try:
            message = DECIDERS[key](
                user=request.user, case=case, now=timezone.now(), data=form.cleaned_data
            )
        except Case.DoesNotExist as error:
            raise Http404("No such case.") from error
        except CaseError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            # What the refusal found (another reviewer may have decided it meanwhile).
            case = screen_case(request, public_id)
        else:
            messages.success(request, message)
            return redirect("cases:review-queue")
    return case_screen(request, case, decision=(key, form))


def _view(key: str, doc: str) -> Callable[[HttpRequest, UUID], HttpResponse]:
    @reviewer_required
    @require_POST
    def view(request: HttpRequest, public_id: UUID) -> HttpResponse:
        return _decide(request, public_id, key)

    view.__name__ = view.__qualname__ = f"review_{key}"
    view.__doc__ = doc
    return view


review_approve = _view(panel.APPROVE, "Approve: every line as requested.")
review_partially_approve = _view(panel.PARTIAL, "Partially approve, line by line.")
review_deny = _view(panel.DENY, "Deny (medical directors only).")
review_escalate = _view(panel.ESCALATE, "A nurse escalates the case to a medical director.")
review_hold = _view(panel.HOLD, "Hold: Additional Information Required.")
review_alternative = _view(panel.ALTERNATIVE, "Recommend an alternative (medical directors).")
review_cancel = _view(panel.CANCEL, "Cancel the case, with a reason.")
review_request_decide = _view(panel.REQUEST, "Decide a reconsideration or an appeal.")
