"""When a row of reference data was added and last changed, shown read-only on its page."""

AUDIT_FIELDS = ("created_at", "updated_at")
