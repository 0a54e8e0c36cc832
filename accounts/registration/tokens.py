from django.contrib.auth.tokens import PasswordResetTokenGenerator


class PasswordSetTokenGenerator(PasswordResetTokenGenerator):
    """The e-mailed "set your password" link: one use (the password is part of the hash, so it
    changes once the link is used), expires after settings.PASSWORD_RESET_TIMEOUT, and is not
    interchangeable with Django's own password-reset tokens (its own salt)."""

    key_salt = "accounts.registration.tokens.PasswordSetTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # Activating or deactivating the account also ends every link sent before.
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


password_set_token = PasswordSetTokenGenerator()


def link_lifetime_words(seconds: int) -> str:
    """How long a link works, as the e-mail and the pages say it: "24 hours", "90 minutes"."""
    hours, rest = divmod(seconds, 3600)
    if hours and not rest:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
