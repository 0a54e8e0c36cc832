"""The clinical questions ("Proceed to Clinical Information"): the next question of the
case's pathway, one page per question, SUBMIT saving it; the answers given so far beside it,
each with its link to edit it ("edit your responses"); when the walk ends, the additional
information. The services are cases.clinical.answers."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.clinical.answers import (
    NOT_ASKED_MESSAGE,
    QuestionNotAskable,
    QuestionsState,
    answer_save,
    questions_state_for,
)
from cases.clinical.forms.questions import QuestionForm
from cases.clinical.stages import StageClosed
from cases.clinical.views.common import stage_closed_redirect
from cases.models import Case, Question
from cases.wizard import steps
from cases.wizard.views.common import (
    FINISH_LATER_FIELD,
    FINISH_LATER_SAVED,
    IN_PROGRESS_URL,
    draft_view_record,
    finish_later_unsaved,
)

QUESTION_TEMPLATE = "cases/clinical/question.html"
NOT_ON_PATH = "That question does not apply to your responses as they stand."


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The walk's next question; once the walk has ended, the additional information."""
    state = _state(request, public_id)
    if isinstance(state, HttpResponse):
        return state
    asked = state.walk.next_question
    if asked is None:
        if request.method == "POST" and (unsaved := finish_later_unsaved(request)):
            return unsaved
        return redirect("cases:clinical-additional", public_id=public_id)
    if request.method == "POST":
        if request.POST.get("question") != asked.key:
            # Answered meanwhile (a double click, another tab): show where the walk stands.
            if unsaved := finish_later_unsaved(request):
                return unsaved
            messages.info(request, NOT_ASKED_MESSAGE)
            return redirect("cases:clinical-question", public_id=public_id)
        return _answer_post(request, state, asked, editing=False)
    form = QuestionForm(question=asked, program=state.case.program)
    return _page(request, state, asked, form, editing=False)


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, public_id: UUID, key: str) -> HttpResponse:
    """An answer on the walk's path, to change before submission; then the walk goes on from
    there (answers no longer on its path are dropped)."""
    state = _state(request, public_id)
    if isinstance(state, HttpResponse):
        return state
    edited = state.question(key)
    if edited is None:
        raise Http404("No such question.")
    if not state.is_on_path(edited):
        if request.method == "POST" and (unsaved := finish_later_unsaved(request)):
            return unsaved
        if edited != state.walk.next_question:
            messages.info(request, NOT_ON_PATH)
        return redirect("cases:clinical-question", public_id=public_id)
    if request.method == "POST":
        return _answer_post(request, state, edited, editing=True)
    form = QuestionForm(
        question=edited, program=state.case.program, value=state.answers.get(edited.key)
    )
    return _page(request, state, edited, form, editing=True)


def _state(request: HttpRequest, public_id: UUID) -> QuestionsState | HttpResponse:
    try:
        return questions_state_for(user=request.user, public_id=public_id)
    except Case.DoesNotExist as error:
        raise Http404("No such request.") from error
    except StageClosed as closed:
        return stage_closed_redirect(request, public_id, closed)


def _answer_post(
    request: HttpRequest, state: QuestionsState, asked: Question, *, editing: bool
) -> HttpResponse:
    case = state.case
    form = QuestionForm(request.POST, question=asked, program=case.program)
    if not form.is_valid():
        if unsaved := finish_later_unsaved(request):
            return unsaved
        return _page(request, state, asked, form, editing=editing)
    if form.wants_another() and FINISH_LATER_FIELD not in request.POST:
        # "Would you like to enter another HCPCS code?" YES: one more code, nothing saved yet.
        more = QuestionForm(question=asked, program=case.program, value=form.answer(), add_row=True)
        return _page(request, state, asked, more, editing=editing)
    try:
        saved = answer_save(
            user=request.user, public_id=case.public_id, question_id=asked.pk, value=form.answer()
        )
    except StageClosed as closed:
        return stage_closed_redirect(request, case.public_id, closed)
    except QuestionNotAskable as error:
        messages.info(request, error.message)
        return redirect("cases:clinical-question", public_id=case.public_id)
    if FINISH_LATER_FIELD in request.POST:
        messages.success(request, FINISH_LATER_SAVED.format(last_day=saved.case.last_day))
        return redirect(IN_PROGRESS_URL)
    if saved.walk.is_done:
        return redirect("cases:clinical-additional", public_id=case.public_id)
    return redirect("cases:clinical-question", public_id=case.public_id)


def _page(
    request: HttpRequest,
    state: QuestionsState,
    asked: Question,
    form: QuestionForm,
    *,
    editing: bool,
) -> HttpResponse:
    """The question page; it shows the patient (the side panel), so it is logged."""
    case = state.case
    draft_view_record(request, case)
    path = state.walk.path
    position = next((index for index, q in enumerate(path) if q.pk == asked.pk), len(path))
    question_url = reverse("cases:clinical-question", kwargs={"public_id": case.public_id})
    context = {
        "case": case,
        "question": asked,
        "form": form,
        "number": position + 1,
        "editing": editing,
        "answered": [
            {"question": q, "display": display, "is_current": q.pk == asked.pk}
            for q, display in state.answered
        ],
        "question_url": question_url,
        "action_url": request.path,
        "percent_complete": steps.percent_complete(case),
        "finish_later_field": FINISH_LATER_FIELD,
    }
    return render(request, QUESTION_TEMPLATE, context)
