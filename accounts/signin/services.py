"""Sign-in rules: Forgot User ID, the e-mail request limits, and the session's clock.

The session's clock is two numbers in the session (whole seconds since the epoch): when the user
logged in and when they last made a request. accounts.signin.middleware reads them on every
signed-in request and signs the user out when a limit has passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.mail import send_mail
from django.template.loader import render_to_string

from accounts.models import User
from accounts.signin import ratelimit
from accounts.signin.selectors import users_with_email

SESSION_STARTED_AT = "signin_started_at"
SESSION_LAST_ACTIVITY = "signin_last_activity"

IDLE = "idle"
ABSOLUTE = "absolute"

_HOUR = 60 * 60


def signin_email_request_allow(*, email: str, client_ip: str | None) -> bool:
    """Forgot User ID? and Forgot Password? send e-mail: allow a few requests an hour per
    address typed in (whether or not an account uses it, so the limit reveals nothing) and per
    client address. Every request counts, allowed or not."""
    by_email = ratelimit.hit(
        scope="signin-email",
        value=email.strip().lower(),
        limit=settings.SIGNIN_EMAIL_REQUESTS_PER_HOUR,
        window_seconds=_HOUR,
    )
    by_client = ratelimit.hit(
        scope="signin-client",
        value=client_ip or "unknown",
        limit=settings.SIGNIN_CLIENT_REQUESTS_PER_HOUR,
        window_seconds=_HOUR,
    )
    return by_email and by_client


def user_ids_send(*, email: str) -> int:
    """Forgot User ID?: e-mail the User IDs of the active accounts using this address to that
    address. Returns how many were sent; the person asking is told the same whatever it is."""
    users = list(users_with_email(email))
    if not users:
        return 0
    context = {"users": users, "portal_name": settings.PORTAL_NAME}
    send_mail(
        subject=f"Your {settings.PORTAL_NAME} User ID",
        message=render_to_string("accounts/signin/forgot_user_id_email.txt", context),
        from_email=None,
        recipient_list=[users[0].email],
    )
    return len(users)


@dataclass(frozen=True)
class SessionLimits:
    """What the page needs to warn before the server signs the user out."""

    idle_remaining_seconds: int
    warning_seconds: int
    absolute_remaining_seconds: int


def session_start(*, session: SessionBase, now: int) -> None:
    """A log-in starts the session's clock: both limits count from now."""
    session[SESSION_STARTED_AT] = now
    session[SESSION_LAST_ACTIVITY] = now


def _clock(*, session: SessionBase, user: User) -> tuple[int | None, int | None]:
    """(started, last activity). A session whose clock was not written yet (a log-in that did
    not go through the login page, or no request since) counts from the user's last log-in."""
    logged_in = int(user.last_login.timestamp()) if user.last_login else None
    started = session.get(SESSION_STARTED_AT, logged_in)
    return started, session.get(SESSION_LAST_ACTIVITY, started)


def _resolution() -> int:
    """Activity is written at most this often (30 s for a 15-minute limit), so a burst of
    requests writes the session once. The page is told the exact deadline that follows."""
    return max(1, settings.SESSION_IDLE_TIMEOUT_SECONDS // 30)


def session_end_reason(*, session: SessionBase, user: User, now: int) -> str | None:
    """IDLE when the last recorded activity is more than the idle limit ago, ABSOLUTE when the
    log-in is more than the absolute limit ago, None while the session may go on."""
    started, last = _clock(session=session, user=user)
    if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        return IDLE
    if started is not None and now - started > settings.SESSION_ABSOLUTE_SECONDS:
        return ABSOLUTE
    return None


def session_touch(
    *, session: SessionBase, user: User, now: int, force: bool = False
) -> SessionLimits:
    """Record a request by the signed-in user as the session's latest activity: always when
    `force` ("Stay signed in"), otherwise once the recorded one is older than the resolution."""
    started, last = _clock(session=session, user=user)
    if started is None or last is None:
        started = last = now
        force = True
    if force or now - last >= _resolution():
        session[SESSION_STARTED_AT] = started
        session[SESSION_LAST_ACTIVITY] = last = now
    return SessionLimits(
        idle_remaining_seconds=max(settings.SESSION_IDLE_TIMEOUT_SECONDS - (now - last), 0),
        warning_seconds=settings.SESSION_IDLE_WARNING_SECONDS,
        absolute_remaining_seconds=max(settings.SESSION_ABSOLUTE_SECONDS - (now - started), 0),
    )
