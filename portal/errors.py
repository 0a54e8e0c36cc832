class PortalError(Exception):
    """A domain error whose message is safe to show to the person using the portal."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
