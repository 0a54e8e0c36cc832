"""Authorization Lookup: "Search by Member Information" and "Search by Authorization Number/
NPI" find the office's submitted cases; every refusal answers exactly as a case that does not
exist; lookups are POSTs, rate-limited and logged."""

import re
import uuid

import pytest
from django.urls import reverse

from accounts.models import AccessEvent, OfficePractitioner
from cases.lookup.forms import BOTH_NUMBERS, NPI_REQUIRED, NUMBER_INVALID, SEARCH_REQUIRED
from cases.lookup.selectors import LOOKUP_LIST_LIMIT
from cases.lookup.views import NOT_FOUND, TOO_MANY
from cases.models import Case
from cases.models.pathways import Outcome
from cases.wizard.drafts import draft_start
from tests.cases.clinical.test_submission import ready
from tests.cases.conftest import fill_through
from tests.cases.lookup.conftest import submitted, url
from tests.factories.accounts import MembershipFactory, OfficePractitionerFactory
from tests.factories.eligibility import MemberFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

LOOKUP = reverse("cases:authorization-lookup")
UNLINKED_NPI = "1467560003"


def by_number(npi, number, **extra):
    return {"search_by": "number", "number-npi": npi, "number-number": number, **extra}


def by_member(world, **values):
    data = {
        "search_by": "member",
        "member-health_plan": world.plan.pk,
        "member-npi": world.practitioner.npi,
        "member-patient_id": world.member.patient_id,
        "member-date_of_birth": f"{world.member.date_of_birth:%m/%d/%Y}",
        "member-case_number": "",
        "member-authorization_number": "",
    }
    data.update({f"member-{name}": value for name, value in values.items()})
    return data


def lookups(world, **filters):
    return AccessEvent.objects.filter(user=world.user, action=AccessEvent.Action.LOOKUP, **filters)


def main_part(response) -> str:
    """The page's main content without what the user typed, the CSRF token and the choices
    kept: what every "not found" must show alike."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    main = re.sub(r'\svalue="[^"]*"', "", main)
    return re.sub(r"\s(selected|checked)\b", "", main)


# --- The page ---------------------------------------------------------------------------------


def test_the_page_offers_both_searches_with_the_decks_fields(office_client, world):
    response = office_client.get(LOOKUP)
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Search by Member Information",
        "Search by Authorization Number/ NPI",
        "Healthplan",
        "Provider NPI",
        "Patient ID",
        "Patient Date of Birth",
        "MM/DD/YYYY",
        "Case Number",
        "Authorization Number",
        "Auth/Case Number",
        "SEARCH",
        world.plan.name,
    ):
        assert text in page, text
    assert "js/authorization-lookup.js" in page
    assert not lookups(world).exists()


def test_the_lookup_answers_only_get_and_post(office_client):
    assert office_client.put(LOOKUP).status_code == 405


# --- Search by Authorization Number/ NPI ------------------------------------------------------


def test_an_authorization_number_with_the_npi_opens_the_result(office_client, world):
    case = submitted(world)

    response = office_client.post(
        LOOKUP, by_number(world.practitioner.npi, case.authorization_number.lower())
    )

    assert response.status_code == 302
    assert response["Location"] == url("authorization", case)
    (event,) = lookups(world)
    assert (event.subject_type, event.subject_id, event.member) == (
        AccessEvent.SubjectType.CASE,
        str(case.pk),
        world.member,
    )
    assert event.path == LOOKUP


@pytest.mark.parametrize("outcome", [Outcome.APPROVE, Outcome.REVIEW])
def test_a_case_number_with_the_npi_opens_the_result(office_client, world, outcome):
    case = submitted(world, outcome=outcome)
    response = office_client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))
    assert response.status_code == 302
    assert response["Location"] == url("authorization", case)


# --- Search by Member Information -------------------------------------------------------------


def test_the_members_one_case_opens_its_result(office_client, world):
    case = submitted(world)

    response = office_client.post(LOOKUP, by_member(world, patient_id="evg00000042"))

    assert response.status_code == 302
    assert response["Location"] == url("authorization", case)
    (event,) = lookups(world)
    assert (event.subject_type, event.subject_id, event.member) == (
        "case",
        str(case.pk),
        world.member,
    )


def test_the_members_several_cases_are_listed_each_to_its_result(office_client, world):
    approved = submitted(world)
    pending = submitted(world, outcome=Outcome.REVIEW)

    response = office_client.post(LOOKUP, by_member(world))

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "cases/lookup/cases.html"
    page = response.content.decode()
    for heading in (
        "Case Number",
        "Authorization Number",
        "Status",
        "Date of Service",
        "Procedure",
    ):
        assert f'<th scope="col">{heading}</th>' in page
    # Newest first.
    assert page.index(pending.case_number) < page.index(approved.case_number)
    assert f'href="{url("authorization", approved)}"' in page
    assert f'href="{url("authorization", pending)}"' in page
    assert approved.authorization_number in page and ">NA<" in page
    assert "Pending" in page and "Approved" in page and "73721" in page
    assert f"{approved.date_of_service:%-m/%-d/%Y}" in page
    (event,) = lookups(world)
    assert (event.subject_type, event.subject_id, event.member) == (
        AccessEvent.SubjectType.MEMBER,
        str(world.member.pk),
        world.member,
    )


@pytest.mark.parametrize("number", ["case_number", "authorization_number"])
def test_a_number_narrows_the_members_cases_to_one(office_client, world, number):
    approved = submitted(world)
    submitted(world)
    response = office_client.post(LOOKUP, by_member(world, **{number: getattr(approved, number)}))
    assert response.status_code == 302
    assert response["Location"] == url("authorization", approved)


def test_a_member_with_very_many_cases_lists_the_newest(office_client, world):
    first = submitted(world)
    template = Case.objects.get(pk=first.pk)
    for number in range(LOOKUP_LIST_LIMIT):
        template.pk = None
        template.public_id = uuid.uuid4()
        template.case_number = str(900000 + number)
        template.authorization_number = None
        template.save()
    response = office_client.post(LOOKUP, by_member(world))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('/authorization/"') == LOOKUP_LIST_LIMIT
    assert url("authorization", first) not in page
    assert f"Only the {LOOKUP_LIST_LIMIT} most recent cases are listed" in page


# --- Not found, whatever the reason -----------------------------------------------------------


def other_office_case(world) -> Case:
    """A case of another office, ordered by a provider linked to that office too."""
    case = submitted(world)
    Case.objects.filter(pk=case.pk).update(office=world.outsider.membership.office)
    OfficePractitionerFactory(
        office=world.outsider.membership.office, practitioner=world.practitioner
    )
    return Case.objects.get(pk=case.pk)


def number_refusals(world):
    """(reason, data) of searches by number that must all answer "not found"."""
    mine = submitted(world)
    theirs = other_office_case(world)
    unlinked = PractitionerFactory(npi=UNLINKED_NPI)
    return [
        ("unknown number", by_number(world.practitioner.npi, "99999999")),
        ("another office's case", by_number(world.practitioner.npi, theirs.case_number)),
        (
            "another office's authorization",
            by_number(world.practitioner.npi, theirs.authorization_number),
        ),
        ("an NPI not linked to the office", by_number(unlinked.npi, mine.case_number)),
        (
            "a linked NPI that did not order the case",
            by_number(world.second_practitioner.npi, mine.case_number),
        ),
    ]


def test_every_refusal_by_number_answers_alike(office_client, world):
    refusals = number_refusals(world)
    answers = [(reason, office_client.post(LOOKUP, data)) for reason, data in refusals]

    first_reason, first = answers[0]
    for reason, response in answers:
        assert response.status_code == 200, reason
        assert [t.name for t in response.templates] == [t.name for t in first.templates], reason
        assert NOT_FOUND in response.content.decode(), reason
        assert main_part(response) == main_part(first), f"{reason} differs from {first_reason}"
    assert lookups(world, member=None, subject_id="").count() == len(refusals)
    assert not lookups(world, member__isnull=False).exists()


def test_a_provider_removed_from_the_account_finds_nothing(office_client, world):
    case = submitted(world)
    OfficePractitioner.objects.filter(office=world.office, practitioner=world.practitioner).delete()
    response = office_client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))
    assert response.status_code == 200 and NOT_FOUND in response.content.decode()


def test_every_refusal_by_member_answers_alike(office_client, world):
    submitted(world)
    other_office_case(world)
    # The member's draft (never submitted) and another member with the same date of birth.
    fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    MemberFactory(
        health_plan=world.plan, patient_id="EVG00000043", date_of_birth=world.member.date_of_birth
    )
    unlinked = PractitionerFactory(npi=UNLINKED_NPI)
    refusals = [
        ("wrong date of birth", by_member(world, date_of_birth="06/29/1982")),
        ("another member", by_member(world, patient_id="EVG00000043")),
        ("unknown member", by_member(world, patient_id="EVG99999999")),
        ("another plan", by_member(world, health_plan=world.other_plan.pk)),
        ("an NPI not linked", by_member(world, npi=unlinked.npi)),
        ("a linked NPI that did not order it", by_member(world, npi=world.second_practitioner.npi)),
        ("a number of another case", by_member(world, case_number="99999999")),
        ("an authorization of another case", by_member(world, authorization_number="A99999999")),
    ]
    answers = [(reason, office_client.post(LOOKUP, data)) for reason, data in refusals]
    # Without the office's own case, the member matches only the other office's case and the
    # draft.
    Case.objects.filter(office=world.office, submitted_at__isnull=False).delete()
    reason = "another office's case and a draft only"
    answers.append((reason, office_client.post(LOOKUP, by_member(world))))

    first_reason, first = answers[0]
    for reason, response in answers:
        assert response.status_code == 200, reason
        assert [t.name for t in response.templates] == [t.name for t in first.templates], reason
        assert NOT_FOUND in response.content.decode(), reason
        assert main_part(response) == main_part(first), f"{reason} differs from {first_reason}"
    assert lookups(world, member=None).count() == len(answers)


def test_the_outsider_finds_nothing_of_the_office(client, world):
    case = submitted(world)
    OfficePractitionerFactory(
        office=world.outsider.membership.office, practitioner=world.practitioner
    )
    client.force_login(world.outsider)

    by_number_answer = client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))
    by_member_answer = client.post(LOOKUP, by_member(world))

    for response in (by_number_answer, by_member_answer):
        assert response.status_code == 200
        assert NOT_FOUND in response.content.decode()
    assert not AccessEvent.objects.filter(member=world.member).exists()


def test_a_user_without_an_office_finds_nothing(client, world):
    case = submitted(world)
    nobody = MembershipFactory().user
    nobody.membership.delete()
    client.force_login(nobody)
    response = client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))
    assert response.status_code == 200 and NOT_FOUND in response.content.decode()


def test_not_found_keeps_the_input(office_client, world):
    response = office_client.post(LOOKUP, by_member(world, patient_id="EVG99999999"))
    page = response.content.decode()
    assert 'value="EVG99999999"' in page
    assert 'value="06/28/1982"' in page
    assert f'value="{world.plan.pk}" selected' in page
    assert re.search(r'id="lookup-choice-member"[^>]*data-lookup-choice checked', page)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("npi", "", NPI_REQUIRED),
        ("npi", "12345", "An NPI is 10 digits."),
        ("npi", "12345678901234567890" * 500, "An NPI is 10 digits."),
        ("npi", "1234567890", "This NPI is not valid: its check digit does not match."),
        ("number", "", "Enter the Auth/Case Number."),
        ("number", "A12;DROP", NUMBER_INVALID),
        ("number", "9" * 5000, NUMBER_INVALID),
    ],
)
def test_bad_input_by_number_is_told_next_to_the_field(office_client, world, field, value, message):
    data = by_number(world.practitioner.npi, "12345")
    data[f"number-{field}"] = value
    response = office_client.post(LOOKUP, data)
    assert response.status_code == 200
    form = response.context["number_form"]
    assert form.errors[field] == [message]
    assert not lookups(world).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("health_plan", "", "Select the member's health plan."),
        ("health_plan", "999999", "Select the member's health plan."),
        ("health_plan", "not-a-number", "Select the member's health plan."),
        ("npi", "1234", "An NPI is 10 digits."),
        ("patient_id", "", "Enter the Patient ID from the member's card."),
        (
            "patient_id",
            "a",
            "A Patient ID is 3 to 20 letters, digits or dashes, as on the member's card.",
        ),
        ("date_of_birth", "", "Enter the patient's date of birth."),
        ("date_of_birth", "1982-06-28", "Enter the date of birth as MM/DD/YYYY."),
        ("date_of_birth", "13/45/1982", "Enter the date of birth as MM/DD/YYYY."),
        ("date_of_birth", "01/01/2999", "The date of birth cannot be in the future."),
        ("date_of_birth", "01/01/1850", "Enter a date of birth after 1900."),
        ("case_number", "12 34 ?", NUMBER_INVALID),
    ],
)
def test_bad_input_by_member_is_told_next_to_the_field(office_client, world, field, value, message):
    response = office_client.post(LOOKUP, by_member(world, **{field: value}))
    assert response.status_code == 200
    form = response.context["member_form"]
    assert form.errors[field] == [message]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not lookups(world).exists()


def test_a_case_number_and_an_authorization_number_together_are_refused(office_client, world):
    response = office_client.post(
        LOOKUP, by_member(world, case_number="1", authorization_number="A1")
    )
    assert response.context["member_form"].errors["authorization_number"] == [BOTH_NUMBERS]


def test_bad_input_keeps_what_was_typed(office_client, world):
    response = office_client.post(LOOKUP, by_member(world, date_of_birth="28/06/1982"))
    page = response.content.decode()
    assert 'value="28/06/1982"' in page and f'value="{world.member.patient_id}"' in page


@pytest.mark.parametrize("search_by", [None, "", "everything", "member' OR 1=1"])
def test_a_search_of_no_known_kind_says_how_to_search(office_client, world, search_by):
    data = by_number(world.practitioner.npi, "1")
    if search_by is None:
        del data["search_by"]
    else:
        data["search_by"] = search_by
    response = office_client.post(LOOKUP, data)
    assert response.status_code == 200
    assert SEARCH_REQUIRED in response.content.decode()
    assert not lookups(world).exists()


# --- Rate limit -------------------------------------------------------------------------------


def test_too_many_lookups_in_a_minute_are_refused_with_429(office_client, client, world, settings):
    settings.AUTHORIZATION_LOOKUPS_PER_MINUTE = 3
    case = submitted(world)
    for _ in range(3):
        assert (
            office_client.post(LOOKUP, by_number(world.practitioner.npi, "999")).status_code == 200
        )

    refused = office_client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))

    assert refused.status_code == 429
    page = refused.content.decode()
    assert TOO_MANY in page
    assert f'value="{case.case_number}"' in page
    assert lookups(world).count() == 3
    assert not lookups(world, member=world.member).exists()
    # Bad input counts too: the limit cannot be dodged with an invalid form.
    assert office_client.post(LOOKUP, by_number("1", "")).status_code == 429
    # Another user of the office has their own count.
    colleague = MembershipFactory(office=world.office).user
    client.force_login(colleague)
    found = client.post(LOOKUP, by_number(world.practitioner.npi, case.case_number))
    assert found.status_code == 302


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "cases", "queries"),
    # Session, user, its device, membership, office; (the health plan); the cases found; for
    # a list of several, their procedure codes; the access log.
    [("number", 1, 7), ("number", 12, 7), ("member", 1, 8), ("member", 3, 9), ("member", 12, 9)],
)
def test_a_lookup_reads_the_same_few_queries(
    office_client, world, search, cases, queries, django_assert_max_num_queries
):
    case = submitted(world)
    for _ in range(cases - 1):
        submitted(world)
    data = (
        by_number(world.practitioner.npi, case.case_number)
        if search == "number"
        else by_member(world)
    )
    with django_assert_max_num_queries(queries):
        response = office_client.post(LOOKUP, data)
    assert response.status_code == (200 if search == "member" and cases > 1 else 302)


def test_the_result_url_holds_no_patient_data(office_client, world):
    case = submitted(world)
    response = office_client.post(LOOKUP, by_member(world))
    location = response["Location"]
    assert location == f"/cases/{case.public_id}/authorization/"
    assert world.member.patient_id not in location and "?" not in location


def test_a_draft_of_the_member_is_never_found(office_client, world):
    draft = ready(world)
    Case.objects.filter(pk=draft.pk).update(case_number="777")
    for data in (by_number(world.practitioner.npi, "777"), by_member(world)):
        response = office_client.post(LOOKUP, data)
        assert response.status_code == 200 and NOT_FOUND in response.content.decode()
