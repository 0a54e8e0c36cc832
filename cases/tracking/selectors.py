"""Reads of an office's submitted cases for Certification Summary and My Worklist: the filters,
the sort whitelist, the status grouping and the page.

Only submitted cases of the user's office (cases_for_user, submitted_at set). Every filter is a
condition on the case's own row or a semi-join (`member_id IN (SELECT id FROM members WHERE
...)`), never a join, so the count and the page read one office's rows whatever the filter,
and the page's people, site and procedure are read for the page's rows only. Text boxes match
the start of the value, case-insensitively (what an office types: a number, the first letters
of a name). A page is three queries whatever the filter, the sort and the page size: the
count, the page's ids, the page's rows.

The indexes behind it (1,000,000 cases, 20,000 in one office): the office's submitted cases
newest first with the columns the filters read (case_office_submitted, covering); the cases of
a member or a practitioner in an office (case_member_submitted, case_practitioner_submitted);
the start of a member's, practitioner's or site's name in any collation (text_pattern_ops on
UPPER(...), covering); the primary procedure lines by code (procedure_line_primary_code).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Case as CaseWhen
from django.db.models import F, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.functions import Upper

from accounts.models import User
from cases.models import Case, ProcedureLine
from cases.paging import Page
from cases.selectors import cases_for_user
from eligibility.models import Member, Practitioner, ProcedureCode, Site

Status = Case.Status

# What a submitted case can be, in the order the office's lists offer them. As the office sees
# them (Case.Status labels): in review is "Pending", hold is "Additional Information Required"
# (deck 002's Authorization Lookup shows "Status: Additional Information Required").
SUBMITTED_STATUSES: tuple[str, ...] = (
    Status.IN_REVIEW,
    Status.HOLD,
    Status.APPROVED,
    Status.PARTIALLY_APPROVED,
    Status.DENIED,
    Status.CANCELLED,
)
STATUS_CHOICES: list[tuple[str, str]] = [
    (value, Status(value).label) for value in SUBMITTED_STATUSES
]


@dataclass(frozen=True)
class WorklistTab:
    key: str
    label: str
    # None: every submitted status.
    statuses: tuple[str, ...] | None


# My Worklist's tabs (deck 004): a held case is still pending its decision.
WORKLIST_TABS: tuple[WorklistTab, ...] = (
    WorklistTab("pending", "Pending", (Status.IN_REVIEW, Status.HOLD)),
    WorklistTab("approved", "Approved", (Status.APPROVED,)),
    WorklistTab("partially-approved", "Partially Approved", (Status.PARTIALLY_APPROVED,)),
    WorklistTab("denied", "Denied", (Status.DENIED,)),
    WorklistTab("cancelled", "Cancelled", (Status.CANCELLED,)),
    WorklistTab("all", "All Statuses", None),
)
WORKLIST_TAB_BY_KEY = {tab.key: tab for tab in WORKLIST_TABS}
WORKLIST_DEFAULT_TAB = "pending"

PER_PAGE_CHOICES = (10, 25, 50, 100)
# At most this many matches: the page's ids are cut from all of them (selectors._page_ids).
FEW = 1000
DEFAULT_PER_PAGE = 10
WORKLIST_PER_PAGE = 10


@dataclass(frozen=True)
class SummaryColumn:
    key: str
    label: str
    # What the column sorts by (None: not sortable); the filter box's form field (None: no box).
    sort: tuple[str, ...] | None
    filter_field: str | None = None


# Certification Summary's columns as decks 000/001/002 show them, with a filter box under the
# same six columns as the decks.
SUMMARY_COLUMNS: tuple[SummaryColumn, ...] = (
    SummaryColumn(
        "authorization_number",
        "Authorization Number",
        ("authorization_number",),
        "authorization_number",
    ),
    SummaryColumn("case_number", "Case Number", ("case_number",), "case_number"),
    SummaryColumn(
        "member_last_name", "Member Last Name", ("member__last_name",), "member_last_name"
    ),
    SummaryColumn(
        "provider_last_name",
        "Ordering Provider Last Name",
        ("practitioner__last_name",),
        "provider_last_name",
    ),
    SummaryColumn("provider_npi", "Ordering Provider NPI", ("practitioner__npi",), "provider_npi"),
    SummaryColumn("status", "Status", ("status_label",)),
    SummaryColumn("initiation_date", "Case Initiation Date", ("submitted_at",)),
    SummaryColumn(
        "procedure_code",
        "Procedure Code",
        ("primary_line__procedure_code__code",),
        "procedure_code",
    ),
    SummaryColumn(
        "service_description",
        "Service Description",
        ("primary_line__procedure_code__short_description",),
    ),
    SummaryColumn("site_name", "Site Name", ("site__name",)),
    SummaryColumn("expiration_date", "Expiration Date", ("expiration_date",)),
    SummaryColumn("correspondence", "Correspondence", None),
    SummaryColumn("upload_clinical", "Upload Clinical", None),
)
SORTABLE = {column.key: column for column in SUMMARY_COLUMNS if column.sort}
DEFAULT_SORT = "initiation_date"
DEFAULT_DIRECTION = "desc"


@dataclass(frozen=True)
class SummaryQuery:
    """What Certification Summary shows: the filters (empty: not filtering), the sort and the
    page. Values are as the form cleaned them."""

    search: str = ""
    authorization_number: str = ""
    case_number: str = ""
    member_last_name: str = ""
    provider_last_name: str = ""
    provider_npi: str = ""
    procedure_code: str = ""
    # Single Status and Filter By Multiple Statuses: a case must match both when both are set.
    status: str = ""
    statuses: tuple[str, ...] = ()
    # Case Initiation Date (when the case was submitted): [submitted_from, submitted_before).
    submitted_from: dt.datetime | None = None
    submitted_before: dt.datetime | None = None
    sort: str = DEFAULT_SORT
    direction: str = DEFAULT_DIRECTION
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


def submitted_cases_for(user: User) -> QuerySet[Case]:
    """The office's submitted cases (drafts and expired requests never show here)."""
    return cases_for_user(user).filter(submitted_at__isnull=False)


def _prefix(value: str) -> str:
    return value.strip().upper()


def _members_named(prefix: str) -> QuerySet[Member]:
    return (
        Member.objects.annotate(last_name_upper=Upper("last_name"))
        .filter(last_name_upper__startswith=prefix)
        .values("pk")
    )


def _practitioners_named(prefix: str) -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.annotate(last_name_upper=Upper("last_name"))
        .filter(last_name_upper__startswith=prefix)
        .values("pk")
    )


def _practitioners_with_npi(prefix: str) -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(npi__startswith=prefix).values("pk")


def _sites_named(prefix: str) -> QuerySet[Site]:
    return (
        Site.objects.annotate(name_upper=Upper("name"))
        .filter(name_upper__startswith=prefix)
        .values("pk")
    )


def _cases_with_procedure(codes: QuerySet[ProcedureCode]) -> QuerySet[ProcedureLine]:
    """The cases whose primary procedure (the line at position 1) is one of `codes`."""
    return ProcedureLine.objects.filter(position=1, procedure_code__in=codes).values("case_id")


def _codes(prefix: str) -> QuerySet[ProcedureCode]:
    return ProcedureCode.objects.filter(code__startswith=prefix).values("pk")


def _search(term: str) -> Q:
    """ "Search..": the start of any of the columns that hold text or numbers (authorization
    and case number, member and ordering provider last name, NPI, procedure code, service
    description, site name)."""
    prefix = _prefix(term)
    codes = ProcedureCode.objects.annotate(description_upper=Upper("short_description")).filter(
        Q(code__startswith=prefix) | Q(description_upper__startswith=prefix)
    )
    return (
        Q(authorization_number__startswith=prefix)
        | Q(case_number__startswith=prefix)
        | Q(member__in=_members_named(prefix))
        | Q(practitioner__in=_practitioners_named(prefix))
        | Q(practitioner__in=_practitioners_with_npi(prefix))
        | Q(site__in=_sites_named(prefix))
        | Q(pk__in=_cases_with_procedure(codes.values("pk")))
    )


def summary_filtered(user: User, query: SummaryQuery) -> QuerySet[Case]:
    """The office's submitted cases that match every filter of `query` (not sorted)."""
    cases = submitted_cases_for(user)
    if query.search.strip():
        cases = cases.filter(_search(query.search))
    if value := _prefix(query.authorization_number):
        cases = cases.filter(authorization_number__startswith=value)
    if value := _prefix(query.case_number):
        cases = cases.filter(case_number__startswith=value)
    if value := _prefix(query.member_last_name):
        cases = cases.filter(member__in=_members_named(value))
    if value := _prefix(query.provider_last_name):
        cases = cases.filter(practitioner__in=_practitioners_named(value))
    if value := _prefix(query.provider_npi):
        cases = cases.filter(practitioner__in=_practitioners_with_npi(value))
    if value := _prefix(query.procedure_code):
        cases = cases.filter(pk__in=_cases_with_procedure(_codes(value)))
    if query.status:
        cases = cases.filter(status=query.status)
    if query.statuses:
        cases = cases.filter(status__in=query.statuses)
    if query.submitted_from is not None:
        cases = cases.filter(submitted_at__gte=query.submitted_from)
    if query.submitted_before is not None:
        cases = cases.filter(submitted_at__lt=query.submitted_before)
    return cases


def _status_label() -> CaseWhen:
    return CaseWhen(
        *(When(status=value, then=Value(label)) for value, label in STATUS_CHOICES),
        default=F("status"),
    )


def _primary_line() -> FilteredRelation:
    return FilteredRelation("procedure_lines", condition=Q(procedure_lines__position=1))


def summary_sorted(cases: QuerySet[Case], sort: str, direction: str) -> QuerySet[Case]:
    """`cases` in the order of a whitelisted column (anything else: the default), empty values
    last either way, the newest case first among equals."""
    column = SORTABLE.get(sort) or SORTABLE[DEFAULT_SORT]
    descending = direction == "desc"
    names = column.sort or ()
    if "status_label" in names:
        cases = cases.annotate(status_label=_status_label())
    # Joined only when something refers to it (the procedure columns' sort, the export).
    cases = cases.annotate(primary_line=_primary_line())
    order = [
        # A submitted case always has submitted_at: no NULLS clause, so the office's index
        # (office, -submitted_at) gives the order.
        (F(name).desc() if descending else F(name).asc())
        if name == "submitted_at"
        else (F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True))
        for name in names
    ]
    return cases.order_by(*order, "-pk" if descending else "pk")


# What a row of Certification Summary, My Worklist or the export shows.
_ROW_FIELDS = (
    "public_id",
    "status",
    "case_number",
    "authorization_number",
    "submitted_at",
    "expiration_date",
    "member__first_name",
    "member__last_name",
    "practitioner__first_name",
    "practitioner__last_name",
    "practitioner__npi",
    "site__name",
    "health_plan__name",
)


def _with_row(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("member", "practitioner", "site", "health_plan").only(*_ROW_FIELDS)


def _rows(ids: Sequence[int]) -> list[Case]:
    """The cases with what a row shows (people, site, insurer, primary procedure), in the order
    of `ids`."""
    by_id = {
        case.pk: case
        for case in _with_row(Case.objects.filter(pk__in=ids)).annotate(
            primary_line=_primary_line(),
            procedure_code=F("primary_line__procedure_code__code"),
            service_description=F("primary_line__procedure_code__short_description"),
        )
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def _page_ids(cases: QuerySet[Case], *, start: int, size: int, total: int) -> list[int]:
    """The ids of one page. When few cases match, all their ids are read and the page cut here:
    with a LIMIT PostgreSQL would walk the office's cases newest first looking for the few
    that match, probing each one's member (or provider, or procedure); without it, it finds
    the few first."""
    ids = cases.values_list("pk", flat=True)
    if total <= FEW:
        return list(ids)[start : start + size]
    return list(ids[start : start + size])


def page_of(cases: QuerySet[Case], *, page: int, per_page: int) -> Page:
    """One page of the sorted `cases`: the count, the page's ids, the page's rows (three
    queries; just the count when there is nothing). A page past the last shows the last."""
    total = cases.order_by().count()
    pages = math.ceil(total / per_page)
    number = min(max(page, 1), max(pages, 1))
    if not total:
        return Page(rows=[], number=number, pages=pages, total=total, per_page=per_page)
    start = (number - 1) * per_page
    ids = _page_ids(cases, start=start, size=per_page, total=total)
    rows = _rows(ids)
    members = list({case.member_id: case.member for case in rows if case.member_id}.values())
    return Page(
        rows=rows, number=number, pages=pages, total=total, per_page=per_page, members=members
    )


def summary_page_for(user: User, query: SummaryQuery) -> Page:
    """Certification Summary: the page of the office's submitted cases `query` asks for."""
    cases = summary_sorted(summary_filtered(user, query), query.sort, query.direction)
    return page_of(cases, page=query.page, per_page=query.per_page)


def summary_export_rows(user: User, query: SummaryQuery) -> Iterator[Case]:
    """Every case `query` matches (all pages), sorted as on screen, with what a row shows, read
    in chunks."""
    cases = summary_sorted(summary_filtered(user, query), query.sort, query.direction)
    return (
        _with_row(cases)
        .annotate(
            procedure_code=F("primary_line__procedure_code__code"),
            service_description=F("primary_line__procedure_code__short_description"),
        )
        .iterator(chunk_size=2000)
    )


def summary_export_members(user: User, query: SummaryQuery) -> list[int]:
    """The members whose data the export holds (for the access log)."""
    return list(
        summary_filtered(user, query)
        .exclude(member__isnull=True)
        .order_by()
        .values_list("member_id", flat=True)
        .distinct()
    )


def worklist_filtered(user: User, *, tab: str, search: str = "") -> QuerySet[Case]:
    """My Worklist: the office's submitted cases of a tab, matching "Start typing to search..."
    as Certification Summary's "Search.." does, newest first."""
    cases = submitted_cases_for(user)
    statuses = WORKLIST_TAB_BY_KEY[tab].statuses
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    if search.strip():
        cases = cases.filter(_search(search))
    return cases.order_by("-submitted_at", "-pk")


def worklist_page_for(user: User, *, tab: str, search: str, page: int) -> Page:
    return page_of(
        worklist_filtered(user, tab=tab, search=search), page=page, per_page=WORKLIST_PER_PAGE
    )
