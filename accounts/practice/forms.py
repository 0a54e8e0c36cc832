from django import forms

from accounts.models import Office
from accounts.practice.services import OFFICE_FIELDS
from eligibility.us_states import US_STATES
from eligibility.validators import digits_only, phone_digits, validate_npi, validate_zip_code


class AddPractitionerForm(forms.Form):
    """Add Practitioner: "Enter Practitioner information and find matches." """

    npi = forms.CharField(
        label="Practitioner NPI",
        max_length=10,
        validators=[validate_npi],
        error_messages={"required": "Enter the practitioner's 10-digit NPI."},
    )
    state = forms.ChoiceField(
        label="Practitioner State",
        choices=[("", "Select")] + US_STATES,
        error_messages={
            "required": "Select the state of the practitioner's practice address.",
            "invalid_choice": "Select a state from the list.",
        },
    )
    zip_code = forms.CharField(
        label="Practitioner Zip",
        max_length=10,
        validators=[validate_zip_code],
        error_messages={"required": "Enter the ZIP code of the practitioner's practice address."},
    )

    def clean_npi(self):
        return self.cleaned_data["npi"].strip()


class OfficeForm(forms.ModelForm):
    """EDIT ACCOUNT: the office's name, address and numbers. Numbers may be typed with their
    punctuation, "(615) 548-4000"; they are stored as digits and checked as such."""

    phone = forms.CharField(label="Phone", max_length=20)
    fax = forms.CharField(label="Fax", max_length=20)
    tax_id = forms.CharField(label="Tax ID", max_length=20, required=False)

    class Meta:
        model = Office
        fields = OFFICE_FIELDS
        labels = {
            "name": "Office Name",
            "address1": "Address",
            "zip_code": "Zip",
            "tax_id": "Tax ID",
        }
        error_messages = {"state": {"invalid_choice": "Select a state from the list."}}

    def clean_phone(self):
        return phone_digits(self.cleaned_data["phone"])

    def clean_fax(self):
        return phone_digits(self.cleaned_data["fax"])

    def clean_tax_id(self):
        return digits_only(self.cleaned_data["tax_id"])
