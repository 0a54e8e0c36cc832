"""One pathway question as a form, whatever its kind: yes/no, single choice, "choose all that
apply", number, date, free text, the repeatable code-and-units group and the regimen table.
`answer()` gives the value as the engine reads it (cases.clinical.engine)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from cases.models import Question
from eligibility.models import ProcedureCode, Program

ANSWER = "answer"
ANOTHER = "another"
ROWS = "rows"
YES_NO = [("yes", "Yes"), ("no", "No")]
CHOOSE_ALL = "(Choose all that apply)"
TEXT_MAX_LENGTH = 2000
DATE_FORMAT = "%m/%d/%Y"
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2099, 12, 31)

ANSWER_REQUIRED = "Please answer this question."
CHOOSE_LISTED = "Please choose one of the options listed."
CHOOSE_AT_LEAST_ONE = "Please choose at least one option."
NUMBER_INVALID = "Please enter a number, such as 3 or 2.5."
DATE_INVALID = "Please enter the date as MM/DD/YYYY."
DATE_RANGE = "Please enter a date between 01/01/1900 and 12/31/2099."
TEXT_TOO_LONG = "Please keep your answer to 2,000 characters or fewer (it has %(show_value)d)."
REGIMEN_REQUIRED = "Please select a treatment option."

# The DME deck's words; equipment is coded in HCPCS, every other program's procedures in CPT.
UNITS_LABEL = "How many Units of this HCPCS"
UNITS_LABEL_CPT = "How many Units of this CPT code"
ANOTHER_LABEL = "Would you like to enter another {code_set} code?"
CODE_REQUIRED = "Please enter a code."
UNITS_REQUIRED = "Please enter how many units."
UNITS_INVALID = "Please enter the units as a whole number, such as 1 or 2."
CODE_UNKNOWN = "{code} is not an active {program} code. Please check the code."
CODE_REPEATED = "{code} is already entered above."
ROWS_TOO_MANY = "You can enter at most {count} codes for this question."
ROWS_INVALID = "The codes of this page could not be read. Please enter them again."
MAX_UNITS = 9999
CHECK = {"class": "form-check-input"}
INPUT = "form-control"


class QuestionForm(forms.Form):
    """The form of one question. For a code-and-units question, `rows` code and units pairs
    (the page posts how many it shows) and, until the most codes are entered, "Would you
    like to enter another HCPCS code?"; `wants_another()` says the user answered YES."""

    def __init__(
        self,
        data=None,
        *,
        question: Question,
        program: Program,
        value: object = None,
        add_row: bool = False,
    ):
        super().__init__(data)
        self.question = question
        self.program = program
        self.kind = question.kind
        self._rows: list[dict] = []
        if self.kind == Question.Kind.CODE_UNITS:
            self.row_count = self._row_count_for(value, add_row=add_row)
            self._code_units_fields(value if data is None else None)
            return
        self.fields[ANSWER] = self._answer_field()
        if data is None and value not in (None, ""):
            self.initial[ANSWER] = self._initial(value)

    # The field of each kind.

    def _answer_field(self) -> forms.Field:
        question = self.question
        common = {
            "label": question.text,
            "help_text": question.help_text,
            "required": question.required,
        }
        kind = self.kind
        if kind == Question.Kind.YES_NO:
            return forms.ChoiceField(
                choices=YES_NO,
                widget=forms.RadioSelect(attrs=CHECK),
                error_messages={"required": ANSWER_REQUIRED, "invalid_choice": CHOOSE_LISTED},
                **common,
            )
        if kind in (Question.Kind.SINGLE, Question.Kind.REGIMEN):
            required = REGIMEN_REQUIRED if kind == Question.Kind.REGIMEN else ANSWER_REQUIRED
            return forms.ChoiceField(
                choices=self.choices(),
                widget=forms.RadioSelect(attrs=CHECK),
                error_messages={"required": required, "invalid_choice": CHOOSE_LISTED},
                **common,
            )
        if kind == Question.Kind.MULTIPLE:
            if CHOOSE_ALL.strip("()").lower() not in question.text.lower():
                common["label"] = f"{question.text} {CHOOSE_ALL}"
            return forms.MultipleChoiceField(
                choices=self.choices(),
                widget=forms.CheckboxSelectMultiple(attrs=CHECK),
                error_messages={
                    "required": CHOOSE_AT_LEAST_ONE,
                    "invalid_choice": CHOOSE_LISTED,
                    "invalid_list": CHOOSE_LISTED,
                },
                **common,
            )
        if kind == Question.Kind.NUMBER:
            return forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                min_value=_plain(question.min_value),
                max_value=_plain(question.max_value),
                widget=forms.TextInput(
                    attrs={"class": INPUT, "inputmode": "decimal", "autocomplete": "off"}
                ),
                error_messages={"required": ANSWER_REQUIRED, "invalid": NUMBER_INVALID},
                **common,
            )
        if kind == Question.Kind.DATE:
            return forms.DateField(
                input_formats=[DATE_FORMAT],
                widget=forms.DateInput(
                    format=DATE_FORMAT,
                    attrs={"class": INPUT, "placeholder": "MM/DD/YYYY", "autocomplete": "off"},
                ),
                error_messages={"required": ANSWER_REQUIRED, "invalid": DATE_INVALID},
                **common,
            )
        return forms.CharField(
            max_length=TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"class": INPUT, "rows": 4}),
            error_messages={"required": ANSWER_REQUIRED, "max_length": TEXT_TOO_LONG},
            **common,
        )

    def choices(self) -> list[tuple[str, str]]:
        return [(choice.value, choice.label) for choice in self.question.choices.all()]

    def _initial(self, value: object) -> object:
        if self.kind == Question.Kind.DATE:
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                return None
        if self.kind == Question.Kind.MULTIPLE:
            return [str(item) for item in value] if isinstance(value, list) else []
        return str(value)

    def clean_answer(self):
        value = self.cleaned_data.get(ANSWER)
        if self.kind == Question.Kind.DATE and value and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(DATE_RANGE)
        return value

    def answer(self) -> object:
        """The valid answer as the engine stores it (call after is_valid())."""
        if self.kind == Question.Kind.CODE_UNITS:
            return list(self._rows)
        value = self.cleaned_data.get(ANSWER)
        if self.kind == Question.Kind.MULTIPLE:
            return list(value or [])
        if value in (None, ""):
            return ""
        if self.kind == Question.Kind.NUMBER:
            return _number_text(value)
        if self.kind == Question.Kind.DATE:
            return value.isoformat()
        return value

    # Regimen table.

    def regimen_rows(self) -> list[dict]:
        """The regimen table's rows: the choice, whether it is the one selected, its id."""
        selected = self[ANSWER].value() if ANSWER in self.fields else None
        return [
            {
                "choice": choice,
                "id": f"id_{ANSWER}_{index}",
                "checked": selected is not None and str(selected) == choice.value,
            }
            for index, choice in enumerate(self.question.choices.all())
        ]

    # Code and units.

    def _row_count_for(self, value: object, *, add_row: bool) -> int:
        most = max(1, self.question.max_repeats)
        if self.is_bound:
            try:
                posted = int(self.data.get(ROWS, "1"))
            except (TypeError, ValueError):
                posted = 1
            return min(max(posted, 1), most)
        saved = len(value) if isinstance(value, list) else 0
        return min(max(saved + (1 if add_row else 0), 1), most)

    def _code_units_fields(self, value: object) -> None:
        saved = value if isinstance(value, list) else []
        most_units = int(self.question.max_value or MAX_UNITS)
        least_units = max(int(self.question.min_value or 1), 1)
        for number in range(1, self.row_count + 1):
            self.fields[f"code_{number}"] = forms.CharField(
                label=self.question.text if number == 1 else f"Code {number}",
                required=False,
                max_length=12,
                widget=forms.TextInput(attrs={"class": INPUT, "autocomplete": "off"}),
                error_messages={"max_length": "A code has at most 12 characters."},
            )
            self.fields[f"units_{number}"] = forms.IntegerField(
                label=UNITS_LABEL if self.program.is_equipment else UNITS_LABEL_CPT,
                required=False,
                min_value=least_units,
                max_value=most_units,
                widget=forms.TextInput(
                    attrs={"class": INPUT, "inputmode": "numeric", "autocomplete": "off"}
                ),
                error_messages={"invalid": UNITS_INVALID},
            )
            if number <= len(saved) and isinstance(saved[number - 1], dict):
                self.initial[f"code_{number}"] = saved[number - 1].get("code", "")
                self.initial[f"units_{number}"] = saved[number - 1].get("units")
        if self.row_count < self.question.max_repeats:
            self.fields[ANOTHER] = forms.ChoiceField(
                label=ANOTHER_LABEL.format(code_set=self._code_set),
                choices=YES_NO,
                widget=forms.RadioSelect(attrs=CHECK),
                error_messages={"required": ANSWER_REQUIRED, "invalid_choice": CHOOSE_LISTED},
            )
            if saved:
                self.initial[ANOTHER] = "no"

    @property
    def _code_set(self) -> str:
        return "HCPCS" if self.program.is_equipment else "CPT"

    def code_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"code_{number}"], self[f"units_{number}"])
            for number in range(1, self.row_count + 1)
        ]

    @property
    def at_most_codes(self) -> bool:
        return self.kind == Question.Kind.CODE_UNITS and ANOTHER not in self.fields

    def wants_another(self) -> bool:
        return self.kind == Question.Kind.CODE_UNITS and self.cleaned_data.get(ANOTHER) == "yes"

    def full_clean(self):
        super().full_clean()
        # Each field with an error shows it (Bootstrap's is-invalid) and names its message.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-describedby"] = f"{name}-error"

    def clean(self):
        cleaned = super().clean()
        if self.kind == Question.Kind.CODE_UNITS:
            self._clean_code_units()
        return cleaned

    def _clean_code_units(self) -> None:
        self._rows = []
        posted = self.data.get(ROWS, "1")
        try:
            posted_count = int(posted)
        except (TypeError, ValueError):
            self.add_error(None, ROWS_INVALID)
            return
        if posted_count > self.question.max_repeats:
            self.add_error(None, ROWS_TOO_MANY.format(count=self.question.max_repeats))
            return
        if posted_count < 1:
            self.add_error(None, ROWS_INVALID)
            return
        entered: list[tuple[int, str, int | None]] = []
        seen: set[str] = set()
        for number in range(1, self.row_count + 1):
            code_name, units_name = f"code_{number}", f"units_{number}"
            code_bad, units_bad = code_name in self.errors, units_name in self.errors
            code = "" if code_bad else (self.cleaned_data.get(code_name) or "").strip().upper()
            units = None if units_bad else self.cleaned_data.get(units_name)
            code_given, units_given = code_bad or bool(code), units_bad or units is not None
            if not code_given and not units_given:
                # A blank row: the first one of a required question is missing; a later one
                # (another code offered, then not entered) is left out.
                if number == 1 and self.question.required:
                    self.add_error(code_name, CODE_REQUIRED)
                    self.add_error(units_name, UNITS_REQUIRED)
                continue
            if not code_given:
                self.add_error(code_name, CODE_REQUIRED)
            if not units_given:
                self.add_error(units_name, UNITS_REQUIRED)
            if not code:
                continue
            if code in seen:
                self.add_error(code_name, CODE_REPEATED.format(code=code))
                continue
            seen.add(code)
            entered.append((number, code, units))
        known = set(
            ProcedureCode.objects.filter(
                code__in=[code for _, code, _ in entered], is_active=True, programs=self.program
            ).values_list("code", flat=True)
        )
        for number, code, units in entered:
            if code not in known:
                message = CODE_UNKNOWN.format(code=code, program=self.program.name)
                self.add_error(f"code_{number}", message)
            elif units is not None:
                self._rows.append({"code": code, "units": units})


def _plain(limit: Decimal | None) -> Decimal | None:
    """A limit as its messages show it: 52, not 52.00."""
    return None if limit is None else Decimal(_number_text(limit))


def _number_text(value: Decimal) -> str:
    """3, 2.5: the number as typed, without trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


__all__ = ["ANOTHER_LABEL", "CHOOSE_ALL", "UNITS_LABEL", "QuestionForm"]
