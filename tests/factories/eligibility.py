"""Factories for the reference data: synthetic plans, people and codes only."""

import datetime

import factory

from eligibility import models
from eligibility.validators import npi_with_check_digit


class HealthPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.HealthPlan
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Evergreen Health Plan {n}")


class LineOfBusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LineOfBusiness
        django_get_or_create = ("kind",)

    kind = models.LineOfBusiness.Kind.COMMERCIAL
    name = factory.LazyAttribute(lambda o: models.LineOfBusiness.Kind(o.kind).label)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Program
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Delegation

    health_plan = factory.SubFactory(HealthPlanFactory)
    program = factory.SubFactory(ProgramFactory)
    line_of_business = factory.SubFactory(LineOfBusinessFactory)
    effective_from = datetime.date(2020, 1, 1)


class EligibilityMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EligibilityMessage

    delegation = factory.SubFactory(DelegationFactory)
    service = factory.Sequence(lambda n: f"Service {n}")
    message = "Precertification is Required"


class ProcedureCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProcedureCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{70000 + n}")
    kind = models.ProcedureCode.Kind.CPT
    short_description = factory.Sequence(lambda n: f"IMAGING STUDY {n}")


class PriorAuthRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PriorAuthRule

    delegation = factory.SubFactory(DelegationFactory)
    procedure_code = factory.SubFactory(ProcedureCodeFactory)


class DiagnosisCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.DiagnosisCode
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n // 100 % 100:02d}.{n % 100:02d}")
    description = factory.Sequence(lambda n: f"Other general symptom {n}")
    is_billable = True


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Member

    health_plan = factory.SubFactory(HealthPlanFactory)
    patient_id = factory.Sequence(lambda n: f"EVG{n:08d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1970, 5, 17)
    gender = models.Member.Gender.FEMALE
    address1 = factory.Faker("street_address")
    city = factory.Faker("city")
    state = "TN"
    zip_code = "37067"


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Coverage

    member = factory.SubFactory(MemberFactory)
    line_of_business = factory.SubFactory(LineOfBusinessFactory)
    member_code = "COM-PPO"
    effective_from = datetime.date(2020, 1, 1)


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Practitioner
        django_get_or_create = ("npi",)

    npi = factory.Sequence(lambda n: npi_with_check_digit(f"{100000000 + n}"))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credentials = "MD"
    specialty = "Family Medicine"
    tin = "621234567"
    phone = "6155484000"
    fax = "6155484001"


class PractitionerAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PractitionerAddress

    practitioner = factory.SubFactory(PractitionerFactory)
    address1 = factory.Sequence(lambda n: f"{100 + n} Cool Springs Blvd")
    city = "Franklin"
    state = "TN"
    zip_code = "37067"
    is_primary = True


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site

    npi = factory.Sequence(lambda n: npi_with_check_digit(f"{200000000 + n}"))
    tin = "627654321"
    name = factory.Sequence(lambda n: f"Riverside Imaging Center {n}")
    address1 = factory.Sequence(lambda n: f"{200 + n} Main Street")
    city = "Nashville"
    state = "TN"
    zip_code = "37203"
    phone = "6155550100"


class PlanContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PlanContact

    health_plan = factory.SubFactory(HealthPlanFactory)
    program = factory.SubFactory(ProgramFactory)
    phone = "8005550199"
    fax = "8005550198"


class ProgramResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgramResource

    program = factory.SubFactory(ProgramFactory)
    kind = models.ProgramResource.Kind.GUIDELINE
    title = factory.Sequence(lambda n: f"Clinical Guideline {n}")
    url = factory.Sequence(lambda n: f"https://guidelines.example.org/{n}")


class ClosureDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClosureDate

    date = factory.Sequence(lambda n: datetime.date(2026, 12, 24) + datetime.timedelta(days=n))
    reason = "Office closure"
