"""The CMS-0057-F prior-authorization figures, per health plan and program, for one period.

How they are counted (the page's "How these figures are counted" says the same):

- A request is a submitted case that is not retrospective (a service already performed is
  reviewed after the fact, not authorized before it; CMS-0057-F counts prior authorizations).
- A request is decided when its status first becomes Approved, Partially Approved or Denied:
  at SUBMIT CASE when the pathway's criteria are met (an approval with no Determination row),
  or by the medical review's determination. The request counts in the period of that first
  decision (portal time zone). Cancelled requests and requests still pending are not decided.
  An alternative recommendation is a denial of the service requested. Later decisions of the
  same request (a reconsideration, an appeal, an alternative accepted) do not change it.
- Approved, partially approved and denied are shares of the requests decided, and add up to
  100%. CMS-0057-F asks for the approved and denied shares; a partial approval is shown on its
  own (it is an adverse decision for the lines not approved: add it to the denied share where
  a report counts it as a denial).
- Extended time frame: the share of the requests decided whose decision came after the time
  frame was extended (the request was put on hold, "Additional Information Required", at its
  initial review: Determination.extended_time_frame).
- Approved after appeal: of the appeals decided in the period (by when the appeal was
  decided), the share overturned or partially overturned. Reconsiderations are not appeals and
  are not counted.
- Time to decision: from SUBMIT CASE (Case.submitted_at) to the first decision, in hours,
  time on hold included; the average and the median (PostgreSQL's percentile_cont), for
  standard and for expedited (urgent) requests separately. Decisions at SUBMIT CASE count, with
  no time elapsed.

Four queries whatever the data: the decisions per plan and program, their total, the appeals
per plan and program, theirs. The figures are counts and times only, no patient data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet

from cases.models import Case, Determination, StatusEvent
from cases.review.metrics.aggregates import IntervalHours, Median
from cases.review.metrics.periods import Period

Status = Case.Status
Outcome = Determination.Outcome

DECIDED = (Status.APPROVED, Status.PARTIALLY_APPROVED, Status.DENIED)
APPEAL_OUTCOMES = (Outcome.UPHELD, Outcome.OVERTURNED, Outcome.PARTIALLY_OVERTURNED)
APPROVED_ON_APPEAL = (Outcome.OVERTURNED, Outcome.PARTIALLY_OVERTURNED)


@dataclass(frozen=True)
class MetricsQuery:
    period: Period
    health_plan_id: int | None = None
    program_id: int | None = None


@dataclass(frozen=True)
class Times:
    """The time to decision of one kind of request (standard or expedited), in hours."""

    decided: int = 0
    average_hours: float | None = None
    median_hours: float | None = None


@dataclass
class MetricsRow:
    health_plan: str
    program: str
    decided: int = 0
    approved: int = 0
    partially_approved: int = 0
    denied: int = 0
    extended: int = 0
    appeals_decided: int = 0
    appeals_approved: int = 0
    standard: Times = field(default_factory=Times)
    expedited: Times = field(default_factory=Times)

    @property
    def approved_share(self) -> float | None:
        return _share(self.approved, self.decided)

    @property
    def partially_approved_share(self) -> float | None:
        return _share(self.partially_approved, self.decided)

    @property
    def denied_share(self) -> float | None:
        return _share(self.denied, self.decided)

    @property
    def extended_share(self) -> float | None:
        return _share(self.extended, self.decided)

    @property
    def approved_after_appeal_share(self) -> float | None:
        return _share(self.appeals_approved, self.appeals_decided)


@dataclass(frozen=True)
class MetricsTable:
    query: MetricsQuery
    rows: list[MetricsRow]
    total: MetricsRow


def _share(part: int, whole: int) -> float | None:
    """A percentage; None when there is nothing to divide (shown as a dash, not 0%)."""
    return 100.0 * part / whole if whole else None


def _first_decisions(query: MetricsQuery) -> QuerySet[StatusEvent]:
    """The status events that first decided a request, made in the period."""
    earlier = StatusEvent.objects.filter(case=OuterRef("case"), to_status__in=DECIDED).filter(
        Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk"))
    )
    events = (
        StatusEvent.objects.filter(
            to_status__in=DECIDED,
            at__gte=query.period.start,
            at__lt=query.period.end,
            case__submitted_at__isnull=False,
        )
        .exclude(case__service_performed=True)
        .filter(~Exists(earlier))
    )
    return events.filter(**_scope("case", query))


def _appeals_decided(query: MetricsQuery) -> QuerySet[Determination]:
    return (
        Determination.objects.filter(
            review_level=Case.ReviewLevel.APPEAL,
            outcome__in=APPEAL_OUTCOMES,
            decided_at__gte=query.period.start,
            decided_at__lt=query.period.end,
        )
        .exclude(case__service_performed=True)
        .filter(**_scope("case", query))
    )


def _scope(case: str, query: MetricsQuery) -> dict[str, int]:
    scope = {}
    if query.health_plan_id is not None:
        scope[f"{case}__health_plan_id"] = query.health_plan_id
    if query.program_id is not None:
        scope[f"{case}__program_id"] = query.program_id
    return scope


def _decision_figures() -> dict:
    hours = IntervalHours(F("at") - F("case__submitted_at"))
    standard = Q(case__is_urgent=False)
    expedited = Q(case__is_urgent=True)
    return {
        "decided": Count("pk"),
        "approved": Count("pk", filter=Q(to_status=Status.APPROVED)),
        "partially_approved": Count("pk", filter=Q(to_status=Status.PARTIALLY_APPROVED)),
        "denied": Count("pk", filter=Q(to_status=Status.DENIED)),
        # A decision at SUBMIT CASE has no Determination: never extended.
        "extended": Count("pk", filter=Q(determination__extended_time_frame=True)),
        "standard_decided": Count("pk", filter=standard),
        "standard_average": Avg(hours, filter=standard),
        "standard_median": Median(hours, filter=standard),
        "expedited_decided": Count("pk", filter=expedited),
        "expedited_average": Avg(hours, filter=expedited),
        "expedited_median": Median(hours, filter=expedited),
    }


def _appeal_figures() -> dict:
    return {
        "appeals_decided": Count("pk"),
        "appeals_approved": Count("pk", filter=Q(outcome__in=APPROVED_ON_APPEAL)),
    }


GROUP = {
    "plan_id": F("case__health_plan_id"),
    "plan_name": F("case__health_plan__name"),
    "program_id": F("case__program_id"),
    "program_name": F("case__program__name"),
}


def metrics_table(query: MetricsQuery) -> MetricsTable:
    """The figures per health plan and program (plans and programs with no decision and no
    appeal in the period have no row), ordered by plan and program name, and their total."""
    rows: dict[tuple, MetricsRow] = {}

    def row_of(values: dict) -> MetricsRow:
        key = (values["plan_id"], values["program_id"])
        if key not in rows:
            rows[key] = MetricsRow(
                health_plan=values["plan_name"] or "No health plan",
                program=values["program_name"],
            )
        return rows[key]

    decisions = _first_decisions(query)
    for values in decisions.values(**GROUP).annotate(**_decision_figures()).order_by():
        _decisions_into(row_of(values), values)
    appeals = _appeals_decided(query)
    for values in appeals.values(**GROUP).annotate(**_appeal_figures()).order_by():
        _appeals_into(row_of(values), values)

    total = MetricsRow(health_plan="All health plans", program="All programs")
    _decisions_into(total, decisions.aggregate(**_decision_figures()))
    _appeals_into(total, appeals.aggregate(**_appeal_figures()))
    ordered = sorted(rows.values(), key=lambda row: (row.health_plan, row.program))
    return MetricsTable(query=query, rows=ordered, total=total)


def _decisions_into(row: MetricsRow, values: dict) -> None:
    for name in ("decided", "approved", "partially_approved", "denied", "extended"):
        setattr(row, name, values[name])
    row.standard = Times(
        values["standard_decided"], values["standard_average"], values["standard_median"]
    )
    row.expedited = Times(
        values["expedited_decided"], values["expedited_average"], values["expedited_median"]
    )


def _appeals_into(row: MetricsRow, values: dict) -> None:
    row.appeals_decided = values["appeals_decided"]
    row.appeals_approved = values["appeals_approved"]


__all__ = [
    "APPEAL_OUTCOMES",
    "DECIDED",
    "MetricsQuery",
    "MetricsRow",
    "MetricsTable",
    "Times",
    "metrics_table",
]
