""" "Is this case Routine/Standard?" (YES / NO) and, for NO, the urgency criteria with the
"Clinical Upload" box (UPLOAD / SKIP UPLOAD). The files themselves are checked by the upload
service (cases.clinical.uploads), which knows the program's limit and gives one message per
file."""

from __future__ import annotations

from django import forms

from cases.clinical.forms.files import FilesField
from cases.models.case import UrgencyCriterion

ROUTINE_QUESTION = "Is this case Routine/Standard?"
ROUTINE_REQUIRED = "Please answer YES or NO."
CRITERIA_QUESTION = (
    "Please indicate if any of the following criteria are true regarding urgency of this request :"
)
CRITERION_REQUIRED = (
    "Please indicate if any of the following criteria are true regarding urgency of this request."
)
FILES_REQUIRED = "Please choose at least one file to upload, or click SKIP UPLOAD."
ACTION_REQUIRED = "Please click UPLOAD or SKIP UPLOAD."
TOKEN_MAX_LENGTH = 64

UPLOAD = "upload"
SKIP = "skip"


class RoutineForm(forms.Form):
    """The YES / NO buttons (name "routine")."""

    routine = forms.ChoiceField(
        label=ROUTINE_QUESTION,
        choices=[("yes", "YES"), ("no", "NO")],
        error_messages={"required": ROUTINE_REQUIRED, "invalid_choice": ROUTINE_REQUIRED},
    )
    # The state of the answer the page showed (see cases.clinical.urgency.urgency_token).
    state = forms.CharField(required=False, max_length=TOKEN_MAX_LENGTH)

    @property
    def is_routine(self) -> bool:
        return self.cleaned_data["routine"] == "yes"


class UrgencyUploadForm(forms.Form):
    """For NO: the criterion (required) and UPLOAD with files, or SKIP UPLOAD. UPLOAD needs
    a file unless the case already has files of its urgency answer (a second visit)."""

    criterion = forms.ChoiceField(
        label=CRITERIA_QUESTION,
        choices=UrgencyCriterion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": CRITERION_REQUIRED, "invalid_choice": CRITERION_REQUIRED},
    )
    files = FilesField(required=False)
    action = forms.ChoiceField(
        choices=[(UPLOAD, "UPLOAD"), (SKIP, "SKIP UPLOAD")],
        error_messages={"required": ACTION_REQUIRED, "invalid_choice": ACTION_REQUIRED},
    )
    state = forms.CharField(required=False, max_length=TOKEN_MAX_LENGTH)

    def __init__(self, *args, has_uploads: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_uploads = has_uploads

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == SKIP:
            # SKIP UPLOAD: the files chosen (if any) are not uploaded.
            cleaned["files"] = []
        elif action == UPLOAD and not cleaned.get("files") and not self.has_uploads:
            self.add_error("files", FILES_REQUIRED)
        return cleaned

    def files_refused(self, messages: list[str]) -> None:
        """Show the upload service's message for each file refused."""
        for message in messages:
            self.add_error("files", message)
