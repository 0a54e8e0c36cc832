"""Authorization Lookup: a submitted case found by member information or by number and NPI, its
result page (and its PRINT), and Upload Additional Clinical."""

from django.urls import path

from cases.lookup import views

urlpatterns = [
    path("authorization-lookup/", views.authorization_lookup, name="authorization-lookup"),
    path("<uuid:public_id>/authorization/", views.authorization, name="authorization"),
    path("<uuid:public_id>/authorization.pdf", views.authorization_pdf, name="authorization-pdf"),
    path("<uuid:public_id>/upload-clinical/", views.upload_clinical, name="upload-clinical"),
]
