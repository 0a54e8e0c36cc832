import factory
from django.utils import timezone

from cases.models import Case, ProcedureLine
from cases.wizard.drafts import draft_expires_at
from tests.factories.accounts import MembershipFactory, OfficeFactory
from tests.factories.eligibility import ProcedureCodeFactory, ProgramFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """A draft of an office, its program chosen; tests fill in the steps they need."""

    class Meta:
        model = Case

    office = factory.SubFactory(OfficeFactory)
    created_by = factory.LazyAttribute(lambda case: MembershipFactory(office=case.office).user)
    program = factory.SubFactory(ProgramFactory)
    expires_at = factory.LazyFunction(lambda: draft_expires_at(timezone.now()))


class ProcedureLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureLine

    case = factory.SubFactory(CaseFactory)
    procedure_code = factory.SubFactory(ProcedureCodeFactory)
