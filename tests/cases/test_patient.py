"""Steps 7 and 8 of the case-build wizard: the date of service ("Attention!") and the Patient
Eligibility Lookup (ELIGIBILITY LOOKUP, Search Results, SELECT, CLEAR PATIENT SELECTION and the
patient's contact number with SUBMIT / UNKNOWN)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.models import Case, ProcedureLine
from cases.wizard.drafts import draft_start
from cases.wizard.forms.patient import (
    DELIVERED_FUTURE,
    DELIVERED_LABEL,
    DOS_HINT,
    DOS_INVALID,
    DOS_LABEL,
    DOS_REQUIRED,
    DOS_TOO_FAR,
    DOS_YEAR,
    LAST_NAME_HELP,
    PERFORMED_FUTURE,
    PERFORMED_PAST_LABEL,
    PERFORMED_REQUIRED,
    PERFORMED_TODAY_LABEL,
    one_year_after,
)
from cases.wizard.services.patient import NOT_FOUND, SELECT_MISMATCH
from cases.wizard.views.common import FINISH_LATER_UNSAVED
from tests.cases.conftest import fill_through
from tests.factories.eligibility import (
    CoverageFactory,
    DelegationFactory,
    LineOfBusinessFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

CONTACT_PROMPT_TEXT = "Please provide the patient's best contact number including area code."
LOOKUP = {
    "action": "lookup",
    "patient_id": "EVG00000042",
    "date_of_birth": "06/28/1982",
    "last_name": "Winter",
}
IN_PROGRESS = reverse("cases:in-progress")


def url(case: Case, step: str) -> str:
    return reverse(f"cases:wizard-{step}", kwargs={"public_id": case.public_id})


def today() -> dt.date:
    return timezone.localdate()


def mdy(day: dt.date) -> str:
    return f"{day:%m/%d/%Y}"


def page_of(response) -> str:
    """The page's text with entities decoded (Django escapes apostrophes)."""
    return unescape(response.content.decode())


def legend(page: str) -> str:
    """The performed question as asked (its legend)."""
    return re.search(r"<legend[^>]*>\s*(.*?)\s*</legend>", page, re.S).group(1)


def at_patient(case: Case, world, *, day: dt.date | None = None, performed: bool = False) -> Case:
    """The draft with every step before the patient complete (date of service as given)."""
    case = fill_through(case, world, "date-of-service")
    if day is not None:
        Case.objects.filter(pk=case.pk).update(date_of_service=day, service_performed=performed)
        case.refresh_from_db()
    return case


def select_data(member_id) -> dict:
    return {**LOOKUP, "action": "select", "member": member_id}


def lookups_logged(member) -> int:
    return AccessEvent.objects.filter(
        action=AccessEvent.Action.LOOKUP,
        subject_type=AccessEvent.SubjectType.MEMBER,
        subject_id=str(member.pk),
        member=member,
    ).count()


# --- Date of service ---


def test_date_of_service_asks_the_attention_question(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    page = page_of(office_client.get(url(case, "date-of-service")))
    assert "Attention!" in page and "Time:" in page
    assert DOS_LABEL in page and DOS_HINT in page
    # The performed question waits for a date of today or in the past.
    assert "data-dos-question" in page and 'data-equipment="0"' in page
    assert "js/wizard-patient.js" in page
    assert 'href="' + url(case, "contact") + '"' in page


def test_a_future_date_is_saved_as_not_performed(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    day = today() + dt.timedelta(days=10)
    response = office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(day), "service_performed": ""}
    )
    assert response.status_code == 302 and response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert (case.date_of_service, case.service_performed) == (day, False)
    assert not case.is_retrospective


def test_the_browser_date_format_is_accepted_too(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    day = today() + dt.timedelta(days=3)
    office_client.post(url(case, "date-of-service"), {"date_of_service": day.isoformat()})
    case.refresh_from_db()
    assert case.date_of_service == day and case.service_performed is False


def test_today_without_an_answer_asks_whether_it_was_completed(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    response = office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(today())})
    page = page_of(response)
    assert response.status_code == 200
    assert legend(page) == PERFORMED_TODAY_LABEL and PERFORMED_REQUIRED in page
    assert f'value="{mdy(today())}"' in page
    case.refresh_from_db()
    assert case.date_of_service is None and case.service_performed is None


def test_today_already_completed_is_a_retrospective_request(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    office_client.post(
        url(case, "date-of-service"),
        {"date_of_service": mdy(today()), "service_performed": "yes"},
    )
    case.refresh_from_db()
    assert case.date_of_service == today() and case.service_performed is True
    assert case.is_retrospective


def test_a_past_date_asks_has_this_procedure_been_performed(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    past = today() - dt.timedelta(days=5)
    page = page_of(office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(past)}))
    assert PERFORMED_REQUIRED in page
    assert legend(page) == PERFORMED_PAST_LABEL
    assert f'value="{mdy(past)}"' in page
    case.refresh_from_db()
    assert case.date_of_service is None

    office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(past), "service_performed": "no"}
    )
    case.refresh_from_db()
    assert (case.date_of_service, case.service_performed) == (past, False)


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ("", DOS_REQUIRED),
        ("02/30/2026", DOS_INVALID),
        ("13/01/2026", DOS_INVALID),
        ("06/13/26", DOS_INVALID),
        ("tomorrow", DOS_INVALID),
        ("9" * 5000, DOS_INVALID),
        ("06/13/1999", DOS_YEAR),
    ],
)
def test_bad_dates_of_service_say_so_and_keep_the_input(
    office_client, draft, world, entered, message
):
    case = fill_through(draft, world, "contact")
    response = office_client.post(
        url(case, "date-of-service"), {"date_of_service": entered, "service_performed": "no"}
    )
    page = page_of(response)
    assert response.status_code == 200 and message in page
    if entered and len(entered) < 100:
        assert f'value="{entered}"' in page
    case.refresh_from_db()
    assert case.date_of_service is None and case.service_performed is None


def test_the_date_of_service_is_at_most_twelve_months_ahead(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    limit = one_year_after(today())
    page = page_of(
        office_client.post(
            url(case, "date-of-service"),
            {"date_of_service": mdy(limit + dt.timedelta(days=1))},
        )
    )
    assert DOS_TOO_FAR in page
    case.refresh_from_db()
    assert case.date_of_service is None
    office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(limit)})
    case.refresh_from_db()
    assert case.date_of_service == limit


def test_one_year_after_a_leap_day():
    assert one_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_a_future_date_cannot_have_been_performed(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    page = page_of(
        office_client.post(
            url(case, "date-of-service"),
            {"date_of_service": mdy(today() + dt.timedelta(days=2)), "service_performed": "yes"},
        )
    )
    assert PERFORMED_FUTURE in page
    case.refresh_from_db()
    assert case.date_of_service is None


def test_a_tampered_answer_says_so(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    page = page_of(
        office_client.post(
            url(case, "date-of-service"),
            {"date_of_service": mdy(today()), "service_performed": "maybe"},
        )
    )
    assert "Please answer Yes or No." in page
    case.refresh_from_db()
    assert case.service_performed is None


def test_dme_asks_whether_it_was_delivered_or_dispensed(office_client, world):
    case = fill_through(draft_start(user=world.user, program=world.dme), world, "contact")
    page = page_of(office_client.get(url(case, "date-of-service")))
    assert DELIVERED_LABEL in page and 'data-equipment="1"' in page
    assert f'data-label-past="{DELIVERED_LABEL}">' in page  # shown, not hidden

    past = today() - dt.timedelta(days=3)
    page = page_of(office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(past)}))
    assert PERFORMED_REQUIRED in page
    page = page_of(
        office_client.post(
            url(case, "date-of-service"),
            {"date_of_service": mdy(today() + dt.timedelta(days=4)), "service_performed": "yes"},
        )
    )
    assert DELIVERED_FUTURE in page

    office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(past), "service_performed": "yes"}
    )
    case.refresh_from_db()
    assert (case.date_of_service, case.service_performed) == (past, True)


def test_a_retrospective_date_past_every_window_of_the_plan_is_refused(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    # Radiology's only delegation on this plan allows 30 days.
    old = today() - dt.timedelta(days=31)
    page = page_of(
        office_client.post(
            url(case, "date-of-service"), {"date_of_service": mdy(old), "service_performed": "yes"}
        )
    )
    assert "Evergreen Health Plan accepts retrospective requests for Radiology and Cardiology" in (
        page
    )
    assert "within 30 days of the date of service" in page and "31 days ago" in page
    case.refresh_from_db()
    assert case.date_of_service is None

    inside = today() - dt.timedelta(days=30)
    office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(inside), "service_performed": "yes"}
    )
    case.refresh_from_db()
    assert (case.date_of_service, case.service_performed) == (inside, True)


def test_the_longest_window_of_the_plan_lets_the_date_through(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    DelegationFactory(
        health_plan=world.plan,
        program=world.radiology,
        line_of_business=LineOfBusinessFactory(kind="medicare"),
        retrospective_window_days=90,
    )
    old = today() - dt.timedelta(days=60)
    office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(old), "service_performed": "yes"}
    )
    case.refresh_from_db()
    assert case.date_of_service == old and case.service_performed is True


def test_a_new_date_of_service_keeps_a_patient_still_covered_and_asks_to_confirm_again(
    office_client, draft, world
):
    case = fill_through(draft, world, "confirm")
    same = {"date_of_service": mdy(case.date_of_service), "service_performed": "no"}
    office_client.post(url(case, "date-of-service"), same)
    case.refresh_from_db()
    assert case.member == world.member and case.service_confirmed

    new_day = case.date_of_service + dt.timedelta(days=1)
    response = office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(new_day)})
    assert response["Location"] == url(case, "confirm")
    case.refresh_from_db()
    assert case.date_of_service == new_day
    assert case.member == world.member and case.patient_contact_saved
    assert not case.service_confirmed


def test_a_new_date_of_service_the_coverage_does_not_reach_clears_the_patient(
    office_client, draft, world
):
    case = fill_through(draft, world, "confirm")
    new_day = case.date_of_service + dt.timedelta(days=10)
    world.coverage.effective_to = new_day - dt.timedelta(days=1)
    world.coverage.save()
    response = office_client.post(url(case, "date-of-service"), {"date_of_service": mdy(new_day)})
    assert response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.date_of_service == new_day
    assert case.member_id is None and case.coverage_id is None and case.delegation_id is None
    assert not case.patient_contact_saved and case.patient_cell_phone == ""
    assert not case.service_confirmed
    # What the date of service does not decide stays.
    assert case.contact_saved and case.health_plan == world.plan


def test_date_of_service_finish_later(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    day = today() + dt.timedelta(days=6)
    response = office_client.post(
        url(case, "date-of-service"), {"date_of_service": mdy(day), "finish_later": "1"}
    )
    assert response["Location"] == IN_PROGRESS
    case.refresh_from_db()
    assert case.date_of_service == day

    other = fill_through(draft_start(user=world.user, program=world.radiology), world, "contact")
    response = office_client.post(
        url(other, "date-of-service"), {"date_of_service": "99/99/2026", "finish_later": "1"}
    )
    assert response["Location"] == IN_PROGRESS
    other.refresh_from_db()
    assert other.date_of_service is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert FINISH_LATER_UNSAVED in messages


def test_date_of_service_before_the_contact_redirects(office_client, draft, world):
    case = fill_through(draft, world, "insurer")
    response = office_client.get(url(case, "date-of-service"))
    assert response["Location"] == url(case, "contact")
    response = office_client.post(url(case, "date-of-service"), {"date_of_service": "01/01/2030"})
    assert response["Location"] == url(case, "contact")
    case.refresh_from_db()
    assert case.date_of_service is None


@pytest.mark.parametrize("step", ["date-of-service", "patient"])
def test_another_office_gets_404(outsider_client, draft, world, step):
    case = at_patient(draft, world)
    assert outsider_client.get(url(case, step)).status_code == 404
    assert outsider_client.post(url(case, step), LOOKUP).status_code == 404
    assert (
        outsider_client.post(url(case, step), {"date_of_service": mdy(today())}).status_code == 404
    )
    assert lookups_logged(world.member) == 0


@pytest.mark.parametrize("step", ["date-of-service", "patient"])
def test_other_methods_are_refused(office_client, draft, world, step):
    case = at_patient(draft, world)
    assert office_client.put(url(case, step)).status_code == 405


# --- Patient Eligibility Lookup ---


def test_the_lookup_page_shows_the_decks_fields(office_client, draft, world):
    case = at_patient(draft, world)
    page = page_of(office_client.get(url(case, "patient")))
    assert "Patient Eligibility Lookup" in page
    for label in ("Patient ID", "Date Of Birth", "Patient Last Name Only", "ELIGIBILITY LOOKUP"):
        assert label in page
    assert LAST_NAME_HELP in page and "MM/DD/YYYY" in page
    assert 'href="' + url(case, "date-of-service") + '"' in page
    assert "Search Results" not in page


def test_patient_before_the_date_of_service_redirects(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    response = office_client.get(url(case, "patient"))
    assert response["Location"] == url(case, "date-of-service")
    response = office_client.post(url(case, "patient"), select_data(world.member.pk))
    assert response["Location"] == url(case, "date-of-service")
    case.refresh_from_db()
    assert case.member_id is None
    assert lookups_logged(world.member) == 0


def test_the_lookup_shows_the_search_results_and_logs_the_member(office_client, draft, world):
    case = at_patient(draft, world)
    response = office_client.post(url(case, "patient"), LOOKUP)
    page = page_of(response)
    assert response.status_code == 200
    assert "Search Results" in page and "LOOKUP AGAIN" in page
    for column in ("Patient ID", "Member Code", "Name", "DOB", "Gender", "Address"):
        assert f'<th scope="col">{column}</th>' in page
    assert "WINTER, JONATHAN" in page and "6/28/1982" in page and "COM-PPO" in page
    assert f'name="member" value="{world.member.pk}"' in page
    assert 'value="select"' in page and "readonly" in page
    assert lookups_logged(world.member) == 1
    case.refresh_from_db()
    assert case.member_id is None


def test_the_patient_id_and_last_name_match_whatever_their_case(office_client, draft, world):
    case = at_patient(draft, world)
    data = {**LOOKUP, "patient_id": " evg00000042 ", "last_name": "  wINTER  "}
    page = page_of(office_client.post(url(case, "patient"), data))
    assert "WINTER, JONATHAN" in page and 'value="select"' in page
    response = office_client.post(
        url(case, "patient"),
        {
            **data,
            **select_data(world.member.pk),
            **{k: v for k, v in data.items() if k != "action"},
        },
    )
    assert response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.member == world.member


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": "06/29/1982"},
        {"last_name": "Winters"},
        {"last_name": "Jonathan"},
        {"patient_id": "EVG00000043"},
    ],
)
def test_a_wrong_date_of_birth_or_last_name_answers_like_an_unknown_id(
    office_client, draft, world, change
):
    case = at_patient(draft, world)
    page = page_of(office_client.post(url(case, "patient"), {**LOOKUP, **change}))
    assert NOT_FOUND in page
    assert "WINTER, JONATHAN" not in page and "Search Results" not in page
    assert lookups_logged(world.member) == 0
    # The input stays.
    for value in {**LOOKUP, **change}.values():
        if value != "lookup":
            assert f'value="{value}"' in page


def test_a_member_of_another_plan_is_not_found(office_client, draft, world):
    stranger = MemberFactory(
        health_plan=world.other_plan,
        patient_id="PRM00000007",
        last_name="Stone",
        date_of_birth=dt.date(1990, 1, 2),
    )
    CoverageFactory(member=stranger)
    case = at_patient(draft, world)
    data = {
        **LOOKUP,
        "patient_id": "PRM00000007",
        "last_name": "Stone",
        "date_of_birth": "01/02/1990",
    }
    page = page_of(office_client.post(url(case, "patient"), data))
    assert NOT_FOUND in page
    assert lookups_logged(stranger) == 0
    office_client.post(url(case, "patient"), {**data, "action": "select", "member": stranger.pk})
    case.refresh_from_db()
    assert case.member_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"patient_id": ""}, "Enter the Patient ID from the member's card."),
        ({"patient_id": "E$G"}, "A Patient ID is 3 to 20 letters"),
        ({"patient_id": "X" * 500}, "Ensure this value has at most 20 characters"),
        ({"date_of_birth": ""}, "Enter the patient's date of birth."),
        ({"date_of_birth": "1982-06-28"}, "Enter the date of birth as MM/DD/YYYY."),
        ({"date_of_birth": "02/30/1982"}, "Enter the date of birth as MM/DD/YYYY."),
        ({"date_of_birth": "01/01/2999"}, "The date of birth cannot be in the future."),
        ({"last_name": "  "}, "Enter the patient's last name."),
        ({"last_name": "W" * 61}, "Ensure this value has at most 60 characters"),
    ],
)
def test_bad_lookup_input_says_so_next_to_the_field(office_client, draft, world, data, message):
    case = at_patient(draft, world)
    response = office_client.post(url(case, "patient"), {**LOOKUP, **data})
    assert response.status_code == 200 and message in page_of(response)
    assert lookups_logged(world.member) == 0


def test_coverage_ended_before_the_date_of_service(office_client, draft, world):
    case = at_patient(draft, world)
    ended = case.date_of_service - dt.timedelta(days=1)
    world.coverage.effective_to = ended
    world.coverage.save()
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert (
        f"coverage with Evergreen Health Plan ended on {mdy(ended)}, before the date of service "
        f"({mdy(case.date_of_service)})."
    ) in page
    assert "WINTER, JONATHAN" in page and 'value="select"' not in page
    assert lookups_logged(world.member) == 1
    # SELECT posted anyway is refused.
    office_client.post(url(case, "patient"), select_data(world.member.pk))
    case.refresh_from_db()
    assert case.member_id is None


def test_coverage_not_yet_started_on_the_date_of_service(office_client, draft, world):
    case = at_patient(draft, world)
    starts = case.date_of_service + dt.timedelta(days=1)
    world.coverage.effective_from = starts
    world.coverage.save()
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert f"begins on {mdy(starts)}, after the date of service" in page
    assert 'value="select"' not in page
    response = office_client.post(url(case, "patient"), select_data(world.member.pk))
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.member_id is None


def test_a_member_without_any_coverage(office_client, draft, world):
    world.coverage.delete()
    case = at_patient(draft, world)
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert "This member has no coverage with Evergreen Health Plan on the date of service" in page
    assert 'value="select"' not in page


def test_the_plan_must_delegate_the_program_for_the_members_line_of_business(
    office_client, draft, world
):
    world.coverage.line_of_business = LineOfBusinessFactory(kind="medicare")
    world.coverage.save()
    case = at_patient(draft, world)
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert (
        "This member's plan does not delegate Radiology and Cardiology for Medicare Advantage "
        f"members on {mdy(case.date_of_service)}."
    ) in page
    assert 'value="select"' not in page
    office_client.post(url(case, "patient"), select_data(world.member.pk))
    case.refresh_from_db()
    assert case.member_id is None


def test_a_delegation_ended_before_the_date_of_service_does_not_count(office_client, draft, world):
    case = at_patient(draft, world)
    world.delegation.effective_to = case.date_of_service - dt.timedelta(days=1)
    world.delegation.save()
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert "plan does not delegate Radiology and Cardiology for Commercial members" in page


def test_a_retrospective_request_inside_the_window_is_selected(office_client, draft, world):
    case = at_patient(draft, world, day=today() - dt.timedelta(days=20), performed=True)
    response = office_client.post(url(case, "patient"), select_data(world.member.pk))
    assert response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.member == world.member and case.delegation == world.delegation


def test_a_retrospective_request_outside_the_window_is_refused(office_client, draft, world):
    world.delegation.retrospective_window_days = 10
    world.delegation.save()
    day = today() - dt.timedelta(days=20)
    case = at_patient(draft, world, day=day, performed=True)
    page = page_of(office_client.post(url(case, "patient"), LOOKUP))
    assert "must be submitted within 10 days of the date of service" in page
    assert f"{mdy(day)} was 20 days ago" in page and 'value="select"' not in page
    office_client.post(url(case, "patient"), select_data(world.member.pk))
    case.refresh_from_db()
    assert case.member_id is None
    # The same date, not performed, is no retrospective request.
    Case.objects.filter(pk=case.pk).update(service_performed=False)
    office_client.post(url(case, "patient"), select_data(world.member.pk))
    case.refresh_from_db()
    assert case.member == world.member


def test_select_saves_the_member_and_asks_for_the_contact_number(office_client, draft, world):
    world.member.phone = "6155550123"
    world.member.save()
    case = at_patient(draft, world)
    response = office_client.post(url(case, "patient"), select_data(world.member.pk))
    assert response.status_code == 302 and response["Location"] == url(case, "patient")
    assert "?" not in response["Location"]
    case.refresh_from_db()
    assert case.member == world.member
    assert case.coverage == world.coverage and case.delegation == world.delegation
    assert not case.patient_contact_saved
    assert lookups_logged(world.member) == 1

    page = page_of(office_client.get(url(case, "patient")))
    assert "Attention!" in page and CONTACT_PROMPT_TEXT in page
    assert "CLEAR PATIENT SELECTION" in page and "UNKNOWN" in page and "SUBMIT" in page
    assert "Patient Cell Phone" in page and "Patient Email" in page and "CONTINUE" in page
    assert 'value="6155550123"' in page
    assert "WINTER, JONATHAN" in page and "EVG00000042" in page
    assert "ELIGIBILITY LOOKUP" not in page


@pytest.mark.parametrize("member", ["other", "abc", "", "99999999999999999999", "-1"])
def test_select_with_a_tampered_member_id_is_refused(office_client, draft, world, member):
    other = MemberFactory(health_plan=world.plan, last_name="Winter")
    CoverageFactory(member=other, line_of_business=world.coverage.line_of_business)
    case = at_patient(draft, world)
    posted = other.pk if member == "other" else member
    response = office_client.post(url(case, "patient"), select_data(posted))
    page = page_of(response)
    assert response.status_code == 200 and SELECT_MISMATCH in page
    case.refresh_from_db()
    assert case.member_id is None and case.coverage_id is None


def test_select_with_a_changed_lookup_is_refused(office_client, draft, world):
    case = at_patient(draft, world)
    data = {**select_data(world.member.pk), "date_of_birth": "06/28/1983"}
    page = page_of(office_client.post(url(case, "patient"), data))
    assert NOT_FOUND in page
    case.refresh_from_db()
    assert case.member_id is None


def test_a_missing_or_unknown_action_changes_nothing(office_client, draft, world):
    case = at_patient(draft, world)
    for action in ("", "delete", "contact"):
        response = office_client.post(url(case, "patient"), {**LOOKUP, "action": action})
        assert response.status_code == 302 and response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.member_id is None and not case.patient_contact_saved


def selected(case: Case, world) -> Case:
    Case.objects.filter(pk=case.pk).update(
        member=world.member, coverage=world.coverage, delegation=world.delegation
    )
    case.refresh_from_db()
    return case


def test_submit_saves_the_patients_contact_and_continues(office_client, draft, world):
    case = selected(at_patient(draft, world), world)
    response = office_client.post(
        url(case, "patient"),
        {
            "action": "contact",
            "patient_cell_phone": "(615) 555-0199",
            "patient_email": "jon.winter@example.com",
        },
    )
    assert response["Location"] == url(case, "service")
    case.refresh_from_db()
    assert case.patient_contact_saved
    assert case.patient_cell_phone == "6155550199"
    assert case.patient_email == "jon.winter@example.com"
    # Saved: the prompt is not asked again, the numbers stay.
    page = page_of(office_client.get(url(case, "patient")))
    assert CONTACT_PROMPT_TEXT not in page and 'value="6155550199"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"patient_cell_phone": ""}, CONTACT_PROMPT_TEXT),
        ({"patient_cell_phone": "555-0199"}, "Enter a 10-digit phone or fax number"),
        ({"patient_cell_phone": "2" * 30}, "Ensure this value has at most 20 characters"),
        ({"patient_cell_phone": "6155550199", "patient_email": "not-an-email"}, "valid email"),
    ],
)
def test_bad_contact_input_says_so(office_client, draft, world, data, message):
    case = selected(at_patient(draft, world), world)
    response = office_client.post(url(case, "patient"), {"action": "contact", **data})
    page = page_of(response)
    assert response.status_code == 200 and message in page
    if data["patient_cell_phone"] and len(data["patient_cell_phone"]) < 20:
        assert f'value="{data["patient_cell_phone"]}"' in page
    case.refresh_from_db()
    assert not case.patient_contact_saved and case.patient_cell_phone == ""
    # Re-shown with the patient's data: logged as a view.
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, subject_id=str(case.pk)
    ).exists()


def test_unknown_saves_the_contact_without_a_phone(office_client, draft, world):
    world.member.phone = "6155550123"
    world.member.save()
    case = selected(at_patient(draft, world), world)
    response = office_client.post(
        url(case, "patient"), {"action": "unknown", "patient_cell_phone": "12"}
    )
    assert response["Location"] == url(case, "service")
    case.refresh_from_db()
    assert case.patient_contact_saved and case.patient_cell_phone == ""


def test_clear_patient_selection_goes_back_to_the_lookup(office_client, draft, world):
    case = fill_through(draft, world, "confirm")
    assert ProcedureLine.objects.filter(case=case).exists()
    response = office_client.post(url(case, "patient"), {"action": "clear"})
    assert response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.member_id is None and case.coverage_id is None and case.delegation_id is None
    assert not case.patient_contact_saved and case.patient_cell_phone == ""
    # The service was chosen for that patient.
    assert case.primary_diagnosis_id is None and not case.service_confirmed
    assert not ProcedureLine.objects.filter(case=case).exists()
    assert case.date_of_service is not None and case.contact_saved
    page = page_of(office_client.get(url(case, "patient")))
    assert "ELIGIBILITY LOOKUP" in page and "CLEAR PATIENT SELECTION" not in page


def test_a_new_phone_number_keeps_the_service(office_client, draft, world):
    case = fill_through(draft, world, "confirm")
    response = office_client.post(
        url(case, "patient"), {"action": "contact", "patient_cell_phone": "615-555-0100"}
    )
    assert response["Location"] in (url(case, "service"), url(case, "site"))
    case.refresh_from_db()
    assert case.patient_cell_phone == "6155550100" and case.service_confirmed
    assert ProcedureLine.objects.filter(case=case).exists()


def test_selecting_another_patient_clears_the_contact_and_service(office_client, draft, world):
    twin = MemberFactory(
        health_plan=world.plan,
        patient_id="EVG00000077",
        last_name="Winter",
        date_of_birth=dt.date(1982, 6, 28),
    )
    CoverageFactory(member=twin, line_of_business=world.coverage.line_of_business)
    case = fill_through(draft, world, "confirm")
    data = {**select_data(twin.pk), "patient_id": "EVG00000077"}
    assert office_client.post(url(case, "patient"), data)["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert case.member == twin and not case.patient_contact_saved
    assert case.patient_cell_phone == "" and not case.service_confirmed
    assert not ProcedureLine.objects.filter(case=case).exists()


def test_patient_finish_later(office_client, draft, world):
    case = selected(at_patient(draft, world), world)
    response = office_client.post(
        url(case, "patient"), {"patient_cell_phone": "6155550199", "finish_later": "1"}
    )
    assert response["Location"] == IN_PROGRESS
    case.refresh_from_db()
    assert case.patient_contact_saved and case.patient_cell_phone == "6155550199"


def test_patient_finish_later_without_a_selection_saves_nothing(office_client, draft, world):
    case = at_patient(draft, world)
    response = office_client.post(
        url(case, "patient"), {**LOOKUP, "action": "", "finish_later": "1"}
    )
    assert response["Location"] == IN_PROGRESS
    assert FINISH_LATER_UNSAVED in [str(m) for m in response.wsgi_request._messages]
    case.refresh_from_db()
    assert case.member_id is None
    assert lookups_logged(world.member) == 0

    chosen = selected(
        fill_through(
            draft_start(user=world.user, program=world.radiology), world, "date-of-service"
        ),
        world,
    )
    response = office_client.post(
        url(chosen, "patient"), {"patient_cell_phone": "12", "finish_later": "1"}
    )
    assert response["Location"] == IN_PROGRESS
    chosen.refresh_from_db()
    assert not chosen.patient_contact_saved and chosen.member == world.member


def test_contact_without_a_selected_patient_goes_back_to_the_lookup(office_client, draft, world):
    case = at_patient(draft, world)
    response = office_client.post(
        url(case, "patient"), {"action": "unknown", "patient_cell_phone": ""}
    )
    assert response["Location"] == url(case, "patient")
    case.refresh_from_db()
    assert not case.patient_contact_saved


def test_the_lookup_takes_the_same_queries_whatever_the_data(
    office_client, draft, world, django_assert_max_num_queries
):
    case = at_patient(draft, world)
    office_client.post(url(case, "patient"), LOOKUP)  # warm the session and the caches
    for _ in range(30):
        member = MemberFactory(health_plan=world.plan, last_name="Winter")
        CoverageFactory(member=member, line_of_business=world.coverage.line_of_business)
    for past in range(3):
        CoverageFactory(
            member=world.member,
            line_of_business=world.coverage.line_of_business,
            effective_from=dt.date(2010 + past, 1, 1),
            effective_to=dt.date(2010 + past, 12, 31),
        )
    with django_assert_max_num_queries(10):
        response = office_client.post(url(case, "patient"), LOOKUP)
    assert "WINTER, JONATHAN" in page_of(response)


def test_a_date_of_service_shown_again_with_the_patient_is_logged(office_client, draft, world):
    case = fill_through(draft, world, "patient")
    page = page_of(office_client.post(url(case, "date-of-service"), {"date_of_service": "junk"}))
    assert DOS_INVALID in page and "WINTER, JONATHAN" in page
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, subject_id=str(case.pk), member=world.member
    ).exists()
    case.refresh_from_db()
    assert case.member == world.member
