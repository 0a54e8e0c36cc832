import pytest
from django.urls import reverse

from eligibility.models import DiagnosisCode
from eligibility.selectors import diagnosis_search
from tests.factories.eligibility import DiagnosisCodeFactory

pytestmark = pytest.mark.django_db

URL = reverse("eligibility:diagnosis-lookup")

# A slice of ICD-10-CM, descriptions as the code set words them.
CODES = [
    ("M25", "Other joint disorder, not elsewhere classified", False),
    ("M25.5", "Pain in joint", False),
    ("M25.50", "Pain in unspecified joint", True),
    ("M25.511", "Pain in right shoulder", True),
    ("M25.561", "Pain in right knee", True),
    ("M25.562", "Pain in left knee", True),
    ("M17.12", "Unilateral primary osteoarthritis, left knee", True),
    ("M54.50", "Low back pain, unspecified", True),
    ("R68.89", "Other general symptoms and signs", True),
    ("G47.33", "Obstructive sleep apnea (adult) (pediatric)", True),
]


@pytest.fixture
def diagnoses():
    return [
        DiagnosisCodeFactory(code=code, description=description, is_billable=is_billable)
        for code, description, is_billable in CODES
    ]


def codes_for(term, **kwargs):
    return [c.code for c in diagnosis_search(term, **kwargs)]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("M25.5", ["M25.50", "M25.511", "M25.561", "M25.562"]),
        ("m255", ["M25.50", "M25.511", "M25.561", "M25.562"]),
        ("m25.56", ["M25.561", "M25.562"]),
        ("M2556", ["M25.561", "M25.562"]),
        ("M25.", ["M25.50", "M25.511", "M25.561", "M25.562"]),
        ("r6889", ["R68.89"]),
        (" R68.89 ", ["R68.89"]),
        ("M25.563", []),
    ],
)
def test_search_by_code_prefix_with_or_without_dot(diagnoses, term, expected):
    assert codes_for(term) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("knee pain", ["M25.561", "M25.562"]),
        ("Pain in left knee", ["M25.562"]),
        ("left knee", ["M17.12", "M25.562"]),
        ("kne pai", ["M25.561", "M25.562"]),
        ("KNEE", ["M17.12", "M25.561", "M25.562"]),
        ("knees", ["M17.12", "M25.561", "M25.562"]),
        ("sleep apn", ["G47.33"]),
        ("back pain", ["M54.50"]),
        ("knee elbow", []),
    ],
)
def test_search_by_words_matches_every_word_as_a_prefix(diagnoses, term, expected):
    assert codes_for(term) == expected


def test_search_returns_billable_codes_only_unless_asked(diagnoses):
    assert codes_for("joint") == ["M25.50"]
    assert codes_for("joint", billable_only=False) == ["M25", "M25.5", "M25.50"]
    assert codes_for("M25.5") == ["M25.50", "M25.511", "M25.561", "M25.562"]
    assert codes_for("M25.5", billable_only=False)[:2] == ["M25.5", "M25.50"]


def test_search_returns_at_most_limit_codes_in_code_order():
    for n in range(25):
        DiagnosisCodeFactory(code=f"R52.{n:02d}", description=f"Pain, kind {n}")

    assert codes_for("pain") == [f"R52.{n:02d}" for n in range(20)]
    assert codes_for("R52", limit=3) == ["R52.00", "R52.01", "R52.02"]


@pytest.mark.parametrize(
    "term",
    [
        "",
        "   ",
        None,
        "!!!",
        ".",
        "...",
        "-- ;",
        "x" * 500,
        "x" * 5000,
        "'; DROP TABLE eligibility_diagnosiscode; --",
        "%_%",
        "\\",
        "\x00",
        "膝の痛み",
        "the of and",
    ],
)
def test_odd_input_returns_nothing_without_error(diagnoses, term):
    assert list(diagnosis_search(term)) == []
    assert DiagnosisCode.objects.count() == len(CODES)


def test_search_syntax_in_the_input_is_not_interpreted(diagnoses):
    assert codes_for("knee & | ! ( pain:* <->") == ["M25.561", "M25.562"]
    assert codes_for("M25%") == []


def test_search_partial_word_past_its_stem(diagnoses):
    DiagnosisCodeFactory(code="I10", description="Essential (primary) hypertension")
    DiagnosisCodeFactory(code="N39.0", description="Urinary tract infection, site not specified")

    assert codes_for("essential hypertensi") == ["I10"]
    assert codes_for("urinary tract infecti") == ["N39.0"]


def test_search_accented_word(diagnoses):
    DiagnosisCodeFactory(code="C84.10", description="Sézary disease, unspecified site")

    assert codes_for("Sézary disease") == ["C84.10"]


def test_search_code_with_a_letter_in_second_place(diagnoses):
    DiagnosisCodeFactory(code="QA0.0101", description="SCN2A-related neurodevelopmental disorder")

    assert codes_for("qa00101") == ["QA0.0101"]


# --- GET /eligibility/diagnoses/?q=... ---------------------------------------------------------


def test_diagnosis_lookup_needs_a_signed_in_user(client, diagnoses):
    response = client.get(URL, {"q": "knee pain"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert b"M25.562" not in response.content


def test_diagnosis_lookup_shows_matching_billable_codes(
    office_client, diagnoses, django_assert_max_num_queries
):
    # 3 for the lookup, 1 for django-otp's check of the session's verified MFA device.
    with django_assert_max_num_queries(3 + 1):
        response = office_client.get(URL, {"q": "knee pain"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-code="M25.561"' in html
    assert 'data-code="M25.562"' in html
    assert "Pain in left knee" in html
    assert "M17.12" not in html


def test_diagnosis_lookup_by_code_without_dot(office_client, diagnoses):
    response = office_client.get(URL, {"q": "m255"})

    html = response.content.decode()
    assert [code for code, _, billable in CODES if f'data-code="{code}"' in html] == [
        "M25.50",
        "M25.511",
        "M25.561",
        "M25.562",
    ]


def test_diagnosis_lookup_without_a_term_renders_nothing(office_client, diagnoses):
    response = office_client.get(URL)

    assert response.status_code == 200
    assert response.content.strip() == b""


def test_diagnosis_lookup_without_a_match_says_how_to_search(office_client, diagnoses):
    response = office_client.get(URL, {"q": "<script>alert(1)</script>"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "No billable diagnosis code matches" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_diagnosis_lookup_with_a_very_long_term(office_client, diagnoses):
    response = office_client.get(URL, {"q": "knee pain " + "x" * 2000})

    assert response.status_code == 200
    assert "No billable diagnosis code matches" in response.content.decode()


def test_diagnosis_lookup_refuses_post(office_client, diagnoses):
    response = office_client.post(URL, {"q": "knee"})

    assert response.status_code == 405
