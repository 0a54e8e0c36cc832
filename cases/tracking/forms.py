"""The query strings of Certification Summary and My Worklist, validated: a value that is not
valid is left out (the list shows as without it) and, for what a person types or chooses, a
message says why next to the field. Nothing in a query string can make the page fail."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator

from cases.tracking.selectors import (
    DEFAULT_DIRECTION,
    DEFAULT_PER_PAGE,
    DEFAULT_SORT,
    PER_PAGE_CHOICES,
    SORTABLE,
    STATUS_CHOICES,
    WORKLIST_DEFAULT_TAB,
    WORKLIST_TABS,
    SummaryQuery,
)

# Date on the Case Initiation Date: how far back, or a range.
DATE_CHOICES = [
    ("", "Show All"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
    ("range", "Date range"),
]
RANGE_REVERSED = "The end date must be on or after the start date."
RANGE_EMPTY = "Please enter a start date, an end date or both."
NPI_DIGITS = "Enter the NPI's digits (up to 10)."
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2999, 12, 31)
DATE_OUT_OF_RANGE = "Enter a date between 01/01/1900 and 12/31/2999."
MAX_PAGE = 1_000_000
SEARCH_MAX_LENGTH = 60


def _text(label: str, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


class CertificationSummaryForm(forms.Form):
    q = _text("Search..", SEARCH_MAX_LENGTH)
    authorization_number = _text("Authorization Number", 12)
    case_number = _text("Case Number", 12)
    member_last_name = _text("Member Last Name", 60)
    provider_last_name = _text("Ordering Provider Last Name", 60)
    provider_npi = _text(
        "Ordering Provider NPI", 10, validators=[RegexValidator(r"^\d*$", NPI_DIGITS)]
    )
    procedure_code = _text("Procedure Code", 12)
    status = forms.ChoiceField(
        label="Single Status", choices=[("", "Show All"), *STATUS_CHOICES], required=False
    )
    statuses = forms.MultipleChoiceField(
        label="Filter By Multiple Statuses",
        choices=STATUS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    date = forms.ChoiceField(label="Date", choices=DATE_CHOICES, required=False)
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Set by the column headers' links and the pager: a wrong value is ignored.
    sort = forms.ChoiceField(choices=[(key, key) for key in SORTABLE], required=False)
    dir = forms.ChoiceField(choices=[("asc", "asc"), ("desc", "desc")], required=False)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)
    per_page = forms.TypedChoiceField(
        label="Per page",
        choices=[(str(n), str(n)) for n in PER_PAGE_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
    )

    # Fields whose errors nobody typed (links, the choices offered): left out without a message.
    SILENT = ("sort", "dir", "page", "status", "statuses", "date")

    def _clean_day(self, name: str) -> dt.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return day

    def clean_date_from(self):
        return self._clean_day("date_from")

    def clean_date_to(self):
        return self._clean_day("date_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if (start or end) and not cleaned.get("date") and "date" not in self.errors:
            cleaned["date"] = "range"
        if cleaned.get("date") == "range":
            if "date_from" in self.errors or "date_to" in self.errors:
                pass
            elif not (start or end):
                self.add_error("date_from", RANGE_EMPTY)
            elif start and end and start > end:
                self.add_error("date_to", RANGE_REVERSED)
        return cleaned

    def visible_errors(self) -> dict[str, list[str]]:
        return {name: errors for name, errors in self.errors.items() if name not in self.SILENT}

    def summary_query(self, *, now: dt.datetime) -> SummaryQuery:
        """The query of the valid values (call after is_valid()); a field in error is left
        out, and a date range with an error is not applied."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        submitted_from = submitted_before = None
        date = data.get("date") or ""
        range_ok = not ({"date_from", "date_to", "date"} & set(self.errors))
        if date.isdigit():
            submitted_from = now - dt.timedelta(days=int(date))
        elif date == "range" and range_ok:
            zone = ZoneInfo(settings.TIME_ZONE)
            if start := data.get("date_from"):
                submitted_from = dt.datetime.combine(start, dt.time(), tzinfo=zone)
            if end := data.get("date_to"):
                submitted_before = dt.datetime.combine(
                    end + dt.timedelta(days=1), dt.time(), tzinfo=zone
                )
        return SummaryQuery(
            search=data.get("q") or "",
            authorization_number=data.get("authorization_number") or "",
            case_number=data.get("case_number") or "",
            member_last_name=data.get("member_last_name") or "",
            provider_last_name=data.get("provider_last_name") or "",
            provider_npi=data.get("provider_npi") or "",
            procedure_code=data.get("procedure_code") or "",
            status=data.get("status") or "",
            statuses=tuple(data.get("statuses") or ()),
            submitted_from=submitted_from,
            submitted_before=submitted_before,
            sort=data.get("sort") or DEFAULT_SORT,
            direction=data.get("dir") or DEFAULT_DIRECTION,
            page=data.get("page") or 1,
            per_page=data.get("per_page") or DEFAULT_PER_PAGE,
        )


class WorklistForm(forms.Form):
    tab = forms.ChoiceField(choices=[(tab.key, tab.label) for tab in WORKLIST_TABS], required=False)
    q = _text("Search", SEARCH_MAX_LENGTH)
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)

    SILENT = ("tab", "page")

    def visible_errors(self) -> dict[str, list[str]]:
        return {name: errors for name, errors in self.errors.items() if name not in self.SILENT}

    def values(self) -> tuple[str, str, int]:
        """(tab, search, page) of the valid values (call after is_valid())."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return (
            data.get("tab") or WORKLIST_DEFAULT_TAB,
            data.get("q") or "",
            data.get("page") or 1,
        )
