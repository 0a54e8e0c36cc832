"""The program-specific steps: Musculoskeletal's "Attention!" (a date extension or continuing
care copies an approved case into the draft) and DME's referring physician or supplier."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import AccessEvent
from cases.errors import CaseError
from cases.models import Case, ProcedureLine
from cases.wizard import steps
from cases.wizard.drafts import StepNotReachable, draft_start, draft_step_open
from cases.wizard.forms.program_paths import (
    BUILD_KIND_REQUIRED,
    DME_ROLE_QUESTION,
    DME_ROLE_REQUIRED,
    FOLLOW_ON_NOTE,
    FOLLOW_ON_QUESTION,
    SOURCE_REQUIRED,
)
from cases.wizard.services.program_paths import (
    COPIED_FIELDS,
    SOURCE_REFUSED,
    follow_on_start_from,
)
from cases.wizard.views.common import FINISH_LATER_FIELD, FINISH_LATER_UNSAVED
from cases.wizard.views.program_paths import FOLLOW_ON_COPIED
from tests.cases.conftest import fill_through
from tests.factories.eligibility import (
    CoverageFactory,
    MemberFactory,
    ProcedureCodeFactory,
)

pytestmark = pytest.mark.django_db

NEW = Case.BuildKind.NEW
DATE_EXTENSION = Case.BuildKind.DATE_EXTENSION
CONTINUING_CARE = Case.BuildKind.CONTINUING_CARE
NO_APPROVED = "There are no approved cases to extend or continue."


def url(case, step):
    return reverse(f"cases:wizard-{step}", kwargs={"public_id": case.public_id})


@pytest.fixture
def msk_draft(world):
    return draft_start(user=world.user, program=world.msk)


@pytest.fixture
def dme_draft(world):
    return draft_start(user=world.user, program=world.dme)


def approved_case(world, *, user=None, program=None, **values):
    """An approved case made the quick way: a draft filled through the site step, its status
    set directly (the submission issue makes them for real)."""
    case = fill_through(
        draft_start(user=user or world.user, program=program or world.msk), world, "site"
    )
    for name, value in values.items():
        setattr(case, name, value)
    case.status = Case.Status.APPROVED
    case.save()
    return case


@pytest.fixture
def source(world):
    """An approved Musculoskeletal case whose every answer differs from a field's default."""
    physical_therapy = ProcedureCodeFactory(code="97110", short_description="THERAPEUTIC EXERCISES")
    case = approved_case(
        world,
        contact_phone_ext="12",
        contact_cell_phone="6155550100",
        notify_by_email=False,
        patient_email="jwinter@example.org",
        secondary_diagnosis=world.m25_561,
        is_bilateral=True,
        site_email="scheduling@franklin-imaging.example",
        date_of_service=dt.date(2026, 10, 1),
        service_performed=True,
        service_confirmed=True,
    )
    ProcedureLine.objects.filter(case=case).update(quantity_requested=12, modifiers="GP")
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=physical_therapy, quantity_requested=8
    )
    return Case.objects.get(pk=case.pk)


def post_follow_on(client, case, data):
    return client.post(url(case, "follow-on"), data)


def choose(client, case, source_id, kind=DATE_EXTENSION, **extra):
    data = {"build_kind": kind, "choosing_case": "1", "source_case": source_id, **extra}
    return post_follow_on(client, case, data)


# --- "Attention!" ---


def test_attention_asks_the_decks_question(office_client, msk_draft):
    page = office_client.get(url(msk_draft, "follow-on")).content.decode()
    assert "Attention!" in page
    assert FOLLOW_ON_QUESTION in page
    assert FOLLOW_ON_NOTE.replace('"', "&quot;") in page or FOLLOW_ON_NOTE in page
    for caption in ("Date Extension", "Continuing Care", "Continue to Build a New Case"):
        assert caption in page
    assert page.index("Date Extension") < page.index("Continuing Care")


def test_continue_to_build_a_new_case(office_client, msk_draft):
    response = post_follow_on(office_client, msk_draft, {"build_kind": NEW})
    assert response["Location"] == url(msk_draft, "provider")
    msk_draft.refresh_from_db()
    assert (msk_draft.build_kind, msk_draft.build_kind_chosen) == (NEW, True)
    assert msk_draft.source_case_id is None
    assert steps.first_incomplete(msk_draft).name == "provider"


@pytest.mark.parametrize("data", [{}, {"build_kind": "bogus"}, {"build_kind": "x" * 5000}])
def test_attention_without_a_valid_answer_says_so(office_client, msk_draft, data):
    response = post_follow_on(office_client, msk_draft, data)
    assert response.status_code == 200
    assert BUILD_KIND_REQUIRED in response.content.decode()
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen


def test_attention_only_for_programs_that_offer_it(office_client, draft):
    for method in ("get", "post"):
        response = getattr(office_client, method)(url(draft, "follow-on"), {"build_kind": NEW})
        assert response["Location"] == url(draft, "provider")
    draft.refresh_from_db()
    assert not draft.build_kind_chosen


def test_attention_is_404_for_another_office(outsider_client, msk_draft):
    assert outsider_client.get(url(msk_draft, "follow-on")).status_code == 404
    assert post_follow_on(outsider_client, msk_draft, {"build_kind": NEW}).status_code == 404
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen


def test_the_provider_step_waits_for_attention(msk_draft, world):
    with (
        pytest.raises(StepNotReachable) as error,
        draft_step_open(user=world.user, public_id=msk_draft.public_id, step_name="provider"),
    ):
        pass
    assert error.value.step.name == "follow-on"


@pytest.mark.parametrize("kind", [DATE_EXTENSION, CONTINUING_CARE])
def test_without_approved_cases_it_says_so_and_offers_a_new_case(
    office_client, msk_draft, world, kind
):
    # Not sources: an approved case of another program, a Musculoskeletal draft not approved.
    approved_case(world, program=world.radiology)
    fill_through(draft_start(user=world.user, program=world.msk), world, "site")
    page = post_follow_on(office_client, msk_draft, {"build_kind": kind}).content.decode()
    assert NO_APPROVED in page
    assert 'name="build_kind" value="new"' in page
    assert "Continue to Build a New Case" in page
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen
    # Its button builds a new case.
    post_follow_on(office_client, msk_draft, {"build_kind": NEW})
    msk_draft.refresh_from_db()
    assert msk_draft.build_kind_chosen and msk_draft.build_kind == NEW


@pytest.mark.parametrize("kind", [DATE_EXTENSION, CONTINUING_CARE])
def test_a_follow_on_answer_lists_the_offices_approved_cases(
    office_client, msk_draft, source, world, kind
):
    other_office = approved_case(world, user=world.outsider)
    other_member = MemberFactory(
        health_plan=world.plan, patient_id="OTH00000001", first_name="Zelda", last_name="Quill"
    )
    Case.objects.filter(pk=other_office.pk).update(member=other_member)
    page = post_follow_on(office_client, msk_draft, {"build_kind": kind}).content.decode()
    assert str(source.public_id) in page
    assert "WINTER, JONATHAN" in page
    assert "73721" in page
    assert "10/01/2026" in page
    assert str(other_office.public_id) not in page and "QUILL" not in page
    assert f'name="build_kind" value="{kind}"' in page
    # Nothing saved yet; the list of members is a read of patient data.
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen
    (event,) = AccessEvent.objects.filter(user=world.user)
    assert (event.action, event.member_id) == (AccessEvent.Action.LIST, world.member.pk)


def test_choosing_no_case_says_so(office_client, msk_draft, source):
    response = post_follow_on(
        office_client, msk_draft, {"build_kind": DATE_EXTENSION, "choosing_case": "1"}
    )
    assert SOURCE_REQUIRED in response.content.decode()
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen


@pytest.mark.parametrize("kind", [DATE_EXTENSION, CONTINUING_CARE])
def test_a_follow_on_copies_the_approved_case(office_client, msk_draft, source, world, kind):
    response = choose(office_client, msk_draft, str(source.public_id), kind)
    assert response["Location"] == url(msk_draft, "date-of-service")
    case = Case.objects.get(pk=msk_draft.pk)
    assert (case.build_kind, case.build_kind_chosen, case.source_case) == (kind, True, source)
    for name in COPIED_FIELDS:
        attname = Case._meta.get_field(name).attname
        assert getattr(case, attname) == getattr(source, attname), name
    # Every copied answer is a real one (the test would not see a missed field otherwise).
    assert case.secondary_diagnosis == world.m25_561 and case.is_bilateral
    assert case.contact_phone_ext == "12" and not case.notify_by_email
    assert case.patient_email == "jwinter@example.org"
    assert case.site_email == "scheduling@franklin-imaging.example"
    # The date of service is the user's to enter; the service is confirmed again after it.
    assert case.date_of_service is None and case.service_performed is None
    assert not case.service_confirmed and case.locked_at is None
    assert steps.first_incomplete(case).name == "date-of-service"
    # The procedure lines are new rows; the source keeps its own.
    copied = list(
        case.procedure_lines.values_list(
            "position",
            "procedure_code__code",
            "quantity_requested",
            "modifiers",
            "quantity_approved",
        )
    )
    assert copied == [(1, "73721", 12, "GP", None), (2, "97110", 8, "", None)]
    source_lines = set(source.procedure_lines.values_list("pk", flat=True))
    assert len(source_lines) == 2
    assert not source_lines & set(case.procedure_lines.values_list("pk", flat=True))
    # The source is untouched.
    before = Case.objects.filter(pk=source.pk).values().get()
    assert before["status"] == Case.Status.APPROVED
    assert before["date_of_service"] == dt.date(2026, 10, 1)


def test_the_copy_is_announced(office_client, msk_draft, source):
    response = choose(office_client, msk_draft, str(source.public_id))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [FOLLOW_ON_COPIED]


def test_attention_after_lock_in_goes_to_the_clinical_information(
    office_client, msk_draft, source, world
):
    case = fill_through(msk_draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=dt.datetime.now(tz=dt.UTC))
    response = choose(office_client, case, str(source.public_id))
    assert response["Location"] == url(case, "clinical")
    case.refresh_from_db()
    assert case.source_case_id is None and case.build_kind == NEW


def test_choosing_the_same_case_again_keeps_what_was_entered_since(
    office_client, msk_draft, source
):
    choose(office_client, msk_draft, str(source.public_id))
    Case.objects.filter(pk=msk_draft.pk).update(
        date_of_service=dt.date(2026, 12, 1), service_performed=False, contact_name="New Contact"
    )
    choose(office_client, msk_draft, str(source.public_id))
    case = Case.objects.get(pk=msk_draft.pk)
    assert case.date_of_service == dt.date(2026, 12, 1) and case.contact_name == "New Contact"
    assert case.procedure_lines.count() == 2


def test_another_kind_or_a_new_case_clears_what_depended_on_it(office_client, msk_draft, source):
    choose(office_client, msk_draft, str(source.public_id))
    Case.objects.filter(pk=msk_draft.pk).update(
        date_of_service=dt.date(2026, 12, 1), service_performed=False
    )
    post_follow_on(office_client, msk_draft, {"build_kind": NEW})
    case = Case.objects.get(pk=msk_draft.pk)
    assert (case.build_kind, case.source_case_id) == (NEW, None)
    assert case.date_of_service is None and case.member_id is None
    assert not case.procedure_lines.exists()


def _tampered_ids(world, source):
    other_office = approved_case(world, user=world.outsider)
    other_program = approved_case(world, program=world.radiology)
    not_approved = fill_through(draft_start(user=world.user, program=world.msk), world, "site")
    denied = approved_case(world)
    Case.objects.filter(pk=denied.pk).update(status=Case.Status.DENIED)
    return [
        str(other_office.public_id),
        str(other_program.public_id),
        str(not_approved.public_id),
        str(denied.public_id),
        str(source.pk),
        "not-a-uuid",
        "9" * 5000,
        "00000000-0000-0000-0000-000000000000",
    ]


def test_a_tampered_case_id_is_refused(office_client, msk_draft, source, world):
    for tampered in _tampered_ids(world, source):
        response = choose(office_client, msk_draft, tampered)
        assert response.status_code == 200, tampered
        assert SOURCE_REFUSED in response.content.decode(), tampered
        case = Case.objects.get(pk=msk_draft.pk)
        assert not case.build_kind_chosen and case.source_case_id is None
        assert case.member_id is None and not case.procedure_lines.exists()


def test_the_service_refuses_another_offices_case_itself(msk_draft, world):
    other_office = approved_case(world, user=world.outsider)
    with (
        pytest.raises(CaseError) as error,
        draft_step_open(
            user=world.user, public_id=msk_draft.public_id, step_name="follow-on"
        ) as locked,
    ):
        follow_on_start_from(
            case=locked, source_public_id=other_office.public_id, build_kind=DATE_EXTENSION
        )
    assert error.value.message == SOURCE_REFUSED
    msk_draft.refresh_from_db()
    assert msk_draft.source_case_id is None and msk_draft.practitioner_id is None


def test_the_service_refuses_a_new_case_as_a_follow_on(msk_draft, source, world):
    with (
        pytest.raises(CaseError),
        draft_step_open(
            user=world.user, public_id=msk_draft.public_id, step_name="follow-on"
        ) as locked,
    ):
        follow_on_start_from(case=locked, source_public_id=source.public_id, build_kind=NEW)


def test_choosing_a_case_is_404_for_another_office(outsider_client, msk_draft, source):
    assert choose(outsider_client, msk_draft, str(source.public_id)).status_code == 404
    msk_draft.refresh_from_db()
    assert msk_draft.source_case_id is None


def test_finish_later_saves_a_new_case_answer(office_client, msk_draft):
    response = post_follow_on(
        office_client, msk_draft, {"build_kind": NEW, FINISH_LATER_FIELD: "1"}
    )
    assert response["Location"] == reverse("cases:in-progress")
    msk_draft.refresh_from_db()
    assert msk_draft.build_kind_chosen


def test_finish_later_before_choosing_the_case_saves_nothing(office_client, msk_draft, source):
    response = post_follow_on(
        office_client, msk_draft, {"build_kind": DATE_EXTENSION, FINISH_LATER_FIELD: "1"}
    )
    assert response["Location"] == reverse("cases:in-progress")
    assert FINISH_LATER_UNSAVED in office_client.get(response["Location"]).content.decode()
    msk_draft.refresh_from_db()
    assert not msk_draft.build_kind_chosen


def test_finish_later_with_the_case_chosen_saves_the_copy(office_client, msk_draft, source):
    response = choose(office_client, msk_draft, str(source.public_id), **{FINISH_LATER_FIELD: "1"})
    assert response["Location"] == reverse("cases:in-progress")
    msk_draft.refresh_from_db()
    assert msk_draft.source_case == source and msk_draft.member_id == source.member_id


def _approved(world, count):
    for n in range(count):
        member = MemberFactory(health_plan=world.plan, patient_id=f"APR{n:08d}")
        CoverageFactory(member=member, line_of_business=world.coverage.line_of_business)
        approved_case(world, member=member)


QUERIES = 10


@pytest.mark.parametrize("count", [1, 30])
def test_the_approved_cases_take_the_same_few_queries(
    office_client, msk_draft, world, django_assert_max_num_queries, count
):
    _approved(world, count)
    with django_assert_max_num_queries(QUERIES):
        page = post_follow_on(office_client, msk_draft, {"build_kind": CONTINUING_CARE})
    assert page.content.decode().count('name="source_case"') == count


# --- DME: referring physician or durable medical equipment provider ---


def test_the_dme_question(office_client, dme_draft):
    page = office_client.get(url(dme_draft, "dme-role")).content.decode()
    assert DME_ROLE_QUESTION in page
    assert "Referring Physician" in page and "Durable Medical Equipment" in page
    assert "Only referring providers are allowed to order a case." in page


@pytest.mark.parametrize("role", [Case.DmeRole.REFERRING_PHYSICIAN, Case.DmeRole.DME_SUPPLIER])
def test_the_dme_role_is_saved(office_client, dme_draft, role):
    response = office_client.post(url(dme_draft, "dme-role"), {"dme_role": role})
    assert response["Location"] == url(dme_draft, "provider")
    dme_draft.refresh_from_db()
    assert dme_draft.dme_role == role


@pytest.mark.parametrize("data", [{}, {"dme_role": "nurse"}, {"dme_role": "r" * 5000}])
def test_the_dme_role_without_a_valid_answer_says_so(office_client, dme_draft, data):
    response = office_client.post(url(dme_draft, "dme-role"), data)
    assert response.status_code == 200
    assert DME_ROLE_REQUIRED in response.content.decode()
    dme_draft.refresh_from_db()
    assert dme_draft.dme_role == ""


def test_the_dme_role_with_finish_later_and_no_answer_saves_nothing(office_client, dme_draft):
    response = office_client.post(url(dme_draft, "dme-role"), {FINISH_LATER_FIELD: "1"})
    assert response["Location"] == reverse("cases:in-progress")
    dme_draft.refresh_from_db()
    assert dme_draft.dme_role == ""


def test_the_provider_step_waits_for_the_dme_role(dme_draft, world):
    with (
        pytest.raises(StepNotReachable) as error,
        draft_step_open(user=world.user, public_id=dme_draft.public_id, step_name="provider"),
    ):
        pass
    assert error.value.step.name == "dme-role"


def test_the_provider_page_before_the_dme_role_goes_to_it(office_client, dme_draft):
    response = office_client.get(url(dme_draft, "provider"))
    assert response["Location"] == url(dme_draft, "dme-role")


def test_the_provider_page_before_attention_goes_to_it(office_client, msk_draft):
    response = office_client.get(url(msk_draft, "provider"))
    assert response["Location"] == url(msk_draft, "follow-on")


def test_another_dme_role_clears_the_provider_and_insurer(office_client, dme_draft, world):
    case = fill_through(dme_draft, world, "contact")
    assert case.dme_role == Case.DmeRole.REFERRING_PHYSICIAN
    office_client.post(url(case, "dme-role"), {"dme_role": Case.DmeRole.DME_SUPPLIER})
    case.refresh_from_db()
    assert case.dme_role == Case.DmeRole.DME_SUPPLIER
    assert case.practitioner_id is None and case.health_plan_id is None
    assert not case.contact_saved


def test_the_same_dme_role_again_clears_nothing(office_client, dme_draft, world):
    case = fill_through(dme_draft, world, "contact")
    office_client.post(url(case, "dme-role"), {"dme_role": Case.DmeRole.REFERRING_PHYSICIAN})
    case.refresh_from_db()
    assert case.practitioner == world.practitioner and case.contact_saved


@pytest.mark.parametrize("program", ["radiology", "msk"])
def test_the_dme_question_only_for_equipment(office_client, world, program):
    case = draft_start(user=world.user, program=getattr(world, program))
    response = office_client.post(
        url(case, "dme-role"), {"dme_role": Case.DmeRole.REFERRING_PHYSICIAN}
    )
    expected = "provider" if program == "radiology" else "follow-on"
    assert response["Location"] == url(case, expected)
    case.refresh_from_db()
    assert case.dme_role == ""


def test_the_dme_question_is_404_for_another_office(outsider_client, dme_draft):
    assert outsider_client.get(url(dme_draft, "dme-role")).status_code == 404
    response = outsider_client.post(
        url(dme_draft, "dme-role"), {"dme_role": Case.DmeRole.REFERRING_PHYSICIAN}
    )
    assert response.status_code == 404
    dme_draft.refresh_from_db()
    assert dme_draft.dme_role == ""


def test_the_dme_question_after_lock_in_goes_to_the_clinical_information(
    office_client, dme_draft, world
):
    case = fill_through(dme_draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=dt.datetime.now(tz=dt.UTC))
    response = office_client.post(url(case, "dme-role"), {"dme_role": Case.DmeRole.DME_SUPPLIER})
    assert response["Location"] == url(case, "clinical")
    case.refresh_from_db()
    assert case.dme_role == Case.DmeRole.REFERRING_PHYSICIAN
