"""What every import does with the rows it has read: check each against the model the way the
admin's forms do, report the rejected ones by line, and write the good ones in bulk in one
transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from eligibility.imports.reader import ImportReport, RejectedRow, Row

BATCH_SIZE = 1000
# Keeps each `IN (...)` list of a lookup of existing rows to a reasonable length.
LOOKUP_CHUNK = 5000


def check_fields(row: Row, instance: models.Model, columns: dict[str, str]) -> None:
    """Run the model's field validation (lengths, choices, validators such as the NPI check
    digit) on the fields that come from the file. `columns` maps field names to column names;
    a column already found wrong is not checked twice."""
    checked = {name for name, column in columns.items() if column not in row.errors}
    exclude = [f.name for f in instance._meta.concrete_fields if f.name not in checked]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, errors in error.error_dict.items():
            for problem in errors:
                if problem.code in ("blank", "null"):
                    row.error(columns.get(name, name), "a value is required.")
                else:
                    row.error(columns.get(name, name), " ".join(problem.messages))


def same_columns(columns: tuple[str, ...]) -> dict[str, str]:
    return {name: name for name in columns}


def differs(first: models.Model, other: models.Model, fields: Iterable[str]) -> list[str]:
    return [name for name in fields if getattr(first, name) != getattr(other, name)]


def chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def write_atomically(report: ImportReport, write: Callable[[], None]) -> ImportReport:
    """Write the good rows in one transaction; if the database still refuses them (two imports
    of the same records at the same moment), nothing is written and the report says so."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError as error:
        detail = str(error).splitlines()[0] if str(error) else "a constraint was violated"
        return report.refuse(
            None,
            f"Nothing was imported: the database refused the rows ({detail}). "
            "Import the file again; if this repeats, tell the portal's developers.",
        )
    return report


def reject(report: ImportReport, row: Row, message: str | None = None) -> None:
    report.rejected.append(RejectedRow(row.line, message or row.message()))


def finish(report: ImportReport) -> ImportReport:
    report.rejected.sort(key=lambda rejected: rejected.line or 0)
    return report
