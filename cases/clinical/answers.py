"""The clinical questions stage: choosing a case's pathway when the stage opens, saving one
answer (the next question of the walk, or an edit of one on its path), dropping the answers
that no longer apply, and setting the case's pathway outcome when the walk ends.

Every write holds the case's row lock and checks, under it, that the request is still a
locked-in draft whose questions stage is open (cases.clinical.stages). The walk itself is
cases.clinical.engine's.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from cases.clinical import engine, stages
from cases.clinical.engine import Answers, Walk
from cases.errors import CaseError
from cases.models import Answer, Case, Pathway, Question
from cases.models.pathways import Outcome
from cases.selectors import cases_for_user, draft_for_update, draft_with_related

STAGE = "question"
NOT_ASKED_MESSAGE = (
    "That question does not apply to your responses as they stand, or was already answered: "
    "here is the question to answer now."
)


class QuestionNotAskable(CaseError):
    """The question is neither the walk's next one nor on its path (answered meanwhile in
    another tab, or off the path after an edit)."""


@dataclass
class QuestionsState:
    """A case on its pathway: the questions (with choices and rules), the answers by key and
    the walk they make."""

    case: Case
    pathway: Pathway | None
    questions: list[Question]
    answers: Answers
    walk: Walk

    def question(self, key: str) -> Question | None:
        return next((question for question in self.questions if question.key == key), None)

    def is_on_path(self, question: Question) -> bool:
        return any(walked.pk == question.pk for walked in self.walk.path)

    @property
    def answered(self) -> list[tuple[Question, str]]:
        """The answers that apply, in the order asked, each as the page shows it."""
        return [
            (question, answer_display(question, self.answers.get(question.key)))
            for question in self.walk.path
        ]


def _cases(user: User) -> QuerySet[Case]:
    # The pathway is read by its key (one small query) rather than joined: one more join on
    # the draft's query costs PostgreSQL more planning time than the query itself.
    return cases_for_user(user)


def _check_open(case: Case) -> None:
    if closed := stages.stage_closed(case, STAGE, now=timezone.now()):
        raise closed


def _case_locked(*, user: User, public_id: UUID) -> AbstractContextManager[Case]:
    """The case, its row locked, while its questions stage is open."""
    return stages.stage_locked(
        draft_for_update(_cases(user)), public_id=public_id, stage=STAGE, now=timezone.now()
    )


def _state(case: Case) -> QuestionsState:
    if case.pathway is None:
        # No clinical questions for this program: the case goes to medical review.
        outcome = case.pathway_outcome or Outcome.REVIEW
        return QuestionsState(case, None, [], {}, Walk(outcome=outcome))
    questions = engine.pathway_questions(case.pathway)
    answers = engine.answers_of(case)
    return QuestionsState(
        case, case.pathway, questions, answers, engine.walk(case.pathway, questions, answers)
    )


def _needs_settling(case: Case, state: QuestionsState | None) -> bool:
    if case.pathway_id is None:
        return not case.pathway_outcome
    return state is not None and state.walk.is_done and state.walk.outcome != case.pathway_outcome


def questions_state_for(*, user: User, public_id: UUID) -> QuestionsState:
    """The office's locked-in draft on its pathway, as a question page shows it. Opening the
    stage the first time chooses the case's pathway (a program without one ends the stage at
    once with medical review); a walk that has ended has its outcome on the case.

    Raises Case.DoesNotExist for another office's case, StageClosed when the questions
    are not open."""
    case = draft_with_related(_cases(user)).get(public_id=public_id)
    _check_open(case)
    state = _state(case) if case.pathway_id is not None else None
    if _needs_settling(case, state):
        questions_settle(user=user, public_id=public_id)
        case = draft_with_related(_cases(user)).get(public_id=public_id)
        _check_open(case)
        return _state(case)
    return state or _state(case)


def questions_settle(*, user: User, public_id: UUID) -> Case:
    """Choose the case's pathway when none is chosen yet (none for its program or code:
    outcome REVIEW at once), and put the walk's outcome on the case when the walk has ended.
    Idempotent: a second call changes nothing."""
    with _case_locked(user=user, public_id=public_id) as case:
        if case.pathway_id is None and not case.pathway_outcome:
            case.pathway = engine.pathway_for(case)
            if case.pathway is None:
                _outcome_set(case, Outcome.REVIEW)
                case.save(
                    update_fields=["pathway", "pathway_outcome", "p2p_required", "updated_at"]
                )
                return case
            case.save(update_fields=["pathway", "updated_at"])
        if case.pathway is not None:
            walked = _state(case).walk
            if walked.is_done and walked.outcome != case.pathway_outcome:
                _outcome_set(case, walked.outcome)
                case.save(update_fields=["pathway_outcome", "p2p_required", "updated_at"])
        return case


def answer_save(*, user: User, public_id: UUID, question_id: int, value: object) -> QuestionsState:
    """Save the answer to one question of the case's pathway, as given (a form has checked
    it): the walk's next question, or one on its path (an edit). Then the answers no longer on
    the walk's path are dropped, and the case's pathway outcome is the walk's (empty while
    questions remain; REVIEW_P2P also sets "P2P required").

    Raises StageClosed, or QuestionNotAskable when the question is neither next nor on
    the path."""
    with _case_locked(user=user, public_id=public_id) as case:
        if case.pathway is None:
            raise QuestionNotAskable(NOT_ASKED_MESSAGE)
        before = _state(case)
        question = next((q for q in before.questions if q.pk == question_id), None)
        if question is None or not (
            before.is_on_path(question) or before.walk.next_question == question
        ):
            raise QuestionNotAskable(NOT_ASKED_MESSAGE)
        Answer.objects.update_or_create(
            case=case, question=question, defaults={"value": value, "answered_by": user}
        )
        answers = {**before.answers, question.key: value}
        walked = engine.walk(case.pathway, before.questions, answers)
        on_path = [walked_question.pk for walked_question in walked.path]
        case.answers.exclude(question_id__in=on_path).delete()
        _outcome_set(case, walked.outcome or "")
        case.save(update_fields=["pathway_outcome", "p2p_required", "updated_at"])
        kept = {q.key: answers[q.key] for q in walked.path}
        return QuestionsState(case, case.pathway, before.questions, kept, walked)


def _outcome_set(case: Case, outcome: str) -> None:
    case.pathway_outcome = outcome
    case.p2p_required = outcome == Outcome.REVIEW_P2P


def answer_display(question: Question, value: object) -> str:
    """An answer as the question pages list it: choices by their labels, dates MM/DD/YYYY,
    codes with their units."""
    if value in (None, "", []):
        return "No answer"
    kind = question.kind
    if kind == Question.Kind.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(str(value), str(value))
    if kind in (Question.Kind.SINGLE, Question.Kind.REGIMEN, Question.Kind.MULTIPLE):
        labels = {choice.value: choice.label for choice in question.choices.all()}
        chosen = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(str(item), str(item)) for item in chosen)
    if kind == Question.Kind.DATE:
        try:
            return dt.date.fromisoformat(str(value)).strftime("%m/%d/%Y")
        except ValueError:
            return str(value)
    if kind == Question.Kind.CODE_UNITS and isinstance(value, list):
        return "; ".join(_code_units_display(row) for row in value)
    return str(value)


def _code_units_display(row: object) -> str:
    if not isinstance(row, dict):
        return str(row)
    units = row.get("units")
    return f"{row.get('code', '')} × {units} unit{'' if units == 1 else 's'}"


__all__ = [
    "NOT_ASKED_MESSAGE",
    "QuestionNotAskable",
    "QuestionsState",
    "answer_display",
    "answer_save",
    "questions_settle",
    "questions_state_for",
]
