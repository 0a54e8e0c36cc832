import pytest
from django.urls import reverse

from accounts.models import Membership, OfficePractitioner
from tests.factories.accounts import (
    MembershipFactory,
    OfficeFactory,
    OfficePractitionerFactory,
    UserFactory,
)
from tests.factories.eligibility import PractitionerAddressFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

MANAGE = reverse("accounts:manage")
ADD = reverse("accounts:add-practitioner")
CONFIRM = reverse("accounts:add-practitioner-confirm")


@pytest.fixture
def office():
    return OfficeFactory(name="Lakeside Family Medicine")


@pytest.fixture
def admin_member(client, office):
    membership = MembershipFactory(
        office=office, role=Membership.Role.OFFICE_ADMIN, user=UserFactory(username="office.admin")
    )
    office.primary_contact = membership.user
    office.save()
    return membership


@pytest.fixture
def member(office):
    return MembershipFactory(office=office, user=UserFactory(username="colleague"))


@pytest.fixture
def practitioner():
    practitioner = PractitionerFactory(last_name="Michael", first_name="Grace", npi="1234567893")
    PractitionerAddressFactory(
        practitioner=practitioner, address1="730 Cool Springs Blvd", state="TN", zip_code="37067"
    )
    return practitioner


def signed_in(client, membership):
    client.force_login(membership.user)
    return client


def test_manage_your_account_shows_the_office(client, admin_member):
    content = signed_in(client, admin_member).get(MANAGE).content.decode()
    for text in (
        "Manage Your Account",
        "Lakeside Family Medicine",
        # The factory's street number follows the offices made before (730 for the first).
        admin_member.office.address1,
        "Franklin, TN 37067",
        admin_member.user.email,
        "CHANGE PASSWORD",
        "EDIT ACCOUNT",
        "ADD PROVIDER",
        "Click Column Headings to Sort",
        "No providers on file",
    ):
        assert text in content


def test_office_user_sees_no_edit_or_remove(client, member, practitioner):
    OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    content = signed_in(client, member).get(MANAGE).content.decode()
    assert "Michael, Grace" in content
    assert "EDIT ACCOUNT" not in content
    assert ">Remove<" not in content


def test_user_without_an_office_gets_404(client, office_user):
    client.force_login(office_user)
    for url in (MANAGE, ADD, reverse("accounts:edit-account")):
        assert client.get(url).status_code == 404


def test_add_practitioner_finds_matches_by_npi_state_and_zip(client, member, practitioner):
    response = signed_in(client, member).post(
        ADD, {"npi": "1234567893", "state": "TN", "zip_code": "37067-1234"}
    )
    content = response.content.decode()
    assert "This following practitioner record(s) were found to match the requested NPI" in content
    assert "Michael, Grace" in content
    assert "(615) 548-4000" in content
    assert "ADD THIS PRACTITIONER" in content


def test_add_this_practitioner_links_it_once(client, member, practitioner):
    signed_in(client, member)
    response = client.post(CONFIRM, {"practitioner": practitioner.pk})
    assert response["Location"] == reverse("accounts:practitioner-added")
    added = client.get(response["Location"]).content.decode()
    assert "Thank you for registering" in added
    assert "ADD ANOTHER PRACTITIONER" in added
    assert "CONTINUE" in added
    link = OfficePractitioner.objects.get()
    assert (link.office, link.practitioner, link.added_by) == (
        member.office,
        practitioner,
        member.user,
    )
    again = client.post(CONFIRM, {"practitioner": practitioner.pk}, follow=True)
    assert "This practitioner is already on your account." in again.content.decode()
    assert OfficePractitioner.objects.count() == 1


def test_already_linked_practitioner_says_so_next_to_the_npi(client, member, practitioner):
    OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    response = signed_in(client, member).post(
        ADD, {"npi": "1234567893", "state": "TN", "zip_code": "37067"}
    )
    assert "This practitioner is already on your account." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"npi": "1234567890"}, "its check digit does not match"),
        ({"npi": "12345"}, "An NPI is 10 digits."),
        ({"npi": ""}, "Enter the practitioner&#x27;s 10-digit NPI."),
        ({"state": "ZZ"}, "Select a state from the list."),
        ({"zip_code": "3706"}, "Enter a ZIP code of 5 digits"),
        ({"state": "KY"}, "No practitioner record matches this NPI, state and ZIP code."),
        ({"zip_code": "90210"}, "No practitioner record matches this NPI, state and ZIP code."),
        ({"npi": "1245319599"}, "No practitioner record matches this NPI, state and ZIP code."),
    ],
)
def test_add_practitioner_bad_input(client, member, practitioner, data, message):
    form = {"npi": "1234567893", "state": "TN", "zip_code": "37067", **data}
    response = signed_in(client, member).post(ADD, form)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert f'value="{form["zip_code"]}"' in content
    assert not OfficePractitioner.objects.exists()


@pytest.mark.parametrize("value", ["", "abc", "999999999"])
def test_confirm_with_a_bad_practitioner_is_404(client, member, value):
    assert signed_in(client, member).post(CONFIRM, {"practitioner": value}).status_code == 404


def test_office_admin_removes_a_provider(client, admin_member, practitioner):
    link = OfficePractitionerFactory(office=admin_member.office, practitioner=practitioner)
    response = signed_in(client, admin_member).post(
        reverse("accounts:remove-provider", args=[link.pk]), follow=True
    )
    assert "was removed from your account" in response.content.decode()
    assert not OfficePractitioner.objects.exists()


def test_office_user_cannot_remove_a_provider(client, member, practitioner):
    link = OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    url = reverse("accounts:remove-provider", args=[link.pk])
    assert signed_in(client, member).post(url).status_code == 404
    assert OfficePractitioner.objects.filter(pk=link.pk).exists()


def test_another_offices_provider_is_404(client, admin_member, practitioner):
    other = OfficePractitionerFactory(practitioner=practitioner)
    url = reverse("accounts:remove-provider", args=[other.pk])
    assert signed_in(client, admin_member).post(url).status_code == 404
    assert OfficePractitioner.objects.filter(pk=other.pk).exists()


def test_remove_by_get_is_refused(client, admin_member, practitioner):
    link = OfficePractitionerFactory(office=admin_member.office, practitioner=practitioner)
    url = reverse("accounts:remove-provider", args=[link.pk])
    assert signed_in(client, admin_member).get(url).status_code == 405


def test_providers_sort_by_column_heading(client, member):
    for last, npi, city in (("Adams", "1003000126", "Zion"), ("Baker", "1245319599", "Akron")):
        practitioner = PractitionerFactory(last_name=last, npi=npi)
        PractitionerAddressFactory(practitioner=practitioner, city=city)
        OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    signed_in(client, member)
    by_name = client.get(MANAGE).content.decode()
    assert by_name.index("Adams") < by_name.index("Baker")
    by_city = client.get(MANAGE, {"sort": "city"}).content.decode()
    assert by_city.index("Baker") < by_city.index("Adams")
    descending = client.get(MANAGE, {"sort": "-name"}).content.decode()
    assert descending.index("Baker") < descending.index("Adams")
    odd = client.get(MANAGE, {"sort": "password;drop"})
    assert odd.status_code == 200


def test_manage_page_queries_do_not_grow_with_providers(
    client, member, django_assert_max_num_queries
):
    for _ in range(12):
        practitioner = PractitionerFactory()
        PractitionerAddressFactory(practitioner=practitioner)
        OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    signed_in(client, member)
    # 6 for the page, 1 for django-otp's check of the session's verified MFA device.
    with django_assert_max_num_queries(6 + 1):
        assert client.get(MANAGE).status_code == 200


def test_edit_account_by_the_office_admin(client, admin_member):
    url = reverse("accounts:edit-account")
    data = {
        "name": "Lakeside Family Medicine North",
        "address1": "1 Main Street",
        "address2": "",
        "city": "Nashville",
        "state": "TN",
        "zip_code": "37203",
        "phone": "(615) 555-0100",
        "phone_ext": "12",
        "fax": "1-615-555-0101",
        "tax_id": "62-1234567",
    }
    response = signed_in(client, admin_member).post(url, data)
    assert response["Location"] == MANAGE
    admin_member.office.refresh_from_db()
    assert admin_member.office.name == "Lakeside Family Medicine North"
    assert admin_member.office.phone == "6155550100"
    assert admin_member.office.fax == "6155550101"
    assert admin_member.office.tax_id == "621234567"


def test_edit_account_bad_input_keeps_the_rest(client, admin_member):
    url = reverse("accounts:edit-account")
    data = {
        "name": "Renamed",
        "address1": "1 Main Street",
        "city": "Nashville",
        "state": "XX",
        "zip_code": "1",
        "phone": "555",
        "phone_ext": "ext. 12",
        "fax": "6155550101",
    }
    content = signed_in(client, admin_member).post(url, data).content.decode()
    assert "Select a state from the list." in content
    assert "An extension is up to 8 digits." in content
    assert "Enter a ZIP code of 5 digits" in content
    assert "Enter a 10-digit phone or fax number" in content
    assert 'value="Renamed"' in content
    admin_member.office.refresh_from_db()
    assert admin_member.office.name == "Lakeside Family Medicine"


def test_edit_account_is_404_for_office_users(client, member):
    assert signed_in(client, member).get(reverse("accounts:edit-account")).status_code == 404


def test_change_password(client, member, password):
    signed_in(client, member)
    response = client.post(
        reverse("accounts:change-password"),
        {
            "old_password": password,
            "new_password1": "a-much-longer-passphrase-2026",
            "new_password2": "a-much-longer-passphrase-2026",
        },
    )
    assert response["Location"] == MANAGE
    member.user.refresh_from_db()
    assert member.user.check_password("a-much-longer-passphrase-2026")


def test_home_warns_until_the_office_has_a_provider(client, member, practitioner):
    signed_in(client, member)
    warning = "Providers must be added to your account before cases can be submitted over the web."
    assert warning in client.get(reverse("portal:home")).content.decode()
    OfficePractitionerFactory(office=member.office, practitioner=practitioner)
    assert warning not in client.get(reverse("portal:home")).content.decode()


def test_navigation_shows_manage_your_account_to_office_users(client, member, office_user):
    assert ">Manage Your Account</a>" in signed_in(client, member).get("/").content.decode()
    client.force_login(office_user)
    assert "Manage Your Account" not in client.get("/").content.decode()
