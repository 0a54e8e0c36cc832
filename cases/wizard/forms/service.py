"""Requested Service + Diagnosis: the primary procedure of the program, the primary and
secondary ICD-10-CM codes (billable only), and the bilateral question."""

from __future__ import annotations

from django import forms

from cases.wizard.selectors.service import (
    DIAGNOSIS_CODE_FORMAT,
    diagnosis_code_get,
    procedure_codes_for,
)
from eligibility.models import DiagnosisCode, Program
from eligibility.selectors import diagnosis_code_normalize

PROCEDURE_REQUIRED = "Please select a primary procedure."
PRIMARY_REQUIRED = "Please select a primary diagnosis code."
SECONDARY_REQUIRED = "Please select a secondary diagnosis code: it is required for {program}."
BILATERAL_REQUIRED = "Please answer YES or NO."
DIAGNOSIS_FORMAT = "Enter an ICD-10-CM code such as M25.561, or use LOOKUP to find one."
DIAGNOSIS_UNKNOWN = "{code} is not an ICD-10-CM code: use LOOKUP to find the right one."
DIAGNOSIS_NOT_BILLABLE = "{code} is a category, not a billable code: choose a more specific code."
SAME_DIAGNOSIS = "The secondary diagnosis must be different from the primary diagnosis."
YES, NO = "yes", "no"


PROCEDURE_INVALID = "Please choose a {program} procedure from the list."


class ServiceForm(forms.Form):
    procedure_code = forms.ModelChoiceField(
        label="Select a Primary Procedure by CPT Code or Description",
        queryset=None,
        to_field_name="code",
    )
    primary_diagnosis = forms.CharField(
        label="Select a Primary Diagnosis Code (Lookup by Code or Description)",
        max_length=80,
        error_messages={"required": PRIMARY_REQUIRED, "max_length": DIAGNOSIS_FORMAT},
    )
    secondary_diagnosis = forms.CharField(
        label="Select a Secondary Diagnosis Code (Lookup by Code or Description)",
        max_length=80,
        required=False,
        error_messages={"max_length": DIAGNOSIS_FORMAT},
    )
    is_bilateral = forms.TypedChoiceField(
        label="Is this a request for a bilateral procedure of a previously requested "
        "authorization?",
        choices=[(YES, "YES"), (NO, "NO")],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
        error_messages={"required": BILATERAL_REQUIRED, "invalid_choice": BILATERAL_REQUIRED},
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        field = self.fields["procedure_code"]
        field.queryset = procedure_codes_for(program)
        field.error_messages = {
            "required": PROCEDURE_REQUIRED,
            "invalid_choice": PROCEDURE_INVALID.format(program=program.name),
        }
        if program.secondary_diagnosis_required:
            self.fields["secondary_diagnosis"].required = True
            self.fields["secondary_diagnosis"].error_messages["required"] = (
                SECONDARY_REQUIRED.format(program=program.name)
            )

    def clean_primary_diagnosis(self) -> DiagnosisCode:
        return _billable_diagnosis(self.cleaned_data["primary_diagnosis"])

    def clean_secondary_diagnosis(self) -> DiagnosisCode | None:
        value = self.cleaned_data["secondary_diagnosis"]
        return _billable_diagnosis(value) if value else None

    def clean(self):
        cleaned = super().clean()
        primary = cleaned.get("primary_diagnosis")
        secondary = cleaned.get("secondary_diagnosis")
        if primary is not None and secondary is not None and primary.pk == secondary.pk:
            self.add_error("secondary_diagnosis", SAME_DIAGNOSIS)
        return cleaned


def _billable_diagnosis(typed: str) -> DiagnosisCode:
    code = diagnosis_code_normalize(typed)
    if not DIAGNOSIS_CODE_FORMAT.match(code):
        raise forms.ValidationError(DIAGNOSIS_FORMAT, code="format")
    diagnosis = diagnosis_code_get(code)
    if diagnosis is None:
        raise forms.ValidationError(DIAGNOSIS_UNKNOWN.format(code=code), code="unknown")
    if not diagnosis.is_billable:
        raise forms.ValidationError(
            DIAGNOSIS_NOT_BILLABLE.format(code=diagnosis.code), code="not_billable"
        )
    return diagnosis
