import pytest
from playwright.sync_api import expect

from accounts.models import Membership, OfficePractitioner, User
from tests.e2e.conftest import sign_in
from tests.factories.accounts import MembershipFactory, OfficeFactory, UserFactory
from tests.factories.eligibility import PractitionerAddressFactory, PractitionerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WARNING = "Providers must be added to your account before cases can be submitted over the web."


def test_office_adds_a_practitioner_and_the_home_warning_goes(
    live_server, page, screenshot, password
):
    office = OfficeFactory(name="Lakeside Family Medicine")
    MembershipFactory(
        office=office, user=UserFactory(username="office.admin"), role=Membership.Role.OFFICE_ADMIN
    )
    practitioner = PractitionerFactory(first_name="Grace", last_name="Michael", npi="1234567893")
    PractitionerAddressFactory(practitioner=practitioner, state="TN", zip_code="37067")

    sign_in(page, live_server.url, User.objects.get(username="office.admin"), password)
    expect(page.get_by_text(WARNING)).to_be_visible()
    screenshot("add_practitioner_01_home_warning")

    page.get_by_role("link", name="Manage Your Account").first.click()
    expect(page.get_by_role("heading", name="Manage Your Account")).to_be_visible()
    expect(page.get_by_text("No providers on file")).to_be_visible()
    screenshot("add_practitioner_02_manage_account")

    page.get_by_role("link", name="ADD PROVIDER").click()
    page.get_by_label("Practitioner NPI").fill("1234567890")
    page.get_by_label("Practitioner State").select_option("TN")
    page.get_by_label("Practitioner Zip").fill("37067")
    page.get_by_role("button", name="FIND MATCHES").click()
    expect(page.get_by_text("its check digit does not match")).to_be_visible()
    expect(page.get_by_label("Practitioner Zip")).to_have_value("37067")

    page.get_by_label("Practitioner NPI").fill("1234567893")
    page.get_by_role("button", name="FIND MATCHES").click()
    expect(page.get_by_text("Is this the practitioner you would like to register?")).to_be_visible()
    screenshot("add_practitioner_03_matches")
    page.get_by_role("button", name="ADD THIS PRACTITIONER").click()

    expect(page.get_by_text("Thank you for registering")).to_be_visible()
    screenshot("add_practitioner_04_thank_you")
    page.get_by_role("link", name="CONTINUE").click()
    expect(page.get_by_role("cell", name="Michael, Grace, MD")).to_be_visible()
    screenshot("add_practitioner_05_provider_listed")
    assert OfficePractitioner.objects.filter(office=office, practitioner=practitioner).exists()

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_text("You are logged in as")).to_be_visible()
    expect(page.get_by_text(WARNING)).to_have_count(0)
