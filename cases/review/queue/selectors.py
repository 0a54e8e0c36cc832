"""Reads of the Medical Review Queue: the cases in review or on hold of the reviewer's programs
(cases_for_reviewer), filtered by choices only (program, urgency, status as reviewers see it,
assignment, due within 24 hours), urgent first, then by due time.

A page is three queries whatever the filter and the page (queue_page_for): the count up to a
limit, the page's ids, then their rows with what a row shows (people and primary procedure
joined in; program, plan and line of business, assignee read by subqueries). The index
case_review_queue is keyed (program, -is_urgent, due_at), partial on the review statuses, and
covers every filter: each program's ids are read in the queue's order from the index alone,
and the programs' reads are merged (queue_ids_in_order)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from cases.models import Case
from cases.paging import Page
from cases.review.access import REVIEW_STATUSES, cases_for_reviewer, reviewer_programs
from eligibility.models import Delegation, HealthPlan, Program

PER_PAGE = 50
# The queue counts its cases up to this many (a whole number of pages: 20): nobody pages
# further through a queue worked with its filters and Take next case.
COUNT_LIMIT = 1_000
DUE_SOON = dt.timedelta(hours=24)

Status = Case.Status
Level = Case.ReviewLevel

# "Status" filter: the statuses and markers a reviewer sees, each a condition on the case's row.
STATUS_FILTERS: dict[str, tuple[str, Q]] = {
    "in_review": ("In review", Q(status=Status.IN_REVIEW)),
    "hold": ("Hold", Q(status=Status.HOLD)),
    "information_received": (
        "Information received",
        Q(status=Status.IN_REVIEW, information_received_at__isnull=False),
    ),
    "reconsideration": ("Reconsideration", Q(review_level=Level.RECONSIDERATION)),
    "appeal": ("Appeal", Q(review_level=Level.APPEAL)),
    "retrospective": ("Retrospective review", Q(review_level=Level.RETROSPECTIVE)),
    "decide_on_original": ("Decide on original submission", Q(decide_on_original=True)),
    "needs_medical_director": ("Needs medical director", Q(needs_medical_director=True)),
}
URGENCY_FILTERS: dict[str, tuple[str, Q]] = {
    "urgent": ("Urgent", Q(is_urgent=True)),
    "standard": ("Standard", Q(is_urgent=False)),
}
ASSIGNED_ALL = "all"
ASSIGNED_MINE = "mine"
ASSIGNED_UNASSIGNED = "unassigned"
ASSIGNED_CHOICES = [
    (ASSIGNED_ALL, "Anyone or no one"),
    (ASSIGNED_MINE, "Assigned to me"),
    (ASSIGNED_UNASSIGNED, "Unassigned"),
]


@dataclass(frozen=True)
class QueueQuery:
    program_id: int | None = None
    urgency: str = ""
    status: str = ""
    assigned: str = ASSIGNED_ALL
    due_soon: bool = False
    page: int = 1

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.program_id
            or self.urgency
            or self.status
            or self.assigned != ASSIGNED_ALL
            or self.due_soon
        )


def queue_programs_for(user: User) -> list[Program]:
    """The programs `user` reviews (the queue's "Program" filter), in the menu's order."""
    return reviewer_programs(user)


def queue_cases_for(user: User) -> QuerySet[Case]:
    """Every case of the queue: in review or on hold, of the programs `user` reviews."""
    return cases_for_reviewer(user).filter(status__in=REVIEW_STATUSES)


def queue_filtered(user: User, query: QueueQuery, *, now: dt.datetime) -> QuerySet[Case]:
    """The queue's cases matching every filter of `query` (not sorted)."""
    cases = queue_cases_for(user)
    if query.program_id:
        cases = cases.filter(program_id=query.program_id)
    if query.urgency in URGENCY_FILTERS:
        cases = cases.filter(URGENCY_FILTERS[query.urgency][1])
    if query.status in STATUS_FILTERS:
        cases = cases.filter(STATUS_FILTERS[query.status][1])
    if query.assigned == ASSIGNED_MINE:
        cases = cases.filter(assigned_to=user)
    elif query.assigned == ASSIGNED_UNASSIGNED:
        cases = cases.filter(assigned_to__isnull=True)
    if query.due_soon:
        # Overdue cases are due within 24 hours too.
        cases = cases.filter(due_at__lt=now + DUE_SOON)
    return cases


def queue_ordered(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Urgent first, then the earliest due (a case without a due time last)."""
    return cases.order_by("-is_urgent", F("due_at").asc(nulls_last=True), "pk")


def queue_ids_in_order(
    cases: QuerySet[Case], program_ids: Iterable[int], *, start: int, count: int
) -> list[int]:
    """The ids of `cases` from `start` to `start + count` in the queue's order, in one query.

    Each program's cases are read in order from case_review_queue (keyed by program first), at
    most `start + count` of them, and PostgreSQL merges the reads (a UNION ALL) and keeps the
    `count` asked for. One ordered read of several programs would read and sort every case of
    them all."""
    reads = [
        queue_ordered(cases.filter(program_id=program_id)).values_list("pk", "is_urgent", "due_at")[
            : start + count
        ]
        for program_id in program_ids
    ]
    if not reads:
        return []
    if len(reads) > 1:
        # A due time's nulls come last in ascending order (PostgreSQL's default), as in each read.
        merged = reads[0].union(*reads[1:], all=True).order_by("-is_urgent", "due_at", "pk")
    else:
        merged = reads[0]
    return [pk for pk, _, _ in merged[start : start + count]]


_ROW_FIELDS = (
    "public_id",
    "case_number",
    "status",
    "is_urgent",
    "submitted_at",
    "due_at",
    "review_level",
    "information_received_at",
    "hold_due_at",
    "decide_on_original",
    "needs_medical_director",
    "program_id",
    "health_plan_id",
    "delegation_id",
    "assigned_to_id",
    "member_id",
)


def _name_of(model, field: str, key: str):
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field)[:1])


def queue_rows_of(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` with what a row of the queue shows, in one query, as names on the case (the rows
    read no related object: building them was a tenth of the page's time). The member, the
    ordering provider and the primary procedure are joined; the program, plan, line of
    business and assignee are read by small subqueries: with every one of them joined,
    PostgreSQL spent far longer choosing an order for a dozen joins (80 ms and more) than
    running the query."""
    return cases.only(*_ROW_FIELDS).annotate(
        member_first_name=F("member__first_name"),
        member_last_name=F("member__last_name"),
        practitioner_first_name=F("practitioner__first_name"),
        practitioner_last_name=F("practitioner__last_name"),
        primary_line=FilteredRelation("procedure_lines", condition=Q(procedure_lines__position=1)),
        procedure_code=F("primary_line__procedure_code__code"),
        procedure_description=F("primary_line__procedure_code__short_description"),
        program_name=_name_of(Program, "name", "program_id"),
        plan_name=_name_of(HealthPlan, "name", "health_plan_id"),
        line_of_business_name=_name_of(Delegation, "line_of_business__name", "delegation_id"),
        assignee_username=_name_of(User, "username", "assigned_to_id"),
        assignee_first_name=_name_of(User, "first_name", "assigned_to_id"),
        assignee_last_name=_name_of(User, "last_name", "assigned_to_id"),
    )


def queue_page_for(user: User, query: QueueQuery, *, now: dt.datetime) -> Page:
    """The page of the queue `query` asks for (a page past the last shows the last): three
    queries whatever the page (one when nothing matches).

    - The count, up to COUNT_LIMIT: counting 100,000 cases took 40 ms, more than the rest of
      the page (and a filter's count reads every case it does not match, up to the limit);
      past the limit the page says "more than 1,000" and pages to the limit.
    - The page's case ids, read in the queue's order from the index alone, program by program
      (queue_ids_in_order).
    - Those cases' rows (queue_rows_of), by id."""
    cases = queue_filtered(user, query, now=now)
    counted = cases.order_by()[: COUNT_LIMIT + 1].count()
    total = min(counted, COUNT_LIMIT)
    pages = math.ceil(total / PER_PAGE)
    number = min(max(query.page, 1), max(pages, 1))
    page = Page(
        rows=[],
        number=number,
        pages=pages,
        total=total,
        per_page=PER_PAGE,
        more=counted > COUNT_LIMIT,
    )
    if not total:
        return page
    ids = queue_ids_in_order(
        cases, _program_ids_of(user, query), start=(number - 1) * PER_PAGE, count=PER_PAGE
    )
    read = {case.pk: case for case in queue_rows_of(cases.filter(pk__in=ids))}
    # A case that left the queue between the two reads is not shown.
    page.rows = [read[pk] for pk in ids if pk in read]
    return page


def _program_ids_of(user: User, query: QueueQuery) -> list[int]:
    """The programs whose cases the page may show: the one filtered on, or all the user's."""
    program_ids = [program.pk for program in queue_programs_for(user)]
    if query.program_id:
        return [query.program_id] if query.program_id in program_ids else []
    return program_ids


def queue_member_ids(page: Page) -> list[int]:
    """The members whose data the page shows (for the access log), each once."""
    return list(dict.fromkeys(case.member_id for case in page.rows if case.member_id))
