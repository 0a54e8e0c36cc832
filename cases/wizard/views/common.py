"""What every wizard step's view shares: loading the office's draft (404 for anyone else's),
sending the user to the right step when this one is closed or not yet reachable, the side
panel, BACK, CONTINUE and "Finish Later", and the access log of every view of a draft that
holds patient data."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.models import Case
from cases.wizard import steps
from cases.wizard.drafts import LOCKED_MESSAGE, DraftClosed, StepNotReachable, draft_for_view

IN_PROGRESS_URL = "cases:in-progress"
FINISH_LATER_FIELD = "finish_later"
FINISH_LATER_SAVED = (
    "Your request has been saved. Resume it from Certification Requests In Progress by the "
    "end of {last_day:%m/%d/%Y}, or it will expire."
)
FINISH_LATER_UNSAVED = (
    "Your request has been saved up to the last step you completed; what you entered on this "
    "page was not saved."
)

StepView = Callable[[HttpRequest, Case], HttpResponse]


def step_url(case: Case, step_name: str) -> str:
    return reverse(f"cases:wizard-{step_name}", kwargs={"public_id": case.public_id})


def wizard_step(step_name: str) -> Callable[[StepView], Callable[..., HttpResponse]]:
    """Decorate a step's view(request, case): the office's draft, open and with every step
    before this one complete, or a redirect (with a message) to where the user should be.
    The same answers cover the POST's services, which raise the same errors under the row
    lock."""

    def decorator(view: StepView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, public_id: UUID) -> HttpResponse:
            try:
                case = draft_for_view(user=request.user, public_id=public_id, step_name=step_name)
                return view(request, case)
            except Case.DoesNotExist as error:
                raise Http404("No such request.") from error
            except DraftClosed as closed:
                return _whole_page(request, closed_redirect(request, public_id, closed))
            except StepNotReachable as error:
                messages.info(request, error.message)
                return _whole_page(request, redirect(step_url_by_id(public_id, error.step)))

        return wrapper

    return decorator


def _whole_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An htmx request (a search answering in place) that must leave the step loads the new
    page whole, instead of swapping it into the small area the search fills."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(response["Location"])
    return response


def step_url_by_id(public_id: UUID, step: steps.Step | None) -> str:
    name = step.name if step else "clinical"
    return reverse(f"cases:wizard-{name}", kwargs={"public_id": public_id})


def closed_redirect(request: HttpRequest, public_id: UUID, closed: DraftClosed) -> HttpResponse:
    """An expired or submitted request goes back to the list; one past lock-in to its
    clinical information."""
    messages.warning(request, closed.message)
    if closed.message == LOCKED_MESSAGE:
        return redirect("cases:wizard-clinical", public_id=public_id)
    return redirect(IN_PROGRESS_URL)


def draft_view_record(request: HttpRequest, case: Case) -> None:
    """Every page of a draft that names its patient is a read of patient data."""
    if case.member_id:
        access_event_record(
            request=request,
            user=request.user,
            action=AccessEvent.Action.VIEW,
            subject_type=AccessEvent.SubjectType.CASE,
            subject_id=case.pk,
            member=case.member,
        )


def step_render(
    request: HttpRequest,
    case: Case,
    step_name: str,
    template: str,
    context: dict | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """A step's page with the side panel ("NN% Complete", Provider and NPI, Patient EDIT,
    Service EDIT, Site) and where BACK goes. Once the draft has its patient, every page of it
    shown (first view, or again with errors) is a read of patient data: logged here."""
    draft_view_record(request, case)
    step = steps.BY_NAME[step_name]
    previous = steps.previous_step(case, step_name)
    page = {
        "case": case,
        "step": step,
        "percent_complete": steps.percent_complete(case),
        "back_url": step_url(case, previous.name) if previous else reverse("cases:start"),
        "edit_patient_url": _edit_url(case, "patient"),
        "edit_service_url": _edit_url(case, "service"),
        "finish_later_field": FINISH_LATER_FIELD,
        **(context or {}),
    }
    return render(request, template, page, status=status)


def _edit_url(case: Case, step_name: str) -> str | None:
    if case.is_locked or not steps.is_reachable(case, step_name):
        return None
    return step_url(case, step_name)


def step_saved_redirect(request: HttpRequest, case: Case, step_name: str) -> HttpResponse:
    """After a step's valid POST: "Finish Later" goes to Certification Requests In Progress,
    CONTINUE to the first step not complete (the next one, or further on when a changed
    answer cleared nothing after it), or to the clinical information once locked in."""
    if FINISH_LATER_FIELD in request.POST:
        messages.success(request, FINISH_LATER_SAVED.format(last_day=case.last_day))
        return redirect(IN_PROGRESS_URL)
    following = steps.first_incomplete(case)
    if following is None:
        return redirect("cases:wizard-clinical", public_id=case.public_id)
    return redirect(step_url(case, following.name))


def finish_later_unsaved(request: HttpRequest) -> HttpResponse | None:
    """ "Finish Later" with input that does not pass: nothing of this page is saved (the draft
    stays whole) and the user goes to the list, told so. None when it was not Finish Later."""
    if FINISH_LATER_FIELD not in request.POST:
        return None
    messages.info(request, FINISH_LATER_UNSAVED)
    return redirect(IN_PROGRESS_URL)
