from django.http import HttpRequest

from accounts.models import AccessEvent, User


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
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
