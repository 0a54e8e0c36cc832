from portal.errors import PortalError


class P2PError(PortalError):
    """A scheduling request that cannot be honoured; the message says why."""
