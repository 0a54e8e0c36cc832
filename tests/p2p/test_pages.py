"""The office's booking pages, from Request Peer to Peer Consultation to the Scheduled summary,
at a fixed moment (Tuesday 12 May 2026, 10:00 Eastern)."""

import datetime as dt
import re
from html import unescape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from cases.models import Case
from p2p.models import Appointment, SchedulerPreference
from p2p.zones import TimeZone
from tests.cases.post_decision.conftest import NOW, TODAY, decided
from tests.p2p.conftest import physician_make

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 5, 18)
ALL_DAYS = list(range(5))
ALL_HOURS = list(range(7, 19))


def text_of(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def with_cases(name: str, *cases, **params) -> str:
    pairs = [("case", str(case.public_id)) for case in cases]
    for key, value in params.items():
        pairs += [(key, str(v)) for v in (value if isinstance(value, list) else [value])]
    return f"{reverse(f'p2p:{name}')}?{urlencode(pairs)}"


def test_first_use_asks_to_confirm_the_time_zone_then_goes_on(client, world, clock, denied):
    client.force_login(world.user)
    new_url = with_cases("new", denied)

    response = client.get(new_url)

    assert response.status_code == 302
    confirm_url = response["Location"]
    assert confirm_url.startswith(reverse("p2p:time-zone"))
    page = client.get(confirm_url)
    assert "Please confirm your default time zone" in text_of(page)
    assert '<option value="America/New_York" selected>US/Eastern</option>' in page.content.decode()
    response = client.post(confirm_url, {"time_zone": "America/Chicago", "next": new_url})
    assert response["Location"] == new_url
    assert SchedulerPreference.objects.get(user=world.user).time_zone == "America/Chicago"
    # An address elsewhere is not followed.
    response = client.post(
        confirm_url, {"time_zone": "America/Chicago", "next": "https://example.org/"}
    )
    assert response["Location"] == reverse("p2p:new")


def test_the_request_starts_with_the_case_from_authorization_lookup(office, denied, world):
    page = office.get(with_cases("new", denied)).content.decode()

    assert f'value="{denied.case_number}"' in page
    assert f'value="{world.member.date_of_birth:%m/%d/%Y}"' in page
    assert "+ Add Another Case" in page and "Lookup Cases" in page


def lookup_data(*lines, add=False) -> dict:
    data = {"cases-TOTAL_FORMS": str(len(lines)), "cases-INITIAL_FORMS": "0"}
    for n, (number, dob) in enumerate(lines):
        data[f"cases-{n}-case_number"] = number
        data[f"cases-{n}-member_dob"] = dob
    if add:
        data["add"] = "1"
    return data


def test_lookup_cases_finds_the_offices_cases_and_confirms_them(office, denied, world):
    other = decided(world, date_of_service=TODAY + dt.timedelta(days=20))
    dob = f"{world.member.date_of_birth:%m/%d/%Y}"

    response = office.post(
        reverse("p2p:new"), lookup_data((denied.case_number, dob), (other.case_number, dob))
    )

    assert response.status_code == 302
    assert response["Location"] == with_cases("cases", denied, other)
    text = text_of(office.get(response["Location"]))
    assert f"Case Ref #: {denied.case_number}" in text
    assert "P2P Eligible" in text
    assert f"Name {world.member.first_name} {world.member.last_name}" in text
    assert "Level of Review Reconsideration P2P" in text
    assert f"Modality {denied.program.name}" in text
    assert AccessEvent.objects.filter(user=world.user, member=world.member).exists()


def test_a_wrong_date_of_birth_is_refused_next_to_the_line_with_the_input_kept(office, denied):
    response = office.post(reverse("p2p:new"), lookup_data((denied.case_number, "01/02/1903")))

    assert response.status_code == 200
    text = text_of(response)
    assert "No case of your office has this case reference number" in text
    assert f'value="{denied.case_number}"' in response.content.decode()
    assert 'value="01/02/1903"' in response.content.decode()


@pytest.mark.parametrize(
    ("number", "dob", "message"),
    [
        ("", "05/01/1980", "Enter the case reference number."),
        ("12AB", "05/01/1980", "Enter the case reference number (digits only)."),
        ("123", "1980-99-99", "Enter the date of birth as MM/DD/YYYY."),
        ("9" * 40, "05/01/1980", "at most 20 digits"),
    ],
)
def test_odd_lookup_input_gets_a_message(office, number, dob, message):
    response = office.post(reverse("p2p:new"), lookup_data((number, dob)))
    assert response.status_code == 200
    assert message in text_of(response)


def test_add_another_case_keeps_the_lines_and_adds_one(office, denied, world):
    dob = f"{world.member.date_of_birth:%m/%d/%Y}"
    response = office.post(reverse("p2p:new"), lookup_data((denied.case_number, dob), add=True))
    page = response.content.decode()
    assert f'value="{denied.case_number}"' in page
    assert 'name="cases-1-case_number"' in page
    assert 'name="cases-TOTAL_FORMS" value="2"' in page


def test_another_offices_case_is_never_shown(client, world, denied):
    client.force_login(world.outsider)
    SchedulerPreference.objects.create(
        user=world.outsider, time_zone=TimeZone.EASTERN, confirmed_at=NOW
    )
    response = client.get(with_cases("cases", denied))
    assert response.status_code == 302 and response["Location"] == reverse("p2p:new")
    dob = f"{world.member.date_of_birth:%m/%d/%Y}"
    response = client.post(reverse("p2p:new"), lookup_data((denied.case_number, dob)))
    assert "No case of your office has this case reference number" in text_of(response)


def test_a_reviewer_has_no_scheduler_pages(client, world, denied):
    reviewer = physician_make("Reviewer").user
    client.force_login(reviewer)
    for name in ("new", "cases", "availability", "week", "contact", "time-zone"):
        assert client.get(with_cases(name, denied)).status_code == 404


def test_the_week_shows_each_physicians_open_times_in_the_users_zone(office, denied, physician):
    response = office.get(
        with_cases(
            "week", denied, days=ALL_DAYS, hours=ALL_HOURS, time_zone=TimeZone.EASTERN, week=MONDAY
        )
    )

    text = text_of(response)
    assert "5/18/2026 - 5/24/2026 (Upcoming week)" in text
    assert "Mon 5/18/26 Tue 5/19/26 Wed 5/20/26" in text
    assert "6:15 pm EDT 6:30 pm EDT 6:45 pm EDT" in text
    assert "9:00 am EDT 9:15 am EDT" in text
    assert "Dana Fackler, MD" in text
    # In Central time the same slots read an hour earlier.
    central = text_of(
        office.get(
            with_cases(
                "week",
                denied,
                days=ALL_DAYS,
                hours=ALL_HOURS,
                time_zone=TimeZone.CENTRAL,
                week=MONDAY,
            )
        )
    )
    assert "5:15 pm CDT" in central and "8:00 am CDT" in central


def test_preferred_days_and_times_narrow_the_week(office, denied, physician):
    text = text_of(
        office.get(
            with_cases("week", denied, days=[1], hours=[9], time_zone=TimeZone.EASTERN, week=MONDAY)
        )
    )
    assert "9:00 am EDT" in text
    assert "6:15 pm EDT" not in text


def test_no_preferred_day_is_refused_with_the_form_again(office, denied, physician):
    response = office.get(with_cases("week", denied, hours=ALL_HOURS, time_zone=TimeZone.EASTERN))
    assert response.status_code == 200
    assert "Choose at least one day." in text_of(response)


def test_the_week_is_the_same_few_queries_whatever_the_physicians(
    office, denied, world, django_assert_max_num_queries
):
    for n in range(30):
        physician_make(f"Many{n}", programs=[denied.program])
    with django_assert_max_num_queries(20):
        response = office.get(
            with_cases(
                "week",
                denied,
                days=ALL_DAYS,
                hours=ALL_HOURS,
                time_zone=TimeZone.EASTERN,
                week=MONDAY,
            )
        )
    assert text_of(response).count("1st Priority by Skill") == 30


def at(physician, start) -> str:
    """A time's button value in the week view: the physician's id and the start's minutes
    since the epoch."""
    return f"{physician.pk}:{int(start.timestamp()) // 60}"


def contact_url(denied, physician, start):
    return with_cases("contact", denied, at=at(physician, start), time_zone=TimeZone.EASTERN)


CONTACT = {
    "performer": "contact_person",
    "contact_first_name": "John",
    "contact_last_name": "Doe",
    "contact_location": "Provider Office",
    "requesting_provider_name": "Dr. Jane Doe",
    "phone": "(555) 555-5555",
    "phone_ext": "12345",
    "requesting_provider_email": "droffice@example.org",
    "contact_instructions": "Select option 4, ask for Dr. Doe",
}


def test_submit_books_the_slot_and_shows_it_scheduled(office, denied, physician, world):
    start = dt.datetime(2026, 5, 18, 18, 30, tzinfo=EASTERN)
    url = contact_url(denied, physician, start)
    page = text_of(office.get(url))
    assert "Appointment Details Mon 5/18/26 6:30 pm EDT Dana Fackler, MD" in page
    assert "Who will be performing the P2P consultation?" in page

    response = office.post(url, CONTACT)

    appointment = Appointment.objects.get()
    assert response["Location"] == reverse("p2p:appointment", args=[appointment.public_id])
    assert appointment.starts_at == start and appointment.phone == "5555555555"
    text = text_of(office.get(response["Location"]))
    assert "Scheduled Mon 5/18/26 - 6:30 pm EDT SCHEDULED" in text
    assert "Reviewing Provider Dana Fackler, MD" in text
    assert "Contact Person Name John Doe" in text
    assert "Phone Number for P2P (555) 555-5555 Ext. 12345" in text
    assert "Level of Review Reconsideration P2P" in text


@pytest.mark.parametrize(
    ("performer", "missing"),
    [
        ("requesting_provider", "Enter the name of the referring physician on the case."),
        ("contact_person", "Enter the contact's first name."),
        ("someone_else", "Enter where the contact person is"),
    ],
)
def test_each_choice_needs_its_fields(office, denied, physician, performer, missing):
    data = {
        "performer": performer,
        "requesting_provider_name": "Dr. Jane Doe",
        "phone": "5555555555",
        "contact_instructions": "Ask for <b>Dr. Doe</b>",
    }
    url = contact_url(denied, physician, dt.datetime(2026, 5, 18, 18, 15, tzinfo=EASTERN))

    response = office.post(url, data)

    assert response.status_code == 200
    assert missing in text_of(response)
    assert "Ask for &lt;b&gt;Dr. Doe&lt;/b&gt;" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_slot_taken_meanwhile_says_so_and_books_nothing(office, denied, physician, world):
    start = dt.datetime(2026, 5, 18, 18, 15, tzinfo=EASTERN)
    office.post(contact_url(denied, physician, start), CONTACT)
    other = decided(world, date_of_service=TODAY + dt.timedelta(days=30))

    response = office.post(contact_url(other, physician, start), CONTACT)

    assert response.status_code == 200
    assert "this time was just booked by someone else" in text_of(response)
    assert Appointment.objects.count() == 1


def test_another_office_gets_404_for_the_appointment(office, client, denied, physician, world):
    office.post(
        contact_url(denied, physician, dt.datetime(2026, 5, 18, 18, 15, tzinfo=EASTERN)), CONTACT
    )
    appointment = Appointment.objects.get()
    client.force_login(world.outsider)
    assert client.get(reverse("p2p:appointment", args=[appointment.public_id])).status_code == 404


def test_a_case_not_eligible_cannot_continue(office, world, clock):
    approved = decided(world, status=Case.Status.APPROVED)
    text = text_of(office.get(with_cases("cases", approved)))
    assert "Not Eligible" in text and "Continue" not in text
    assert office.get(with_cases("availability", approved))["Location"] == reverse("p2p:new")


def test_show_more_gives_the_rest_of_the_day(office, denied):
    busy = physician_make("Busy", hours={0: ("09:00", "11:00")})
    url = with_cases(
        "week", denied, days=ALL_DAYS, hours=ALL_HOURS, time_zone=TimeZone.EASTERN, week=MONDAY
    )
    page = office.get(url).content.decode()
    assert page.count(f'name="at" value="{busy.pk}:') == 4
    more = re.search(r'href="([^"]*more=[^"]*)"', page).group(1).replace("&amp;", "&")

    response = office.get(more, headers={"HX-Request": "true"})
    partial = response.content.decode()
    full = office.get(more).content.decode()
    assert "HX-Request" in response["Vary"]

    assert partial.count('name="at"') == 8 and "<html" not in partial
    assert "10:45 am EDT" in partial
    assert full.count(f'name="at" value="{busy.pk}:') == 8 and "<html" in full


@pytest.mark.parametrize(
    "query",
    [
        {"week": "9999-12-31"},
        {"week": "0001-01-01"},
        {"more": "²-1"},
        {"more": "1-²"},
        {"more": "99999999999999999999-9"},
    ],
)
def test_odd_week_addresses_answer_a_page(office, denied, physician, query):
    params = {"days": ALL_DAYS, "hours": ALL_HOURS, "time_zone": TimeZone.EASTERN} | query
    response = office.get(with_cases("week", denied, **params))
    assert response.status_code == 200
    assert "P2P Request" in text_of(response)


@pytest.mark.parametrize("value", [f"1:{2**40}", "²:1", "1:²", "x", "1:", ":5", f"1:{'9' * 30}"])
def test_odd_times_lead_back_to_new_p2p_request(office, denied, physician, value):
    url = with_cases("contact", denied, at=value, time_zone=TimeZone.EASTERN)
    for response in (office.get(url), office.post(url, CONTACT)):
        assert response.status_code == 302
        assert response["Location"] == reverse("p2p:new")
    assert not Appointment.objects.exists()


def test_a_time_taken_meanwhile_offers_the_availability_again(office, denied, physician, world):
    start = dt.datetime(2026, 5, 18, 18, 15, tzinfo=EASTERN)
    office.post(contact_url(denied, physician, start), CONTACT)
    other = decided(world, date_of_service=TODAY + dt.timedelta(days=30))

    page = office.post(contact_url(other, physician, start), CONTACT).content.decode()

    assert f'href="{with_cases("availability", other)}"'.replace("&", "&amp;") in page


def test_lookups_count_against_the_authorization_lookup_limit(office, denied, world, settings):
    settings.AUTHORIZATION_LOOKUPS_PER_MINUTE = 2
    dob = f"{world.member.date_of_birth:%m/%d/%Y}"
    other = decided(world, date_of_service=TODAY + dt.timedelta(days=20))
    third = decided(world, date_of_service=TODAY + dt.timedelta(days=20))

    response = office.post(
        reverse("p2p:new"),
        lookup_data((denied.case_number, dob), (other.case_number, dob), (third.case_number, dob)),
    )

    # The third line is one lookup too many: refused next to it, every line kept.
    assert response.status_code == 200
    assert "You have made too many lookups in a short time." in text_of(response)
    page = response.content.decode()
    for case in (denied, other, third):
        assert f'value="{case.case_number}"' in page
    # And the office's Authorization Lookup shares the count.
    lookup = office.post(
        reverse("cases:authorization-lookup"),
        {
            "search_by": "number",
            "number-npi": world.practitioner.npi,
            "number-number": denied.case_number,
        },
    )
    assert lookup.status_code == 429


def test_a_case_already_scheduled_is_shown_so_and_a_second_submit_keeps_the_input(
    office, denied, physician, world
):
    start = dt.datetime(2026, 5, 18, 18, 30, tzinfo=EASTERN)
    url = contact_url(denied, physician, start)
    office.post(url, CONTACT)

    # A second Submit of the same page (another tab, a double click): refused, input kept.
    later = contact_url(denied, physician, start + dt.timedelta(minutes=15))
    again = office.post(later, CONTACT | {"contact_instructions": "Ask for the front desk"})

    assert again.status_code == 200
    text = text_of(again)
    assert f"A P2P is already scheduled for case {denied.case_number}: Mon 5/18/26 - 6:30" in text
    assert "Ask for the front desk" in again.content.decode()
    assert Appointment.objects.count() == 1
    # Looked up again, the case says so and cannot go on.
    confirmation = text_of(office.get(with_cases("cases", denied)))
    assert "P2P Scheduled" in confirmation and "Continue" not in confirmation
