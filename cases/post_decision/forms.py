"""The reconsideration and appeal request forms: who to contact, why (the clinical rationale
of a reconsideration, the reason for an appeal), and the supporting records (optional files,
checked by cases.clinical.uploads like every clinical upload)."""

from __future__ import annotations

from django import forms

from cases.clinical.forms.files import FilesField
from cases.models import PostDecisionRequest
from cases.wizard.forms.provider import PhoneField

REASON_MAX_LENGTH = 4000

LABELS = {
    PostDecisionRequest.Kind.RECONSIDERATION: (
        "Clinical Rationale",
        "The additional clinical information the reviewer should consider, and why the "
        "decision should be reconsidered.",
        "Enter the clinical rationale for the reconsideration.",
    ),
    PostDecisionRequest.Kind.APPEAL: (
        "Reason for Appeal",
        "Why you disagree with the decision, with the clinical information that supports it.",
        "Enter the reason for the appeal.",
    ),
}


class PostDecisionRequestForm(forms.Form):
    contact_name = forms.CharField(
        label="Contact Name",
        max_length=120,
        help_text="The person we contact about this request.",
        error_messages={
            "required": "Enter the name of the person we should contact about this request.",
            "max_length": "Enter at most 120 characters.",
        },
    )
    contact_phone = PhoneField(
        label="Contact Phone",
        help_text="Area code first.",
        error_messages={"required": "Enter the contact's phone number, area code first."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": REASON_MAX_LENGTH}),
        max_length=REASON_MAX_LENGTH,
    )
    files = FilesField(required=False, label="Supporting Records")

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        label, help_text, required = LABELS[kind]
        field = self.fields["reason"]
        field.label = label
        field.help_text = f"{help_text} At most {REASON_MAX_LENGTH:,} characters."
        field.error_messages = {
            **field.error_messages,
            "required": required,
            "max_length": (
                f"Enter at most {REASON_MAX_LENGTH:,} characters (you entered %(show_value)d)."
            ),
        }

    def files_refused(self, messages: list[str]) -> None:
        """The upload checks' message for each file refused, next to the files."""
        for message in messages:
            self.add_error("files", message)
