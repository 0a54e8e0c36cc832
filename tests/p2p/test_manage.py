"""My P2P Requests and an appointment's Actions: reschedule and cancel."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from p2p.models import Appointment, SchedulerPreference
from tests.cases.post_decision.conftest import TODAY, decided
from tests.p2p.conftest import physician_make
from tests.p2p.test_pages import CONTACT, at, contact_url, text_of

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
MONDAY_EVENING = dt.datetime(2026, 5, 18, 18, 15, tzinfo=EASTERN)


def booked(office, denied, physician, start=MONDAY_EVENING) -> Appointment:
    response = office.post(contact_url(denied, physician, start), CONTACT)
    assert response.status_code == 302
    return Appointment.objects.get(starts_at=start)


def test_my_p2p_requests_lists_the_offices_appointments(office, denied, physician, world):
    appointment = booked(office, denied, physician)

    text = text_of(office.get(reverse("p2p:list")))

    assert (
        f"Mon 5/18/26 - 6:15 pm EDT Dana Fackler, MD {denied.case_number} Reconsideration P2P "
        "Scheduled"
    ) in text
    page = office.get(reverse("p2p:list")).content.decode()
    assert f'href="{reverse("p2p:appointment", args=[appointment.public_id])}"' in page


def test_the_list_is_the_same_few_queries_whatever_its_length(
    office, denied, world, django_assert_max_num_queries
):
    doctor = physician_make("Busy", hours=dict.fromkeys(range(5), ("07:00", "19:00")))
    start = dt.datetime(2026, 5, 18, 7, 0, tzinfo=EASTERN)
    for n in range(12):
        case = decided(world, date_of_service=TODAY + dt.timedelta(days=30))
        booked(office, case, doctor, start + dt.timedelta(minutes=15 * n))
    with django_assert_max_num_queries(12):
        response = office.get(reverse("p2p:list"))
    assert response.content.decode().count("data-appointment=") == 12


def test_another_offices_list_is_empty(client, world, office, denied, physician):
    booked(office, denied, physician)
    client.force_login(world.outsider)
    SchedulerPreference.objects.create(
        user=world.outsider, time_zone="America/New_York", confirmed_at=MONDAY_EVENING
    )
    assert "You have no P2P requests yet" in text_of(client.get(reverse("p2p:list")))


def test_reschedule_picks_a_new_time_and_frees_the_old_one(office, denied, physician, world):
    appointment = booked(office, denied, physician)

    week = office.get(reverse("p2p:reschedule", args=[appointment.public_id]) + "?week=2026-05-18")
    text = text_of(week)
    assert "Reschedule P2P Appointment" in text
    # The appointment's own time is booked: not offered again.
    assert "6:15 pm EDT" not in text and "6:30 pm EDT" in text
    confirm = reverse("p2p:reschedule-confirm", args=[appointment.public_id])
    assert confirm in week.content.decode()

    new_start = dt.datetime(2026, 5, 19, 9, 0, tzinfo=EASTERN)
    confirm_url = f"{confirm}?at={at(physician, new_start)}&time_zone=America%2FNew_York"
    page = text_of(office.get(confirm_url))
    assert "Now Mon 5/18/26 - 6:15 pm EDT" in page and "New time Tue 5/19/26 - 9:00 am EDT" in page

    response = office.post(confirm_url)

    assert response["Location"] == reverse("p2p:appointment", args=[appointment.public_id])
    assert Appointment.objects.get(pk=appointment.pk).starts_at == new_start
    assert "Your P2P appointment was rescheduled to Tue 5/19/26 - 9:00 am EDT." in text_of(
        office.get(response["Location"])
    )
    # The old time is free again.
    other = decided(world, date_of_service=TODAY + dt.timedelta(days=30))
    assert booked(office, other, physician).starts_at == MONDAY_EVENING


def test_cancel_needs_a_reason_next_to_the_field(office, denied, physician):
    appointment = booked(office, denied, physician)
    url = reverse("p2p:cancel", args=[appointment.public_id])

    response = office.post(url, {"reason": "   "})

    assert response.status_code == 200
    assert "Please enter a cancellation reason." in text_of(response)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED

    response = office.post(url, {"reason": "The surgeon is in the operating room."})

    cancelled = Appointment.objects.get(pk=appointment.pk)
    assert cancelled.status == Appointment.Status.CANCELLED
    page = text_of(office.get(response["Location"]))
    assert "Your P2P appointment of Mon 5/18/26 - 6:15 pm EDT was cancelled." in page
    assert "CANCELLED" in page and "Actions" not in page


def test_another_office_gets_404_on_the_actions(client, world, office, denied, physician):
    appointment = booked(office, denied, physician)
    client.force_login(world.outsider)
    for name in ("reschedule", "reschedule-confirm"):
        assert client.get(reverse(f"p2p:{name}", args=[appointment.public_id])).status_code == 404
    response = client.post(reverse("p2p:cancel", args=[appointment.public_id]), {"reason": "x"})
    assert response.status_code == 404
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED
