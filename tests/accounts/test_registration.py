import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Office, TermsAcceptance, User
from accounts.registration.errors import (
    EMAIL_TAKEN,
    LINK_INVALID,
    TERMS_REQUIRED,
    USERNAME_TAKEN,
    RegistrationError,
)
from accounts.registration.services import registration_complete
from accounts.registration.views import LINK_SENT, SESSION_DATA
from accounts.signin import ratelimit
from accounts.signin.messages import TOO_MANY_EMAIL_REQUESTS
from eligibility.validators import npi_with_check_digit
from tests.factories.accounts import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register")
REVIEW = reverse("accounts:register-review")
TERMS = reverse("accounts:register-terms")
DONE = reverse("accounts:register-done")
NEW_LINK = reverse("accounts:password-link-new")
INVITE = reverse("accounts:invite")
LOGIN = reverse("accounts:login")

NPI = npi_with_check_digit("123456789")
LINK = re.compile(r"http://testserver(/accounts/register/password/[\w-]+/[\w-]+/)")
GOOD_PASSWORD = "Maple-Harbor-Quiet-81"

FORM = {
    "default_portal": "carecore",
    "username": "dr.jane.doe",
    "email": "jane.doe@lakesidefamily.example",
    "confirm_email": "jane.doe@lakesidefamily.example",
    "first_name": "Jane",
    "last_name": "Doe",
    "address1": "730 Cool Springs Blvd",
    "address2": "Suite 200",
    "city": "Franklin",
    "state": "TN",
    "zip_code": "37067",
    "phone": "(615) 548-4000",
    "phone_ext": "12",
    "fax": "615-548-4001",
    "office_name": "Lakeside Family Medicine",
    "npi": NPI,
    "tax_id": "62-1234567",
}

# What registration_complete receives: the form's cleaned data.
DATA = {
    **{name: value for name, value in FORM.items() if name != "confirm_email"},
    "phone": "6155484000",
    "fax": "6155484001",
    "tax_id": "621234567",
}


def link_path(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def register_through_review(client) -> None:
    assert client.post(REGISTER, FORM)["Location"] == REVIEW


@pytest.fixture
def registered(django_capture_on_commit_callbacks):
    """A user registered through the service, and the path of the link e-mailed to them."""
    with django_capture_on_commit_callbacks(execute=True):
        user = registration_complete(
            data=DATA, ip_address="203.0.113.7", now=timezone.now(), base_url="http://testserver/"
        )
    return user, link_path(mail.outbox[-1])


def open_password_page(client, path: str):
    """Follow the e-mailed link: the token moves into the session, out of the address."""
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    return response["Location"]


def log_in(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password, "hipaa_agreement": "on"})


# --- Creating An Account ---


def test_register_review_accept_then_done(client, django_capture_on_commit_callbacks, settings):
    form_page = client.get(REGISTER).content.decode()
    for text in (
        "Creating An Account",
        "Web Portal Preference",
        "Please select the Portal that is listed in your provider training material.",
        "User Information",
        "All Pre-Authorization notifications will be sent to the fax number and email address",
        "Individual NPI",
        "Required Field",
    ):
        assert text in form_page

    response = client.post(REGISTER, FORM)
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    assert not User.objects.exists()

    review = client.get(REVIEW).content.decode()
    assert "Please review the information before you submit this registration." in review
    for shown in (
        "CareCore National",
        "dr.jane.doe",
        "jane.doe@lakesidefamily.example",
        "Jane",
        "Doe",
        "730 Cool Springs Blvd",
        "Suite 200",
        "Franklin",
        "Tennessee",
        "37067",
        "(615) 548-4000",
        "(615) 548-4001",
        "Lakeside Family Medicine",
        NPI,
        "62-1234567",
        "Submit Registration",
    ):
        assert shown in review
    assert f'href="{REGISTER}">Back' in review
    assert f'href="{TERMS}">Submit Registration' in review

    terms = client.get(TERMS).content.decode()
    assert "User Access Agreement" in terms
    assert settings.PORTAL_NAME in terms
    assert "Accept Terms and Conditions" in terms
    assert "evicore" not in terms.lower()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(TERMS, {"accept_terms": "on"}, REMOTE_ADDR="203.0.113.7")
        # Nothing is sent before the rows are committed.
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert response["Location"] == DONE

    done = client.get(DONE).content.decode()
    assert "Registration Successful" in done
    assert (
        "Your Registration has been accepted. An email has been sent to your registered email "
        "account allowing you to set your password. Please close the browser." in done
    )

    user = User.objects.get()
    assert user.username == "dr.jane.doe"
    assert user.email == "jane.doe@lakesidefamily.example"
    assert (user.first_name, user.last_name) == ("Jane", "Doe")
    assert not user.is_active
    assert not user.has_usable_password()

    office = Office.objects.get()
    assert office.primary_contact == user
    assert office.registering_npi == NPI
    assert office.name == "Lakeside Family Medicine"
    assert office.default_portal == Office.DefaultPortal.CARECORE
    assert (office.address1, office.address2) == ("730 Cool Springs Blvd", "Suite 200")
    assert (office.city, office.state, office.zip_code) == ("Franklin", "TN", "37067")
    assert (office.phone, office.phone_ext, office.fax) == ("6155484000", "12", "6155484001")
    assert office.tax_id == "621234567"

    membership = Membership.objects.get()
    assert (membership.user, membership.office) == (user, office)
    assert membership.role == Membership.Role.OFFICE_ADMIN

    acceptance = TermsAcceptance.objects.get()
    assert acceptance.user == user
    assert acceptance.version == settings.USER_ACCESS_AGREEMENT_VERSION
    assert acceptance.ip_address == "203.0.113.7"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane.doe@lakesidefamily.example"]
    assert settings.PORTAL_NAME in message.subject
    assert message.alternatives == []
    path = link_path(message)
    assert "Your User ID: dr.jane.doe" in message.body
    assert "24 hours" in message.body
    # Nothing but the user's own name and User ID: no NPI, Tax ID, address or phone numbers.
    for absent in (NPI, "621234567", "6155484000", "Cool Springs", "Lakeside", "<"):
        assert absent not in message.body
    assert client.get(path).status_code == 302
    assert SESSION_DATA not in client.session


def test_back_from_review_fills_the_form_again(client):
    register_through_review(client)
    content = client.get(REGISTER).content.decode()
    assert 'value="dr.jane.doe"' in content
    assert content.count('value="jane.doe@lakesidefamily.example"') == 2
    assert 'value="Lakeside Family Medicine"' in content
    assert '<option value="TN" selected>' in content
    assert '<option value="carecore" selected>' in content


BAD_INPUT = [
    ("confirm_email", "jane@elsewhere.example", "The email addresses do not match."),
    ("state", "ZZ", "Select a state from the list."),
    ("zip_code", "3706", "Enter a ZIP code of 5 digits, or 5+4 (12345-6789)."),
    ("phone", "548-4000", "Enter a 10-digit phone or fax number, area code first."),
    ("fax", "12345", "Enter a 10-digit phone or fax number, area code first."),
    ("npi", NPI[:9] + str((int(NPI[9]) + 1) % 10), "its check digit does not match."),
    ("npi", "12345", "An NPI is 10 digits."),
    ("tax_id", "12-345", "A Tax ID is 9 digits (12-3456789)."),
    ("phone_ext", "ext. 12", "An extension is up to 8 digits."),
    ("default_portal", "", "Select the Default Portal listed in your provider training material."),
    ("office_name", "", "Enter the office name."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_named_next_to_its_field_and_the_rest_is_kept(client, field, value, message):
    response = client.post(REGISTER, {**FORM, field: value})
    content = response.content.decode()
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert list(response.context["form"].errors) == [field]
    assert message in content
    assert f'id="error_1_id_{field}"' in content
    for kept in ("dr.jane.doe", "Lakeside Family Medicine", "730 Cool Springs Blvd", "Franklin"):
        if FORM[field] != kept:
            assert f'value="{kept}"' in content
    if value and field not in ("state", "default_portal"):
        assert f'value="{value}"' in content
    assert SESSION_DATA not in client.session


def test_taken_user_name_is_not_available_whatever_its_case(client):
    UserFactory(username="Dr.Jane.Doe", email="someone.else@example.org", first_name="Zelda")
    response = client.post(REGISTER, FORM)
    content = response.content.decode()
    assert response.context["form"].errors == {"username": [USERNAME_TAKEN]}
    assert USERNAME_TAKEN in content
    # Whose it is stays unsaid.
    assert "someone.else@example.org" not in content
    assert "Zelda" not in content
    assert 'value="dr.jane.doe"' in content
    assert 'value="Lakeside Family Medicine"' in content


def test_taken_email_is_not_available_whatever_its_case(client):
    UserFactory(username="zelda", email="Jane.Doe@LakesideFamily.example", first_name="Zelda")
    response = client.post(REGISTER, FORM)
    content = response.content.decode()
    assert response.context["form"].errors == {"email": [EMAIL_TAKEN]}
    assert "zelda" not in content.lower()
    assert 'value="Lakeside Family Medicine"' in content


def test_skipping_ahead_goes_back_to_the_form(client):
    assert client.get(REVIEW)["Location"] == REGISTER
    assert client.get(TERMS)["Location"] == REGISTER
    assert client.post(TERMS, {"accept_terms": "on"})["Location"] == REGISTER
    assert client.get(DONE)["Location"] == REGISTER
    # Left over in the session in another shape: the same.
    session = client.session
    session[SESSION_DATA] = {"username": "dr.jane.doe"}
    session.save()
    assert client.get(REVIEW)["Location"] == REGISTER
    assert client.post(TERMS, {"accept_terms": "on"})["Location"] == REGISTER
    assert not User.objects.exists()


def test_terms_must_be_accepted(client):
    register_through_review(client)
    response = client.post(TERMS, {})
    assert response.status_code == 200
    assert response.context["form"].errors == {"accept_terms": [TERMS_REQUIRED]}
    assert not User.objects.exists()


def test_double_submit_of_the_terms_makes_one_account(client, django_capture_on_commit_callbacks):
    register_through_review(client)
    data = client.session[SESSION_DATA]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(TERMS, {"accept_terms": "on"})["Location"] == DONE
    # Sent again from the same page: the data has left the session.
    assert client.post(TERMS, {"accept_terms": "on"})["Location"] == REGISTER

    # Sent again from a second tab that still had it: the database says no.
    session = client.session
    session[SESSION_DATA] = data
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(TERMS, {"accept_terms": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == REGISTER
    assert USERNAME_TAKEN in response.content.decode()
    assert User.objects.count() == 1
    assert Office.objects.count() == 1
    assert len(mail.outbox) == 1


def test_registration_with_a_name_taken_meanwhile_creates_nothing():
    UserFactory(username="DR.JANE.DOE")
    with pytest.raises(RegistrationError) as raised:
        registration_complete(
            data=DATA, ip_address=None, now=timezone.now(), base_url="http://testserver/"
        )
    assert (raised.value.message, raised.value.field) == (USERNAME_TAKEN, "username")
    assert not Office.objects.exists()
    assert not TermsAcceptance.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_registration_racing_another_insert_creates_one_account():
    """Another connection has inserted the same user name but not yet committed: the check
    cannot see it, the insert waits for it, and the unique constraint's refusal becomes the
    same clear message."""
    inserted = threading.Event()

    def other_connection():
        try:
            with transaction.atomic():
                UserFactory(username="dr.jane.doe", email="other@example.org")
                inserted.set()
                threading.Event().wait(0.5)
        finally:
            connection.close()

    thread = threading.Thread(target=other_connection)
    thread.start()
    assert inserted.wait(5)
    try:
        with pytest.raises(RegistrationError) as raised:
            registration_complete(
                data=DATA, ip_address=None, now=timezone.now(), base_url="http://testserver/"
            )
    finally:
        thread.join()
    assert raised.value.field == "username"
    assert list(User.objects.values_list("email", flat=True)) == ["other@example.org"]
    assert not Office.objects.exists()


# --- Password Maintenance ---


def test_password_page_shows_the_rules(client, registered):
    _user, path = registered
    page = client.get(open_password_page(client, path)).content.decode()
    for text in (
        "Password Maintenance",
        "Please set up a new password for your account.",
        "New Password",
        "Confirm New Password",
        "At least 12 characters long",
        "Not only numbers",
        "Not a commonly used password",
        "Not too similar to your User Name",
        "js/password_rules.js",
    ):
        assert text in page
    # The registrant accepted the agreement already: it is not asked again.
    assert "Accept Terms and Conditions" not in page


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt!pass", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("dr.jane.doe1", "The password is too similar to the username."),
        ("123456789012", "This password is entirely numeric."),
    ],
)
def test_password_rules_are_enforced(client, registered, password, message):
    user, path = registered
    page = open_password_page(client, path)
    response = client.post(page, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password1"]
    assert message in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert not user.has_usable_password()


def test_passwords_that_differ_are_refused(client, registered):
    user, path = registered
    page = open_password_page(client, path)
    response = client.post(page, {"new_password1": GOOD_PASSWORD, "new_password2": "Other-81"})
    assert response.context["form"].errors == {
        "new_password2": ["The New Password and Confirm New Password do not match."]
    }
    user.refresh_from_db()
    assert not user.is_active


def test_setting_the_password_activates_and_the_user_can_log_in(client, registered):
    user, path = registered
    page = open_password_page(client, path)
    response = client.post(
        page, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(LOGIN, 302)]
    assert "Your password has been set. Please log in." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(GOOD_PASSWORD)

    response = log_in(client, "dr.jane.doe", GOOD_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    # Signed in; the first log-in sets up multi-factor authentication before anything else.
    assert client.get(reverse("portal:home"))["Location"] == reverse("two_factor:setup")
    setup = client.get(reverse("two_factor:setup"))
    assert "Setting Up Multi-Factor Authentication" in setup.content.decode()


def test_a_used_link_is_refused(client, registered):
    user, path = registered
    page = open_password_page(client, path)
    client.post(page, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})

    for again in (path, page):
        response = client.get(again)
        content = response.content.decode()
        assert response.status_code == 200
        assert LINK_INVALID in content
        assert "Send me a new link" in content
    response = client.post(page, {"new_password1": "Another-Pass-92", "new_password2": "x"})
    assert LINK_INVALID in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_an_expired_link_is_refused(client, registered):
    user, path = registered
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        response = client.get(path)
    assert response.status_code == 200
    assert LINK_INVALID in response.content.decode()
    assert "Send me a new link" in response.content.decode()


def test_a_link_that_expires_while_the_page_is_open_is_refused(client, registered, settings):
    user, path = registered
    settings.PASSWORD_RESET_TIMEOUT = 60
    page = open_password_page(client, path)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        response = client.post(
            page, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
        )
    assert LINK_INVALID in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.parametrize(
    "tamper",
    [
        lambda uid, token: (uid, token[:-1] + ("0" if token[-1] != "0" else "1")),
        lambda uid, token: ("@@@", token),
        lambda uid, token: ("MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODk", token),
        lambda uid, token: ("LTE", token),
        lambda uid, token: (uid, "set-password"),
        lambda uid, token: (uid, "not-a-token"),
    ],
)
def test_a_tampered_link_gets_a_clear_page(client, registered, tamper):
    _user, path = registered
    _, _, _, _, uid, token, _ = path.split("/")
    uid, token = tamper(uid, token)
    response = client.get(reverse("accounts:password-set", args=[uid, token]))
    assert response.status_code == 200
    assert LINK_INVALID in response.content.decode()


def test_another_users_link_cannot_set_this_users_password(client, registered):
    user, path = registered
    other = UserFactory(username="other.user")
    _, _, _, _, _uid, token, _ = path.split("/")
    other_uid = urlsafe_base64_encode(force_bytes(other.pk))
    response = client.get(reverse("accounts:password-set", args=[other_uid, token]))
    assert LINK_INVALID in response.content.decode()


# --- Send me a new link ---


@pytest.fixture
def fresh_request_limits():
    ratelimit.clear()
    yield
    ratelimit.clear()


def test_new_link_requests_are_limited_per_hour(client, fresh_request_limits, settings):
    settings.SIGNIN_EMAIL_REQUESTS_PER_HOUR = 2
    UserFactory(username="active.user", email="active@example.org")
    for _ in range(2):
        client.post(NEW_LINK, {"email": "active@example.org"})
    assert len(mail.outbox) == 2
    response = client.post(NEW_LINK, {"email": "Active@example.org"})
    assert response.status_code == 200
    assert TOO_MANY_EMAIL_REQUESTS in response.content.decode().replace("&#x27;", "'")
    assert len(mail.outbox) == 2


def test_new_link_answers_the_same_for_unknown_addresses(client, registered, fresh_request_limits):
    user, _path = registered
    mail.outbox.clear()
    known = client.post(NEW_LINK, {"email": "JANE.DOE@lakesidefamily.example"}, follow=True)
    unknown = client.post(NEW_LINK, {"email": "nobody@nowhere.example"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [(NEW_LINK, 302)]
    assert [str(m) for m in known.context["messages"]] == [LINK_SENT]
    assert [str(m) for m in unknown.context["messages"]] == [LINK_SENT]
    assert known.status_code == unknown.status_code == 200

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    page = open_password_page(client, link_path(mail.outbox[0]))
    client.post(page, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    user.refresh_from_db()
    assert user.is_active


def test_new_link_to_an_active_user_is_a_password_reset(client, fresh_request_limits):
    user = UserFactory(username="active.user", email="active@example.org")
    client.post(NEW_LINK, {"email": "active@example.org"})
    assert len(mail.outbox) == 1
    assert "Reset your password" in mail.outbox[0].subject
    page = open_password_page(client, link_path(mail.outbox[0]))
    client.post(page, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_no_new_link_for_an_account_an_administrator_deactivated(client, fresh_request_limits):
    UserFactory(username="left.the.office", email="left@example.org", is_active=False)
    response = client.post(NEW_LINK, {"email": "left@example.org"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [LINK_SENT]
    assert mail.outbox == []


def test_new_link_form_needs_an_email(client):
    response = client.post(NEW_LINK, {"email": "not-an-email"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["Enter a valid email."]}


# --- Invite a colleague ---


@pytest.fixture
def office_admin():
    return MembershipFactory(user__username="office.admin", role=Membership.Role.OFFICE_ADMIN).user


INVITE_FORM = {
    "username": "sam.nurse",
    "email": "sam.nurse@lakesidefamily.example",
    "first_name": "Sam",
    "last_name": "Rivera",
}


def test_office_admin_invites_a_colleague(client, office_admin, django_capture_on_commit_callbacks):
    client.force_login(office_admin)
    page = client.get(INVITE).content.decode()
    for label in ("User Name", "Email", "First Name", "Last Name", office_admin.office.name):
        assert label in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, INVITE_FORM, follow=True)
    assert response.redirect_chain == [(INVITE, 302)]
    assert "An invitation has been sent to sam.nurse@lakesidefamily.example" in (
        response.content.decode()
    )
    colleague = User.objects.get(username="sam.nurse")
    assert not colleague.is_active
    assert not colleague.has_usable_password()
    assert colleague.membership.office == office_admin.office
    assert colleague.membership.role == Membership.Role.OFFICE_USER

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.nurse@lakesidefamily.example"]
    assert office_admin.office.name in mail.outbox[0].body
    assert link_path(mail.outbox[0])


def test_invited_colleague_accepts_the_agreement_when_setting_a_password(
    client, office_admin, django_capture_on_commit_callbacks, settings
):
    client.force_login(office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(INVITE, INVITE_FORM)
    client.logout()
    colleague = User.objects.get(username="sam.nurse")
    page = open_password_page(client, link_path(mail.outbox[0]))
    assert "Accept Terms and Conditions" in client.get(page).content.decode()

    passwords = {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}
    response = client.post(page, passwords)
    assert response.context["form"].errors == {"accept_terms": [TERMS_REQUIRED]}
    colleague.refresh_from_db()
    assert not colleague.is_active

    response = client.post(page, {**passwords, "accept_terms": "on"}, REMOTE_ADDR="198.51.100.4")
    assert response["Location"] == LOGIN
    colleague.refresh_from_db()
    assert colleague.is_active
    acceptance = TermsAcceptance.objects.get(user=colleague)
    assert acceptance.version == settings.USER_ACCESS_AGREEMENT_VERSION
    assert acceptance.ip_address == "198.51.100.4"


def test_invitations_are_limited_per_office_and_day(
    client, office_admin, fresh_request_limits, settings, django_capture_on_commit_callbacks
):
    settings.INVITATIONS_PER_OFFICE_PER_DAY = 1
    client.force_login(office_admin)
    second = {**INVITE_FORM, "username": "kim.lee", "email": "kim.lee@lakesidefamily.example"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(INVITE, INVITE_FORM).status_code == 302
        response = client.post(INVITE, second)
    assert response.status_code == 429
    assert "as many invitations as it may today" in response.content.decode()
    assert 'value="kim.lee"' in response.content.decode()
    assert not User.objects.filter(username="kim.lee").exists()
    assert len(mail.outbox) == 1


def test_invite_refuses_taken_names(client, office_admin):
    UserFactory(username="Sam.Nurse", email="SAM.NURSE@lakesidefamily.example")
    client.force_login(office_admin)
    response = client.post(INVITE, INVITE_FORM)
    assert response.context["form"].errors == {
        "username": [USERNAME_TAKEN],
        "email": [EMAIL_TAKEN],
    }
    assert 'value="Rivera"' in response.content.decode()


def test_office_user_cannot_invite(client):
    office_user = MembershipFactory(role=Membership.Role.OFFICE_USER).user
    client.force_login(office_user)
    assert client.get(INVITE).status_code == 404
    assert client.post(INVITE, INVITE_FORM).status_code == 404
    assert not User.objects.filter(username="sam.nurse").exists()


def test_user_without_an_office_cannot_invite(client):
    client.force_login(UserFactory(username="no.office"))
    assert client.get(INVITE).status_code == 404


def test_anonymous_invite_goes_to_login(client):
    response = client.get(INVITE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={INVITE}"


# --- Methods ---


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", REGISTER),
        ("delete", REGISTER),
        ("post", REVIEW),
        ("put", TERMS),
        ("post", DONE),
        ("put", NEW_LINK),
        ("put", reverse("accounts:password-set", args=["MQ", "set-password"])),
    ],
)
def test_wrong_methods_are_refused(client, method, url):
    assert getattr(client, method)(url).status_code == 405


def test_wrong_method_on_invite_is_refused(client, office_admin):
    client.force_login(office_admin)
    assert client.put(INVITE).status_code == 405
