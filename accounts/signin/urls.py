from django.urls import path

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
