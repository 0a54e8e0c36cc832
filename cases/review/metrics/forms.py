"""The metrics' filters: a health plan (or all), a program (or all), and the period: a year,
quarter or month chosen, or From and To dates (which, when given, win over the choice). They
travel in the address (a GET form; choices and dates only, no patient data). A value in error
is left out with a message next to its field: the figures are then those of the other filters
(the default period for a period in error), and nothing in the query string can make the page
fail."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import QueryDict

from cases.review.metrics.periods import (
    Period,
    dates_period,
    default_period_key,
    period_choices,
    period_of,
)
from cases.review.metrics.selectors import MetricsQuery
from eligibility.models import HealthPlan, Program

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]

OUT_OF_RANGE = "Enter a date from 01/01/2000 to 12/31/2099."
MISSING_TO = "Enter the To date as well, or clear the From date."
MISSING_FROM = "Enter the From date as well, or clear the To date."
FROM_AFTER_TO = "The From date must be on or before the To date."

FILTER_NAMES = ("health_plan", "program", "period", "date_from", "date_to")


class MetricsFilterForm(forms.Form):
    health_plan = forms.ModelChoiceField(
        label="Health plan",
        queryset=HealthPlan.objects.order_by("name"),
        required=False,
        empty_label="All health plans",
    )
    program = forms.ModelChoiceField(
        label="Program",
        queryset=Program.objects.order_by("display_order", "name"),
        to_field_name="code",
        required=False,
        empty_label="All programs",
    )
    period = forms.ChoiceField(label="Period", required=False)
    date_from = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, data: QueryDict, *, today: dt.date):
        self.default_key = default_period_key(today)
        data = data.copy()
        if not data.get("period"):
            data["period"] = self.default_key
        super().__init__(data)
        self.fields["period"].choices = period_choices(today)
        for name, formfield in self.fields.items():
            css = "form-control" if name.startswith("date_") else "form-select"
            formfield.widget.attrs["class"] = f"{css} {css}-sm"

    def full_clean(self) -> None:
        super().full_clean()
        # A field in error is marked and points to its message (the page shows it beside).
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-describedby"] = f"id_{name}_error"

    def clean_date_from(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("date_to"))

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return data
        if first is not None and last is None:
            self.add_error("date_to", MISSING_TO)
        elif first is None and last is not None:
            self.add_error("date_from", MISSING_FROM)
        elif first is not None and first > last:
            self.add_error("date_from", FROM_AFTER_TO)
        return data

    def metrics_query(self) -> MetricsQuery:
        """The query of the valid values (call after is_valid()); a field in error is left
        out."""
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        plan, program = data.get("health_plan"), data.get("program")
        return MetricsQuery(
            period=self._period(data),
            health_plan_id=plan.pk if plan else None,
            program_id=program.pk if program else None,
        )

    def _period(self, data: dict) -> Period:
        if data.get("date_from") and data.get("date_to") and not self._dates_in_error():
            return dates_period(data["date_from"], data["date_to"])
        return period_of(data.get("period") or self.default_key)

    def _dates_in_error(self) -> bool:
        return "date_from" in self.errors or "date_to" in self.errors

    def address(self) -> QueryDict:
        """The valid filters as the query string of the page and its CSV export carry them."""
        address = QueryDict(mutable=True)
        for name in FILTER_NAMES:
            if name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if name in ("date_from", "date_to") and self._dates_in_error():
                continue
            if isinstance(value, dt.date):
                address[name] = value.isoformat()
            elif isinstance(value, HealthPlan):
                address[name] = str(value.pk)
            elif isinstance(value, Program):
                address[name] = value.code
            elif value:
                address[name] = str(value)
        return address


def _in_range(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise forms.ValidationError(OUT_OF_RANGE)
    return value
