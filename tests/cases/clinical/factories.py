"""Small clinical pathways for tests: a pathway of a program, its questions in order, their
choices and rules."""

import factory

from cases.models import Choice, Pathway, Question, Rule
from cases.models.pathways import Outcome
from tests.factories.eligibility import ProgramFactory


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pathway

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Pathway {n}")
    default_outcome = Outcome.REVIEW


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    pathway = factory.SubFactory(PathwayFactory)
    key = factory.Sequence(lambda n: f"question-{n}")
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Clinical question {n}?")
    kind = Question.Kind.YES_NO


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    value = factory.Sequence(lambda n: f"choice-{n}")
    label = factory.LazyAttribute(lambda choice: choice.value.replace("-", " ").title())
    position = factory.Sequence(lambda n: n)


class RuleFactory(factory.django.DjangoModelFactory):
    """A rule ending with an outcome unless given a next question."""

    class Meta:
        model = Rule

    question = factory.SubFactory(QuestionFactory)
    operator = Rule.Operator.ANY
    value = ""
    next_question = None
    outcome = factory.LazyAttribute(lambda rule: "" if rule.next_question else Outcome.APPROVE)
