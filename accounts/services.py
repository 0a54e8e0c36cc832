from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.http import HttpRequest

from accounts.models import AccessEvent, User
from portal.client_ip import client_ip

if TYPE_CHECKING:
    from eligibility.models import Member


def access_event_record(
    *,
    request: HttpRequest,
    user: User,
    action: str,
    subject_type: str,
    subject_id: object,
    member=None,
) -> AccessEvent:
    """Write the access log's row for one read of patient data (append-only)."""
    return AccessEvent.objects.create(
        user=user,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        member=member,
        path=request.path[:255],
        ip_address=client_ip(request),
    )


def access_events_record_many(
    *, request: HttpRequest, user: User, members: Iterable[Member], action: str
) -> int:
    """Write the access log's rows for one read of several members' data (a list page): one row
    per member, all in one insert (append-only). Returns the number of rows written."""
    return access_events_record_for_members(
        request=request, user=user, member_ids=[member.pk for member in members], action=action
    )


def access_events_record_for_members(
    *, request: HttpRequest, user: User, member_ids: Iterable[int], action: str
) -> int:
    """access_events_record_many for a list that has only the members' ids."""
    path = request.path[:255]
    ip_address = client_ip(request)
    events = AccessEvent.objects.bulk_create(
        AccessEvent(
            user_id=user.pk,
            action=action,
            subject_type=AccessEvent.SubjectType.MEMBER,
            subject_id=str(member_id),
            member_id=member_id,
            path=path,
            ip_address=ip_address,
        )
        for member_id in member_ids
    )
    return len(events)
