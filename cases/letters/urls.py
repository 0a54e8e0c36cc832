from django.urls import path

from cases.letters import views

urlpatterns = [
    path("<uuid:public_id>/correspondence/", views.correspondence, name="correspondence"),
    path("<uuid:public_id>/letters/<uuid:letter_id>.pdf", views.letter_pdf, name="letter-pdf"),
]
