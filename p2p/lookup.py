"""New P2P Request's "Lookup Cases": a case of the office found by its number and the member's
date of birth."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from cases.models import Case
from cases.selectors import cases_for_user

NOT_FOUND = "No case of your office has this case reference number with this member date of birth."
TOO_MANY = (
    "You have made too many lookups in a short time. Please wait a minute, then look the case "
    "up again."
)


def case_by_number_and_dob(*, user: User, case_number: str, member_dob: dt.date) -> Case | None:
    """The office's submitted case with this number whose member was born on that day."""
    return (
        cases_for_user(user)
        .filter(
            submitted_at__isnull=False,
            case_number=case_number,
            member__date_of_birth=member_dob,
        )
        .only("pk", "public_id")
        .first()
    )
