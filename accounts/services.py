from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection
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


# One statement, one row per member id (no model object per row: a list page logs 50 at once).
_MEMBERS_EVENTS_SQL = """
INSERT INTO {table} (at, user_id, action, subject_type, subject_id, member_id, path, ip_address)
SELECT statement_timestamp(), %(user)s, %(action)s, %(subject_type)s, member_id::text, member_id,
       %(path)s, %(ip_address)s::inet
FROM unnest(%(member_ids)s::bigint[]) AS member_id
"""


def access_events_record_for_members(
    *, request: HttpRequest, user: User, member_ids: Iterable[int], action: str
) -> int:
    """access_events_record_many for a list that has only the members' ids."""
    member_ids = list(member_ids)
    if not member_ids:
        return 0
    params = {
        "user": user.pk,
        "action": action,
        "subject_type": AccessEvent.SubjectType.MEMBER,
        "path": request.path[:255],
        "ip_address": client_ip(request),
        "member_ids": member_ids,
    }
    with connection.cursor() as cursor:
        cursor.execute(_MEMBERS_EVENTS_SQL.format(table=AccessEvent._meta.db_table), params)
        return cursor.rowcount
