from django.urls import include, path

# The medical review pages: the queue (urls_queue), the case screen and its decisions
# (urls_case), a reviewer's letter PDFs (urls_letters), and the administrators' metrics
# (urls_metrics).
urlpatterns = [
    path("review/", include("cases.review.urls_queue")),
    path("review/", include("cases.review.urls_case")),
    path("review/", include("cases.review.urls_letters")),
    path("review/", include("cases.review.urls_metrics")),
]
