"""What sign-in tells people, in one place: the limits in the sentences come from the settings."""

from axes.helpers import get_cool_off
from django.conf import settings

FORGOT_USER_ID_ANSWER = "If an account uses this address, we have e-mailed its User ID."
TOO_MANY_EMAIL_REQUESTS = (
    "Too many requests for e-mail from this computer or for this address. "
    "Please try again in an hour."
)
INVALID_LOGIN = "Please enter a correct User ID and password. Both are case-sensitive."
HIPAA_REQUIRED = "You must agree to the HIPAA Disclosure to log in."


def duration_words(seconds: int) -> str:
    """8 hours, 15 minutes, 1 minute, 90 seconds: the largest whole unit that fits exactly."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def lockout_message() -> str:
    cool_off = get_cool_off()
    minutes = duration_words(int(cool_off.total_seconds())) if cool_off else "a while"
    return (
        f"Too many failed log-in attempts. Your account is locked for {minutes}. "
        f"Please try again later, or call {settings.PORTAL_SUPPORT_PHONE} for help."
    )


def idle_timeout_message() -> str:
    idle = duration_words(settings.SESSION_IDLE_TIMEOUT_SECONDS)
    return f"You were signed out after {idle} without activity."


def absolute_timeout_message() -> str:
    limit = duration_words(settings.SESSION_ABSOLUTE_SECONDS)
    return f"You were signed out because sessions end {limit} after log-in. Please log in again."


# Multi-factor authentication ("Verify your identity").
PIN_REQUIRED = "Enter the 6-digit code."
PIN_INVALID = (
    "That code is not correct or has expired. Check the code, or use Resend to get a new one."
)
