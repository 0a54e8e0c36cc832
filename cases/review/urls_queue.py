from django.urls import path

from cases.review.queue import views

# The Medical Review Queue (cases.review.queue), under /cases/review/.
urlpatterns = [
    path("", views.review_queue, name="review-queue"),
    path("take-next/", views.review_take_next, name="review-take-next"),
    path("<uuid:public_id>/release/", views.review_release, name="review-release"),
]
