"""`manage.py seed_demo`: the demo data a newcomer sees after `make run`."""

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OfficePractitioner, User
from cases.models import Case
from eligibility.demo import DEMO_PASSWORD, SEED
from eligibility.demo.bulk import demo_people_load_large
from eligibility.demo.people import demo_members
from eligibility.demo.population import pools_build
from eligibility.demo.reference import reference_data_load
from eligibility.models import (
    ClosureDate,
    Coverage,
    Delegation,
    DiagnosisCode,
    EligibilityMessage,
    HealthPlan,
    LineOfBusiness,
    Member,
    PlanContact,
    Practitioner,
    PractitionerAddress,
    PriorAuthRule,
    ProcedureCode,
    Program,
    ProgramResource,
    Site,
)
from eligibility.validators import npi_is_valid
from tests.factories.eligibility import DiagnosisCodeFactory, ProcedureCodeFactory

pytestmark = pytest.mark.django_db

DOCUMENTED = 7
SMALL_MEMBERS = 200 + DOCUMENTED


@pytest.fixture
def code_sets_loaded(db):
    """Stand-ins for the full ICD-10-CM and HCPCS tables, so seed_demo does not load 98,000
    codes in every test; test_code_sets_are_loaded_when_empty covers that path."""
    DiagnosisCodeFactory(code="R68.89", description="Other general symptoms and signs")
    ProcedureCodeFactory(code="A0021", kind=ProcedureCode.Kind.HCPCS, short_description="AMBULANCE")


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        HealthPlan,
        LineOfBusiness,
        Program,
        Delegation,
        EligibilityMessage,
        PlanContact,
        ProgramResource,
        ClosureDate,
        ProcedureCode,
        PriorAuthRule,
        Member,
        Coverage,
        Practitioner,
        PractitionerAddress,
        Site,
        User,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_small_scale_loads_the_documented_counts(code_sets_loaded):
    seed("--scale", "small")

    loaded = counts()
    assert loaded["HealthPlan"] == 4
    assert loaded["LineOfBusiness"] == 3
    assert loaded["Member"] == SMALL_MEMBERS
    assert loaded["Practitioner"] == 60
    assert loaded["Site"] == 40
    assert not Member.objects.filter(coverages__isnull=True).exists()
    assert Practitioner.objects.filter(addresses__is_primary=True).distinct().count() == 60
    today = timezone.localdate()
    covered = Member.objects.filter(coverages__effective_from__lte=today).exclude(
        coverages__effective_to__lt=today
    )
    assert 0.6 * SMALL_MEMBERS < covered.distinct().count() < SMALL_MEMBERS
    assert Coverage.objects.filter(effective_to__lt=today).exists()
    assert Coverage.objects.filter(effective_from__gt=today).exists()
    kinds = set(Coverage.objects.values_list("line_of_business__kind", flat=True))
    assert kinds == {"commercial", "medicare", "medicaid"}


def test_programs_follow_the_decks_list_with_radiology_first(code_sets_loaded):
    seed("--scale", "small")

    names = list(Program.objects.values_list("name", flat=True))
    assert len(names) == 10
    assert names[0] == "Radiology and Cardiology"
    assert "Durable Medical Equipment (DME)" in names
    assert "Radiation Therapy Management Program (RTMP)" in names
    assert set(LineOfBusiness.objects.values_list("name", flat=True)) == {
        "Commercial",
        "Medicare Advantage",
        "Medicaid",
    }


def test_delegations_carry_the_decks_rules_and_messages(code_sets_loaded):
    seed("--scale", "small")

    evergreen = HealthPlan.objects.get(name="Evergreen Health Plan")
    radiology = Delegation.objects.get(
        health_plan=evergreen,
        program__code="radiology-cardiology",
        line_of_business__kind="commercial",
    )
    assert radiology.validity_days == 45
    assert radiology.reconsideration_allowed
    assert list(radiology.eligibility_messages.values_list("service", "message")) == [
        ("Radiology", "Precertification is Required"),
        ("Cardiology", "Medical necessity determination required."),
    ]
    assert set(
        Delegation.objects.filter(program__code="dme").values_list("validity_days", flat=True)
    ) == {180}
    assert set(
        Delegation.objects.filter(program__code="medical-oncology").values_list(
            "validity_days", flat=True
        )
    ) == {240}
    assert (
        not Delegation.objects.exclude(line_of_business__kind="commercial")
        .filter(reconsideration_allowed=True)
        .exists()
    )
    msk = EligibilityMessage.objects.filter(delegation__program__code="musculoskeletal").first()
    assert (msk.service, msk.message) == ("MSM Pain Mgt", "Precertification is Required")
    medicaid_only = HealthPlan.objects.get(name="Lakeshore Community Health")
    assert medicaid_only.delegations.count() < radiology.health_plan.delegations.count()
    # Not every plan delegates every program.
    assert not Delegation.objects.filter(
        health_plan=medicaid_only, program__code="medical-oncology"
    ).exists()


def test_contacts_resources_and_closure_dates_are_fictional_and_complete(code_sets_loaded):
    seed("--scale", "small")

    delegated = set(Delegation.objects.values_list("health_plan_id", "program_id"))
    contacts = PlanContact.objects.all()
    assert set(contacts.values_list("health_plan_id", "program_id")) == delegated
    for contact in contacts:
        assert contact.phone[3:8] == "55501" and len(contact.phone) == 10
        assert contact.fax[3:8] == "55501" and len(contact.fax) == 10
    assert all(
        url.startswith("https://guidelines.example.org/")
        for url in ProgramResource.objects.values_list("url", flat=True)
    )
    assert set(
        ProgramResource.objects.filter(health_plan=None).values_list("program_id", flat=True)
    ) == set(Program.objects.values_list("pk", flat=True))
    assert set(ClosureDate.objects.values_list("date", flat=True)) == {
        datetime.date(2026, 11, 27),
        datetime.date(2026, 12, 24),
    }


def test_procedure_codes_have_our_descriptions_and_rules(code_sets_loaded):
    seed("--scale", "small")

    mri = ProcedureCode.objects.get(code="72148")
    assert mri.kind == ProcedureCode.Kind.CPT
    assert mri.short_description == "MRI LUMBAR SPINE W/O CONTRAST"
    assert mri.plain_description.startswith("Magnetic Resonance Imaging (MRI)")
    assert set(
        ProcedureCode.objects.filter(kind=ProcedureCode.Kind.GROUP).values_list("code", flat=True)
    ) == {"SPINE", "JOINT", "PAIN", "DME"}
    assert ProcedureCode.objects.get(code="J9271").programs.get().code == "medical-oncology"
    assert not ProcedureCode.objects.filter(code__in=["72148", "E0601"], plain_description="")
    not_required = set(
        PriorAuthRule.objects.filter(requires_prior_authorization=False).values_list(
            "delegation__health_plan__name", "procedure_code__code"
        )
    )
    assert not_required == {("Evergreen Health Plan", "93000"), ("Prairie Mutual Health", "95800")}
    assert PriorAuthRule.objects.filter(requires_prior_authorization=True).count() > 200


def test_documented_demo_members_answer_the_eligibility_lookup_as_documented(
    code_sets_loaded, client
):
    seed("--scale", "small")
    client.force_login(User.objects.get(username="office"))
    today = timezone.localdate()

    for demo in demo_members(today):
        plan = HealthPlan.objects.get(name=demo.plan)
        response = client.post(
            "/eligibility/",
            {
                "health_plan": plan.pk,
                "patient_id": demo.patient_id,
                "date_of_birth": f"{demo.date_of_birth:%m/%d/%Y}",
            },
        )
        page = response.content.decode()
        assert response.status_code == 200
        if demo.is_covered_on(today):
            assert "Eligibility:" in page, demo.patient_id
        else:
            assert "Eligibility:" not in page, demo.patient_id
            assert "coverage with this plan" in page, demo.patient_id

    assert demo_members(today)[0].patient_id == "EVG100001"
    assert demo_members(today)[0].is_covered_on(today)
    assert not demo_members(today)[1].is_covered_on(today)
    dana = Member.objects.get(patient_id="EVG100001")
    assert dana.date_of_birth == datetime.date(1968, 4, 12)
    assert dana.coverages.get().line_of_business.kind == "commercial"


def test_the_command_prints_the_demo_members_and_log_ins(code_sets_loaded):
    output = seed("--scale", "small")

    assert "EVG100001" in output and "04/12/1968" in output
    assert "EVG100002" in output
    assert DEMO_PASSWORD in output


def test_demo_log_ins_use_the_documented_password(code_sets_loaded):
    seed("--scale", "small")

    request = RequestFactory().post("/accounts/login/")
    office = authenticate(request, username="office", password=DEMO_PASSWORD)
    admin = authenticate(request, username="admin", password=DEMO_PASSWORD)
    assert office is not None and not office.is_staff
    assert admin is not None and admin.is_superuser


def test_seeding_twice_gives_the_same_counts(code_sets_loaded):
    seed("--scale", "small")
    first = counts()

    seed("--scale", "small")

    assert counts() == first


def test_if_empty_does_nothing_once_plans_exist(code_sets_loaded):
    assert "Created" in seed("--scale", "small", "--if-empty")
    first = counts()
    Member.objects.filter(patient_id="LKS100001").delete()

    output = seed("--scale", "small", "--if-empty")

    assert "already loaded" in output
    assert counts() == {**first, "Member": first["Member"] - 1, "Coverage": first["Coverage"] - 1}


def test_every_practitioner_and_site_npi_is_valid(code_sets_loaded):
    seed("--scale", "small")

    npis = list(Practitioner.objects.values_list("npi", flat=True))
    npis += list(Site.objects.values_list("npi", flat=True))
    assert len(npis) == 100
    assert all(npi_is_valid(npi) for npi in npis)


def test_same_seed_gives_the_same_people_in_an_emptied_database(code_sets_loaded):
    def people():
        members = Member.objects.values_list(
            "health_plan__name", "patient_id", "last_name", "date_of_birth"
        )
        return sorted(members), sorted(Practitioner.objects.values_list("npi", "last_name"))

    seed("--scale", "small")
    first = people()
    Case.objects.all().delete()  # the demo cases refer to the people
    OfficePractitioner.objects.all().delete()
    Coverage.objects.all().delete()
    Member.objects.all().delete()
    Practitioner.objects.all().delete()
    Site.objects.all().delete()
    HealthPlan.objects.all().delete()
    assert Member.objects.count() == 0

    seed("--scale", "small")

    assert people() == first
    assert len(first[0]) == SMALL_MEMBERS


def test_another_seed_gives_other_people(code_sets_loaded):
    seed("--scale", "small")
    default_names = set(Member.objects.values_list("last_name", "date_of_birth"))
    Case.objects.all().delete()  # the demo cases refer to the people
    OfficePractitioner.objects.all().delete()
    Coverage.objects.all().delete()
    Member.objects.all().delete()

    seed("--scale", "small", "--seed", str(SEED + 1))

    assert set(Member.objects.values_list("last_name", "date_of_birth")) != default_names


def test_large_loader_copies_members_with_coverage_and_can_be_repeated(code_sets_loaded):
    """The COPY path of --scale large, at a size a test can afford."""
    reference = reference_data_load()
    today = timezone.localdate()
    load = {
        "reference": reference,
        "pools": pools_build(SEED),
        "seed": SEED,
        "today": today,
        "members": 500,
        "practitioners": 40,
        "sites": 30,
        "log": lambda line: None,
    }

    loaded = demo_people_load_large(**load)

    assert loaded is not None
    assert Member.objects.count() == 500
    assert Member.objects.filter(patient_id="EVG200000001").exists()
    assert not Member.objects.filter(coverages__isnull=True).exists()
    assert 500 <= Coverage.objects.count() <= 1000
    assert Practitioner.objects.count() == 40
    assert PractitionerAddress.objects.filter(is_primary=True).count() == 40
    assert Site.objects.count() == 30
    assert all(npi_is_valid(npi) for npi in Practitioner.objects.values_list("npi", flat=True))
    assert all(npi_is_valid(npi) for npi in Site.objects.values_list("npi", flat=True))
    # The ids were reserved from the sequence: the ORM can insert after the copied rows.
    Member.objects.create(
        health_plan=reference.plans["Prairie Mutual Health"],
        patient_id="PRM999999",
        first_name="Ada",
        last_name="Quill",
        date_of_birth=datetime.date(1980, 1, 1),
        gender="F",
        address1="1 Test Way",
        city="Franklin",
        state="TN",
        zip_code="37064",
    )
    assert demo_people_load_large(**load) is None
    assert Member.objects.count() == 501


def test_code_sets_are_loaded_when_empty(db):
    assert not DiagnosisCode.objects.exists()

    seed("--scale", "small")

    assert DiagnosisCode.objects.filter(code="M25.561", is_billable=True).exists()
    assert ProcedureCode.objects.filter(kind=ProcedureCode.Kind.HCPCS).count() > 10


def test_office_login_administers_the_demo_practice_with_providers(code_sets_loaded):
    seed("--scale", "small")
    membership = Membership.objects.select_related("office").get(user__username="office")
    assert membership.role == Membership.Role.OFFICE_ADMIN
    assert membership.office.name == "Lakeside Family Medicine"
    assert membership.office.practitioner_links.count() == 3
    seed("--scale", "small")
    assert OfficePractitioner.objects.count() == 3


def test_the_demo_pathways_are_loaded_with_the_programs_flags(code_sets_loaded):
    from cases.models import Pathway

    output = seed("--scale", "small")

    assert "Clinical pathways: 7 loaded." in output
    names = set(Pathway.objects.values_list("name", flat=True))
    assert "MRI Lower Extremity Joint (73721)" in names and len(names) == 7
    assert Program.objects.get(code="musculoskeletal").offers_follow_on_cases
    assert Program.objects.get(code="dme").is_equipment
    seed("--scale", "small")
    assert Pathway.objects.count() == 7


def test_the_demo_office_has_one_submitted_case_of_each_status(code_sets_loaded):

    output = seed("--scale", "small")

    assert "Submitted demo cases of the demo office: 6." in output
    cases = Case.objects.filter(office__name="Lakeside Family Medicine")
    assert set(cases.values_list("status", flat=True)) == {
        "approved",
        "in_review",
        "hold",
        "denied",
        "cancelled",
    }
    approved = cases.get(status="approved")
    assert approved.authorization_number and approved.case_number
    assert approved.expiration_date > approved.review_date
    assert approved.procedure_lines.get().procedure_code.code == "73721"
    assert list(approved.status_events.values_list("to_status", flat=True)) == [
        "draft",
        "approved",
    ]
    denied = cases.filter(status="denied").first()
    assert denied.status_events.last().from_status == "in_review"
    # Seeding again makes no second set.
    seed("--scale", "small")
    assert cases.count() == 6


def test_the_demo_reviewers_see_the_demo_offices_pending_cases_in_their_queue(
    code_sets_loaded, client
):
    seed("--scale", "small")
    nurse = User.objects.get(username="nurse")
    director = User.objects.get(username="director")
    assert nurse.reviewer_role == "nurse_reviewer" and nurse.is_review_lead
    assert director.reviewer_role == "medical_director" and not director.is_review_lead
    assert nurse.review_programs.count() == Program.objects.count() > 0
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="nurse", password=DEMO_PASSWORD) == nurse

    client.force_login(nurse)
    page = client.get(reverse("cases:review-queue")).content.decode()
    for case in Case.objects.filter(status__in=["in_review", "hold"]):
        assert case.case_number in page
        assert case.review_level == "initial"
    assert "Hold (due" in page


def test_the_demo_director_holds_p2ps_the_demo_office_can_book(code_sets_loaded):
    from p2p.models import ReviewingPhysician

    seed("--scale", "small")
    physician = ReviewingPhysician.objects.get(user__username="director")
    assert sorted(physician.weekly_hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert physician.specialties.get().programs.count() == Program.objects.count()
    # Seeding again makes no second one.
    seed("--scale", "small")
    assert ReviewingPhysician.objects.count() == 1
