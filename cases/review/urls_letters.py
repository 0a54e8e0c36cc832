from django.urls import path

from cases.review.screen import letters

# A reviewer's letter PDFs (cases.review.screen.letters), under /cases/review/.
urlpatterns = [
    path(
        "<uuid:public_id>/letters/<uuid:letter_id>.pdf",
        letters.review_letter,
        name="review-letter",
    ),
]
