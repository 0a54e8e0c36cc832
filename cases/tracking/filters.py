"""What a person filters Certification Summary and My Worklist by is kept in their session, never
in the address: filter values are patient data (a member's name, a case number) and addresses end
up in server logs, browser history and Referer headers. The filter forms are POSTed; the address
carries only what is not patient data (sort, direction, page, page size, the worklist's tab)."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.http import QueryDict

SUMMARY_KEY = "tracking:certification-summary"
WORKLIST_KEY = "tracking:worklist"

SUMMARY_FILTERS = (
    "q",
    "authorization_number",
    "case_number",
    "member_last_name",
    "provider_last_name",
    "provider_npi",
    "procedure_code",
    "status",
    "statuses",
    "date",
    "date_from",
    "date_to",
)
SUMMARY_ADDRESS = ("sort", "dir", "page", "per_page")
WORKLIST_FILTERS = ("q",)
WORKLIST_ADDRESS = ("tab", "page")

# Longer than any field's limit (the form still says "at most N characters"), short enough that
# a session cannot be made to hold much.
MAX_VALUE_LENGTH = 1000
MAX_VALUES = 20


def _values(data: QueryDict, name: str) -> list[str]:
    return [value[:MAX_VALUE_LENGTH] for value in data.getlist(name)[:MAX_VALUES]]


def filters_save(session: SessionBase, key: str, data: QueryDict, names: tuple[str, ...]) -> None:
    """Keep the posted filters (all of them: a filter left out is cleared)."""
    session[key] = {name: _values(data, name) for name in names if data.getlist(name)}


def filters_clear(session: SessionBase, key: str) -> None:
    session.pop(key, None)


def address_of(data: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """Only the address's own parameters of `data` (a filter put in an address is ignored)."""
    address = QueryDict(mutable=True)
    for name in names:
        if values := _values(data, name):
            address.setlist(name, values)
    return address


def with_filters(
    session: SessionBase, key: str, address: QueryDict, names: tuple[str, ...]
) -> QueryDict:
    """The session's filters for `key` and the address's parameters, as the list's form reads
    them."""
    data = address.copy()
    stored = session.get(key)
    if isinstance(stored, dict):
        for name in names:
            values = stored.get(name)
            if isinstance(values, list):
                data.setlist(name, [str(value) for value in values])
    return data
