import datetime
import io

import pytest

from eligibility import imports
from eligibility.imports import reader
from eligibility.models import (
    Coverage,
    Member,
    Practitioner,
    PractitionerAddress,
    ProcedureCode,
    Site,
)
from eligibility.validators import npi_with_check_digit
from tests.factories.eligibility import (
    HealthPlanFactory,
    LineOfBusinessFactory,
    MemberFactory,
    ProcedureCodeFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

NPI = npi_with_check_digit("123456789")
OTHER_NPI = npi_with_check_digit("987654321")
BAD_NPI = NPI[:9] + str((int(NPI[9]) + 1) % 10)


def csv_bytes(columns, rows, *, header=None) -> io.BytesIO:
    """A CSV file: the header names `columns`; each row is a dict of the values that differ
    from the blank default."""
    names = header or [column.name for column in columns]
    lines = [",".join(names)]
    for row in rows:
        lines.append(",".join(_quoted(row.get(name, "")) for name in names))
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode())


def _quoted(value: str) -> str:
    if any(character in value for character in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def member_row(**values) -> dict:
    return {
        "patient_id": "evg100001",
        "first_name": "Dana",
        "last_name": "Whitfield",
        "date_of_birth": "04/12/1968",
        "gender": "F",
        "address1": "12 Oak Street",
        "city": "Franklin",
        "state": "TN",
        "zip_code": "37067",
        "phone": "(615) 548-4000",
        "line_of_business": "commercial",
        "member_code": "EVG-PPO",
        "coverage_from": "2024-01-01",
        **values,
    }


def rejected_lines(report) -> list:
    return [rejected.line for rejected in report.rejected]


@pytest.fixture
def plan():
    return HealthPlanFactory(name="Evergreen Health Plan")


@pytest.fixture
def commercial():
    return LineOfBusinessFactory(kind="commercial")


@pytest.fixture
def medicare():
    return LineOfBusinessFactory(kind="medicare")


def import_members(plan, rows, **kwargs):
    return imports.members_import(
        file=csv_bytes(imports.MEMBER_COLUMNS, rows, **kwargs), health_plan=plan
    )


# --- Members --------------------------------------------------------------------------------


def test_members_import_creates_members_and_their_coverage(plan, commercial):
    report = import_members(
        plan,
        [
            member_row(),
            member_row(
                patient_id="EVG100002",
                first_name="Luis",
                last_name="Ortega",
                date_of_birth="1990-11-03",
                gender="male",
                phone="",
                coverage_to="12/31/2026",
            ),
        ],
    )

    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    dana = Member.objects.get(health_plan=plan, patient_id="EVG100001")
    assert dana.date_of_birth == datetime.date(1968, 4, 12)
    assert dana.phone == "6155484000"
    assert dana.gender == Member.Gender.FEMALE
    coverage = dana.coverages.get()
    assert coverage.line_of_business == commercial
    assert coverage.member_code == "EVG-PPO"
    assert coverage.effective_from == datetime.date(2024, 1, 1)
    assert coverage.effective_to is None
    luis = Member.objects.get(patient_id="EVG100002")
    assert (luis.gender, luis.phone, luis.date_of_birth) == ("M", "", datetime.date(1990, 11, 3))
    assert luis.coverages.get().effective_to == datetime.date(2026, 12, 31)


def test_second_members_import_updates_instead_of_duplicating(plan, commercial):
    import_members(plan, [member_row(), member_row(patient_id="EVG100002")])

    report = import_members(
        plan,
        [
            member_row(last_name="Whitfield-Hayes", coverage_to="06/30/2025"),
            member_row(patient_id="EVG100002"),
            member_row(patient_id="EVG100003"),
        ],
    )

    assert (report.created, report.updated, report.rejected) == (1, 2, [])
    assert Member.objects.filter(health_plan=plan).count() == 3
    assert Coverage.objects.filter(member__health_plan=plan).count() == 3
    dana = Member.objects.get(patient_id="EVG100001")
    assert dana.last_name == "Whitfield-Hayes"
    assert dana.coverages.get().effective_to == datetime.date(2025, 6, 30)


def test_same_patient_id_in_another_plan_is_another_member(plan, commercial):
    other_plan = HealthPlanFactory(name="Bluegrass Health")
    MemberFactory(health_plan=other_plan, patient_id="EVG100001", last_name="Someone")

    report = import_members(plan, [member_row()])

    assert report.created == 1
    assert Member.objects.get(health_plan=other_plan).last_name == "Someone"


def test_one_member_on_two_lines_gets_two_coverages(plan, commercial, medicare):
    report = import_members(
        plan,
        [
            member_row(coverage_to="12/31/2023", coverage_from="01/01/2020"),
            member_row(line_of_business="Medicare", member_code="EVG-MA"),
        ],
    )

    assert (report.created, report.updated, report.rejected) == (1, 0, [])
    member = Member.objects.get()
    assert sorted(c.line_of_business.kind for c in member.coverages.all()) == [
        "commercial",
        "medicare",
    ]


def test_bad_member_rows_are_reported_by_line_and_good_rows_written(plan, commercial):
    report = import_members(
        plan,
        [
            member_row(patient_id="GOOD001"),  # line 2
            member_row(patient_id="BAD003", state="XX"),  # line 3
            member_row(patient_id="BAD004", date_of_birth="13/45/1980"),  # line 4
            member_row(patient_id="BAD005", line_of_business="platinum"),  # line 5
            member_row(patient_id="BAD006", zip_code="3706"),  # line 6
            member_row(patient_id="BAD007", phone="call the office"),  # line 7
            member_row(patient_id="GOOD008"),  # line 8
        ],
    )

    assert report.created == 2
    assert not report.file_refused
    messages = dict(report.rejected)
    assert rejected_lines(report) == [3, 4, 5, 6, 7]
    assert "state" in messages[3] and "“XX” is not a US state" in messages[3]
    assert "date_of_birth" in messages[4] and "“13/45/1980” is not a date" in messages[4]
    assert "“platinum” is not a line of business" in messages[5]
    assert "zip_code" in messages[6] and "ZIP code" in messages[6]
    assert "phone" in messages[7] and "10-digit phone" in messages[7]
    assert set(Member.objects.values_list("patient_id", flat=True)) == {"GOOD001", "GOOD008"}
    assert not Coverage.objects.filter(member__patient_id__startswith="BAD").exists()


def test_one_line_with_several_mistakes_names_each(plan, commercial):
    report = import_members(
        plan, [member_row(first_name="", gender="X", coverage_from="2024-02-30")]
    )

    ((line, message),) = report.rejected
    assert line == 2
    assert "first_name: a value is required." in message
    assert "gender: “X” is not one of F, M or U." in message
    assert "coverage_from: “2024-02-30” is not a date" in message
    assert not Member.objects.exists()


def test_line_of_business_not_set_up_is_named(plan, commercial):
    report = import_members(plan, [member_row(line_of_business="medicaid")])

    ((line, message),) = report.rejected
    assert line == 2
    assert "“medicaid” is not set up yet" in message


def test_coverage_ending_before_it_begins_is_rejected(plan, commercial):
    report = import_members(
        plan, [member_row(coverage_from="2024-05-01", coverage_to="2024-04-30")]
    )

    assert report.rejected == [(2, "coverage_to: the coverage ends before it begins.")]
    assert not Member.objects.exists()


def test_date_of_birth_in_the_future_is_rejected(plan, commercial):
    next_year = datetime.date.today().year + 1
    report = import_members(plan, [member_row(date_of_birth=f"01/01/{next_year}")])

    assert report.rejected == [(2, "date_of_birth: the date of birth is in the future.")]


def test_bad_patient_id_is_rejected(plan, commercial):
    report = import_members(plan, [member_row(patient_id="EVG 1")])

    ((line, message),) = report.rejected
    assert line == 2
    assert "A Patient ID is 3 to 20 letters" in message


def test_same_member_with_different_details_on_two_lines_is_rejected(plan, commercial, medicare):
    report = import_members(
        plan,
        [member_row(), member_row(last_name="Whitfeld", line_of_business="medicare")],
    )

    assert report.created == 1
    ((line, message),) = report.rejected
    assert line == 3
    assert "also on line 2 with a different last_name" in message
    assert Coverage.objects.count() == 1


def test_same_coverage_twice_in_a_file_is_rejected(plan, commercial):
    report = import_members(plan, [member_row(), member_row()])

    assert report.created == 1
    assert report.rejected == [
        (3, "Line 2 already has this member's Commercial coverage from 01/01/2024.")
    ]


def test_missing_column_refuses_the_whole_file(plan, commercial):
    header = [c.name for c in imports.MEMBER_COLUMNS if c.name not in ("coverage_from", "gender")]

    report = import_members(plan, [member_row(), member_row(patient_id="EVG100002")], header=header)

    assert report.file_refused
    assert (report.created, report.updated) == (0, 0)
    ((line, message),) = report.rejected
    assert line == 1
    assert "lacks the columns gender, coverage_from" in message
    assert not Member.objects.exists()


def test_empty_file_is_a_clear_error(plan):
    report = imports.members_import(file=io.BytesIO(b""), health_plan=plan)

    assert report.file_refused
    assert report.rejected == [(1, "The file is empty. Upload a CSV file with a header line.")]


def test_header_without_rows_is_a_clear_error(plan):
    report = import_members(plan, [])

    assert report.file_refused
    assert report.rejected == [(2, "The file has a header but no rows to import.")]


def test_bytes_that_are_not_utf8_refuse_the_file_and_name_the_line(plan, commercial):
    good = csv_bytes(imports.MEMBER_COLUMNS, [member_row()]).getvalue()
    latin1 = ",".join(member_row(patient_id="EVG100002", city="Bayamón").values()).encode("latin-1")

    report = imports.members_import(file=io.BytesIO(good + latin1 + b"\r\n"), health_plan=plan)

    assert report.file_refused
    ((line, message),) = report.rejected
    assert line == 3
    assert "not UTF-8 text" in message
    assert "CSV UTF-8" in message
    assert not Member.objects.exists()


def test_a_spreadsheet_instead_of_csv_is_a_clear_error(plan):
    workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5\x8f\xce\x9a"

    report = imports.members_import(file=io.BytesIO(workbook), health_plan=plan)

    assert report.file_refused
    assert "not UTF-8 text" in report.rejected[0].message


def test_excel_byte_order_mark_and_spaced_header_names_are_accepted(plan, commercial):
    header = [c.name.replace("_", " ").title() for c in imports.MEMBER_COLUMNS]
    rows = [{column.replace("_", " ").title(): v for column, v in member_row().items()}]
    data = csv_bytes(imports.MEMBER_COLUMNS, rows, header=header).getvalue()

    report = imports.members_import(file=io.BytesIO(b"\xef\xbb\xbf" + data), health_plan=plan)

    assert (report.created, report.rejected) == (1, [])


def test_line_numbers_count_lines_of_quoted_values(plan, commercial):
    report = import_members(
        plan,
        [
            member_row(address2="Suite 200\nBuilding B"),  # lines 2 and 3
            member_row(patient_id="EVG100002", state="Tennessee"),  # line 4
        ],
    )

    assert report.created == 1
    assert rejected_lines(report) == [4]
    assert Member.objects.get().address2 == "Suite 200\nBuilding B"


def test_line_with_a_missing_value_is_rejected(plan, commercial):
    data = csv_bytes(imports.MEMBER_COLUMNS, [member_row()]).getvalue()
    short = b"EVG100002,Luis,Ortega\r\n"

    report = imports.members_import(file=io.BytesIO(data + short), health_plan=plan)

    assert report.created == 1
    assert report.rejected == [
        (
            3,
            "This line has 3 values but the header has 15 columns. "
            "Check for a missing or extra comma.",
        )
    ]


def test_blank_lines_are_skipped(plan, commercial):
    data = csv_bytes(imports.MEMBER_COLUMNS, [member_row()]).getvalue()

    report = imports.members_import(
        file=io.BytesIO(data + b",,,,,,,,,,,,,,\r\n\r\n"), health_plan=plan
    )

    assert (report.created, report.rejected) == (1, [])


def test_file_larger_than_the_limit_is_refused(plan, monkeypatch):
    monkeypatch.setattr(reader, "MAX_IMPORT_BYTES", 100)

    report = import_members(plan, [member_row(), member_row(patient_id="EVG100002")])

    assert report.file_refused
    assert "larger than" in report.rejected[0].message


# --- Practitioners --------------------------------------------------------------------------


def practitioner_row(**values) -> dict:
    return {
        "npi": NPI,
        "first_name": "Avery",
        "last_name": "Stone",
        "credentials": "MD",
        "specialty": "Orthopedic Surgery",
        "tin": "62-1234567",
        "phone": "(615) 548-4000",
        "fax": "615.548.4001",
        "address1": "100 Cool Springs Blvd",
        "city": "Franklin",
        "state": "tn",
        "zip_code": "37067",
        **values,
    }


def import_practitioners(rows):
    return imports.practitioners_import(file=csv_bytes(imports.PRACTITIONER_COLUMNS, rows))


def test_practitioners_import_creates_practitioner_with_primary_address():
    report = import_practitioners([practitioner_row()])

    assert (report.created, report.updated, report.rejected) == (1, 0, [])
    practitioner = Practitioner.objects.get(npi=NPI)
    assert (practitioner.phone, practitioner.fax, practitioner.tin) == (
        "6155484000",
        "6155484001",
        "621234567",
    )
    address = practitioner.addresses.get()
    assert address.is_primary
    assert (address.state, address.zip_code, address.phone) == ("TN", "37067", "6155484000")


def test_bad_npi_check_digit_is_reported_with_its_line():
    report = import_practitioners(
        [practitioner_row(), practitioner_row(npi=BAD_NPI, address1="1 Other Road")]
    )

    assert report.created == 1
    ((line, message),) = report.rejected
    assert line == 3
    assert "npi: This NPI is not valid: its check digit does not match." in message
    assert not Practitioner.objects.filter(npi=BAD_NPI).exists()


def test_practitioners_second_import_updates_and_adds_addresses():
    import_practitioners([practitioner_row()])

    report = import_practitioners(
        [
            practitioner_row(specialty="Sports Medicine", address2="Suite 4"),
            practitioner_row(specialty="Sports Medicine", address1="9 Hillsboro Pike"),
            practitioner_row(npi=OTHER_NPI, last_name="Reyes"),
        ]
    )

    assert (report.created, report.updated, report.rejected) == (1, 1, [])
    assert Practitioner.objects.count() == 2
    practitioner = Practitioner.objects.get(npi=NPI)
    assert practitioner.specialty == "Sports Medicine"
    addresses = {a.address1: a for a in practitioner.addresses.all()}
    assert addresses.keys() == {"100 Cool Springs Blvd", "9 Hillsboro Pike"}
    assert addresses["100 Cool Springs Blvd"].is_primary
    assert addresses["100 Cool Springs Blvd"].address2 == "Suite 4"
    assert not addresses["9 Hillsboro Pike"].is_primary
    assert Practitioner.objects.get(npi=OTHER_NPI).addresses.get().is_primary


def test_practitioner_on_two_lines_with_different_names_is_rejected():
    report = import_practitioners(
        [practitioner_row(), practitioner_row(first_name="Avery J.", address1="2 Elm St")]
    )

    assert report.created == 1
    assert "also on line 2 with a different first_name" in report.rejected[0].message
    assert PractitionerAddress.objects.count() == 1


def test_practitioner_without_phone_or_with_unknown_state_is_rejected():
    report = import_practitioners([practitioner_row(phone="", state="ZZ")])

    ((line, message),) = report.rejected
    assert line == 2
    assert "phone: a value is required." in message
    assert "state: “ZZ” is not a US state" in message


# --- Sites ----------------------------------------------------------------------------------


def site_row(**values) -> dict:
    return {
        "npi": NPI,
        "tin": "627654321",
        "name": "Riverside Imaging Center",
        "address1": "200 Main Street",
        "city": "Nashville",
        "state": "TN",
        "zip_code": "37203-1234",
        "phone": "615-555-0100",
        **values,
    }


def import_sites(rows):
    return imports.sites_import(file=csv_bytes(imports.SITE_COLUMNS, rows))


def test_sites_import_creates_and_then_updates_sites():
    report = import_sites([site_row(), site_row(address1="5 Church St", place_of_service="11")])

    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    main = Site.objects.get(address1="200 Main Street")
    assert (main.place_of_service, main.phone) == ("22", "6155550100")
    assert Site.objects.get(address1="5 Church St").place_of_service == "11"

    report = import_sites([site_row(name="Riverside Imaging - Main")])

    assert (report.created, report.updated) == (0, 1)
    assert Site.objects.count() == 2
    assert Site.objects.get(address1="200 Main Street").name == "Riverside Imaging - Main"


def test_bad_site_rows_are_reported():
    report = import_sites(
        [
            site_row(npi=BAD_NPI),
            site_row(place_of_service="99"),
            site_row(zip_code="ABCDE"),
            site_row(fax="555-0101"),
        ]
    )

    assert rejected_lines(report) == [2, 3, 4, 5]
    messages = dict(report.rejected)
    assert "check digit" in messages[2]
    assert "place_of_service: “99” is not one of the place-of-service codes" in messages[3]
    assert "zip_code" in messages[4]
    assert "fax: Enter a 10-digit phone or fax number" in messages[5]
    assert not Site.objects.exists()


# --- Procedure codes ------------------------------------------------------------------------


@pytest.fixture
def programs():
    return (
        ProgramFactory(code="radiology", name="Radiology and Cardiology"),
        ProgramFactory(code="msk", name="Musculoskeletal Management"),
    )


def code_row(**values) -> dict:
    return {
        "code": "70450",
        "kind": "cpt",
        "short_description": "CT HEAD/BRAIN W/O DYE",
        "plain_description": "CT scan of the head",
        "programs": "radiology",
        **values,
    }


def import_codes(rows):
    return imports.procedure_codes_import(file=csv_bytes(imports.PROCEDURE_CODE_COLUMNS, rows))


def test_procedure_codes_import_creates_codes_with_programs(programs):
    radiology, msk = programs

    report = import_codes(
        [code_row(), code_row(code="e0601", kind="HCPCS", programs="radiology; MSK")]
    )

    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    ct = ProcedureCode.objects.get(code="70450")
    assert ct.kind == "cpt"
    assert list(ct.programs.all()) == [radiology]
    cpap = ProcedureCode.objects.get(code="E0601")
    assert cpap.kind == "hcpcs"
    assert set(cpap.programs.all()) == {radiology, msk}


def test_procedure_codes_second_import_updates_and_replaces_programs(programs):
    radiology, msk = programs
    ProcedureCodeFactory(code="70450", short_description="OLD").programs.add(radiology)

    report = import_codes([code_row(programs="msk")])

    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    code = ProcedureCode.objects.get(code="70450")
    assert code.short_description == "CT HEAD/BRAIN W/O DYE"
    assert list(code.programs.all()) == [msk]


def test_bad_procedure_code_rows_are_reported(programs):
    report = import_codes(
        [
            code_row(),
            code_row(code="70460", programs="oncology"),
            code_row(code="70470", kind="icd"),
            code_row(code="70450"),
            code_row(code="70480", programs=";"),
            code_row(code="70490", short_description="X" * 101),
        ]
    )

    assert report.created == 1
    messages = dict(report.rejected)
    assert rejected_lines(report) == [3, 4, 5, 6, 7]
    assert "no program has the code oncology; the program codes are msk, radiology" in messages[3]
    assert "kind: “icd” is not one of cpt, hcpcs or group." in messages[4]
    assert messages[5] == "Line 2 already has the code 70450."
    assert "programs: name at least one program code." in messages[6]
    assert "at most 100 characters" in messages[7]
    assert list(ProcedureCode.objects.values_list("code", flat=True)) == ["70450"]
