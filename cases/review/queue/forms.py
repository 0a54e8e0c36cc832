"""The queue's filters: choices only (no patient data), so they travel in the address as a GET
form and its page links, only the filters chosen ("All" is no filter). A value that is not one
of the choices is left out with a message next to its field; nothing in the query string can
make the page fail."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from cases.review.queue.selectors import (
    ASSIGNED_ALL,
    ASSIGNED_CHOICES,
    STATUS_FILTERS,
    URGENCY_FILTERS,
    QueueQuery,
)
from eligibility.models import Program

MAX_PAGE = 1_000_000
ANY = [("", "All")]


def unchosen_dropped(data: QueryDict) -> QueryDict | None:
    """The address's parameters without those the form sends for no filter: the empty "All"
    values and the "Assigned to" filter's default. None when there is none to drop. Values
    that are not choices stay, to be shown with their message."""
    kept = QueryDict(mutable=True)
    dropped = False
    for name, values in data.lists():
        for value in values:
            if value == "" or (name == "assigned" and value == ASSIGNED_ALL):
                dropped = True
            else:
                kept.appendlist(name, value)
    return kept if dropped else None


class QueueFilterForm(forms.Form):
    program = forms.ChoiceField(label="Program", required=False)
    urgency = forms.ChoiceField(
        label="Urgency",
        required=False,
        choices=ANY + [(key, label) for key, (label, _) in URGENCY_FILTERS.items()],
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=ANY + [(key, label) for key, (label, _) in STATUS_FILTERS.items()],
    )
    assigned = forms.ChoiceField(label="Assigned to", required=False, choices=ASSIGNED_CHOICES)
    due_soon = forms.BooleanField(label="Due within 24 hours", required=False)
    # Set by the pager's links: a wrong value shows page 1.
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    SILENT = ("page",)

    def __init__(self, data, *, programs: list[Program]):
        super().__init__(data)
        self._program_ids = {program.code: program.pk for program in programs}
        self.fields["program"].choices = ANY + [
            (program.code, program.name) for program in programs
        ]

    def visible_errors(self) -> dict[str, list[str]]:
        return {name: errors for name, errors in self.errors.items() if name not in self.SILENT}

    def queue_query(self) -> QueueQuery:
        """The query of the valid values (call after is_valid()); a field in error is left
        out."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return QueueQuery(
            program_id=self._program_ids.get(data.get("program") or ""),
            urgency=data.get("urgency") or "",
            status=data.get("status") or "",
            assigned=data.get("assigned") or ASSIGNED_ALL,
            due_soon=bool(data.get("due_soon")),
            page=data.get("page") or 1,
        )
