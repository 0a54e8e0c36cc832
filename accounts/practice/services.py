"""Writes for Manage Your Account: the office's practitioners and its own details."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.errors import AccountError
from accounts.models import Membership, Office, OfficePractitioner, User
from eligibility.models import Practitioner

OFFICE_FIELDS = (
    "name",
    "address1",
    "address2",
    "city",
    "state",
    "zip_code",
    "phone",
    "phone_ext",
    "fax",
    "tax_id",
)


def office_practitioner_add(
    *, office: Office, practitioner: Practitioner, by: User
) -> OfficePractitioner:
    """Link a practitioner to the office, so its users can build cases for them. A practitioner
    is linked once (a unique constraint), however often the button is pressed."""
    if not practitioner.is_active:
        raise AccountError("This practitioner record is not active.", field="npi")
    try:
        with transaction.atomic():
            return OfficePractitioner.objects.create(
                office=office, practitioner=practitioner, added_by=by
            )
    except IntegrityError as error:
        raise AccountError("This practitioner is already on your account.", field="npi") from error


def office_practitioner_remove(*, membership: Membership, link_id: int) -> Practitioner:
    """Take a practitioner off the office. Office administrators only; a link of another office
    is treated as one that does not exist."""
    if membership.role != Membership.Role.OFFICE_ADMIN:
        raise AccountError("Only your office's administrator can remove providers.")
    link = (
        OfficePractitioner.objects.select_related("practitioner")
        .filter(pk=link_id, office_id=membership.office_id)
        .first()
    )
    if link is None:
        raise AccountError("This provider is not on your account.")
    link.delete()
    return link.practitioner


def office_update(*, membership: Membership, changes: dict) -> Office:
    """EDIT ACCOUNT: office administrators change the office's own details."""
    if membership.role != Membership.Role.OFFICE_ADMIN:
        raise AccountError("Only your office's administrator can edit the account.")
    office = membership.office
    for field in OFFICE_FIELDS:
        if field in changes:
            setattr(office, field, changes[field])
    office.full_clean()
    office.save(update_fields=[*OFFICE_FIELDS, "updated_at"])
    return office
