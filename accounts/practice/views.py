"""Manage Your Account: the office, its providers, Add Practitioner, EDIT ACCOUNT."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.errors import AccountError
from accounts.models import Membership
from accounts.practice.forms import AddPractitionerForm, OfficeForm
from accounts.practice.selectors import (
    PROVIDER_SORTS,
    membership_for,
    office_providers_for,
    practitioner_matches,
)
from accounts.practice.services import (
    office_practitioner_add,
    office_practitioner_remove,
    office_update,
)
from eligibility.models import Practitioner

SORT_HEADINGS = [
    ("name", "Practitioner Name"),
    ("npi", "NPI"),
    ("city", "City"),
    ("state", "State"),
    ("zip", "Zip"),
]


@require_GET
def manage_account(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in PROVIDER_SORTS:
        sort = "name"
    return render(
        request,
        "accounts/practice/manage.html",
        {
            "membership": membership,
            "office": membership.office,
            "is_office_admin": membership.role == Membership.Role.OFFICE_ADMIN,
            "providers": office_providers_for(membership.office, sort=sort),
            "sort": sort,
            "sort_headings": SORT_HEADINGS,
        },
    )


@require_http_methods(["GET", "POST"])
def add_practitioner(request: HttpRequest) -> HttpResponse:
    """Find the practitioner by NPI, state and ZIP code, then ask "Is this the practitioner you
    would like to register?"."""
    membership = membership_for(request.user)
    form = AddPractitionerForm(request.POST or None)
    matches = None
    if request.method == "POST" and form.is_valid():
        matches = practitioner_matches(office=membership.office, **form.cleaned_data)
        if not matches:
            form.add_error(
                None,
                "No practitioner record matches this NPI, state and ZIP code. Check them "
                "against the practitioner's practice address.",
            )
            matches = None
        elif all(match.already_linked for match in matches):
            form.add_error("npi", "This practitioner is already on your account.")
            matches = None
    return render(
        request, "accounts/practice/add_practitioner.html", {"form": form, "matches": matches}
    )


@require_POST
def add_practitioner_confirm(request: HttpRequest) -> HttpResponse:
    """ADD THIS PRACTITIONER."""
    membership = membership_for(request.user)
    practitioner = get_object_or_404(Practitioner, pk=_int_or_404(request.POST.get("practitioner")))
    try:
        office_practitioner_add(
            office=membership.office, practitioner=practitioner, by=request.user
        )
    except AccountError as error:
        messages.error(request, error.message)
        return redirect("accounts:add-practitioner")
    request.session["added_practitioner"] = practitioner.pk
    return redirect("accounts:practitioner-added")


@require_GET
def practitioner_added(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    practitioner = membership.office.practitioners.filter(
        pk=request.session.get("added_practitioner")
    ).first()
    if practitioner is None:
        return redirect("accounts:manage")
    return render(request, "accounts/practice/added.html", {"practitioner": practitioner})


@require_POST
def remove_provider(request: HttpRequest, link_id: int) -> HttpResponse:
    membership = membership_for(request.user)
    try:
        practitioner = office_practitioner_remove(membership=membership, link_id=link_id)
    except AccountError as error:
        raise Http404(error.message) from error
    messages.success(request, f"{practitioner} was removed from your account.")
    return redirect("accounts:manage")


@require_http_methods(["GET", "POST"])
def edit_account(request: HttpRequest) -> HttpResponse:
    membership = membership_for(request.user)
    if membership.role != Membership.Role.OFFICE_ADMIN:
        raise Http404("Office administrators only")
    form = OfficeForm(request.POST or None, instance=membership.office)
    if request.method == "POST" and form.is_valid():
        office_update(membership=membership, changes=form.cleaned_data)
        messages.success(request, "Your account has been updated.")
        return redirect("accounts:manage")
    return render(request, "accounts/practice/edit_account.html", {"form": form})


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/practice/change_password.html"
    success_url = reverse_lazy("accounts:manage")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise Http404("Not a practitioner") from error
