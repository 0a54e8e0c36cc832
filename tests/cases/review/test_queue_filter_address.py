"""The queue's filter form gives an address with only the filters chosen: what a browser sends
for the form (every select, "All" as an empty value, "Anyone or no one" as "all") is redirected
to the address without the unchosen ones, which the page and its pager then keep."""

import re

import pytest

from tests.cases.review.conftest import in_review

pytestmark = pytest.mark.django_db

URL = "/cases/review/"


def submitted_form(html: str, **chosen: str) -> str:
    """The query string a browser sends for the page's filter form: each select's first option
    (its default) unless `chosen` names another value, the checkbox only when chosen."""
    form = html.split('aria-label="Filter the queue"', 1)[1].split("</form>", 1)[0]
    pairs = []
    for name, options in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        first = re.search(r'<option value="([^"]*)"', options).group(1)
        pairs.append(f"{name}={chosen.pop(name, first)}")
    if chosen.pop("due_soon", None):
        pairs.append("due_soon=on")
    assert not chosen, f"not fields of the form: {chosen}"
    return "?" + "&".join(pairs)


@pytest.fixture
def urgent_and_standard(world):
    return in_review(world, urgent=True), in_review(world)


def test_the_form_sent_with_one_choice_gives_an_address_with_only_it(
    nurse_client, urgent_and_standard
):
    urgent, standard = urgent_and_standard
    query = submitted_form(nurse_client.get(URL).content.decode(), urgency="urgent")
    assert query == "?program=&urgency=urgent&status=&assigned=all"

    response = nurse_client.get(URL + query)

    assert response.status_code == 302
    assert response["Location"] == URL + "?urgency=urgent"
    page = nurse_client.get(response["Location"]).content.decode()
    assert urgent.case_number in page and standard.case_number not in page
    assert '<option value="urgent" selected>Urgent</option>' in page


def test_the_form_sent_with_nothing_chosen_gives_the_bare_address(
    nurse_client, urgent_and_standard
):
    query = submitted_form(nurse_client.get(URL).content.decode())

    response = nurse_client.get(URL + query)

    assert response.status_code == 302
    assert response["Location"] == URL


def test_several_choices_keep_their_order(nurse_client, urgent_and_standard):
    query = submitted_form(
        nurse_client.get(URL).content.decode(), assigned="mine", status="hold", due_soon="on"
    )
    response = nurse_client.get(URL + query)
    assert response["Location"] == URL + "?status=hold&assigned=mine&due_soon=on"


def test_an_address_with_only_chosen_filters_is_the_page(nurse_client, urgent_and_standard):
    assert nurse_client.get(URL + "?urgency=standard&page=1").status_code == 200


def test_a_wrong_value_stays_to_be_shown_with_its_message(nurse_client, urgent_and_standard):
    response = nurse_client.get(URL + "?program=&urgency=soon&status=")

    assert response["Location"] == URL + "?urgency=soon"
    page = nurse_client.get(response["Location"]).content.decode()
    assert "Select a valid choice" in page
    assert 'id="id_urgency_error"' in page


def test_not_a_reviewer_gets_404_not_a_redirect(office_client, world):
    assert office_client.get(URL + "?program=&urgency=").status_code == 404
