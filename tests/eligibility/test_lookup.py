import datetime

import pytest
from django.urls import reverse

from accounts.models import AccessEvent
from tests.conftest import verified_login
from tests.factories.eligibility import (
    CoverageFactory,
    DelegationFactory,
    EligibilityMessageFactory,
    HealthPlanFactory,
    LineOfBusinessFactory,
    MemberFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("eligibility:lookup")


@pytest.fixture
def plan():
    return HealthPlanFactory(name="Evergreen Health Plan")


@pytest.fixture
def commercial():
    return LineOfBusinessFactory(kind="commercial")


@pytest.fixture
def covered_member(plan, commercial):
    member = MemberFactory(
        health_plan=plan, patient_id="EVG100001", date_of_birth=datetime.date(1968, 4, 12)
    )
    CoverageFactory(member=member, line_of_business=commercial, member_code="EVG-PPO")
    return member


@pytest.fixture
def delegations(plan, commercial):
    radiology = ProgramFactory(code="radiology", name="Radiology and Cardiology", display_order=1)
    sleep = ProgramFactory(code="sleep", name="Sleep Management", display_order=9)
    ProgramFactory(code="gastro", name="Gastroenterology", display_order=5)
    delegation = DelegationFactory(health_plan=plan, program=radiology, line_of_business=commercial)
    EligibilityMessageFactory(
        delegation=delegation, service="Radiology", message="Precertification is Required"
    )
    EligibilityMessageFactory(
        delegation=delegation,
        service="Cardiology",
        message="Medical necessity determination required.",
        position=1,
    )
    # Sleep is delegated only to Medicare: a commercial member needs no prior auth for it.
    DelegationFactory(
        health_plan=plan, program=sleep, line_of_business=LineOfBusinessFactory(kind="medicare")
    )
    return delegation


def lookup(client, plan, patient_id="EVG100001", dob="04/12/1968"):
    return client.post(
        URL, {"health_plan": plan.pk, "patient_id": patient_id, "date_of_birth": dob}
    )


def test_lookup_page_shows_the_form(office_client, plan):
    response = office_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Eligibility Lookup" in content
    assert "Evergreen Health Plan" in content
    assert "ELIGIBILITY LOOKUP" in content


def test_covered_member_sees_one_line_per_program(office_client, plan, covered_member, delegations):
    response = lookup(office_client, plan)
    content = response.content.decode()
    assert response.status_code == 200
    assert "EVG-PPO" in content
    assert "Radiology Eligibility: <strong>Precertification is Required</strong>" in content
    assert "Cardiology Eligibility: <strong>Medical necessity determination required.</strong>" in (
        content
    )
    assert "No Prior Authorization required for: <strong>Gastroenterology, Sleep Management" in (
        content
    )
    assert content.index("Radiology Eligibility") < content.index("Cardiology Eligibility")
    for caption in ("Print", "Done", "Search Again"):
        assert caption in content


def test_patient_id_is_matched_without_regard_to_case(office_client, plan, covered_member):
    response = lookup(office_client, plan, patient_id=" evg100001 ")
    assert "EVG100001" in response.content.decode()
    assert "Member Code:" in response.content.decode()


def test_result_page_is_never_cached(office_client, plan, covered_member):
    response = lookup(office_client, plan)
    assert "no-store" in response["Cache-Control"]


def test_every_lookup_of_a_member_is_logged(office_client, office_user, plan, covered_member):
    lookup(office_client, plan)
    event = AccessEvent.objects.get()
    assert event.user == office_user
    assert event.member == covered_member
    assert event.action == AccessEvent.Action.LOOKUP
    assert event.subject_type == "member"
    assert event.path == URL


def test_lookup_of_an_uncovered_member_is_logged_too(office_client, plan, commercial):
    member = MemberFactory(
        health_plan=plan, patient_id="EVG100002", date_of_birth=datetime.date(1968, 4, 12)
    )
    CoverageFactory(
        member=member,
        line_of_business=commercial,
        effective_from=datetime.date(2019, 1, 1),
        effective_to=datetime.date(2023, 12, 31),
    )
    response = lookup(office_client, plan, patient_id="EVG100002")
    assert "coverage with this plan ended on 12/31/2023" in response.content.decode()
    assert AccessEvent.objects.filter(member=member).count() == 1


def test_future_coverage_says_when_it_begins(office_client, plan, commercial):
    member = MemberFactory(
        health_plan=plan, patient_id="EVG100003", date_of_birth=datetime.date(1990, 1, 2)
    )
    CoverageFactory(
        member=member, line_of_business=commercial, effective_from=datetime.date(2099, 1, 1)
    )
    response = lookup(office_client, plan, patient_id="EVG100003", dob="01/02/1990")
    assert "coverage with this plan begins on 01/01/2099" in response.content.decode()


@pytest.mark.parametrize(
    ("patient_id", "dob"),
    [("EVG999999", "04/12/1968"), ("EVG100001", "04/13/1968")],
    ids=["unknown-id", "wrong-birth-date"],
)
def test_unknown_member_and_wrong_birth_date_answer_alike(
    office_client, plan, covered_member, patient_id, dob
):
    response = lookup(office_client, plan, patient_id=patient_id, dob=dob)
    content = response.content.decode()
    assert response.status_code == 200
    assert "No member was found with this Patient ID and Date of Birth" in content
    assert "Member Code:" not in content
    assert f'value="{patient_id}"' in content  # the user's input is kept
    assert not AccessEvent.objects.exists()


def test_member_of_another_plan_is_not_found(office_client, covered_member):
    other_plan = HealthPlanFactory(name="Lakeshore Community Health")
    response = lookup(office_client, other_plan)
    assert "No member was found" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"patient_id": "EVG 100001"}, "A Patient ID is 3 to 20 letters, digits or dashes"),
        ({"patient_id": "<script>x</script>"}, "A Patient ID is 3 to 20 letters, digits or dashes"),
        ({"patient_id": ""}, "Enter the Patient ID from the member"),
        ({"date_of_birth": "1968-04-12"}, "Enter the date of birth as MM/DD/YYYY."),
        ({"date_of_birth": "02/30/1968"}, "Enter the date of birth as MM/DD/YYYY."),
        ({"date_of_birth": "01/01/2999"}, "The date of birth cannot be in the future."),
        ({"date_of_birth": "01/01/1800"}, "Enter a date of birth after 1900."),
        ({"health_plan": ""}, "Select the member"),
        ({"health_plan": "999999"}, "Select a valid choice."),
        ({"health_plan": "not-a-number"}, "Select a valid choice."),
    ],
)
def test_bad_input_gets_a_message_and_keeps_the_rest(
    office_client, plan, covered_member, data, field_message
):
    form = {"health_plan": plan.pk, "patient_id": "EVG100001", "date_of_birth": "04/12/1968"}
    form.update(data)
    response = office_client.post(URL, form)
    content = response.content.decode()
    assert response.status_code == 200
    assert field_message in content.replace("&#x27;", "'")
    assert "<script>x</script>" not in content
    assert "is-invalid" in content
    if "patient_id" not in data:
        assert 'value="EVG100001"' in content


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_method_is_refused(office_client):
    assert office_client.put(URL).status_code == 405


def test_post_without_csrf_token_is_refused(plan, covered_member, office_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    verified_login(client, office_user)
    response = lookup(client, plan)
    assert response.status_code == 403
    assert not AccessEvent.objects.exists()
