from django.urls import path

from accounts.practice import views

urlpatterns = [
    path("", views.manage_account, name="manage"),
    path("edit/", views.edit_account, name="edit-account"),
    path("password/", views.ChangePasswordView.as_view(), name="change-password"),
    path("practitioners/add/", views.add_practitioner, name="add-practitioner"),
    path(
        "practitioners/add/confirm/",
        views.add_practitioner_confirm,
        name="add-practitioner-confirm",
    ),
    path("practitioners/added/", views.practitioner_added, name="practitioner-added"),
    path("practitioners/<int:link_id>/remove/", views.remove_provider, name="remove-provider"),
]
