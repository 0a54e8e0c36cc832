from django.urls import path

from cases.review.screen import views

# The reviewer's case screen, its notes and its uploads (under /cases/review/).
urlpatterns = [
    path("<uuid:public_id>/", views.review_case, name="review-case"),
    path("<uuid:public_id>/notes/", views.review_note, name="review-note"),
    path("<uuid:public_id>/uploads/<uuid:upload_id>/", views.review_upload, name="review-upload"),
]
