"""The clinical pathway engine: which pathway a case answers, which question comes next given
the answers so far, and the outcome once the questions end. Pure reads: the services save
answers and decide; this only walks.

A walk starts at the pathway's first question (lowest position). An unanswered question is the
next one to ask. An answered one is followed by its rules in position order: the first rule
that matches sends to another question or ends the walk with an outcome; when none matches,
the next question by position follows, and after the last one the pathway's default outcome.
The questions walked are the ones whose answers apply; an answer off the walk (an earlier
answer was changed) no longer applies and is dropped by the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch

from cases.models import Case, Choice, Pathway, Question, Rule
from cases.models.pathways import Outcome

Answers = dict[str, object]


@dataclass
class Walk:
    """Where a case stands on its pathway."""

    # The questions answered on the way, in the order asked (their answers apply).
    path: list[Question] = field(default_factory=list)
    # The question to ask now; None once the walk has ended.
    next_question: Question | None = None
    # Set once the walk has ended.
    outcome: str | None = None

    @property
    def is_done(self) -> bool:
        return self.outcome is not None


def pathway_for(case: Case) -> Pathway | None:
    """The active pathway of the case's primary procedure code, else the program's active
    pathway without codes; None when the program asks no clinical questions."""
    line = case.primary_procedure_line
    pathways = Pathway.objects.filter(program_id=case.program_id, is_active=True)
    if line is not None:
        by_code = pathways.filter(procedure_codes=line.procedure_code_id).order_by("pk").first()
        if by_code is not None:
            return by_code
    return pathways.filter(procedure_codes__isnull=True).order_by("pk").first()


def pathway_questions(pathway: Pathway) -> list[Question]:
    """The pathway's questions in order, with their choices and rules (three queries)."""
    return list(
        Question.objects.filter(pathway=pathway)
        .order_by("position")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")),
            Prefetch("rules", queryset=Rule.objects.order_by("position", "pk")),
        )
    )


def walk(pathway: Pathway, questions: list[Question], answers: Answers) -> Walk:
    """Follow the answers (by question key) from the first question."""
    if not questions:
        return Walk(outcome=pathway.default_outcome)
    by_pk = {question.pk: question for question in questions}
    following = {a.pk: b for a, b in zip(questions, questions[1:], strict=False)}
    result = Walk()
    question: Question | None = questions[0]
    seen: set[int] = set()
    while question is not None:
        if question.pk in seen:
            # A loop in the rules: a person decides.
            result.outcome = Outcome.REVIEW
            return result
        seen.add(question.pk)
        if question.key not in answers:
            result.next_question = question
            return result
        result.path.append(question)
        rule = next((r for r in question.rules.all() if matches(r, question, answers)), None)
        if rule is not None and rule.outcome:
            result.outcome = rule.outcome
            return result
        if rule is not None:
            question = by_pk.get(rule.next_question_id)
        else:
            question = following.get(question.pk)
    result.outcome = pathway.default_outcome
    return result


def matches(rule: Rule, question: Question, answers: Answers) -> bool:
    """Whether the answer to `question` meets the rule's condition."""
    answer = answers.get(question.key)
    operator = rule.operator
    if operator == Rule.Operator.ANY:
        return True
    chosen = _chosen(answer)
    if operator == Rule.Operator.IS:
        return chosen == [rule.value]
    if operator == Rule.Operator.IS_NOT:
        return chosen != [rule.value]
    if operator == Rule.Operator.INCLUDES:
        return rule.value in chosen
    if operator == Rule.Operator.EXCLUDES:
        return rule.value not in chosen
    if operator in (Rule.Operator.PREFERRED, Rule.Operator.NOT_PREFERRED):
        preferred = {choice.value for choice in question.choices.all() if choice.is_preferred}
        is_preferred = bool(chosen) and all(value in preferred for value in chosen)
        return is_preferred == (operator == Rule.Operator.PREFERRED)
    return _compare(operator, _number(answer), _number(rule.value))


def _chosen(answer: object) -> list[str]:
    """The answer as the values rules compare: choices, or the codes of code-and-units rows."""
    if not isinstance(answer, list):
        return [str(answer)]
    return [str(row.get("code")) if isinstance(row, dict) else str(row) for row in answer]


def _compare(operator: str, answer: Decimal | None, limit: Decimal | None) -> bool:
    if answer is None or limit is None:
        return False
    return {
        Rule.Operator.LESS_THAN: answer < limit,
        Rule.Operator.AT_MOST: answer <= limit,
        Rule.Operator.MORE_THAN: answer > limit,
        Rule.Operator.AT_LEAST: answer >= limit,
    }.get(operator, False)


def _number(value: object) -> Decimal | None:
    if isinstance(value, list):
        # Code and units: the total of the units.
        try:
            return sum((Decimal(str(row.get("units", 0))) for row in value), Decimal(0))
        except (AttributeError, InvalidOperation):
            return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def answers_of(case: Case) -> Answers:
    """The case's saved answers by question key (one query)."""
    rows = case.answers.filter(question__pathway_id=case.pathway_id).order_by()
    return dict(rows.values_list("question__key", "value"))


__all__ = ["Walk", "answers_of", "matches", "pathway_for", "pathway_questions", "walk"]
