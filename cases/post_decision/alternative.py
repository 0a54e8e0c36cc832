"""The alternative recommendation as the office sees it (Authorization Lookup's result and ALL
POST DECISION OPTIONS): the service recommended and the last day to accept it, while the case
stands denied by it. Read with the cases' own query on a list (with_open_alternative annotates
it), by one small query for one denied case (open_alternative_attach). Accepting is the
medical review's service (cases.review.decisions.alternative_accept), which checks all of it
again under the case's lock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from cases.models import Case, Determination, StatusEvent
from cases.post_decision.facts import portal_today
from cases.post_decision.rules import OptionAnswer
from cases.post_decision.wording import day_text


def _recommendation_of_last_event() -> QuerySet[Determination]:
    """The alternative recommendation made by the case's last status event (the one written
    last): a later event (accepted, a reconsideration) closes it."""
    last_event = StatusEvent.objects.filter(case=OuterRef(OuterRef("pk"))).order_by("-pk")
    return Determination.objects.filter(
        status_event=Subquery(last_event.values("pk")[:1]),
        outcome=Determination.Outcome.ALTERNATIVE,
    )


def with_open_alternative(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their open alternative recommendation's code, description and last day to
    accept annotated (None when there is none), in the cases' own query."""
    recommendation = _recommendation_of_last_event()
    return queryset.annotate(
        alternative_code=Subquery(recommendation.values("alternative_code__code")[:1]),
        alternative_description=Subquery(
            recommendation.values("alternative_code__short_description")[:1]
        ),
        alternative_accept_by=Subquery(recommendation.values("alternative_accept_by")[:1]),
    )


def open_alternative_attach(case: Case) -> None:
    """with_open_alternative's names on one case already read: one small query, and only for
    a denied case (only a denial recommends an alternative). The page of one case reads it so:
    compiling the three subqueries into its case's query cost more than this query."""
    case.alternative_code = case.alternative_description = case.alternative_accept_by = None
    if case.status != Case.Status.DENIED:
        return
    last_event = StatusEvent.objects.filter(case_id=case.pk).order_by("-pk").values("pk")[:1]
    recommendation = (
        Determination.objects.filter(
            status_event=Subquery(last_event), outcome=Determination.Outcome.ALTERNATIVE
        )
        .values_list(
            "alternative_code__code",
            "alternative_code__short_description",
            "alternative_accept_by",
        )
        .first()
    )
    if recommendation is not None:
        (
            case.alternative_code,
            case.alternative_description,
            case.alternative_accept_by,
        ) = recommendation


@dataclass(frozen=True)
class AlternativeOffer:
    """ "Alternative recommended: <code> <description>, accept by <date>", whether it can still
    be accepted, and the other option: a reconsideration of the original request (None where
    the page shows the options itself)."""

    code: str
    description: str
    accept_by: dt.date
    acceptable: bool
    reconsideration: OptionAnswer | None = None

    @property
    def accept_by_text(self) -> str:
        return day_text(self.accept_by)


def alternative_offer(
    case: Case, *, now: dt.datetime, reconsideration: OptionAnswer | None = None
) -> AlternativeOffer | None:
    """The case's open alternative recommendation (read by with_open_alternative or
    open_alternative_attach), or None."""
    code = getattr(case, "alternative_code", None)
    accept_by = getattr(case, "alternative_accept_by", None)
    if case.status != Case.Status.DENIED or not code or accept_by is None:
        return None
    return AlternativeOffer(
        code=code,
        description=getattr(case, "alternative_description", "") or "",
        accept_by=accept_by,
        acceptable=portal_today(now) <= accept_by,
        reconsideration=reconsideration,
    )


__all__ = [
    "AlternativeOffer",
    "alternative_offer",
    "open_alternative_attach",
    "with_open_alternative",
]
