"""The site of service ("Attention!", "Specific Site Search", "Selected Site:", DME's 12 -
Home), the lock-in ("Proceed to Clinical Information") and the page after it."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case, ProcedureLine
from cases.wizard import steps
from cases.wizard.drafts import EXPIRED_MESSAGE, draft_start
from tests.cases.conftest import fill_through
from tests.factories.eligibility import SiteFactory

pytestmark = pytest.mark.django_db

SEARCH_TEXT = (
    "Use the fields below to search for specific sites. For best results, search by NPI or "
    "TIN. Other search options are by name plus zip or name plus city. You may search a partial "
    "site name by entering some portion of the name and we will provide you the site names that "
    "most closely match your entry."
)
ATTESTATION = (
    "I acknowledge that the clinical information I am about to submit for this authorization "
    "request is accurate and specific to this member, and that all information will be "
    "provided for this request."
)


def url(case, step):
    return reverse(f"cases:wizard-{step}", kwargs={"public_id": case.public_id})


def fresh(case):
    return Case.objects.get(pk=case.pk)


def site_fields(case):
    case = fresh(case)
    return (case.rendered_in_office, case.site_id, case.site_email, case.place_of_service)


@pytest.fixture
def at_site(draft, world):
    return fill_through(draft, world, "confirm")


@pytest.fixture
def searching(at_site):
    Case.objects.filter(pk=at_site.pk).update(rendered_in_office=False)
    return fresh(at_site)


@pytest.fixture
def at_proceed(draft, world):
    return fill_through(draft, world, "site")


@pytest.fixture
def dme_case(world):
    return draft_start(user=world.user, program=world.dme)


# --- Attention! Will you be rendering this procedure in your office? ---


def test_site_step_first_asks_about_the_office(office_client, at_site):
    page = office_client.get(url(at_site, "site")).content.decode()
    assert "Attention!" in page
    assert "Will you be rendering this procedure in your office?" in page
    assert ">YES</label>" in page and ">NO</label>" in page
    assert "Specific Site Search" not in page


def test_yes_makes_the_office_the_site(office_client, at_site):
    response = office_client.post(url(at_site, "site"), {"action": "in_office", "in_office": "yes"})
    assert response["Location"] == url(at_site, "proceed")
    assert site_fields(at_site) == (True, None, "", "11")
    assert steps.BY_NAME["site"].is_complete(fresh(at_site))
    page = office_client.get(url(at_site, "site")).content.decode()
    assert 'id="id_in_office_yes" value="yes" checked' in page


def test_no_goes_to_the_site_search(office_client, at_site):
    response = office_client.post(url(at_site, "site"), {"action": "in_office", "in_office": "no"})
    assert response["Location"] == url(at_site, "site")
    assert site_fields(at_site) == (False, None, "", "")
    assert not steps.BY_NAME["site"].is_complete(fresh(at_site))
    page = office_client.get(url(at_site, "site")).content.decode()
    assert "Add Site of Service" in page and "Specific Site Search" in page
    assert SEARCH_TEXT in page
    for label in ("NPI:", "Zip Code:", "Site Name:", "TIN:", "City:"):
        assert label in page
    assert 'id="id_match_exact" value="exact" checked' in page and "Starts with" in page
    assert "LOOKUP SITE" in page


def test_yes_after_a_site_was_chosen_clears_it(office_client, at_proceed, world):
    Case.objects.filter(pk=at_proceed.pk).update(site_email="mri@franklin.example")
    office_client.post(url(at_proceed, "site"), {"action": "in_office", "in_office": "yes"})
    assert site_fields(at_proceed) == (True, None, "", "11")


def test_no_keeps_a_site_already_chosen(office_client, at_proceed, world):
    response = office_client.post(
        url(at_proceed, "site"), {"action": "in_office", "in_office": "no"}
    )
    assert response["Location"] == url(at_proceed, "site")
    assert site_fields(at_proceed) == (False, world.site.pk, "", world.site.place_of_service)


@pytest.mark.parametrize("answer", [None, "", "maybe", "yes" * 1000, "yes\x00"])
def test_the_office_question_needs_yes_or_no(office_client, at_site, answer):
    data = {"action": "in_office"}
    if answer is not None:
        data["in_office"] = answer
    response = office_client.post(url(at_site, "site"), data)
    assert response.status_code == 200
    assert "Please answer YES or NO." in response.content.decode()
    assert site_fields(at_site) == (None, None, "", "")


def test_finish_later_on_the_question(office_client, at_site):
    response = office_client.post(
        url(at_site, "site"), {"action": "in_office", "in_office": "yes", "finish_later": "1"}
    )
    assert response["Location"] == reverse("cases:in-progress")
    assert site_fields(at_site) == (True, None, "", "11")
    response = office_client.post(
        url(at_site, "site"), {"action": "in_office", "finish_later": "1"}
    )
    assert response["Location"] == reverse("cases:in-progress")


# --- Specific Site Search ---


def search(client, case, **params):
    return client.get(url(case, "site"), {"find": "1", **params}).content.decode()


def test_search_by_npi(office_client, searching, world):
    SiteFactory(name="Cool Springs Imaging", zip_code="37067")
    page = search(office_client, searching, npi=world.site.npi)
    assert "Franklin Imaging Center" in page and "Cool Springs Imaging" not in page
    assert f'name="site" value="{world.site.pk}"' in page
    assert "(615) 555-0100" in page  # Name, Address, NPI, Phone


def test_search_by_tin_with_or_without_its_hyphen(office_client, searching, world):
    SiteFactory(name="Other Tax Id Imaging", tin="111111111")
    for tin in ("627654321", "62-7654321"):
        page = search(office_client, searching, tin=tin)
        assert "Franklin Imaging Center" in page and "Other Tax Id Imaging" not in page


def test_search_by_exact_name_and_zip(office_client, searching):
    page = search(office_client, searching, name="franklin imaging center", zip_code="37067")
    assert "Franklin Imaging Center" in page
    page = search(office_client, searching, name="Franklin", zip_code="37067")
    assert "No active site matches your search." in page


def test_search_by_name_start_and_city(office_client, searching):
    page = search(office_client, searching, name="frank", city="FRANKLIN", match="starts")
    assert "Franklin Imaging Center" in page
    assert 'id="id_match_starts" value="starts" checked' in page
    page = search(office_client, searching, name="frank", city="Nashville", match="starts")
    assert "No active site matches your search." in page


def test_search_shows_active_sites_only(office_client, searching, world):
    world.site.is_active = False
    world.site.save()
    page = search(office_client, searching, npi=world.site.npi)
    assert "No active site matches your search." in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, None, "Please enter an NPI or a TIN, or a site name with a zip code or a city."),
        (
            {"zip_code": "37067"},
            None,
            "Please enter an NPI or a TIN, or a site name with a zip code or a city.",
        ),
        (
            {"name": "Franklin Imaging Center"},
            None,
            "Please enter an NPI or a TIN, or a site name with a zip code or a city.",
        ),
        ({"npi": "12345"}, "npi", "An NPI is 10 digits."),
        ({"npi": "1234567890"}, "npi", "This NPI is not valid: its check digit does not match."),
        ({"tin": "12-34"}, "tin", "A TIN is 9 digits (12-3456789)."),
        ({"tin": "12345678a"}, "tin", "A TIN is 9 digits (12-3456789)."),
        ({"name": "Franklin", "zip_code": "3706"}, "zip_code", "Enter a zip code of 5 digits"),
        ({"name": "F" * 500, "city": "Franklin"}, "name", "at most 120 characters"),
        ({"name": "Franklin\x00", "city": "Franklin"}, "name", "Null characters are not allowed."),
    ],
)
def test_search_needs_an_npi_a_tin_or_a_name_with_zip_or_city(
    office_client, searching, params, field, message
):
    page = search(office_client, searching, **{"npi": "", **params})
    assert message in page
    assert 'name="site" value=' not in page
    if field:
        assert f'id="id_{field}" class="form-control is-invalid"' in page


def test_search_queries_do_not_grow_with_the_sites(
    office_client, searching, django_assert_max_num_queries
):
    for number in range(40):
        SiteFactory(name=f"Franklin Imaging {number:02d}", zip_code="37067", city="Franklin")
    # Session, user, device, membership, office; the draft (2); the access log; the sites.
    with django_assert_max_num_queries(10):
        page = search(office_client, searching, name="Franklin", zip_code="37067", match="starts")
    assert page.count(">SELECT</button>") == 25
    assert "More than 25 sites match" in page


def test_select_saves_the_site_and_shows_it(office_client, searching, world):
    response = office_client.post(
        url(searching, "site"), {"action": "select", "site": world.site.pk}
    )
    assert response["Location"] == url(searching, "site")
    assert site_fields(searching) == (False, world.site.pk, "", world.site.place_of_service)
    assert steps.BY_NAME["site"].is_complete(fresh(searching))
    page = office_client.get(url(searching, "site")).content.decode()
    assert "Selected Site:" in page and "Franklin Imaging Center" in page
    assert "FIND NEW SITE" in page and "Site Email (optional)" in page
    assert ">BACK<" in page and ">CONTINUE<" in page


def test_find_new_site_keeps_the_chosen_one_until_another_is_selected(
    office_client, at_proceed, world
):
    other = SiteFactory(name="Cool Springs Imaging", zip_code="37067")
    Case.objects.filter(pk=at_proceed.pk).update(site_email="mri@franklin.example")
    page = office_client.get(url(at_proceed, "site"), {"find": "1"}).content.decode()
    assert "Specific Site Search" in page
    assert site_fields(at_proceed)[1] == world.site.pk
    office_client.post(url(at_proceed, "site"), {"action": "select", "site": other.pk})
    # Another site's e-mail does not carry over.
    assert site_fields(at_proceed) == (False, other.pk, "", other.place_of_service)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Please select a site from the search results."),
        ("", "Please select a site from the search results."),
        ("abc", "Please select a site from the search results."),
        ("99999999", "Please select a site from the search results."),
        ("9" * 40, "Please select a site from the search results."),
        ("1\x00", "Null characters are not allowed."),
    ],
)
def test_select_refuses_what_was_not_offered(office_client, searching, value, message):
    data = {"action": "select"}
    if value is not None:
        data["site"] = value
    response = office_client.post(url(searching, "site"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert site_fields(searching) == (False, None, "", "")


def test_select_refuses_an_inactive_site(office_client, searching, world):
    world.site.is_active = False
    world.site.save()
    response = office_client.post(
        url(searching, "site"), {"action": "select", "site": world.site.pk}
    )
    assert "Please select a site from the search results." in response.content.decode()
    assert site_fields(searching) == (False, None, "", "")


def test_continue_saves_the_site_email(office_client, at_proceed, world):
    response = office_client.post(
        url(at_proceed, "site"), {"action": "continue", "site_email": "mri@franklin.example"}
    )
    assert response["Location"] == url(at_proceed, "proceed")
    assert site_fields(at_proceed) == (False, world.site.pk, "mri@franklin.example", "22")


@pytest.mark.parametrize("email", ["not-an-email", "a@" + "b" * 300 + ".com"])
def test_continue_refuses_a_bad_site_email(office_client, at_proceed, email):
    response = office_client.post(
        url(at_proceed, "site"), {"action": "continue", "site_email": email}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Selected Site:" in page and 'id="id_site_email" class="form-control is-invalid"' in page
    assert site_fields(at_proceed)[2] == ""


def test_continue_without_a_site_says_so(office_client, searching):
    response = office_client.post(url(searching, "site"), {"action": "continue"}, follow=True)
    assert "Please select a site of service." in response.content.decode()
    assert not steps.BY_NAME["site"].is_complete(fresh(searching))


def test_finish_later_from_the_search(office_client, searching):
    response = office_client.post(url(searching, "site"), {"finish_later": "1"})
    assert response["Location"] == reverse("cases:in-progress")
    assert site_fields(searching) == (False, None, "", "")


# --- DME: 12 - Home ---


def test_dme_site_is_the_members_home(office_client, dme_case, world):
    case = fill_through(dme_case, world, "confirm")
    page = office_client.get(url(case, "site")).content.decode()
    assert "For DME authorization requests, place of service will be selected as 12 - Home." in page
    assert world.member.address1 in page and world.member.city_state_zip in page
    assert "Will you be rendering this procedure in your office?" not in page
    assert "Specific Site Search" not in page
    response = office_client.post(url(case, "site"), {"site_email": ""})
    assert site_fields(case) == (False, None, "", "12")
    # Needs steps.py's "site" completeness to accept place of service 12 (see the report).
    assert steps.BY_NAME["site"].is_complete(fresh(case))
    assert response["Location"] == url(case, "proceed")


def test_dme_site_email_is_checked(office_client, dme_case, world):
    case = fill_through(dme_case, world, "confirm")
    response = office_client.post(url(case, "site"), {"site_email": "nope"})
    assert response.status_code == 200
    assert site_fields(case) == (None, None, "", "")


# --- Proceed to Clinical Information (lock-in) ---


def test_proceed_shows_the_lock_in_text_and_the_request(office_client, at_proceed, world):
    page = office_client.get(url(at_proceed, "proceed")).content.decode()
    assert "Proceed to Clinical Information" in page
    assert (
        "You are about to enter the clinical information collection phase of the authorization "
        "process." in page
    )
    assert (
        "Once you have clicked &quot;Continue,&quot; you will not be able to edit the Provider, "
        "Patient, or Service information entered in the previous steps. Please be sure that all "
        "this data has been entered correctly before continuing."
        in page
        or 'Once you have clicked "Continue," you will not be able to edit the Provider, Patient, '
        "or Service information entered in the previous steps. Please be sure that all this data "
        "has been entered correctly before continuing."
        in page
    )
    assert (
        "In order to ensure prompt attention to your on-line request, be sure to click SUBMIT CASE "
        "before exiting the system." in page
    )
    assert f"with no additional correspondence from {settings.PORTAL_NAME}." in page
    assert "eviCore" not in page
    for text in ("MICHAEL, GRACE", "WINTER, JONATHAN", "73721", "R68.89", "Franklin Imaging"):
        assert text in page
    assert ">CONTINUE<" in page and ">BACK<" in page and ATTESTATION not in page


def test_continue_locks_the_request_in(office_client, at_proceed):
    response = office_client.post(url(at_proceed, "proceed"))
    assert response["Location"] == url(at_proceed, "clinical")
    case = fresh(at_proceed)
    assert case.locked_at is not None and not case.dme_attested
    assert case.status == Case.Status.DRAFT


def test_a_second_lock_in_does_not_fail(office_client, at_proceed):
    office_client.post(url(at_proceed, "proceed"))
    locked_at = fresh(at_proceed).locked_at
    response = office_client.post(url(at_proceed, "proceed"))
    assert response.status_code == 302
    assert response["Location"] == url(at_proceed, "clinical")
    assert fresh(at_proceed).locked_at == locked_at


def test_finish_later_does_not_lock_in(office_client, at_proceed):
    response = office_client.post(url(at_proceed, "proceed"), {"finish_later": "1"})
    assert response["Location"] == reverse("cases:in-progress")
    assert fresh(at_proceed).locked_at is None


def test_dme_lock_in_needs_the_attestation(office_client, dme_case, world):
    case = fill_through(dme_case, world, "site")
    page = office_client.get(url(case, "proceed")).content.decode()
    assert ATTESTATION in page and ">CONFIRM AND CONTINUE<" in page
    assert "CONFIRM AND CONTINUE" in page and "Physician, Patient, or Service information" in page
    response = office_client.post(url(case, "proceed"))
    assert response.status_code == 200
    assert "Please check the box to acknowledge the attestation" in response.content.decode()
    assert fresh(case).locked_at is None
    response = office_client.post(url(case, "proceed"), {"attest": "on"})
    assert response["Location"] == url(case, "clinical")
    case = fresh(case)
    assert case.locked_at is not None and case.dme_attested


def test_proceed_before_the_site_redirects(office_client, at_site):
    for method in ("get", "post"):
        response = getattr(office_client, method)(url(at_site, "proceed"))
        assert response["Location"] == url(at_site, "site")
    assert fresh(at_site).locked_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_site_before_the_confirmation_redirects(office_client, draft, world, method):
    case = fill_through(draft, world, "service")
    response = getattr(office_client, method)(
        url(case, "site"), {"action": "in_office", "in_office": "yes"}
    )
    assert response["Location"] == url(case, "confirm")
    assert site_fields(case) == (None, None, "", "")


# --- after lock-in ---


LOCKED_AT = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def locked(at_proceed):
    Case.objects.filter(pk=at_proceed.pk).update(locked_at=LOCKED_AT)
    return fresh(at_proceed)


def snapshot(case):
    case = fresh(case)
    fields = [f.attname for f in Case._meta.concrete_fields if f.attname != "updated_at"]
    lines = list(ProcedureLine.objects.filter(case=case).values_list("position", "procedure_code"))
    return {name: getattr(case, name) for name in fields}, lines


@pytest.mark.parametrize("step", [step.name for step in steps.STEPS])
def test_after_lock_in_no_step_changes_anything(office_client, locked, world, step):
    before = snapshot(locked)
    clinical = url(locked, "clinical")
    assert office_client.get(url(locked, step))["Location"] == clinical
    for data in (
        {"program": world.msk.pk},
        {"procedure_code": "73721", "primary_diagnosis": "M25.561", "is_bilateral": "yes"},
        {"action": "in_office", "in_office": "yes"},
        {"action": "continue", "site_email": "changed@example.org"},
        {"attest": "on"},
    ):
        response = office_client.post(url(locked, step), data)
        assert response["Location"] == clinical
    assert snapshot(locked) == before


# --- the page after lock-in ---


def test_the_page_after_lock_in_leads_to_the_current_stage(office_client, locked):
    response = office_client.get(url(locked, "clinical"))
    assert response["Location"] == reverse(
        "cases:clinical-urgency", kwargs={"public_id": locked.public_id}
    )
    Case.objects.filter(pk=locked.pk).update(urgency_done=True)
    response = office_client.get(url(locked, "clinical"))
    assert response["Location"] == reverse(
        "cases:clinical-question", kwargs={"public_id": locked.public_id}
    )


def test_clinical_page_of_a_draft_not_locked_goes_to_its_first_incomplete_step(
    office_client, at_site
):
    response = office_client.get(url(at_site, "clinical"))
    assert response["Location"] == url(at_site, "site")


def test_clinical_page_of_an_expired_draft_goes_to_the_list(office_client, locked):
    Case.objects.filter(pk=locked.pk).update(
        expires_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=1)
    )
    response = office_client.get(url(locked, "clinical"), follow=True)
    assert response.redirect_chain[0][0] == reverse("cases:in-progress")
    assert EXPIRED_MESSAGE in response.content.decode()


def test_clinical_page_takes_no_post(office_client, locked):
    assert office_client.post(url(locked, "clinical")).status_code == 405


# --- another office ---


@pytest.mark.parametrize("step", ["site", "proceed", "clinical"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_offices_draft_is_404(outsider_client, at_proceed, step, method):
    before = snapshot(at_proceed)
    response = getattr(outsider_client, method)(
        url(at_proceed, step), {"action": "in_office", "in_office": "yes", "attest": "on"}
    )
    assert response.status_code == 404
    assert snapshot(at_proceed) == before


def test_another_offices_locked_request_is_404(outsider_client, locked):
    assert outsider_client.get(url(locked, "clinical")).status_code == 404
