"""HCPCS Level II procedures from the CMS annual alpha-numeric file ("ANWEB", fixed width, latin-1).

Only the first fields of each line are read (1-indexed positions):

    1-5     HCPCS code
    6-10    sequence number
    11      record identification code: 3 first line of a procedure, 4 continuation of its long
            description, 7 first line of a modifier, 8 continuation of a modifier
    12-91   long description (80 characters a line)
    92-119  short description (28 characters, first line only)

A bad line is rejected with its line number and the reason, and the rest of the file still loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from eligibility.models import ProcedureCode, Program

PROCEDURE = "3"
PROCEDURE_CONTINUATION = "4"
MODIFIER = "7"
MODIFIER_CONTINUATION = "8"
MIN_LINE_LENGTH = 11

_CODE = re.compile(r"[A-Z][0-9]{4}")
_SEQUENCE = re.compile(r"[0-9]{5}")


@dataclass(frozen=True)
class HcpcsRecord:
    """One procedure of the file, its continuation lines joined into the long description."""

    code: str
    sequence: str
    long_description: str
    short_description: str
    line_number: int


@dataclass(frozen=True)
class RejectedLine:
    line_number: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


@dataclass
class HcpcsLoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)


@dataclass
class _Pending:
    code: str
    sequence: str
    short_description: str
    line_number: int
    long_parts: list[str]

    def record(self) -> HcpcsRecord:
        return HcpcsRecord(
            code=self.code,
            sequence=self.sequence,
            long_description=" ".join(part for part in self.long_parts if part),
            short_description=self.short_description,
            line_number=self.line_number,
        )


def hcpcs_parse(
    lines: Iterable[str], *, rejected: list[RejectedLine] | None = None
) -> list[HcpcsRecord]:
    """The procedures of an ANWEB file, in file order. Modifier records (7 and 8) are skipped;
    each line that cannot be read is appended to `rejected` (when given) and left out."""
    rejections = rejected if rejected is not None else []
    pending: dict[str, _Pending] = {}
    current: _Pending | None = None

    def reject(line_number: int, reason: str) -> None:
        nonlocal current
        rejections.append(RejectedLine(line_number=line_number, reason=reason))
        # Continuation lines after a rejected first line have nothing to continue.
        current = None

    for line_number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if len(line) < MIN_LINE_LENGTH:
            reject(line_number, f"line is shorter than {MIN_LINE_LENGTH} characters")
            continue
        record_id = line[10]
        if record_id in (MODIFIER, MODIFIER_CONTINUATION):
            current = None
            continue
        if record_id not in (PROCEDURE, PROCEDURE_CONTINUATION):
            reject(line_number, f"unknown record identification code {record_id!r}")
            continue
        code = line[0:5].upper()
        if not _CODE.fullmatch(code):
            reject(line_number, f"malformed HCPCS code {line[0:5]!r} (a letter and 4 digits)")
            continue
        sequence = line[5:10]
        if not _SEQUENCE.fullmatch(sequence):
            reject(line_number, f"malformed sequence number {sequence!r} for {code}")
            continue
        long_text = line[11:91].strip()

        if record_id == PROCEDURE_CONTINUATION:
            if current is None or current.code != code:
                reject(line_number, f"continuation of {code} without its first line")
                continue
            current.long_parts.append(long_text)
            continue

        if code in pending:
            reject(
                line_number,
                f"{code} appears again (first on line {pending[code].line_number})",
            )
            continue
        short_description = line[91:119].strip()
        if not short_description:
            reject(line_number, f"{code} has no short description")
            continue
        current = _Pending(
            code=code,
            sequence=sequence,
            short_description=short_description,
            line_number=line_number,
            long_parts=[long_text],
        )
        pending[code] = current
    return [entry.record() for entry in pending.values()]


def hcpcs_load(
    *,
    path: Path | str,
    programs_by_prefix: Mapping[str, Iterable[Program]] | None = None,
) -> HcpcsLoadReport:
    """Upsert the procedures of an ANWEB file as HCPCS Level II codes.

    A code already in the table gets the file's descriptions (its plain-language description,
    its programs and whether it is active stay as an administrator set them). With
    `programs_by_prefix`, e.g. {"E": [dme]}, each loaded code is also linked to the programs of
    every prefix it starts with. Loading the same file twice changes nothing the second time.
    """
    report = HcpcsLoadReport()
    # Read and parse before the transaction opens: no file I/O while it holds row locks.
    with open(path, encoding="latin-1") as lines:
        records = hcpcs_parse(lines, rejected=report.rejected)
    with transaction.atomic():
        _hcpcs_upsert(records=records, report=report)
        if programs_by_prefix:
            _programs_link(codes=[r.code for r in records], programs_by_prefix=programs_by_prefix)
    return report


def _hcpcs_upsert(*, records: list[HcpcsRecord], report: HcpcsLoadReport) -> None:
    existing = ProcedureCode.objects.in_bulk([r.code for r in records], field_name="code")
    to_write: list[ProcedureCode] = []
    for record in records:
        row = existing.get(record.code)
        if row is None:
            report.created += 1
        elif (row.kind, row.short_description, row.long_description) == (
            ProcedureCode.Kind.HCPCS,
            record.short_description,
            record.long_description,
        ):
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        to_write.append(
            ProcedureCode(
                code=record.code,
                kind=ProcedureCode.Kind.HCPCS,
                short_description=record.short_description,
                long_description=record.long_description,
            )
        )
    ProcedureCode.objects.bulk_create(
        to_write,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["kind", "short_description", "long_description"],
    )


def _programs_link(
    *, codes: list[str], programs_by_prefix: Mapping[str, Iterable[Program]]
) -> None:
    ids_by_code = dict(ProcedureCode.objects.filter(code__in=codes).values_list("code", "id"))
    prefixes = {prefix.upper(): list(programs) for prefix, programs in programs_by_prefix.items()}
    link = ProcedureCode.programs.through
    links = [
        link(procedurecode_id=ids_by_code[code], program_id=program.pk)
        for code in codes
        for prefix, programs in prefixes.items()
        if code.startswith(prefix)
        for program in programs
    ]
    link.objects.bulk_create(links, ignore_conflicts=True)
