import factory

from accounts.models import Membership, Office, OfficePractitioner, User
from tests.factories.eligibility import PractitionerFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Cool Springs Family Practice {n}")
    address1 = factory.Sequence(lambda n: f"{730 + n} Cool Springs Blvd")
    city = "Franklin"
    state = "TN"
    zip_code = "37067"
    phone = "6155484000"
    fax = "6155484001"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Membership.Role.OFFICE_USER


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class OfficePractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficePractitioner

    office = factory.SubFactory(OfficeFactory)
    practitioner = factory.SubFactory(PractitionerFactory)
