"""A case's "P2P Status", as Authorization Lookup and P2P AVAILABILITY show it: its latest
appointment, scheduled (with its time), completed (with the outcome) or cancelled."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from cases.models import Case
from p2p.models import Appointment, AppointmentCase
from p2p.zones import moment_text

_MISSING = object()


def _latest_appointment(case: Case | OuterRef) -> QuerySet[AppointmentCase]:
    return (
        AppointmentCase.objects.filter(case=case)
        .order_by("-appointment__starts_at", "-pk")
        .values(
            latest=JSONObject(
                status=F("appointment__status"),
                starts_at=F("appointment__starts_at"),
                outcome=F("appointment__outcome"),
                time_zone=F("appointment__time_zone"),
            )
        )
    )


def with_p2p_status(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases with their latest appointment annotated (no further query per case)."""
    return queryset.annotate(p2p_latest=Subquery(_latest_appointment(OuterRef("pk"))[:1]))


def p2p_status_text(case: Case) -> str:
    """ "Scheduled: Mon 5/18/26 - 6:30 pm EDT", "Completed: Decision overturned", "Cancelled",
    or nothing for a case without an appointment. Reads with_p2p_status's annotation, else one
    query."""
    latest = getattr(case, "p2p_latest", _MISSING)
    if latest is _MISSING:
        row = _latest_appointment(case).first()
        latest = row["latest"] if row else None
    if not latest:
        return ""
    status = latest["status"]
    if status == Appointment.Status.SCHEDULED:
        starts_at = dt.datetime.fromisoformat(latest["starts_at"])
        return f"Scheduled: {moment_text(starts_at, latest['time_zone'])}"
    if status == Appointment.Status.COMPLETED and latest["outcome"]:
        return f"Completed: {Appointment.Outcome(latest['outcome']).label}"
    return Appointment.Status(status).label
