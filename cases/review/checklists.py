"""What a hold ("Additional Information Required") can ask the office for: the clinical
information the decks list (deck 002's "Clinical Information Needed", deck 001's conservative
care and injection responses) and the DME deck's "Required Medical information checklist",
word for word. The reviewer ticks the items; the hold letter lists their labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cases.errors import CaseError


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


@dataclass(frozen=True)
class ChecklistGroup:
    title: str
    items: tuple[ChecklistItem, ...]


GENERAL = ChecklistGroup(
    "Clinical information",
    (
        ChecklistItem("office_notes", "Recent office visit notes / clinical notes"),
        ChecklistItem("history_physical", "A relevant history and physical examination"),
        ChecklistItem("clinical_summary", "A relevant summary of the patient's clinical condition"),
        ChecklistItem("imaging_reports", "Imaging reports relevant to the requested services"),
        ChecklistItem("pathology_reports", "Pathology reports relevant to the requested services"),
        ChecklistItem("lab_results", "Laboratory results relevant to the requested services"),
        ChecklistItem("indication", "The indication for the specified procedure"),
        ChecklistItem(
            "conservative_treatment",
            "Conservative treatment tried and its dates (for example exercise, physical "
            "therapy, chiropractic care, NSAIDs or analgesics, with the number of weeks)",
        ),
        ChecklistItem(
            "prior_injection_response", "The response to prior interventional pain injections"
        ),
        ChecklistItem("treatment_plan", "The treatment plan"),
    ),
)

# The DME deck's "Required Medical information checklist", in its order and words.
DME = ChecklistGroup(
    "Durable Medical Equipment",
    (
        ChecklistItem("dme_prescription", "Written prescription"),
        ChecklistItem("dme_cmn", "Certificate of medical necessity (CMN)"),
        ChecklistItem("dme_request_form", "Preauthorization request form"),
        ChecklistItem(
            "dme_office_notes",
            "Most recent office visit notes (for most requests, must be within last 3 months)",
        ),
        ChecklistItem("dme_invoice", "Current detailed invoice listing all requested equipment"),
        ChecklistItem(
            "dme_diagnosis",
            "Diagnosis (if part of discharge plan, include the admitting diagnosis)",
        ),
        ChecklistItem(
            "dme_history",
            "Patient history and physical exam findings, progress notes, wound or "
            "incision/location",
        ),
        ChecklistItem(
            "dme_rental_purchase", "Rental vs Purchase and Quantity requested (if applicable)"
        ),
        ChecklistItem("dme_previous_use", "Has the patient previously used this/these item(s)"),
        ChecklistItem("dme_vendor", "DME vendor/site"),
    ),
)

HOLD_CHECKLIST_GROUPS: tuple[ChecklistGroup, ...] = (GENERAL, DME)
HOLD_CHECKLIST: dict[str, str] = {
    item.key: item.label for group in HOLD_CHECKLIST_GROUPS for item in group.items
}

UNKNOWN_ITEM = "Please choose the items of the checklist shown."


def hold_checklist_groups(*, equipment: bool = False) -> tuple[ChecklistGroup, ...]:
    """The checklist as the hold form shows it: the DME deck's items first for an equipment
    program (Program.is_equipment), after the clinical information otherwise."""
    return (DME, GENERAL) if equipment else HOLD_CHECKLIST_GROUPS


def hold_checklist_choices(*, equipment: bool = False) -> list[tuple[str, list[tuple[str, str]]]]:
    """The same, as grouped choices for a form field (MultipleChoiceField(choices=...))."""
    return [
        (group.title, [(item.key, item.label) for item in group.items])
        for group in hold_checklist_groups(equipment=equipment)
    ]


def hold_checklist_labels(keys: Iterable[str]) -> list[str]:
    """The labels of the chosen items, in the checklist's order, each once. Raises CaseError
    for anything that is not one of its keys."""
    chosen = set()
    for key in keys:
        if not isinstance(key, str) or key not in HOLD_CHECKLIST:
            raise CaseError(UNKNOWN_ITEM, field="checklist")
        chosen.add(key)
    return [label for key, label in HOLD_CHECKLIST.items() if key in chosen]


__all__ = [
    "DME",
    "GENERAL",
    "HOLD_CHECKLIST",
    "HOLD_CHECKLIST_GROUPS",
    "UNKNOWN_ITEM",
    "ChecklistGroup",
    "ChecklistItem",
    "hold_checklist_choices",
    "hold_checklist_groups",
    "hold_checklist_labels",
]
