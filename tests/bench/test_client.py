"""The pure parts of the bench's log-in: the authenticator app's code and the form fields."""

import time

from django_otp.oath import totp

from bench.client import hidden_fields, input_named, page_errors, totp_code

# RFC 6238, appendix B (SHA-1): the 20-byte ASCII key "12345678901234567890".
RFC_KEY = b"12345678901234567890".hex()

LOG_OFF_FORM = b"""<nav><form method="post" action="/accounts/logout/" class="d-inline ms-2">
<input type="hidden" name="csrfmiddlewaretoken" value="nav-token"></form></nav>"""

VERIFY_PAGE = b"""<!doctype html><html><body>
<h1 class="h4 mb-3">Verify your identity</h1>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="abc&amp;123">
  <input type="hidden" name="portal_login_view-current_step" value="token"
         id="id_portal_login_view-current_step">
  <input type="hidden" name="next" value="">
  <div class="alert alert-danger" role="alert">Invalid PIN.
     Try again.</div>
  <input type="text" name="token-otp_token" inputmode="numeric" id="id_token-otp_token">
  <input type="checkbox" name="token-remember" id="id_token-remember">
  <button type="submit">Continue</button>
</form>
<form method="post" action="/accounts/login/">
  <input type="hidden" name="challenge_device" value="other"></form>
</body></html>"""


def test_codes_are_the_last_six_digits_of_the_rfc_6238_test_vectors():
    assert totp_code(RFC_KEY, at=59) == "287082"
    assert totp_code(RFC_KEY, at=1234567890) == "005924"
    assert totp_code(RFC_KEY, at=1111111109) == "081804"


def test_codes_keep_their_leading_zeros():
    assert totp_code(RFC_KEY, at=1234567890) == "005924"
    assert all(len(totp_code(RFC_KEY, at=step * 30)) == 6 for step in range(200))


def test_a_code_holds_for_its_30_second_step():
    assert totp_code(RFC_KEY, at=60) == totp_code(RFC_KEY, at=89.9)
    assert totp_code(RFC_KEY, at=60) != totp_code(RFC_KEY, at=90)


def test_the_current_code_is_django_otps():
    key = "3132333435363738393031323334353637383930"
    step = int(time.time()) // 30
    code = totp_code(key)
    if int(time.time()) // 30 == step:
        assert code == f"{totp(bytes.fromhex(key)):06d}"


def test_hidden_fields_of_the_first_form_with_entities_unescaped():
    assert hidden_fields(VERIFY_PAGE) == {
        "csrfmiddlewaretoken": "abc&123",
        "portal_login_view-current_step": "token",
        "next": "",
    }


def test_hidden_fields_come_from_the_first_form_posting_to_the_login_page():
    assert hidden_fields(LOG_OFF_FORM + VERIFY_PAGE)["csrfmiddlewaretoken"] == "abc&123"
    assert hidden_fields(LOG_OFF_FORM, "/accounts/logout/") == {"csrfmiddlewaretoken": "nav-token"}
    assert hidden_fields(LOG_OFF_FORM) == {}
    assert hidden_fields(b"<p>no form</p>") == {}


def test_the_token_input_is_found_with_its_wizard_prefix():
    assert input_named(VERIFY_PAGE, "otp_token") == "token-otp_token"
    assert input_named(LOG_OFF_FORM + VERIFY_PAGE, "otp_token") == "token-otp_token"
    assert input_named(b'<form><input name="otp_token"></form>', "otp_token") == "otp_token"
    assert input_named(VERIFY_PAGE, "token") is None
    assert input_named(b"<form><input name='x-otp_token'></form>", "password") is None


def test_page_errors_are_the_alerts_text_on_one_line():
    assert page_errors(VERIFY_PAGE) == "Invalid PIN. Try again."
    assert page_errors(b"<p>fine</p>") == ""
