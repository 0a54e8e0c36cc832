"""Certification Summary (filters, sort, pages, CSV export) and My Worklist (on Home, and as a
page of its own without JavaScript): the office's submitted cases. The filters are POSTed and kept
in the session (cases.tracking.filters: no patient data in addresses); sort and pages are links.
htmx asks for the results only (HX-Request); without JavaScript a POST redirects to the page and
the same links answer whole pages. Every page and export of patient data is written to the access
log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import AccessEvent
from accounts.services import access_events_record_many
from cases.tracking.export import export_lines
from cases.tracking.filters import (
    SUMMARY_ADDRESS,
    SUMMARY_FILTERS,
    SUMMARY_KEY,
    WORKLIST_ADDRESS,
    WORKLIST_FILTERS,
    WORKLIST_KEY,
    address_of,
    filters_clear,
    filters_save,
    with_filters,
)
from cases.tracking.forms import DATE_CHOICES, CertificationSummaryForm, WorklistForm
from cases.tracking.rows import summary_rows, worklist_rows
from cases.tracking.selectors import (
    PER_PAGE_CHOICES,
    SUMMARY_COLUMNS,
    WORKLIST_TABS,
    summary_export_members,
    summary_export_rows,
    summary_page_for,
    worklist_page_for,
)
from eligibility.models import Member

SUMMARY_TEMPLATE = "cases/tracking/certification_summary.html"
SUMMARY_RESULTS_TEMPLATE = "cases/tracking/partials/summary_results.html"
WORKLIST_TEMPLATE = "cases/tracking/worklist.html"
WORKLIST_PARTIAL_TEMPLATE = "cases/tracking/partials/worklist.html"
EXPORT_FILENAME = "certification-summary.csv"


def _office_only(request: HttpRequest) -> None:
    if request.user.office is None:
        raise Http404("Only office users have submitted cases.")


def _partial_wanted(request: HttpRequest) -> bool:
    # A history restore (the page not in htmx's cache) wants the whole page.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _log(request: HttpRequest, members, action: str) -> None:
    if members:
        access_events_record_many(
            request=request, user=request.user, members=members, action=action
        )


def _url(base: str, params: QueryDict, **changes) -> str:
    """`base` with the request's query string changed (None: left out), as {% querystring %}
    does: the links keep the filters."""
    query = params.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return f"{base}?{query.urlencode()}" if query else base


def _columns(address: QueryDict, form: CertificationSummaryForm, query, errors: dict) -> list:
    """The header cells: each sortable column's link (the other direction when it is the sort)
    and aria-sort, and the filter box under it (its field and errors)."""
    base = reverse("cases:certification-summary")
    columns = []
    for column in SUMMARY_COLUMNS:
        current = bool(column.sort) and query.sort == column.key
        direction = query.direction if current else None
        next_direction = "desc" if direction == "asc" else "asc"
        columns.append(
            {
                "key": column.key,
                "label": column.label,
                "sort_url": _url(base, address, sort=column.key, dir=next_direction, page=None)
                if column.sort
                else "",
                "field": form[column.filter_field] if column.filter_field else None,
                "errors": errors.get(column.filter_field, []) if column.filter_field else [],
                "direction": direction,
                "aria_sort": {"asc": "ascending", "desc": "descending"}.get(direction, "none"),
            }
        )
    return columns


def _pager(address: QueryDict, page) -> dict:
    """The pager's links (None where there is no such page) and the export's."""
    base = reverse("cases:certification-summary")

    def to(number: int) -> str:
        return _url(base, address, page=number)

    return {
        "first": to(1) if page.has_previous else None,
        "previous": to(page.number - 1) if page.has_previous else None,
        "next": to(page.number + 1) if page.has_next else None,
        "last": to(page.pages) if page.has_next else None,
        "export": _url(reverse("cases:certification-summary-export"), address, page=None),
    }


def _summary_filters_post(request: HttpRequest) -> QueryDict:
    """A POST of the filter form: the filters kept (or cleared), and the address it leads to
    (the sort and page size it carried; back to page 1)."""
    if request.POST.get("action") == "clear":
        filters_clear(request.session, SUMMARY_KEY)
    else:
        filters_save(request.session, SUMMARY_KEY, request.POST, SUMMARY_FILTERS)
    address = address_of(request.POST, SUMMARY_ADDRESS)
    address.pop("page", None)
    return address


@require_http_methods(["GET", "POST"])
def certification_summary(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    base = reverse("cases:certification-summary")
    if request.method == "POST":
        address = _summary_filters_post(request)
        if not _partial_wanted(request):
            return redirect(_url(base, address))
    else:
        address = address_of(request.GET, SUMMARY_ADDRESS)
    form = CertificationSummaryForm(
        with_filters(request.session, SUMMARY_KEY, address, SUMMARY_FILTERS)
    )
    form.is_valid()
    query = form.summary_query(now=timezone.now())
    page = summary_page_for(request.user, query)
    _log(request, page.members, AccessEvent.Action.LIST)
    errors = form.visible_errors()
    context = {
        "form": form,
        "errors": errors,
        "query": query,
        "page": page,
        "rows": summary_rows(page.rows),
        "columns": _columns(address, form, query, errors),
        "pager": _pager(address, page),
        "per_page_choices": PER_PAGE_CHOICES,
        "date_choices": DATE_CHOICES,
    }
    template = SUMMARY_RESULTS_TEMPLATE if _partial_wanted(request) else SUMMARY_TEMPLATE
    response = render(request, template, context)
    if request.method == "POST":
        response["HX-Push-Url"] = _url(base, address)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def certification_summary_export(request: HttpRequest) -> HttpResponse:
    """Every case the filters match (all pages), in the screen's order, as CSV. The filters that
    are not valid are left out, as on screen."""
    _office_only(request)
    address = address_of(request.GET, SUMMARY_ADDRESS)
    form = CertificationSummaryForm(
        with_filters(request.session, SUMMARY_KEY, address, SUMMARY_FILTERS)
    )
    form.is_valid()
    query = form.summary_query(now=timezone.now())
    member_ids = summary_export_members(request.user, query)
    _log(request, [Member(pk=pk) for pk in member_ids], AccessEvent.Action.EXPORT)
    lines = export_lines(summary_export_rows(request.user, query))
    response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=EXPORT_FILENAME
    )
    response["Cache-Control"] = "no-store"
    return response


def _with_bom(lines):
    # Spreadsheets read UTF-8 (accented names) only with the byte order mark.
    yield "\ufeff"
    yield from lines


def worklist_context(request: HttpRequest, address: QueryDict | None = None) -> dict:
    """My Worklist's tab and page (the address) and search (the session), the page read and
    logged."""
    if address is None:
        address = address_of(request.GET, WORKLIST_ADDRESS)
    form = WorklistForm(with_filters(request.session, WORKLIST_KEY, address, WORKLIST_FILTERS))
    form.is_valid()
    tab, search, number = form.values()
    page = worklist_page_for(request.user, tab=tab, search=search, page=number)
    _log(request, page.members, AccessEvent.Action.LIST)
    return {
        "worklist_form": form,
        "worklist_errors": form.visible_errors(),
        "worklist_tab": tab,
        "worklist_tabs": WORKLIST_TABS,
        "worklist_search": search,
        "worklist_page": page,
        "worklist_rows": worklist_rows(page.rows),
    }


@require_http_methods(["GET", "POST"])
def worklist(request: HttpRequest) -> HttpResponse:
    """My Worklist: the partial htmx swaps in on Home, or a page of its own without
    JavaScript. A POST is the search box (kept in the session) with the tab it was on."""
    _office_only(request)
    address = None
    if request.method == "POST":
        filters_save(request.session, WORKLIST_KEY, request.POST, WORKLIST_FILTERS)
        address = address_of(request.POST, WORKLIST_ADDRESS)
        address.pop("page", None)
        if not _partial_wanted(request):
            return redirect(_url(reverse("cases:worklist"), address))
    context = worklist_context(request, address)
    template = WORKLIST_PARTIAL_TEMPLATE if _partial_wanted(request) else WORKLIST_TEMPLATE
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
