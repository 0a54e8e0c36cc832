from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.signin import views as signin_views

app_name = "accounts"

urlpatterns = [
    path("login/", signin_views.PortalLoginView.as_view(), name="login"),
    # POST only (Django's LogoutView): the session is flushed, the log-out logged by axes.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Topics of their own: each package holds its views, forms, services and urls.
    path("register/", include("accounts.registration.urls")),
    path("manage/", include("accounts.practice.urls")),
    path("", include("accounts.signin.urls")),
]
