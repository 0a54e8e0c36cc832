from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from accounts.models import Office, User
from accounts.registration.errors import EMAIL_TAKEN, TERMS_REQUIRED, USERNAME_TAKEN
from accounts.registration.selectors import email_is_taken, username_is_taken
from accounts.registration.services import RegistrationData
from eligibility.us_states import US_STATES
from eligibility.validators import (
    digits_only,
    phone_digits,
    validate_npi,
    validate_phone,
    validate_phone_ext,
    validate_tin,
    validate_zip_code,
)

username_validator = UnicodeUsernameValidator(
    message="A User Name may contain only letters, digits and the characters @ . + - _"
)


def _phone_digits(value: str) -> str:
    digits = phone_digits(value)
    validate_phone(digits)
    return digits


class NewUserForm(forms.Form):
    """User Name, Email, First Name and Last Name of a new portal user."""

    username = forms.CharField(
        label="User Name",
        max_length=150,
        validators=[username_validator],
        error_messages={"required": "Enter a User Name."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={"required": "Enter an email address.", "invalid": "Enter a valid email."},
    )
    first_name = forms.CharField(
        label="First Name", max_length=150, error_messages={"required": "Enter a first name."}
    )
    last_name = forms.CharField(
        label="Last Name", max_length=150, error_messages={"required": "Enter a last name."}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="off", spellcheck="false")
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if username_is_taken(username):
            raise ValidationError(USERNAME_TAKEN, code="username_taken")
        return username

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if email_is_taken(email):
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class RegistrationForm(NewUserForm):
    """Creating An Account: Web Portal Preference and User Information."""

    default_portal = forms.ChoiceField(
        label="Default Portal",
        choices=[("", "Select"), *Office.DefaultPortal.choices],
        error_messages={
            "required": "Select the Default Portal listed in your provider training material.",
            "invalid_choice": "Select a Default Portal from the list.",
        },
    )
    confirm_email = forms.EmailField(
        label="Confirm Email",
        max_length=254,
        error_messages={
            "required": "Enter the email address again.",
            "invalid": "Enter a valid email.",
        },
    )
    address1 = forms.CharField(
        label="Address", max_length=120, error_messages={"required": "Enter the office address."}
    )
    address2 = forms.CharField(label="Address line 2", max_length=120, required=False)
    city = forms.CharField(
        label="City", max_length=60, error_messages={"required": "Enter the city."}
    )
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Select"), *US_STATES],
        error_messages={
            "required": "Select the state.",
            "invalid_choice": "Select a state from the list.",
        },
    )
    zip_code = forms.CharField(
        label="Zip",
        max_length=10,
        validators=[validate_zip_code],
        error_messages={"required": "Enter the ZIP code."},
    )
    phone = forms.CharField(
        label="Phone", max_length=20, error_messages={"required": "Enter the office phone number."}
    )
    phone_ext = forms.CharField(label="Ext", max_length=8, required=False)
    fax = forms.CharField(
        label="Fax",
        max_length=20,
        error_messages={"required": "Enter the fax number for Pre-Authorization notifications."},
    )
    office_name = forms.CharField(
        label="Office Name", max_length=120, error_messages={"required": "Enter the office name."}
    )
    npi = forms.CharField(
        label="Individual NPI",
        max_length=10,
        validators=[validate_npi],
        error_messages={"required": "Enter your Individual NPI."},
    )
    tax_id = forms.CharField(label="Tax ID", max_length=10, required=False)

    field_order = [
        "default_portal",
        "username",
        "email",
        "confirm_email",
        "first_name",
        "last_name",
        "address1",
        "address2",
        "city",
        "state",
        "zip_code",
        "phone",
        "phone_ext",
        "fax",
        "office_name",
        "npi",
        "tax_id",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, autocomplete in {
            "first_name": "given-name",
            "last_name": "family-name",
            "address1": "address-line1",
            "address2": "address-line2",
            "city": "address-level2",
            "zip_code": "postal-code",
            "phone": "tel-national",
            "fax": "off",
            "office_name": "organization",
            "npi": "off",
            "tax_id": "off",
        }.items():
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
        self.fields["confirm_email"].widget.attrs["autocomplete"] = "off"
        for name in ("zip_code", "phone", "phone_ext", "fax", "npi", "tax_id"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        self.fields["phone"].widget.attrs["placeholder"] = "(615) 548-4000"
        self.fields["fax"].widget.attrs["placeholder"] = "(615) 548-4001"

    def clean_phone(self) -> str:
        return _phone_digits(self.cleaned_data["phone"])

    def clean_fax(self) -> str:
        return _phone_digits(self.cleaned_data["fax"])

    def clean_phone_ext(self) -> str:
        ext = self.cleaned_data["phone_ext"].strip()
        validate_phone_ext(ext)
        return ext

    def clean_tax_id(self) -> str:
        tax_id = self.cleaned_data["tax_id"].strip()
        if not tax_id:
            return ""
        validate_tin(tax_id)
        return digits_only(tax_id)

    def clean(self):
        cleaned = super().clean()
        confirm = cleaned.get("confirm_email")
        # Compared with the e-mail as typed: a taken e-mail is no longer in cleaned_data.
        typed = (self.data.get(self.add_prefix("email")) or "").strip()
        if confirm and typed and confirm.lower() != typed.lower():
            self.add_error("confirm_email", "The email addresses do not match.")
        return cleaned

    def registration_data(self) -> RegistrationData:
        data = {name: self.cleaned_data[name] for name in RegistrationData.__annotations__}
        return RegistrationData(**data)

    @staticmethod
    def initial_from(data: RegistrationData | None) -> dict:
        """The form filled in again from the session (the review step's Back button)."""
        if not data:
            return {}
        return {**data, "confirm_email": data["email"]}


class InviteForm(NewUserForm):
    """An office administrator invites a colleague: User Name, Email, First Name, Last Name."""


def _accept_terms_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="Accept Terms and Conditions", error_messages={"required": TERMS_REQUIRED}
    )


class TermsForm(forms.Form):
    """User Access Agreement: the required "Accept Terms and Conditions" check box."""

    accept_terms = _accept_terms_field()


def password_min_length() -> int:
    """The minimum length the configured password validators ask for (0 when none does)."""
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    return max(lengths, default=0)


class PasswordSetForm(SetPasswordForm):
    """Password Maintenance: New Password and Confirm New Password, checked by the portal's
    password validators against this user (so it cannot be like their own name or e-mail).
    A user who has not yet accepted the current User Access Agreement accepts it here."""

    error_messages = {
        **SetPasswordForm.error_messages,
        "password_mismatch": "The New Password and Confirm New Password do not match.",
    }

    def __init__(self, user: User, *args, needs_terms: bool = False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "New Password"
        self.fields["new_password2"].label = "Confirm New Password"
        for name in ("new_password1", "new_password2"):
            self.fields[name].help_text = ""
        self.fields["new_password1"].widget.attrs["aria-describedby"] = "password-rules"
        if needs_terms:
            self.fields["accept_terms"] = _accept_terms_field()

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        # The rules' messages belong next to New Password, where the password was typed.
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PasswordLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Enter the email address you registered with.",
            "invalid": "Enter a valid email.",
        },
    )
