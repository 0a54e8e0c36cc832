"""Import of a health plan's members and their coverage."""

from __future__ import annotations

from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.utils import timezone

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
    DATE_HELP,
    PHONE_HELP,
    STATE_HELP,
    ZIP_HELP,
    Column,
    ImportReport,
    Row,
    read_rows,
)
from eligibility.models import Coverage, HealthPlan, LineOfBusiness, Member
from eligibility.validators import validate_patient_id

MEMBER_COLUMNS = (
    Column("patient_id", "The plan's patient (member) ID: 3 to 20 letters, digits or dashes."),
    Column("first_name", "Up to 60 characters."),
    Column("last_name", "Up to 60 characters."),
    Column("date_of_birth", DATE_HELP),
    Column("gender", "F, M or U (Female, Male, Unknown)."),
    Column("address1", "Street address."),
    Column("address2", "Second address line.", required=False),
    Column("city", "City."),
    Column("state", STATE_HELP),
    Column("zip_code", ZIP_HELP),
    Column("phone", PHONE_HELP, required=False),
    Column("line_of_business", "commercial, medicare or medicaid."),
    Column("member_code", "The plan's benefit-plan code, up to 20 characters."),
    Column("coverage_from", "First day of coverage: " + DATE_HELP),
    Column("coverage_to", "Last day of coverage: " + DATE_HELP + " Empty: no end date.", False),
)

_MEMBER_FIELDS = same_columns(
    (
        "patient_id",
        "first_name",
        "last_name",
        "date_of_birth",
        "gender",
        "address1",
        "address2",
        "city",
        "state",
        "zip_code",
        "phone",
    )
)
_COVERAGE_FIELDS = {
    "member_code": "member_code",
    "effective_from": "coverage_from",
    "effective_to": "coverage_to",
}
_GENDERS = {
    **{value.lower(): value for value in Member.Gender.values},
    **{label.lower(): value for value, label in Member.Gender.choices},
}


def members_import(*, file: IO[bytes], health_plan: HealthPlan) -> ImportReport:
    """Members of one health plan with their coverage. A member is matched by the plan's
    patient ID (stored in capitals, as the Eligibility Lookup compares them) and updated; a
    coverage is matched by member, line of business and first day. A member may have several
    lines (one per coverage) as long as each repeats the same member details."""
    report, rows = read_rows(file, MEMBER_COLUMNS)
    if report.file_refused:
        return report
    lines_of_business = _lines_of_business()
    today = timezone.localdate()
    members: dict[str, tuple[int, Member]] = {}
    coverages: dict[tuple[str, int, date], tuple[int, Coverage]] = {}
    for row in rows:
        member = Member(
            health_plan=health_plan,
            patient_id=row.text("patient_id").upper(),
            first_name=row.text("first_name"),
            last_name=row.text("last_name"),
            date_of_birth=row.date("date_of_birth"),
            gender=row.choice("gender", _GENDERS, "F, M or U"),
            address1=row.text("address1"),
            address2=row.text("address2"),
            city=row.text("city"),
            state=row.state(),
            zip_code=row.text("zip_code"),
            phone=row.phone("phone"),
        )
        if member.patient_id and "patient_id" not in row.errors:
            try:
                validate_patient_id(member.patient_id)
            except ValidationError as error:
                row.error("patient_id", error.messages[0])
        if member.date_of_birth and member.date_of_birth > today:
            row.error("date_of_birth", "the date of birth is in the future.")
        line_of_business = _line_of_business(row, lines_of_business)
        coverage = Coverage(
            line_of_business=line_of_business,
            member_code=row.text("member_code"),
            effective_from=row.date("coverage_from"),
            effective_to=row.date("coverage_to"),
        )
        check_fields(row, member, _MEMBER_FIELDS)
        check_fields(row, coverage, _COVERAGE_FIELDS)
        if (
            coverage.effective_from
            and coverage.effective_to
            and coverage.effective_to < coverage.effective_from
        ):
            row.error("coverage_to", "the coverage ends before it begins.")
        if row.errors:
            reject(report, row)
            continue

        first = members.get(member.patient_id)
        if first:
            different = differs(first[1], member, _MEMBER_FIELDS)
            if different:
                reject(
                    report,
                    row,
                    f"Patient ID {member.patient_id} is also on line {first[0]} with a "
                    f"different {', '.join(different)}. Give the same member details on every "
                    "line of a member.",
                )
                continue
        key = (member.patient_id, line_of_business.pk, coverage.effective_from)
        if key in coverages:
            reject(
                report,
                row,
                f"Line {coverages[key][0]} already has this member's {line_of_business} "
                f"coverage from {coverage.effective_from:%m/%d/%Y}.",
            )
            continue
        members.setdefault(member.patient_id, (row.line, member))
        coverages[key] = (row.line, coverage)

    if not members:
        return finish(report)

    patient_ids = list(members)

    def write():
        existing = set()
        for chunk in chunks(patient_ids):
            existing.update(
                Member.objects.filter(health_plan=health_plan, patient_id__in=chunk).values_list(
                    "patient_id", flat=True
                )
            )
        Member.objects.bulk_create(
            [member for _, member in members.values()],
            update_conflicts=True,
            unique_fields=["health_plan", "patient_id"],
            update_fields=[*sorted(set(_MEMBER_FIELDS) - {"patient_id"}), "updated_at"],
            batch_size=BATCH_SIZE,
        )
        for (patient_id, _, _), (_, coverage) in coverages.items():
            coverage.member = members[patient_id][1]
        Coverage.objects.bulk_create(
            [coverage for _, coverage in coverages.values()],
            update_conflicts=True,
            unique_fields=["member", "line_of_business", "effective_from"],
            update_fields=["member_code", "effective_to"],
            batch_size=BATCH_SIZE,
        )
        report.created = len(patient_ids) - len(existing)
        report.updated = len(existing)

    return finish(write_atomically(report, write))


def _lines_of_business() -> dict[str, LineOfBusiness]:
    found = {}
    for line_of_business in LineOfBusiness.objects.all():
        found[line_of_business.kind] = line_of_business
        found[line_of_business.name.lower()] = line_of_business
    return found


def _line_of_business(row: Row, found: dict[str, LineOfBusiness]) -> LineOfBusiness | None:
    raw = row.text("line_of_business")
    if not raw:
        return None
    line_of_business = found.get(raw.lower())
    if line_of_business is None:
        if raw.lower() in LineOfBusiness.Kind.values:
            row.error(
                "line_of_business",
                f"the line of business “{raw}” is not set up yet; add it under "
                "Lines of business first.",
            )
        else:
            row.error(
                "line_of_business",
                f"“{raw}” is not a line of business; enter commercial, medicare or medicaid.",
            )
    return line_of_business
