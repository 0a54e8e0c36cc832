"""The decision panel of the reviewer's case screen through HTTP: the forms a nurse reviewer and
a medical director get for each status and level of review, and each form's success (the
determination written by its service, the lines, the letters queued on commit, the message and
the way back to the Medical Review Queue)."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.letters.tasks import letters_render_task
from cases.models import (
    Case,
    Determination,
    Letter,
    PostDecisionRequest,
    ProcedureLine,
    ReviewNote,
    StatusEvent,
)
from cases.post_decision.services import post_decision_request_make
from cases.review.decide.panel import due_words
from cases.review.decisions.guards import NEEDS_DIRECTOR
from cases.review.decisions.levels import APPEAL_DIRECTORS_ONLY
from cases.review.due import hold_due_at
from tests.cases.post_decision.conftest import decided
from tests.cases.review.conftest import in_review, signed_in

pytestmark = pytest.mark.django_db

Status = Case.Status
Outcome = Determination.Outcome
QUEUE = "/cases/review/"

REASONS = {
    "rationale": "The records show four weeks of therapy, not six.",
    "guideline": "Knee imaging guideline",
    "criterion": "KNEE-1.2",
}
# The panel's summaries, as a reviewer reads them.
APPROVE = "Approve"
PARTIAL = "Partially approve"
DENY = "Deny"
ESCALATE = "Escalate to medical director"
HOLD = "Hold: Additional Information Required"
ALTERNATIVE = "Recommend an alternative"
CANCEL = "Cancel the case"


# --- Helpers (the other test_decision_* modules use them too) ----------------------------------


def case_url(case) -> str:
    return reverse("cases:review-case", kwargs={"public_id": case.public_id})


def url(name: str, case) -> str:
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def two_lines(world, **values) -> Case:
    """A case in review with a second line: 3 chest X-rays."""
    case = in_review(world, **values)
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=world.chest_xray, quantity_requested=3
    )
    return case


def line_pks(case) -> list[int]:
    return list(case.procedure_lines.order_by("position").values_list("pk", flat=True))


def lines(case) -> list[tuple]:
    return list(
        case.procedure_lines.order_by("position").values_list("quantity_approved", "decision")
    )


def line_data(prefix: str, case, *choices) -> dict[str, str]:
    """The lines' inputs: (decision, quantity) per line, in order."""
    data = {}
    for pk, (decision, quantity) in zip(line_pks(case), choices, strict=True):
        data[f"{prefix}-line_{pk}_decision"] = decision
        data[f"{prefix}-line_{pk}_quantity"] = quantity
    return data


def prefixed(prefix: str, **values) -> dict[str, str]:
    return {f"{prefix}-{key}": value for key, value in values.items()}


def panel_text(response) -> str:
    """The decision panel's text, tags dropped and white space collapsed."""
    html = response.content.decode()
    start = html.index('id="decision-title"')
    end = html.index("<section", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def summaries(response) -> list[str]:
    html = response.content.decode()
    return [
        re.sub(r"\s+", " ", s).strip() for s in re.findall(r"<summary[^>]*>(.*?)</summary>", html)
    ]


def success(response) -> str:
    """The redirect to the Medical Review Queue and its one message."""
    assert response.status_code == 302
    assert response.url == QUEUE
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    return message


def last_event(case) -> StatusEvent:
    return StatusEvent.objects.filter(case=case).order_by("pk").last()


def queued(callbacks, event, kind=None) -> None:
    """The letters of the event were queued on commit (ids only)."""
    assert [(c.func, c.args) for c in callbacks] == [(letters_render_task.delay, (event.pk, kind))]


def requested(world, kind=PostDecisionRequest.Kind.RECONSIDERATION, status=Status.DENIED) -> Case:
    """A decided case with two lines (the knee MRI, 3 chest X-rays) and the office's request of
    `kind`: back in review at its level."""
    case = decided(world, status=status)
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=world.chest_xray, quantity_requested=3
    )
    post_decision_request_make(
        user=world.user,
        public_id=case.public_id,
        kind=kind,
        contact_name="Dana",
        contact_phone="6155484010",
        reason="New X-rays.",
        now=timezone.now(),
    )
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.IN_REVIEW
    return case


# --- What each reviewer gets ---------------------------------------------------------------------


def test_a_nurse_gets_approve_partial_escalate_hold_and_cancel(world, nurse_client):
    case = two_lines(world)
    response = nurse_client.get(case_url(case))
    assert response.status_code == 200
    assert summaries(response) == [APPROVE, PARTIAL, ESCALATE, HOLD, CANCEL]
    html = response.content.decode()
    for caption in (
        "Approve request",
        "Partially approve",
        "Escalate to medical director",
        "Put on hold",
        "Cancel case",
    ):
        assert f">{caption}</button>" in html
    assert "Deny request" not in html and "Recommend alternative" not in html
    assert url("review-deny", case) not in html


def test_a_director_gets_deny_and_the_alternative_but_no_escalation(world, director_client):
    case = two_lines(world)
    response = director_client.get(case_url(case))
    assert summaries(response) == [APPROVE, PARTIAL, DENY, HOLD, ALTERNATIVE, CANCEL]
    html = response.content.decode()
    assert ">Deny request</button>" in html and ">Recommend alternative</button>" in html
    assert f'action="{url("review-deny", case)}"' in html
    assert "Escalate to medical director" not in html


def test_one_unit_of_one_line_cannot_be_partially_approved(world, nurse_client):
    case = in_review(world)
    assert PARTIAL not in summaries(nurse_client.get(case_url(case)))


def test_the_partial_approval_defaults_every_line_to_its_quantity_requested(world, nurse_client):
    case = two_lines(world)
    html = nurse_client.get(case_url(case)).content.decode()
    first, second = line_pks(case)
    assert re.search(rf'name="partial-line_{second}_quantity" id="[^"]+" value="3"', html)
    assert re.search(rf'name="partial-line_{first}_decision" value="approve"[^>]*checked', html)


def test_the_hold_form_says_when_the_information_will_be_due(world, nurse_client):
    case = in_review(world)
    response = nurse_client.get(case_url(case))
    due = due_words(
        hold_due_at(Case.objects.select_related("delegation").get(pk=case.pk), now=timezone.now())
    )
    assert f"The information will be due by {due}" in panel_text(response)
    # The checklist from cases.review.checklists, the DME deck's among it.
    assert "Recent office visit notes / clinical notes" in panel_text(response)
    assert "Certificate of medical necessity (CMN)" in panel_text(response)


def test_a_held_case_can_only_be_cancelled(world, nurse_client):
    case = in_review(world, status=Status.HOLD)
    Case.objects.filter(pk=case.pk).update(hold_due_at=timezone.now() + timezone.timedelta(days=3))
    response = nurse_client.get(case_url(case))
    assert summaries(response) == [CANCEL]
    assert "Waiting for the additional information, due" in panel_text(response)


def test_a_nurse_may_only_overturn_a_reconsideration_or_escalate_it(world, nurse_client):
    case = requested(world)
    response = nurse_client.get(case_url(case))
    assert summaries(response) == ["Decide the reconsideration", ESCALATE]
    panel = panel_text(response)
    assert "Overturned: approve every line as requested" in panel
    assert "Upheld" not in panel and "Partially overturned" not in panel


def test_a_director_chooses_any_outcome_of_a_reconsideration(world, director_client):
    case = requested(world)
    response = director_client.get(case_url(case))
    assert summaries(response) == ["Decide the reconsideration"]
    panel = panel_text(response)
    for outcome in ("Upheld: the decision stands", "Overturned", "Partially overturned"):
        assert outcome in panel
    assert 'data-testid="decision-line"' in response.content.decode()


def test_a_nurse_can_only_escalate_an_appeal(world, nurse_client, director_client):
    case = requested(world, kind=PostDecisionRequest.Kind.APPEAL)
    response = nurse_client.get(case_url(case))
    assert summaries(response) == [ESCALATE]
    assert APPEAL_DIRECTORS_ONLY in panel_text(response)
    assert summaries(director_client.get(case_url(case))) == ["Decide the appeal"]


def test_an_escalated_case_is_for_a_director(world, nurse_client, director_client):
    case = two_lines(world)
    Case.objects.filter(pk=case.pk).update(needs_medical_director=True)
    response = nurse_client.get(case_url(case))
    assert summaries(response) == []
    assert NEEDS_DIRECTOR in panel_text(response)
    assert DENY in summaries(director_client.get(case_url(case)))


def test_a_case_assigned_to_someone_else_shows_who_decides_it(world, director, nurse_client):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=director, assigned_at=timezone.now())
    response = nurse_client.get(case_url(case))
    assert summaries(response) == []
    name = director.get_full_name() or director.get_username()
    assert f"This case is assigned to someone else ({name})" in panel_text(response)


def test_a_decided_case_has_no_forms_and_says_the_decision(world, director, nurse_client):
    case = in_review(world)
    director_client = signed_in(director)
    director_client.post(
        url("review-deny", case),
        prefixed("deny", denial_reason="not_medically_necessary", **REASONS),
    )
    response = nurse_client.get(case_url(case))
    assert summaries(response) == []
    assert (
        "<form"
        not in response.content.decode().split('id="decision-title"')[1].split("<section")[0]
    )
    panel = panel_text(response)
    name = director.get_full_name() or director.get_username()
    assert re.search(rf"Denied on \S+ \S+ \S+ \S+ by {re.escape(name)}\.", panel)
    assert "Denial reason Not medically necessary" in panel
    assert REASONS["rationale"] in panel


# --- Each form's success -------------------------------------------------------------------------


def test_a_nurse_approves(world, nurse, nurse_client, django_capture_on_commit_callbacks):
    case = two_lines(world)
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(url("review-approve", case), {"approve-rationale": "Met."})
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number} approved (authorization number "
        f"{case.authorization_number}). Letters are being sent."
    )
    assert case.status == Status.APPROVED and case.authorization_number
    assert lines(case) == [(1, "approved"), (3, "approved")]
    event = last_event(case)
    assert (event.by, event.determination.outcome, event.determination.rationale) == (
        nurse,
        Outcome.APPROVED,
        "Met.",
    )
    queued(callbacks, event)


def test_a_nurse_partially_approves_line_by_line(
    world, nurse, nurse_client, django_capture_on_commit_callbacks
):
    case = two_lines(world)
    data = {
        **line_data("partial", case, ("approve", "1"), ("approve", "2")),
        **prefixed("partial", **REASONS),
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(url("review-partially-approve", case), data)
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number} partially approved. Letters are being sent."
    )
    assert case.status == Status.PARTIALLY_APPROVED
    assert lines(case) == [(1, "approved"), (2, "approved")]
    event = last_event(case)
    determination = event.determination
    assert (determination.outcome, determination.rationale, determination.guideline) == (
        Outcome.PARTIALLY_APPROVED,
        REASONS["rationale"],
        REASONS["guideline"],
    )
    assert determination.criterion == REASONS["criterion"] and determination.decided_by == nurse
    queued(callbacks, event)


def test_a_denied_line_is_denied_whatever_quantity_was_left_in_it(world, nurse_client):
    case = two_lines(world)
    data = {
        **line_data("partial", case, ("approve", "1"), ("deny", "3")),
        **prefixed("partial", **REASONS),
    }
    success(nurse_client.post(url("review-partially-approve", case), data))
    assert lines(case) == [(1, "approved"), (0, "denied")]


def test_a_director_denies(world, director, director_client, django_capture_on_commit_callbacks):
    case = two_lines(world)
    data = prefixed("deny", denial_reason="experimental", **REASONS)
    with django_capture_on_commit_callbacks() as callbacks:
        response = director_client.post(url("review-deny", case), data)
    case.refresh_from_db()
    assert success(response) == f"Case {case.case_number} denied. Letters are being sent."
    assert case.status == Status.DENIED and not case.authorization_number
    assert lines(case) == [(0, "denied"), (0, "denied")]
    event = last_event(case)
    assert (event.determination.denial_reason, event.determination.decided_by) == (
        "experimental",
        director,
    )
    assert event.determination.criterion == "KNEE-1.2"
    queued(callbacks, event)


def test_a_nurse_escalates_with_a_note(
    world, nurse, nurse_client, django_capture_on_commit_callbacks
):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=nurse, assigned_at=timezone.now())
    events = StatusEvent.objects.filter(case=case).count()
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(
            url("review-escalate", case), {"escalate-note": "Imaging may not be needed."}
        )
    case.refresh_from_db()
    assert success(response) == f"Case {case.case_number} escalated to a medical director."
    assert case.needs_medical_director and case.assigned_to is None
    assert case.status == Status.IN_REVIEW
    assert ReviewNote.objects.get(case=case).text == "Imaging may not be needed."
    assert StatusEvent.objects.filter(case=case).count() == events
    assert callbacks == []


def test_a_nurse_puts_a_case_on_hold(world, nurse_client, django_capture_on_commit_callbacks):
    case = in_review(world)
    data = {
        "hold-checklist": ["office_notes", "dme_cmn"],
        "hold-note": "The x-ray report too.",
    }
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(url("review-hold", case), data)
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number} put on hold: Additional Information Required, due by "
        f"{due_words(case.hold_due_at)}. Letters are being sent."
    )
    assert case.status == Status.HOLD and case.hold_due_at
    event = last_event(case)
    assert event.determination.hold_checklist == [
        "Recent office visit notes / clinical notes",
        "Certificate of medical necessity (CMN)",
    ]
    assert event.note == "The x-ray report too."
    queued(callbacks, event)


def test_a_director_recommends_an_alternative(
    world, director_client, django_capture_on_commit_callbacks
):
    case = in_review(world)
    data = prefixed("alternative", alternative_code=" 71045 ", rationale="A plain X-ray first.")
    with django_capture_on_commit_callbacks() as callbacks:
        response = director_client.post(url("review-alternative", case), data)
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number}: alternative recommended (71045). Letters are being sent."
    )
    assert case.status == Status.DENIED
    event = last_event(case)
    assert (event.determination.outcome, event.determination.alternative_code) == (
        Outcome.ALTERNATIVE,
        world.chest_xray,
    )
    queued(callbacks, event, Letter.Kind.ALTERNATIVE)


def test_a_nurse_cancels_a_duplicate(world, nurse_client, django_capture_on_commit_callbacks):
    case = in_review(world)
    data = prefixed("cancel", cancel_reason="duplicate", rationale="Same as the earlier case.")
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(url("review-cancel", case), data)
    case.refresh_from_db()
    assert success(response) == f"Case {case.case_number} cancelled. Letters are being sent."
    assert case.status == Status.CANCELLED
    event = last_event(case)
    assert (event.determination.cancel_reason, event.determination.rationale) == (
        "duplicate",
        "Same as the earlier case.",
    )
    queued(callbacks, event)


def test_a_held_case_is_cancelled(world, nurse_client):
    case = in_review(world, status=Status.HOLD)
    response = nurse_client.post(
        url("review-cancel", case), prefixed("cancel", cancel_reason="member_not_eligible")
    )
    success(response)
    case.refresh_from_db()
    assert case.status == Status.CANCELLED
    assert last_event(case).determination.cancel_reason == "member_not_eligible"


def test_a_nurse_overturns_a_reconsideration(
    world, nurse, nurse_client, django_capture_on_commit_callbacks
):
    case = requested(world)
    data = prefixed("request", outcome="overturned", rationale="The new X-rays show a tear.")
    with django_capture_on_commit_callbacks() as callbacks:
        response = nurse_client.post(url("review-request-decide", case), data)
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number}: reconsideration overturned. Letters are being sent."
    )
    assert case.status == Status.APPROVED
    assert lines(case) == [(1, "approved"), (3, "approved")]
    made = PostDecisionRequest.objects.get(case=case)
    assert (made.status, made.decided_by) == ("overturned", nurse)
    queued(callbacks, last_event(case), Letter.Kind.RECONSIDERATION)


def test_a_director_partially_overturns_an_appeal(world, director, director_client):
    case = requested(world, kind=PostDecisionRequest.Kind.APPEAL)
    data = {
        **prefixed("request", outcome="partially_overturned", **REASONS),
        **line_data("request", case, ("approve", "1"), ("deny", "")),
    }
    response = director_client.post(url("review-request-decide", case), data)
    case.refresh_from_db()
    assert success(response) == (
        f"Case {case.case_number}: appeal partially overturned. Letters are being sent."
    )
    assert case.status == Status.PARTIALLY_APPROVED
    assert lines(case) == [(1, "approved"), (0, "denied")]
    assert last_event(case).determination.outcome == Outcome.PARTIALLY_OVERTURNED


def test_a_director_upholds_a_denial(world, director_client):
    case = requested(world)
    data = prefixed("request", outcome="upheld", **REASONS)
    success(director_client.post(url("review-request-decide", case), data))
    case.refresh_from_db()
    assert case.status == Status.DENIED
    assert PostDecisionRequest.objects.get(case=case).status == "upheld"


# --- The query pin -------------------------------------------------------------------------------


def test_the_panel_adds_no_query_per_line(world, director_client, django_assert_max_num_queries):
    small = in_review(world)
    big = two_lines(world)
    for position in range(3, 8):
        ProcedureLine.objects.create(
            case=big, position=position, procedure_code=world.knee_mri, quantity_requested=2
        )
    counts = []
    for case in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert director_client.get(case_url(case)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(16):
        director_client.get(case_url(big))
