"""Reads for Manage Your Account and Add Practitioner."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from accounts.models import Membership, Office, OfficePractitioner, User
from eligibility.models import Practitioner, PractitionerAddress

# Column heading -> ordering, for "Click Column Headings to Sort".
PROVIDER_SORTS = {
    "name": ("practitioner__last_name", "practitioner__first_name"),
    "npi": ("practitioner__npi",),
    "city": ("primary_city", "practitioner__last_name"),
    "state": ("primary_state", "practitioner__last_name"),
    "zip": ("primary_zip", "practitioner__last_name"),
}


def membership_for(user: User) -> Membership:
    """The signed-in user's office membership; someone outside any office gets a 404."""
    membership = (
        Membership.objects.select_related("office", "office__primary_contact")
        .filter(user_id=user.pk)
        .first()
    )
    if membership is None:
        raise Http404("No office")
    return membership


@dataclass(frozen=True)
class ProviderRow:
    link: OfficePractitioner
    practitioner: Practitioner
    address: PractitionerAddress | None


def office_providers_for(office: Office, *, sort: str = "name") -> list[ProviderRow]:
    """The office's practitioners with their primary address, sorted by a column heading."""
    ordering = PROVIDER_SORTS.get(sort.lstrip("-"), PROVIDER_SORTS["name"])
    if sort.startswith("-"):
        ordering = tuple(f"-{field}" for field in ordering)
    links = (
        OfficePractitioner.objects.filter(office=office)
        .select_related("practitioner")
        .prefetch_related(
            Prefetch(
                "practitioner__addresses",
                queryset=PractitionerAddress.objects.order_by("-is_primary", "address1"),
            )
        )
        .annotate(
            primary_city=_primary_address_field("city"),
            primary_state=_primary_address_field("state"),
            primary_zip=_primary_address_field("zip_code"),
        )
        .order_by(*ordering, "pk")
    )
    rows = []
    for link in links:
        addresses = list(link.practitioner.addresses.all())
        rows.append(ProviderRow(link, link.practitioner, addresses[0] if addresses else None))
    return rows


def _primary_address_field(name: str) -> Subquery:
    return Subquery(
        PractitionerAddress.objects.filter(practitioner=OuterRef("practitioner"))
        .order_by("-is_primary", "address1")
        .values(name)[:1]
    )


@dataclass(frozen=True)
class PractitionerMatch:
    practitioner: Practitioner
    address: PractitionerAddress
    already_linked: bool


def practitioner_matches(*, office: Office, npi: str, state: str, zip_code: str) -> list:
    """Add Practitioner's "find matches": the practitioner with this NPI at an address in this
    state and ZIP code (the first five digits), one row per matching address."""
    addresses: QuerySet[PractitionerAddress] = (
        PractitionerAddress.objects.select_related("practitioner")
        .filter(
            practitioner__npi=npi,
            practitioner__is_active=True,
            state=state,
            zip_code__startswith=zip_code[:5],
        )
        .order_by("-is_primary", "address1")
    )
    linked = set(
        OfficePractitioner.objects.filter(office=office, practitioner__npi=npi).values_list(
            "practitioner_id", flat=True
        )
    )
    return [
        PractitionerMatch(address.practitioner, address, address.practitioner_id in linked)
        for address in addresses
    ]


def office_needs_providers(user: User) -> bool:
    """Home's warning: the user works for an office that has no practitioner yet."""
    return Membership.objects.filter(
        user_id=user.pk, office__practitioner_links__isnull=True
    ).exists()
