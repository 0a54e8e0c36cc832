"""How the figures read: a share as a percentage, a time to decision in minutes, hours or days
(a dash where there is nothing to show: no request decided is not 0%)."""

from __future__ import annotations

from cases.review.metrics.selectors import MetricsRow

NOTHING = "—"


def share_display(share: float | None) -> str:
    return NOTHING if share is None else f"{share:.1f}%"


def hours_display(hours: float | None) -> str:
    """Under an hour in minutes, under two days in hours, else in days: "45 min", "30.0 hours",
    "2.1 days"."""
    if hours is None:
        return NOTHING
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"


def row_display(row: MetricsRow) -> dict[str, str | int]:
    """A table row's cells as the page shows them."""
    return {
        "health_plan": row.health_plan,
        "program": row.program,
        "decided": row.decided,
        "approved": share_display(row.approved_share),
        "partially_approved": share_display(row.partially_approved_share),
        "denied": share_display(row.denied_share),
        "extended": share_display(row.extended_share),
        "appeals_decided": row.appeals_decided,
        "approved_after_appeal": share_display(row.approved_after_appeal_share),
        "standard_decided": row.standard.decided,
        "standard_average": hours_display(row.standard.average_hours),
        "standard_median": hours_display(row.standard.median_hours),
        "expedited_decided": row.expedited.decided,
        "expedited_average": hours_display(row.expedited.average_hours),
        "expedited_median": hours_display(row.expedited.median_hours),
    }
