from django.urls import path

from eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("", views.eligibility_lookup, name="lookup"),
    path("diagnoses/", views.diagnosis_lookup, name="diagnosis-lookup"),
]
