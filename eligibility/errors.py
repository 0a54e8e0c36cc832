from portal.errors import PortalError


class EligibilityError(PortalError):
    """A member cannot be found or is not covered; the message names which, safely."""
