from accounts.errors import AccountError

# Taken names answer the same whoever holds them: the message never says whose they are.
USERNAME_TAKEN = "This User Name is not available. Please choose another."
EMAIL_TAKEN = (
    "This email address is not available for a new account. If you already have an account, "
    "log in, or ask for a new link to set your password."
)
LINK_INVALID = (
    "This link to set your password has expired or has already been used. Ask for a new link below."
)
TERMS_REQUIRED = "Accept the Terms and Conditions to continue."
TOO_MANY_INVITATIONS = (
    "Your office has sent as many invitations as it may today. Please try again tomorrow."
)


class RegistrationError(AccountError):
    """A registration, invitation or password link cannot go ahead; the message says why,
    without revealing anyone else's account."""
