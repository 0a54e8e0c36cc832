"""The draft's core: starting, the business-day expiry, opening a step under the row lock,
clearing what depended on a changed answer, and the program step."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.models import Case, ProcedureLine, StatusEvent
from cases.wizard import steps
from cases.wizard.drafts import (
    DraftClosed,
    StepNotReachable,
    draft_expires_at,
    draft_start,
    draft_step_open,
    drafts_expire,
    step_answer_save,
)
from eligibility.models import ClosureDate
from tests.cases.conftest import fill_through

pytestmark = pytest.mark.django_db
EASTERN = ZoneInfo("America/New_York")


def step_open(user, case, step_name):
    with draft_step_open(user=user, public_id=case.public_id, step_name=step_name):
        pass


@pytest.mark.parametrize(
    ("started", "expires"),
    [
        # Monday morning: Monday is the first business day, Tuesday the second.
        (dt.datetime(2026, 11, 16, 9, 0), dt.datetime(2026, 11, 18, 0, 0)),
        # Wednesday before Thanksgiving: Wednesday, then (Thursday a holiday, Friday a closure
        # date) Monday.
        (dt.datetime(2026, 11, 25, 16, 0), dt.datetime(2026, 12, 1, 0, 0)),
        # Saturday: Monday and Tuesday.
        (dt.datetime(2026, 11, 21, 10, 0), dt.datetime(2026, 11, 25, 0, 0)),
        # 11:30 pm on a Friday: Friday and Monday.
        (dt.datetime(2026, 11, 20, 23, 30), dt.datetime(2026, 11, 24, 0, 0)),
    ],
)
def test_a_draft_expires_at_the_end_of_its_second_business_day(started, expires):
    ClosureDate.objects.create(date=dt.date(2026, 11, 27), reason="Day after Thanksgiving")
    assert draft_expires_at(started.replace(tzinfo=EASTERN)) == expires.replace(tzinfo=EASTERN)


def test_starting_a_draft_records_its_status_event(draft, world):
    assert draft.status == Case.Status.DRAFT
    assert draft.office == world.office
    (event,) = StatusEvent.objects.filter(case=draft)
    assert (event.from_status, event.to_status, event.by) == ("", "draft", world.user)


def test_a_step_cannot_open_before_the_steps_it_depends_on(draft, world):
    with pytest.raises(StepNotReachable) as error:
        step_open(world.user, draft, "patient")
    assert error.value.step.name == "provider"


def test_another_office_cannot_open_the_draft(draft, world):
    with pytest.raises(Case.DoesNotExist):
        step_open(world.outsider, draft, "provider")


def test_a_new_plan_clears_the_patient_service_and_confirmation(draft, world):
    case = fill_through(draft, world, "confirm")
    assert steps.first_incomplete(case).name == "site"
    with draft_step_open(user=world.user, public_id=case.public_id, step_name="insurer") as locked:
        assert step_answer_save(locked, "insurer", {"health_plan": world.other_plan})
    case.refresh_from_db()
    assert case.member_id is None and case.coverage_id is None
    assert case.primary_diagnosis_id is None and not case.service_confirmed
    assert not ProcedureLine.objects.filter(case=case).exists()
    # What did not depend on the plan stays.
    assert case.contact_saved and case.practitioner == world.practitioner
    assert case.date_of_service is not None


def test_saving_the_same_answer_clears_nothing(draft, world):
    case = fill_through(draft, world, "confirm")
    with draft_step_open(user=world.user, public_id=case.public_id, step_name="insurer") as locked:
        assert not step_answer_save(locked, "insurer", {"health_plan": world.plan})
    case.refresh_from_db()
    assert case.member_id == world.member.pk and case.service_confirmed


def test_after_lock_in_no_step_opens(draft, world):
    case = fill_through(draft, world, "site")
    Case.objects.filter(pk=case.pk).update(locked_at=dt.datetime.now(tz=dt.UTC))
    for step in steps.STEPS:
        with pytest.raises(DraftClosed):
            step_open(world.user, case, step.name)


def test_drafts_expire_once_with_no_correspondence(draft, world, mailoutbox):
    later = draft.expires_at + dt.timedelta(seconds=1)
    assert drafts_expire(now=draft.expires_at - dt.timedelta(seconds=1)) == 0
    assert drafts_expire(now=later) == 1
    assert drafts_expire(now=later) == 0
    draft.refresh_from_db()
    assert draft.status == Case.Status.EXPIRED
    event = StatusEvent.objects.filter(case=draft).last()
    assert (event.from_status, event.to_status, event.by) == ("draft", "expired", None)
    assert mailoutbox == []


def test_a_draft_past_its_time_is_expired_when_opened(draft, world):
    Case.objects.filter(pk=draft.pk).update(
        expires_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=1)
    )
    with pytest.raises(DraftClosed):
        step_open(world.user, draft, "provider")
    draft.refresh_from_db()
    assert draft.status == Case.Status.EXPIRED


# --- Request an Authorization (the program step) ---

START = reverse("cases:start")


def test_start_lists_the_delegated_programs_and_starts_a_draft(office_client, world):
    page = office_client.get(START).content.decode()
    assert "To begin, please select a program below:" in page
    assert "Radiology and Cardiology" in page
    response = office_client.post(START, {"program": world.radiology.pk})
    case = Case.objects.get(office=world.office)
    assert response["Location"] == reverse(
        "cases:wizard-provider", kwargs={"public_id": case.public_id}
    )
    assert case.program == world.radiology and case.created_by == world.user


def test_start_goes_to_the_attention_question_for_musculoskeletal(office_client, world):
    response = office_client.post(START, {"program": world.msk.pk})
    assert response["Location"].endswith("/follow-on/")


def test_start_without_a_program_says_so(office_client, world):
    response = office_client.post(START, {"program": "999999"})
    assert "Please select a program." in response.content.decode()
    assert not Case.objects.exists()


def test_start_without_providers_sends_to_manage_your_account(office_client, world):
    world.office.practitioner_links.all().delete()
    page = office_client.get(START).content.decode()
    assert "There are no active providers associated with your account." in page
    assert reverse("accounts:manage") in page
    assert office_client.post(START, {"program": world.radiology.pk}).status_code == 200
    assert not Case.objects.exists()


def test_changing_the_program_clears_the_provider_and_the_insurer(office_client, draft, world):
    case = fill_through(draft, world, "contact")
    url = reverse("cases:wizard-program", kwargs={"public_id": case.public_id})
    response = office_client.post(url, {"program": world.dme.pk})
    assert response["Location"].endswith("/dme-role/")
    case.refresh_from_db()
    assert case.program == world.dme and case.health_plan_id is None
    assert case.practitioner_id is None and not case.contact_saved


def test_the_program_step_is_404_for_another_office(outsider_client, draft):
    url = reverse("cases:wizard-program", kwargs={"public_id": draft.public_id})
    assert outsider_client.get(url).status_code == 404


def test_an_htmx_search_on_a_closed_draft_loads_the_list_page_whole(office_client, draft, world):
    case = fill_through(draft, world, "patient")
    Case.objects.filter(pk=case.pk).update(
        expires_at=dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=1)
    )
    url = reverse("cases:wizard-service", kwargs={"public_id": case.public_id})
    response = office_client.post(url, {"q": "737"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("cases:in-progress")


def test_posting_the_same_start_page_twice_starts_one_draft(office_client, world):
    page = office_client.get(START)
    token = page.context["form"]["start_token"].value()
    first = office_client.post(START, {"program": world.radiology.pk, "start_token": token})
    second = office_client.post(START, {"program": world.radiology.pk, "start_token": token})
    assert first["Location"] == second["Location"]
    assert Case.objects.filter(office=world.office).count() == 1
    # A new page (a new token) starts a new draft.
    token = office_client.get(START).context["form"]["start_token"].value()
    office_client.post(START, {"program": world.radiology.pk, "start_token": token})
    assert Case.objects.filter(office=world.office).count() == 2


def test_a_start_token_of_another_office_does_not_reach_its_draft(office_client, world):
    theirs = draft_start(
        user=world.outsider,
        program=world.radiology,
        start_token=uuid.UUID("0b0b7f8e-3a7e-4c1b-9b1a-5d2f0c7e9a11"),
    )
    response = office_client.post(
        START, {"program": world.radiology.pk, "start_token": str(theirs.start_token)}
    )
    ours = Case.objects.get(office=world.office)
    assert ours.pk != theirs.pk
    assert response["Location"].startswith(f"/cases/{ours.public_id}/")


def test_every_page_of_a_draft_with_its_patient_is_logged_also_after_a_post(
    office_client, draft, world
):
    from accounts.models import AccessEvent

    case = fill_through(draft, world, "patient")
    url = reverse("cases:wizard-contact", kwargs={"public_id": case.public_id})
    office_client.get(url)
    response = office_client.post(url, {"provider_name": ""})  # shown again, with errors
    assert response.status_code == 200
    events = AccessEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
    assert events.count() == 2
    assert {event.member_id for event in events} == {world.member.pk}


def test_a_new_program_starts_the_provider_over(office_client, world):
    """A DME supplier's ordering physician need not be on the office's account: it does not
    stay the requesting provider of a case of another program."""
    from tests.factories.eligibility import PractitionerFactory

    case = draft_start(user=world.user, program=world.dme)
    outside = PractitionerFactory(last_name="Ordway")
    Case.objects.filter(pk=case.pk).update(dme_role=Case.DmeRole.DME_SUPPLIER, practitioner=outside)
    url = reverse("cases:wizard-program", kwargs={"public_id": case.public_id})
    response = office_client.post(url, {"program": world.radiology.pk})
    assert response["Location"].endswith("/provider/")
    case.refresh_from_db()
    assert (case.program, case.practitioner_id, case.dme_role) == (world.radiology, None, "")


def test_a_new_provider_keeps_the_plan_and_asks_for_the_address_again(draft, world):
    case = fill_through(draft, world, "contact")
    with draft_step_open(user=world.user, public_id=case.public_id, step_name="provider") as locked:
        assert step_answer_save(locked, "provider", {"practitioner": world.second_practitioner})
    case.refresh_from_db()
    assert case.health_plan == world.plan
    assert case.practitioner_address_id is None and not case.contact_saved
    assert steps.first_incomplete(case).name == "insurer"


def test_home_and_navigation_lead_office_users_to_the_wizard(office_client, world):
    content = office_client.get(reverse("portal:home")).content.decode()
    for text in ("REQUEST AN AUTH", "RESUME A CASE IN PROGRESS", ">Clinical Certification</a>"):
        assert text in content
    assert reverse("cases:start") in content and reverse("cases:in-progress") in content


def test_users_without_an_office_are_not_offered_the_wizard(admin_client_logged_in):
    content = admin_client_logged_in.get(reverse("portal:home")).content.decode()
    assert "REQUEST AN AUTH" not in content and "Clinical Certification" not in content
    assert admin_client_logged_in.get(START).status_code == 404
    assert admin_client_logged_in.get(reverse("cases:in-progress")).status_code == 404
