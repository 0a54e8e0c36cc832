"""Submitted cases for Certification Summary and My Worklist: made directly in the database
(what SUBMIT CASE and the review leave behind), or through case_submit itself."""

import datetime as dt
import itertools
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone

from cases.models import Case, ProcedureLine
from tests.factories.eligibility import (
    MemberFactory,
    PractitionerFactory,
    ProcedureCodeFactory,
    SiteFactory,
)

_numbers = itertools.count(1)


def submitted(
    world,
    *,
    status=Case.Status.APPROVED,
    office=None,
    member=None,
    practitioner=None,
    site=None,
    code=None,
    submitted_at=None,
    case_number=None,
    authorization_number=None,
    expiration_date=None,
    user=None,
) -> Case:
    """A submitted radiology case of the world's office (or `office`), with its primary
    procedure line."""
    number = next(_numbers)
    submitted_at = submitted_at or timezone.now() - dt.timedelta(hours=number)
    approved = status in (Case.Status.APPROVED, Case.Status.PARTIALLY_APPROVED)
    case = Case.objects.create(
        office=office or world.office,
        created_by=user or world.user,
        program=world.radiology,
        status=status,
        practitioner=practitioner or world.practitioner,
        health_plan=world.plan,
        member=member or world.member,
        coverage=world.coverage,
        delegation=world.delegation,
        site=site or world.site,
        primary_diagnosis=world.r68_89,
        locked_at=submitted_at,
        submitted_at=submitted_at,
        attested_at=submitted_at,
        case_number=case_number or f"{430000000 + number}",
        authorization_number=(authorization_number or f"A{200000000 + number}")
        if approved
        else None,
        expiration_date=expiration_date
        if expiration_date is not None
        else ((submitted_at + dt.timedelta(days=45)).date() if approved else None),
        date_of_service=submitted_at.date() + dt.timedelta(days=7),
    )
    ProcedureLine.objects.create(case=case, position=1, procedure_code=code or world.knee_mri)
    return case


@pytest.fixture
def people(world):
    """Members, practitioners, sites and codes with names to filter and sort by."""
    return {
        "adams": MemberFactory(
            health_plan=world.plan, patient_id="EVG10000001", first_name="Ann", last_name="Adams"
        ),
        "zimmer": MemberFactory(
            health_plan=world.plan, patient_id="EVG10000002", first_name="Zoe", last_name="Zimmer"
        ),
        "baker": world.second_practitioner,
        "yates": PractitionerFactory(first_name="Yvonne", last_name="Yates", npi="1987654320"),
        "alpha_site": SiteFactory(name="Alpha Imaging", zip_code="37067"),
        "zulu_site": SiteFactory(name="Zulu Radiology", zip_code="37067"),
        "ct_head": ProcedureCodeFactory(code="70450", short_description="CT HEAD/BRAIN W/O DYE"),
    }


def filters_post(client, url, query, filter_names) -> str:
    """Post the filters in `query` as the list's filter form does (they are kept in the session)
    and return the rest of `query`, the address's part (sort, page...), as a query string."""
    params = QueryDict(query.lstrip("?"))
    filters = {name: params.getlist(name) for name in params if name in filter_names}
    address = {name: params.getlist(name) for name in params if name not in filter_names}
    response = client.post(url, filters)
    assert response.status_code == 302
    assert response["Location"].startswith(url)
    return "?" + urlencode(address, doseq=True) if address else ""
