"""Submitted demo cases of the demo office, so that Certification Summary, My Worklist,
Authorization Lookup and the post-decision options have something to show on a fresh
`make run`: one case for each status an office sees. Synthetic: the documented demo members and
the office's own practitioners; the numbers come from the portal's sequences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Office, User
from cases.letters.services import letters_queue
from cases.models import Case, ProcedureLine, StatusEvent
from cases.models.case import AdditionalInfo
from eligibility.models import (
    Coverage,
    Delegation,
    DiagnosisCode,
    Member,
    PractitionerAddress,
    ProcedureCode,
    Program,
    Site,
)

PROGRAM = "radiology-cardiology"
DIAGNOSIS = "R68.89"


@dataclass(frozen=True)
class DemoCase:
    status: str
    patient_id: str
    code: str
    submitted_days_ago: int
    service_in_days: int
    reason: str


DEMO_CASES = (
    DemoCase(Case.Status.APPROVED, "EVG100001", "73721", 3, 7, "Submitted: criteria met"),
    DemoCase(Case.Status.IN_REVIEW, "EVG100001", "72148", 1, 10, "Submitted: sent to review"),
    DemoCase(Case.Status.HOLD, "EVG100003", "73721", 4, 12, "Additional information required"),
    DemoCase(Case.Status.DENIED, "EVG100001", "72148", 6, 14, "Denied: criteria not met"),
    DemoCase(Case.Status.DENIED, "EVG100003", "72148", 8, 9, "Denied: criteria not met"),
    DemoCase(Case.Status.CANCELLED, "EVG100003", "73721", 10, 5, "Cancelled: duplicate"),
)


def _sequence_next(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [name])
        return cursor.fetchone()[0]


@transaction.atomic
def demo_cases_load(*, office: Office, user: User, now: dt.datetime | None = None) -> int:
    """Idempotent: nothing when the office has submitted cases already. Returns how many
    cases were made (none when the reference data they need is missing)."""
    if Case.objects.filter(office=office, submitted_at__isnull=False).exists():
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    program = Program.objects.filter(code=PROGRAM).first()
    diagnosis = DiagnosisCode.objects.filter(code=DIAGNOSIS).first()
    address = (
        PractitionerAddress.objects.select_related("practitioner")
        .filter(is_primary=True, practitioner__office_links__office=office)
        .order_by("practitioner__npi")
        .first()
    )
    site = Site.objects.filter(is_active=True).order_by("npi").first()
    if None in (program, diagnosis, address, site):
        return 0
    made = 0
    for demo in DEMO_CASES:
        member = Member.objects.filter(patient_id=demo.patient_id).first()
        coverage = (
            Coverage.objects.select_related("line_of_business")
            .filter(member=member, effective_from__lte=today)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
            .first()
        )
        code = ProcedureCode.objects.filter(code=demo.code).first()
        if member is None or coverage is None or code is None:
            continue
        delegation = (
            Delegation.objects.filter(
                health_plan=member.health_plan,
                program=program,
                line_of_business=coverage.line_of_business,
                effective_from__lte=today,
            )
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=today))
            .first()
        )
        if delegation is None:
            continue
        _case_make(
            demo,
            office=office,
            user=user,
            now=now,
            program=program,
            address=address,
            member=member,
            coverage=coverage,
            delegation=delegation,
            diagnosis=diagnosis,
            code=code,
            site=site,
        )
        made += 1
    return made


def _case_make(demo: DemoCase, *, office, user, now, address, code, **related) -> Case:
    submitted = now - dt.timedelta(days=demo.submitted_days_ago)
    practitioner = address.practitioner
    case = Case.objects.create(
        office=office,
        created_by=user,
        status=demo.status,
        practitioner=practitioner,
        practitioner_address=address,
        health_plan=related["member"].health_plan,
        contact_saved=True,
        contact_provider_name=f"{practitioner.first_name} {practitioner.last_name}",
        contact_name="Pat Front Desk",
        contact_phone=office.phone,
        contact_fax=office.fax,
        contact_email=user.email,
        notify_by_email=True,
        date_of_service=timezone.localdate(now) + dt.timedelta(days=demo.service_in_days),
        service_performed=False,
        patient_contact_saved=True,
        service_confirmed=True,
        rendered_in_office=False,
        place_of_service=related["site"].place_of_service,
        locked_at=submitted,
        is_routine=True,
        urgency_done=True,
        additional_info=AdditionalInfo.NONE,
        attested_at=submitted,
        submitted_at=submitted,
        case_number=str(_sequence_next("cases_case_number_seq")),
        **{name: value for name, value in related.items() if name != "diagnosis"},
        primary_diagnosis=related["diagnosis"],
    )
    ProcedureLine.objects.create(case=case, position=1, procedure_code=code)
    decided = submitted + dt.timedelta(days=1)
    if demo.status == Case.Status.APPROVED:
        case.authorization_number = f"A{_sequence_next('cases_authorization_number_seq')}"
        case.review_date = timezone.localdate(submitted)
        case.expiration_date = case.review_date + dt.timedelta(
            days=related["delegation"].validity_days
        )
        case.procedure_lines.update(quantity_approved=1)
    elif demo.status in (Case.Status.IN_REVIEW, Case.Status.HOLD):
        case.due_at = submitted + dt.timedelta(days=related["delegation"].standard_decision_days)
        case.review_level = Case.ReviewLevel.INITIAL
        if demo.status == Case.Status.HOLD:
            case.hold_due_at = decided + dt.timedelta(days=related["delegation"].hold_response_days)
    else:
        case.review_date = timezone.localdate(decided)
    case.save()
    StatusEvent.objects.create(
        case=case, from_status="", to_status=Case.Status.DRAFT, by=user, at=submitted
    )
    first = Case.Status.APPROVED if demo.status == Case.Status.APPROVED else Case.Status.IN_REVIEW
    event = StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.DRAFT,
        to_status=first,
        by=user,
        at=submitted,
        reason="Submitted",
    )
    if demo.status != first:
        event = StatusEvent.objects.create(
            case=case,
            from_status=first,
            to_status=demo.status,
            at=decided,
            reason=demo.reason,
        )
    # Its letters are made by the worker (`make run` starts one), as for any determination.
    letters_queue(event)
    return case


__all__ = ["DEMO_CASES", "demo_cases_load"]
