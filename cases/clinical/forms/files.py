"""The form field of a clinical upload: several files under one name, judged by their content
in cases.clinical.uploads (never here)."""

from django import forms


class MultipleFileInput(forms.FileInput):
    """Several files under one name. A plain file input: a ClearableFileInput would read a
    posted "files-clear" box as "no file" and drop the files sent with it."""

    allow_multiple_selected = True


class FilesField(forms.Field):
    """Every file posted under the field's name, in order."""

    widget = MultipleFileInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        return [item for item in value if item is not None]


__all__ = ["FilesField", "MultipleFileInput"]
