"""The Medical Review Queue (GET, filters by choices in the address: only the chosen ones, an
address with unchosen ones is redirected to the one without them), "Take next case" and
"Release" (POST). Reviewers only: everyone else gets 404. The queue's page is written to the
access log (one row per member shown)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import AccessEvent
from accounts.services import access_events_record_for_members
from cases.errors import CaseError
from cases.models import Case
from cases.review.access import reviewer_required
from cases.review.queue.forms import QueueFilterForm, unchosen_dropped
from cases.review.queue.rows import queue_rows
from cases.review.queue.selectors import queue_member_ids, queue_page_for, queue_programs_for
from cases.review.queue.services import case_release, case_take_next

TEMPLATE = "cases/review/queue.html"
NOTHING_TO_TAKE = "No case is waiting for review."
FILTER_NAMES = ("program", "urgency", "status", "assigned", "due_soon")


def _address(form: QueueFilterForm) -> QueryDict:
    """The valid filters, as the pager's links carry them."""
    address = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if name in form.errors:
            continue
        value = form.cleaned_data.get(name)
        if value:
            address[name] = "on" if value is True else str(value)
    return address


def _page_url(base: str, address: QueryDict, number: int) -> str:
    query = address.copy()
    query["page"] = str(number)
    return f"{base}?{query.urlencode()}"


def _pager(address: QueryDict, page) -> dict:
    base = reverse("cases:review-queue")
    return {
        "first": _page_url(base, address, 1) if page.has_previous else None,
        "previous": _page_url(base, address, page.number - 1) if page.has_previous else None,
        "next": _page_url(base, address, page.number + 1) if page.has_next else None,
        "last": _page_url(base, address, page.pages) if page.has_next else None,
    }


@reviewer_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    chosen = unchosen_dropped(request.GET)
    if chosen is not None:
        query = chosen.urlencode()
        return redirect(reverse("cases:review-queue") + (f"?{query}" if query else ""))
    now = timezone.now()
    form = QueueFilterForm(request.GET, programs=queue_programs_for(request.user))
    form.is_valid()
    query = form.queue_query()
    page = queue_page_for(request.user, query, now=now)
    member_ids = queue_member_ids(page)
    if member_ids:
        access_events_record_for_members(
            request=request,
            user=request.user,
            member_ids=member_ids,
            action=AccessEvent.Action.LIST,
        )
    address = _address(form)
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "errors": form.visible_errors(),
            "query": query,
            "page": page,
            "rows": queue_rows(page.rows, user=request.user, now=now),
            "pager": _pager(address, page),
            "now": now,
            "nothing_to_take": NOTHING_TO_TAKE,
        },
    )


@reviewer_required
@require_POST
def review_take_next(request: HttpRequest) -> HttpResponse:
    case = case_take_next(user=request.user, now=timezone.now())
    if case is None:
        messages.info(request, NOTHING_TO_TAKE)
        return redirect("cases:review-queue")
    messages.success(request, f"Case {case.case_number} is assigned to you.")
    return redirect(reverse("cases:review-case", kwargs={"public_id": case.public_id}))


@reviewer_required
@require_POST
def review_release(request: HttpRequest, public_id) -> HttpResponse:
    try:
        case = case_release(user=request.user, public_id=public_id)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Case {case.case_number} is back in the queue, unassigned.")
    return redirect("cases:review-queue")
