"""Cases built through the real flow for the medical review tests: the knee MRI pathway and a
request the office builds, answers and submits to medical review (the wizard's steps, the
answers service, uploads, SUBMIT CASE)."""

from django.utils import timezone

from cases.clinical.answers import answer_save, questions_state_for
from cases.clinical.submission import additional_info_save, case_submit
from cases.clinical.uploads import uploads_checked, uploads_store
from cases.models import Case, Question, Rule
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from cases.wizard.drafts import draft_start
from tests.cases.clinical.factories import (
    ChoiceFactory,
    PathwayFactory,
    QuestionFactory,
    RuleFactory,
)
from tests.cases.clinical.test_uploads import pdf_bytes, png_bytes, upload
from tests.cases.conftest import fill_through


def knee_pathway(world):
    """Knee MRI: 1. anatomy (knee goes on, hip to review); 2. weeks of treatment (at least 6
    approves, any other answer goes on); 3. an x-ray done (yes approves; no: no rule met, the
    next question); 4. the findings in the office's words; then the default: medical review."""
    pathway = PathwayFactory(program=world.radiology, name="Knee MRI", default_outcome="review")
    anatomy = QuestionFactory(
        pathway=pathway,
        key="anatomy",
        position=1,
        kind=Question.Kind.SINGLE,
        text="Which joint is to be imaged?",
    )
    ChoiceFactory(question=anatomy, value="knee", label="Knee", position=1)
    ChoiceFactory(question=anatomy, value="hip", label="Hip", position=2)
    weeks = QuestionFactory(
        pathway=pathway,
        key="weeks",
        position=2,
        kind=Question.Kind.NUMBER,
        text="How many weeks of conservative treatment were completed?",
    )
    xray = QuestionFactory(
        pathway=pathway,
        key="xray",
        position=3,
        kind=Question.Kind.YES_NO,
        text="Was a plain x-ray of the knee done in the last 60 days?",
    )
    QuestionFactory(
        pathway=pathway,
        key="findings",
        position=4,
        kind=Question.Kind.TEXT,
        text="Describe the findings.",
    )
    RuleFactory(
        question=anatomy, position=1, operator=Rule.Operator.IS, value="knee", next_question=weeks
    )
    RuleFactory(
        question=anatomy, position=2, operator=Rule.Operator.IS, value="hip", outcome=Outcome.REVIEW
    )
    RuleFactory(
        question=weeks,
        position=1,
        operator=Rule.Operator.AT_LEAST,
        value="6",
        outcome=Outcome.APPROVE,
    )
    RuleFactory(question=weeks, position=2, operator=Rule.Operator.ANY, next_question=xray)
    RuleFactory(
        question=xray, position=1, operator=Rule.Operator.IS, value="yes", outcome=Outcome.APPROVE
    )
    return pathway


def case_in_review(
    world,
    *,
    answers=(("anatomy", "knee"), ("weeks", "4"), ("xray", "no"), ("findings", "Effusion")),
    files=(("MRI report.pdf", pdf_bytes), ("Knee photo.png", png_bytes)),
    notes="Pain at night, worse on stairs.",
    now=None,
) -> Case:
    """A radiology request built and submitted by the office: locked in, routine, the
    pathway's questions answered in order, additional information (notes and `files`), then
    SUBMIT CASE (the answers lead to medical review)."""
    case = fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    case.locked_at = timezone.now()
    case.is_routine = True
    case.urgency_done = True
    case.save()
    state = questions_state_for(user=world.user, public_id=case.public_id)
    for key, value in answers:
        answer_save(
            user=world.user,
            public_id=case.public_id,
            question_id=state.question(key).pk,
            value=value,
        )
    with uploads_checked([upload(name, build()) for name, build in files], max_bytes=10**7) as c:
        stored = uploads_store(case=case, files=c.accepted, by=world.user)
    additional_info_save(
        user=world.user,
        public_id=case.public_id,
        additional_info=AdditionalInfo.BOTH if stored else AdditionalInfo.NOTES,
        notes=notes,
        uploads=stored,
    )
    case_submit(user=world.user, public_id=case.public_id, now=now or timezone.now())
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW
    return case
