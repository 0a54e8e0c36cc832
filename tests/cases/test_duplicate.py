"""Duplication: "Start a new request using the same: Program / Provider / Program and Provider /
Program and Health Plan" makes a new draft with only those answers."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.errors import CaseError
from cases.models import Case, StatusEvent
from cases.wizard import steps
from cases.wizard.drafts import draft_expires_at, draft_start
from cases.wizard.services.duplicate import (
    NO_SUCH_REQUEST,
    PLAN_GONE,
    PROVIDER_GONE,
    UNKNOWN_KEEP,
    case_duplicate,
)
from tests.cases.conftest import fill_through
from tests.factories.accounts import MembershipFactory

pytestmark = pytest.mark.django_db

PROVIDER = {"practitioner_id", "practitioner_address_id"}
PLAN = {"health_plan_id"}
# Every answer a duplicate could wrongly carry over.
ANSWERS = (
    "practitioner_id",
    "practitioner_address_id",
    "health_plan_id",
    "contact_saved",
    "contact_name",
    "contact_email",
    "date_of_service",
    "service_performed",
    "member_id",
    "coverage_id",
    "delegation_id",
    "patient_contact_saved",
    "patient_cell_phone",
    "primary_diagnosis_id",
    "is_bilateral",
    "service_confirmed",
    "site_id",
    "rendered_in_office",
    "place_of_service",
    "source_case_id",
    "build_kind_chosen",
    "dme_role",
    "locked_at",
)


def submitted(world, program=None):
    """A request through lock-in and submitted (status set directly until the submission issue
    makes it for real)."""
    case = fill_through(
        draft_start(user=world.user, program=program or world.radiology), world, "site"
    )
    case.locked_at = timezone.now()
    case.status = Case.Status.IN_REVIEW
    case.save()
    return case


def empty_answers():
    blank = Case()
    return {name: getattr(blank, name) for name in ANSWERS}


@pytest.mark.parametrize(
    ("keep", "copied"),
    [
        ("program", set()),
        ("provider", PROVIDER),
        ("program_provider", PROVIDER),
        ("program_plan", PLAN),
    ],
)
def test_a_duplicate_keeps_only_what_was_asked(world, keep, copied):
    source = submitted(world)
    before = Case.objects.filter(pk=source.pk).values().get()
    now = timezone.now()
    case = case_duplicate(user=world.user, source=source, keep=keep, now=now)
    case = Case.objects.get(pk=case.pk)
    assert case.pk != source.pk and case.public_id != source.public_id
    assert (case.office, case.created_by, case.status) == (world.office, world.user, "draft")
    assert case.program == world.radiology
    assert case.expires_at == draft_expires_at(now)
    (event,) = StatusEvent.objects.filter(case=case)
    assert (event.from_status, event.to_status, event.by) == ("", "draft", world.user)
    expected = empty_answers()
    for name in copied:
        expected[name] = getattr(source, name)
    assert {name: getattr(case, name) for name in ANSWERS} == expected
    assert not case.procedure_lines.exists()
    # The source is untouched.
    assert Case.objects.filter(pk=source.pk).values().get() == before
    assert source.procedure_lines.count() == 1


def test_the_duplicate_starts_at_the_first_step_not_kept(world):
    source = submitted(world)
    by_keep = {
        keep: steps.first_incomplete(case_duplicate(user=world.user, source=source, keep=keep)).name
        for keep in ("program", "program_provider", "program_plan")
    }
    assert by_keep == {
        "program": "provider",
        "program_provider": "insurer",
        "program_plan": "provider",
    }


def test_a_colleague_duplicates_for_the_office(world):
    colleague = MembershipFactory(office=world.office).user
    case = case_duplicate(user=colleague, source=submitted(world), keep="program_provider")
    assert (case.office, case.created_by) == (world.office, colleague)


def test_another_offices_request_is_refused(world):
    source = submitted(world)
    count = Case.objects.count()
    with pytest.raises(CaseError) as error:
        case_duplicate(user=world.outsider, source=source, keep="program")
    assert error.value.message == NO_SUCH_REQUEST
    assert Case.objects.count() == count


@pytest.mark.parametrize("keep", ["", "everything", "program,provider", "x" * 500])
def test_an_unknown_choice_is_refused(world, keep):
    source = submitted(world)
    with pytest.raises(CaseError) as error:
        case_duplicate(user=world.user, source=source, keep=keep)
    assert error.value.message == UNKNOWN_KEEP
    assert Case.objects.count() == 1


def test_a_provider_no_longer_on_the_account_is_refused(world):
    source = submitted(world)
    world.office.practitioner_links.filter(practitioner=world.practitioner).delete()
    with pytest.raises(CaseError) as error:
        case_duplicate(user=world.user, source=source, keep="provider")
    assert error.value.message == PROVIDER_GONE
    assert Case.objects.count() == 1
    # The program alone is still fine.
    assert case_duplicate(user=world.user, source=source, keep="program").practitioner_id is None


def test_a_plan_no_longer_delegating_the_program_is_refused(world):
    source = submitted(world)
    world.delegation.effective_to = dt.date.today() - dt.timedelta(days=1)
    world.delegation.save()
    with pytest.raises(CaseError) as error:
        case_duplicate(user=world.user, source=source, keep="program_plan")
    assert error.value.message == PLAN_GONE
    assert Case.objects.count() == 1


def test_a_draft_can_be_duplicated_too(draft, world):
    case = fill_through(draft, world, "insurer")
    duplicate = case_duplicate(user=world.user, source=case, keep="program_plan")
    assert duplicate.health_plan == world.plan and duplicate.practitioner_id is None


def test_a_dme_duplicate_keeps_the_dme_role_with_the_provider(world):
    source = submitted(world, program=world.dme)
    Case.objects.filter(pk=source.pk).update(dme_role=Case.DmeRole.DME_SUPPLIER)
    source.refresh_from_db()
    with_provider = case_duplicate(user=world.user, source=source, keep="program_provider")
    assert with_provider.dme_role == Case.DmeRole.DME_SUPPLIER
    assert with_provider.practitioner == world.practitioner
    # Answering the DME question again would clear the provider; it is already answered.
    assert steps.first_incomplete(Case.objects.get(pk=with_provider.pk)).name == "insurer"
    program_only = case_duplicate(user=world.user, source=source, keep="program")
    assert program_only.dme_role == ""
