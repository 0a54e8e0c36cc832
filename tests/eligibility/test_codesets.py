import re
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from eligibility.codesets.hcpcs import HcpcsRecord, RejectedLine, hcpcs_load, hcpcs_parse
from eligibility.codesets.icd10cm import icd10cm_load
from eligibility.models import DiagnosisCode, ProcedureCode
from eligibility.selectors import diagnosis_search
from tests.factories.eligibility import ProcedureCodeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(apps.get_app_config("eligibility").path) / "fixtures" / "hcpcs_sample.txt"
SAMPLE_CODES = [
    "A4604",
    "A7030",
    "A7034",
    "E0114",
    "E0143",
    "E0163",
    "E0260",
    "E0277",
    "E0431",
    "E0470",
    "E0562",
    "E0601",
    "E1390",
    "K0001",
    "L1832",
]
# A letter, then a digit, except the genetic-disorder category QA0 new in FY2026.
ICD_CODE = re.compile(r"([A-Z][0-9]|QA)[0-9A-Z](\.[0-9A-Z]{1,4})?")


def anweb(code: str, sequence: int, record_id: str, long: str = "", short: str = "") -> str:
    """One line of the CMS alpha-numeric file, fields at their fixed positions."""
    return f"{code:<5}{sequence:05d}{record_id}{long:<80}{short:<28}"


# --- ICD-10-CM ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IcdLoad:
    loaded: int
    seconds: float


@pytest.fixture(scope="module")
def icd10cm_loaded(django_db_setup, django_db_blocker):
    """The full code set, loaded once for this module (committed, outside the tests'
    transactions) and removed afterwards so other modules start from an empty table."""
    with django_db_blocker.unblock():
        started = time.perf_counter()
        loaded = icd10cm_load()
        seconds = time.perf_counter() - started
    yield IcdLoad(loaded=loaded, seconds=seconds)
    with django_db_blocker.unblock():
        DiagnosisCode.objects.all().delete()


def test_icd10cm_load_loads_the_whole_code_set_quickly(icd10cm_loaded):
    assert icd10cm_loaded.loaded > 70_000
    assert DiagnosisCode.objects.count() == icd10cm_loaded.loaded
    assert DiagnosisCode.objects.filter(is_billable=True).count() > 70_000
    assert icd10cm_loaded.seconds < 60


@pytest.mark.parametrize(
    ("code", "description", "is_billable"),
    [
        ("R68.89", "Other general symptoms and signs", True),
        ("M25.562", "Pain in left knee", True),
        ("M25.5", "Pain in joint", False),
        ("M25", "Other joint disorder, not elsewhere classified", False),
        # Seventh-character extensions are the billable codes; the code they extend is not.
        ("S00.00XA", "Unspecified superficial injury of scalp, initial encounter", True),
        ("S00.00", "Unspecified superficial injury of scalp", False),
        ("QA0.0101", "SCN2A-related neurodevelopmental disorder", True),
    ],
)
def test_icd10cm_codes_have_their_description_and_billable_flag(
    icd10cm_loaded, code, description, is_billable
):
    row = DiagnosisCode.objects.get(code=code)
    assert (row.description, row.is_billable) == (description, is_billable)


def test_icd10cm_chapters_and_blocks_are_not_codes(icd10cm_loaded):
    assert not DiagnosisCode.objects.filter(code__contains="-").exists()
    assert not DiagnosisCode.objects.filter(code__in=["1", "13", "21", "A00-A09"]).exists()
    codes = DiagnosisCode.objects.values_list("code", flat=True)
    assert [code for code in codes if not ICD_CODE.fullmatch(code)] == []
    # "B99" names both a block and its only category: the category is loaded, once.
    assert DiagnosisCode.objects.filter(code="B99", is_billable=False).count() == 1


def test_icd10cm_descriptions_fit_the_column(icd10cm_loaded):
    longest = max(len(d) for d in DiagnosisCode.objects.values_list("description", flat=True))
    assert 100 < longest <= 255


def test_icd10cm_load_twice_leaves_the_same_rows(icd10cm_loaded):
    before = DiagnosisCode.objects.count(), DiagnosisCode.objects.filter(is_billable=True).count()

    assert icd10cm_load() == icd10cm_loaded.loaded

    after = DiagnosisCode.objects.count(), DiagnosisCode.objects.filter(is_billable=True).count()
    assert after == before


def test_icd10cm_load_restores_a_changed_code(icd10cm_loaded):
    DiagnosisCode.objects.filter(code="M25.562").update(description="Edited", is_billable=False)

    icd10cm_load()

    row = DiagnosisCode.objects.get(code="M25.562")
    assert (row.description, row.is_billable) == ("Pain in left knee", True)


def test_diagnosis_search_over_the_full_code_set(icd10cm_loaded):
    assert [c.code for c in diagnosis_search("pain in left knee")] == ["M25.562"]
    assert [c.code for c in diagnosis_search("m25.56")] == ["M25.561", "M25.562", "M25.569"]


def test_load_icd10cm_command_reports_codes_billable_and_time(icd10cm_loaded):
    out = StringIO()

    call_command("load_icd10cm", stdout=out)

    match = re.fullmatch(
        r"Loaded (\d+) ICD-10-CM codes \((\d+) billable\) in \d+\.\d s\n", out.getvalue()
    )
    assert match, out.getvalue()
    loaded, billable = int(match[1]), int(match[2])
    assert loaded == icd10cm_loaded.loaded
    assert billable == DiagnosisCode.objects.filter(is_billable=True).count()


# --- HCPCS Level II: parsing -------------------------------------------------------------------


def test_hcpcs_sample_fixture_is_fixed_width():
    lines = SAMPLE.read_text(encoding="latin-1").splitlines()
    assert {len(line) for line in lines} == {119}
    assert {line[10] for line in lines} == {"3", "4", "7", "8"}


def test_hcpcs_parse_reads_the_sample_procedures_and_skips_its_modifiers():
    rejected: list[RejectedLine] = []
    with SAMPLE.open(encoding="latin-1") as lines:
        records = hcpcs_parse(lines, rejected=rejected)

    assert [r.code for r in records] == SAMPLE_CODES
    assert rejected == []
    cpap = next(r for r in records if r.code == "E0601")
    assert cpap.short_description == "CPAP machine"
    assert cpap.long_description == (
        "Continuous airway pressure machine (CPAP) that keeps the airway open during sleep"
    )
    wheelchair = next(r for r in records if r.code == "K0001")
    assert "swing-away footrests" in wheelchair.long_description


def test_hcpcs_parse_joins_continuation_lines():
    lines = [
        anweb("E0260", 100, "3", "Semi-electric bed for the home,", "Home bed"),
        anweb("E0260", 200, "4", "with side rails"),
        anweb("E0260", 300, "4", "and a mattress"),
    ]

    assert hcpcs_parse(lines) == [
        HcpcsRecord(
            code="E0260",
            sequence="00100",
            long_description="Semi-electric bed for the home, with side rails and a mattress",
            short_description="Home bed",
            line_number=1,
        )
    ]


def test_hcpcs_parse_skips_modifiers_and_their_continuations():
    lines = [
        anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
        anweb("RR", 100, "7", "Rented item", "Rental"),
        anweb("RR", 200, "8", "paid month by month"),
        anweb("E0143", 100, "3", "Wheeled walker", "Walker"),
    ]

    records = hcpcs_parse(lines)

    assert [(r.code, r.long_description) for r in records] == [
        ("E0114", "Underarm crutches"),
        ("E0143", "Wheeled walker"),
    ]


def test_hcpcs_parse_tolerates_line_endings_blank_lines_and_short_trailing_fields():
    lines = [
        anweb("E0601", 100, "3", "CPAP", "CPAP machine").rstrip() + "\r\n",
        "\n",
        anweb("E0601", 200, "4", "for sleep").rstrip() + "\n",
    ]

    [record] = hcpcs_parse(lines)

    assert (record.code, record.long_description, record.short_description) == (
        "E0601",
        "CPAP for sleep",
        "CPAP machine",
    )


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("E0601", "line is shorter than 11 characters"),
        (anweb("E0601", 100, "9", "CPAP", "CPAP"), "unknown record identification code '9'"),
        (anweb("12345", 100, "3", "CPAP", "CPAP"), "malformed HCPCS code '12345'"),
        (anweb("E06O1", 100, "3", "CPAP", "CPAP"), "malformed HCPCS code 'E06O1'"),
        (anweb("E060", 100, "3", "CPAP", "CPAP"), "malformed HCPCS code 'E060 '"),
        ("E0601001A03CPAP", "malformed sequence number '001A0' for E0601"),
        (anweb("E0601", 100, "3", "CPAP"), "E0601 has no short description"),
        (anweb("E0601", 200, "4", "for sleep"), "continuation of E0601 without its first line"),
    ],
)
def test_hcpcs_parse_rejects_a_malformed_line_with_its_number_and_reason(bad_line, reason):
    lines = [
        anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
        bad_line,
        anweb("E0143", 100, "3", "Wheeled walker", "Walker"),
    ]
    rejected: list[RejectedLine] = []

    records = hcpcs_parse(lines, rejected=rejected)

    assert [r.code for r in records] == ["E0114", "E0143"]
    assert len(rejected) == 1
    assert rejected[0].line_number == 2
    assert rejected[0].reason.startswith(reason)


def test_hcpcs_parse_rejects_a_repeated_code_and_keeps_the_first():
    lines = [
        anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
        anweb("E0114", 100, "3", "Forearm crutches", "Other crutches"),
        anweb("E0114", 200, "4", "with cuffs"),
    ]
    rejected: list[RejectedLine] = []

    records = hcpcs_parse(lines, rejected=rejected)

    assert [(r.code, r.long_description) for r in records] == [("E0114", "Underarm crutches")]
    assert [str(r) for r in rejected] == [
        "line 2: E0114 appears again (first on line 1)",
        "line 3: continuation of E0114 without its first line",
    ]


def test_hcpcs_parse_continuation_after_a_modifier_is_rejected():
    lines = [
        anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
        anweb("NU", 100, "7", "New equipment", "New"),
        anweb("E0114", 200, "4", "stray words"),
    ]
    rejected: list[RejectedLine] = []

    records = hcpcs_parse(lines, rejected=rejected)

    assert records[0].long_description == "Underarm crutches"
    assert [str(r) for r in rejected] == ["line 3: continuation of E0114 without its first line"]


# --- HCPCS Level II: loading -------------------------------------------------------------------


def test_hcpcs_load_creates_the_sample_codes():
    report = hcpcs_load(path=SAMPLE)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (15, 0, 0, [])
    codes = ProcedureCode.objects.filter(kind=ProcedureCode.Kind.HCPCS)
    assert list(codes.values_list("code", flat=True)) == SAMPLE_CODES
    bed = ProcedureCode.objects.get(code="E0260")
    assert bed.short_description == "Home bed semi-elec w rail"
    assert bed.long_description.endswith("includes side rails and a mattress")
    assert bed.is_active
    assert not ProcedureCode.objects.filter(code__in=["KX", "NU", "RR"]).exists()


def test_hcpcs_load_twice_changes_nothing():
    hcpcs_load(path=SAMPLE)

    report = hcpcs_load(path=SAMPLE)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 15)
    assert ProcedureCode.objects.count() == 15


def test_hcpcs_load_updates_a_changed_description_and_keeps_what_admins_set(tmp_path):
    ProcedureCodeFactory(
        code="E0601",
        kind=ProcedureCode.Kind.HCPCS,
        short_description="Old CPAP text",
        long_description="Old long text",
        plain_description="A machine that helps you breathe while you sleep.",
        is_active=False,
    )
    release = tmp_path / "anweb.txt"
    release.write_text(
        "\n".join(
            [
                anweb("E0601", 100, "3", "CPAP device, revised wording", "CPAP device"),
                anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
            ]
        ),
        encoding="latin-1",
    )

    report = hcpcs_load(path=release)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    cpap = ProcedureCode.objects.get(code="E0601")
    assert (cpap.short_description, cpap.long_description) == (
        "CPAP device",
        "CPAP device, revised wording",
    )
    assert cpap.plain_description == "A machine that helps you breathe while you sleep."
    assert cpap.is_active is False


def test_hcpcs_load_reads_latin_1(tmp_path):
    release = tmp_path / "anweb.txt"
    release.write_bytes(
        anweb(
            "L1832", 100, "3", "Knee orthosis, fitted by the orthotist (café hours)", "Knee"
        ).encode("latin-1")
    )

    hcpcs_load(path=release)

    assert "café" in ProcedureCode.objects.get(code="L1832").long_description


def test_hcpcs_load_reports_rejected_lines_and_loads_the_rest(tmp_path):
    release = tmp_path / "anweb.txt"
    release.write_text(
        "\n".join(
            [
                anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
                "E01",
                anweb("E0143", 100, "X", "Walker", "Walker"),
                anweb("E0163", 100, "3", "Commode chair", "Commode"),
            ]
        ),
        encoding="latin-1",
    )

    report = hcpcs_load(path=release)

    assert report.created == 2
    assert [str(r) for r in report.rejected] == [
        "line 2: line is shorter than 11 characters",
        "line 3: unknown record identification code 'X'",
    ]
    assert set(ProcedureCode.objects.values_list("code", flat=True)) == {"E0114", "E0163"}


def test_hcpcs_load_links_codes_to_programs_by_prefix():
    dme = ProgramFactory(code="dme", name="Durable Medical Equipment")
    msk = ProgramFactory(code="msk", name="Musculoskeletal Management")

    hcpcs_load(path=SAMPLE, programs_by_prefix={"E": [dme], "K": [dme], "L18": [dme, msk]})
    # Linking again on a later load adds no duplicates.
    hcpcs_load(path=SAMPLE, programs_by_prefix={"E": [dme]})

    assert list(ProcedureCode.objects.get(code="L1832").programs.order_by("code")) == [dme, msk]
    assert list(ProcedureCode.objects.get(code="E0601").programs.all()) == [dme]
    assert not ProcedureCode.objects.get(code="A4604").programs.exists()
    assert dme.procedure_codes.count() == 12


# --- management commands -----------------------------------------------------------------------


def test_load_hcpcs_command_loads_the_sample_by_default():
    out = StringIO()

    call_command("load_hcpcs", stdout=out)
    call_command("load_hcpcs", stdout=out)

    assert out.getvalue().splitlines() == [
        "HCPCS Level II from hcpcs_sample.txt: 15 created, 0 updated, 0 unchanged, 0 rejected",
        "HCPCS Level II from hcpcs_sample.txt: 0 created, 0 updated, 15 unchanged, 0 rejected",
    ]
    assert ProcedureCode.objects.filter(kind=ProcedureCode.Kind.HCPCS).count() == 15


def test_load_hcpcs_command_prints_each_rejected_line(tmp_path):
    release = tmp_path / "anweb.txt"
    release.write_text(
        "\n".join(
            [
                anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
                anweb("E0114", 100, "3", "Underarm crutches", "Crutches"),
                anweb("0114E", 100, "3", "Underarm crutches", "Crutches"),
            ]
        ),
        encoding="latin-1",
    )
    out = StringIO()

    call_command("load_hcpcs", str(release), stdout=out)

    assert out.getvalue().splitlines() == [
        "HCPCS Level II from anweb.txt: 1 created, 0 updated, 0 unchanged, 2 rejected",
        "Rejected line 2: E0114 appears again (first on line 1)",
        "Rejected line 3: malformed HCPCS code '0114E' (a letter and 4 digits)",
    ]


def test_load_hcpcs_command_with_a_missing_file_fails_cleanly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*missing.txt: No such file"):
        call_command("load_hcpcs", str(tmp_path / "missing.txt"))
    assert not ProcedureCode.objects.exists()
