"""The site of service step ("Attention!", "Specific Site Search", "Selected Site:") and
"Proceed to Clinical Information"."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from eligibility.models import Site
from eligibility.validators import digits_only, validate_npi

IN_OFFICE_QUESTION = "Will you be rendering this procedure in your office?"
ANSWER_REQUIRED = "Please answer YES or NO."
SEARCH_CRITERIA_REQUIRED = "Please enter an NPI or a TIN, or a site name with a zip code or a city."
TIN_FORMAT = "A TIN is 9 digits (12-3456789)."
ZIP_FORMAT = "Enter a zip code of 5 digits, or 5+4 (12345-6789)."
SITE_REQUIRED = "Please select a site from the search results."
ATTESTATION = (
    "I acknowledge that the clinical information I am about to submit for this authorization "
    "request is accurate and specific to this member, and that all information will be "
    "provided for this request."
)
ATTESTATION_REQUIRED = "Please check the box to acknowledge the attestation before you continue."
EXACT, STARTS_WITH = "exact", "starts"


class InOfficeForm(forms.Form):
    in_office = forms.TypedChoiceField(
        label=IN_OFFICE_QUESTION,
        choices=[("yes", "YES"), ("no", "NO")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": ANSWER_REQUIRED, "invalid_choice": ANSWER_REQUIRED},
    )


class SiteSearchForm(forms.Form):
    """ "Specific Site Search": an NPI or a TIN, or a name plus a zip code or a city."""

    npi = forms.CharField(label="NPI", required=False, max_length=14)
    zip_code = forms.CharField(label="Zip Code", required=False, max_length=10)
    name = forms.CharField(label="Site Name", required=False, max_length=120)
    tin = forms.CharField(label="TIN", required=False, max_length=12)
    city = forms.CharField(label="City", required=False, max_length=60)
    match = forms.ChoiceField(
        label="Site name",
        choices=[(EXACT, "Exact match"), (STARTS_WITH, "Starts with")],
        required=False,
        initial=EXACT,
        widget=forms.RadioSelect,
    )

    def clean_npi(self) -> str:
        npi = digits_only(self.cleaned_data["npi"])
        if npi:
            validate_npi(npi)
        return npi

    def clean_tin(self) -> str:
        tin = self.cleaned_data["tin"].strip()
        if tin and (len(digits_only(tin)) != 9 or not tin.replace("-", "").isdigit()):
            raise ValidationError(TIN_FORMAT)
        return digits_only(tin)

    def clean_zip_code(self) -> str:
        zip_code = self.cleaned_data["zip_code"].strip()
        digits = digits_only(zip_code)
        if zip_code and not (len(digits) in (5, 9) and zip_code.replace("-", "").isdigit()):
            raise ValidationError(ZIP_FORMAT)
        return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else digits

    def clean_match(self) -> str:
        return self.cleaned_data["match"] or EXACT

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        by_id = cleaned.get("npi") or cleaned.get("tin")
        by_name = cleaned.get("name") and (cleaned.get("zip_code") or cleaned.get("city"))
        if not (by_id or by_name):
            raise ValidationError(SEARCH_CRITERIA_REQUIRED, code="criteria")
        return cleaned


class SiteSelectForm(forms.Form):
    """SELECT in the results table."""

    site = forms.ModelChoiceField(
        queryset=Site.objects.filter(is_active=True),
        error_messages={"required": SITE_REQUIRED, "invalid_choice": SITE_REQUIRED},
    )


class SiteEmailForm(forms.Form):
    site_email = forms.EmailField(label="Site Email (optional)", required=False, max_length=254)


class ProceedForm(forms.Form):
    """The DME attestation; other programs' lock-in has nothing to fill in."""

    attest = forms.BooleanField(
        label=ATTESTATION, required=False, error_messages={"required": ATTESTATION_REQUIRED}
    )

    def __init__(self, *args, equipment: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attest"].required = equipment
