"""Multi-factor authentication: the PIN sent at "Verify your identity" (with its "Resend" wait)
and the middleware that sends a signed-in user who has not passed MFA to set it up."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django_otp.models import CooldownMixin, Device
from django_otp.plugins.otp_email.models import EmailDevice
from two_factor.plugins.email.utils import mask_email
from two_factor.utils import default_device

from accounts.models import SmsDevice
from accounts.signin.mfa_methods import mask_number

# Pages a signed-in user who has not passed MFA may still open.
_ALLOWED_NAMESPACES = {"two_factor"}
_ALLOWED_VIEWS = {"accounts:logout", "accounts:session-keep-alive", "portal:outbox"}


def pin_send(device: Device) -> bool:
    """Send a new PIN to an e-mail or SMS device, unless one was sent less than the cooldown
    (a minute) ago: then nothing is sent and the answer is False. An authenticator app is sent
    nothing."""
    if not isinstance(device, CooldownMixin):
        return True
    allowed, _reason = device.generate_is_allowed()
    if not allowed:
        return False
    device.generate_challenge()
    return True


def pin_channel(device: Device | None) -> str:
    """How the PIN travels: "email", "sms", or "" for an authenticator app."""
    if isinstance(device, EmailDevice):
        return "email"
    if isinstance(device, SmsDevice):
        return "sms"
    return ""


def device_sent_to(device: Device | None) -> str:
    """Where the PIN went, masked ("o*****r@example.org", "***-***-0142"); "" for an app."""
    if isinstance(device, EmailDevice):
        return mask_email(device.email or device.user.email)
    if isinstance(device, SmsDevice):
        return mask_number(device)
    return ""


class MfaRequiredMiddleware:
    """A signed-in user whose session has not passed MFA (django_otp's OTPMiddleware says
    `request.user.is_verified()`) goes to "Setting Up Multi-Factor Authentication"; only the
    setup pages, Log Off, the session keep-alive, static files and the outbox stay open. A user
    who has a device but whose session never entered its PIN is signed out and logs in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _allowed(request):
            if default_device(user):
                logout(request)
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            return redirect("two_factor:setup")
        return self.get_response(request)


def _allowed(request: HttpRequest) -> bool:
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.namespace in _ALLOWED_NAMESPACES or match.view_name in _ALLOWED_VIEWS
