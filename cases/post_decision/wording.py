"""What the office reads about its post-decision options: the decks' words (with the portal's
own name where they say "eviCore"), and days and moments written the portal's way."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

RECONSIDERATION_ALLOWED = "Reconsideration allowed through {portal} until {until}."

CONSULTATIVE_ONLY = (
    "Post-decision options for this case have been exhausted or are not delegated to {portal}. "
    "You may continue to schedule a Peer to Peer discussion for this case but it will be "
    "considered consultative only and the original decision cannot be modified."
)

PRE_DECISION_P2P = (
    "A Pre-Decision Peer to Peer consultation is available until the decision is due on "
    "{due}. The consultation must occur prior to the due date."
)

APPEAL_ALLOWED = (
    "An appeal may be requested within {days} days of the initial determination ({determined}): "
    "until {until}."
)

APPEAL_TO_PLAN = (
    "Submit an appeal with supporting records to {plan} within {days} days of the initial "
    "determination ({determined}): until {until}. Appeals for Medicare Advantage members are "
    "decided by the health plan; a Peer to Peer consultation cannot be used to overturn the "
    "denial."
)

RETROSPECTIVE_ALLOWED = (
    "If the service was performed without an authorization, request a post-service "
    "retrospective review within {days} calendar days of the date of service ({dos}): until "
    "{until}. The request may be denied and penalties may apply."
)


# Why an option does not apply.
NOT_SUBMITTED = "This request has not been submitted yet."

EXPIRED = "This request expired before it was submitted: there is no decision."

UNDECIDED_NO_OPTION = (
    "This case has not been decided yet: post-decision options follow a denial or a partial "
    "approval."
)

APPROVED_NO_OPTION = "This case is approved: there is no adverse decision to change."

CANCELLED_NO_OPTION = "This case was cancelled: there is no decision to change."

NO_DATE_OF_SERVICE = "This case has no date of service."

RECONSIDERATION_COMMERCIAL_ONLY = (
    "Reconsiderations are for Commercial Memberships only (Medicare does not allow "
    "reconsiderations); this member's line of business is {line}."
)

RECONSIDERATION_NOT_DELEGATED = "{plan} does not delegate reconsiderations to {portal}."

RECONSIDERATION_AFTER_APPEAL = (
    "An appeal was requested on {requested}: reconsiderations are requested before an appeal, "
    "not after it."
)

RECONSIDERATION_ALREADY = "A reconsideration was requested on {requested} ({status})."

RECONSIDERATION_SERVICE_PERFORMED = (
    "The service has already been performed: a reconsideration must be requested on or before "
    "the date the services are performed. Submit an appeal instead."
)

RECONSIDERATION_PAST_DATE_OF_SERVICE = (
    "Reconsideration must be requested on or before the date of service ({dos}), which has "
    "passed. Submit an appeal instead."
)

P2P_DUE_PASSED = (
    "The decision on this case was due on {due}: a Pre-Decision Peer to Peer consultation must "
    "occur prior to the due date. Once the decision is made, the post-decision options apply."
)

P2P_APPROVED = "This case is approved: there is no decision to discuss in a Peer to Peer."

P2P_CANCELLED = "This case was cancelled: there is no decision to discuss in a Peer to Peer."

APPEAL_ALREADY = "An appeal was requested on {requested} ({status})."

APPEAL_RECONSIDERATION_OPEN = (
    "The reconsideration requested on {requested} is being decided: an appeal can be "
    "requested once it is decided."
)

APPEAL_WINDOW_PASSED = (
    "Appeals must be submitted within {days} days of the initial determination "
    "({determined}); that time ended on {until}."
)

APPEAL_NO_DETERMINATION = "The date of the determination is not known."

RETROSPECTIVE_AUTHORIZED = "This case is approved: the service is authorized."

RETROSPECTIVE_DECIDED = (
    "Authorization was requested before the service and a decision was made: for a service "
    "already performed, submit an appeal."
)

RETROSPECTIVE_UNDECIDED = "This request is being reviewed: its decision comes first."

RETROSPECTIVE_THIS_CASE_DECIDED = (
    "This case was the retrospective request for the service performed on {dos}, and it has "
    "been decided: to disagree with the decision, submit an appeal."
)

RETROSPECTIVE_THIS_CASE = (
    "This case is a retrospective request for a service performed on {dos}; it is reviewed for "
    "urgency and for medical necessity."
)

RETROSPECTIVE_NOT_YET = (
    "The date of service ({dos}) has not come yet: a retrospective review is for a service "
    "already performed. Request an authorization before the service instead."
)

RETROSPECTIVE_WINDOW_PASSED = (
    "Retrospective requests must be submitted within {days} calendar days from the date the "
    "services were performed ({dos}). Providers who submit retrospective requests beyond this "
    "time frame would be advised to submit an appeal."
)


def day_text(day: dt.date) -> str:
    return f"{day:%m/%d/%Y}"


def moment_text(moment: dt.datetime) -> str:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{local:%m/%d/%Y} {local.hour % 12 or 12}:{local:%M %p %Z}"


def when_text(value: dt.date | dt.datetime | None) -> str:
    """A last day as 11/11/2020, a last moment as 11/11/2020 5:00 PM EST, nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return moment_text(value)
    return day_text(value)
