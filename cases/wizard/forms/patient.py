"""The date of service ("Attention!") and the Patient Eligibility Lookup, with the patient's
contact details."""

from __future__ import annotations

import datetime as dt

from django import forms

from eligibility.validators import phone_digits, validate_patient_id, validate_phone

# MM/DD/YYYY as the decks ask; YYYY-MM-DD as a browser's date picker sends it.
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d"]

DOS_LABEL = (
    "What is the expected procedure date or treatment start date for this request? (MM/DD/20YY)"
)
DOS_HINT = "The Date of Service is unknown. Please enter today's date."
DOS_REQUIRED = "Please enter the date of service (MM/DD/YYYY)."
DOS_INVALID = "Enter the date of service as MM/DD/YYYY, a date that exists on the calendar."
DOS_YEAR = "Enter the date of service as MM/DD/YYYY, with a four-digit year (20YY)."
DOS_TOO_FAR = "The date of service cannot be more than 12 months from today."

PERFORMED_TODAY_LABEL = (
    "You entered a date of service of today. Has this procedure or treatment already been "
    "completed?"
)
PERFORMED_PAST_LABEL = "Has this procedure been performed?"
DELIVERED_LABEL = "Has the DME been delivered or dispensed?"
PERFORMED_REQUIRED = "Please answer Yes or No: the date of service is not in the future."
PERFORMED_FUTURE = (
    "The date of service is in the future, so the procedure cannot have been performed yet. "
    "Check the date, or answer No."
)
DELIVERED_FUTURE = (
    "The date is in the future, so the DME cannot have been delivered or dispensed yet. "
    "Check the date, or answer No."
)

CONTACT_PROMPT = "Please provide the patient's best contact number including area code."
LAST_NAME_HELP = "Do not include prefix. Enter numeric digits only."

YES_NO = [("yes", "Yes"), ("no", "No")]


def one_year_after(day: dt.date) -> dt.date:
    """The same day next year (February 29 becomes February 28)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class DateOfServiceForm(forms.Form):
    """ "Attention!": the expected procedure or treatment start date and, when that is today or
    past, whether the service was already performed (DME: delivered or dispensed)."""

    date_of_service = forms.DateField(
        label=DOS_LABEL,
        help_text=DOS_HINT,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%m/%d/%Y",
            attrs={"placeholder": "MM/DD/YYYY", "autocomplete": "off", "maxlength": "10"},
        ),
        error_messages={"required": DOS_REQUIRED, "invalid": DOS_INVALID},
    )
    service_performed = forms.TypedChoiceField(
        label=PERFORMED_PAST_LABEL,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Please answer Yes or No."},
    )

    def __init__(self, *args, today: dt.date, is_equipment: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.is_equipment = is_equipment
        self.fields["service_performed"].label = self.question_label

    def clean_date_of_service(self):
        day = self.cleaned_data["date_of_service"]
        if not 2000 <= day.year <= 2099:
            raise forms.ValidationError(DOS_YEAR, code="year")
        if day > one_year_after(self.today):
            raise forms.ValidationError(DOS_TOO_FAR, code="too_far")
        return day

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date_of_service")
        performed = cleaned.get("service_performed")
        if day is None:
            return cleaned
        if day > self.today:
            # A future date means not performed.
            if performed:
                future = DELIVERED_FUTURE if self.is_equipment else PERFORMED_FUTURE
                self.add_error("service_performed", future)
            else:
                cleaned["service_performed"] = False
        elif performed is None and "service_performed" not in self.errors:
            self.add_error("service_performed", PERFORMED_REQUIRED)
        return cleaned

    def _entered_date(self) -> dt.date | None:
        """The date as entered (bound) or saved (initial), when it is one."""
        if self.is_bound:
            raw = (self.data.get(self.add_prefix("date_of_service")) or "").strip()
            for pattern in DATE_INPUT_FORMATS:
                try:
                    return dt.datetime.strptime(raw, pattern).date()
                except ValueError:
                    continue
            return None
        initial = self.initial.get("date_of_service")
        return initial if isinstance(initial, dt.date) else None

    @property
    def question_label(self) -> str:
        if self.is_equipment:
            return DELIVERED_LABEL
        return PERFORMED_TODAY_LABEL if self._entered_date() == self.today else PERFORMED_PAST_LABEL

    @property
    def question_shown(self) -> bool:
        """DME asks it with the date; otherwise it is asked once the date is today or past."""
        if self.is_equipment or (self.is_bound and "service_performed" in self.errors):
            return True
        day = self._entered_date()
        return day is not None and day <= self.today


class PatientLookupForm(forms.Form):
    """Patient Eligibility Lookup: Patient ID, Date Of Birth, Patient Last Name Only."""

    patient_id = forms.CharField(
        label="Patient ID",
        max_length=20,
        validators=[validate_patient_id],
        error_messages={"required": "Enter the Patient ID from the member's card."},
    )
    date_of_birth = forms.DateField(
        label="Date Of Birth",
        input_formats=["%m/%d/%Y"],
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY"}),
        error_messages={
            "required": "Enter the patient's date of birth.",
            "invalid": "Enter the date of birth as MM/DD/YYYY.",
        },
    )
    last_name = forms.CharField(
        label="Patient Last Name Only",
        max_length=60,
        help_text=LAST_NAME_HELP,
        error_messages={"required": "Enter the patient's last name."},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in self.fields:
            self.fields[name].widget.attrs.update(autocomplete="off", spellcheck="false")

    def clean_patient_id(self):
        return self.cleaned_data["patient_id"].strip().upper()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Enter a date of birth after 1900.")
        return born

    def make_read_only(self) -> None:
        """The Search Results keep the lookup on the page: SELECT posts it again."""
        for field in self.fields.values():
            field.widget.attrs["readonly"] = True


class MemberChoiceForm(forms.Form):
    """SELECT's member id (checked again against the lookup by the service)."""

    member = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class PatientContactForm(forms.Form):
    """Patient Cell Phone and Patient Email; the phone is required unless UNKNOWN."""

    patient_cell_phone = forms.CharField(
        label="Patient Cell Phone",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    patient_email = forms.EmailField(
        label="Patient Email",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, phone_unknown: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone_unknown = phone_unknown

    def clean_patient_cell_phone(self):
        if self.phone_unknown:
            return ""
        raw = self.cleaned_data["patient_cell_phone"].strip()
        if not raw:
            raise forms.ValidationError(CONTACT_PROMPT, code="required")
        digits = phone_digits(raw)
        validate_phone(digits)
        return digits
