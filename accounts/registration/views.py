"""Creating An Account (form, review, User Access Agreement, done), Password Maintenance from
the e-mailed link, a new link, and colleagues invited by their office administrator."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Office
from accounts.registration.errors import LINK_INVALID, TOO_MANY_INVITATIONS, RegistrationError
from accounts.registration.forms import (
    InviteForm,
    PasswordLinkForm,
    PasswordSetForm,
    RegistrationForm,
    TermsForm,
    password_min_length,
)
from accounts.registration.selectors import (
    office_administered_by,
    office_members,
    terms_accepted,
    user_for_uidb64,
)
from accounts.registration.services import (
    RegistrationData,
    account_password_set,
    colleague_invite,
    invitation_allow,
    password_link_resend,
    registration_complete,
)
from accounts.registration.tokens import link_lifetime_words, password_set_token
from accounts.signin.messages import TOO_MANY_EMAIL_REQUESTS
from accounts.signin.services import signin_email_request_allow
from eligibility.us_states import US_STATES
from portal.client_ip import client_ip

# The form's cleaned data between the steps: the office's own details, no patient data.
SESSION_DATA = "registration_data"
SESSION_DONE = "registration_done"
# As Django's password reset does: the link's token moves to the session, out of the URL.
SESSION_TOKEN = "_password_set_token"  # noqa: S105 (a session key, not a secret)
URL_TOKEN = "set-password"  # noqa: S105 (the URL's stand-in for the token)

LINK_SENT = (
    "If that email address belongs to an account, a new link has been sent to it. "
    "Check your inbox (and your spam or junk folder)."
)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _registration_data(request: HttpRequest) -> RegistrationData | None:
    """The form's data kept between the steps, or None (never filled in, or already used)."""
    data = request.session.get(SESSION_DATA)
    if isinstance(data, dict) and set(data) == set(RegistrationData.__annotations__):
        return RegistrationData(**data)
    return None


def _posted(request: HttpRequest):
    # An empty POST is still a POST: its form is bound, so it says what is missing.
    return request.POST if request.method == "POST" else None


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Creating An Account: Web Portal Preference and User Information."""
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            request.session[SESSION_DATA] = form.registration_data()
            return redirect("accounts:register-review")
    else:
        form = RegistrationForm(initial=RegistrationForm.initial_from(_registration_data(request)))
    return render(request, "accounts/registration/form.html", {"form": form})


@login_not_required
@never_cache
@require_GET
def register_review(request: HttpRequest) -> HttpResponse:
    data = _registration_data(request)
    if data is None:
        return redirect("accounts:register")
    context = {
        "data": data,
        "default_portal": Office.DefaultPortal(data["default_portal"]).label,
        "state": dict(US_STATES)[data["state"]],
    }
    return render(request, "accounts/registration/review.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def register_terms(request: HttpRequest) -> HttpResponse:
    """User Access Agreement; Submit creates the account."""
    data = _registration_data(request)
    if data is None:
        return redirect("accounts:register")
    form = TermsForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            registration_complete(
                data=data,
                ip_address=client_ip(request),
                now=timezone.now(),
                base_url=_base_url(request),
            )
        except RegistrationError as error:
            # Taken since the form was filled in: back to the form, which keeps everything.
            messages.error(request, error.message)
            return redirect("accounts:register")
        request.session.pop(SESSION_DATA, None)
        request.session[SESSION_DONE] = True
        return redirect("accounts:register-done")
    return render(request, "accounts/registration/terms.html", {"form": form})


@login_not_required
@never_cache
@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SESSION_DONE):
        return redirect("accounts:register")
    return render(request, "accounts/registration/done.html")


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Password Maintenance, from the e-mailed link."""
    user = user_for_uidb64(uidb64)
    if token != URL_TOKEN:
        if user is not None and password_set_token.check_token(user, token):
            request.session[SESSION_TOKEN] = token
            return redirect("accounts:password-set", uidb64=uidb64, token=URL_TOKEN)
        return _link_invalid(request)
    token = request.session.get(SESSION_TOKEN, "")
    if user is None or not password_set_token.check_token(user, token):
        return _link_invalid(request)

    version = settings.USER_ACCESS_AGREEMENT_VERSION
    needs_terms = not user.is_active and not terms_accepted(user, version=version)
    form = PasswordSetForm(user, _posted(request), needs_terms=needs_terms)
    if request.method == "POST" and form.is_valid():
        try:
            account_password_set(
                user=user,
                token=token,
                password=form.cleaned_data["new_password1"],
                accept_terms=form.cleaned_data.get("accept_terms", False),
                ip_address=client_ip(request),
            )
        except RegistrationError as error:
            if error.field is None:
                return _link_invalid(request)
            form.add_error(error.field, error.message)
        else:
            request.session.pop(SESSION_TOKEN, None)
            messages.success(request, "Your password has been set. Please log in.")
            return redirect("accounts:login")
    context = {"form": form, "needs_terms": needs_terms, "min_length": password_min_length()}
    return render(request, "accounts/registration/password_set.html", context)


def _link_invalid(request: HttpRequest) -> HttpResponse:
    context = {
        "message": LINK_INVALID,
        "form": PasswordLinkForm(),
        "valid_for": link_lifetime_words(settings.PASSWORD_RESET_TIMEOUT),
    }
    return render(request, "accounts/registration/link_invalid.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_link_new(request: HttpRequest) -> HttpResponse:
    """Send me a new link: the same answer whether or not the address has an account."""
    form = PasswordLinkForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # The same hourly allowance as Forgot User ID? / Forgot Password?: it sends e-mail too.
        if signin_email_request_allow(email=email, client_ip=client_ip(request)):
            password_link_resend(email=email, base_url=_base_url(request))
            messages.info(request, LINK_SENT)
            return redirect("accounts:password-link-new")
        form.add_error(None, TOO_MANY_EMAIL_REQUESTS)
    context = {"form": form, "valid_for": link_lifetime_words(settings.PASSWORD_RESET_TIMEOUT)}
    return render(request, "accounts/registration/link_new.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    """An office administrator invites a colleague; anyone else gets 404."""
    office = office_administered_by(request.user)
    if office is None:
        raise Http404
    form = InviteForm(_posted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        if not invitation_allow(office=office):
            form.add_error(None, TOO_MANY_INVITATIONS)
            status = 429
        else:
            return _invitation_send(request, form, office)
    context = {"form": form, "office": office, "members": office_members(office)}
    return render(request, "accounts/registration/invite.html", context, status=status)


def _invitation_send(request: HttpRequest, form: InviteForm, office: Office) -> HttpResponse:
    try:
        user = colleague_invite(
            office=office,
            invited_by=request.user,
            base_url=_base_url(request),
            **form.cleaned_data,
        )
    except RegistrationError as error:
        form.add_error(error.field, error.message)
        context = {"form": form, "office": office, "members": office_members(office)}
        return render(request, "accounts/registration/invite.html", context)
    messages.success(
        request,
        f"An invitation has been sent to {user.email}. {user.get_full_name()} will "
        "be able to log in once they have set a password from its link.",
    )
    return redirect("accounts:invite")
