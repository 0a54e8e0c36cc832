from datetime import date

from django import forms

from eligibility.selectors import health_plans_active
from eligibility.validators import validate_patient_id

DATE_INPUT_FORMATS = ["%m/%d/%Y"]


class EligibilityLookupForm(forms.Form):
    health_plan = forms.ModelChoiceField(
        label="Health Plan",
        queryset=health_plans_active(),
        empty_label="Please Select a Health Plan",
        error_messages={"required": "Select the member's health plan."},
    )
    patient_id = forms.CharField(
        label="Patient ID",
        max_length=20,
        validators=[validate_patient_id],
        error_messages={"required": "Enter the Patient ID from the member's card."},
    )
    date_of_birth = forms.DateField(
        label="Date Of Birth",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"placeholder": "MM/DD/YYYY"}),
        error_messages={
            "required": "Enter the member's date of birth.",
            "invalid": "Enter the date of birth as MM/DD/YYYY.",
        },
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["patient_id"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["date_of_birth"].widget.attrs.update(autocomplete="off")

    def clean_patient_id(self):
        return self.cleaned_data["patient_id"].strip().upper()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if born.year < 1900:
            raise forms.ValidationError("Enter a date of birth after 1900.")
        return born
