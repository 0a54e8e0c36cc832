"""Requesting Provider Information (and the DME supplier's Requesting Physician Information),
Choose Your Insurer and Add Your Contact Info."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import OfficePractitioner
from cases.models import Case
from cases.wizard.drafts import draft_start
from cases.wizard.forms.provider import (
    ADDRESS_NOT_PROVIDERS,
    ADDRESS_REQUIRED,
    EMAIL_NEEDED,
    FAX_NEEDED,
    FILTER_TOO_LONG,
    LAST_NAME_NEEDS_NPI_OR_TIN,
    NPI_OR_TIN_REQUIRED,
    NPI_REQUIRED,
    PHYSICIAN_REQUIRED,
    PHYSICIAN_UNKNOWN,
    PLAN_NOT_DELEGATING,
    PLAN_REQUIRED,
    PROVIDER_NOT_LINKED,
    PROVIDER_REQUIRED,
)
from cases.wizard.services.provider import NPI_NOT_FOUND
from cases.wizard.views.common import FINISH_LATER_UNSAVED
from eligibility.validators import npi_with_check_digit
from tests.cases.conftest import fill_through
from tests.factories.accounts import OfficePractitionerFactory
from tests.factories.eligibility import (
    DelegationFactory,
    HealthPlanFactory,
    LineOfBusinessFactory,
    PractitionerAddressFactory,
    PractitionerFactory,
)

pytestmark = pytest.mark.django_db

IN_PROGRESS = reverse("cases:in-progress")
UNKNOWN_NPI = npi_with_check_digit("999999999")


def url(case: Case, step: str) -> str:
    return reverse(f"cases:wizard-{step}", kwargs={"public_id": case.public_id})


def raw(response) -> str:
    return html.unescape(response.content.decode())


def text(response) -> str:
    """What the person reads: the page without its tags, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def linked_practitioners(world, count: int, *, last_name: str = "Zimmer") -> list:
    practitioners = []
    for number in range(count):
        practitioner = PractitionerFactory(last_name=f"{last_name}{number:02d}")
        PractitionerAddressFactory(practitioner=practitioner)
        OfficePractitionerFactory(office=world.office, practitioner=practitioner)
        practitioners.append(practitioner)
    return practitioners


@pytest.fixture
def supplier_draft(world) -> Case:
    """A DME draft whose user builds the case as the equipment supplier."""
    case = draft_start(user=world.user, program=world.dme)
    case.dme_role = Case.DmeRole.DME_SUPPLIER
    case.save()
    return case


# --- the outsider, and skipping ahead -------------------------------------------------------


@pytest.mark.parametrize("step", ["provider", "insurer", "contact"])
def test_each_step_is_404_for_another_office(outsider_client, draft, world, step):
    case = fill_through(draft, world, "contact")
    assert outsider_client.get(url(case, step)).status_code == 404
    response = outsider_client.post(url(case, step), {"practitioner": world.practitioner.pk})
    assert response.status_code == 404
    assert fresh(case).contact_saved


def test_the_insurer_before_a_provider_goes_to_the_provider(office_client, draft, world):
    for method in (office_client.get, office_client.post):
        response = method(url(draft, "insurer"))
        assert response.status_code == 302
        assert response["Location"] == url(draft, "provider")
    assert fresh(draft).health_plan_id is None


def test_the_contact_before_the_insurer_goes_to_the_insurer(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    response = office_client.post(url(case, "contact"), {"provider_name": "X"})
    assert response["Location"] == url(case, "insurer")
    assert not fresh(case).contact_saved


def test_a_dme_provider_before_the_role_question_goes_to_it(office_client, world):
    case = draft_start(user=world.user, program=world.dme)
    response = office_client.get(url(case, "provider"))
    assert response["Location"] == url(case, "dme-role")


def test_after_lock_in_the_provider_cannot_change(office_client, draft, world):
    case = fill_through(draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=dt.datetime.now(tz=dt.UTC))
    response = office_client.post(
        url(case, "provider"), {"practitioner": world.second_practitioner.pk}
    )
    assert response["Location"] == url(case, "clinical")
    assert fresh(case).practitioner == world.practitioner


# --- Requesting Provider Information: the office's list -------------------------------------


def test_the_provider_step_lists_the_offices_active_practitioners(office_client, draft, world):
    world.practitioner_address.address1 = "730 Cool Springs Blvd"
    world.practitioner_address.save()
    stranger = PractitionerFactory(last_name="Stranger")
    retired = PractitionerFactory(last_name="Retired", is_active=False)
    OfficePractitionerFactory(office=world.office, practitioner=retired)
    page = text(office_client.get(url(draft, "provider")))
    assert "Requesting Provider Information" in page
    assert "Select the ordering provider for this authorization request." in page
    assert "If you don't see them listed, click Manage Your Account to add them." in page
    assert f'href="{reverse("accounts:manage")}"' in raw(office_client.get(url(draft, "provider")))
    assert "MICHAEL, GRACE, MD" in page and "NPI: 1234567893" in page
    assert "730 Cool Springs Blvd, Franklin, TN 37067" in page
    assert world.second_practitioner.last_name.upper() in page
    assert "STRANGER" not in page and "RETIRED" not in page
    assert f'value="{stranger.pk}"' not in raw(office_client.get(url(draft, "provider")))
    assert "Filter Last Name or NPI:" in page and "CLEAR SEARCH" in page
    assert "If the provider's NPI is not listed above, please use the search feature" in page
    assert "Search By NPI:" in page


def test_the_filter_matches_the_start_of_the_last_name_or_the_npi(office_client, draft, world):
    by_name = text(office_client.get(url(draft, "provider"), {"q": "mich"}))
    assert "MICHAEL, GRACE" in by_name
    assert world.second_practitioner.last_name.upper() not in by_name
    by_npi = text(office_client.get(url(draft, "provider"), {"q": "12345678"}))
    assert "MICHAEL, GRACE" in by_npi
    assert world.second_practitioner.npi not in by_npi
    nothing = text(office_client.get(url(draft, "provider"), {"q": "Nobody"}))
    assert "No provider on your account matches “Nobody”." in nothing


def test_a_filter_too_long_says_so_and_lists_everyone(office_client, draft, world):
    page = text(office_client.get(url(draft, "provider"), {"q": "x" * 500}))
    assert FILTER_TOO_LONG in page
    assert "MICHAEL, GRACE" in page


def test_the_list_comes_in_pages_of_ten(office_client, draft, world):
    linked_practitioners(world, 23)  # 25 with the world's two
    first = raw(office_client.get(url(draft, "provider")))
    assert first.count(">SELECT</button>") == 10
    assert "?page=2" in first and "?page=3" in first and "?page=4" not in first
    third = raw(office_client.get(url(draft, "provider"), {"page": "3"}))
    assert third.count(">SELECT</button>") == 5
    filtered = raw(office_client.get(url(draft, "provider"), {"q": "Zimmer", "page": "3"}))
    assert filtered.count(">SELECT</button>") == 3
    assert "?q=Zimmer&page=2" in filtered
    # A page that is not a number or is past the end shows a page, never an error.
    assert office_client.get(url(draft, "provider"), {"page": "x"}).status_code == 200
    assert office_client.get(url(draft, "provider"), {"page": "99"}).status_code == 200


def test_the_provider_list_costs_the_same_queries_whatever_the_office_size(
    office_client, draft, world, django_assert_max_num_queries
):
    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert office_client.get(url(draft, "provider"), params).status_code == 200
        return len(captured)

    small, small_filtered = queries({}), queries({"q": "Michael"})
    linked_practitioners(world, 40)
    linked_practitioners(world, 12, last_name="Michaelson")
    assert queries({}) == small
    assert queries({"q": "Michael"}) == small_filtered
    with django_assert_max_num_queries(10):
        office_client.get(url(draft, "provider"), {"q": "Mich", "page": "2"})


def test_select_saves_the_practitioner_and_goes_to_the_insurer(office_client, draft, world):
    response = office_client.post(url(draft, "provider"), {"practitioner": world.practitioner.pk})
    assert response["Location"] == url(draft, "insurer")
    assert fresh(draft).practitioner == world.practitioner


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "1" * 5000, "1.5"])
def test_a_select_that_is_no_practitioner_is_refused(office_client, draft, world, value):
    response = office_client.post(url(draft, "provider"), {"practitioner": value})
    assert response.status_code == 200
    assert PROVIDER_NOT_LINKED in text(response)
    assert fresh(draft).practitioner_id is None


def test_a_practitioner_of_another_office_is_refused(office_client, draft, world):
    theirs = PractitionerFactory(last_name="Elsewhere")
    OfficePractitionerFactory(practitioner=theirs)
    retired = PractitionerFactory(is_active=False)
    OfficePractitionerFactory(office=world.office, practitioner=retired)
    for practitioner in (theirs, retired):
        response = office_client.post(url(draft, "provider"), {"practitioner": practitioner.pk})
        assert response.status_code == 200
        assert PROVIDER_NOT_LINKED in text(response)
    assert fresh(draft).practitioner_id is None


def test_continue_without_a_selection_asks_for_one(office_client, draft, world):
    response = office_client.post(url(draft, "provider"), {})
    assert PROVIDER_REQUIRED in text(response)
    assert fresh(draft).practitioner_id is None


def test_continue_keeps_the_provider_already_chosen(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    response = office_client.post(url(case, "provider"), {})
    # CONTINUE goes on (to the next step, or the first one not complete).
    assert response["Location"] in (url(case, "insurer"), url(case, "date-of-service"))
    case = fresh(case)
    assert case.practitioner == world.practitioner and case.contact_saved


def test_another_provider_clears_the_address_and_the_contact_but_keeps_the_plan(
    office_client, draft, world
):
    case = fill_through(draft, world, "contact")
    response = office_client.post(
        url(case, "provider"), {"practitioner": world.second_practitioner.pk}
    )
    assert response["Location"] == url(case, "insurer")
    case = fresh(case)
    assert case.practitioner == world.second_practitioner
    assert case.health_plan == world.plan and case.practitioner_address_id is None
    assert not case.contact_saved and case.contact_phone == ""


def test_finish_later_with_a_selection_saves_it(office_client, draft, world):
    response = office_client.post(
        url(draft, "provider"),
        {"practitioner": world.practitioner.pk, "finish_later": "1"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == IN_PROGRESS
    assert "Your request has been saved." in text(response)
    assert fresh(draft).practitioner == world.practitioner


def test_finish_later_with_a_bad_selection_saves_nothing(office_client, draft, world):
    theirs = PractitionerFactory()
    response = office_client.post(
        url(draft, "provider"), {"practitioner": theirs.pk, "finish_later": "1"}, follow=True
    )
    assert response.redirect_chain[0][0] == IN_PROGRESS
    assert FINISH_LATER_UNSAVED in text(response)
    assert fresh(draft).practitioner_id is None


# --- Search By NPI ---------------------------------------------------------------------------


def npi_search(client, case, npi):
    return client.post(url(case, "provider"), {"search_by_npi": "1", "npi": npi})


def test_search_by_npi_adds_the_provider_and_continues(office_client, draft, world):
    newcomer = PractitionerFactory(first_name="Rosa", last_name="Quintero")
    response = npi_search(office_client, draft, f"  {newcomer.npi} ")
    assert response["Location"] == url(draft, "insurer")
    assert fresh(draft).practitioner == newcomer
    link = OfficePractitioner.objects.get(office=world.office, practitioner=newcomer)
    assert link.added_by == world.user
    page = text(office_client.get(response["Location"]))
    assert "Rosa Quintero was added to your account." in page


def test_search_by_npi_of_a_provider_already_on_the_account_selects_it(office_client, draft, world):
    response = npi_search(office_client, draft, world.second_practitioner.npi)
    assert response["Location"] == url(draft, "insurer")
    assert fresh(draft).practitioner == world.second_practitioner
    links = OfficePractitioner.objects.filter(practitioner=world.second_practitioner)
    assert links.count() == 1


@pytest.mark.parametrize(
    ("npi", "message"),
    [
        ("", NPI_REQUIRED),
        ("12345", "An NPI is 10 digits."),
        ("abcdefghij", "An NPI is 10 digits."),
        ("1234567890", "This NPI is not valid: its check digit does not match."),
        ("9" * 5000, "An NPI is 10 digits."),
        (UNKNOWN_NPI, NPI_NOT_FOUND.format(npi=UNKNOWN_NPI)),
    ],
)
def test_search_by_npi_says_what_is_wrong(office_client, draft, world, npi, message):
    response = npi_search(office_client, draft, npi)
    assert response.status_code == 200
    assert message in text(response)
    assert fresh(draft).practitioner_id is None
    assert OfficePractitioner.objects.filter(office=world.office).count() == 2


def test_search_by_npi_does_not_add_an_inactive_provider(office_client, draft, world):
    retired = PractitionerFactory(is_active=False)
    response = npi_search(office_client, draft, retired.npi)
    assert NPI_NOT_FOUND.format(npi=retired.npi) in text(response)
    assert not OfficePractitioner.objects.filter(practitioner=retired).exists()


def test_the_npi_search_keeps_what_was_typed(office_client, draft, world):
    page = raw(npi_search(office_client, draft, "1234567890"))
    assert 'value="1234567890"' in page


# --- The DME supplier path: Requesting Physician Information --------------------------------


def physician_search(client, case, **params):
    return client.get(url(case, "provider"), {"search": "1", **params})


def test_the_supplier_searches_for_the_ordering_physician(office_client, supplier_draft):
    page = text(office_client.get(url(supplier_draft, "provider")))
    assert "Requesting Physician Information" in page
    assert "Search for Physician by TIN, NPI, physician last name, city and/or zip." in page
    for label in ("Healthplan:", "TIN:", "NPI:", "Last Name:", "City:", "Zip:"):
        assert label in page
    assert "(requires NPI or TIN)" in page and "(city only, no state)" in page
    assert "Evergreen Health Plan" in page and "Prairie Mutual Health" not in page
    assert "Filter Last Name or NPI:" not in page


def test_the_physician_search_needs_an_npi_or_a_tin(office_client, supplier_draft):
    page = text(physician_search(office_client, supplier_draft, last_name="Michael"))
    assert LAST_NAME_NEEDS_NPI_OR_TIN in page and NPI_OR_TIN_REQUIRED in page
    assert "Search Results" not in page
    page = text(physician_search(office_client, supplier_draft, city="Franklin"))
    assert NPI_OR_TIN_REQUIRED in page and LAST_NAME_NEEDS_NPI_OR_TIN not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"npi": "1234567890"}, "This NPI is not valid: its check digit does not match."),
        ({"npi": "12"}, "An NPI is 10 digits."),
        ({"tin": "12345"}, "A Tax ID is 9 digits (12-3456789)."),
        ({"tin": "621234567", "zip_code": "3706"}, "Enter a ZIP code of 5 digits"),
        ({"tin": "621234567", "city": "Franklin, TN"}, "Enter the city only"),
        ({"tin": "621234567", "health_plan": "abc"}, "Select a health plan from the list."),
        ({"tin": "621234567", "last_name": "x" * 500}, "Ensure this value has at most 60"),
    ],
)
def test_a_bad_physician_search_says_what_is_wrong(office_client, supplier_draft, params, message):
    response = physician_search(office_client, supplier_draft, **params)
    assert response.status_code == 200
    page = text(response)
    assert message in page and "Search Results" not in page


def test_the_physician_search_covers_the_whole_registry(office_client, supplier_draft, world):
    outside = PractitionerFactory(last_name="Outside", tin="581112222")
    PractitionerAddressFactory(practitioner=outside, city="Memphis", zip_code="38103")
    by_npi = text(physician_search(office_client, supplier_draft, npi=outside.npi))
    assert "Search Results" in by_npi and "OUTSIDE" in by_npi
    by_tin = text(physician_search(office_client, supplier_draft, tin="58-1112222"))
    assert "OUTSIDE" in by_tin and "MICHAEL" not in by_tin
    shared = text(physician_search(office_client, supplier_draft, tin="621234567"))
    assert "MICHAEL" in shared and "OUTSIDE" not in shared
    by_name = text(
        physician_search(office_client, supplier_draft, tin="621234567", last_name="mich")
    )
    assert "MICHAEL" in by_name and world.second_practitioner.last_name.upper() not in by_name
    elsewhere = text(
        physician_search(office_client, supplier_draft, tin="581112222", city="franklin")
    )
    assert "No physician matches this search." in elsewhere
    by_zip = text(
        physician_search(office_client, supplier_draft, tin="581112222", zip_code="38103-1234")
    )
    assert "OUTSIDE" in by_zip


def test_the_physician_search_is_limited_and_costs_the_same_queries(
    office_client, supplier_draft, world, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = physician_search(office_client, supplier_draft, tin="447654321")
        return len(captured), raw(response)

    PractitionerAddressFactory(practitioner=PractitionerFactory(tin="447654321"))
    small, _ = queries()
    for number in range(40):
        practitioner = PractitionerFactory(tin="447654321", last_name=f"Group{number:02d}")
        PractitionerAddressFactory(practitioner=practitioner)
        PractitionerAddressFactory(practitioner=practitioner, is_primary=False)
    large, page = queries()
    assert large == small
    assert page.count(">SELECT</button>") == 25
    with django_assert_max_num_queries(10):
        physician_search(office_client, supplier_draft, tin="447654321", last_name="Group")


def test_the_supplier_selects_a_physician_outside_the_office(office_client, supplier_draft):
    outside = PractitionerFactory(last_name="Outside")
    search = url(supplier_draft, "provider") + f"?search=1&npi={outside.npi}"
    response = office_client.post(search, {"practitioner": outside.pk})
    assert response["Location"] == url(supplier_draft, "insurer")
    assert fresh(supplier_draft).practitioner == outside
    assert not OfficePractitioner.objects.filter(practitioner=outside).exists()


def test_the_healthplan_of_the_search_is_the_insurers_first_choice(
    office_client, supplier_draft, world
):
    outside = PractitionerFactory(last_name="Outside")
    PractitionerAddressFactory(practitioner=outside)
    search = (
        url(supplier_draft, "provider") + f"?search=1&npi={outside.npi}&health_plan={world.plan.pk}"
    )
    response = office_client.post(search, {"practitioner": outside.pk})
    assert response["Location"] == url(supplier_draft, "insurer") + f"?health_plan={world.plan.pk}"
    page = office_client.get(response["Location"]).content.decode()
    assert f'<option value="{world.plan.pk}" selected>' in page
    assert fresh(supplier_draft).health_plan_id is None


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999"])
def test_the_supplier_cannot_select_what_is_no_physician(office_client, supplier_draft, value):
    response = office_client.post(url(supplier_draft, "provider"), {"practitioner": value})
    expected = PHYSICIAN_REQUIRED if value == "" else PHYSICIAN_UNKNOWN
    assert expected in text(response)
    assert fresh(supplier_draft).practitioner_id is None


def test_the_supplier_cannot_select_an_inactive_physician(office_client, supplier_draft):
    retired = PractitionerFactory(is_active=False)
    response = office_client.post(url(supplier_draft, "provider"), {"practitioner": retired.pk})
    assert PHYSICIAN_UNKNOWN in text(response)
    assert fresh(supplier_draft).practitioner_id is None


def test_the_supplier_path_keeps_finish_later(office_client, supplier_draft, world):
    bad = office_client.post(url(supplier_draft, "provider"), {"finish_later": "1"})
    assert bad["Location"] == IN_PROGRESS
    assert fresh(supplier_draft).practitioner_id is None
    good = office_client.post(
        url(supplier_draft, "provider"),
        {"practitioner": world.practitioner.pk, "finish_later": "1"},
    )
    assert good["Location"] == IN_PROGRESS
    assert fresh(supplier_draft).practitioner == world.practitioner


# --- Choose Your Insurer ---------------------------------------------------------------------


def test_the_insurer_step_offers_the_plans_delegating_the_program_today(
    office_client, draft, world
):
    medicare = LineOfBusinessFactory(kind="medicare", name="Medicare Advantage")
    by_medicare = HealthPlanFactory(name="Harbor Medicare Plan")
    DelegationFactory(health_plan=by_medicare, program=world.radiology, line_of_business=medicare)
    ended = HealthPlanFactory(name="Ended Plan")
    DelegationFactory(
        health_plan=ended,
        program=world.radiology,
        line_of_business=medicare,
        effective_from=dt.date(2020, 1, 1),
        effective_to=dt.date.today() - dt.timedelta(days=1),
    )
    future = HealthPlanFactory(name="Future Plan")
    DelegationFactory(
        health_plan=future,
        program=world.radiology,
        line_of_business=medicare,
        effective_from=dt.date.today() + dt.timedelta(days=1),
    )
    closed = HealthPlanFactory(name="Closed Plan", is_active=False)
    DelegationFactory(health_plan=closed, program=world.radiology, line_of_business=medicare)
    DelegationFactory(health_plan=world.other_plan, program=world.msk, line_of_business=medicare)
    case = fill_through(draft, world, "provider")
    page = text(office_client.get(url(case, "insurer")))
    assert "Choose Your Insurer" in page
    assert "Requesting Provider: DR. MICHAEL, MD (1234567893)" in page
    assert "Please select the insurer for this authorization request." in page
    assert "Please Select a Health Plan" in page
    assert "Evergreen Health Plan" in page and "Harbor Medicare Plan" in page
    for absent in ("Ended Plan", "Future Plan", "Closed Plan", "Prairie Mutual Health"):
        assert absent not in page
    assert (
        "Urgent Request? You will be required to upload relevant clinical info at the end of "
        "this process."
    ) in page
    assert (
        "Don't see the insurer you're looking for? Please call the number on the back of the "
        "member's card to determine if an authorization through Summit Prior Authorization "
        "Portal is required."
    ) in page
    assert "eviCore" not in page


def test_the_only_address_is_preselected_and_primary_comes_first(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    only = office_client.get(url(case, "insurer")).content.decode()
    assert f'<option value="{world.practitioner_address.pk}" selected>' in only
    second = PractitionerAddressFactory(
        practitioner=world.practitioner, address1="1 Aardvark Way", is_primary=False
    )
    both = office_client.get(url(case, "insurer")).content.decode()
    assert f'<option value="{world.practitioner_address.pk}" selected>' not in both
    assert both.index(f'value="{world.practitioner_address.pk}"') < both.index(
        f'value="{second.pk}"'
    )


def test_the_insurer_is_saved_and_goes_to_the_contact(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    response = office_client.post(
        url(case, "insurer"),
        {"health_plan": world.plan.pk, "practitioner_address": world.practitioner_address.pk},
    )
    assert response["Location"] == url(case, "contact")
    case = fresh(case)
    assert case.health_plan == world.plan
    assert case.practitioner_address == world.practitioner_address


def test_a_plan_that_does_not_delegate_the_program_is_refused(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    response = office_client.post(
        url(case, "insurer"),
        {
            "health_plan": world.other_plan.pk,
            "practitioner_address": world.practitioner_address.pk,
        },
    )
    assert response.status_code == 200
    assert PLAN_NOT_DELEGATING.format(program="Radiology and Cardiology") in text(response)
    assert 'id="error_1_id_health_plan"' in raw(response)
    assert fresh(case).health_plan_id is None


def test_an_address_of_another_practitioner_is_refused(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    theirs = world.second_practitioner.addresses.get()
    response = office_client.post(
        url(case, "insurer"), {"health_plan": world.plan.pk, "practitioner_address": theirs.pk}
    )
    assert ADDRESS_NOT_PROVIDERS in text(response)
    assert fresh(case).practitioner_address_id is None


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, [PLAN_REQUIRED, ADDRESS_REQUIRED]),
        ({"health_plan": "abc", "practitioner_address": "x" * 3000}, [ADDRESS_NOT_PROVIDERS]),
        ({"health_plan": "99999999999999999999", "practitioner_address": "-4"}, []),
    ],
)
def test_bad_insurer_input_says_what_is_wrong(office_client, draft, world, data, messages):
    case = fill_through(draft, world, "provider")
    response = office_client.post(url(case, "insurer"), data)
    assert response.status_code == 200
    page = text(response)
    for message in messages:
        assert message in page
    if data:
        assert PLAN_NOT_DELEGATING.format(program="Radiology and Cardiology") in page
    assert fresh(case).health_plan_id is None


def test_a_new_plan_clears_the_patient(office_client, draft, world):
    DelegationFactory(
        health_plan=world.other_plan,
        program=world.radiology,
        line_of_business=world.coverage.line_of_business,
    )
    case = fill_through(draft, world, "patient")
    response = office_client.post(
        url(case, "insurer"),
        {
            "health_plan": world.other_plan.pk,
            "practitioner_address": world.practitioner_address.pk,
        },
    )
    assert response["Location"] in (url(case, "contact"), url(case, "patient"))
    case = fresh(case)
    assert case.health_plan == world.other_plan and case.member_id is None
    assert case.contact_saved


def test_insurer_finish_later_saves_a_valid_choice_only(office_client, draft, world):
    case = fill_through(draft, world, "provider")
    bad = office_client.post(
        url(case, "insurer"), {"health_plan": world.other_plan.pk, "finish_later": "1"}
    )
    assert bad["Location"] == IN_PROGRESS
    assert fresh(case).health_plan_id is None
    good = office_client.post(
        url(case, "insurer"),
        {
            "health_plan": world.plan.pk,
            "practitioner_address": world.practitioner_address.pk,
            "finish_later": "1",
        },
    )
    assert good["Location"] == IN_PROGRESS
    assert fresh(case).health_plan == world.plan


# --- Add Your Contact Info -------------------------------------------------------------------

VALID_CONTACT = {
    "provider_name": "Grace Michael, MD",
    "contact_name": "Pat Front Desk",
    "fax": "(615) 548-4001",
    "phone": "615.548.4000",
    "phone_ext": "204",
    "cell_phone": "1-615-555-0199",
    "email": "pat@lakeside.example",
    "notify_by_email": "on",
}


def test_the_contact_is_prefilled_from_the_practitioner_and_the_user(office_client, draft, world):
    world.practitioner_address.fax = "6155489999"
    world.practitioner_address.save()
    world.user.first_name, world.user.last_name = "Pat", "Front"
    world.user.save()
    case = fill_through(draft, world, "insurer")
    response = office_client.get(url(case, "contact"))
    form = response.context["form"]
    page = raw(response)
    assert "Add Your Contact Info" in page
    for label in ("Provider's Name", "Who to Contact", "Fax", "Phone", "Ext.", "Cell Phone"):
        assert label in page
    assert "Receive notification of case status changes" in page
    assert form["provider_name"].value() == "Grace Michael, MD"
    assert form["contact_name"].value() == "Pat Front"
    assert form["email"].value() == world.user.email
    assert form["notify_by_email"].value() is True
    # The address's own fax; the practitioner's phone where the address has none.
    assert 'value="(615) 548-9999"' in page and 'value="(615) 548-4000"' in page
    assert "checked" in str(form["notify_by_email"])
    assert "Make sure you enter a valid email address to assure you receive notices" in page
    assert "CONFIRM FAX AND CONTINUE" not in page


def test_the_contact_is_saved_as_digits_for_this_request_only(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    response = office_client.post(url(case, "contact"), VALID_CONTACT)
    assert response["Location"] == url(case, "date-of-service")
    case = fresh(case)
    assert case.contact_saved
    assert (case.contact_provider_name, case.contact_name) == (
        "Grace Michael, MD",
        "Pat Front Desk",
    )
    assert (case.contact_fax, case.contact_phone, case.contact_cell_phone) == (
        "6155484001",
        "6155484000",
        "6155550199",
    )
    assert case.contact_phone_ext == "204" and case.contact_email == "pat@lakeside.example"
    assert case.notify_by_email
    world.practitioner.refresh_from_db()
    assert (world.practitioner.phone, world.practitioner.fax) == ("6155484000", "6155484001")
    # A second visit shows the draft's values, not the practitioner's.
    Case.objects.filter(pk=case.pk).update(contact_name="Someone Else", notify_by_email=False)
    form = office_client.get(url(case, "contact")).context["form"]
    assert form["contact_name"].value() == "Someone Else"
    assert form["notify_by_email"].value() is False


def test_changing_the_contact_never_writes_the_practitioner(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    office_client.post(
        url(case, "contact"), {**VALID_CONTACT, "phone": "2025550123", "fax": "2025550124"}
    )
    assert fresh(case).contact_phone == "2025550123"
    world.practitioner.refresh_from_db()
    world.practitioner_address.refresh_from_db()
    assert world.practitioner.phone == "6155484000"
    assert world.practitioner_address.phone == ""


def test_email_notices_need_a_valid_email(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    for email in ("", "not-an-email", "a@" + "b" * 300 + ".com"):
        response = office_client.post(url(case, "contact"), {**VALID_CONTACT, "email": email})
        assert response.status_code == 200
        assert EMAIL_NEEDED in text(response)
    assert not fresh(case).contact_saved


def test_fax_notices_need_a_valid_fax(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    unchecked = {key: value for key, value in VALID_CONTACT.items() if key != "notify_by_email"}
    for fax in ("", "548-4001", "fax me"):
        response = office_client.post(url(case, "contact"), {**unchecked, "fax": fax})
        assert FAX_NEEDED in text(response)
    assert not fresh(case).contact_saved
    response = office_client.post(url(case, "contact"), {**unchecked, "email": ""})
    assert response["Location"] == url(case, "date-of-service")
    case = fresh(case)
    assert case.contact_saved and not case.notify_by_email and case.contact_email == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("provider_name", "", "Enter the provider's name."),
        ("provider_name", "x" * 500, "Ensure this value has at most 120 characters"),
        ("contact_name", "   ", "Enter who we should contact about this request."),
        ("phone", "", "Enter the phone number, area code first."),
        ("phone", "555-1234", "Enter a 10-digit phone or fax number, area code first."),
        ("phone", "9" * 5000, "Enter a 10-digit phone or fax number, area code first."),
        ("fax", "", "Enter the fax number, area code first."),
        ("cell_phone", "12", "Enter a 10-digit phone or fax number, area code first."),
        ("phone_ext", "12a", "An extension is up to 8 digits."),
        ("phone_ext", "123456789", "An extension is up to 8 digits."),
    ],
)
def test_bad_contact_input_says_what_is_wrong(office_client, draft, world, field, value, message):
    case = fill_through(draft, world, "insurer")
    response = office_client.post(url(case, "contact"), {**VALID_CONTACT, field: value})
    assert response.status_code == 200
    assert message in text(response)
    # What was typed stays on the page.
    assert 'value="Pat Front Desk"' in raw(response) or field == "contact_name"
    assert not fresh(case).contact_saved


def test_contact_finish_later_on_valid_and_invalid_input(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    bad = office_client.post(
        url(case, "contact"), {**VALID_CONTACT, "phone": "", "finish_later": "1"}
    )
    assert bad["Location"] == IN_PROGRESS
    assert not fresh(case).contact_saved
    good = office_client.post(url(case, "contact"), {**VALID_CONTACT, "finish_later": "1"})
    assert good["Location"] == IN_PROGRESS
    assert fresh(case).contact_saved


def test_the_dme_contact_confirms_the_fax(office_client, world):
    case = draft_start(user=world.user, program=world.dme)
    case = fill_through(case, world, "insurer")
    page = text(office_client.get(url(case, "contact")))
    assert "CONFIRM FAX AND CONTINUE" in page
    assert "Changes apply only to this specific request." in page
