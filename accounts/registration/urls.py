from django.urls import path

from accounts.registration import views

# Included under accounts/register/ with the app namespace "accounts".
urlpatterns = [
    path("", views.register, name="register"),
    path("review/", views.register_review, name="register-review"),
    path("terms/", views.register_terms, name="register-terms"),
    path("done/", views.register_done, name="register-done"),
    path("password/new-link/", views.password_link_new, name="password-link-new"),
    path("password/<uidb64>/<token>/", views.password_set, name="password-set"),
    path("invite/", views.invite, name="invite"),
]
