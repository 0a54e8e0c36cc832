"""Reads the wizard's steps need, each scoped to what the office may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from accounts.models import Office
from eligibility.models import Delegation, Program


def delegations_in_force(day: dt.date) -> QuerySet[Delegation]:
    return Delegation.objects.filter(effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )


def programs_delegated(day: dt.date) -> QuerySet[Program]:
    """The programs at least one plan delegates today (the first step's list)."""
    delegated = delegations_in_force(day).filter(health_plan__is_active=True)
    return Program.objects.filter(pk__in=delegated.values("program_id")).order_by(
        "display_order", "name"
    )


def office_has_practitioners(office: Office) -> bool:
    return office.practitioner_links.filter(practitioner__is_active=True).exists()
