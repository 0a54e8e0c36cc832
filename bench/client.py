"""A small HTTP session over one keep-alive connection: cookies, CSRF tokens, timings.

Standard library only. The server runs production settings, so its cookies are marked Secure;
this client talks plain HTTP on the loopback and sends them anyway, as a TLS-terminating proxy
in front of gunicorn would.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")
_RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class BenchError(Exception):
    """The server did not answer as a working portal would (bad log-in, missing form)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    location: str
    client_ms: float
    # From the Server-Timing header; None when the server does not send it.
    server_ms: float | None


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

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, object]) -> Response:
        body = urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
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

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/accounts/login/")
        answer = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"could not sign in as {username!r} (status {answer.status})")
