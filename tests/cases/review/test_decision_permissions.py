"""Who may use the decision panel's addresses: a nurse cannot deny nor recommend an alternative
(the forms are absent and a POST is refused, nothing written); a reviewer of another program,
an office user and anyone signed out get nothing (404, or the sign-in); POST only; CSRF
enforced."""

import pytest
from django.test import Client

from cases.models import Case, Determination, StatusEvent
from cases.review.decisions.alternative import RECOMMEND_DIRECTORS_ONLY
from cases.review.decisions.outcomes import DENY_DIRECTORS_ONLY
from tests.cases.review.conftest import in_review, signed_in
from tests.cases.review.test_decision_forms import REASONS, case_url, prefixed, requested, url

pytestmark = pytest.mark.django_db

Status = Case.Status

NAMES = (
    "review-approve",
    "review-partially-approve",
    "review-deny",
    "review-escalate",
    "review-hold",
    "review-alternative",
    "review-cancel",
    "review-request-decide",
)
# A complete, valid form for each address (as a director would send it).
VALID = {
    "review-approve": {"approve-rationale": "Met."},
    "review-partially-approve": prefixed("partial", **REASONS),
    "review-deny": prefixed("deny", denial_reason="not_covered", **REASONS),
    "review-escalate": {"escalate-note": "Please look."},
    "review-hold": {"hold-checklist": ["office_notes"]},
    "review-alternative": prefixed("alternative", alternative_code="71045", rationale="X-ray."),
    "review-cancel": prefixed("cancel", cancel_reason="duplicate"),
    "review-request-decide": prefixed("request", outcome="overturned", rationale="Tear."),
}


def unchanged(case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.status == case.status
    assert not fresh.needs_medical_director
    assert StatusEvent.objects.filter(case=case).count() == 1
    assert not Determination.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("review-deny", VALID["review-deny"], DENY_DIRECTORS_ONLY),
        ("review-alternative", VALID["review-alternative"], RECOMMEND_DIRECTORS_ONLY),
    ],
)
def test_a_nurse_cannot_deny_nor_recommend_an_alternative(world, nurse_client, name, data, message):
    case = in_review(world)
    assert url(name, case) not in nurse_client.get(case_url(case)).content.decode()

    response = nurse_client.post(url(name, case), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    unchanged(case)


def test_a_director_cannot_escalate(world, director_client):
    case = in_review(world)
    response = director_client.post(url("review-escalate", case), VALID["review-escalate"])
    assert response.status_code == 200
    assert "Only a nurse reviewer escalates a case to a medical director." in (
        response.content.decode()
    )
    unchanged(case)


def test_a_nurse_cannot_uphold_a_reconsideration(world, nurse_client):
    case = requested(world)
    response = nurse_client.post(
        url("review-request-decide", case), prefixed("request", outcome="upheld", **REASONS)
    )
    assert response.status_code == 200
    assert "Select one of the outcomes shown." in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.IN_REVIEW


@pytest.mark.parametrize("name", NAMES)
def test_a_reviewer_of_another_program_gets_404(world, other_nurse, name):
    case = in_review(world)
    response = signed_in(other_nurse).post(url(name, case), VALID[name])
    assert response.status_code == 404
    unchanged(case)


@pytest.mark.parametrize("name", NAMES)
def test_office_users_get_404_on_every_decision_address(world, office_client, name):
    case = in_review(world)
    assert office_client.post(url(name, case), VALID[name]).status_code == 404
    assert office_client.get(url(name, case)).status_code == 404
    unchanged(case)


@pytest.mark.parametrize("name", NAMES)
def test_signed_out_is_sent_to_sign_in_or_404(world, client, name):
    case = in_review(world)
    response = client.post(url(name, case), VALID[name])
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert "/login" in response.url
    unchanged(case)


@pytest.mark.parametrize("name", NAMES)
def test_the_decision_addresses_answer_post_only(world, director_client, name):
    case = in_review(world)
    assert director_client.get(url(name, case)).status_code == 405


@pytest.mark.parametrize("name", ["review-approve", "review-deny", "review-hold"])
def test_csrf_is_enforced(world, director, name):
    case = in_review(world)
    client = Client(enforce_csrf_checks=True)
    signed = signed_in(director)
    client.cookies = signed.cookies
    response = client.post(url(name, case), VALID[name])
    assert response.status_code == 403
    unchanged(case)
    # With the page's token the same form goes through.
    page = client.get(case_url(case))
    token = page.context["csrf_token"]
    response = client.post(url(name, case), {**VALID[name], "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
