from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.practice.selectors import office_needs_providers
from cases.tracking.views import worklist_context
from eligibility.selectors import plan_contact_for, program_resources_for
from portal.forms import FindContactForm


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Home; an office user's has My Worklist (the office's submitted cases) under it."""
    context = {"needs_providers": office_needs_providers(request.user)}
    if request.user.office is not None:
        context |= worklist_context(request)
    return render(request, "portal/home.html", context)


@require_GET
def resources(request: HttpRequest) -> HttpResponse:
    """Find Contact Information (a plan and a solution give the phone and fax numbers) and the
    clinical guidelines and worksheets per program. Updated in place with htmx."""
    form = FindContactForm(request.GET or None)
    contact = None
    searched = form.is_valid()
    if searched:
        contact = plan_contact_for(
            health_plan_id=form.cleaned_data["health_plan"].pk,
            program_id=form.cleaned_data["program"].pk,
        )
    context = {"form": form, "contact": contact, "searched": searched}
    if request.htmx:
        return render(request, "portal/partials/contact_result.html", context)
    plan = form.cleaned_data.get("health_plan") if searched else None
    context["resources"] = program_resources_for(health_plan_id=plan.pk if plan else None)
    return render(request, "portal/resources.html", context)


@login_not_required
@require_GET
def help_contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html")


@login_not_required
@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@login_not_required
@require_GET
def terms_of_use(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/terms.html")
