"""Refusals of the decision panel's forms: the case screen again (200) with the message next to
the field of the form sent, that form open and everything typed kept, nothing written; odd input
(missing fields, non-numbers, huge numbers, unknown line ids, NUL characters) gives a message,
never a server error; what a reviewer typed is shown escaped."""

import html as html_lib
import re

import pytest
from django.utils import timezone

from cases.models import Case, Determination, StatusEvent
from cases.review.decisions.alternative import (
    ALTERNATIVE_IS_REQUESTED,
    ALTERNATIVE_NOT_OF_PROGRAM,
)
from cases.review.decisions.guards import (
    NULL_CHARACTER,
    PARTIAL_EVERY_LINE,
    PARTIAL_EVERYTHING_APPROVED,
    PARTIAL_NOTHING_APPROVED,
)
from cases.review.holds import NOTHING_ASKED
from tests.cases.review.conftest import in_review
from tests.cases.review.test_decision_forms import (
    REASONS,
    line_data,
    line_pks,
    prefixed,
    two_lines,
    url,
)
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
NAMES = {
    "review-approve": "approve",
    "review-partially-approve": "partial",
    "review-deny": "deny",
    "review-escalate": "escalate",
    "review-hold": "hold",
    "review-alternative": "alternative",
    "review-cancel": "cancel",
    "review-request-decide": "request",
}


def nothing_written(case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.needs_medical_director) == (case.status, False)
    assert StatusEvent.objects.filter(case=case).count() == 1
    assert not Determination.objects.filter(case=case).exists()
    assert set(case.procedure_lines.values_list("decision", flat=True)) == {""}


def refused(response, prefix: str) -> str:
    """The screen again, the form of `prefix` open: its HTML."""
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(
        rf'<details[^>]*open data-testid="decision-{prefix}">(.*?)</details>', html, re.S
    )
    assert match, f"the {prefix} form is not open"
    return match.group(1)


def error_of(form_html: str, field_id: str) -> str:
    """The message crispy-forms shows under a field."""
    match = re.search(rf'<[^>]*id="error_\d+_{re.escape(field_id)}"[^>]*>(.*?)</', form_html, re.S)
    assert match, f"no message next to {field_id}"
    return html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_a_partial_approval_without_its_rationale_keeps_the_rest(world, nurse_client):
    case = two_lines(world)
    data = {
        **line_data("partial", case, ("approve", "1"), ("approve", "2")),
        **prefixed("partial", guideline="Knee guideline", criterion="K-1", rationale="  "),
    }
    form = refused(nurse_client.post(url("review-partially-approve", case), data), "partial")
    assert error_of(form, "id_partial-rationale") == "Enter the rationale."
    assert 'value="Knee guideline"' in form and 'value="K-1"' in form
    second = line_pks(case)[1]
    assert re.search(rf'name="partial-line_{second}_quantity" id="[^"]+" value="2"', form)
    nothing_written(case)


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ((("approve", "1"), ("approve", "3")), PARTIAL_EVERYTHING_APPROVED),
        ((("deny", "1"), ("deny", "3")), PARTIAL_NOTHING_APPROVED),
        ((("approve", "1"), ("approve", "4")), "Enter an approved quantity from 0 to 3 for 71045."),
        (
            (("approve", "1"), ("approve", "9" * 40)),
            "Enter an approved quantity from 0 to 3 for 71045.",
        ),
        (
            (("approve", "1"), ("approve", "two")),
            "Enter an approved quantity from 0 to 3 for 71045.",
        ),
        (
            (("approve", "1"), ("approve", "-1")),
            "Enter an approved quantity from 0 to 3 for 71045.",
        ),
        (
            (("approve", "1"), ("approve", "1.5")),
            "Enter an approved quantity from 0 to 3 for 71045.",
        ),
    ],
)
def test_the_services_refusal_of_the_lines_is_shown_with_the_lines(
    world, nurse_client, choices, message
):
    case = two_lines(world)
    data = {
        **line_data("partial", case, *choices),
        **prefixed("partial", **REASONS),
    }
    form = refused(nurse_client.post(url("review-partially-approve", case), data), "partial")
    assert message in form
    assert REASONS["rationale"] in form
    nothing_written(case)


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        (("approve", ""), "Enter the approved quantity for 71045, or deny the line."),
        (("approve", "0"), "To approve 71045 enter at least 1 unit, or deny the line."),
        (("", "2"), "Choose approve or deny for 71045."),
        (("maybe", "2"), "Choose approve or deny for 71045."),
        (("approve", "2\x00"), "Null characters are not allowed."),
    ],
)
def test_a_line_typed_wrong_gets_its_message_next_to_it(world, nurse_client, choice, message):
    case = two_lines(world)
    data = {
        **line_data("partial", case, ("approve", "1"), choice),
        **prefixed("partial", **REASONS),
    }
    form = refused(nurse_client.post(url("review-partially-approve", case), data), "partial")
    row = form.split('data-testid="decision-line"')[2]
    assert message in row
    nothing_written(case)


def test_unknown_line_ids_are_not_lines(world, nurse_client):
    case = two_lines(world)
    data = {
        "partial-line_999999_decision": "approve",
        "partial-line_999999_quantity": "1",
        "partial-line_abc_quantity": "1",
        **prefixed("partial", **REASONS),
    }
    form = refused(nurse_client.post(url("review-partially-approve", case), data), "partial")
    assert "Choose approve or deny for 73721." in form
    nothing_written(case)


def test_a_director_deny_without_reason_or_with_an_unknown_one(world, director_client):
    case = in_review(world)
    data = prefixed("deny", denial_reason="because", rationale=SCRIPT, guideline="", criterion="C")
    form = refused(director_client.post(url("review-deny", case), data), "deny")
    assert error_of(form, "id_deny-denial_reason") == "Select the denial reason."
    assert error_of(form, "id_deny-guideline") == "Enter the guideline."
    assert ESCAPED_SCRIPT in form and "<script>alert" not in form
    nothing_written(case)


def test_a_rationale_too_long_is_kept_with_the_services_message(world, director_client):
    case = in_review(world)
    long = "x" * 4001
    data = prefixed("deny", denial_reason="not_covered", **{**REASONS, "rationale": long})
    form = refused(director_client.post(url("review-deny", case), data), "deny")
    assert error_of(form, "id_deny-rationale") == (
        "Enter at most 4,000 characters in the rationale (you entered 4,001)."
    )
    assert long in form
    nothing_written(case)


def test_a_hold_asking_for_nothing_or_unknown_items(world, nurse_client):
    case = in_review(world)
    form = refused(nurse_client.post(url("review-hold", case), {"hold-note": " "}), "hold")
    assert NOTHING_ASKED in form
    form = refused(
        nurse_client.post(url("review-hold", case), {"hold-checklist": ["office_notes", "nope"]}),
        "hold",
    )
    assert "Please choose the items of the checklist shown." in form
    nothing_written(case)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99999", "Enter a CPT or HCPCS code of the portal's code list, such as 73721."),
        ("7" * 40, "Enter a CPT or HCPCS code of the portal's code list, such as 73721."),
        ("73721", ALTERNATIVE_IS_REQUESTED),
        ("E0601", ALTERNATIVE_NOT_OF_PROGRAM),
    ],
)
def test_an_alternative_that_is_not_one(world, director_client, code, message):
    ProcedureCodeFactory(code="E0601", short_description="CPAP DEVICE").programs.add(world.dme)
    case = in_review(world)
    data = prefixed("alternative", alternative_code=code, rationale="Try this first.")
    form = refused(director_client.post(url("review-alternative", case), data), "alternative")
    assert error_of(form, "id_alternative-alternative_code") == message
    assert "Try this first." in form
    nothing_written(case)


def test_a_case_decided_meanwhile_says_so(world, nurse_client):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DENIED)
    response = nurse_client.post(url("review-approve", case), {"approve-rationale": SCRIPT})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This case is not in review: it is Denied." in html
    assert "<script>alert" not in html


def test_a_case_assigned_to_another_reviewer_is_refused(world, director, nurse_client):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=director, assigned_at=timezone.now())
    response = nurse_client.post(
        url("review-cancel", case), prefixed("cancel", cancel_reason="duplicate")
    )
    assert "This case is assigned to someone else" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("junk", ["missing", "nul", "huge"])
def test_odd_input_gets_a_message_never_a_server_error(world, director_client, name, junk):
    case = two_lines(world)
    prefix = NAMES[name]
    fields = (
        "rationale",
        "guideline",
        "criterion",
        "note",
        "outcome",
        "denial_reason",
        "cancel_reason",
        "alternative_code",
        "checklist",
    )
    pks = line_pks(case)
    if junk == "nul":
        value = "a\x00b"
    elif junk == "huge":
        value = "9" * 5000
    data = {}
    if junk == "missing" and name == "review-approve":
        # Approve's one field is optional: nothing typed approves.
        assert director_client.post(url(name, case), data).status_code == 302
        return
    if junk != "missing":
        data = {f"{prefix}-{field}": value for field in fields}
        for pk in pks:
            data[f"{prefix}-line_{pk}_decision"] = value
            data[f"{prefix}-line_{pk}_quantity"] = value
    response = director_client.post(url(name, case), data)
    assert response.status_code == 200
    assert re.search(r"(invalid-feedback|alert-danger|text-danger)", response.content.decode())
    nothing_written(case)


def test_the_escalation_note_with_a_nul_is_refused_and_kept(world, nurse_client):
    case = in_review(world)
    form = refused(
        nurse_client.post(url("review-escalate", case), {"escalate-note": "look\x00here"}),
        "escalate",
    )
    assert error_of(form, "id_escalate-note") == NULL_CHARACTER
    nothing_written(case)


def test_a_partial_approval_with_no_lines_at_all(world, nurse_client):
    case = two_lines(world)
    form = refused(
        nurse_client.post(url("review-partially-approve", case), prefixed("partial", **REASONS)),
        "partial",
    )
    assert "Choose approve or deny for 73721." in form
    assert PARTIAL_EVERY_LINE not in form
    nothing_written(case)
