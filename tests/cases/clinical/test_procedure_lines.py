"""Code-and-units answers become the case's procedure lines at SUBMIT CASE: after the line
locked in, with their units as quantities; a code already on the case adds to its line; at
most ten lines; an answer no longer on the walk adds nothing."""

import pytest
from django.utils import timezone

from cases.clinical.procedure_lines import MAX_LINES
from cases.clinical.submission import case_submit
from cases.models import Answer, Question, Rule
from cases.models.pathways import Outcome
from tests.cases.clinical.factories import PathwayFactory, QuestionFactory, RuleFactory
from tests.cases.clinical.test_submission import ready
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(world):
    made = [ProcedureCodeFactory(code=f"E0{600 + n}", kind="hcpcs") for n in range(12)]
    for code in made:
        code.programs.add(world.radiology)
    return made


def case_with_rows(world, rows, *, reached=True):
    pathway = PathwayFactory(program=world.radiology, default_outcome=Outcome.APPROVE)
    gate = QuestionFactory(pathway=pathway, key="gate", position=1, kind=Question.Kind.YES_NO)
    units = QuestionFactory(pathway=pathway, key="hcpcs", position=2, kind=Question.Kind.CODE_UNITS)
    # "no" at the gate ends the walk before the codes: their answer no longer applies.
    RuleFactory(question=gate, operator=Rule.Operator.IS, value="no", outcome=Outcome.APPROVE)
    case = ready(world, pathway=pathway)
    Answer.objects.create(
        case=case, question=gate, value="yes" if reached else "no", answered_by=world.user
    )
    Answer.objects.create(case=case, question=units, value=rows, answered_by=world.user)
    return case


def lines(case):
    return [
        (line.position, line.procedure_code.code, line.quantity_requested)
        for line in case.procedure_lines.select_related("procedure_code").order_by("position")
    ]


def test_code_and_units_rows_become_lines_after_the_locked_in_one(world, codes):
    rows = [{"code": "E0600", "units": 2}, {"code": "e0601", "units": 1}]
    case = case_with_rows(world, rows)
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert lines(case) == [(1, "73721", 1), (2, "E0600", 2), (3, "E0601", 1)]


def test_the_locked_in_code_takes_its_units_instead_of_a_second_line(world, codes):
    case = case_with_rows(world, [{"code": "73721", "units": 3}, {"code": "E0600", "units": 1}])
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert lines(case) == [(1, "73721", 3), (2, "E0600", 1)]


def test_at_most_ten_lines(world, codes):
    rows = [{"code": code.code, "units": 1} for code in codes]
    case = case_with_rows(world, rows)
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert len(lines(case)) == MAX_LINES


def test_an_answer_off_the_walk_adds_nothing(world, codes):
    case = case_with_rows(world, [{"code": "E0600", "units": 2}], reached=False)
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert lines(case) == [(1, "73721", 1)]


def test_submitting_again_adds_nothing_more(world, codes):
    case = case_with_rows(world, [{"code": "E0600", "units": 2}])
    for _ in range(2):
        case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    assert lines(case) == [(1, "73721", 1), (2, "E0600", 2)]
