from django.urls import path

from p2p.views import booking, manage, new_request, physician, preference, week

app_name = "p2p"

urlpatterns = [
    path("", manage.my_requests, name="list"),
    path("time-zone/", preference.time_zone, name="time-zone"),
    path("new/", new_request.new_request, name="new"),
    path("new/cases/", new_request.cases, name="cases"),
    path("new/availability/", week.availability, name="availability"),
    path("new/week/", week.week, name="week"),
    path("new/contact/", booking.contact, name="contact"),
    path("<uuid:public_id>/", booking.appointment, name="appointment"),
    path("<uuid:public_id>/reschedule/", manage.reschedule, name="reschedule"),
    path(
        "<uuid:public_id>/reschedule/confirm/",
        manage.reschedule_confirm,
        name="reschedule-confirm",
    ),
    path("<uuid:public_id>/cancel/", manage.cancel, name="cancel"),
    path("calendar/", physician.calendar, name="calendar"),
    path("calendar/hours/", physician.hours, name="hours"),
    path("calendar/<uuid:public_id>/", physician.call, name="call"),
]
