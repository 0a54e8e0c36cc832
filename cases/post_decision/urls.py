from django.urls import path

from cases.post_decision import views

urlpatterns = [
    path(
        "<uuid:public_id>/post-decision-options/",
        views.post_decision_options,
        name="post-decision-options",
    ),
    path("<uuid:public_id>/p2p-availability/", views.p2p_availability, name="p2p-availability"),
    path(
        "<uuid:public_id>/reconsideration/",
        views.reconsideration_request,
        name="reconsideration-request",
    ),
    path("<uuid:public_id>/appeal/", views.appeal_request, name="appeal-request"),
    path(
        "<uuid:public_id>/alternative/accept/",
        views.alternative_accept_view,
        name="alternative-accept",
    ),
]
