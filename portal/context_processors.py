from django.conf import settings
from django.utils import timezone


def portal(request):
    """The portal's name and the current date and time for the site chrome."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "now_local": timezone.localtime(),
    }
