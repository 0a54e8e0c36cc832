"""The pathway engine's walk: the next question, branching, outcomes, the default outcome,
every rule operator, and a loop in the rules."""

import pytest

from cases.clinical import engine
from cases.models import Question, Rule
from cases.models.pathways import Outcome
from tests.cases.clinical.factories import (
    ChoiceFactory,
    PathwayFactory,
    QuestionFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db


def walk(pathway, answers):
    return engine.walk(pathway, engine.pathway_questions(pathway), answers)


@pytest.fixture
def pathway():
    """anatomy (single) -> knee: pain weeks (number) >= 6 approves, < 6 reviews;
    hip: straight to review; anything else: the next question (notes), then the default."""
    pathway = PathwayFactory(default_outcome=Outcome.REVIEW)
    anatomy = QuestionFactory(pathway=pathway, key="anatomy", position=1, kind="single")
    for value in ("knee", "hip", "ankle"):
        ChoiceFactory(question=anatomy, value=value)
    weeks = QuestionFactory(pathway=pathway, key="weeks", position=2, kind="number")
    notes = QuestionFactory(pathway=pathway, key="notes", position=3, kind="text")
    RuleFactory(
        question=anatomy, position=1, operator=Rule.Operator.IS, value="knee", next_question=weeks
    )
    RuleFactory(
        question=anatomy, position=2, operator=Rule.Operator.IS, value="hip", outcome=Outcome.REVIEW
    )
    RuleFactory(
        question=anatomy, position=3, operator=Rule.Operator.IS, value="ankle", next_question=notes
    )
    RuleFactory(
        question=weeks,
        position=1,
        operator=Rule.Operator.AT_LEAST,
        value="6",
        outcome=Outcome.APPROVE,
    )
    RuleFactory(question=weeks, position=2, operator=Rule.Operator.ANY, outcome=Outcome.REVIEW)
    return pathway


def test_the_first_unanswered_question_is_next(pathway):
    result = walk(pathway, {})
    assert result.next_question.key == "anatomy" and not result.is_done and result.path == []


def test_a_rule_branches_and_another_ends_with_an_outcome(pathway):
    result = walk(pathway, {"anatomy": "knee"})
    assert result.next_question.key == "weeks"
    assert walk(pathway, {"anatomy": "knee", "weeks": "6"}).outcome == Outcome.APPROVE
    assert walk(pathway, {"anatomy": "knee", "weeks": "5.5"}).outcome == Outcome.REVIEW
    assert walk(pathway, {"anatomy": "hip"}).outcome == Outcome.REVIEW


def test_answers_off_the_path_do_not_count(pathway):
    result = walk(pathway, {"anatomy": "ankle", "weeks": "12", "notes": "x"})
    assert [q.key for q in result.path] == ["anatomy", "notes"]
    # After the last question without a matching rule: the pathway's default outcome.
    assert result.outcome == Outcome.REVIEW


def test_a_pathway_without_questions_ends_at_once_with_its_default():
    assert walk(PathwayFactory(default_outcome=Outcome.APPROVE), {}).outcome == Outcome.APPROVE


@pytest.mark.parametrize(
    ("operator", "value", "answer", "expected"),
    [
        (Rule.Operator.IS, "yes", "yes", True),
        (Rule.Operator.IS_NOT, "yes", "no", True),
        (Rule.Operator.INCLUDES, "b", ["a", "b"], True),
        (Rule.Operator.INCLUDES, "c", ["a", "b"], False),
        (Rule.Operator.EXCLUDES, "c", ["a", "b"], True),
        (Rule.Operator.LESS_THAN, "3", "2", True),
        (Rule.Operator.AT_MOST, "3", "3", True),
        (Rule.Operator.MORE_THAN, "3", "3", False),
        (Rule.Operator.AT_LEAST, "3", "not a number", False),
        # Code and units: the codes for includes, the total of the units for numbers.
        (Rule.Operator.INCLUDES, "E0601", [{"code": "E0601", "units": 1}], True),
        (Rule.Operator.EXCLUDES, "E0601", [{"code": "E1390", "units": 1}], True),
        (
            Rule.Operator.MORE_THAN,
            "13",
            [{"code": "A", "units": 10}, {"code": "B", "units": 4}],
            True,
        ),
    ],
)
def test_rule_operators(operator, value, answer, expected):
    question = QuestionFactory(key="q", kind=Question.Kind.TEXT)
    rule = RuleFactory(question=question, operator=operator, value=value)
    assert engine.matches(rule, question, {"q": answer}) is expected


def test_preferred_regimens():
    question = QuestionFactory(key="regimen", kind=Question.Kind.REGIMEN)
    ChoiceFactory(question=question, value="ddac", is_preferred=True)
    ChoiceFactory(question=question, value="tac", is_preferred=False)
    preferred = RuleFactory(question=question, operator=Rule.Operator.PREFERRED)
    other = RuleFactory(question=question, operator=Rule.Operator.NOT_PREFERRED)
    question = engine.pathway_questions(question.pathway)[0]
    assert engine.matches(preferred, question, {"regimen": "ddac"})
    assert engine.matches(other, question, {"regimen": "tac"})
    assert not engine.matches(preferred, question, {"regimen": "tac"})


def test_a_loop_in_the_rules_goes_to_review():
    pathway = PathwayFactory(default_outcome=Outcome.APPROVE)
    first = QuestionFactory(pathway=pathway, key="a", position=1)
    second = QuestionFactory(pathway=pathway, key="b", position=2)
    RuleFactory(question=first, operator=Rule.Operator.ANY, next_question=second)
    RuleFactory(question=second, operator=Rule.Operator.ANY, next_question=first)
    assert walk(pathway, {"a": "yes", "b": "yes"}).outcome == Outcome.REVIEW
