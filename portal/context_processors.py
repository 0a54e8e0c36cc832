from django.conf import settings
from django.utils import timezone

# The main menu's entry of the case pages that are not the Clinical Certification wizard's.
CASE_PAGE_SECTIONS = {
    "cases:in-progress": "in-progress",
    "cases:certification-summary": "certification-summary",
    "cases:worklist": "certification-summary",
    "cases:authorization-lookup": "authorization-lookup",
    "cases:authorization": "authorization-lookup",
    "cases:upload-clinical": "authorization-lookup",
    "cases:correspondence": "authorization-lookup",
    "cases:post-decision-options": "authorization-lookup",
    "cases:p2p-availability": "authorization-lookup",
    "cases:reconsideration-request": "authorization-lookup",
    "cases:appeal-request": "authorization-lookup",
    "cases:review-queue": "review-queue",
    "cases:review-case": "review-queue",
    "cases:review-metrics": "review-metrics",
}


def portal(request):
    """The portal's name, the current date and time for the site chrome, and the main menu's
    entry of the page shown."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "now_local": timezone.localtime(),
        "nav_section": nav_section(request),
    }


def nav_section(request) -> str:
    """The view's name, except for case pages: their menu entry (the wizard's pages are all
    Clinical Certification), and the P2P scheduler's pages (all P2P Requests)."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""
    if name.startswith("cases:"):
        return CASE_PAGE_SECTIONS.get(name, "clinical-certification")
    if name.startswith("p2p:"):
        return "p2p"
    return name
