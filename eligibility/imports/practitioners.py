"""Import of ordering practitioners and their practice addresses."""

from __future__ import annotations

from typing import IO

from eligibility.imports.batch import (
    BATCH_SIZE,
    check_fields,
    chunks,
    differs,
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
from eligibility.models import Practitioner, PractitionerAddress

PRACTITIONER_COLUMNS = (
    Column("npi", "National Provider Identifier: 10 digits with a valid check digit."),
    Column("first_name", "Up to 60 characters."),
    Column("last_name", "Up to 60 characters."),
    Column("credentials", "MD, DO, NP, PA…", required=False),
    Column("specialty", "e.g. Family Medicine.", required=False),
    Column("tin", "Tax ID: 9 digits (12-3456789 is accepted).", required=False),
    Column("phone", PHONE_HELP),
    Column("fax", PHONE_HELP, required=False),
    Column("address1", "Street address of the practice."),
    Column("address2", "Second address line.", required=False),
    Column("city", "City."),
    Column("state", STATE_HELP),
    Column("zip_code", ZIP_HELP),
)

_PRACTITIONER_FIELDS = same_columns(
    ("npi", "first_name", "last_name", "credentials", "specialty", "tin", "phone", "fax")
)
_ADDRESS_FIELDS = same_columns(("address1", "address2", "city", "state", "zip_code"))


def practitioners_import(*, file: IO[bytes]) -> ImportReport:
    """Ordering practitioners, matched by NPI, each with the practice address of its line. A
    practitioner with several offices has one line per address, each with the same name, TIN,
    phone and fax. An address is matched by street address and ZIP code; a practitioner's first
    address becomes the primary one, and an existing primary address stays primary."""
    report, rows = read_rows(file, PRACTITIONER_COLUMNS)
    if report.file_refused:
        return report
    practitioners: dict[str, tuple[int, Practitioner]] = {}
    addresses: dict[tuple[str, str, str], tuple[int, PractitionerAddress]] = {}
    for row in rows:
        practitioner = Practitioner(
            npi=row.text("npi"),
            first_name=row.text("first_name"),
            last_name=row.text("last_name"),
            credentials=row.text("credentials"),
            specialty=row.text("specialty"),
            tin=row.tin("tin"),
            phone=row.phone("phone"),
            fax=row.phone("fax"),
        )
        address = PractitionerAddress(
            address1=row.text("address1"),
            address2=row.text("address2"),
            city=row.text("city"),
            state=row.state(),
            zip_code=row.text("zip_code"),
            phone=practitioner.phone,
            fax=practitioner.fax,
        )
        check_fields(row, practitioner, _PRACTITIONER_FIELDS)
        check_fields(row, address, _ADDRESS_FIELDS)
        if row.errors:
            reject(report, row)
            continue
        first = practitioners.get(practitioner.npi)
        if first:
            different = differs(first[1], practitioner, _PRACTITIONER_FIELDS)
            if different:
                reject(
                    report,
                    row,
                    f"NPI {practitioner.npi} is also on line {first[0]} with a different "
                    f"{', '.join(different)}. Give the same details on every line of a "
                    "practitioner.",
                )
                continue
        key = (practitioner.npi, address.address1, address.zip_code)
        if key in addresses:
            reject(report, row, f"Line {addresses[key][0]} already has this NPI at this address.")
            continue
        practitioners.setdefault(practitioner.npi, (row.line, practitioner))
        addresses[key] = (row.line, address)

    if not practitioners:
        return finish(report)
    npis = list(practitioners)

    def write():
        existing = set()
        for chunk in chunks(npis):
            existing.update(
                Practitioner.objects.filter(npi__in=chunk).values_list("npi", flat=True)
            )
        Practitioner.objects.bulk_create(
            [practitioner for _, practitioner in practitioners.values()],
            update_conflicts=True,
            unique_fields=["npi"],
            update_fields=[*sorted(set(_PRACTITIONER_FIELDS) - {"npi"}), "updated_at"],
            batch_size=BATCH_SIZE,
        )
        ids = [practitioner.pk for _, practitioner in practitioners.values()]
        known: dict[tuple[int, str, str], int] = {}
        with_primary: set[int] = set()
        for chunk in chunks(ids):
            for (
                pk,
                practitioner_id,
                address1,
                zip_code,
                is_primary,
            ) in PractitionerAddress.objects.filter(practitioner_id__in=chunk).values_list(
                "pk", "practitioner_id", "address1", "zip_code", "is_primary"
            ):
                known[(practitioner_id, address1, zip_code)] = pk
                if is_primary:
                    with_primary.add(practitioner_id)
        new, changed = [], []
        for (npi, address1, zip_code), (_, address) in addresses.items():
            address.practitioner = practitioners[npi][1]
            pk = known.get((address.practitioner_id, address1, zip_code))
            if pk:
                address.pk = pk
                changed.append(address)
            else:
                address.is_primary = address.practitioner_id not in with_primary
                with_primary.add(address.practitioner_id)
                new.append(address)
        PractitionerAddress.objects.bulk_create(new, batch_size=BATCH_SIZE)
        PractitionerAddress.objects.bulk_update(
            changed, ["address2", "city", "state", "phone", "fax"], batch_size=BATCH_SIZE
        )
        report.created = len(npis) - len(existing)
        report.updated = len(existing)

    return finish(write_atomically(report, write))
