from django import forms

from eligibility.models import Program

PROGRAM_REQUIRED = "Please select a program."


class ProgramForm(forms.Form):
    """ "To begin, please select a program below:" """

    program = forms.ModelChoiceField(
        label="To begin, please select a program below:",
        queryset=Program.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": PROGRAM_REQUIRED, "invalid_choice": PROGRAM_REQUIRED},
    )

    # A fresh token per page: posting the same page twice starts one draft.
    start_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
