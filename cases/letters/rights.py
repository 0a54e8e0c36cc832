"""The rights a review letter states: the post-decision options open to the case at the moment
of its determination (the status event the letter is for), by the member's line of business.

The rules are cases.post_decision.rules (the decks' rules, DESIGN "Numbers from the decks"),
read as of the letter's event, not as of the day a worker renders it:

- Reconsideration: commercial only, when the plan delegates it, on or before the date of
  service, not after an appeal, once (deck 003 "Reconsideration Options").
- Peer to peer: a "Reconsideration P2P" while a reconsideration is open to the case and the plan
  delegates P2Ps; otherwise consultative only (the decision cannot be changed by it).
- Appeal: within the delegation's appeal_window_days (180 by default) of the initial adverse
  determination, with the plan's appeal_instructions, once (first level); Medicare Advantage
  appeals go to the health plan (deck 002's MA column).

What the member reads about each line of business beyond the decks (a fast appeal when waiting
could harm their health; Medicaid's State Fair Hearing; further review after a first-level
appeal) is kept here too, in plain language, so every letter says the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F

from cases.models import Case, Determination, PostDecisionRequest, StatusEvent
from cases.post_decision.facts import (
    ADVERSE,
    CaseFacts,
    DelegationRules,
    RequestMade,
    portal_today,
)
from cases.post_decision.rules import (
    OptionAnswer,
    P2PEligibility,
    P2PLevel,
    appeal_option,
    p2p_eligibility,
    reconsideration_option,
)
from eligibility.models import Delegation, LineOfBusiness

LOB = LineOfBusiness.Kind

# Plain-language notes for the member, by line of business (none for an unknown one).
EXPEDITED_APPEAL = (
    "If waiting for a standard appeal could seriously harm your life, your health or your "
    "ability to regain maximum function, you or your doctor can ask for a fast (expedited) "
    "appeal."
)
MEMBER_NOTES = {
    LOB.COMMERCIAL: (EXPEDITED_APPEAL,),
    LOB.MEDICARE: (
        EXPEDITED_APPEAL,
        "Because you are in a Medicare Advantage plan, your appeal is decided by your health "
        "plan, not by us: send it to the plan.",
    ),
    LOB.MEDICAID: (
        EXPEDITED_APPEAL,
        "Because your coverage is through Medicaid, if you still disagree after your appeal is "
        "decided, you can ask for a State Fair Hearing. Your appeal decision letter will tell "
        "you how.",
    ),
}
# After a first-level appeal is decided and upheld: what remains, by line of business.
FURTHER_REVIEW = {
    LOB.COMMERCIAL: (
        "This was the first-level appeal. Your health plan's documents describe any further "
        "review available, such as an external review by an independent review organization."
    ),
    LOB.MEDICARE: (
        "Medicare Advantage appeals are decided by the health plan; contact the plan about "
        "the next level of appeal."
    ),
    LOB.MEDICAID: (
        "This was the first-level appeal. If you still disagree, you can ask for a State Fair "
        "Hearing; the health plan can tell you how."
    ),
}
FURTHER_REVIEW_UNKNOWN = (
    "This was the first-level appeal. Contact the health plan about any further review."
)


@dataclass(frozen=True)
class LetterRights:
    """The options a letter states, each with whether it applies, until when and the decks'
    message (the reason when it does not apply)."""

    line_of_business: str | None  # LineOfBusiness.Kind
    line_of_business_label: str
    health_plan_name: str
    # The day of the initial adverse determination the appeal window counts from.
    determined_on: dt.date | None
    appeal_window_days: int
    appeal_instructions: str
    reconsideration: OptionAnswer
    p2p: P2PEligibility
    appeal: OptionAnswer
    # The level of review the letter's determination decided (initial, reconsideration, …).
    review_level: str

    @property
    def is_medicare(self) -> bool:
        return self.line_of_business == LOB.MEDICARE

    @property
    def appeal_to_plan(self) -> bool:
        """Medicare Advantage appeals are sent to the health plan, not through the portal."""
        return self.is_medicare

    @property
    def p2p_changes_decision(self) -> bool:
        return self.p2p.level == P2PLevel.RECONSIDERATION

    @property
    def after_appeal(self) -> bool:
        return self.review_level == Case.ReviewLevel.APPEAL

    @property
    def member_notes(self) -> tuple[str, ...]:
        return MEMBER_NOTES.get(self.line_of_business, (EXPEDITED_APPEAL,))

    @property
    def further_review(self) -> str:
        return FURTHER_REVIEW.get(self.line_of_business, FURTHER_REVIEW_UNKNOWN)

    @property
    def any_change_possible(self) -> bool:
        """Whether the letter's reader can still have the decision changed (a reconsideration,
        a reconsideration P2P or an appeal applies)."""
        return self.reconsideration.applies or self.p2p_changes_decision or self.appeal.applies


def _initial_adverse_day(event: StatusEvent) -> dt.date:
    """The day of the case's first denial or partial approval up to this event (its own day
    when it is the first): the appeal window counts from it."""
    first = (
        StatusEvent.objects.filter(case_id=event.case_id, to_status__in=ADVERSE, at__lte=event.at)
        .exclude(from_status=F("to_status"))
        .order_by("at", "pk")
        .values_list("at", flat=True)
        .first()
    )
    return portal_today(first or event.at)


def _requests_as_of(event: StatusEvent, level: str) -> tuple[RequestMade, ...]:
    """The reconsideration and appeal requests made before the event, as they stood once it was
    made: the request of the level this event decides is decided by it."""
    made = []
    requests = PostDecisionRequest.objects.filter(case_id=event.case_id, requested_at__lte=event.at)
    for request in requests.order_by("requested_at", "pk"):
        decided = request.kind == level or (
            request.decided_at is not None and request.decided_at <= event.at
        )
        status = request.status
        if decided and status == PostDecisionRequest.Status.RECEIVED:
            status = PostDecisionRequest.Status.UPHELD
        elif not decided:
            status = PostDecisionRequest.Status.RECEIVED
        made.append(
            RequestMade(kind=request.kind, status=status, requested_at=request.requested_at)
        )
    return tuple(made)


def letter_rights(
    event: StatusEvent,
    *,
    determination: Determination | None,
    delegation: Delegation | None,
) -> LetterRights:
    """The post-decision options open to the case once `event` was made (three queries at
    most: the initial adverse determination and the requests; the delegation comes with its
    line of business)."""
    case = event.case
    level = (determination.review_level if determination else "") or case.review_level or ""
    rules = DelegationRules.of(delegation)
    lob = delegation.line_of_business.kind if delegation else None
    plan_name = case.health_plan.name if case.health_plan_id else ""
    facts = CaseFacts(
        status=event.to_status,
        line_of_business=lob,
        health_plan_name=plan_name,
        date_of_service=case.date_of_service,
        service_performed=bool(case.service_performed),
        due_at=None,
        determined_on=_initial_adverse_day(event),
        rules=rules,
        requests=_requests_as_of(event, level),
    )
    now = event.at
    return LetterRights(
        line_of_business=lob,
        line_of_business_label=facts.line_of_business_label,
        health_plan_name=plan_name,
        determined_on=facts.determined_on,
        appeal_window_days=rules.appeal_window_days,
        appeal_instructions=rules.appeal_instructions,
        reconsideration=reconsideration_option(facts, now=now),
        p2p=p2p_eligibility(facts, now=now),
        appeal=appeal_option(facts, now=now),
        review_level=level,
    )


__all__ = ["LetterRights", "letter_rights"]
