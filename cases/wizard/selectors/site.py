"""Reads of the site step: "Specific Site Search" over the active sites of service."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.functions import Upper

from eligibility.models import Site

SITE_RESULTS_LIMIT = 25


@dataclass(frozen=True)
class SiteResults:
    sites: list[Site]
    more: bool  # more sites match than the table shows


def sites_matching(
    *,
    npi: str = "",
    tin: str = "",
    zip_code: str = "",
    name: str = "",
    city: str = "",
    starts_with: bool = False,
    limit: int = SITE_RESULTS_LIMIT,
) -> SiteResults:
    """Active sites matching every criterion given, by name, one query. The form asks for an
    NPI, a TIN, or a name with a zip code or a city, so each search uses one of the site's
    indexes (npi, tin, zip_code, upper(name))."""
    sites: QuerySet[Site] = Site.objects.filter(is_active=True)
    if npi:
        sites = sites.filter(npi=npi)
    if tin:
        # Stored as 9 digits or as 12-3456789: both are looked up on the index.
        sites = sites.filter(tin__in=[tin, f"{tin[:2]}-{tin[2:]}"])
    if zip_code:
        sites = sites.filter(zip_code__in=sorted({zip_code, zip_code[:5]}))
    if city:
        sites = sites.filter(city__iexact=city)
    if name:
        upper = name.upper()
        sites = sites.alias(name_upper=Upper("name"))
        if starts_with:
            sites = sites.filter(name_upper__startswith=upper)
        else:
            sites = sites.filter(name_upper=upper)
    found = list(sites.order_by("name", "pk")[: limit + 1])
    return SiteResults(sites=found[:limit], more=len(found) > limit)
