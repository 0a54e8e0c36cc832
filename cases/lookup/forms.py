"""Authorization Lookup's two searches ("Search by Member Information", "Search by
Authorization Number/ NPI") and Upload Additional Clinical's files and notes. Each field says
what is wrong with it next to it; the page shows the user's input again."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from cases.clinical.forms.files import FilesField
from cases.clinical.forms.finishing import NOTES_MAX_LENGTH, NOTES_TOO_LONG
from eligibility.selectors import health_plans_active
from eligibility.validators import validate_npi, validate_patient_id

MEMBER = "member"
NUMBER = "number"
SEARCH_FIELD = "search_by"
SEARCH_CHOICES = [
    (MEMBER, "Search by Member Information"),
    (NUMBER, "Search by Authorization Number/ NPI"),
]
SEARCH_REQUIRED = (
    "Please choose Search by Member Information or Search by Authorization Number/ NPI."
)

DATE_INPUT_FORMATS = ["%m/%d/%Y"]
NUMBER_MAX_LENGTH = 12
_NUMBER = re.compile(r"[A-Z0-9]{1,12}")
NUMBER_INVALID = "Enter the number as it appears on the case: up to 12 letters and digits."
NPI_REQUIRED = "Enter the ordering provider's 10-digit NPI."
FILES_REQUIRED = "Please choose at least one file to upload."
BOTH_NUMBERS = "Enter a Case Number or an Authorization Number, not both."


def _npi_field() -> forms.CharField:
    # The format is checked in clean_npi (10 digits, the check digit), whatever the length
    # typed: a huge string gets the same message as a short one.
    return forms.CharField(
        label="Provider NPI",
        strip=True,
        error_messages={"required": NPI_REQUIRED},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 10}
        ),
    )


def _number_field(label: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=True,
        error_messages={"required": f"Enter the {label}."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": NUMBER_MAX_LENGTH}
        ),
    )


def _number_clean(value: str) -> str:
    """A case number (digits) or an authorization number (a letter and digits), in capitals,
    spaces and dashes dropped."""
    value = re.sub(r"[\s-]", "", value or "").upper()
    if value and not _NUMBER.fullmatch(value):
        raise ValidationError(NUMBER_INVALID)
    return value


def _npi_clean(value: str) -> str:
    validate_npi(value)
    return value


class NumberSearchForm(forms.Form):
    """ "Search by Authorization Number/ NPI": both required."""

    npi = _npi_field()
    number = _number_field("Auth/Case Number", required=True)

    def clean_npi(self) -> str:
        return _npi_clean(self.cleaned_data["npi"])

    def clean_number(self) -> str:
        return _number_clean(self.cleaned_data["number"])


class MemberSearchForm(forms.Form):
    """ "Search by Member Information": Healthplan, Provider NPI, Patient ID and Patient Date
    of Birth required; a Case Number or an Authorization Number optional."""

    health_plan = forms.ModelChoiceField(
        label="Healthplan",
        queryset=health_plans_active(),
        empty_label="Please Select a Health Plan",
        error_messages={
            "required": "Select the member's health plan.",
            "invalid_choice": "Select the member's health plan.",
        },
    )
    npi = _npi_field()
    patient_id = forms.CharField(
        label="Patient ID",
        strip=True,
        error_messages={"required": "Enter the Patient ID from the member's card."},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 20}
        ),
    )
    date_of_birth = forms.DateField(
        label="Patient Date of Birth",
        help_text="MM/DD/YYYY",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY", "autocomplete": "off"}
        ),
        error_messages={
            "required": "Enter the patient's date of birth.",
            "invalid": "Enter the date of birth as MM/DD/YYYY.",
        },
    )
    case_number = _number_field("Case Number", required=False)
    authorization_number = _number_field("Authorization Number", required=False)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_npi(self) -> str:
        return _npi_clean(self.cleaned_data["npi"])

    def clean_patient_id(self) -> str:
        patient_id = self.cleaned_data["patient_id"]
        validate_patient_id(patient_id)
        return patient_id.upper()

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise ValidationError("Enter a date of birth after 1900.")
        return born

    def clean_case_number(self) -> str:
        return _number_clean(self.cleaned_data["case_number"])

    def clean_authorization_number(self) -> str:
        return _number_clean(self.cleaned_data["authorization_number"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("case_number") and cleaned.get("authorization_number"):
            self.add_error("authorization_number", BOTH_NUMBERS)
        return cleaned


class AdditionalClinicalForm(forms.Form):
    """Upload Additional Clinical: at least one file, and notes for the reviewer."""

    files = FilesField(error_messages={"required": FILES_REQUIRED})
    note = forms.CharField(
        label="Notes",
        required=False,
        strip=True,
        help_text="What the documents show, for the reviewer (optional, up to 4,000 characters).",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTES_MAX_LENGTH}),
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"]
        if len(note) > NOTES_MAX_LENGTH:
            raise ValidationError(NOTES_TOO_LONG.format(length=len(note)))
        return note

    def files_refused(self, messages: list[str]) -> None:
        """Show the upload checks' message for each file refused."""
        for message in messages:
            self.add_error("files", message)
