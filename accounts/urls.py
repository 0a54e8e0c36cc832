from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import PortalLoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=PortalLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Topics of their own: each package holds its views, forms, services and urls.
    path("register/", include("accounts.registration.urls")),
    path("manage/", include("accounts.practice.urls")),
    path("", include("accounts.signin.urls")),
]
