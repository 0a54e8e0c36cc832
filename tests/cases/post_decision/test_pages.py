"""ALL POST DECISION OPTIONS and P2P AVAILABILITY as the office reads them, for several cases;
each writes the access log; another office's case, a draft and an unknown id are 404."""

import datetime as dt
import re
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AccessEvent
from cases.models import Case, PostDecisionRequest
from cases.post_decision import wording
from cases.wizard.drafts import draft_start
from eligibility.models import LineOfBusiness
from tests.cases.post_decision.conftest import (
    NOW,
    TODAY,
    decided,
    line_of_business_set,
    request_made,
)

pytestmark = pytest.mark.django_db

PORTAL = settings.PORTAL_NAME
DAY = dt.timedelta(days=1)


def url(name, case):
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def text_of(response) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row_of(response, kind) -> str:
    html = response.content.decode()
    match = re.search(rf'<tr data-option="{kind}">(.*?)</tr>', html, flags=re.S)
    assert match, f"no row {kind}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def row_html(response, kind) -> str:
    html = response.content.decode()
    return re.search(rf'<tr data-option="{kind}">(.*?)</tr>', html, flags=re.S).group(1)


def viewed(world, case) -> int:
    return AccessEvent.objects.filter(
        user=world.user,
        action=AccessEvent.Action.VIEW,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=str(case.pk),
        member=world.member,
    ).count()


# --- ALL POST DECISION OPTIONS -----------------------------------------------------------------


def test_a_denied_commercial_case_before_its_date_of_service(
    world, clock, office_client, django_assert_max_num_queries
):
    world.delegation.appeal_instructions = "Mail appeals to Evergreen Appeals, PO Box 100."
    world.delegation.save()
    case = decided(world, determined_at=NOW - DAY, date_of_service=TODAY + 5 * DAY)

    # The session, user, device, membership and office (5); the case, its requests, its
    # procedure lines (3); the access log (1).
    with django_assert_max_num_queries(9):
        response = office_client.get(url("post-decision-options", case))

    assert response.status_code == 200
    text = text_of(response)
    assert "All Post Decision Options" in text
    assert f"Authorization Number: NA Case Number: {case.case_number} Status: Denied" in text
    assert "Line of Business: Commercial" in text
    assert "Date of Service: 05/17/2026" in text and "Determination Date: 05/11/2026" in text
    assert row_of(response, "reconsideration") == (
        f"Reconsideration Yes 05/17/2026 Reconsideration allowed through {PORTAL} until "
        "05/17/2026. REQUEST RECONSIDERATION"
    )
    assert url("reconsideration-request", case) in row_html(response, "reconsideration")
    p2p = row_of(response, "peer_to_peer")
    assert p2p.startswith("Peer to Peer Consultation Yes 05/17/2026 Reconsideration P2P:")
    assert url("p2p-availability", case) in row_html(response, "peer_to_peer")
    appeal = row_of(response, "appeal")
    assert appeal.startswith("Appeal Yes 11/07/2026 An appeal may be requested within 180 days")
    assert "Mail appeals to Evergreen Appeals, PO Box 100." in appeal
    assert appeal.endswith("REQUEST APPEAL")
    assert url("appeal-request", case) in row_html(response, "appeal")
    assert row_of(response, "retrospective") == (
        f"Retrospective Review No — {wording.RETROSPECTIVE_DECIDED}"
    )
    assert viewed(world, case) == 1


def test_a_denied_case_after_its_date_of_service_offers_the_appeal(world, clock, office_client):
    case = decided(world, determined_at=NOW - 10 * DAY, date_of_service=TODAY - DAY)
    response = office_client.get(url("post-decision-options", case))
    recon = row_of(response, "reconsideration")
    assert recon.startswith("Reconsideration No — Reconsideration must be requested on or before")
    assert url("reconsideration-request", case) not in response.content.decode()
    assert "Consultative Only P2P" in row_of(response, "peer_to_peer")
    assert row_of(response, "appeal").startswith("Appeal Yes")


def test_a_medicare_advantage_denial_appeals_to_the_plan(world, clock, office_client):
    line_of_business_set(world, LineOfBusiness.Kind.MEDICARE)
    world.delegation.appeal_instructions = "Call Evergreen Medicare Appeals at 800-555-0100."
    world.delegation.save()
    case = decided(world)

    response = office_client.get(url("post-decision-options", case))

    assert "Line of Business: Medicare Advantage" in text_of(response)
    assert "Medicare does not allow reconsiderations" in row_of(response, "reconsideration")
    appeal = row_of(response, "appeal")
    assert "Submit an appeal with supporting records to Evergreen Health Plan" in appeal
    assert "Call Evergreen Medicare Appeals at 800-555-0100." in appeal
    # The plan takes the appeal: no request form here.
    assert url("appeal-request", case) not in response.content.decode()
    assert "Consultative Only P2P" in row_of(response, "peer_to_peer")


def test_an_approved_case_has_no_options(world, clock, office_client):
    case = decided(world, status=Case.Status.APPROVED)
    response = office_client.get(url("post-decision-options", case))
    text = text_of(response)
    assert f"Authorization Number: {case.authorization_number}" in text
    assert "Status: Approved" in text
    for kind in ("reconsideration", "peer_to_peer", "appeal", "retrospective"):
        assert " No " in row_of(response, kind)
    assert url("reconsideration-request", case) not in response.content.decode()


def test_a_case_in_review_offers_the_pre_decision_p2p(world, clock, office_client):
    case = decided(world, status=Case.Status.IN_REVIEW, due_at=NOW + 2 * DAY)
    response = office_client.get(url("post-decision-options", case))
    assert row_of(response, "peer_to_peer").startswith(
        "Peer to Peer Consultation Yes 05/14/2026 10:00 AM EDT Pre-Decision P2P:"
    )
    assert wording.UNDECIDED_NO_OPTION in row_of(response, "reconsideration")


def test_a_cancelled_case_offers_the_retrospective_review_within_its_window(
    world, clock, office_client
):
    case = decided(world, status=Case.Status.CANCELLED, date_of_service=TODAY - 30 * DAY)
    response = office_client.get(url("post-decision-options", case))
    assert row_of(response, "retrospective").startswith("Retrospective Review Yes 05/12/2026")
    assert reverse("cases:start") in row_html(response, "retrospective")


def test_requests_already_made_are_shown_with_a_link_to_them(world, clock, office_client):
    case = decided(world)
    request_made(case, PostDecisionRequest.Kind.RECONSIDERATION, at=NOW - DAY)
    response = office_client.get(url("post-decision-options", case))
    recon = row_of(response, "reconsideration")
    assert recon == (
        "Reconsideration No — A reconsideration was requested on 05/11/2026 (Received). "
        "VIEW REQUEST"
    )
    assert url("reconsideration-request", case) in row_html(response, "reconsideration")
    assert wording.APPEAL_RECONSIDERATION_OPEN.format(requested="05/11/2026") in row_of(
        response, "appeal"
    )


# --- P2P AVAILABILITY ---------------------------------------------------------------------------

CONSULTATIVE = wording.CONSULTATIVE_ONLY.format(portal=PORTAL)


def test_p2p_availability_of_a_denial_after_its_date_of_service_is_consultative(
    world, clock, office_client, django_assert_max_num_queries
):
    case = decided(world, date_of_service=TODAY - DAY)

    # The session and user, the case with its facts, the access log, and the P2P Status.
    with django_assert_max_num_queries(10):
        response = office_client.get(url("p2p-availability", case))

    assert response.status_code == 200
    text = text_of(response)
    assert (
        f"Authorization Lookup Authorization Number: NA Case Number: {case.case_number} "
        f"Status: Denied P2P Eligibility Result: {CONSULTATIVE} Level of Review: "
        "Consultative Only P2P P2P Status:"
    ) in text
    assert "ALL POST DECISION OPTIONS" in text
    assert url("post-decision-options", case) in response.content.decode()
    # Request Peer to Peer Consultation: New P2P Request with the case filled in.
    assert "Request Peer to Peer Consultation" in text
    assert f'href="/p2p/new/?case={case.public_id}"' in response.content.decode()
    assert viewed(world, case) == 1


def test_p2p_availability_of_a_commercial_denial_before_its_date_of_service(
    world, clock, office_client
):
    case = decided(world, date_of_service=TODAY)
    text = text_of(office_client.get(url("p2p-availability", case)))
    assert (
        f"P2P Eligibility Result: Reconsideration allowed through {PORTAL} until 05/12/2026. "
        "Level of Review: Reconsideration P2P P2P Valid Until: 05/12/2026 P2P Status:"
    ) in text


def test_p2p_availability_of_an_approved_case_says_why_not(world, clock, office_client):
    case = decided(world, status=Case.Status.APPROVED)
    text = text_of(office_client.get(url("p2p-availability", case)))
    assert f"Authorization Number: {case.authorization_number}" in text
    assert f"P2P Eligibility Result: Not eligible. {wording.P2P_APPROVED} P2P Status:" in text
    assert "Level of Review" not in text
    assert "Request Peer to Peer Consultation" not in text


def test_p2p_availability_in_place_for_htmx(world, clock, office_client):
    case = decided(world, status=Case.Status.HOLD, due_at=NOW + DAY)
    response = office_client.get(url("p2p-availability", case), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'class="portal-p2p-result"' in html
    assert "HX-Request" in response["Vary"]
    assert "Level of Review: Pre-Decision P2P" in text_of(response)
    assert viewed(world, case) == 1


# --- Who may see them ---------------------------------------------------------------------------

PAGES = ["post-decision-options", "p2p-availability", "reconsideration-request", "appeal-request"]


@pytest.mark.parametrize("name", PAGES)
def test_another_offices_case_is_404(world, clock, outsider_client, name):
    case = decided(world)
    assert outsider_client.get(url(name, case)).status_code == 404
    if name.endswith("-request"):
        data = {"contact_name": "X", "contact_phone": "6155550000", "reason": "Because."}
        assert outsider_client.post(url(name, case), data).status_code == 404
    assert not PostDecisionRequest.objects.exists()
    assert not AccessEvent.objects.filter(subject_id=str(case.pk)).exists()


@pytest.mark.parametrize("name", PAGES)
def test_a_draft_or_an_unknown_case_is_404(world, clock, office_client, name):
    draft = draft_start(user=world.user, program=world.radiology)
    assert office_client.get(url(name, draft)).status_code == 404
    unknown = reverse(f"cases:{name}", kwargs={"public_id": uuid.uuid4()})
    assert office_client.get(unknown).status_code == 404


@pytest.mark.parametrize("name", ["post-decision-options", "p2p-availability"])
def test_the_pages_are_read_only(world, clock, office_client, name):
    case = decided(world)
    assert office_client.post(url(name, case)).status_code == 405


def test_signed_out_visitors_are_sent_to_log_in(world, clock, client):
    case = decided(world)
    response = client.get(url("post-decision-options", case))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
