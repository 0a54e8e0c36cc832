from django.urls import path
from two_factor.views import core as two_factor_views

from accounts.signin import views

# Included under accounts/ with the app namespace "accounts" (Portal Login and Log Off are in
# accounts/urls.py).
urlpatterns = [
    path("forgot-user-id/", views.forgot_user_id, name="forgot-user-id"),
    path("password-reset/", views.PortalPasswordResetView.as_view(), name="password-reset"),
    path(
        "password-reset/sent/",
        views.PortalPasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        views.PortalPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
]

# Setting Up Multi-Factor Authentication, included by portal/urls.py in the "two_factor"
# namespace that django-two-factor-auth's views use. Only the setup and its QR code image:
# two_factor's own log-in (no HIPAA Disclosure) is never routed.
mfa_urlpatterns = [
    path("setup/", views.PortalSetupView.as_view(), name="setup"),
    path("setup/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
]
