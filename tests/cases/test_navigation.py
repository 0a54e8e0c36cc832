"""The main menu of an office user: the decks' entries in their order, and the entry of the page
shown marked as current (case pages under their own entry, the wizard's under Clinical
Certification)."""

import re

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse

from portal.context_processors import nav_section

pytestmark = pytest.mark.django_db

MENU = [
    "Home",
    "Certification Summary",
    "Authorization Lookup",
    "Eligibility Lookup",
    "Clinical Certification",
    "Certification Requests In Progress",
    # The P2P scheduler's (deck 000: "My P2P Requests" on the scheduler's left-pane navigation).
    "My P2P Requests",
    "Resources",
    "Manage Your Account",
    "Help / Contact Us",
]


def menu_of(content: str) -> list[str]:
    nav = content[content.index('<nav class="portal-nav"') : content.index("</nav>")]
    return re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', nav)


def current_of(content: str) -> list[str]:
    nav = content[content.index('<nav class="portal-nav"') : content.index("</nav>")]
    return re.findall(r'class="nav-link active"[^>]*>([^<]+)</a>', nav)


def test_an_office_user_sees_the_decks_menu_in_order(office_client):
    content = office_client.get(reverse("portal:home")).content.decode()
    assert menu_of(content) == MENU
    assert current_of(content) == ["Home"]


def test_the_p2p_pages_are_under_my_p2p_requests(office_client):
    response = office_client.get(reverse("p2p:list"), follow=True)
    assert current_of(response.content.decode()) == ["My P2P Requests"]


def test_the_wizard_is_under_clinical_certification(office_client, draft):
    response = office_client.get(reverse("cases:wizard-provider", args=[draft.public_id]))
    assert current_of(response.content.decode()) == ["Clinical Certification"]
    response = office_client.get(reverse("cases:in-progress"))
    assert current_of(response.content.decode()) == ["Certification Requests In Progress"]


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/cases/certification-summary/", "certification-summary"),
        ("/cases/worklist/", "certification-summary"),
        ("/cases/authorization-lookup/", "authorization-lookup"),
        (
            "/cases/00000000-0000-0000-0000-000000000000/post-decision-options/",
            "authorization-lookup",
        ),
        ("/cases/00000000-0000-0000-0000-000000000000/correspondence/", "authorization-lookup"),
        ("/cases/00000000-0000-0000-0000-000000000000/summary/", "clinical-certification"),
        ("/eligibility/", "eligibility:lookup"),
    ],
)
def test_each_page_has_its_menu_entry(path, section):
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    assert nav_section(request) == section
