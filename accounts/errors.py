from portal.errors import PortalError


class AccountError(PortalError):
    """A request about accounts, offices or practitioners that cannot be honoured."""
