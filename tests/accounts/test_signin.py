"""Portal Login's HIPAA Disclosure and Remember User ID, Forgot User ID?, Forgot Password?,
the lockout, the session limits and the headers and cookies that keep patient data private."""

import datetime as dt
import re

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from accounts.signin import ratelimit
from accounts.signin.messages import duration_words, idle_timeout_message
from tests.conftest import pin_enter, totp_device_for, totp_token, verified_login
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
HOME = reverse("portal:home")
FORGOT_USER_ID = reverse("accounts:forgot-user-id")
PASSWORD_RESET = reverse("accounts:password-reset")
KEEP_ALIVE = reverse("accounts:session-keep-alive")
REMEMBER_COOKIE = "portal_user_id"
LOCKOUT_MESSAGE = "Too many failed log-in attempts. Your account is locked for 15 minutes."
FORGOT_USER_ID_ANSWER = "If an account uses this address, we have e-mailed its User ID."
START = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The counters live in Redis, outside the test database's transaction.
    ratelimit.clear()
    yield
    ratelimit.clear()


def log_in(client, username, password, **extra):
    data = {"username": username, "password": password, "hipaa_agreement": "on"}
    data.update({key: value for key, value in extra.items() if key.islower()})
    meta = {key: value for key, value in extra.items() if key.isupper()}
    return client.post(LOGIN, data, **meta)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Portal Login: HIPAA Disclosure ---


def test_login_page_shows_the_hipaa_disclosure_links_and_register_now(client, settings):
    content = client.get(LOGIN).content.decode()
    assert "I agree to HIPAA Disclosure" in content
    assert f"The {settings.PORTAL_NAME} contains protected health information" in content
    assert 'aria-describedby="hipaa-disclosure"' in content
    assert f'href="{FORGOT_USER_ID}">Forgot User ID?</a>' in content
    assert f'href="{PASSWORD_RESET}">Forgot Password?</a>' in content
    assert f'href="{reverse("accounts:register")}">Register Now</a>' in content
    assert "Remember User ID" in content


def test_hipaa_box_is_required_and_the_password_is_not_even_checked(client, office_user, password):
    response = client.post(LOGIN, {"username": "office.user", "password": password})
    content = response.content.decode()
    assert response.status_code == 200
    assert "You must agree to the HIPAA Disclosure to log in." in content
    # The message sits with the box, and the User ID is kept.
    box = content.index('name="hipaa_agreement"')
    assert box < content.index("You must agree to the HIPAA Disclosure") < box + 800
    assert 'value="office.user"' in content
    assert not signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_hipaa_box_ticked_logs_in(client, office_user, password):
    response = log_in(client, "office.user", password)
    assert response.status_code == 302
    assert signed_in(client)


# --- Remember User ID ---


def test_remember_user_id_sets_a_private_cookie_and_prefills_next_time(
    client, office_user, password
):
    response = log_in(client, "office.user", password, remember_user_id="on")
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie.value == "office.user"
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert not cookie["secure"]  # Secure in production only (SESSION_COOKIE_SECURE).

    client.post(LOGOUT)
    content = client.get(LOGIN).content.decode()
    assert re.search(r'name="username" value="office.user"', content)
    assert re.search(r'name="remember_user_id"[^>]*checked', content)
    # The box to agree is never ticked in advance.
    assert not re.search(r'name="hipaa_agreement"[^>]*checked', content)


def test_remember_user_id_cookie_is_secure_when_the_session_cookie_is(
    client, office_user, password, settings
):
    settings.SESSION_COOKIE_SECURE = True
    response = log_in(client, "office.user", password, remember_user_id="on")
    assert response.cookies[REMEMBER_COOKIE]["secure"] is True


def test_unticking_remember_user_id_forgets_it(client, office_user, password):
    log_in(client, "office.user", password, remember_user_id="on")
    client.post(LOGOUT)
    response = log_in(client, "office.user", password)
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 0
    client.post(LOGOUT)
    content = client.get(LOGIN).content.decode()
    assert "office.user" not in content
    assert not re.search(r'name="remember_user_id"[^>]*checked', content)


def test_a_failed_log_in_does_not_remember_the_user_id(client, office_user):
    response = log_in(client, "office.user", "wrong-password-1", remember_user_id="on")
    assert response.status_code == 200
    assert REMEMBER_COOKIE not in response.cookies


# --- Forgot User ID? ---


def test_forgot_user_id_emails_the_user_id(client, office_user):
    response = client.post(FORGOT_USER_ID, {"email": "OFFICE.USER@example.org"}, follow=True)
    assert response.redirect_chain == [(LOGIN, 302)]
    assert FORGOT_USER_ID_ANSWER in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["office.user@example.org"]
    assert "Your User ID: office.user" in message.body


def test_forgot_user_id_answers_the_same_for_an_unknown_address_and_sends_nothing(client):
    UserFactory(username="retired.user", email="retired@example.org", is_active=False)
    for email in ("nobody@example.org", "retired@example.org"):
        response = client.post(FORGOT_USER_ID, {"email": email}, follow=True)
        assert response.redirect_chain == [(LOGIN, 302)]
        assert FORGOT_USER_ID_ANSWER in response.content.decode()
    assert mail.outbox == []


def test_forgot_user_id_needs_a_valid_address(client):
    response = client.post(FORGOT_USER_ID, {"email": "not-an-address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert client.get(FORGOT_USER_ID).status_code == 200
    assert client.put(FORGOT_USER_ID).status_code == 405


def test_forgot_user_id_is_rate_limited_per_address(client, office_user, settings):
    settings.SIGNIN_EMAIL_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(FORGOT_USER_ID, {"email": "office.user@example.org"}).status_code == 302
    response = client.post(FORGOT_USER_ID, {"email": "office.user@example.org"})
    assert response.status_code == 429
    assert "Too many requests for e-mail" in response.content.decode()
    assert len(mail.outbox) == 2
    # An unknown address is limited the same way: the limit says nothing about accounts.
    for _ in range(2):
        client.post(FORGOT_USER_ID, {"email": "nobody@example.org"})
    assert client.post(FORGOT_USER_ID, {"email": "nobody@example.org"}).status_code == 429


def test_forgot_user_id_is_rate_limited_per_client_address(client, settings):
    settings.SIGNIN_CLIENT_REQUESTS_PER_HOUR = 3
    for number in range(3):
        response = client.post(FORGOT_USER_ID, {"email": f"person{number}@example.org"})
        assert response.status_code == 302
    assert client.post(FORGOT_USER_ID, {"email": "person9@example.org"}).status_code == 429
    other = client.post(FORGOT_USER_ID, {"email": "person9@example.org"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


# --- Forgot Password? ---


def test_password_reset_sets_a_new_password_and_does_not_sign_in(client, office_user):
    response = client.post(PASSWORD_RESET, {"email": "office.user@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)

    response = client.get(link)  # Django moves the token out of the URL, into the session.
    set_password_url = response["Location"]
    content = client.get(set_password_url).content.decode()
    assert "Set a new password" in content
    new_password = "a-brand-new-secret-2026"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert not signed_in(client)
    assert (
        "Log in with your User ID and your new password"
        in client.get(response["Location"]).content.decode()
    )

    office_user.refresh_from_db()
    assert office_user.check_password(new_password)
    assert log_in(client, "office.user", new_password).status_code == 302
    # The link works once.
    client.post(LOGOUT)
    assert "This link is not valid" in client.get(link, follow=True).content.decode()


def test_password_reset_answers_the_same_for_an_unknown_address(client):
    response = client.post(PASSWORD_RESET, {"email": "nobody@example.org"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:password-reset-done"), 302)]
    assert "If an account uses this address" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_is_rate_limited(client, office_user, settings):
    settings.SIGNIN_EMAIL_REQUESTS_PER_HOUR = 1
    assert client.post(PASSWORD_RESET, {"email": "office.user@example.org"}).status_code == 302
    response = client.post(PASSWORD_RESET, {"email": "office.user@example.org"})
    assert response.status_code == 429
    assert "Too many requests for e-mail" in response.content.decode()
    assert len(mail.outbox) == 1


# --- Lockout (django-axes) ---


def fail_five_times(client, username="office.user", **meta):
    responses = [log_in(client, username, f"wrong-password-{n}", **meta) for n in range(5)]
    return responses


def test_five_failures_lock_that_user_at_that_address(client, office_user, password):
    with time_machine.travel(START, tick=False):
        responses = fail_five_times(client)
        assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
        assert "Please enter a correct User ID and password" in responses[0].content.decode()

        # The right password is refused too, with the message on the login page.
        response = log_in(client, "office.user", password)
        content = response.content.decode()
        assert response.status_code == 429
        assert LOCKOUT_MESSAGE in content
        assert "Portal Login" in content
        assert 'value="office.user"' in content
        assert not signed_in(client)


def test_lockout_leaves_other_addresses_and_other_users_alone(client, office_user, password):
    UserFactory(username="colleague")
    with time_machine.travel(START, tick=False):
        fail_five_times(client)
        assert log_in(client, "office.user", password).status_code == 429

        elsewhere = Client()
        assert log_in(elsewhere, "office.user", password, REMOTE_ADDR="10.1.2.3").status_code == 302
        colleague = Client()
        assert log_in(colleague, "colleague", password).status_code == 302


def test_lockout_ends_after_15_minutes(client, office_user, password):
    with time_machine.travel(START, tick=False) as traveller:
        fail_five_times(client)
        traveller.shift(dt.timedelta(minutes=14, seconds=59))
        assert log_in(client, "office.user", password).status_code == 429
        # Each try while locked starts the 15 minutes again.
        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert log_in(client, "office.user", password).status_code == 302
        assert signed_in(client)


def test_a_successful_log_in_resets_the_failures(client, office_user, password):
    with time_machine.travel(START, tick=False):
        for n in range(4):
            log_in(client, "office.user", f"wrong-password-{n}")
        assert AccessAttempt.objects.get(username="office.user").failures_since_start == 4
        assert log_in(client, "office.user", password).status_code == 302
        assert not AccessAttempt.objects.filter(username="office.user").exists()
        client.post(LOGOUT)
        for n in range(4):
            assert log_in(client, "office.user", f"wrong-password-{n}").status_code == 200


def test_attempts_log_ins_and_log_outs_are_written(client, office_user, password):
    log_in(client, "office.user", "wrong-password-1")
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "office.user",
        "127.0.0.1",
        1,
    )
    assert "wrong-password-1" not in attempt.post_data
    failure = AccessFailureLog.objects.get()
    assert (failure.username, failure.locked_out) == ("office.user", False)

    log_in(client, "office.user", password)
    entry = AccessLog.objects.get()
    assert (entry.username, entry.ip_address, entry.logout_time) == (
        "office.user",
        "127.0.0.1",
        None,
    )
    client.post(LOGOUT)
    entry.refresh_from_db()
    assert entry.logout_time is not None


def test_a_lockout_is_logged_as_such(client, office_user):
    fail_five_times(client)
    assert list(
        AccessFailureLog.objects.order_by("attempt_time").values_list("locked_out", flat=True)
    ) == [False, False, False, False, True]


def test_axes_records_are_in_the_admin(admin_client_logged_in):
    for model in ("accessattempt", "accesslog", "accessfailurelog"):
        response = admin_client_logged_in.get(reverse(f"admin:axes_{model}_changelist"))
        assert response.status_code == 200, model


# --- Sessions ---


def test_log_in_gives_a_new_session_id_and_ends_the_old_one(client, office_user, password):
    client.get(LOGIN)
    session = client.session
    session["before_log_in"] = True
    session.save()
    before = session.session_key

    log_in(client, "office.user", password)
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_log_off_is_post_only_and_ends_the_session(office_client):
    office_client.get(HOME)
    key = office_client.session.session_key
    assert office_client.get(LOGOUT).status_code == 405
    assert office_client.post(LOGOUT)["Location"] == LOGIN
    assert not Session.objects.filter(session_key=key).exists()
    assert office_client.get(HOME).status_code == 302


def test_idle_session_is_signed_out_by_the_server(client, office_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        assert client.get(HOME).status_code == 200
        traveller.shift(59)
        assert client.get(HOME).status_code == 200  # in time, and itself activity
        key = client.session.session_key

        traveller.shift(61)
        response = client.get(reverse("eligibility:lookup"))
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next=/eligibility/"
        assert not Session.objects.filter(session_key=key).exists()
        assert not signed_in(client)

        content = client.get(response["Location"]).content.decode()
        assert "You were signed out after 1 minute without activity." in content
        assert "Portal Login" in content


def test_idle_message_names_the_configured_limit():
    assert idle_timeout_message() == "You were signed out after 15 minutes without activity."
    assert duration_words(8 * 60 * 60) == "8 hours"
    assert duration_words(60) == "1 minute"
    assert duration_words(8) == "8 seconds"


def test_idle_time_out_sends_htmx_requests_to_the_login_page(client, office_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        client.get(HOME)
        traveller.shift(61)
        response = client.get(
            reverse("eligibility:diagnosis-lookup") + "?q=M54",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/eligibility/?x=1",
        )
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{LOGIN}?next=/eligibility/"
        assert not signed_in(client)


def test_a_form_sent_after_the_idle_limit_is_not_sent_again_after_log_in(
    client, office_user, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        client.get(HOME)
        traveller.shift(61)
        response = client.post(reverse("eligibility:lookup"), {"patient_id": "X"})
        assert response["Location"] == LOGIN
        assert not signed_in(client)


def test_session_ends_at_the_absolute_limit_whatever_the_activity(
    client, office_user, password, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    settings.SESSION_ABSOLUTE_SECONDS = 300
    device = totp_device_for(office_user)
    with time_machine.travel(START, tick=False) as traveller:
        assert log_in(client, "office.user", password).status_code == 200  # Verify your identity
        assert pin_enter(client, totp_token(device)).status_code == 302
        for _ in range(6):  # a request every 50 seconds, up to 300 seconds after log-in
            traveller.shift(50)
            assert client.get(HOME).status_code == 200
        traveller.shift(1)
        response = client.get(HOME)
        assert response["Location"] == f"{LOGIN}?next=/"
        assert not signed_in(client)
        content = client.get(response["Location"]).content.decode()
        assert "sessions end 5 minutes after log-in" in content


def test_keep_alive_extends_the_idle_limit(client, office_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        client.get(HOME)
        traveller.shift(50)
        response = client.post(KEEP_ALIVE)
        assert response.status_code == 204
        assert response.content == b""
        traveller.shift(50)  # 100 seconds after the page, 50 after "Stay signed in"
        assert client.get(HOME).status_code == 200


def test_responses_tell_scripts_the_seconds_left(client, office_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        assert client.get(HOME)["X-Session-Idle-Remaining"] == "60"
        traveller.shift(1)
        # Within the resolution (2 s for a 60 s limit) the activity is not written again.
        assert client.get(HOME)["X-Session-Idle-Remaining"] == "59"
        assert client.post(KEEP_ALIVE)["X-Session-Idle-Remaining"] == "60"
        assert "X-Session-Idle-Remaining" not in client.post(LOGOUT)
        assert "X-Session-Idle-Remaining" not in client.get(LOGIN)


def session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]


def test_a_burst_of_requests_writes_the_session_once(client, office_user):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        # The clock starts at the log-in: the first pages need no write.
        assert session_writes(client, HOME) == []
        traveller.shift(29)
        assert session_writes(client, HOME) == []
        traveller.shift(1)  # 30 s: 1/30 of the 15-minute limit
        assert len(session_writes(client, HOME)) == 1
        assert session_writes(client, HOME) == []
        stored = Session.objects.get(session_key=client.session.session_key).get_decoded()
        assert stored["signin_last_activity"] == int(START.timestamp()) + 30


def test_keep_alive_is_post_only_and_needs_the_csrf_token(office_user):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, office_user)
    assert client.get(KEEP_ALIVE).status_code == 405
    assert client.post(KEEP_ALIVE).status_code == 403
    client.get(HOME)
    token = client.cookies["csrftoken"].value
    assert client.post(KEEP_ALIVE, HTTP_X_CSRFTOKEN=token).status_code == 204


def test_keep_alive_after_the_limit_does_not_revive_the_session(client, office_user, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(office_user)
        client.get(HOME)
        traveller.shift(61)
        assert client.post(KEEP_ALIVE).status_code == 302
        assert not signed_in(client)


def test_keep_alive_needs_a_signed_in_user(client):
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_signed_in_pages_carry_the_limits_for_the_warning(office_client):
    content = office_client.get(HOME).content.decode()

    def seconds(name: str) -> int:
        return int(re.search(rf'data-session-{name}-seconds="(\d+)"', content).group(1))

    # Counted from the log-in a moment ago: a slow machine may already be a second or two on.
    assert 895 <= seconds("idle-remaining") <= 900
    assert seconds("warning") == 60
    assert 28795 <= seconds("absolute-remaining") <= 28800
    assert f'data-session-keep-alive-url="{KEEP_ALIVE}"' in content
    assert "js/idle_timeout.js" in content
    assert "Your session is about to expire" in content
    assert "Stay signed in" in content


def test_pages_for_anonymous_visitors_have_no_warning(client):
    content = client.get(LOGIN).content.decode()
    assert "data-session-idle-remaining-seconds" not in content
    assert "idle_timeout.js" not in content


def test_htmx_sends_the_csrf_token_from_a_header(client):
    response = client.get(LOGIN)
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", response.content.decode())
    assert token
    assert response.cookies["csrftoken"]["httponly"] is True


# --- Headers and cookies ---


def test_signed_in_pages_are_never_stored(office_client):
    for name in ("portal:home", "portal:help", "eligibility:lookup"):
        cache_control = office_client.get(reverse(name))["Cache-Control"]
        assert "no-store" in cache_control, name
        assert "private" in cache_control, name


def test_public_pages_for_visitors_need_no_no_store(client):
    assert "no-store" not in client.get(reverse("portal:help")).get("Cache-Control", "")


def test_session_and_csrf_cookies_are_http_only_and_lax(client, office_user, password):
    client.get(LOGIN)
    response = log_in(client, "office.user", password)
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert response.cookies["csrftoken"]["httponly"] is True
    assert User.objects.get(username="office.user").last_login is not None
