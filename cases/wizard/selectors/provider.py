"""Reads for Requesting Provider Information, Choose Your Insurer and Add Your Contact Info:
the office's practitioners (filtered, a page at a time), the registry search of the DME
supplier path, the plans that delegate a draft's program today and a practitioner's
addresses. Each list costs the same few queries whatever the data size."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from cases.models import Case
from cases.wizard.selectors import delegations_in_force
from eligibility.models import HealthPlan, Practitioner, PractitionerAddress, Program

PROVIDERS_PER_PAGE = 10
ORDERING_PHYSICIANS_LIMIT = 25


def _addresses_primary_first() -> Prefetch:
    return Prefetch(
        "addresses",
        queryset=PractitionerAddress.objects.order_by("-is_primary", "address1", "pk"),
    )


def office_practitioners_for(office_id: int) -> QuerySet[Practitioner]:
    """The active practitioners linked to the office: whom its users may build cases for."""
    return Practitioner.objects.filter(office_links__office_id=office_id, is_active=True)


def office_practitioners_filtered(office_id: int, term: str = "") -> QuerySet[Practitioner]:
    """ "Filter Last Name or NPI": digits match the start of the NPI, anything else the start
    of the last name; by name, with the addresses (primary first) in one more query."""
    practitioners = office_practitioners_for(office_id)
    term = term.strip()
    if term.isdigit():
        practitioners = practitioners.filter(npi__startswith=term)
    elif term:
        practitioners = practitioners.filter(last_name__istartswith=term)
    return practitioners.prefetch_related(_addresses_primary_first()).order_by(
        "last_name", "first_name", "pk"
    )


def practitioner_registry_active(npi: str) -> Practitioner | None:
    """The registry's active practitioner with this NPI (Search By NPI)."""
    return Practitioner.objects.filter(npi=npi, is_active=True).first()


def ordering_physicians_search(
    *,
    npi: str = "",
    tin: str = "",
    last_name: str = "",
    city: str = "",
    zip_code: str = "",
    limit: int = ORDERING_PHYSICIANS_LIMIT,
) -> list[Practitioner]:
    """The DME supplier path's "Search for Physician by TIN, NPI, physician last name, city
    and/or zip" over the whole registry (only referring providers order). The NPI (unique) or
    the TIN (indexed) always anchors the query; the caller's form requires one of them."""
    if not (npi or tin):
        return []
    practitioners = Practitioner.objects.filter(is_active=True)
    if npi:
        practitioners = practitioners.filter(npi=npi)
    if tin:
        practitioners = practitioners.filter(tin=tin)
    if last_name:
        practitioners = practitioners.filter(last_name__istartswith=last_name)
    if city or zip_code:
        addresses = PractitionerAddress.objects.filter(practitioner=OuterRef("pk"))
        if city:
            addresses = addresses.filter(city__iexact=city)
        if zip_code:
            addresses = addresses.filter(zip_code__startswith=zip_code)
        practitioners = practitioners.filter(Exists(addresses))
    return list(
        practitioners.prefetch_related(_addresses_primary_first()).order_by(
            "last_name", "first_name", "pk"
        )[:limit]
    )


def ordering_physicians_for() -> QuerySet[Practitioner]:
    """Whom a DME supplier may name as the ordering physician: any active practitioner."""
    return Practitioner.objects.filter(is_active=True)


def health_plans_delegating(program: Program, day: dt.date) -> QuerySet[HealthPlan]:
    """ "Please Select a Health Plan": the active plans that delegate the program on the day,
    for any line of business."""
    delegating = delegations_in_force(day).filter(program=program).values("health_plan_id")
    return HealthPlan.objects.filter(is_active=True, pk__in=delegating).order_by("name")


def practitioner_addresses_for(practitioner: Practitioner | None) -> QuerySet[PractitionerAddress]:
    """The provider's addresses, primary first (none when no provider is chosen)."""
    if practitioner is None:
        return PractitionerAddress.objects.none()
    return PractitionerAddress.objects.filter(practitioner=practitioner).order_by(
        "-is_primary", "address1", "pk"
    )


def requesting_provider_label(practitioner: Practitioner | None) -> str:
    """ "Requesting Provider: DR. MICHAEL, MD (1234567893)" """
    if practitioner is None:
        return ""
    credentials = f", {practitioner.credentials}" if practitioner.credentials else ""
    return f"DR. {practitioner.last_name.upper()}{credentials} ({practitioner.npi})"


def contact_initial_for(case: Case, *, user) -> dict:
    """Add Your Contact Info's first values: the draft's own once saved, else the provider's
    name, phone and fax (of the chosen address, else of the practitioner) and the signed-in
    user as the contact."""
    if case.contact_saved:
        return {
            "provider_name": case.contact_provider_name,
            "contact_name": case.contact_name,
            "fax": case.contact_fax,
            "phone": case.contact_phone,
            "phone_ext": case.contact_phone_ext,
            "cell_phone": case.contact_cell_phone,
            "email": case.contact_email,
            "notify_by_email": case.notify_by_email,
        }
    practitioner = case.practitioner
    address = case.practitioner_address
    initial = {
        "contact_name": user.get_full_name(),
        "email": user.email,
        "notify_by_email": True,
    }
    if practitioner is not None:
        name = f"{practitioner.first_name} {practitioner.last_name}"
        if practitioner.credentials:
            name = f"{name}, {practitioner.credentials}"
        initial["provider_name"] = name
        initial["phone"] = (address.phone if address else "") or practitioner.phone
        initial["fax"] = (address.fax if address else "") or practitioner.fax
    return initial
