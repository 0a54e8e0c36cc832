"""Certification Summary as CSV: the columns of the screen that hold data, one row per case, each
cell safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from cases.models import Case
from cases.tracking.rows import summary_cells
from cases.tracking.selectors import SUMMARY_COLUMNS

# The screen's columns but the two links (Correspondence, Upload Clinical).
EXPORT_COLUMNS = tuple(
    column for column in SUMMARY_COLUMNS if column.key not in {"correspondence", "upload_clinical"}
)
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: object) -> str:
    """The value as text; one a spreadsheet would take for a formula gets a leading single
    quote, so it shows as the text it is."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_row(case: Case) -> list[str]:
    """One case as the screen shows it, each cell safe."""
    return [cell_safe(value) for value in summary_cells(case)]


class _Line:
    """csv.writer's file: hands back the line just written."""

    def write(self, value: str) -> str:
        return value


def export_lines(cases: Iterable[Case]) -> Iterator[str]:
    """The CSV, line by line: the header (the screen's column titles), then one line a case."""
    writer = csv.writer(_Line())
    yield writer.writerow([column.label for column in EXPORT_COLUMNS])
    for case in cases:
        yield writer.writerow(export_row(case))
