"""The case screen's "Add note" form."""

from __future__ import annotations

from django import forms

from cases.review.screen.services import NOTE_MAX_LENGTH, NOTE_REQUIRED, NOTE_TOO_LONG


class ReviewNoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        # No maxlength attribute: a longer paste gets the message next to the field, kept.
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": NOTE_REQUIRED, "max_length": NOTE_TOO_LONG},
        help_text="Seen by the reviewers only, never by the office.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.pop("maxlength", None)
