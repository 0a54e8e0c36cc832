from portal.errors import PortalError


class CaseError(PortalError):
    """A request about a case that cannot be honoured; the message says why."""
