import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from eligibility.validators import (
    digits_only,
    npi_is_valid,
    npi_with_check_digit,
    phone_digits,
    validate_npi,
    validate_patient_id,
    validate_phone,
    validate_zip_code,
)


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_known_good_npis_pass(npi):
    assert npi_is_valid(npi)
    validate_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1245319598", "1003000127"])
def test_wrong_check_digit_is_refused_with_its_message(npi):
    assert not npi_is_valid(npi)
    with pytest.raises(ValidationError, match="check digit"):
        validate_npi(npi)


@pytest.mark.parametrize("npi", ["", "123456789", "12345678901", "12345678a3", " 1234567893"])
def test_npi_must_be_ten_digits(npi):
    with pytest.raises(ValidationError, match="10 digits"):
        validate_npi(npi)


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_generated_npis_are_valid_and_any_other_last_digit_is_not(first_nine):
    npi = npi_with_check_digit(first_nine)
    assert npi_is_valid(npi)
    for digit in "0123456789":
        if digit != npi[-1]:
            assert not npi_is_valid(first_nine + digit)


@pytest.mark.parametrize("zip_code", ["37067", "37067-1234"])
def test_zip_codes(zip_code):
    validate_zip_code(zip_code)


@pytest.mark.parametrize("zip_code", ["3706", "370671", "37067-12", "ABCDE"])
def test_bad_zip_codes(zip_code):
    with pytest.raises(ValidationError):
        validate_zip_code(zip_code)


def test_phone_numbers_are_ten_digits():
    validate_phone(digits_only("(615) 548-4000"))
    with pytest.raises(ValidationError):
        validate_phone("548-4000")


@pytest.mark.parametrize("patient_id", ["EVG100001", "abc", "M2K-0001-22"])
def test_patient_ids(patient_id):
    validate_patient_id(patient_id)


@pytest.mark.parametrize("patient_id", ["ab", "EVG 1", "x" * 21, "EVG;DROP", ""])
def test_bad_patient_ids(patient_id):
    with pytest.raises(ValidationError):
        validate_patient_id(patient_id)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("(615) 548-4000", "6155484000"),
        ("615.548.4000", "6155484000"),
        ("1-615-548-4000", "6155484000"),
        ("548-4000", "5484000"),
        ("2-615-548-4000", "26155484000"),
    ],
)
def test_phone_numbers_are_stored_as_ten_digits_one_way(typed, stored):
    assert phone_digits(typed) == stored


@pytest.mark.parametrize(
    "other_digits",
    [
        "٦١٥٥٤٨٤٠٠٠",  # Arabic-Indic digits
        "６１５５４８４０００",  # fullwidth digits
    ],
)
def test_only_ascii_digits_make_a_phone_number(other_digits):
    assert phone_digits(other_digits) == ""
    with pytest.raises(ValidationError):
        validate_phone(other_digits)
    with pytest.raises(ValidationError):
        validate_zip_code(other_digits[:5])
