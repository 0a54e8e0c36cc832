"""Reads for the post-decision pages: a submitted case of the user's office with what they
show, and the facts the rules decide by (cases.post_decision.facts.CaseFacts)."""

from __future__ import annotations

from uuid import UUID

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from accounts.models import User
from cases.models import Case, PostDecisionRequest, ProcedureLine, StatusEvent, Upload
from cases.post_decision.alternative import with_open_alternative
from cases.post_decision.facts import (
    ADVERSE,
    REQUEST_LEVELS,
    UNDECIDED,
    CaseFacts,
    DelegationRules,
    RequestMade,
    Status,
    portal_today,
)
from cases.selectors import cases_for_user

# The note of the documents sent with a request (Upload.note), as Correspondence shows them.
SUPPORTING_NOTES = {
    PostDecisionRequest.Kind.RECONSIDERATION: "Supporting record of the reconsideration request",
    PostDecisionRequest.Kind.APPEAL: "Supporting record of the appeal request",
}


def _adverse_determinations(case: Case | OuterRef) -> QuerySet[StatusEvent]:
    """The status events that made the case denied or partially approved, oldest first: a
    change of status only (an event that keeps the status, such as a note on the case, is
    not a determination)."""
    return (
        StatusEvent.objects.filter(case=case, to_status__in=ADVERSE)
        .exclude(from_status=F("to_status"))
        .order_by("at", "pk")
    )


def _determined_at() -> Subquery:
    """When the initial adverse determination was made: the first status event into a denial
    or a partial approval."""
    return Subquery(_adverse_determinations(OuterRef("pk")).values("at")[:1])


def _requests_into_review(case: Case | OuterRef) -> QuerySet[StatusEvent]:
    """The status events that put a denied or partially approved case back into review (a
    reconsideration or appeal request), newest first."""
    return StatusEvent.objects.filter(
        case=case, to_status=Status.IN_REVIEW, from_status__in=ADVERSE
    ).order_by("-at", "-pk")


def _decision_under_review() -> Subquery:
    """The decision a reconsideration or appeal being decided is about: the status the last
    request took the case from."""
    return Subquery(_requests_into_review(OuterRef("pk")).values("from_status")[:1])


def with_post_decision_facts(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what post_decision_facts reads, in two queries whatever their number: the
    delegation and its line of business and the plan joined, the determination's time and the
    decision under review annotated, the requests prefetched."""
    return (
        queryset.select_related("delegation__line_of_business", "health_plan")
        .annotate(determined_at=_determined_at(), decision_under_review=_decision_under_review())
        .prefetch_related(
            Prefetch(
                "post_decision_requests",
                queryset=PostDecisionRequest.objects.order_by("requested_at", "pk"),
            )
        )
    )


def case_for_post_decision(*, user: User, public_id: UUID) -> Case:
    """A submitted case of the user's office with what the post-decision pages show and the
    rules read, its open alternative recommendation included (three queries). Raises
    Case.DoesNotExist for a draft, an unknown case or another office's case."""
    submitted = cases_for_user(user).filter(submitted_at__isnull=False)
    return (
        with_post_decision_facts(with_open_alternative(submitted))
        .select_related("program", "member")
        .prefetch_related(
            Prefetch(
                "procedure_lines",
                queryset=ProcedureLine.objects.select_related("procedure_code").order_by(
                    "position"
                ),
            )
        )
        .get(public_id=public_id)
    )


_MISSING = object()


def post_decision_facts(case: Case) -> CaseFacts:
    """What the rules know about the case. Reads what with_post_decision_facts loaded; a case
    loaded otherwise costs a query for its determination and one for its requests (and its
    delegation, when not joined)."""
    determined_at = getattr(case, "determined_at", _MISSING)
    if determined_at is _MISSING:
        determined_at = _adverse_determinations(case).values_list("at", flat=True).first()
    delegation = case.delegation
    return CaseFacts(
        status=_rules_status(case),
        line_of_business=delegation.line_of_business.kind if delegation else None,
        health_plan_name=case.health_plan.name if case.health_plan_id else "",
        date_of_service=case.date_of_service,
        service_performed=bool(case.service_performed),
        due_at=case.due_at,
        determined_on=portal_today(determined_at) if determined_at else case.review_date,
        rules=DelegationRules.of(delegation),
        requests=tuple(
            RequestMade(kind=made.kind, status=made.status, requested_at=made.requested_at)
            for made in case.post_decision_requests.all()
        ),
    )


def _rules_status(case: Case) -> str:
    """The case's status, or while a reconsideration or appeal is decided (the case in review
    or on hold at that level) the decision under review: the request does not make the case
    undecided for the post-decision rules (an appeal waits for the reconsideration, the
    reconsideration P2P stays open). Reads the annotation of with_post_decision_facts, else one
    query."""
    if case.status not in UNDECIDED or case.review_level not in REQUEST_LEVELS:
        return case.status
    under_review = getattr(case, "decision_under_review", _MISSING)
    if under_review is _MISSING:
        under_review = _requests_into_review(case).values_list("from_status", flat=True).first()
    return under_review or case.status


def request_supporting_records(case: Case, kind: str) -> QuerySet[Upload]:
    """The documents sent with the case's request of this kind, oldest first."""
    return Upload.objects.filter(
        case=case, post_decision_request__case=case, post_decision_request__kind=kind
    ).order_by("uploaded_at", "pk")
