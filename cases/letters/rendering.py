"""A letter as a PDF: the template of its kind and recipient, filled with the case's data and
rendered by WeasyPrint from that page alone (it fetches nothing: no file, no network).

A kind has a letter for a recipient only when its template exists:
templates/cases/letters/pdf/<kind>_<recipient>.html (approval_provider.html, …). The review issue
adds denial, partial approval, hold and the others by adding their templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from cases.models import Case, Letter, ProcedureLine, StatusEvent
from cases.pdf import pdf_from_html


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
    """One procedure of the letter: its code, descriptions and quantities."""

    code: str
    description: str
    plain_description: str
    quantity_requested: int
    quantity_approved: int | None
    modifiers: str


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


def letter_context(event: StatusEvent, kind: str, recipient: str) -> dict:
    """What a letter shows. `event.case` comes with its member, practitioner and address,
    site, plan and program, and its procedure lines with their codes (one query each)."""
    case = event.case
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
        "event": event,
        "kind": kind,
        "kind_label": Letter.Kind(kind).label,
        "recipient": recipient,
        "letter_date": timezone.localtime(event.at).date(),
        "member": case.member,
        "practitioner": case.practitioner,
        "practitioner_address": address,
        "provider_fax": case.contact_fax or (address.fax if address else ""),
        "site": _site(case),
        "lines": lines,
        "review_date": case.review_date,
        "expiration_date": case.expiration_date,
    }


def letter_pdf_bytes(event: StatusEvent, kind: str, recipient: str) -> bytes:
    """The letter as a PDF, rendered from its template alone (it fetches nothing)."""
    html = render_to_string(
        letter_template_name(kind, recipient), letter_context(event, kind, recipient)
    )
    return pdf_from_html(html)


def letter_filename(letter: Letter) -> str:
    """A safe name for the browser: the kind and the case number, no patient data."""
    kind = letter.kind.replace("_", "-")
    return f"{kind}-letter-{letter.case.case_number or 'case'}.pdf"


__all__ = [
    "letter_context",
    "letter_filename",
    "letter_pdf_bytes",
    "letter_recipients",
    "letter_template_exists",
    "letter_template_name",
    "plain_description",
]
