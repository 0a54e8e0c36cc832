"""A letter as a PDF: the template of its kind and recipient, filled with the case's data and
rendered by WeasyPrint from that page alone (it fetches nothing: no file, no network).

A kind has a letter for a recipient only when its template exists:
templates/cases/letters/pdf/<kind>_<recipient>.html (approval_provider.html, …). The medical
review's letters (partial approval, denial, hold, alternative recommendation, cancellation,
reconsideration and appeal outcomes) also read the event's Determination, the lines' decisions
and the rights of the member's line of business (cases.letters.rights): `review_context`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db.models import Prefetch
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from cases.letters.rights import letter_rights
from cases.models import Case, Determination, Letter, ProcedureLine, StatusEvent
from cases.pdf import pdf_from_html
from eligibility.models import Delegation

# Business days an alternative recommendation may be accepted in (DESIGN), for a letter whose
# determination does not carry its date.
ALTERNATIVE_ACCEPT_DAYS = 60


def letter_template_name(kind: str, recipient: str) -> str:
    return f"cases/letters/pdf/{kind}_{recipient}.html"


@lru_cache(maxsize=64)
def letter_template_exists(kind: str, recipient: str) -> bool:
    """Whether the kind has a letter for this recipient (templates do not change while a
    process runs)."""
    try:
        get_template(letter_template_name(kind, recipient))
    except TemplateDoesNotExist:
        return False
    return True


def letter_recipients(kind: str) -> list[str]:
    """The recipients the kind has a letter for, provider first."""
    return [
        recipient
        for recipient in (Letter.Recipient.PROVIDER, Letter.Recipient.MEMBER)
        if letter_template_exists(kind, recipient)
    ]


@dataclass(frozen=True)
class LetterLine:
    """One procedure of the letter: its code, descriptions and quantities, and (in the review's
    letters) its decision."""

    code: str
    description: str
    plain_description: str
    quantity_requested: int
    quantity_approved: int | None
    modifiers: str
    decision: str = ""

    @property
    def is_approved(self) -> bool:
        return self.decision == ProcedureLine.Decision.APPROVED

    @property
    def quantity_not_approved(self) -> int:
        """The units requested and not approved (all of them for a denied line)."""
        if not self.is_approved:
            return self.quantity_requested
        return max(self.quantity_requested - (self.quantity_approved or 0), 0)


def plain_description(line: ProcedureLine) -> str:
    """What members read: the code's plain-language description, else its short one."""
    code = line.procedure_code
    return code.plain_description or f"{code.short_description} (code {code.code})"


def _approved_quantity(line: ProcedureLine, kind: str) -> int | None:
    if line.quantity_approved is not None:
        return line.quantity_approved
    # Approved whole (criteria met at submission): every unit requested.
    return line.quantity_requested if kind == Letter.Kind.APPROVAL else None


def _site(case: Case) -> dict:
    """The site of service as the letters name it: the site found by search, the requesting
    provider's office, or the member's home."""
    if case.site is not None:
        return {"name": case.site.name, "npi": case.site.npi, "address": case.site}
    if case.rendered_in_office:
        return {
            "name": "The requesting provider's office (11 - Office)",
            "npi": "",
            "address": case.practitioner_address,
        }
    if case.place_of_service == "12":
        return {"name": "The member's home (12 - Home)", "npi": "", "address": case.member}
    return {"name": "", "npi": "", "address": None}


def letter_case_prefetches(prefix: str = "") -> list[str | Prefetch]:
    """What a letter shows of its case, each relation a one-table query (`prefix`: the path to
    the case, "case__" from a status event). A seven-table join takes PostgreSQL longer to
    plan (20-30 ms) than these queries take to run."""
    lines = Prefetch(
        f"{prefix}procedure_lines",
        queryset=ProcedureLine.objects.select_related("procedure_code").order_by("position"),
    )
    relations = ("member", "practitioner", "practitioner_address", "site", "health_plan", "program")
    return [f"{prefix}{name}" for name in relations] + [lines]


def letter_context(event: StatusEvent, kind: str, recipient: str) -> dict:
    """What a determination's letter shows. `event.case` comes with letter_case_prefetches."""
    context = case_letter_context(event.case, kind=kind, recipient=recipient, at=event.at)
    context["event"] = event
    if kind in REVIEW_KINDS:
        context.update(review_context(event, kind))
    return context


def case_letter_context(case: Case, *, kind: str, recipient: str, at: dt.datetime) -> dict:
    """What every letter shows of its case, dated `at`. `case` comes with
    letter_case_prefetches (one query each)."""
    lines = [
        LetterLine(
            code=line.procedure_code.code,
            description=line.procedure_code.short_description,
            plain_description=plain_description(line),
            quantity_requested=line.quantity_requested,
            quantity_approved=_approved_quantity(line, kind),
            modifiers=line.modifiers,
        )
        for line in case.procedure_lines.all()
    ]
    address = case.practitioner_address
    return {
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "case": case,
        "kind": kind,
        "kind_label": Letter.Kind(kind).label,
        "recipient": recipient,
        "letter_date": timezone.localtime(at).date(),
        "member": case.member,
        "practitioner": case.practitioner,
        "practitioner_address": address,
        "provider_fax": case.contact_fax or (address.fax if address else ""),
        "site": _site(case),
        "lines": lines,
        "review_date": case.review_date,
        "expiration_date": case.expiration_date,
    }


def letter_html_pdf(kind: str, recipient: str, context: dict) -> bytes:
    """The letter of `kind` to `recipient` as a PDF, rendered from its template alone (it
    fetches nothing)."""
    return pdf_from_html(render_to_string(letter_template_name(kind, recipient), context))


def letter_pdf_bytes(event: StatusEvent, kind: str, recipient: str) -> bytes:
    """A determination's letter as a PDF."""
    return letter_html_pdf(kind, recipient, letter_context(event, kind, recipient))


def letter_filename(letter: Letter) -> str:
    """A safe name for the browser: the kind and the case number, no patient data."""
    kind = letter.kind.replace("_", "-")
    return f"{kind}-letter-{letter.case.case_number or 'case'}.pdf"


# --- The medical review's letters ----------------------------------------------------------------

REVIEW_KINDS = frozenset(
    {
        Letter.Kind.PARTIAL_APPROVAL,
        Letter.Kind.DENIAL,
        Letter.Kind.HOLD,
        Letter.Kind.ALTERNATIVE,
        Letter.Kind.CANCELLATION,
        Letter.Kind.RECONSIDERATION,
        Letter.Kind.APPEAL,
    }
)
Outcome = Determination.Outcome
# The level of review a reconsideration's or an appeal's outcome letter names.
LEVEL_NAMES = {Letter.Kind.RECONSIDERATION: "Reconsideration", Letter.Kind.APPEAL: "Appeal"}
# A reconsideration's or appeal's outcome when the event has no determination: read from the
# status it left the case in.
OUTCOME_BY_STATUS = {
    Case.Status.APPROVED: Outcome.OVERTURNED,
    Case.Status.PARTIALLY_APPROVED: Outcome.PARTIALLY_OVERTURNED,
    Case.Status.DENIED: Outcome.UPHELD,
}


def _determination(event: StatusEvent) -> Determination | None:
    """The reviewer's determination at this event, with who decided and the alternative code
    (one query); None for a status change no reviewer made."""
    return (
        Determination.objects.select_related("decided_by", "alternative_code")
        .filter(status_event_id=event.pk)
        .first()
    )


def _delegation(case: Case) -> Delegation | None:
    if case.delegation_id is None:
        return None
    return (
        Delegation.objects.select_related("line_of_business").filter(pk=case.delegation_id).first()
    )


def _line_decision(line: ProcedureLine, default: str) -> str:
    """A line's decision: its own, else read from its approved quantity, else `default`."""
    if line.decision:
        return line.decision
    if line.quantity_approved is not None:
        approved = line.quantity_approved > 0
        return ProcedureLine.Decision.APPROVED if approved else ProcedureLine.Decision.DENIED
    return default


def _decided_lines(case: Case, *, whole: bool, denied: bool) -> list[LetterLine]:
    """The case's lines with their decisions: every line denied (`denied`), lines without a
    decision approved in whole (`whole`: an overturned denial) or not approved."""
    default = ProcedureLine.Decision.APPROVED if whole else ProcedureLine.Decision.DENIED
    lines = []
    for line in case.procedure_lines.all():
        decision = ProcedureLine.Decision.DENIED if denied else _line_decision(line, default)
        approved = None
        if decision == ProcedureLine.Decision.APPROVED:
            approved = (
                line.quantity_approved
                if line.quantity_approved is not None
                else line.quantity_requested
            )
        lines.append(
            LetterLine(
                code=line.procedure_code.code,
                description=line.procedure_code.short_description,
                plain_description=plain_description(line),
                quantity_requested=line.quantity_requested,
                quantity_approved=approved,
                modifiers=line.modifiers,
                decision=decision,
            )
        )
    return lines


def _checklist(value) -> list[str]:
    """A hold's checklist as the labels chosen (anything else stored there is ignored)."""
    if not isinstance(value, list):
        return []
    return [str(item).strip() for item in value if isinstance(item, str) and item.strip()]


def _credential(determination: Determination | None) -> str:
    """The reviewer's credential as the letters name it ("Medical Director"), no name."""
    if determination is None or determination.decided_by is None:
        return ""
    role = determination.decided_by.reviewer_role
    if not role:
        return ""
    return determination.decided_by.get_reviewer_role_display().title()


def review_context(event: StatusEvent, kind: str) -> dict:
    """What the review's letters show beyond the approval's: the determination and its
    reasons, the lines' decisions, the hold's checklist and due time, the alternative, the
    outcome of a reconsideration or an appeal and the rights of the member's line of business.
    Every optional field may be empty (the letters then leave it out or say it plainly)."""
    case = event.case
    determination = _determination(event)
    delegation = _delegation(case)
    outcome = determination.outcome if determination else ""
    if kind in (Letter.Kind.RECONSIDERATION, Letter.Kind.APPEAL) and outcome not in (
        Outcome.UPHELD,
        Outcome.OVERTURNED,
        Outcome.PARTIALLY_OVERTURNED,
    ):
        outcome = OUTCOME_BY_STATUS.get(event.to_status, Outcome.UPHELD)
    lines = _decided_lines(
        case,
        whole=outcome == Outcome.OVERTURNED,
        denied=kind == Letter.Kind.DENIAL
        or (
            kind in (Letter.Kind.RECONSIDERATION, Letter.Kind.APPEAL)
            and event.to_status == Case.Status.DENIED
        ),
    )
    hold_due_at = (determination.hold_due_at if determination else None) or case.hold_due_at
    alternative = determination.alternative_code if determination else None
    review_level = (determination.review_level if determination else "") or case.review_level
    return {
        "determination": determination,
        "rationale": determination.rationale if determination else "",
        "guideline": determination.guideline if determination else "",
        "criterion": determination.criterion if determination else "",
        "denial_reason": determination.get_denial_reason_display() if determination else "",
        "cancel_reason": determination.cancel_reason if determination else "",
        "cancel_reason_label": (determination.get_cancel_reason_display() if determination else ""),
        "reviewer_credential": _credential(determination),
        "outcome": outcome,
        "outcome_label": Outcome(outcome).label if outcome in Outcome.values else "",
        "review_level": review_level,
        "review_level_label": (
            Case.ReviewLevel(review_level).label if review_level in Case.ReviewLevel.values else ""
        ),
        "lines": lines,
        "approved_lines": [line for line in lines if line.is_approved],
        "not_approved_lines": [line for line in lines if line.quantity_not_approved],
        "hold_checklist": _checklist(determination.hold_checklist if determination else []),
        "hold_due": timezone.localtime(hold_due_at) if hold_due_at else None,
        "hold_response_days": delegation.hold_response_days if delegation else None,
        "clinical_fax": settings.PORTAL_CLINICAL_FAX,
        "alternative": alternative,
        "alternative_plain": (
            (
                alternative.plain_description
                or f"{alternative.short_description} (code {alternative.code})"
            )
            if alternative
            else ""
        ),
        "accept_by": determination.alternative_accept_by if determination else None,
        "accept_days": ALTERNATIVE_ACCEPT_DAYS,
        "level_name": LEVEL_NAMES.get(kind, ""),
        "line_of_business": (delegation.line_of_business.name if delegation else ""),
        "rights": letter_rights(event, determination=determination, delegation=delegation),
    }


__all__ = [
    "REVIEW_KINDS",
    "case_letter_context",
    "letter_case_prefetches",
    "letter_context",
    "letter_filename",
    "letter_html_pdf",
    "letter_pdf_bytes",
    "letter_recipients",
    "letter_template_exists",
    "letter_template_name",
    "plain_description",
    "review_context",
]
