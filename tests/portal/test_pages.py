import pytest
from django.urls import reverse

from tests.factories.eligibility import (
    HealthPlanFactory,
    PlanContactFactory,
    ProgramFactory,
    ProgramResourceFactory,
)

pytestmark = pytest.mark.django_db


def test_home_welcomes_the_signed_in_user(office_client, settings):
    response = office_client.get(reverse("portal:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert f"Welcome to the {settings.PORTAL_NAME}" in content
    assert "You are logged in as <strong>office.user</strong>" in content
    assert "MEMBER ELIGIBILITY" in content


def test_chrome_shows_name_navigation_date_user_and_footer(office_client, settings):
    content = office_client.get(reverse("portal:home")).content.decode()
    assert settings.PORTAL_NAME in content
    for item in ("Home", "Eligibility Lookup", "Resources", "Help / Contact Us"):
        assert f">{item}</a>" in content
    # Only what exists so far is in the navigation bar.
    for missing in ("Certification Summary", "Authorization Lookup", "Clinical Certification"):
        assert missing not in content
    assert "Log Off" in content
    for link in ("Privacy Policy", "Terms of Use", "Contact Us"):
        assert link in content
    assert 'aria-current="page"' in content


def test_portal_name_is_a_setting(office_client, settings):
    settings.PORTAL_NAME = "Lakeside Authorization Portal"
    content = office_client.get(reverse("portal:home")).content.decode()
    assert "Lakeside Authorization Portal" in content


def test_every_page_but_public_ones_requires_sign_in(client):
    for name in ("portal:home", "portal:resources", "eligibility:lookup"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login"))
    for name in ("portal:privacy", "portal:terms", "portal:help", "accounts:login"):
        assert client.get(reverse(name)).status_code == 200, name


def test_pages_refuse_wrong_methods(office_client):
    for name in ("portal:home", "portal:resources"):
        assert office_client.post(reverse(name)).status_code == 405


def test_security_headers(office_client):
    response = office_client.get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def contact():
    plan = HealthPlanFactory(name="Evergreen Health Plan")
    program = ProgramFactory(name="Radiology and Cardiology")
    return PlanContactFactory(
        health_plan=plan, program=program, phone="8005550101", fax="8005550102"
    )


def test_find_contact_information_shows_phone_and_fax(office_client, contact):
    response = office_client.get(
        reverse("portal:resources"),
        {"health_plan": contact.health_plan.pk, "program": contact.program.pk},
    )
    content = response.content.decode()
    assert "(800) 555-0101" in content
    assert "(800) 555-0102" in content


def test_find_contact_information_updates_in_place_with_htmx(office_client, contact):
    response = office_client.get(
        reverse("portal:resources"),
        {"health_plan": contact.health_plan.pk, "program": contact.program.pk},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "(800) 555-0101" in content
    assert "<html" not in content


def test_plan_without_that_solution_says_so(office_client, contact):
    other = ProgramFactory(name="Sleep Management")
    response = office_client.get(
        reverse("portal:resources"), {"health_plan": contact.health_plan.pk, "program": other.pk}
    )
    assert "does not use the portal for this solution" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "999999", "1 OR 1=1", "<b>x</b>"])
def test_find_contact_bad_choice_gets_a_message(office_client, contact, bad):
    response = office_client.get(
        reverse("portal:resources"), {"health_plan": bad, "program": contact.program.pk}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Select one of the health plans in the list." in content
    assert "<b>x</b>" not in content


def test_guidelines_for_every_plan_and_the_chosen_plan_only(office_client, contact):
    ProgramResourceFactory(program=contact.program, title="Radiology Imaging Guidelines")
    ProgramResourceFactory(
        program=contact.program, title="Evergreen Knee Worksheet", health_plan=contact.health_plan
    )
    other_plan = HealthPlanFactory(name="Prairie Mutual Health")
    ProgramResourceFactory(
        program=contact.program, title="Prairie Only Worksheet", health_plan=other_plan
    )
    general = office_client.get(reverse("portal:resources")).content.decode()
    assert "Radiology Imaging Guidelines" in general
    assert "Evergreen Knee Worksheet" not in general
    chosen = office_client.get(
        reverse("portal:resources"),
        {"health_plan": contact.health_plan.pk, "program": contact.program.pk},
    ).content.decode()
    assert "Evergreen Knee Worksheet" in chosen
    assert "Prairie Only Worksheet" not in chosen


def test_unknown_url_is_a_404_page(office_client):
    response = office_client.get("/no-such-page/")
    assert response.status_code == 404


def test_no_navigation_until_mfa_is_passed(client, office_user):
    client.force_login(office_user, verified=False)
    response = client.get(reverse("two_factor:setup"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Setting Up Multi-Factor Authentication" in content
    assert ">Eligibility Lookup</a>" not in content
    client.force_login(office_user)
    assert ">Eligibility Lookup</a>" in client.get(reverse("portal:home")).content.decode()
