"""The metrics page and its CSV export (GET; filters in the address). Portal administrators
only (cases.review.metrics.access): everyone else gets 404.

Neither writes to the access log: they show counts, shares and times per plan and program,
never a case, a member or anything else of a patient's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.review.metrics.access import metrics_admin_required
from cases.review.metrics.display import row_display
from cases.review.metrics.export import metrics_csv
from cases.review.metrics.forms import MetricsFilterForm
from cases.review.metrics.periods import portal_date
from cases.review.metrics.selectors import metrics_table

TEMPLATE = "cases/review/metrics.html"


def _form(request: HttpRequest) -> MetricsFilterForm:
    form = MetricsFilterForm(request.GET, today=portal_date(timezone.now()))
    form.is_valid()
    return form


def _page(request: HttpRequest, form: MetricsFilterForm, *, status: int = 200) -> HttpResponse:
    table = metrics_table(form.metrics_query())
    address = form.address().urlencode()
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "table": table,
            "rows": [row_display(row) for row in table.rows],
            "total": row_display(table.total),
            "time_zone": settings.TIME_ZONE,
            "csv_url": f"{reverse('cases:review-metrics-csv')}?{address}",
        },
        status=status,
    )


@metrics_admin_required
@require_GET
def review_metrics(request: HttpRequest) -> HttpResponse:
    return _page(request, _form(request))


@metrics_admin_required
@require_GET
def review_metrics_csv(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if form.errors:
        # No file of figures the person did not ask for: the page, with the messages.
        return _page(request, form, status=400)
    table = metrics_table(form.metrics_query())
    response = HttpResponse(metrics_csv(table), content_type="text/csv; charset=utf-8")
    filename = f"prior-authorization-metrics-{table.query.period.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
