"""Reading an import file: decoding it as UTF-8 CSV, checking its header against the columns
the import expects, numbering its lines, and turning each data line into a Row whose values
are parsed the way the portal stores them. A file that cannot be read as a whole raises
ImportFileError, and the import writes nothing of it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import IO, NamedTuple

from eligibility.us_states import US_STATES
from eligibility.validators import phone_digits

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_MEGABYTES = MAX_IMPORT_BYTES // (1024 * 1024)
DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")

STATE_CODES = frozenset(code for code, _ in US_STATES)
_TIN_WITH_DASH = re.compile(r"\d{2}-\d{7}")
SAVE_AS_CSV = 'In Excel, choose File > Save As > "CSV UTF-8 (Comma delimited)".'

# How the columns that Row parses are to be written, for the import pages' column lists.
DATE_HELP = "MM/DD/YYYY or YYYY-MM-DD."
STATE_HELP = "Two-letter USPS code, e.g. TN."
ZIP_HELP = "5 digits, or 5+4 (37067-1234)."
PHONE_HELP = "10 digits, area code first; (615) 548-4000 is stored as 6155484000."


@dataclass(frozen=True)
class Column:
    """One column an import file must have in its header (line 1)."""

    name: str
    description: str
    required: bool = True  # a value must be given on every row


class RejectedRow(NamedTuple):
    """A line of the file that was not imported, and why, in words an administrator can act on."""

    line: int | None
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # True when the file as a whole could not be read: nothing of it was written.
    file_refused: bool = False

    def refuse(self, line: int | None, message: str) -> ImportReport:
        self.created = self.updated = 0
        self.rejected = [RejectedRow(line, message)]
        self.file_refused = True
        return self


class ImportFileError(Exception):
    """The file cannot be read at all; `line` says where, when that is known."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class Row:
    """One data line of the file: its values by column, and what is wrong with them."""

    def __init__(self, line: int, values: dict[str, str]):
        self.line = line
        self.values = values
        self.errors: dict[str, list[str]] = {}

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def message(self) -> str:
        # One problem a line: the report shows each on its own line.
        return "\n".join(
            f"{column}: {text}" for column, texts in self.errors.items() for text in texts
        )

    def text(self, column: str) -> str:
        return self.values[column]

    def date(self, column: str) -> date | None:
        raw = self.values[column]
        if not raw:
            return None
        parsed = _parse_date(raw)
        if parsed is None:
            self.error(column, f"“{raw}” is not a date; enter it as MM/DD/YYYY or YYYY-MM-DD.")
        return parsed

    def phone(self, column: str) -> str:
        raw = self.values[column]
        digits = phone_digits(raw)
        # Text without any digit is kept as typed, so the model's validator rejects it rather
        # than it being stored as "no phone".
        return digits or raw

    def tin(self, column: str) -> str:
        raw = self.values[column]
        return raw.replace("-", "") if _TIN_WITH_DASH.fullmatch(raw) else raw

    def state(self, column: str = "state") -> str:
        value = self.values[column].upper()
        if value and value not in STATE_CODES:
            self.error(
                column,
                f"“{self.values[column]}” is not a US state or territory code "
                "(two letters, e.g. TN).",
            )
        return value

    def choice(self, column: str, choices: dict[str, str], expected: str) -> str:
        raw = self.values[column]
        value = choices.get(raw.lower())
        if value is None and raw:
            self.error(column, f"“{raw}” is not one of {expected}.")
        return value or ""


@lru_cache(maxsize=8192)
def _parse_date(raw: str) -> date | None:
    # Files repeat the same dates (coverage starts) on thousands of lines; strptime is slow.
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(raw, date_format).date()
        except ValueError:
            continue
    return None


def read_rows(file: IO[bytes], columns: tuple[Column, ...]) -> tuple[ImportReport, list[Row]]:
    """The report to fill and the file's data rows, a required column left empty already noted
    on its row. When the file cannot be read the report says so and there are no rows."""
    report = ImportReport()
    try:
        rows = _parse_rows(file, columns, report)
    except ImportFileError as error:
        report.refuse(error.line, error.message)
        return report, []
    for row in rows:
        for column in columns:
            if column.required and not row.values[column.name]:
                row.error(column.name, "a value is required.")
    return report, rows


def _parse_rows(file: IO[bytes], columns: tuple[Column, ...], report: ImportReport) -> list[Row]:
    """The data rows of the file, each with its line number; a row whose number of values
    does not match the header is rejected here. Raises ImportFileError for an unreadable file."""
    data = file.read(MAX_IMPORT_BYTES + 1)
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            None,
            f"The file is larger than {MAX_IMPORT_MEGABYTES} MB. Split it into smaller files.",
        )
    if not data.strip():
        raise ImportFileError(1, "The file is empty. Upload a CSV file with a header line.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            line,
            f"The file is not UTF-8 text (line {line} has bytes that are not UTF-8). "
            f"Upload a CSV file: {SAVE_AS_CSV}",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(line, f"The file is not a CSV text file. {SAVE_AS_CSV}")

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [_column_name(name) for name in next(reader)]
        _check_header(header, columns)
        wanted = {column.name for column in columns}
        rows: list[Row] = []
        next_line = reader.line_num + 1
        for cells in reader:
            # A quoted value may span lines: a row is numbered by the line it starts on.
            line, next_line = next_line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                report.rejected.append(
                    RejectedRow(
                        line,
                        f"This line has {len(cells)} values but the header has "
                        f"{len(header)} columns. Check for a missing or extra comma.",
                    )
                )
                continue
            values = {
                name: cell.strip()
                for name, cell in zip(header, cells, strict=True)
                if name in wanted
            }
            rows.append(Row(line, values))
    except csv.Error as error:
        raise ImportFileError(
            reader.line_num, f"Line {reader.line_num} cannot be read as CSV ({error})."
        ) from None
    if not rows and not report.rejected:
        raise ImportFileError(2, "The file has a header but no rows to import.")
    return rows


def _column_name(raw: str) -> str:
    """ "Patient ID" and "patient_id" name the same column."""
    return "_".join(raw.strip().lower().split())


def _check_header(header: list[str], columns: tuple[Column, ...]) -> None:
    expected = ", ".join(column.name for column in columns)
    missing = [column.name for column in columns if column.name not in header]
    if missing:
        raise ImportFileError(
            1,
            f"The header (line 1) lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}. The first line must name these columns: {expected}.",
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise ImportFileError(1, f"The header (line 1) names {', '.join(repeated)} more than once.")
