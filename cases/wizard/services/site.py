"""Writes of the site of service step and of the lock-in ("Proceed to Clinical
Information"), each inside the draft's row lock."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

from django.utils import timezone

from accounts.models import User
from cases.errors import CaseError
from cases.models import Case
from cases.wizard.drafts import draft_step_open, step_answer_save
from cases.wizard.forms.site import ATTESTATION_REQUIRED
from eligibility.models import Site

OFFICE = Site.PlaceOfService.OFFICE.value
HOME = Site.PlaceOfService.HOME.value
SITE_NOT_SELECTED = "Please select a site of service."


def site_in_office_answer(*, user: User, public_id: UUID, in_office: bool) -> Case:
    """ "Will you be rendering this procedure in your office?" YES: the provider's office is
    the site (place of service 11) and the step is complete. NO: a site is to be searched
    for; one already chosen stays."""
    with draft_step_open(user=user, public_id=public_id, step_name="site") as case:
        if in_office:
            values = {
                "rendered_in_office": True,
                "site": None,
                "site_email": "",
                "place_of_service": OFFICE,
            }
        else:
            values = {
                "rendered_in_office": False,
                "place_of_service": case.site.place_of_service if case.site else "",
            }
        step_answer_save(case, "site", values)
    return case


def site_select(*, user: User, public_id: UUID, site: Site) -> Case:
    """SELECT: the site of service, with its place of service. Another site's e-mail does not
    carry over."""
    with draft_step_open(user=user, public_id=public_id, step_name="site") as case:
        email = case.site_email if case.site_id == site.pk else ""
        step_answer_save(
            case,
            "site",
            {
                "rendered_in_office": False,
                "site": site,
                "site_email": email,
                "place_of_service": site.place_of_service,
            },
        )
    return case


def site_email_save(*, user: User, public_id: UUID, site_email: str) -> Case:
    """CONTINUE under "Selected Site:": the optional site e-mail."""
    with draft_step_open(user=user, public_id=public_id, step_name="site") as case:
        if case.site_id is None:
            raise CaseError(SITE_NOT_SELECTED)
        step_answer_save(case, "site", {"site_email": site_email})
    return case


def site_home_save(*, user: User, public_id: UUID, site_email: str) -> Case:
    """DME: the place of service is 12 - Home, the member's home; no site to search."""
    with draft_step_open(user=user, public_id=public_id, step_name="site") as case:
        step_answer_save(
            case,
            "site",
            {
                "rendered_in_office": False,
                "site": None,
                "site_email": site_email,
                "place_of_service": HOME,
            },
        )
    return case


def draft_lock_in(
    *, user: User, public_id: UUID, attested: bool, now: dt.datetime | None = None
) -> Case:
    """CONTINUE on "Proceed to Clinical Information": after it the Provider, Patient and
    Service information cannot change (every earlier step refuses to open). DME needs the
    attestation. A second lock-in finds the draft closed (DraftClosed), never locks twice."""
    with draft_step_open(user=user, public_id=public_id, step_name="proceed") as case:
        if case.program.is_equipment and not attested:
            raise CaseError(ATTESTATION_REQUIRED)
        step_answer_save(
            case,
            "proceed",
            {
                "dme_attested": case.program.is_equipment and attested,
                "locked_at": now or timezone.now(),
            },
        )
    return case
