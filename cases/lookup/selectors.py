"""Reads of Authorization Lookup: the office's submitted cases found by number and NPI or by
member information, the result page of one case, and the case Upload Additional Clinical
writes to.

Every read starts from cases_for_user (the office's own cases) and keeps only submitted cases
whose ordering provider is still linked to the office (accounts.OfficePractitioner): a case of
another office, a draft, an unknown number, an NPI not linked or a member that does not match
all find nothing, in the same single query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from uuid import UUID

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from cases.models import Case, ProcedureLine, StatusEvent
from cases.post_decision.alternative import open_alternative_attach
from cases.selectors import cases_for_user
from eligibility.models import HealthPlan
from p2p.status import p2p_status_text, with_p2p_status

# A member search without a number lists at most this many cases, newest first.
LOOKUP_LIST_LIMIT = 50
# While a case can take more clinical information: pending (medical review) or on hold.
ACCEPTING_CLINICAL = (Case.Status.IN_REVIEW, Case.Status.HOLD)
APPROVED_STATUSES = (Case.Status.APPROVED, Case.Status.PARTIALLY_APPROVED)
NOT_AVAILABLE = "NA"


def _submitted_for_office(user: User) -> QuerySet[Case]:
    """The office's submitted cases whose ordering provider is linked to the office."""
    return cases_for_user(user).filter(
        submitted_at__isnull=False,
        practitioner__office_links__office_id=F("office_id"),
    )


@dataclass(frozen=True)
class FoundCase:
    """A case a lookup found: what the list of several shows, and the member the access log
    names."""

    pk: int
    public_id: UUID
    member_id: int | None
    case_number: str
    authorization_number: str | None
    status: str
    date_of_service: dt.date | None
    # The primary procedure's code: read only for a list of several.
    primary_code: str = ""

    @property
    def status_label(self) -> str:
        return Case.Status(self.status).label


_FOUND_COLUMNS = (
    "pk",
    "public_id",
    "member_id",
    "case_number",
    "authorization_number",
    "status",
    "date_of_service",
)


def _found(cases: QuerySet[Case], *, limit: int) -> list[FoundCase]:
    """The cases' columns, newest first, in one query (plain rows: a lookup is on the hot
    path); for several, their primary procedure codes in a second."""
    rows = cases.order_by("-submitted_at", "-pk").values_list(*_FOUND_COLUMNS)[:limit]
    found = [FoundCase(*row) for row in rows]
    if len(found) > 1:
        codes = dict(
            ProcedureLine.objects.filter(case_id__in=[case.pk for case in found], position=1)
            .order_by()
            .values_list("case_id", "procedure_code__code")
        )
        found = [replace(case, primary_code=codes.get(case.pk, "")) for case in found]
    return found


def cases_by_number_for(*, user: User, npi: str, number: str) -> list[FoundCase]:
    """ "Search by Authorization Number/ NPI": the case whose authorization number or case
    number is `number` and whose ordering provider has `npi` (one at most)."""
    found = _submitted_for_office(user).filter(
        Q(case_number=number) | Q(authorization_number=number), practitioner__npi=npi
    )
    return _found(found, limit=1)


def cases_by_member_for(
    *,
    user: User,
    health_plan: HealthPlan,
    npi: str,
    patient_id: str,
    date_of_birth: dt.date,
    case_number: str = "",
    authorization_number: str = "",
) -> list[FoundCase]:
    """ "Search by Member Information": the cases of the plan's member with this patient ID
    and date of birth ordered by the provider with `npi`, narrowed to the case or
    authorization number when one is given; newest first, LOOKUP_LIST_LIMIT + 1 at most (the
    caller says when there are more)."""
    found = _submitted_for_office(user).filter(
        member__health_plan=health_plan,
        member__patient_id=patient_id,
        member__date_of_birth=date_of_birth,
        practitioner__npi=npi,
    )
    if case_number:
        found = found.filter(case_number=case_number)
    if authorization_number:
        found = found.filter(authorization_number=authorization_number)
    return _found(found, limit=LOOKUP_LIST_LIMIT + 1)


# What the result page shows of the case itself (a case row has some sixty columns).
_RESULT_FIELDS = (
    "public_id",
    "member_id",
    "case_number",
    "authorization_number",
    "status",
    "expiration_date",
    "updated_at",
    "rendered_in_office",
    "place_of_service",
    "site__name",
)


def case_for_authorization(*, user: User, public_id: UUID) -> Case:
    """The office's submitted case as its Authorization Lookup result shows it, with when it
    was approved (one query) and, denied, its open alternative recommendation (one more).
    Raises Case.DoesNotExist for a draft or another office's case."""
    approved_at = (
        StatusEvent.objects.filter(case=OuterRef("pk"), to_status__in=APPROVED_STATUSES)
        .order_by("-at", "-pk")
        .values("at")[:1]
    )
    case = with_p2p_status(
        cases_for_user(user)
        .filter(submitted_at__isnull=False)
        .select_related("site")
        .only(*_RESULT_FIELDS)
        .annotate(approved_at=Subquery(approved_at))
    ).get(public_id=public_id)
    open_alternative_attach(case)
    return case


def procedure_lines_of(case: Case) -> list[ProcedureLine]:
    """The case's procedure lines with their codes, in order (one query, however many)."""
    return list(
        ProcedureLine.objects.filter(case_id=case.pk)
        .select_related("procedure_code")
        .order_by("position")
    )


def case_for_upload(*, user: User, public_id: UUID) -> Case:
    """The office's submitted case for Upload Additional Clinical, with its program (the
    upload limit). Raises Case.DoesNotExist for a draft or another office's case."""
    return (
        cases_for_user(user)
        .filter(submitted_at__isnull=False)
        .select_related("program")
        .get(public_id=public_id)
    )


def clinical_accepted(case: Case) -> bool:
    """UPLOAD ADDITIONAL CLINICAL is offered while the case is pending or on hold."""
    return case.status in ACCEPTING_CLINICAL


@dataclass(frozen=True)
class ProcedureRow:
    """One row of the result's Procedures table."""

    code: str
    description: str
    quantity_requested: int
    quantity_approved: int | str
    modifiers: str


@dataclass(frozen=True)
class AuthorizationResult:
    """The result page's values, as the decks show them."""

    case: Case
    authorization_number: str
    status: str
    approval_date: dt.datetime | None
    service_code: str
    service_description: str
    site_name: str
    procedures: list[ProcedureRow]
    accepts_clinical: bool
    p2p_status: str


def authorization_result(case: Case, lines: list[ProcedureLine]) -> AuthorizationResult:
    """The values of a case read by case_for_authorization and its lines (procedure_lines_of),
    with no further query."""
    primary = next((line for line in lines if line.position == 1), lines[0] if lines else None)
    approved = case.status in APPROVED_STATUSES
    return AuthorizationResult(
        case=case,
        authorization_number=case.authorization_number or NOT_AVAILABLE,
        status=case.get_status_display(),
        approval_date=getattr(case, "approved_at", None) if approved else None,
        service_code=primary.procedure_code.code if primary else "",
        service_description=primary.procedure_code.short_description if primary else "",
        site_name=site_name_of(case),
        procedures=[_procedure_row(case, line) for line in lines],
        accepts_clinical=clinical_accepted(case),
        p2p_status=p2p_status_text(case),
    )


def _procedure_row(case: Case, line: ProcedureLine) -> ProcedureRow:
    code = line.procedure_code
    return ProcedureRow(
        code=code.code,
        # The plain-language description where the code has one (the decks' "a special kind
        # of picture of your lower back"), else its short description.
        description=code.plain_description or code.short_description,
        quantity_requested=line.quantity_requested,
        quantity_approved=quantity_approved_shown(case, line),
        modifiers=line.modifiers,
    )


def quantity_approved_shown(case: Case, line: ProcedureLine) -> int | str:
    """Qty Approved: the line's decision when recorded; else all of it for an approved case
    (approved as requested), none for a denied one, nothing while undecided."""
    if line.quantity_approved is not None:
        return line.quantity_approved
    if case.status == Case.Status.APPROVED:
        return line.quantity_requested
    if case.status == Case.Status.DENIED:
        return 0
    return ""


def site_name_of(case: Case) -> str:
    """Site Name as the summary shows it: the site found by search, the requesting provider's
    office (11 - Office), or the member's home (12 - Home)."""
    if case.site is not None:
        return case.site.name
    if case.rendered_in_office:
        return "The requesting provider's office (11 - Office)"
    if case.place_of_service == "12":
        return "The member's home (12 - Home)"
    return ""


__all__ = [
    "ACCEPTING_CLINICAL",
    "APPROVED_STATUSES",
    "LOOKUP_LIST_LIMIT",
    "NOT_AVAILABLE",
    "AuthorizationResult",
    "FoundCase",
    "ProcedureRow",
    "authorization_result",
    "case_for_authorization",
    "case_for_upload",
    "procedure_lines_of",
    "cases_by_member_for",
    "cases_by_number_for",
    "clinical_accepted",
    "quantity_approved_shown",
    "site_name_of",
]
