"""The clinical scenarios' bench data, made in the bench database by `manage.py shell` (see
bench.clinical.clinical_data_prepare), from the wizard's bench draft (bench.wizard_data):

- a pool of ready-to-submit cases of "Bench Family Practice": copies of the draft, locked in,
  routine, past the questions of the 73721 pathway (answered along a walk that ends with
  "approve" for half, "review" for the other half) and the additional information ("none"),
  each with the draft's procedure line: only SUBMIT CASE is left. Topped up to the number
  asked for on every run (a submitted case never comes back), their expiry moved 30 days
  ahead;
- one locked-in case on its questions stage, on the demo pathway of 73721 (MRI Lower Extremity
  Joint) with its first answers given, so its question page shows a later question and the
  answers so far. Re-used while open, else made again.

Prints one line, CLINICAL_DATA_MARKER and JSON: the ready cases' public ids (approve and
review alternating), the question case's id and the text of the question it is on.

Imports Django: only ever imported inside `manage.py shell`.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bench.wizard_data import (
    BENCH_USERNAME,
    EXPIRES_AHEAD,
    PROCEDURE_CODE,
    PROGRAM_CODE,
    _draft_make,
    _draft_reusable,
    _office_ensure,
)
from cases.clinical import engine
from cases.clinical.demo_pathways import demo_pathways_load
from cases.models import Answer, Case, Pathway, ProcedureLine
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from eligibility.models import ProcedureCode, Program

CLINICAL_DATA_MARKER = "BENCH_CLINICAL_DATA "
BATCH = 500
# The question case's answers: the page then asks "reason" (five choices), three answered.
QUESTION_ANSWERS = {"additional_procedures": "no", "anatomy": "knee", "cancer": "no"}
# A ready case's answers, the walk that ends with its outcome (checked): knee pain after eight
# weeks of conservative care with X-rays is approved; a hip study goes to medical review.
WALKS = {
    Outcome.APPROVE: {
        **QUESTION_ANSWERS,
        "reason": "chronic-pain",
        "conservative_weeks": 8,
        "xray": "yes",
    },
    Outcome.REVIEW: {"additional_procedures": "no", "anatomy": "hip"},
}
OUTCOMES = (Outcome.APPROVE, Outcome.REVIEW)
# Fields never copied from the draft: its identity, numbers and what the clinical phase sets.
_NOT_COPIED = {
    "id",
    "public_id",
    "created_at",
    "updated_at",
    "start_token",
    "case_number",
    "authorization_number",
    "submitted_at",
    "attested_at",
    "review_date",
    "expiration_date",
    "due_at",
}


def main(ready: int) -> None:
    print(CLINICAL_DATA_MARKER + json.dumps(clinical_data_ensure(ready)), flush=True)


@transaction.atomic
def clinical_data_ensure(ready: int) -> dict:
    today = timezone.localdate()
    now = timezone.now()
    user = User.objects.get(username=BENCH_USERNAME)
    office = _office_ensure(user)
    program = Program.objects.get(code=PROGRAM_CODE)
    procedure = ProcedureCode.objects.get(code=PROCEDURE_CODE, programs=program, is_active=True)
    draft = _draft_reusable(office, today) or _draft_make(user, program, procedure, today)
    draft = Case.objects.prefetch_related("procedure_lines").get(pk=draft.pk)
    pathway = demo_pathways_load().pathways.get("MRI Lower Extremity Joint (73721)")
    if pathway is None:
        raise SystemExit("the demo pathway of 73721 did not load")

    questions = engine.pathway_questions(pathway)
    for outcome, answers in WALKS.items():
        if engine.walk(pathway, questions, answers).outcome != outcome:
            raise SystemExit(f"the 73721 pathway no longer ends with {outcome} (bench data)")
    pool = _ready_cases(office, pathway, now)
    by_outcome = {outcome: [pk for pk, o in pool if o == outcome] for outcome in OUTCOMES}
    wanted = (ready + 1) // 2
    made = []
    for outcome in OUTCOMES:
        missing = max(0, wanted - len(by_outcome[outcome]))
        made += _copies(draft, user, pathway, now, outcome=outcome, count=missing)
    Case.objects.filter(pk__in=[pk for pk, _ in pool]).update(expires_at=now + EXPIRES_AHEAD)
    pool = _ready_cases(office, pathway, now)
    approve = [public_id for public_id, o in pool if o == Outcome.APPROVE]
    review = [public_id for public_id, o in pool if o == Outcome.REVIEW]
    # Approve and review in turn, so any run of consecutive cases is half of each.
    ordered = [str(x) for pair in zip(approve, review, strict=False) for x in pair]
    question_case = _question_case(office, draft, user, pathway, now)
    answers = engine.answers_of(question_case)
    asked = engine.walk(pathway, questions, answers).next_question
    return {
        "ready": ordered,
        "made": len(made),
        "question_case": str(question_case.public_id),
        "question_text": asked.text,
        "answered": len(answers),
    }


def _ready_cases(office, pathway: Pathway, now) -> list[tuple]:
    """(public_id, outcome) of the office's cases on the pathway where only SUBMIT CASE is
    left, oldest first."""
    return list(
        Case.objects.filter(
            office=office,
            status=Case.Status.DRAFT,
            locked_at__isnull=False,
            submitted_at__isnull=True,
            urgency_done=True,
            pathway=pathway,
            additional_info=AdditionalInfo.NONE,
            pathway_outcome__in=OUTCOMES,
            expires_at__gt=now,
        )
        .order_by("pk")
        .values_list("public_id", "pathway_outcome")
    )


def _copy(draft: Case, now, **values) -> Case:
    fields = {
        field.attname: getattr(draft, field.attname)
        for field in Case._meta.concrete_fields
        if field.attname not in _NOT_COPIED
    }
    return Case(
        **fields
        | {
            "status": Case.Status.DRAFT,
            "locked_at": now,
            "expires_at": now + EXPIRES_AHEAD,
            "is_routine": True,
            "urgency_criterion": "",
            "is_urgent": False,
            "urgency_done": True,
            "pathway_id": None,
            "pathway_outcome": "",
            "additional_info": "",
            "notes": "",
            "p2p_required": False,
        }
        | values
    )


def _copies(draft: Case, user, pathway: Pathway, now, *, outcome: str, count: int) -> list[Case]:
    """`count` ready-to-submit copies of the draft on the pathway, with its procedure line
    and the answers of WALKS[outcome], in bulk."""
    line = draft.primary_procedure_line
    questions = {question.key: question for question in engine.pathway_questions(pathway)}
    answers = WALKS[outcome]
    made = []
    for start in range(0, count, BATCH):
        cases = Case.objects.bulk_create(
            [
                _copy(
                    draft,
                    now,
                    pathway_id=pathway.pk,
                    pathway_outcome=outcome,
                    additional_info=AdditionalInfo.NONE,
                )
                for _ in range(min(BATCH, count - start))
            ]
        )
        ProcedureLine.objects.bulk_create(
            [
                ProcedureLine(
                    case=case,
                    position=1,
                    procedure_code_id=line.procedure_code_id,
                    quantity_requested=line.quantity_requested,
                    modifiers=line.modifiers,
                )
                for case in cases
            ]
        )
        Answer.objects.bulk_create(
            [
                Answer(case=case, question=questions[key], value=value, answered_by=user)
                for case in cases
                for key, value in answers.items()
            ]
        )
        made += cases
    return made


def _question_case(office, draft: Case, user, pathway: Pathway, now) -> Case:
    """The office's locked-in case on the 73721 pathway with QUESTION_ANSWERS given and no
    outcome yet: re-used while open, else a new copy of the draft."""
    keys = set(QUESTION_ANSWERS)
    for case in Case.objects.filter(
        office=office,
        status=Case.Status.DRAFT,
        locked_at__isnull=False,
        submitted_at__isnull=True,
        urgency_done=True,
        pathway=pathway,
        pathway_outcome="",
    ).order_by("-pk")[:5]:
        if set(engine.answers_of(case)) == keys:
            case.expires_at = now + EXPIRES_AHEAD
            case.save(update_fields=["expires_at", "updated_at"])
            return case
    case = _copy(draft, now, pathway_id=pathway.pk)
    case.save()
    line = draft.primary_procedure_line
    ProcedureLine.objects.create(
        case=case, position=1, procedure_code_id=line.procedure_code_id, quantity_requested=1
    )
    questions = {question.key: question for question in engine.pathway_questions(pathway)}
    Answer.objects.bulk_create(
        [
            Answer(case=case, question=questions[key], value=value, answered_by=user)
            for key, value in QUESTION_ANSWERS.items()
        ]
    )
    return case
