"""The procedure lines a case's answers add: every code-and-units answer on the pathway's walk
(the DME deck's "Please enter the Primary HCPCS code…", "How many Units of this HCPCS", "Would
you like to enter another HCPCS code?") becomes lines with their quantities, after the line the
wizard locked in. A code already on the case adds its units to that line's quantity requested
instead of a second line. At most MAX_LINES lines in all."""

from __future__ import annotations

from cases.clinical import engine
from cases.models import Case, ProcedureLine, Question
from eligibility.models import ProcedureCode

MAX_LINES = 10


def procedure_lines_from_answers(case: Case) -> list[ProcedureLine]:
    """Write the lines (the caller holds the case's row lock); returns the case's lines."""
    if case.pathway_id is None:
        return list(case.procedure_lines.order_by("position"))
    questions = engine.pathway_questions(case.pathway)
    answers = engine.answers_of(case)
    path = engine.walk(case.pathway, questions, answers).path
    rows = [
        row
        for question in path
        if question.kind == Question.Kind.CODE_UNITS
        for row in answers.get(question.key) or []
        if isinstance(row, dict)
    ]
    lines = {
        line.procedure_code.code: line
        for line in case.procedure_lines.select_related("procedure_code")
    }
    codes = ProcedureCode.objects.in_bulk(
        [str(row.get("code", "")).upper() for row in rows], field_name="code"
    )
    position = max((line.position for line in lines.values()), default=0)
    for row in rows:
        code = codes.get(str(row.get("code", "")).upper())
        units = _units(row)
        if code is None or units is None:
            continue  # refused when the answer was given; never trusted here
        if code.code in lines:
            line = lines[code.code]
            if line.position == 1 and line.quantity_requested == 1:
                line.quantity_requested = units
            else:
                line.quantity_requested += units
            line.save(update_fields=["quantity_requested"])
        elif len(lines) < MAX_LINES:
            position += 1
            lines[code.code] = ProcedureLine.objects.create(
                case=case, position=position, procedure_code=code, quantity_requested=units
            )
    return sorted(lines.values(), key=lambda line: line.position)


def _units(row: dict) -> int | None:
    try:
        units = int(str(row.get("units", "")))
    except ValueError:
        return None
    return units if units >= 1 else None
