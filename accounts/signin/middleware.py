"""Server-side session limits, and no caching of anything a signed-in user is shown."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.http import HttpResponseClientRedirect

from accounts.signin import services
from accounts.signin.messages import absolute_timeout_message, idle_timeout_message

IDLE_REMAINING_HEADER = "X-Session-Idle-Remaining"


class SessionTimeoutMiddleware:
    """Signs the user out when the session has been idle longer than SESSION_IDLE_TIMEOUT_SECONDS
    or has lasted longer than SESSION_ABSOLUTE_SECONDS since log-in, whatever the browser does;
    otherwise records the request as the session's last activity. The page's warning
    (static/js/idle_timeout.js) is a courtesy: this is the rule.

    Sets `request.session_limits` for signed-in requests (base.html passes them to the page) and
    tells scripts the seconds left before the idle limit in a response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = int(time.time())
        reason = services.session_end_reason(session=request.session, user=request.user, now=now)
        if reason is not None:
            return self.sign_out(request, reason)
        request.session_limits = services.session_touch(
            session=request.session, user=request.user, now=now
        )
        response = self.get_response(request)
        limits = getattr(request, "session_limits", None)
        if limits is not None and request.user.is_authenticated:
            # For htmx and "Stay signed in" responses: the warning's timer follows the server.
            response[IDLE_REMAINING_HEADER] = str(limits.idle_remaining_seconds)
        return response

    def sign_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        # Flushes the session (a new, empty one from here on) and logs the log-out (axes).
        logout(request)
        if reason == services.IDLE:
            messages.warning(request, idle_timeout_message())
        else:
            messages.warning(request, absolute_timeout_message())
        if request.headers.get("HX-Request") == "true":
            # An htmx fragment request: send the whole page to the login page, back to the page
            # the user was on (its path only: query strings stay out of the login URL).
            page = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
            return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
        login_url = resolve_url(settings.LOGIN_URL)
        if request.method == "GET" and request.path != login_url:
            # Back to this page after log-in.
            return redirect_to_login(request.path, login_url)
        # A form sent too late is not sent again after log-in.
        return redirect(login_url)


class NoStoreForSignedInMiddleware:
    """Every page a signed-in user sees may show patient data: no browser or proxy may keep a
    copy (Cache-Control: no-store, private)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
