"""Requested Service + Diagnosis and "Confirm your service selection.": the program's codes,
the procedure search and diagnosis LOOKUPs (htmx and without JavaScript), the billable-code
rules, the code that needs no prior authorization, and what each POST leaves in the draft."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from cases.models import Case, ProcedureLine, StatusEvent
from cases.wizard import steps
from cases.wizard.drafts import draft_start
from tests.cases.conftest import fill_through
from tests.factories.eligibility import (
    DiagnosisCodeFactory,
    PriorAuthRuleFactory,
    ProcedureCodeFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(case, step):
    return reverse(f"cases:wizard-{step}", kwargs={"public_id": case.public_id})


@pytest.fixture
def at_service(draft, world):
    return fill_through(draft, world, "patient")


@pytest.fixture
def at_confirm(draft, world):
    return fill_through(draft, world, "service")


@pytest.fixture
def r68(world):
    """A category: in ICD-10-CM, not billable."""
    return DiagnosisCodeFactory(
        code="R68", description="Other general symptoms and signs", is_billable=False
    )


@pytest.fixture
def brain_mri(world):
    code = ProcedureCodeFactory(code="70551", short_description="MRI BRAIN STEM W/O DYE")
    code.programs.add(world.radiology)
    return code


def valid(**overrides):
    data = {
        "procedure_code": "73721",
        "primary_diagnosis": "R68.89",
        "secondary_diagnosis": "",
        "is_bilateral": "no",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def line_codes(case):
    return list(
        ProcedureLine.objects.filter(case=case).values_list(
            "position", "procedure_code__code", "quantity_requested"
        )
    )


# --- Requested Service + Diagnosis: the page ---


def test_service_page_shows_the_deck_screen(office_client, at_service, world):
    page = office_client.get(url(at_service, "service")).content.decode()
    assert "Requested Service + Diagnosis" in page
    assert "This procedure has not been performed." in page
    assert f'href="{url(at_service, "date-of-service")}"' in page
    assert "Radiology and Cardiology Procedures" in page
    assert "Select a Primary Procedure by CPT Code or Description" in page
    assert "73721 MRI LOWER EXTREMITY JOINT W/O" in page
    assert "Don't see your procedure code or type of service?" in page
    assert f'href="{reverse("portal:resources")}">Click here</a>' in page
    assert "Select a Primary Diagnosis Code (Lookup by Code or Description)" in page
    assert "Trouble selecting diagnosis code? Please follow these steps" in page
    assert "Select a Secondary Diagnosis Code (Lookup by Code or Description)" in page
    assert "Secondary diagnosis is optional for Radiology and Cardiology" in page
    assert (
        "Is this a request for a bilateral procedure of a previously requested authorization?"
        in page
    )
    assert page.count(">LOOKUP</button>") == 2
    assert AccessEvent.objects.filter(
        subject_type=AccessEvent.SubjectType.CASE, subject_id=str(at_service.pk)
    ).exists()


def test_service_page_lists_only_the_programs_active_codes(office_client, at_service, world):
    retired = ProcedureCodeFactory(code="73700", short_description="CT LOWER EXTREMITY W/O DYE")
    retired.programs.add(world.radiology)
    retired.is_active = False
    retired.save()
    spine = ProcedureCodeFactory(code="22612", short_description="LUMBAR SPINE FUSION")
    spine.programs.add(world.msk)
    page = office_client.get(url(at_service, "service")).content.decode()
    assert 'value="73721"' in page and 'value="71045"' in page
    assert 'value="73700"' not in page and 'value="22612"' not in page


def test_service_page_says_when_the_procedure_was_performed(office_client, at_service):
    Case.objects.filter(pk=at_service.pk).update(
        service_performed=True, date_of_service=dt.date(2026, 3, 9)
    )
    page = office_client.get(url(at_service, "service")).content.decode()
    assert "This procedure was performed on 03/09/2026." in page


def test_service_page_shows_the_saved_answers(office_client, at_confirm, world):
    Case.objects.filter(pk=at_confirm.pk).update(secondary_diagnosis=world.m25_561)
    page = office_client.get(url(at_confirm, "service")).content.decode()
    assert '<option value="73721" selected>' in page
    assert 'value="R68.89"' in page and 'value="M25.561"' in page
    assert 'id="id_is_bilateral_no" value="no" checked' in page


def test_a_program_with_one_code_comes_with_it_selected(office_client, world):
    dme_code = ProcedureCodeFactory(code="DME", short_description="DURABLE MEDICAL EQUIPMENT")
    dme_code.programs.add(world.dme)
    case = fill_through(draft_start(user=world.user, program=world.dme), world, "patient")
    page = office_client.get(url(case, "service")).content.decode()
    assert "Durable Medical Equipment (DME) Procedures" in page
    assert '<option value="DME" selected>' in page


# --- saving ---


def test_valid_service_saves_the_line_and_diagnoses(office_client, at_service, world):
    response = office_client.post(
        url(at_service, "service"),
        valid(primary_diagnosis="r6889", secondary_diagnosis="m25.561", is_bilateral="yes"),
    )
    assert response.status_code == 302
    assert response["Location"] == url(at_service, "confirm")
    case = Case.objects.get(pk=at_service.pk)
    assert line_codes(case) == [(1, "73721", 1)]
    assert case.primary_diagnosis == world.r68_89
    assert case.secondary_diagnosis == world.m25_561
    assert case.is_bilateral is True
    assert not case.service_confirmed
    assert steps.BY_NAME["service"].is_complete(Case.objects.get(pk=case.pk))


def test_a_new_procedure_replaces_line_one_and_asks_for_confirmation_again(
    office_client, draft, world, brain_mri
):
    case = fill_through(draft, world, "confirm")
    response = office_client.post(url(case, "service"), valid(procedure_code="70551"))
    assert response["Location"] == url(case, "confirm")
    case.refresh_from_db()
    assert line_codes(case) == [(1, "70551", 1)]
    assert not case.service_confirmed
    assert case.primary_diagnosis == world.r68_89


def test_a_new_secondary_diagnosis_asks_for_confirmation_again(office_client, draft, world):
    case = fill_through(draft, world, "confirm")
    office_client.post(url(case, "service"), valid(secondary_diagnosis="M25.561"))
    case.refresh_from_db()
    assert case.secondary_diagnosis == world.m25_561 and not case.service_confirmed


def test_saving_the_same_service_keeps_what_followed(office_client, draft, world):
    case = fill_through(draft, world, "site")
    response = office_client.post(url(case, "service"), valid())
    # The confirmation and the site stay: CONTINUE goes on to the first step not complete.
    assert response["Location"] == url(case, "proceed")
    case.refresh_from_db()
    assert case.service_confirmed and case.site == world.site
    assert line_codes(case) == [(1, "73721", 1)]


def test_secondary_diagnosis_is_required_where_the_program_says_so(
    office_client, at_service, world
):
    world.radiology.secondary_diagnosis_required = True
    world.radiology.save()
    page = office_client.get(url(at_service, "service")).content.decode()
    assert "Secondary diagnosis is required for Radiology and Cardiology" in page
    response = office_client.post(url(at_service, "service"), valid())
    assert response.status_code == 200
    assert "Please select a secondary diagnosis code" in response.content.decode()
    assert line_codes(at_service) == []
    response = office_client.post(url(at_service, "service"), valid(secondary_diagnosis="M25.561"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (valid(procedure_code=None), "Please select a primary procedure."),
        (valid(procedure_code=""), "Please select a primary procedure."),
        (
            valid(procedure_code="22612"),
            "Please choose a Radiology and Cardiology procedure from the list.",
        ),
        (
            valid(procedure_code="73700"),
            "Please choose a Radiology and Cardiology procedure from the list.",
        ),
        (
            valid(procedure_code="7" * 5000),
            "Please choose a Radiology and Cardiology procedure from the list.",
        ),
        (valid(procedure_code="73721\x00"), "Null characters are not allowed."),
        (valid(primary_diagnosis=""), "Please select a primary diagnosis code."),
        (valid(primary_diagnosis=None), "Please select a primary diagnosis code."),
        (
            valid(primary_diagnosis="R68"),
            "R68 is a category, not a billable code: choose a more specific code.",
        ),
        (
            valid(primary_diagnosis="Z99.999"),
            "Z99.999 is not an ICD-10-CM code: use LOOKUP to find the right one.",
        ),
        (
            valid(primary_diagnosis="knee pain"),
            "Enter an ICD-10-CM code such as M25.561, or use LOOKUP to find one.",
        ),
        (
            valid(primary_diagnosis="M" * 5000),
            "Enter an ICD-10-CM code such as M25.561, or use LOOKUP to find one.",
        ),
        (
            valid(primary_diagnosis="R68.89\x00"),
            "Null characters are not allowed.",
        ),
        (
            valid(secondary_diagnosis="R68"),
            "R68 is a category, not a billable code: choose a more specific code.",
        ),
        (
            valid(secondary_diagnosis="r68.89"),
            "The secondary diagnosis must be different from the primary diagnosis.",
        ),
        (valid(is_bilateral=None), "Please answer YES or NO."),
        (valid(is_bilateral="maybe"), "Please answer YES or NO."),
    ],
)
def test_bad_service_input_is_refused_next_to_its_field(
    office_client, at_service, world, r68, data, message
):
    retired = ProcedureCodeFactory(code="73700")
    retired.programs.add(world.radiology)
    retired.is_active = False
    retired.save()
    ProcedureCodeFactory(code="22612").programs.add(world.msk)
    response = office_client.post(url(at_service, "service"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    assert "invalid-feedback" in page
    case = Case.objects.get(pk=at_service.pk)
    assert line_codes(case) == []
    assert case.primary_diagnosis_id is None and case.is_bilateral is None


def test_bad_input_keeps_what_was_typed(office_client, at_service, r68):
    response = office_client.post(
        url(at_service, "service"), valid(primary_diagnosis="R68", is_bilateral="yes")
    )
    page = response.content.decode()
    assert '<option value="73721" selected>' in page
    assert 'value="R68"' in page
    assert 'id="id_is_bilateral_yes" value="yes" checked' in page


def test_finish_later_saves_a_valid_service(office_client, at_service, world):
    response = office_client.post(url(at_service, "service"), valid(finish_later="1"))
    assert response["Location"] == reverse("cases:in-progress")
    assert line_codes(at_service) == [(1, "73721", 1)]


def test_finish_later_with_bad_input_saves_nothing(office_client, at_service):
    response = office_client.post(
        url(at_service, "service"), valid(primary_diagnosis="", finish_later="1")
    )
    assert response["Location"] == reverse("cases:in-progress")
    assert line_codes(at_service) == []
    assert Case.objects.get(pk=at_service.pk).primary_diagnosis_id is None


# --- a code that needs no prior authorization ---


def test_a_code_that_needs_no_prior_authorization_ends_the_request(
    office_client, at_service, world
):
    response = office_client.post(url(at_service, "service"), valid(procedure_code="71045"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Prior authorization is not required for 71045 X-RAY EXAM CHEST 1 VIEW for this "
        "member's plan." in page
    )
    assert f'href="{reverse("cases:start")}"' in page
    assert not Case.objects.filter(pk=at_service.pk).exists()
    assert not ProcedureLine.objects.exists()
    assert not StatusEvent.objects.filter(case_id=at_service.pk).exists()
    # The draft is gone: its pages are 404s now.
    assert office_client.get(url(at_service, "service")).status_code == 404


def test_the_code_alone_decides_prior_authorization(office_client, at_service):
    response = office_client.post(
        url(at_service, "service"), valid(procedure_code="71045", primary_diagnosis="")
    )
    assert "Prior authorization is not required" in response.content.decode()
    assert not Case.objects.filter(pk=at_service.pk).exists()


def test_the_rule_of_another_delegation_does_not_apply(office_client, at_service, world):
    # Under world.delegation 71045 needs no review; another plan's rule for 73721 is not ours.
    PriorAuthRuleFactory(procedure_code=world.knee_mri, requires_prior_authorization=False)
    response = office_client.post(url(at_service, "service"), valid())
    assert response.status_code == 302
    assert line_codes(at_service) == [(1, "73721", 1)]


def test_a_code_whose_rule_requires_prior_authorization_is_saved(
    office_client, at_service, world, brain_mri
):
    PriorAuthRuleFactory(
        delegation=world.delegation, procedure_code=brain_mri, requires_prior_authorization=True
    )
    response = office_client.post(url(at_service, "service"), valid(procedure_code="70551"))
    assert response.status_code == 302
    assert line_codes(at_service) == [(1, "70551", 1)]


# --- the procedure search ---


def test_procedure_search_answers_in_place(office_client, at_service):
    response = office_client.post(
        url(at_service, "service"), {"lookup": "procedure", "q": "737"}, **HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="service-procedure-choices"' in page
    assert 'value="73721"' in page and 'value="71045"' not in page
    page = office_client.post(
        url(at_service, "service"), {"lookup": "procedure", "q": "chest view"}, **HTMX
    ).content.decode()
    assert 'value="71045"' in page and 'value="73721"' not in page


def test_procedure_search_keeps_the_chosen_code(office_client, at_service):
    page = office_client.post(
        url(at_service, "service"),
        {"lookup": "procedure", "q": "chest", "procedure_code": "73721"},
        **HTMX,
    ).content.decode()
    assert '<option value="73721" selected>' in page and 'value="71045"' in page


def test_procedure_search_that_matches_nothing_says_so(office_client, at_service):
    page = office_client.post(
        url(at_service, "service"), {"lookup": "procedure", "q": "zzz%_"}, **HTMX
    ).content.decode()
    assert "No Radiology and Cardiology procedure matches" in page


def test_procedure_search_without_javascript_keeps_the_form(office_client, at_service):
    response = office_client.post(
        url(at_service, "service"),
        {"lookup": "procedure", "q": "737", "primary_diagnosis": "R68.89", "is_bilateral": "no"},
    )
    page = response.content.decode()
    assert "<html" in page and 'value="73721"' in page and 'value="71045"' not in page
    assert 'value="R68.89"' in page and 'id="id_is_bilateral_no" value="no" checked' in page
    assert "invalid-feedback" not in page
    assert line_codes(at_service) == []


def test_procedure_search_queries_do_not_grow_with_the_code_set(
    office_client, at_service, world, django_assert_max_num_queries
):
    for number in range(150):
        ProcedureCodeFactory(code=f"7{number:04d}").programs.add(world.radiology)
    # Session, user, device, membership, office; the draft (2); the codes; the chosen code.
    with django_assert_max_num_queries(9):
        page = office_client.post(
            url(at_service, "service"),
            {"lookup": "procedure", "q": "7", "procedure_code": "73721"},
            **HTMX,
        ).content.decode()
    assert page.count("<option") == 101  # the first 100 and the chosen code
    assert "Showing the first 100 codes" in page


def test_service_page_queries_are_pinned(
    office_client, at_confirm, world, django_assert_max_num_queries
):
    for number in range(150):
        ProcedureCodeFactory(code=f"7{number:04d}").programs.add(world.radiology)
    with django_assert_max_num_queries(12):
        response = office_client.get(url(at_confirm, "service"))
    assert response.status_code == 200


# --- the diagnosis LOOKUP ---


def test_diagnosis_lookup_answers_in_place_with_billable_codes(office_client, at_service, r68):
    response = office_client.post(
        url(at_service, "service"), {"lookup": "primary", "primary_diagnosis": "R68"}, **HTMX
    )
    page = response.content.decode()
    assert "<html" not in page
    assert 'name="pick_primary" value="R68.89"' in page
    assert 'value="R68"' not in page
    page = office_client.post(
        url(at_service, "service"),
        {"lookup": "secondary", "secondary_diagnosis": "knee"},
        **HTMX,
    ).content.decode()
    assert 'name="pick_secondary" value="M25.561"' in page
    assert 'data-diagnosis-fill="id_secondary_diagnosis"' in page


def test_diagnosis_lookup_that_matches_nothing_says_so(office_client, at_service):
    page = office_client.post(
        url(at_service, "service"),
        {"lookup": "primary", "primary_diagnosis": "xylophone"},
        **HTMX,
    ).content.decode()
    assert "No billable diagnosis code matches" in page
    page = office_client.post(
        url(at_service, "service"), {"lookup": "primary", "primary_diagnosis": ""}, **HTMX
    ).content.decode()
    assert "then click LOOKUP" in page


def test_diagnosis_lookup_queries_do_not_grow_with_the_code_set(
    office_client, at_service, django_assert_max_num_queries
):
    for number in range(60):
        DiagnosisCodeFactory(code=f"M25.{number:02d}", description=f"Pain in joint {number}")
    # Session, user, device, membership, office; the draft (2); the codes.
    with django_assert_max_num_queries(8):
        page = office_client.post(
            url(at_service, "service"),
            {"lookup": "primary", "primary_diagnosis": "pain"},
            **HTMX,
        ).content.decode()
    assert page.count('name="pick_primary"') == 20


def test_picking_a_code_without_javascript_fills_its_box(office_client, at_service):
    response = office_client.post(
        url(at_service, "service"),
        {
            "procedure_code": "73721",
            "primary_diagnosis": "knee",
            "pick_primary": "M25.561",
            "is_bilateral": "yes",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_primary_diagnosis" class="form-control" value="M25.561"' in page
    assert '<option value="73721" selected>' in page
    assert line_codes(at_service) == [] and Case.objects.get(pk=at_service.pk).is_bilateral is None


def test_lookup_without_javascript_shows_the_list_under_its_box(office_client, at_service):
    page = office_client.post(
        url(at_service, "service"), {"lookup": "primary", "primary_diagnosis": "knee"}
    ).content.decode()
    assert "<html" in page and 'name="pick_primary" value="M25.561"' in page


# --- Confirm your service selection. ---


def test_confirm_page_shows_the_selection(office_client, at_confirm, world):
    Case.objects.filter(pk=at_confirm.pk).update(
        date_of_service=dt.date(2026, 12, 1), secondary_diagnosis=world.m25_561
    )
    page = office_client.get(url(at_confirm, "confirm")).content.decode()
    assert "Confirm your service selection." in page
    for text in (
        "Procedure Date:",
        "12/01/2026",
        "CPT Code:",
        "73721",
        "Description:",
        "MRI LOWER EXTREMITY JOINT W/O",
        "Primary Diagnosis Code:",
        "R68.89",
        "Primary Diagnosis:",
        "Other general symptoms and signs",
        "Secondary Diagnosis Code:",
        "M25.561",
        "Secondary Diagnosis:",
        "Pain in right knee",
        "Change Procedure or Primary Diagnosis",
        "Change Secondary Diagnosis",
        ">BACK<",
        ">CONTINUE<",
    ):
        assert text in page, text
    assert f'href="{url(at_confirm, "service")}"' in page
    assert f'href="{url(at_confirm, "patient")}"' in page  # BACK: the step before


def test_confirm_saves_the_confirmation(office_client, at_confirm):
    response = office_client.post(url(at_confirm, "confirm"))
    assert response["Location"] == url(at_confirm, "site")
    assert Case.objects.get(pk=at_confirm.pk).service_confirmed


def test_finish_later_on_confirm_does_not_confirm(office_client, at_confirm):
    response = office_client.post(url(at_confirm, "confirm"), {"finish_later": "1"})
    assert response["Location"] == reverse("cases:in-progress")
    assert not Case.objects.get(pk=at_confirm.pk).service_confirmed


# --- who may, and when ---


@pytest.mark.parametrize("step", ["service", "confirm"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_offices_draft_is_404(outsider_client, draft, world, step, method):
    case = fill_through(draft, world, "confirm")
    response = getattr(outsider_client, method)(url(case, step), valid())
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.service_confirmed and line_codes(case) == [(1, "73721", 1)]


@pytest.mark.parametrize("method", ["get", "post"])
def test_service_before_the_patient_redirects(office_client, draft, world, method):
    case = fill_through(draft, world, "contact")
    response = getattr(office_client, method)(url(case, "service"), valid())
    assert response.status_code == 302
    assert response["Location"] == url(case, "date-of-service")
    assert line_codes(case) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirm_before_the_service_redirects(office_client, at_service, method):
    response = getattr(office_client, method)(url(at_service, "confirm"))
    assert response["Location"] == url(at_service, "service")
    assert not Case.objects.get(pk=at_service.pk).service_confirmed


@pytest.mark.parametrize("step", ["service", "confirm"])
def test_after_lock_in_the_service_cannot_change(office_client, draft, world, brain_mri, step):
    case = fill_through(draft, world, "site")
    locked_at = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)
    Case.objects.filter(pk=case.pk).update(locked_at=locked_at)
    clinical = url(case, "clinical")
    assert office_client.get(url(case, step))["Location"] == clinical
    response = office_client.post(
        url(case, step), valid(procedure_code="70551", primary_diagnosis="M25.561")
    )
    assert response["Location"] == clinical
    case.refresh_from_db()
    assert line_codes(case) == [(1, "73721", 1)]
    assert case.primary_diagnosis == world.r68_89 and case.service_confirmed
    assert case.locked_at == locked_at


def test_wrong_method_is_refused(office_client, at_service):
    assert office_client.put(url(at_service, "service")).status_code == 405
