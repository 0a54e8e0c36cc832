from django.urls import path

from cases.review.metrics import views

# The CMS-0057-F prior-authorization metrics for portal administrators, under /cases/review/.
urlpatterns = [
    path("metrics/", views.review_metrics, name="review-metrics"),
    path("metrics.csv", views.review_metrics_csv, name="review-metrics-csv"),
]
