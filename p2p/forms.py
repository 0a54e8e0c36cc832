"""The office's scheduler forms: the time zone confirmed on first use, and New P2P Request's case
lines (Case Reference Number and Member Date of Birth, several cases in one appointment)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from cases.review.decide.forms import LinesForm
from cases.wizard.forms.provider import PhoneField
from eligibility.forms import DATE_INPUT_FORMATS
from p2p.calls import CallNote
from p2p.models import Appointment, AvailabilityException, ReviewingPhysician, WeeklyHours
from p2p.models.physicians import HOURS_OVERLAP, Weekday
from p2p.zones import TimeZone

# "+ Add Another Case": the cases one appointment may discuss.
MAX_CASES = 5
CASE_NUMBER_MAX_LENGTH = 20


def _time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Time Zone",
        choices=TimeZone.choices,
        help_text="Appointment times are shown in this time zone.",
        error_messages={
            "required": "Select your time zone.",
            "invalid_choice": "Select your time zone.",
        },
    )


class TimeZoneForm(forms.Form):
    time_zone = _time_zone_field()


class CaseLineForm(forms.Form):
    case_number = forms.CharField(
        label="Case Reference Number",
        max_length=CASE_NUMBER_MAX_LENGTH,
        strip=True,
        error_messages={
            "required": "Enter the case reference number.",
            "max_length": "Enter the case reference number (at most 20 digits).",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    member_dob = forms.DateField(
        label="Member Date of Birth",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY", "autocomplete": "off"}
        ),
        error_messages={
            "required": "Enter the member's date of birth.",
            "invalid": "Enter the date of birth as MM/DD/YYYY.",
        },
    )

    def clean_case_number(self) -> str:
        number = self.cleaned_data["case_number"].replace(" ", "").replace("-", "")
        if not number.isdigit():
            raise forms.ValidationError("Enter the case reference number (digits only).")
        return number


CaseLineFormSet = forms.formset_factory(
    CaseLineForm,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_CASES,
    validate_max=True,
)


WEEKDAYS = [(0, "Mon"), (1, "Tues"), (2, "Wed"), (3, "Thurs"), (4, "Fri")]
# "7:00 to 8:00" … "6:00 to 7:00": the hour each starts, 24-hour clock.
HOURS = [(hour, f"{(hour - 1) % 12 + 1}:00 to {hour % 12 + 1}:00") for hour in range(7, 19)]
MORNING_HOURS = range(7, 12)


class AvailabilityForm(forms.Form):
    """ "Please indicate your availability": the days and hours (in the time zone chosen) whose
    appointments are shown; every one is chosen at first."""

    days = forms.TypedMultipleChoiceField(
        label="Preferred Days",
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "Choose at least one day.",
            "invalid_choice": "Choose days from Monday to Friday.",
        },
    )
    hours = forms.TypedMultipleChoiceField(
        label="Preferred Times",
        choices=HOURS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": "Choose at least one time.",
            "invalid_choice": "Choose times from the list.",
        },
    )
    time_zone = _time_zone_field()


Performer = Appointment.Performer
NEEDED_BY_PERFORMER = {
    Performer.REQUESTING_PROVIDER: ("referring_physician_name", "referring_physician_credential"),
    Performer.CONTACT_PERSON: ("contact_first_name", "contact_last_name", "contact_location"),
    Performer.SOMEONE_ELSE: ("contact_first_name", "contact_last_name", "contact_location"),
}
NEEDED_MESSAGES = {
    "referring_physician_name": "Enter the name of the referring physician on the case.",
    "referring_physician_credential": "Enter the physician's credential (for example MD or DO).",
    "contact_first_name": "Enter the contact's first name.",
    "contact_last_name": "Enter the contact's last name.",
    "contact_location": "Enter where the contact person is (for example Provider Office).",
}
EXTENSION_INVALID = "Enter the extension as digits only."


def _text(label: str, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        error_messages={"max_length": f"Enter at most {max_length} characters."},
        **kwargs,
    )


def _extension(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=8,
        required=False,
        validators=[RegexValidator(r"^\d*$", EXTENSION_INVALID)],
        error_messages={"max_length": "Enter at most 8 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ContactDetailsForm(forms.Form):
    """ "P2P Contact Details": who will be performing the P2P consultation, with the fields each
    choice needs, and how to reach them."""

    performer = forms.ChoiceField(
        label="Who will be performing the P2P consultation?",
        choices=Performer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who will be performing the P2P consultation.",
            "invalid_choice": "Choose who will be performing the P2P consultation.",
        },
    )
    referring_physician_name = _text("Name of Referring Physician on Case", 120)
    referring_physician_credential = _text("Credential", 20)
    contact_first_name = _text("Contact First Name", 60)
    contact_last_name = _text("Contact Last Name", 60)
    contact_location = _text("Contact Person Location", 120)
    requesting_provider_name = forms.CharField(
        label="Name of Provider Requesting P2P",
        max_length=120,
        error_messages={
            "required": "Enter the name of the provider requesting the P2P.",
            "max_length": "Enter at most 120 characters.",
        },
    )
    phone = PhoneField(
        label="Phone Number for P2P",
        help_text="Area code first.",
        error_messages={"required": "Enter the phone number for the P2P, area code first."},
    )
    phone_ext = _extension("Phone Ext.")
    alternate_phone = PhoneField(label="Alternate Phone", required=False)
    alternate_phone_ext = _extension("Phone Ext.")
    requesting_provider_email = forms.EmailField(
        label="Requesting Provider Email",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address such as name@example.org."},
    )
    contact_instructions = _text(
        "Contact Instructions",
        500,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        help_text='For example "Select option 4, ask for Dr. Doe".',
    )

    def clean(self):
        cleaned = super().clean()
        performer = cleaned.get("performer")
        for name in NEEDED_BY_PERFORMER.get(performer, ()):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, NEEDED_MESSAGES[name])
        # The fields of the choices not made are not kept.
        for other, names in NEEDED_BY_PERFORMER.items():
            if other != performer:
                for name in set(names) - set(NEEDED_BY_PERFORMER.get(performer, ())):
                    cleaned[name] = ""
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Cancellation Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        error_messages={
            "required": "Please enter a cancellation reason.",
            "max_length": "Please keep the reason under 500 characters.",
        },
    )


class CallForm(LinesForm):
    """The physician's record of the call: Call Notes, the outcome and a note; for a partial
    overturn an approved quantity per procedure line of the call's cases (LinesForm, the
    review panel's), the guideline and the criterion."""

    call_notes = forms.MultipleChoiceField(
        label="Call Notes",
        choices=CallNote.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    performed_on = forms.DateField(
        label="Date performed",
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY", "autocomplete": "off"}
        ),
        error_messages={"invalid": "Enter the date as MM/DD/YYYY."},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Appointment.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the outcome of the call.",
            "invalid_choice": "Select the outcome of the call.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        help_text="Required for an overturn: the rationale the letter gives.",
        error_messages={"max_length": "Please keep the note under 4,000 characters."},
    )
    # No maxlength attribute: a longer paste is kept and the service says how long it may be.
    guideline = forms.CharField(label="Guideline", required=False)
    criterion = forms.CharField(label="Criterion", required=False)

    def lines_required(self) -> bool:
        return self.cleaned_data.get("outcome") == Appointment.Outcome.PARTIALLY_OVERTURNED

    def clean(self):
        cleaned = super().clean()
        if not self.lines_required():
            cleaned["lines"] = None
        return cleaned


class PhysicianZoneForm(forms.Form):
    time_zone = _time_zone_field()


class BaseWeeklyHoursFormSet(forms.BaseInlineFormSet):
    """A physician's weekly hours, no two periods of a weekday overlapping (the later one is
    refused next to its start). Admin's inline uses it too."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and not form.errors
            and form.cleaned_data.get("starts")
            and form.cleaned_data.get("ends")
        ]
        kept.sort(key=lambda form: (form.cleaned_data["weekday"], form.cleaned_data["starts"]))
        # The period of the weekday that ends last so far: any later start before its end
        # overlaps it.
        periods = [
            (
                form,
                form.cleaned_data["weekday"],
                form.cleaned_data["starts"],
                form.cleaned_data["ends"],
            )
            for form in kept
        ]
        reaching: tuple | None = None
        for form, weekday, starts, ends in periods:
            if reaching is None or reaching[0] != weekday:
                reaching = (weekday, starts, ends)
                continue
            if starts < reaching[2]:
                form.add_error(
                    "starts",
                    HOURS_OVERLAP.format(
                        weekday=Weekday(weekday).label,
                        starts=f"{reaching[1]:%H:%M}",
                        ends=f"{reaching[2]:%H:%M}",
                    ),
                )
            if ends > reaching[2]:
                reaching = (weekday, starts, ends)


WeeklyHoursFormSet = forms.inlineformset_factory(
    ReviewingPhysician,
    WeeklyHours,
    formset=BaseWeeklyHoursFormSet,
    fields=["weekday", "starts", "ends"],
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    widgets={
        "starts": forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}),
        "ends": forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}),
    },
)
ExceptionFormSet = forms.inlineformset_factory(
    ReviewingPhysician,
    AvailabilityException,
    fields=["day", "starts", "ends", "reason"],
    extra=1,
    can_delete=True,
    max_num=60,
    validate_max=True,
    widgets={
        "day": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        "starts": forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}),
        "ends": forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}),
    },
)
