from django.db.models import QuerySet

from accounts.models import User


def users_with_email(email: str) -> QuerySet[User]:
    """Active accounts that use this e-mail address, whatever its case."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).order_by("username")
