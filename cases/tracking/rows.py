"""A case as a row of Certification Summary (and its CSV) or of My Worklist: the text of each
cell and the row's links, made once in Python so a page of 100 rows renders in a few
milliseconds (the template only prints them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.urls import reverse
from django.utils import timezone

from cases.lookup.selectors import ACCEPTING_CLINICAL
from cases.models import Case

NO_AUTHORIZATION = "NA"
_ANY_ID = UUID(int=0)


def _date(value: dt.date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _submitted_day(case: Case) -> dt.date | None:
    return timezone.localtime(case.submitted_at).date() if case.submitted_at else None


def _name(person) -> str:
    return f"{person.last_name.upper()}, {person.first_name.upper()}" if person else ""


class _Links:
    """The URL of a case's page by string replacement in one reversed URL: a reverse() per row
    and link costs more than the rest of the row."""

    def __init__(self, name: str):
        self.pattern = reverse(name, kwargs={"public_id": _ANY_ID})

    def __call__(self, public_id: UUID) -> str:
        return self.pattern.replace(str(_ANY_ID), str(public_id))


def summary_cells(case: Case) -> list[str]:
    """The data columns of Certification Summary, as the screen shows them."""
    practitioner = case.practitioner
    return [
        case.authorization_number or NO_AUTHORIZATION,
        case.case_number or "",
        case.member.last_name if case.member else "",
        practitioner.last_name if practitioner else "",
        practitioner.npi if practitioner else "",
        case.get_status_display(),
        _date(_submitted_day(case)),
        getattr(case, "procedure_code", None) or "",
        getattr(case, "service_description", None) or "",
        case.site.name if case.site else "",
        _date(case.expiration_date),
    ]


@dataclass(frozen=True)
class SummaryRow:
    cells: list[str]
    case_number: str
    correspondence_url: str
    # Empty when the case takes no more clinical information.
    upload_url: str


def summary_rows(cases: Iterable[Case]) -> list[SummaryRow]:
    correspondence = _Links("cases:correspondence")
    upload = _Links("cases:upload-clinical")
    return [
        SummaryRow(
            cells=summary_cells(case),
            case_number=case.case_number or "",
            correspondence_url=correspondence(case.public_id),
            upload_url=upload(case.public_id) if case.status in ACCEPTING_CLINICAL else "",
        )
        for case in cases
    ]


@dataclass(frozen=True)
class WorklistRow:
    request_id: str
    url: str
    authorization_id: str
    patient: str
    status: str
    submitted: str
    end_date: str
    procedure: str
    ordering_provider: str
    site_of_service: str
    insurer: str


def worklist_rows(cases: Iterable[Case]) -> list[WorklistRow]:
    """My Worklist's rows; each Request ID leads to the case's authorization page."""
    authorization = _Links("cases:authorization")
    rows = []
    for case in cases:
        code = getattr(case, "procedure_code", None)
        description = getattr(case, "service_description", None) or ""
        rows.append(
            WorklistRow(
                request_id=case.case_number or "",
                url=authorization(case.public_id),
                authorization_id=case.authorization_number or "",
                patient=_name(case.member),
                status=case.get_status_display(),
                submitted=_date(_submitted_day(case)),
                end_date=_date(case.expiration_date),
                procedure=f"{code} {description}".strip() if code else "",
                ordering_provider=_name(case.practitioner),
                site_of_service=case.site.name if case.site else "",
                insurer=case.health_plan.name if case.health_plan else "",
            )
        )
    return rows
