"""The demo practice: the `office` log-in administers it, and a few practitioners are on it
already (one more is documented, for a newcomer to try Add Practitioner)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Membership, Office, OfficePractitioner
from eligibility.models import PractitionerAddress

DEMO_OFFICE_NAME = "Lakeside Family Medicine"
LINKED_PRACTITIONERS = 3


@dataclass(frozen=True)
class DemoOffice:
    office: Office
    linked: list[str]
    to_add: PractitionerAddress | None


@transaction.atomic
def demo_office_ensure(*, username: str = "office") -> DemoOffice | None:
    """Idempotent: the office, the user's administrator membership, and the first practitioners
    (by NPI) linked once; returns what a newcomer can see and try."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    office, _ = Office.objects.get_or_create(
        name=DEMO_OFFICE_NAME,
        defaults={
            "address1": "730 Cool Springs Blvd",
            "city": "Franklin",
            "state": "TN",
            "zip_code": "37067",
            "phone": "6155550140",
            "fax": "6155550141",
            "primary_contact": user,
        },
    )
    Membership.objects.get_or_create(
        user=user, defaults={"office": office, "role": Membership.Role.OFFICE_ADMIN}
    )
    addresses = list(
        PractitionerAddress.objects.select_related("practitioner")
        .filter(is_primary=True)
        .order_by("practitioner__npi")[: LINKED_PRACTITIONERS + 1]
    )
    if not office.practitioner_links.exists():
        OfficePractitioner.objects.bulk_create(
            OfficePractitioner(office=office, practitioner=address.practitioner, added_by=user)
            for address in addresses[:LINKED_PRACTITIONERS]
        )
    links = list(office.practitioner_links.select_related("practitioner"))
    linked_ids = {link.practitioner_id for link in links}
    to_add = next((a for a in addresses if a.practitioner_id not in linked_ids), None)
    return DemoOffice(office, [str(link.practitioner) for link in links], to_add)
