"""The office accepts a recommended alternative: ALL POST DECISION OPTIONS and the Authorization
Lookup result show the open recommendation ("Alternative recommended: <code> <description>,
accept by <date>") with Accept Alternative (a POST with its CSRF token) and the reconsideration
request as the other option; accepting approves the case for the alternative. Only the case's
office: anyone else gets 404 and nothing is written."""

import datetime as dt
import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import AccessEvent, User
from cases.models import Case, Determination, ProcedureLine, StatusEvent
from cases.review.decisions import case_recommend_alternative
from cases.review.decisions.alternative import ALTERNATIVE_WINDOW_PASSED, NO_ALTERNATIVE
from eligibility.models import LineOfBusiness
from tests.cases.post_decision.conftest import NOW, decided, line_of_business_set
from tests.cases.review.conftest import reviewer, signed_in
from tests.conftest import VerifiedClient

pytestmark = pytest.mark.django_db

# 60 business days after Tuesday 5/12/2026 (Memorial Day, Juneteenth, July 3rd skipped).
LAST_DAY = dt.date(2026, 8, 7)
OFFER = "Alternative recommended: 71045 X-RAY EXAM CHEST 1 VIEW, accept by 08/07/2026"


def url(name, case):
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def offer_html(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section[^>]*data-testid="alternative".*?</section>', html, flags=re.S)
    return match.group(0) if match else ""


@pytest.fixture
def director(world) -> User:
    return reviewer("medical.director", User.ReviewerRole.MEDICAL_DIRECTOR, world.radiology)


@pytest.fixture
def recommended(world, clock, director) -> Case:
    """A commercial case denied today by a medical director's alternative recommendation (the
    chest X-ray instead of the knee MRI), its date of service a week away."""
    case = decided(world, status=Case.Status.IN_REVIEW)
    case_recommend_alternative(
        user=director,
        public_id=case.public_id,
        now=NOW,
        alternative_code=world.chest_xray,
        rationale="A plain X-ray first.",
    )
    return Case.objects.get(pk=case.pk)


def day_after(clock, client, world) -> None:
    """The morning after the last day to accept, signed in again (the session has timed out)."""
    clock.move_to(dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(9), NOW.tzinfo))
    client.force_login(world.user)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- What the pages show ------------------------------------------------------------------------


def test_the_options_page_offers_to_accept_it_or_request_a_reconsideration(
    world, recommended, office_client, django_assert_max_num_queries
):
    # As any denied case: session, user, device, membership, office; the case (its
    # recommendation in the same query), its requests, its lines; the access log.
    with django_assert_max_num_queries(9):
        response = office_client.get(url("post-decision-options", recommended))

    section = offer_html(response)
    assert text_of(section).startswith(OFFER)
    form = re.search(r'<form method="post" action="([^"]+)"', section)
    assert form.group(1) == url("alternative-accept", recommended)
    assert 'name="csrfmiddlewaretoken"' in section
    assert '<input type="hidden" name="back" value="options">' in section
    assert ">Accept Alternative</button>" in section
    assert f'href="{url("reconsideration-request", recommended)}">REQUEST RECONSIDERATION' in (
        section
    )


def test_the_lookup_result_offers_it_too(world, recommended, office_client):
    response = office_client.get(url("authorization", recommended))

    section = offer_html(response)
    assert text_of(section).startswith(OFFER)
    assert '<input type="hidden" name="back" value="lookup">' in section
    assert ">Accept Alternative</button>" in section
    assert f'href="{url("reconsideration-request", recommended)}">REQUEST RECONSIDERATION' in (
        section
    )


def test_where_no_reconsideration_is_allowed_the_page_says_why(world, clock, director):
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    case = decided(world, status=Case.Status.IN_REVIEW)
    case_recommend_alternative(
        user=director,
        public_id=case.public_id,
        now=NOW,
        alternative_code=world.chest_xray,
        rationale="A plain X-ray first.",
    )
    client = signed_in(world.user)

    section = offer_html(client.get(url("authorization", case)))

    assert ">Accept Alternative</button>" in section
    assert "REQUEST RECONSIDERATION" not in section
    assert "reconsideration" in text_of(section).split("Accept Alternative", 1)[1].lower()


def test_a_plain_denial_or_an_approval_shows_no_alternative(world, clock, office_client):
    denied = decided(world)
    approved = decided(world, status=Case.Status.APPROVED)
    for case in (denied, approved):
        assert offer_html(office_client.get(url("post-decision-options", case))) == ""
        assert offer_html(office_client.get(url("authorization", case))) == ""


def test_after_the_last_day_it_is_shown_without_the_button(
    world, recommended, office_client, clock
):
    day_after(clock, office_client, world)

    section = offer_html(office_client.get(url("post-decision-options", recommended)))

    assert text_of(section).startswith(OFFER)
    assert "The last day to accept it has passed." in section
    assert "<form" not in section


# --- Accepting ------------------------------------------------------------------------------------


def test_accept_from_the_options_page_approves_the_case_for_the_alternative(
    world, recommended, office_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = office_client.post(url("alternative-accept", recommended), {"back": "options"})

    assert response.status_code == 302
    assert response["Location"] == url("post-decision-options", recommended)
    case = Case.objects.get(pk=recommended.pk)
    assert case.status == Case.Status.APPROVED and case.authorization_number
    lines = list(
        case.procedure_lines.order_by("position").values_list(
            "procedure_code__code", "decision", "quantity_approved"
        )
    )
    assert lines == [("73721", "denied", 0), ("71045", "approved", 1)]
    event = StatusEvent.objects.filter(case=case).order_by("pk").last()
    assert (event.to_status, event.by, event.reason) == (
        Case.Status.APPROVED,
        world.user,
        "Approved: alternative accepted",
    )
    assert len(callbacks) == 1  # the approval's letters, queued on commit
    assert messages_of(response) == [
        f"Alternative accepted: case {case.case_number} is approved for 71045, authorization "
        f"number {case.authorization_number}. The approval letter will be in Correspondence "
        "shortly."
    ]
    page = office_client.get(response["Location"])
    assert offer_html(page) == ""


def test_accept_from_the_lookup_result_goes_back_to_it(world, recommended, office_client):
    response = office_client.post(url("alternative-accept", recommended), {"back": "lookup"})

    assert response["Location"] == url("authorization", recommended)
    page = office_client.get(response["Location"])
    assert "Alternative accepted" in page.content.decode()
    assert "Approved" in text_of(page.content.decode())
    assert offer_html(page) == ""


@pytest.mark.parametrize("back", ["", "https://evil.example.org/", "//evil.example.org"])
def test_an_unknown_back_goes_to_the_lookup_result(recommended, office_client, back):
    response = office_client.post(url("alternative-accept", recommended), {"back": back})
    assert response["Location"] == url("authorization", recommended)


def test_accepting_twice_approves_once(world, recommended, office_client):
    office_client.post(url("alternative-accept", recommended), {"back": "options"})
    response = office_client.post(url("alternative-accept", recommended), {"back": "options"})

    assert response["Location"] == url("post-decision-options", recommended)
    assert messages_of(response)[-1] == NO_ALTERNATIVE
    assert StatusEvent.objects.filter(case=recommended, to_status="approved").count() == 1
    assert ProcedureLine.objects.filter(case=recommended).count() == 2


def test_after_the_last_day_accepting_is_refused_with_nothing_written(
    world, recommended, office_client, clock
):
    day_after(clock, office_client, world)

    response = office_client.post(url("alternative-accept", recommended), {"back": "options"})

    assert response["Location"] == url("post-decision-options", recommended)
    assert messages_of(response) == [ALTERNATIVE_WINDOW_PASSED.format(until="08/07/2026")]
    case = Case.objects.get(pk=recommended.pk)
    assert case.status == Case.Status.DENIED and case.authorization_number is None
    assert ProcedureLine.objects.filter(case=case).count() == 1


def test_a_case_without_a_recommendation_is_refused(world, clock, office_client):
    denied = decided(world)
    response = office_client.post(url("alternative-accept", denied), {"back": "options"})
    assert messages_of(response) == [NO_ALTERNATIVE]
    assert Case.objects.get(pk=denied.pk).status == Case.Status.DENIED


# --- Who may -------------------------------------------------------------------------------------


def test_another_office_and_a_reviewer_get_404_with_nothing_written(
    world, recommended, outsider_client, director
):
    for client in (outsider_client, signed_in(director)):
        assert client.post(url("alternative-accept", recommended)).status_code == 404
        assert client.get(url("post-decision-options", recommended)).status_code == 404
    assert Case.objects.get(pk=recommended.pk).status == Case.Status.DENIED
    assert not AccessEvent.objects.filter(subject_id=str(recommended.pk)).exists()


def test_an_unknown_case_is_404(world, clock, office_client):
    unknown = reverse("cases:alternative-accept", kwargs={"public_id": uuid.uuid4()})
    assert office_client.post(unknown).status_code == 404


def test_signed_out_is_sent_to_log_in(recommended, client):
    response = client.post(url("alternative-accept", recommended))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Case.objects.get(pk=recommended.pk).status == Case.Status.DENIED


def test_accept_is_post_only(recommended, office_client):
    assert office_client.get(url("alternative-accept", recommended)).status_code == 405


def test_accept_needs_the_pages_csrf_token(world, recommended):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(world.user)

    assert client.post(url("alternative-accept", recommended)).status_code == 403
    assert Case.objects.get(pk=recommended.pk).status == Case.Status.DENIED

    page = client.get(url("post-decision-options", recommended)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        url("alternative-accept", recommended), {"csrfmiddlewaretoken": token, "back": "options"}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=recommended.pk).status == Case.Status.APPROVED
    assert Determination.objects.filter(case=recommended, outcome="approved").count() == 1
