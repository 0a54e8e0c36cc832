"""Forms of Requesting Provider Information (the office's list, Search By NPI, the DME
supplier's search for the ordering physician), Choose Your Insurer and Add Your Contact
Info. Numbers may be typed with their punctuation; they are kept as digits."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from eligibility.models import PractitionerAddress
from eligibility.validators import (
    digits_only,
    phone_digits,
    validate_npi,
    validate_phone,
    validate_phone_ext,
    validate_tin,
    validate_zip_code,
)
from portal.templatetags.portal_format import phone as phone_display

PROVIDER_REQUIRED = "Please select the ordering provider for this authorization request."
PROVIDER_NOT_LINKED = (
    "This provider is not on your account. Select a provider from the list, or add them "
    "with Search By NPI below."
)
NPI_REQUIRED = "Enter the provider's 10-digit NPI."
FILTER_TOO_LONG = "Enter at most 60 characters: a last name or an NPI."
PHYSICIAN_REQUIRED = "Please search for and select the ordering physician."
PHYSICIAN_UNKNOWN = "This physician is not in our records. Please search again and select one."
NPI_OR_TIN_REQUIRED = "Enter the physician's NPI or TIN to search."
LAST_NAME_NEEDS_NPI_OR_TIN = "Last Name requires an NPI or TIN."
CITY_INVALID = "Enter the city only, without the state."
PLAN_REQUIRED = "Please select the insurer for this authorization request."
PLAN_NOT_DELEGATING = (
    "This health plan does not take {program} requests through this portal. Please select a "
    "health plan from the list."
)
ADDRESS_REQUIRED = "Please select the provider's address."
ADDRESS_NOT_PROVIDERS = "Please select one of this provider's addresses."
EMAIL_NEEDED = (
    "Make sure you enter a valid email address to assure you receive notices of case updates."
)
FAX_NEEDED = (
    "If you prefer fax notices, uncheck the box and make sure to include a valid fax number."
)


class ProviderFilterForm(forms.Form):
    """ "Filter Last Name or NPI:" (a GET: a provider's name or NPI is not patient data)."""

    q = forms.CharField(
        label="Filter Last Name or NPI:",
        required=False,
        max_length=60,
        error_messages={"max_length": FILTER_TOO_LONG},
    )

    def term(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class ProviderSelectForm(forms.Form):
    """SELECT: the practitioner of the row, which must be one the office may act for (the
    queryset says whom)."""

    practitioner = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": PROVIDER_REQUIRED, "invalid_choice": PROVIDER_NOT_LINKED},
    )

    def __init__(
        self,
        *args,
        practitioners,
        invalid_message: str = PROVIDER_NOT_LINKED,
        required_message: str = PROVIDER_REQUIRED,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        field = self.fields["practitioner"]
        field.queryset = practitioners
        field.error_messages.update(invalid_choice=invalid_message, required=required_message)


class NpiSearchForm(forms.Form):
    """ "Search By NPI:" to add a provider to the office and continue with this request."""

    npi = forms.CharField(
        label="Search By NPI:",
        max_length=20,
        validators=[validate_npi],
        error_messages={"required": NPI_REQUIRED, "max_length": "An NPI is 10 digits."},
    )

    def clean_npi(self) -> str:
        return self.cleaned_data["npi"].strip()


class OrderingPhysicianSearchForm(forms.Form):
    """Requesting Physician Information (the DME supplier path): "Search for Physician by TIN,
    NPI, physician last name, city and/or zip." A GET: no patient data."""

    health_plan = forms.ModelChoiceField(
        label="Healthplan:",
        queryset=None,
        required=False,
        empty_label="Please Select",
        error_messages={"invalid_choice": "Select a health plan from the list."},
    )
    tin = forms.CharField(label="TIN:", required=False, max_length=20)
    npi = forms.CharField(
        label="NPI:",
        required=False,
        max_length=20,
        error_messages={"max_length": "An NPI is 10 digits."},
    )
    last_name = forms.CharField(
        label="Last Name:",
        required=False,
        max_length=60,
        help_text="(requires NPI or TIN)",
    )
    city = forms.CharField(
        label="City:", required=False, max_length=60, help_text="(city only, no state)"
    )
    zip_code = forms.CharField(label="Zip:", required=False, max_length=10)

    def __init__(self, *args, health_plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["health_plan"].queryset = health_plans

    def clean_tin(self) -> str:
        tin = self.cleaned_data["tin"].strip()
        if tin:
            validate_tin(tin)
        return digits_only(tin)

    def clean_npi(self) -> str:
        npi = self.cleaned_data["npi"].strip()
        if npi:
            validate_npi(npi)
        return npi

    def clean_city(self) -> str:
        city = " ".join(self.cleaned_data["city"].split())
        if city and (not any(char.isalpha() for char in city) or "," in city):
            raise ValidationError(CITY_INVALID)
        return city

    def clean_zip_code(self) -> str:
        zip_code = self.cleaned_data["zip_code"].strip()
        if zip_code:
            validate_zip_code(zip_code)
        return zip_code[:5]

    def clean(self):
        cleaned = super().clean()
        has_anchor = bool(cleaned.get("npi") or cleaned.get("tin"))
        # A field that failed its own check already says why.
        if has_anchor or "npi" in self.errors or "tin" in self.errors:
            return cleaned
        if cleaned.get("last_name"):
            self.add_error("last_name", LAST_NAME_NEEDS_NPI_OR_TIN)
        self.add_error("npi", NPI_OR_TIN_REQUIRED)
        return cleaned

    def criteria(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("npi", "tin", "last_name", "city", "zip_code")
        }


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, address: PractitionerAddress) -> str:
        street = ", ".join(part for part in (address.address1, address.address2) if part)
        return f"{street}, {address.city_state_zip}"


class InsurerForm(forms.Form):
    """Choose Your Insurer: the plan, then the provider's address."""

    health_plan = forms.ModelChoiceField(
        label="Please select the insurer for this authorization request.",
        queryset=None,
        empty_label="Please Select a Health Plan",
        error_messages={"required": PLAN_REQUIRED},
    )
    practitioner_address = AddressChoiceField(
        label="Provider's address",
        queryset=None,
        empty_label="Please Select an Address",
        error_messages={"required": ADDRESS_REQUIRED, "invalid_choice": ADDRESS_NOT_PROVIDERS},
    )

    def __init__(self, *args, health_plans, addresses, program_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.fields["health_plan"]
        plan.queryset = health_plans
        plan.error_messages["invalid_choice"] = PLAN_NOT_DELEGATING.format(program=program_name)
        self.fields["practitioner_address"].queryset = addresses


class PhoneField(forms.CharField):
    """A phone or fax number typed any usual way, "(615) 548-4000", kept as ten digits."""

    widget = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 25)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return phone_display(value) if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        # Text without a digit stays as typed, so validate_phone refuses it rather than it
        # passing for "no number".
        return (phone_digits(value) or value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            validate_phone(value)


class ContactForm(forms.Form):
    """Add Your Contact Info: for this request only (the practitioner's record stays as it
    is). E-mail notices need a valid e-mail; fax notices a valid fax."""

    provider_name = forms.CharField(
        label="Provider's Name",
        max_length=120,
        help_text="As it should appear on this request.",
        error_messages={"required": "Enter the provider's name."},
    )
    contact_name = forms.CharField(
        label="Who to Contact",
        max_length=120,
        help_text="The person we contact about this request.",
        error_messages={"required": "Enter who we should contact about this request."},
    )
    fax = PhoneField(
        label="Fax",
        help_text="Area code first. Fax notices and letters go here.",
        error_messages={"required": "Enter the fax number, area code first."},
    )
    phone = PhoneField(
        label="Phone",
        help_text="Area code first.",
        error_messages={"required": "Enter the phone number, area code first."},
    )
    phone_ext = forms.CharField(
        label="Ext.",
        required=False,
        max_length=8,
        validators=[validate_phone_ext],
        error_messages={"max_length": "An extension is up to 8 digits."},
    )
    cell_phone = PhoneField(label="Cell Phone", required=False)
    email = forms.CharField(label="Email", required=False, max_length=254, widget=forms.EmailInput)
    notify_by_email = forms.BooleanField(
        label="Receive notification of case status changes", required=False
    )

    def clean_provider_name(self) -> str:
        return " ".join(self.cleaned_data["provider_name"].split())

    def clean_contact_name(self) -> str:
        return " ".join(self.cleaned_data["contact_name"].split())

    def clean_phone_ext(self) -> str:
        return self.cleaned_data["phone_ext"].strip()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            try:
                validate_email(email)
            except ValidationError as error:
                raise ValidationError(EMAIL_NEEDED) from error
        return email

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_by_email"):
            if "email" not in self.errors and not cleaned.get("email"):
                self.add_error("email", EMAIL_NEEDED)
        elif "fax" in self.errors:
            self.errors["fax"] = self.error_class([FAX_NEEDED])
        return cleaned

    def values(self) -> dict:
        """The draft's fields, as step_answer_save takes them."""
        data = self.cleaned_data
        return {
            "contact_saved": True,
            "contact_provider_name": data["provider_name"],
            "contact_name": data["contact_name"],
            "contact_fax": data["fax"],
            "contact_phone": data["phone"],
            "contact_phone_ext": data["phone_ext"],
            "contact_cell_phone": data["cell_phone"],
            "contact_email": data["email"],
            "notify_by_email": data["notify_by_email"],
        }
