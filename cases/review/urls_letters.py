from django.urls import path  # noqa: F401

# A reviewer's letter PDFs (cases.review.screen.letters), under /cases/review/.
urlpatterns: list = []
