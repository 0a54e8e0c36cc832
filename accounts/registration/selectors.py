from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from accounts.models import Membership, Office, TermsAcceptance, User


def username_is_taken(username: str) -> bool:
    """User names are unique whatever their case: "Dr.Smith" takes "dr.smith" too."""
    return User.objects.filter(username__iexact=username).exists()


def email_is_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def user_for_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def user_for_uidb64(uidb64: str) -> User | None:
    """The user a "set your password" link names, or None for a tampered or stale link."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk).first()


def terms_accepted(user: User, *, version: str) -> bool:
    return TermsAcceptance.objects.filter(user=user, version=version).exists()


def office_administered_by(user: User) -> Office | None:
    """The office this user administers (role office_admin), or None."""
    membership = (
        Membership.objects.select_related("office")
        .filter(user_id=user.pk, role=Membership.Role.OFFICE_ADMIN)
        .first()
    )
    return membership.office if membership else None


def office_members(office: Office) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(office=office)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
