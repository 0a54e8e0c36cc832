"""A small HTTP session over one keep-alive connection: cookies, CSRF tokens, timings.

Standard library only. The server runs production settings, so its cookies are marked Secure;
this client talks plain HTTP on the loopback and sends them anyway, as a TLS-terminating proxy
in front of gunicorn would.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django_otp.oath import hotp

LOGIN_PATH = "/accounts/login/"
HOME_PATH = "/"
TOTP_STEP_SECONDS = 30

_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM = re.compile(r"<form\b.*?</form>", re.DOTALL | re.IGNORECASE)
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')
_ERROR = re.compile(
    r'class="[^"]*\b(?:alert-danger|invalid-feedback)\b[^"]*"[^>]*>(.*?)</', re.DOTALL
)
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
_RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class BenchError(Exception):
    """The server did not answer as a working portal would (bad log-in, missing form)."""


def totp_code(key: str, at: float | None = None) -> str:
    """The 6-digit code (zero-padded) an authenticator app shows at `at` (now by default) for
    the TOTP device with hex `key` (django-otp's defaults: 30-second steps from 0, no drift)."""
    now = time.time() if at is None else at
    return f"{hotp(bytes.fromhex(key), int(now) // TOTP_STEP_SECONDS, digits=6):06d}"


def _inputs(form: str) -> list[dict[str, str]]:
    return [
        {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}
        for tag in _INPUT.findall(form)
    ]


def _form_posting_to(page: bytes, path: str) -> str:
    """The first form of the page that posts to `path` (its action is `path`, or none: the page
    itself); "" when there is none. Skips, say, the navigation bar's Log Off form."""
    for found in _FORM.finditer(page.decode("utf-8", "replace")):
        start_tag = found.group(0)[: found.group(0).index(">") + 1]
        action = dict(_ATTRIBUTE.findall(start_tag)).get("action", "")
        if html.unescape(action) in ("", path):
            return found.group(0)
    return ""


def hidden_fields(page: bytes, path: str = LOGIN_PATH) -> dict[str, str]:
    """Name and value of the hidden inputs of the form posting to `path` (the CSRF token, the
    wizard's step, `next`): what a browser posts back without the user typing anything."""
    return {
        attributes["name"]: attributes.get("value", "")
        for attributes in _inputs(_form_posting_to(page, path))
        if attributes.get("type", "").lower() == "hidden" and "name" in attributes
    }


def input_named(page: bytes, suffix: str, path: str = LOGIN_PATH) -> str | None:
    """The full name of the input of the form posting to `path` whose name is `suffix` or ends
    with "-suffix" (a wizard step's prefix): "token-otp_token" for "otp_token"."""
    for attributes in _inputs(_form_posting_to(page, path)):
        name = attributes.get("name", "")
        if name == suffix or name.endswith(f"-{suffix}"):
            return name
    return None


def page_errors(page: bytes) -> str:
    """The error messages a form page shows, for a report ("" when none)."""
    text = page.decode("utf-8", "replace")
    messages = (" ".join(html.unescape(m).split()) for m in _ERROR.findall(text))
    return "; ".join(m for m in messages if m)


@dataclass(frozen=True)
class LoginTiming:
    """The two POSTs of a log-in (credentials, then the MFA code), added up."""

    client_ms: float
    # None when either answer lacks the Server-Timing header.
    server_ms: float | None


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    location: str
    client_ms: float
    # From the Server-Timing header; None when the server does not send it.
    server_ms: float | None
    # What was asked, so a scenario that sends several kinds of request can check each answer.
    method: str = ""
    path: str = ""


class Session:
    def __init__(self, host: str, port: int, *, timeout: float = 30):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def clone(self) -> Session:
        """Another connection signed in as the same user (same session cookie)."""
        other = Session(self.host, self.port, timeout=self.timeout)
        other.cookies = dict(self.cookies)
        return other

    def close(self) -> None:
        self.connection.close()

    def get(self, path: str, *, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, fields: dict[str, object], *, headers: dict | None = None
    ) -> Response:
        """A form POST; `headers` adds to the request's (HX-Request: true, say)."""
        body = urlencode(fields, doseq=True).encode()
        headers = {**(headers or {}), "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=body, headers=headers)

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            answer, content = self._exchange(method, path, body, headers)
        except _RETRYABLE:
            # The server closed an idle keep-alive connection: open a new one, once.
            self.connection.close()
            started = time.perf_counter()
            answer, content = self._exchange(method, path, body, headers)
        client_ms = (time.perf_counter() - started) * 1000
        self._remember_cookies(answer.headers.get_all("Set-Cookie") or [])
        timing = _SERVER_TIMING.search(answer.headers.get("Server-Timing", ""))
        return Response(
            status=answer.status,
            body=content,
            location=answer.headers.get("Location", ""),
            client_ms=client_ms,
            server_ms=float(timing.group(1)) if timing else None,
            method=method,
            path=path,
        )

    def _exchange(self, method, path, body, headers):
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        return answer, answer.read()

    def _remember_cookies(self, set_cookie_headers: list[str]) -> None:
        for header in set_cookie_headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on `path` (and the CSRF cookie that goes with it)."""
        page = self.get(path)
        found = _CSRF_INPUT.search(page.body)
        if page.status != 200 or not found:
            raise BenchError(f"GET {path} answered {page.status} without a form to post")
        return found.group(1).decode()

    def login(self, username: str, password: str, totp_key: str) -> LoginTiming:
        """Portal Login as a browser does it: the page, the credentials with the HIPAA
        Disclosure agreed, then "Verify your identity" with the authenticator app's code; Home
        must then open. Any other answer raises BenchError at once: each failed password counts
        towards django-axes' lockout of the user."""
        page = self.get(LOGIN_PATH)
        fields = hidden_fields(page.body)
        if page.status != 200 or "csrfmiddlewaretoken" not in fields:
            raise BenchError(f"GET {LOGIN_PATH} answered {page.status} without the login form")
        fields.update(username=username, password=password, hipaa_agreement="on")
        credentials = self.post(LOGIN_PATH, fields)
        self._check_not_locked_out(credentials, username)
        token_field = input_named(credentials.body, "otp_token")
        if credentials.status != 200 or token_field is None:
            where = f" to {credentials.location}" if credentials.location else ""
            raise BenchError(
                f"log-in step 1 (User ID, Password, HIPAA) as {username!r} answered "
                f'{credentials.status}{where} instead of "Verify your identity"'
                f" ({page_errors(credentials.body) or 'no error shown'})"
            )
        fields = hidden_fields(credentials.body)
        fields[token_field] = totp_code(totp_key)
        verified = self.post(LOGIN_PATH, fields)
        self._check_not_locked_out(verified, username)
        if verified.status != 302 or urlsplit(verified.location).path != HOME_PATH:
            where = f" to {verified.location}" if verified.location else ""
            raise BenchError(
                f"log-in step 2 (MFA code) as {username!r} answered {verified.status}{where}, "
                f"not a redirect to Home ({page_errors(verified.body) or 'no error shown'})"
            )
        home = self.get(HOME_PATH)
        if home.status != 200:
            raise BenchError(f"Home answered {home.status} to {home.location!r} after log-in")
        servers = (credentials.server_ms, verified.server_ms)
        return LoginTiming(
            client_ms=credentials.client_ms + verified.client_ms,
            server_ms=None if None in servers else sum(servers),
        )

    @staticmethod
    def _check_not_locked_out(answer: Response, username: str) -> None:
        if answer.status == 429:
            raise BenchError(
                f"django-axes has locked {username!r} out (429 Too Many Requests): earlier "
                "log-ins failed; the next `make bench` resets the lock"
            )
