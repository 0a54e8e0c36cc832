from django.urls import path

from cases.tracking import views

urlpatterns = [
    path("certification-summary/", views.certification_summary, name="certification-summary"),
    path(
        "certification-summary/export.csv",
        views.certification_summary_export,
        name="certification-summary-export",
    ),
    path("worklist/", views.worklist, name="worklist"),
]
