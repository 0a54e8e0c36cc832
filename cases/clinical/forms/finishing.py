"""Finishing a request: the additional information, the attestation before SUBMIT CASE, and
"Start a new request using the same:" after it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from cases.clinical.submission import NOTES_REQUIRED, WITH_NOTES
from cases.models.case import AdditionalInfo
from cases.wizard.services.duplicate import (
    KEEP_PROGRAM,
    KEEP_PROGRAM_PLAN,
    KEEP_PROGRAM_PROVIDER,
    KEEP_PROVIDER,
    UNKNOWN_KEEP,
)

ADDITIONAL_QUESTION = (
    "Is there any additional information specific to the member's condition you would like to "
    "provide?"
)
ADDITIONAL_REQUIRED = "Please select one of the options."
NOTES_MAX_LENGTH = 4000
NOTES_TOO_LONG = "Please keep the notes to 4,000 characters or fewer (you entered {length:,})."
ATTESTATION = (
    "I acknowledge that the clinical information submitted to support this authorization "
    "request is accurate and specific to this member, and that all information has been "
    "provided. I have no further information to provide at this time."
)
ATTESTATION_REQUIRED = "Please check the box to acknowledge the statement before you submit."


class AdditionalInfoForm(forms.Form):
    additional_info = forms.ChoiceField(
        label=ADDITIONAL_QUESTION,
        choices=AdditionalInfo.choices,
        widget=forms.RadioSelect,
        error_messages={"required": ADDITIONAL_REQUIRED, "invalid_choice": ADDITIONAL_REQUIRED},
    )
    # The length is checked in clean_notes (with the user's count); the browser's maxlength
    # comes from the template.
    notes = forms.CharField(
        label="Additional Information - Notes:",
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_notes(self) -> str:
        notes = self.cleaned_data["notes"]
        if len(notes) > NOTES_MAX_LENGTH:
            raise ValidationError(NOTES_TOO_LONG.format(length=len(notes)))
        return notes

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("additional_info")
        if choice in WITH_NOTES and "notes" in cleaned and not cleaned["notes"]:
            self.add_error("notes", NOTES_REQUIRED)
        return cleaned


class AttestationForm(forms.Form):
    attest = forms.BooleanField(
        label=ATTESTATION,
        required=True,
        error_messages={"required": ATTESTATION_REQUIRED},
    )


class DuplicateForm(forms.Form):
    """ "Start a new request using the same:" (the labels name what is kept)."""

    keep = forms.ChoiceField(
        label="Start a new request using the same:",
        choices=[
            (KEEP_PROGRAM, "Program"),
            (KEEP_PROVIDER, "Provider"),
            (KEEP_PROGRAM_PROVIDER, "Program and Provider"),
            (KEEP_PROGRAM_PLAN, "Program and Health Plan"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": UNKNOWN_KEEP, "invalid_choice": UNKNOWN_KEEP},
    )
