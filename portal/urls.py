from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from two_factor.admin import AdminSiteOTPRequired

from accounts.signin.urls import mfa_urlpatterns
from portal import outbox, views

portal_patterns = [
    path("", views.home, name="home"),
    path("resources/", views.resources, name="resources"),
    path("help/", views.help_contact, name="help"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("terms/", views.terms_of_use, name="terms"),
    path("outbox/", outbox.outbox, name="outbox"),
]

# The admin is for verified sessions only (password and MFA PIN); others go to Portal Login.
admin.site.__class__ = AdminSiteOTPRequired
admin.site.site_header = f"{settings.PORTAL_NAME} administration"
admin.site.site_title = settings.PORTAL_NAME

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("accounts/", include("accounts.urls")),
    path("accounts/mfa/", include((mfa_urlpatterns, "two_factor"))),
    path("eligibility/", include("eligibility.urls")),
    path("cases/", include("cases.urls")),
    path("p2p/", include("p2p.urls")),
    # Administrators sign in through Portal Login too: HIPAA Disclosure, lockout, and MFA.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
]
