"""The metrics as CSV: the page's figures, one line per plan and program and the total, with
the period's dates on every line. Figures only (counts, percentages, hours), no patient data."""

from __future__ import annotations

import csv
import io

from cases.review.metrics.selectors import MetricsRow, MetricsTable

HEADER = [
    "Period from",
    "Period to",
    "Health plan",
    "Program",
    "Requests decided",
    "Approved %",
    "Partially approved %",
    "Denied %",
    "Extended time frame %",
    "Appeals decided",
    "Approved after appeal %",
    "Standard requests decided",
    "Standard average hours to decision",
    "Standard median hours to decision",
    "Expedited requests decided",
    "Expedited average hours to decision",
    "Expedited median hours to decision",
]

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def metrics_csv(table: MetricsTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in [*table.rows, table.total]:
        writer.writerow(_line(table, row))
    return out.getvalue()


def _line(table: MetricsTable, row: MetricsRow) -> list[str]:
    period = table.query.period
    return [
        period.first_day.isoformat(),
        period.last_day.isoformat(),
        _text(row.health_plan),
        _text(row.program),
        str(row.decided),
        _number(row.approved_share, 1),
        _number(row.partially_approved_share, 1),
        _number(row.denied_share, 1),
        _number(row.extended_share, 1),
        str(row.appeals_decided),
        _number(row.approved_after_appeal_share, 1),
        str(row.standard.decided),
        _number(row.standard.average_hours, 2),
        _number(row.standard.median_hours, 2),
        str(row.expedited.decided),
        _number(row.expedited.average_hours, 2),
        _number(row.expedited.median_hours, 2),
    ]


def _number(value: float | None, places: int) -> str:
    # Empty where there is nothing to divide (no request decided), as the page's dash.
    return "" if value is None else f"{value:.{places}f}"


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
