"""ICD-10-CM diagnoses from the code set shipped with the `simple_icd_10_cm` package."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

from django.db import transaction

from eligibility.models import DiagnosisCode

DESCRIPTION_MAX = DiagnosisCode._meta.get_field("description").max_length


def icd10cm_codes() -> Iterator[DiagnosisCode]:
    """Every category, subcategory and code of the package's ICD-10-CM release, as unsaved rows.

    Chapters ("1") and blocks ("A00-A09") are headings, not codes, and are left out. A block that
    holds a single category shares its name with it (e.g. "B99") and is listed twice by the
    package; the category is kept once. A code is billable when nothing hangs below it: the
    package appends the seventh-character extensions as children, so "S00.00" is not billable
    while "S00.00XA" is.
    """
    # Importing the package parses its 10 MB XML release (about 2 s): only do it when loading.
    # It reads that file through importlib.resources calls deprecated in Python 3.11.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as icd

    for code in dict.fromkeys(icd.get_all_codes(with_dots=True)):
        if not icd.is_category_or_subcategory(code):
            continue
        description = " ".join(icd.get_description(code).split())
        yield DiagnosisCode(
            code=code,
            description=description[:DESCRIPTION_MAX],
            is_billable=icd.is_leaf(code),
        )


@transaction.atomic
def icd10cm_load(*, batch_size: int = 5000) -> int:
    """Make the diagnosis table hold the package's ICD-10-CM release; returns how many codes it has.

    Idempotent: rows whose description and billable flag already match are not written again, the
    rest are upserted on the code. Codes dropped from a later release are kept, because cases may
    still name them.
    """
    current = {
        code: (description, is_billable)
        for code, description, is_billable in DiagnosisCode.objects.values_list(
            "code", "description", "is_billable"
        ).iterator(chunk_size=batch_size)
    }
    loaded = 0
    changed: list[DiagnosisCode] = []
    for row in icd10cm_codes():
        loaded += 1
        if current.get(row.code) != (row.description, row.is_billable):
            changed.append(row)
    DiagnosisCode.objects.bulk_create(
        changed,
        batch_size=batch_size,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["description", "is_billable"],
    )
    return loaded


def diagnosis_codes_billable_count() -> int:
    return DiagnosisCode.objects.filter(is_billable=True).count()
