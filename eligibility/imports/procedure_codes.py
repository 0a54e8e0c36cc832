"""Import of a procedure code list and the programs each code belongs to."""

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
from eligibility.imports.reader import Column, ImportReport, read_rows
from eligibility.models import ProcedureCode, Program

PROCEDURE_CODE_COLUMNS = (
    Column("code", "CPT or HCPCS code, or a grouped code such as SPINE; up to 12 characters."),
    Column("kind", "cpt, hcpcs or group."),
    Column("short_description", "Up to 100 characters."),
    Column(
        "plain_description",
        "Plain-language description members read in letters.",
        required=False,
    ),
    Column(
        "programs",
        'Program codes separated by ";", e.g. radiology;cardiology. '
        "They replace the code's current programs.",
    ),
)

_PROCEDURE_CODE_FIELDS = same_columns(("code", "kind", "short_description", "plain_description"))
_PROCEDURE_KINDS = {
    **{value: value for value in ProcedureCode.Kind.values},
    **{label.lower(): value for value, label in ProcedureCode.Kind.choices},
}


def procedure_codes_import(*, file: IO[bytes]) -> ImportReport:
    """A code list: procedure codes matched by code (in capitals), each with the programs it
    belongs to. The programs named on a line replace the code's current programs."""
    report, rows = read_rows(file, PROCEDURE_CODE_COLUMNS)
    if report.file_refused:
        return report
    programs = {program.code.lower(): program for program in Program.objects.all()}
    codes: dict[str, tuple[int, ProcedureCode, list[Program]]] = {}
    for row in rows:
        code = ProcedureCode(
            code=row.text("code").upper(),
            kind=row.choice("kind", _PROCEDURE_KINDS, "cpt, hcpcs or group"),
            short_description=row.text("short_description"),
            plain_description=row.text("plain_description"),
        )
        named = [name.strip() for name in row.text("programs").split(";") if name.strip()]
        unknown = [name for name in named if name.lower() not in programs]
        if unknown:
            row.error(
                "programs",
                f"no program has the code {', '.join(unknown)}; the program codes are "
                f"{', '.join(sorted(program.code for program in programs.values()))}.",
            )
        elif row.text("programs") and not named:
            row.error("programs", "name at least one program code.")
        check_fields(row, code, _PROCEDURE_CODE_FIELDS)
        if row.errors:
            reject(report, row)
            continue
        if code.code in codes:
            reject(report, row, f"Line {codes[code.code][0]} already has the code {code.code}.")
            continue
        chosen = list({name.lower(): programs[name.lower()] for name in named}.values())
        codes[code.code] = (row.line, code, chosen)

    if not codes:
        return finish(report)

    def write():
        existing = set()
        for chunk in chunks(list(codes)):
            existing.update(
                ProcedureCode.objects.filter(code__in=chunk).values_list("code", flat=True)
            )
        ProcedureCode.objects.bulk_create(
            [code for _, code, _ in codes.values()],
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["kind", "short_description", "plain_description"],
            batch_size=BATCH_SIZE,
        )
        through = ProcedureCode.programs.through
        ids = [code.pk for _, code, _ in codes.values()]
        for chunk in chunks(ids):
            through.objects.filter(procedurecode_id__in=chunk).delete()
        through.objects.bulk_create(
            [
                through(procedurecode_id=code.pk, program_id=program.pk)
                for _, code, chosen in codes.values()
                for program in chosen
            ],
            batch_size=BATCH_SIZE,
        )
        report.created = len(codes) - len(existing)
        report.updated = len(existing)

    return finish(write_atomically(report, write))
