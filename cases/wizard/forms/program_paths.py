"""The program-specific steps' forms: Musculoskeletal "Attention!" (date extension, continuing
care or a new case) and DME "referring physician or durable medical equipment provider"."""

from __future__ import annotations

from django import forms

from cases.models import Case
from cases.wizard.services.program_paths import FOLLOW_ON_KINDS, SOURCE_REFUSED

FOLLOW_ON_QUESTION = (
    "Physical Therapy, Occupational Therapy, Speech Therapy, Massage Therapy, Chiropractic "
    "Care, and Acupuncture services are eligible for case duplication and date extensions. Are "
    "you requesting one of these services?"
)
FOLLOW_ON_NOTE = (
    "Requests for Spine Surgery, Joint Replacement, Arthroscopy, and Pain Management, please "
    'select "Continue to Build a New Case"'
)
BUILD_KIND_REQUIRED = (
    "Please select Date Extension, Continuing Care or Continue to Build a New Case."
)
SOURCE_REQUIRED = "Please select the approved case to extend or continue."
# The field the page of approved cases posts, so that "nothing selected" is told apart from
# the first question's answer.
CHOOSING_FIELD = "choosing_case"

DME_ROLE_QUESTION = (
    "Are you building a case as a referring physician or as a durable medical equipment provider?"
)
# The deck's captions (Case.DmeRole's labels are the longer words of the question).
DME_ROLE_CHOICES = [
    (Case.DmeRole.REFERRING_PHYSICIAN.value, "Referring Physician"),
    (Case.DmeRole.DME_SUPPLIER.value, "Durable Medical Equipment"),
]
DME_ROLE_REQUIRED = "Please select Referring Physician or Durable Medical Equipment."


class FollowOnForm(forms.Form):
    """ "Attention!": the answer, then (date extension, continuing care) the approved case to
    start from, chosen by its opaque id among `sources`."""

    build_kind = forms.ChoiceField(
        label=FOLLOW_ON_QUESTION,
        # The deck's order.
        choices=[
            (Case.BuildKind.DATE_EXTENSION.value, Case.BuildKind.DATE_EXTENSION.label),
            (Case.BuildKind.CONTINUING_CARE.value, Case.BuildKind.CONTINUING_CARE.label),
            (Case.BuildKind.NEW.value, Case.BuildKind.NEW.label),
        ],
        widget=forms.RadioSelect,
        help_text=FOLLOW_ON_NOTE,
        error_messages={"required": BUILD_KIND_REQUIRED, "invalid_choice": BUILD_KIND_REQUIRED},
    )
    # The opaque id of one of `sources` (checked against them in clean_source_case); the
    # model field's own messages would echo the input back.
    source_case = forms.UUIDField(required=False, error_messages={"invalid": SOURCE_REFUSED})

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources

    def clean_source_case(self) -> Case | None:
        public_id = self.cleaned_data.get("source_case")
        if public_id is None:
            return None
        source = self.sources.filter(public_id=public_id).first()
        if source is None:
            raise forms.ValidationError(SOURCE_REFUSED)
        return source

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("build_kind")
        choosing = CHOOSING_FIELD in self.data
        missing = not cleaned.get("source_case") and "source_case" not in self.errors
        if kind in FOLLOW_ON_KINDS and choosing and missing:
            self.add_error("source_case", SOURCE_REQUIRED)
        return cleaned

    def shows_sources(self) -> bool:
        """The page of approved cases is what to show: the answer posted is a date extension
        or continuing care."""
        return self.is_bound and self.data.get("build_kind") in FOLLOW_ON_KINDS


class DmeRoleForm(forms.Form):
    dme_role = forms.ChoiceField(
        label=DME_ROLE_QUESTION,
        choices=DME_ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": DME_ROLE_REQUIRED, "invalid_choice": DME_ROLE_REQUIRED},
    )
