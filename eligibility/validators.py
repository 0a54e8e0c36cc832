import re

from django.core.exceptions import ValidationError
from stdnum import luhn

# An NPI's check digit is the Luhn check digit over the card-issuer prefix 80840 and its first 9.
NPI_PREFIX = "80840"
# ASCII digits only: \d also matches other scripts' digits (Arabic-Indic, fullwidth…).
_TEN_DIGITS = re.compile(r"[0-9]{10}")
_ZIP = re.compile(r"[0-9]{5}(-[0-9]{4})?")
_TIN = re.compile(r"[0-9]{2}-?[0-9]{7}")
_PATIENT_ID = re.compile(r"[A-Za-z0-9-]{3,20}")


def npi_is_valid(value: str) -> bool:
    return bool(_TEN_DIGITS.fullmatch(value or "")) and luhn.is_valid(NPI_PREFIX + value)


def npi_with_check_digit(first_nine: str) -> str:
    """The ten-digit NPI whose first nine digits are `first_nine` (for synthetic data)."""
    return first_nine + luhn.calc_check_digit(NPI_PREFIX + first_nine)


def validate_npi(value: str) -> None:
    if not _TEN_DIGITS.fullmatch(value or ""):
        raise ValidationError("An NPI is 10 digits.", code="npi_format")
    if not luhn.is_valid(NPI_PREFIX + value):
        raise ValidationError(
            "This NPI is not valid: its check digit does not match.", code="npi_check_digit"
        )


def validate_zip_code(value: str) -> None:
    if not _ZIP.fullmatch(value or ""):
        raise ValidationError("Enter a ZIP code of 5 digits, or 5+4 (12345-6789).", code="zip")


def validate_phone(value: str) -> None:
    if not _TEN_DIGITS.fullmatch(value or ""):
        raise ValidationError(
            "Enter a 10-digit phone or fax number, area code first.", code="phone"
        )


def validate_phone_ext(value: str) -> None:
    if value and not re.fullmatch(r"[0-9]{1,8}", value):
        raise ValidationError("An extension is up to 8 digits.", code="phone_ext")


def validate_tin(value: str) -> None:
    if not _TIN.fullmatch(value or ""):
        raise ValidationError("A Tax ID is 9 digits (12-3456789).", code="tin")


def validate_patient_id(value: str) -> None:
    if not _PATIENT_ID.fullmatch(value or ""):
        raise ValidationError(
            "A Patient ID is 3 to 20 letters, digits or dashes, as on the member's card.",
            code="patient_id",
        )


def digits_only(value: str) -> str:
    """(615) 548-4000 -> 6155484000, so phone and fax numbers are stored one way."""
    return re.sub(r"[^0-9]", "", value or "")


def phone_digits(value: str) -> str:
    """(615) 548-4000, 615.548.4000 and 1-615-548-4000 are all 6155484000: how every form and
    import stores a phone or fax number (validate_phone then checks the ten digits)."""
    digits = digits_only(value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits
