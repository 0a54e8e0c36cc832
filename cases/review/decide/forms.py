"""The decision panel's forms. They parse what the reviewer typed; the services decide what
is allowed (their CaseError names the field at fault). Each form has its own prefix, so the
panel's forms keep apart on one page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django import forms

from cases.models import Determination, ProcedureLine
from cases.review.checklists import hold_checklist_choices
from eligibility.models import ProcedureCode

Outcome = Determination.Outcome

APPROVE_LINE = "approve"
DENY_LINE = "deny"
LINE_DECISIONS = [(APPROVE_LINE, "Approve"), (DENY_LINE, "Deny")]
LINE_DECISION_REQUIRED = "Choose approve or deny for {code}."
LINE_QUANTITY_REQUIRED = "Enter the approved quantity for {code}, or deny the line."
LINE_APPROVE_NONE = "To approve {code} enter at least 1 unit, or deny the line."
UNKNOWN_CODE = "Enter a CPT or HCPCS code of the portal's code list, such as 73721."

RATIONALE_REQUIRED = "Enter the rationale."
GUIDELINE_REQUIRED = "Enter the guideline."
CRITERION_REQUIRED = "Enter the criterion."

OUTCOME_LABELS = {
    Outcome.UPHELD: "Upheld: the decision stands",
    Outcome.OVERTURNED: "Overturned: approve every line as requested",
    Outcome.PARTIALLY_OVERTURNED: "Partially overturned: approve some lines or units",
}


def _text(label: str, *, rows: int = 3, required: bool = False, help_text: str = "", **kwargs):
    """A free-text field; no maxlength attribute, so a longer paste is kept and the service's
    message says how long it may be."""
    error_messages = {"required": kwargs.pop("required_message", f"Enter the {label.lower()}.")}
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages=error_messages,
        **kwargs,
    )


def _reasons(form: forms.Form, *, required: bool, rationale_help: str) -> None:
    """The rationale, guideline and criterion of a decision."""
    form.fields["rationale"] = _text(
        "Rationale",
        rows=4,
        required=required,
        help_text=rationale_help,
        required_message=RATIONALE_REQUIRED,
    )
    form.fields["guideline"] = _text(
        "Guideline", rows=0, required=required, required_message=GUIDELINE_REQUIRED
    )
    form.fields["criterion"] = _text(
        "Criterion", rows=0, required=required, required_message=CRITERION_REQUIRED
    )


class LinesForm(forms.Form):
    """A decision and an approved quantity for each procedure line (the quantity requested by
    default); `lines_quantities()` gives the services' {line id: quantity}, 0 for a denied
    line. The quantities are passed on as typed: the service checks them."""

    def __init__(self, *args, lines: Sequence[ProcedureLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            code = line.procedure_code.code
            self.fields[self.decision_name(line)] = forms.ChoiceField(
                label=f"Decision for {code}",
                choices=LINE_DECISIONS,
                initial=APPROVE_LINE,
                # Required only when the lines are (lines_required): checked in clean().
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"invalid_choice": LINE_DECISION_REQUIRED.format(code=code)},
            )
            self.fields[self.quantity_name(line)] = forms.CharField(
                label=f"Approved quantity for {code}",
                required=False,
                initial=line.quantity_requested,
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "class": "portal-quantity"}),
            )

    @staticmethod
    def decision_name(line: ProcedureLine) -> str:
        return f"line_{line.pk}_decision"

    @staticmethod
    def quantity_name(line: ProcedureLine) -> str:
        return f"line_{line.pk}_quantity"

    def line_rows(self) -> list[tuple[ProcedureLine, forms.BoundField, forms.BoundField]]:
        return [
            (line, self[self.decision_name(line)], self[self.quantity_name(line)])
            for line in self.lines
        ]

    def lines_required(self) -> bool:
        return True

    def clean(self):
        cleaned = super().clean()
        if not self.lines_required():
            return cleaned
        quantities: dict[int, str] = {}
        for line in self.lines:
            code = line.procedure_code.code
            decision = cleaned.get(self.decision_name(line))
            quantity = (cleaned.get(self.quantity_name(line)) or "").strip()
            if self.has_error(self.decision_name(line)) or self.has_error(self.quantity_name(line)):
                continue
            if not decision:
                self.add_error(self.decision_name(line), LINE_DECISION_REQUIRED.format(code=code))
            elif decision == DENY_LINE:
                quantities[line.pk] = "0"
            elif not quantity:
                self.add_error(self.quantity_name(line), LINE_QUANTITY_REQUIRED.format(code=code))
            elif quantity.isdigit() and len(quantity) <= 9 and int(quantity) == 0:
                self.add_error(self.quantity_name(line), LINE_APPROVE_NONE.format(code=code))
            else:
                quantities[line.pk] = quantity
        cleaned["lines"] = quantities
        return cleaned


class ApproveForm(forms.Form):
    rationale = _text(
        "Rationale (optional)",
        help_text="Why the request meets the criteria; kept with the determination.",
    )


class PartialApproveForm(LinesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reasons(
            self,
            required=True,
            rationale_help="Why the rest is not approved, in plain language: the letters quote it.",
        )


class DenyForm(forms.Form):
    denial_reason = forms.ChoiceField(
        label="Denial reason",
        choices=[("", "Choose the reason"), *Determination.DenialReason.choices],
        error_messages={
            "required": "Select the denial reason.",
            "invalid_choice": "Select the denial reason.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _reasons(
            self,
            required=True,
            rationale_help="In plain language: the member reads it in the denial letter.",
        )
        self.order_fields(["rationale", "guideline", "criterion", "denial_reason"])


class EscalateForm(forms.Form):
    note = _text(
        "Note for the medical director",
        rows=3,
        required=True,
        help_text="What the medical director should look at. Only reviewers see it.",
    )


class HoldForm(forms.Form):
    checklist = forms.MultipleChoiceField(
        label="What is needed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Please choose the items of the checklist shown."},
    )
    note = _text(
        "Note to the provider (optional)",
        help_text="Anything else that is needed; the hold letter says it with the checklist.",
    )

    def __init__(self, *args, equipment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist"].choices = hold_checklist_choices(equipment=equipment)


class AlternativeForm(forms.Form):
    alternative_code = forms.CharField(
        label="Alternative service (CPT / HCPCS code)",
        max_length=12,
        help_text="A procedure of the case's program, such as 73721.",
        error_messages={
            "required": "Enter the code of the alternative service.",
            "max_length": UNKNOWN_CODE,
        },
    )
    rationale = _text(
        "Rationale",
        rows=4,
        required=True,
        help_text="Why the alternative is recommended, in plain language: the letters quote it.",
        required_message=RATIONALE_REQUIRED,
    )

    def clean_alternative_code(self):
        code = self.cleaned_data["alternative_code"].strip().upper()
        found = ProcedureCode.objects.filter(code=code, is_active=True).first()
        if found is None:
            raise forms.ValidationError(UNKNOWN_CODE)
        return found


class CancelForm(forms.Form):
    cancel_reason = forms.ChoiceField(
        label="Reason",
        choices=Determination.CancelReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the reason for cancelling.",
            "invalid_choice": "Select the reason for cancelling.",
        },
    )
    rationale = _text(
        "Note (optional)", help_text="The cancellation letter to the provider shows it."
    )


class RequestDecideForm(LinesForm):
    """The outcome of a reconsideration or an appeal: the outcomes offered are those the
    reviewer may choose (the panel's); the lines only for a partial overturn."""

    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select upheld, overturned or partially overturned.",
            "invalid_choice": "Select one of the outcomes shown.",
        },
    )

    def __init__(self, *args, outcomes: Iterable[str], lines: Sequence[ProcedureLine], **kwargs):
        outcomes = list(outcomes)
        # The lines are asked for only where a partial overturn is offered.
        offered = Outcome.PARTIALLY_OVERTURNED in outcomes
        super().__init__(*args, lines=lines if offered else (), **kwargs)
        self.fields["outcome"].choices = [(o, OUTCOME_LABELS[o]) for o in outcomes]
        _reasons(
            self,
            required=False,
            rationale_help="In plain language: the outcome letter quotes it. The guideline "
            "and criterion are required unless the decision is overturned.",
        )

    def lines_required(self) -> bool:
        return self.cleaned_data.get("outcome") == Outcome.PARTIALLY_OVERTURNED

    def clean(self):
        cleaned = super().clean()
        if not self.lines_required():
            cleaned["lines"] = None
        return cleaned
