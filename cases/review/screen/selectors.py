"""Reads of the case screen, always through cases_for_reviewer (anything else does not exist
for the reviewer): the case with what its Request section shows, the pathway's walk with each
rule's condition met or missed (the clinical engine's own matching), and the rows of the other
sections, in a fixed number of queries whatever their count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from cases.clinical import engine
from cases.clinical.answers import answer_display
from cases.models import (
    Case,
    Letter,
    PostDecisionRequest,
    ProcedureLine,
    Question,
    ReviewNote,
    Rule,
    StatusEvent,
    Upload,
)
from cases.models.pathways import Outcome
from cases.review.access import REVIEW_STATUSES, cases_for_reviewer
from cases.review.due_words import DueTime

# The uploads a browser shows in the page (the others are downloaded).
SHOWN_INLINE = {Upload.Kind.PDF, Upload.Kind.PNG}

# The statuses as a reviewer names them: the office's "Pending" is a review in progress.
REVIEWER_STATUS_LABELS = {
    Case.Status.DRAFT: "Draft",
    Case.Status.IN_REVIEW: "In review",
    Case.Status.HOLD: "On hold: Additional Information Required",
}


def reviewer_status_label(status: str) -> str:
    if status in REVIEWER_STATUS_LABELS:
        return REVIEWER_STATUS_LABELS[status]
    try:
        return Case.Status(status).label
    except ValueError:
        return status


def review_case_get_for(*, user: User, public_id: UUID) -> Case:
    """One submitted case of the reviewer's programs with what the Request section shows (two
    queries: the case with its relations, its procedure lines). Raises Case.DoesNotExist for
    anything else."""
    return (
        cases_for_reviewer(user)
        .select_related(
            "program",
            "practitioner",
            "practitioner_address",
            "health_plan",
            "member",
            "coverage__line_of_business",
            "delegation__line_of_business",
            "primary_diagnosis",
            "secondary_diagnosis",
            "site",
            "pathway",
            "assigned_to",
        )
        .prefetch_related(
            Prefetch(
                "procedure_lines",
                queryset=ProcedureLine.objects.select_related("procedure_code").order_by(
                    "position"
                ),
            )
        )
        .get(public_id=public_id)
    )


def review_upload_get_for(*, user: User, public_id: UUID, upload_id: UUID) -> Upload:
    """One upload of one case the reviewer may see, with its case's member (for the access
    log). Raises Upload.DoesNotExist for anyone else, or for an upload of another case."""
    return Upload.objects.select_related("case__member").get(
        public_id=upload_id,
        case__public_id=public_id,
        case__in=cases_for_reviewer(user),
    )


def review_letter_get_for(*, user: User, public_id: UUID, letter_id: UUID) -> Letter:
    """One letter (to the provider or to the member) of one case the reviewer may see, with
    its case's member (for the access log). Raises Letter.DoesNotExist for anyone else, or for
    a letter of another case."""
    return Letter.objects.select_related("case__member").get(
        public_id=letter_id,
        case__public_id=public_id,
        case__in=cases_for_reviewer(user),
    )


# --- The due time ----------------------------------------------------------------------------


def due_time_of(case: Case, *, now: dt.datetime) -> DueTime | None:
    """The decision's due time while the case is in review or on hold; None once decided."""
    if case.status not in REVIEW_STATUSES or case.due_at is None:
        return None
    return DueTime(at=case.due_at, now=now)


def reviewer_status(case: Case) -> str:
    """The case's status as a reviewer sees it: the level of review while in review, and
    what the review is waiting for."""
    label = reviewer_status_label(case.status)
    if case.status == Case.Status.IN_REVIEW and case.review_level:
        label = f"{label} ({case.get_review_level_display()})"
    return label


# --- The clinical section ----------------------------------------------------------------------


@dataclass
class CriterionRow:
    """One rule of an answered question: its condition, where it leads, and whether the answer
    met it; `applied` for the first one met (the one the walk followed)."""

    condition: str
    leads_to: str
    met: bool
    applied: bool


@dataclass
class AnswerRow:
    question: Question
    answer: str
    criteria: list[CriterionRow] = field(default_factory=list)


@dataclass
class ClinicalSection:
    pathway_name: str
    rows: list[AnswerRow]
    # The outcome the answers lead to now, and the one the case was submitted with.
    outcome: str
    submitted_outcome: str


def clinical_section(case: Case) -> ClinicalSection | None:
    """The pathway's questions the case answered, in the order asked, each with its answer and
    each of its rules met or missed by that answer (cases.clinical.engine's walk and matching:
    four queries). None when the case had no pathway."""
    if case.pathway_id is None:
        return None
    questions = engine.pathway_questions(case.pathway)
    answers = engine.answers_of(case)
    walked = engine.walk(case.pathway, questions, answers)
    by_pk = {question.pk: question for question in questions}
    rows = []
    for question in walked.path:
        row = AnswerRow(question=question, answer=answer_display(question, answers[question.key]))
        applied_found = False
        for rule in question.rules.all():
            met = engine.matches(rule, question, answers)
            row.criteria.append(
                CriterionRow(
                    condition=rule_condition(rule, question),
                    leads_to=_leads_to(rule, by_pk),
                    met=met,
                    applied=met and not applied_found,
                )
            )
            applied_found = applied_found or met
        rows.append(row)
    return ClinicalSection(
        pathway_name=case.pathway.name,
        rows=rows,
        outcome=_outcome_label(walked.outcome) if walked.outcome else "Questions unanswered",
        submitted_outcome=_outcome_label(case.pathway_outcome),
    )


def rule_condition(rule: Rule, question: Question) -> str:
    """The rule's condition in words: "The answer is Knee", "The answer is at least 6"."""
    if rule.operator == Rule.Operator.ANY:
        return "Any answer"
    value = rule.value
    if question.kind == Question.Kind.YES_NO:
        value = {"yes": "Yes", "no": "No"}.get(value, value)
    else:
        labels = {choice.value: choice.label for choice in question.choices.all()}
        value = labels.get(value, value)
    words = rule.get_operator_display()
    return f"The answer {words} {value}".rstrip()


def _leads_to(rule: Rule, by_pk: dict[int, Question]) -> str:
    if rule.outcome:
        return _outcome_label(rule.outcome)
    question = by_pk.get(rule.next_question_id)
    return f"Question {question.position}" if question else "Another question"


def _outcome_label(outcome: str) -> str:
    try:
        return Outcome(outcome).label
    except ValueError:
        return outcome


# --- The other sections ------------------------------------------------------------------------


def case_uploads_for_review(case: Case) -> QuerySet[Upload]:
    """The case's clinical uploads, oldest first, with who uploaded them (one query)."""
    return (
        Upload.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "pk")
    )


def case_review_notes(case: Case) -> QuerySet[ReviewNote]:
    """The reviewers' notes, oldest first, with their authors (one query)."""
    return (
        ReviewNote.objects.filter(case=case).select_related("author").order_by("created_at", "pk")
    )


@dataclass
class HistoryRow:
    event: StatusEvent
    from_label: str
    to_label: str


def case_status_history(case: Case) -> list[HistoryRow]:
    """The case's status events, oldest first, with who made them, a reviewer's determination
    when there is one, and the statuses as a reviewer names them (one query)."""
    events = (
        StatusEvent.objects.filter(case=case)
        .select_related("by", "determination")
        .order_by("at", "pk")
    )
    return [
        HistoryRow(
            event=event,
            from_label=reviewer_status_label(event.from_status) if event.from_status else "New",
            to_label=reviewer_status_label(event.to_status),
        )
        for event in events
    ]


def case_letters_for_review(case: Case) -> QuerySet[Letter]:
    """Every letter of the case, to the provider and to the member, oldest first (one query)."""
    return Letter.objects.filter(case=case).order_by("created_at", "pk")


def case_post_decision_requests(case: Case) -> QuerySet[PostDecisionRequest]:
    return (
        PostDecisionRequest.objects.filter(case=case)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )


__all__ = [
    "SHOWN_INLINE",
    "AnswerRow",
    "ClinicalSection",
    "CriterionRow",
    "DueTime",
    "HistoryRow",
    "case_letters_for_review",
    "case_post_decision_requests",
    "case_review_notes",
    "case_status_history",
    "case_uploads_for_review",
    "clinical_section",
    "due_time_of",
    "review_case_get_for",
    "review_letter_get_for",
    "review_upload_get_for",
    "reviewer_status",
    "reviewer_status_label",
    "rule_condition",
]
