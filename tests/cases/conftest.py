"""A small world for the wizard's tests: an office with two practitioners, Evergreen delegating
Radiology and Cardiology (73721 needs prior authorization, 71045 does not) for commercial
members, a covered member, ICD-10-CM codes and a site."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Membership
from cases.models import Case
from cases.wizard.drafts import draft_start
from tests.factories.accounts import MembershipFactory, OfficeFactory, OfficePractitionerFactory
from tests.factories.eligibility import (
    CoverageFactory,
    DelegationFactory,
    DiagnosisCodeFactory,
    HealthPlanFactory,
    LineOfBusinessFactory,
    MemberFactory,
    PractitionerAddressFactory,
    PractitionerFactory,
    PriorAuthRuleFactory,
    ProcedureCodeFactory,
    ProgramFactory,
    SiteFactory,
)


@dataclass
class World:
    office: object
    user: object
    outsider: object
    radiology: object
    msk: object
    dme: object
    plan: object
    other_plan: object
    delegation: object
    practitioner: object
    practitioner_address: object
    second_practitioner: object
    member: object
    coverage: object
    knee_mri: object
    chest_xray: object
    r68_89: object
    m25_561: object
    site: object


@pytest.fixture
def world(db) -> World:
    return world_build()


def world_build() -> World:
    office = OfficeFactory(name="Lakeside Family Medicine")
    user = MembershipFactory(
        office=office, role=Membership.Role.OFFICE_USER, user__username="office.user"
    ).user
    outsider = MembershipFactory(user__username="other.office").user
    commercial = LineOfBusinessFactory()
    radiology = ProgramFactory(code="radiology-cardiology", name="Radiology and Cardiology")
    msk = ProgramFactory(
        code="musculoskeletal", name="Musculoskeletal Management", offers_follow_on_cases=True
    )
    dme = ProgramFactory(code="dme", name="Durable Medical Equipment (DME)", is_equipment=True)
    plan = HealthPlanFactory(name="Evergreen Health Plan")
    other_plan = HealthPlanFactory(name="Prairie Mutual Health")
    delegation = DelegationFactory(health_plan=plan, program=radiology, line_of_business=commercial)
    for program in (msk, dme):
        DelegationFactory(health_plan=plan, program=program, line_of_business=commercial)
    practitioner = PractitionerFactory(first_name="Grace", last_name="Michael", npi="1234567893")
    practitioner_address = PractitionerAddressFactory(practitioner=practitioner)
    second_practitioner = PractitionerFactory(first_name="Alan", last_name="Baker")
    PractitionerAddressFactory(practitioner=second_practitioner)
    for linked in (practitioner, second_practitioner):
        OfficePractitionerFactory(office=office, practitioner=linked)
    member = MemberFactory(
        health_plan=plan,
        patient_id="EVG00000042",
        first_name="Jonathan",
        last_name="Winter",
        date_of_birth=dt.date(1982, 6, 28),
    )
    coverage = CoverageFactory(member=member, line_of_business=commercial)
    knee_mri = ProcedureCodeFactory(code="73721", short_description="MRI LOWER EXTREMITY JOINT W/O")
    chest_xray = ProcedureCodeFactory(code="71045", short_description="X-RAY EXAM CHEST 1 VIEW")
    for code in (knee_mri, chest_xray):
        code.programs.add(radiology)
    PriorAuthRuleFactory(
        delegation=delegation, procedure_code=chest_xray, requires_prior_authorization=False
    )
    r68_89 = DiagnosisCodeFactory(code="R68.89", description="Other general symptoms and signs")
    m25_561 = DiagnosisCodeFactory(code="M25.561", description="Pain in right knee")
    site = SiteFactory(name="Franklin Imaging Center", zip_code="37067", city="Franklin")
    return World(
        office=office,
        user=user,
        outsider=outsider,
        radiology=radiology,
        msk=msk,
        dme=dme,
        plan=plan,
        other_plan=other_plan,
        delegation=delegation,
        practitioner=practitioner,
        practitioner_address=practitioner_address,
        second_practitioner=second_practitioner,
        member=member,
        coverage=coverage,
        knee_mri=knee_mri,
        chest_xray=chest_xray,
        r68_89=r68_89,
        m25_561=m25_561,
        site=site,
    )


@pytest.fixture
def office_client(client, world):
    client.force_login(world.user)
    return client


@pytest.fixture
def outsider_client(client, world):
    client.force_login(world.outsider)
    return client


@pytest.fixture
def draft(world) -> Case:
    """A radiology draft just started."""
    return draft_start(user=world.user, program=world.radiology)


def fill_through(case: Case, world: World, last_step: str) -> Case:
    """Complete the draft's steps up to and including `last_step` directly in the database
    (what the earlier steps' POSTs would have saved), so a test starts at the step it tests."""
    from cases.models import ProcedureLine
    from cases.wizard import steps

    values = {
        "follow-on": {"build_kind": Case.BuildKind.NEW, "build_kind_chosen": True},
        "dme-role": {"dme_role": Case.DmeRole.REFERRING_PHYSICIAN},
        "provider": {"practitioner": world.practitioner},
        "insurer": {
            "health_plan": world.plan,
            "practitioner_address": world.practitioner_address,
        },
        "contact": {
            "contact_saved": True,
            "contact_provider_name": "Grace Michael, MD",
            "contact_name": "Pat Front Desk",
            "contact_fax": "6155484001",
            "contact_phone": "6155484000",
            "contact_email": "pat@lakeside.example",
            "notify_by_email": True,
        },
        "date-of-service": {
            "date_of_service": timezone.localdate() + dt.timedelta(days=7),
            "service_performed": False,
        },
        "patient": {
            "member": world.member,
            "coverage": world.coverage,
            "delegation": world.delegation,
            "patient_contact_saved": True,
            "patient_cell_phone": "6155550199",
        },
        "service": {"primary_diagnosis": world.r68_89, "is_bilateral": False},
        "confirm": {"service_confirmed": True},
        "site": {"site": world.site, "rendered_in_office": False, "place_of_service": "22"},
    }
    for step in steps.steps_for(case):
        for name, value in values.get(step.name, {}).items():
            setattr(case, name, value)
        if step.name == "service":
            case.save()
            ProcedureLine.objects.get_or_create(
                case=case, position=1, defaults={"procedure_code": world.knee_mri}
            )
        if step.name == last_step:
            break
    case.save()
    return Case.objects.get(pk=case.pk)
