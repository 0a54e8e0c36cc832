"""Import of sites of service (rendering facilities)."""

from __future__ import annotations

from typing import IO

from eligibility.imports.batch import (
    BATCH_SIZE,
    check_fields,
    chunks,
    finish,
    reject,
    same_columns,
    write_atomically,
)
from eligibility.imports.reader import (
    PHONE_HELP,
    STATE_HELP,
    ZIP_HELP,
    Column,
    ImportReport,
    read_rows,
)
from eligibility.models import Site

SITE_COLUMNS = (
    Column("npi", "The facility's NPI: 10 digits with a valid check digit."),
    Column("tin", "Tax ID: 9 digits (12-3456789 is accepted).", required=False),
    Column("name", "The facility's name, up to 120 characters."),
    Column("address1", "Street address."),
    Column("address2", "Second address line.", required=False),
    Column("city", "City."),
    Column("state", STATE_HELP),
    Column("zip_code", ZIP_HELP),
    Column("phone", PHONE_HELP),
    Column("fax", PHONE_HELP, required=False),
    Column(
        "place_of_service",
        "Place-of-service code: "
        + ", ".join(Site.PlaceOfService.values)
        + f". Empty: {Site.PlaceOfService.OUTPATIENT.label}.",
        required=False,
    ),
)

_SITE_FIELDS = same_columns(
    (
        "npi",
        "tin",
        "name",
        "address1",
        "address2",
        "city",
        "state",
        "zip_code",
        "phone",
        "fax",
        "place_of_service",
    )
)
_PLACES_OF_SERVICE = {
    **{value: value for value in Site.PlaceOfService.values},
    **{label.lower(): value for value, label in Site.PlaceOfService.choices},
}


def sites_import(*, file: IO[bytes]) -> ImportReport:
    """Sites of service (rendering facilities), matched by NPI, street address and ZIP code:
    one facility NPI may have several locations."""
    report, rows = read_rows(file, SITE_COLUMNS)
    if report.file_refused:
        return report
    sites: dict[tuple[str, str, str], tuple[int, Site]] = {}
    for row in rows:
        place = row.text("place_of_service")
        site = Site(
            npi=row.text("npi"),
            tin=row.tin("tin"),
            name=row.text("name"),
            address1=row.text("address1"),
            address2=row.text("address2"),
            city=row.text("city"),
            state=row.state(),
            zip_code=row.text("zip_code"),
            phone=row.phone("phone"),
            fax=row.phone("fax"),
            place_of_service=(
                row.choice(
                    "place_of_service",
                    _PLACES_OF_SERVICE,
                    "the place-of-service codes " + ", ".join(Site.PlaceOfService.values),
                )
                if place
                else Site.PlaceOfService.OUTPATIENT
            ),
        )
        check_fields(row, site, _SITE_FIELDS)
        if row.errors:
            reject(report, row)
            continue
        key = (site.npi, site.address1, site.zip_code)
        if key in sites:
            reject(report, row, f"Line {sites[key][0]} already has this NPI at this address.")
            continue
        sites[key] = (row.line, site)

    if not sites:
        return finish(report)

    def write():
        npis = sorted({npi for npi, _, _ in sites})
        existing = set()
        for chunk in chunks(npis):
            existing.update(
                Site.objects.filter(npi__in=chunk).values_list("npi", "address1", "zip_code")
            )
        Site.objects.bulk_create(
            [site for _, site in sites.values()],
            update_conflicts=True,
            unique_fields=["npi", "address1", "zip_code"],
            update_fields=sorted(set(_SITE_FIELDS) - {"npi", "address1", "zip_code"}),
            batch_size=BATCH_SIZE,
        )
        report.updated = len(existing & set(sites))
        report.created = len(sites) - report.updated

    return finish(write_atomically(report, write))
