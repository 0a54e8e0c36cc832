from django.urls import include, path

# The medical review pages (reviewers only): the queue (urls_queue) and the case screen
# (urls_case).
urlpatterns = [
    path("review/", include("cases.review.urls_queue")),
    path("review/", include("cases.review.urls_case")),
]
