"""A P2P's "Decision partially overturned": an approved quantity per procedure line of each case,
the guideline and criterion of what stays denied, through the medical review's services (a
partial approval in review; a reconsideration partially overturned). A refusal records
nothing."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Determination, PostDecisionRequest, ProcedureLine
from p2p.calls import EVERYTHING_APPROVED, NOTHING_APPROVED, call_record
from p2p.errors import P2PError
from p2p.models import Appointment
from tests.cases.post_decision.conftest import decided
from tests.p2p.conftest import physician_make
from tests.p2p.test_booking import book, next_weekday_at

pytestmark = pytest.mark.django_db

PARTIAL = Appointment.Outcome.PARTIALLY_OVERTURNED
REASONS = {
    "note": "Three views are not needed: two document the injury.",
    "guideline": "Knee imaging guideline KN-1",
    "criterion": "KN-1.2 number of views",
}


@pytest.fixture
def doctor(world):
    physician = physician_make("Fackler", programs=[world.radiology])
    physician.user.review_programs.add(world.radiology)
    return physician


def with_three_units(case: Case) -> ProcedureLine:
    """The case's line, asking for 3 units (so 2 is a partial approval)."""
    ProcedureLine.objects.filter(case=case).update(quantity_requested=3)
    return ProcedureLine.objects.get(case=case)


def record_partial(doctor, appointment, lines, **reasons):
    values = REASONS | reasons
    return call_record(
        user=doctor.user,
        public_id=appointment.public_id,
        outcome=PARTIAL,
        call_notes=[],
        performed_on=None,
        note=values["note"],
        guideline=values["guideline"],
        criterion=values["criterion"],
        lines=lines,
        now=appointment.starts_at + dt.timedelta(minutes=5),
    )


def denied_case(world) -> Case:
    return decided(world, date_of_service=timezone.localdate() + dt.timedelta(days=30))


def test_a_reconsideration_p2p_partially_overturned_approves_part_of_the_line(world, doctor):
    case = denied_case(world)
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)

    record_partial(doctor, appointment, {line.pk: 2})

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.PARTIALLY_APPROVED and case.authorization_number
    assert ProcedureLine.objects.get(pk=line.pk).quantity_approved == 2
    made = PostDecisionRequest.objects.get(case=case)
    assert made.status == PostDecisionRequest.Status.PARTIALLY_OVERTURNED
    determination = Determination.objects.get(
        case=case, outcome=Determination.Outcome.PARTIALLY_OVERTURNED
    )
    assert determination.guideline == REASONS["guideline"]
    assert determination.criterion == REASONS["criterion"]
    assert determination.rationale == REASONS["note"]
    recorded = Appointment.objects.get(pk=appointment.pk)
    assert recorded.status == Appointment.Status.COMPLETED and recorded.outcome == PARTIAL


def test_a_pre_decision_p2p_partially_overturned_partially_approves_the_case(world, doctor):
    case = decided(
        world, status=Case.Status.IN_REVIEW, due_at=timezone.now() + dt.timedelta(days=20)
    )
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)

    record_partial(doctor, appointment, {line.pk: 1})

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.PARTIALLY_APPROVED
    assert ProcedureLine.objects.get(pk=line.pk).quantity_approved == 1
    assert not PostDecisionRequest.objects.filter(case=case).exists()


@pytest.mark.parametrize(
    ("quantity", "reasons", "field", "message"),
    [
        (5, {}, "lines", "could not be approved: "),  # more than requested
        (3, {}, "lines", EVERYTHING_APPROVED),  # that is an overturn
        (0, {}, "lines", NOTHING_APPROVED),  # that is upheld
        (None, {}, "lines", "could not be approved: "),  # the line left out
        ("two", {}, "lines", "could not be approved: "),
        (2, {"guideline": " "}, "guideline", "could not be approved: "),
        (2, {"criterion": ""}, "criterion", "could not be approved: "),
    ],
)
def test_a_refused_partial_overturn_records_nothing(
    world, doctor, quantity, reasons, field, message
):
    case = denied_case(world)
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)
    quantities = {} if quantity is None else {line.pk: quantity}

    with pytest.raises(P2PError) as refused:
        record_partial(doctor, appointment, quantities, **reasons)

    assert refused.value.field == field
    assert message in refused.value.message
    if message.startswith("could not"):
        assert refused.value.message.startswith(f"Case {case.case_number} ")
    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED
    assert ProcedureLine.objects.get(pk=line.pk).quantity_approved is None
    assert not PostDecisionRequest.objects.filter(case=case).exists()
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED


def test_a_call_may_overturn_one_case_and_leave_another(world, doctor):
    whole, kept, reduced = denied_case(world), denied_case(world), denied_case(world)
    lines = [with_three_units(case) for case in (whole, kept, reduced)]
    appointment = book(world, doctor, next_weekday_at(9), whole, kept, reduced)

    record_partial(doctor, appointment, dict(zip([x.pk for x in lines], [3, 0, 1], strict=True)))

    assert Case.objects.get(pk=whole.pk).status == Case.Status.APPROVED
    assert Case.objects.get(pk=kept.pk).status == Case.Status.DENIED
    assert not PostDecisionRequest.objects.filter(case=kept).exists()
    assert Case.objects.get(pk=reduced.pk).status == Case.Status.PARTIALLY_APPROVED
    assert Appointment.objects.get(pk=appointment.pk).outcome == PARTIAL


def test_each_case_of_the_call_gets_its_own_lines(world, doctor):
    first, second = denied_case(world), denied_case(world)
    first_line, second_line = with_three_units(first), with_three_units(second)
    appointment = book(world, doctor, next_weekday_at(9), first, second)

    record_partial(doctor, appointment, {first_line.pk: 2, second_line.pk: 1})

    assert ProcedureLine.objects.get(pk=first_line.pk).quantity_approved == 2
    assert ProcedureLine.objects.get(pk=second_line.pk).quantity_approved == 1
    statuses = Case.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    assert set(statuses) == {Case.Status.PARTIALLY_APPROVED}


def test_the_call_screen_takes_the_quantities_and_keeps_them_on_an_error(client, world, doctor):
    case = denied_case(world)
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)
    call_url = reverse("p2p:call", args=[appointment.public_id])
    form = {
        "outcome": PARTIAL,
        f"line_{line.pk}_decision": "approve",
        f"line_{line.pk}_quantity": "7",
        **REASONS,
    }

    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=5), tick=False):
        # Signed in at the call's time (a session idle for days has timed out).
        client.force_login(doctor.user)
        screen = client.get(call_url).content.decode()
        assert "Decision partially overturned" in screen
        assert f'name="line_{line.pk}_quantity"' in screen

        refused = client.post(call_url, form)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert f"Case {case.case_number} could not be approved" in page
        assert 'value="7"' in page and REASONS["guideline"] in page
        assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED

        missing = client.post(call_url, form | {f"line_{line.pk}_quantity": ""})
        assert "Enter the approved quantity for 73721, or deny the line." in (
            missing.content.decode()
        )

        done = client.post(call_url, form | {f"line_{line.pk}_quantity": "2"})

    assert done["Location"] == reverse("p2p:calendar")
    assert Case.objects.get(pk=case.pk).status == Case.Status.PARTIALLY_APPROVED
    client.force_login(world.user)
    lookup = client.get(reverse("cases:authorization", args=[case.public_id])).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", lookup).split())
    assert "Completed: Decision partially overturned" in text


@pytest.mark.parametrize("quantity", ["-1", "1e3", "99999999999999", "2.5", "<b>2</b>", "3 "])
def test_odd_quantities_are_refused_on_the_call_screen(client, world, doctor, quantity):
    case = denied_case(world)
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)
    call_url = reverse("p2p:call", args=[appointment.public_id])
    form = {
        "outcome": PARTIAL,
        f"line_{line.pk}_decision": "approve",
        f"line_{line.pk}_quantity": quantity,
        **REASONS,
    }

    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=5), tick=False):
        client.force_login(doctor.user)
        response = client.post(call_url, form)

    assert response.status_code == 200
    assert "<b>2</b>" not in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.DENIED
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.SCHEDULED


def test_digits_typed_full_width_are_read_as_digits(client, world, doctor):
    case = denied_case(world)
    line = with_three_units(case)
    appointment = book(world, doctor, next_weekday_at(9), case)
    form = {
        "outcome": PARTIAL,
        f"line_{line.pk}_decision": "approve",
        f"line_{line.pk}_quantity": "２",
        **REASONS,
    }

    with time_machine.travel(appointment.starts_at + dt.timedelta(minutes=5), tick=False):
        client.force_login(doctor.user)
        client.post(reverse("p2p:call", args=[appointment.public_id]), form)

    assert ProcedureLine.objects.get(pk=line.pk).quantity_approved == 2
