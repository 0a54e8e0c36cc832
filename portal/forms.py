from django import forms

from eligibility.selectors import health_plans_active, programs_all


class FindContactForm(forms.Form):
    """Resources › Find Contact Information."""

    health_plan = forms.ModelChoiceField(
        label="Select a Health Plan",
        queryset=health_plans_active(),
        empty_label="Select a Health Plan",
        error_messages={"invalid_choice": "Select one of the health plans in the list."},
    )
    program = forms.ModelChoiceField(
        label="Select a Solution",
        queryset=programs_all(),
        empty_label="Select a Solution",
        error_messages={"invalid_choice": "Select one of the solutions in the list."},
    )
