from django.urls import path

from cases.review.decide import views as decide
from cases.review.screen import views

# The reviewer's case screen, its notes and its uploads, and the decision panel's forms, each
# posted to its own address (under /cases/review/).
urlpatterns = [
    path("<uuid:public_id>/", views.review_case, name="review-case"),
    path("<uuid:public_id>/notes/", views.review_note, name="review-note"),
    path("<uuid:public_id>/uploads/<uuid:upload_id>/", views.review_upload, name="review-upload"),
    path("<uuid:public_id>/approve/", decide.review_approve, name="review-approve"),
    path(
        "<uuid:public_id>/partially-approve/",
        decide.review_partially_approve,
        name="review-partially-approve",
    ),
    path("<uuid:public_id>/deny/", decide.review_deny, name="review-deny"),
    path("<uuid:public_id>/escalate/", decide.review_escalate, name="review-escalate"),
    path("<uuid:public_id>/hold/", decide.review_hold, name="review-hold"),
    path("<uuid:public_id>/alternative/", decide.review_alternative, name="review-alternative"),
    path("<uuid:public_id>/cancel/", decide.review_cancel, name="review-cancel"),
    path(
        "<uuid:public_id>/request-outcome/",
        decide.review_request_decide,
        name="review-request-decide",
    ),
]
