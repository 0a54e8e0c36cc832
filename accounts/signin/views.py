"""Portal Login, Forgot User ID?, Forgot Password?, the lockout page and the session keep-alive."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST
from two_factor import forms as two_factor_forms
from two_factor.plugins.email.forms import DeviceValidationForm as SinglePinValidationForm
from two_factor.views import core as two_factor_views

from accounts.signin import mfa, services
from accounts.signin.forms import (
    ForgotUserIdForm,
    MfaMethodForm,
    PortalLoginForm,
    PortalPasswordResetForm,
)
from accounts.signin.messages import (
    FORGOT_USER_ID_ANSWER,
    PIN_INVALID,
    PIN_REQUIRED,
    TOO_MANY_EMAIL_REQUESTS,
    lockout_message,
)
from portal.client_ip import client_ip

LOGIN_TEMPLATE = "accounts/login.html"
logger = logging.getLogger(__name__)


class PortalLoginView(two_factor_views.LoginView):
    """Portal Login, then "Verify your identity": django-two-factor-auth's wizard. Its first step
    is our PortalLoginForm (User ID, Password, HIPAA Disclosure, Remember User ID), authenticated
    with the request (django-axes counts the failures); a user with a device then enters the PIN
    it was sent (or their authenticator app shows). A user without one is signed in but not
    verified, and accounts.signin.mfa sends them to set one up. Log-in gives the session a new
    id."""

    form_list = (
        (two_factor_views.LoginView.AUTH_STEP, PortalLoginForm),
        (two_factor_views.LoginView.TOKEN_STEP, two_factor_forms.AuthenticationTokenForm),
        (two_factor_views.LoginView.BACKUP_STEP, two_factor_forms.BackupTokenForm),
    )
    redirect_authenticated_user = True

    def get_template_names(self):
        if self.steps.current == self.AUTH_STEP:
            return [LOGIN_TEMPLATE]
        return ["two_factor/core/login.html"]

    def get_form_prefix(self, step=None, form=None):
        # The first step's fields keep their plain names (username, password, ...): django-axes,
        # the lockout page and password managers read them.
        if (step or self.steps.current) == self.AUTH_STEP:
            return None
        return super().get_form_prefix(step, form)

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        if (step or self.steps.current) == self.TOKEN_STEP:
            form.fields["otp_token"].label = "Enter 6-digit code"
            form.fields["otp_token"].widget.attrs["inputmode"] = "numeric"
            if "remember" in form.fields:
                form.fields["remember"].label = "Remember this device for 30 days"
                form.fields["remember"].initial = False
            form.otp_error_messages = {
                **form.otp_error_messages,
                "token_required": PIN_REQUIRED,
                "invalid_token": PIN_INVALID,
            }
        return form

    def get_form_kwargs(self, step=None):
        kwargs = super().get_form_kwargs(step)
        if step == self.AUTH_STEP:
            # django-axes authenticates with the request.
            kwargs["request"] = self.request
        return kwargs

    def get_form_initial(self, step):
        if step == self.AUTH_STEP:
            remembered = self.request.COOKIES.get(settings.REMEMBER_USER_ID_COOKIE_NAME, "")
            if remembered:
                return {"username": remembered, "remember_user_id": True}
        return super().get_form_initial(step)

    def post(self, *args, **kwargs):
        # The login form posted on its own (no wizard step named) is the first step.
        step_field = f"{self.prefix}-current_step"
        if step_field not in self.request.POST:
            data = self.request.POST.copy()
            data[step_field] = self.AUTH_STEP
            self.request.POST = data
        return super().post(*args, **kwargs)

    def process_step(self, form):
        data = super().process_step(form)
        if self.steps.current == self.AUTH_STEP:
            self.storage.data[_REMEMBER_USER_ID] = bool(form.cleaned_data["remember_user_id"])
        return data

    def render(self, form=None, **kwargs):
        # "Verify your identity" shown afresh (not with a wrong PIN): a PIN is sent, unless one
        # went less than the cooldown ago ("Resend" too soon).
        if self.steps.current == self.TOKEN_STEP and not (form and form.is_bound):
            kwargs["pin_sent"] = mfa.pin_send(self.get_device())
        # Past two_factor's own render, which would send a PIN every time, with no wait.
        return super(two_factor_views.LoginView, self).render(form, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == self.TOKEN_STEP:
            context["sent_to"] = mfa.device_sent_to(context["device"])
            context["pin_channel"] = mfa.pin_channel(context["device"])
        context["next"] = self.get_redirect_url()
        return context

    def done(self, form_list, **kwargs):
        remember = self.storage.data.get(_REMEMBER_USER_ID, False)
        user = self.get_user()
        response = super().done(form_list, **kwargs)
        services.session_start(session=self.request.session, now=int(time.time()))
        if remember:
            remember_user_id(response, user.get_username())
        else:
            forget_user_id(response)
        # "Remember this device" is Secure whenever the session cookie is, as ours are.
        for key, morsel in response.cookies.items():
            if key.startswith(two_factor_views.REMEMBER_COOKIE_PREFIX):
                morsel["secure"] = settings.SESSION_COOKIE_SECURE
        return response


_REMEMBER_USER_ID = "portal_remember_user_id"


class PortalSetupView(two_factor_views.SetupView):
    """Setting Up Multi-Factor Authentication: Email, Text Message (SMS) or an authenticator
    app; the PIN sent (or shown by the app) proves the device, the session is then verified
    and the user lands on Home."""

    template_name = "two_factor/core/setup.html"
    success_url = "portal:home"
    qrcode_url = "two_factor:qr"
    form_list = (("method", MfaMethodForm),)

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        current = step or self.steps.current
        if current in ("validation", "generator"):
            form.fields["token"].label = "Enter 6-digit code"
            form.error_messages = {**form.error_messages, "invalid_token": PIN_INVALID}
        elif current == "sms":
            form.fields["number"].label = "Mobile number"
        elif current == "email":
            form.fields["email"].label = "Email Address"
        return form

    def get_form_list(self):
        form_list = super().get_form_list()
        # two_factor puts its own PIN form on "validation" for SMS; a side-channel PIN works
        # once, so the form must not be checked again when the wizard finishes.
        if "validation" in form_list:
            form_list["validation"] = SinglePinValidationForm
        return form_list

    def get_form_initial(self, step):
        if step == "email":
            return {"email": self.request.user.email}
        return super().get_form_initial(step)

    def post(self, *args, **kwargs):
        # "Resend" at "Verify your identity": a new PIN, unless one went less than a minute ago.
        if "resend_pin" in self.request.POST and self.steps.current == "validation":
            return self.render(self.get_form(), **self._pin_send())
        return super().post(*args, **kwargs)

    def render_next_step(self, form, **kwargs):
        # On to "Verify your identity": the PIN is sent (two_factor's own would ignore the
        # minute's wait between PINs).
        if self.steps.next == "validation":
            kwargs.update(self._pin_send())
        return super(two_factor_views.SetupView, self).render_next_step(form, **kwargs)

    def _pin_send(self) -> dict:
        try:
            return {"pin_sent": mfa.pin_send(self.get_device())}
        except Exception:
            logger.exception("Could not send an MFA PIN")
            return {"challenge_succeeded": False}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == "validation":
            context["sent_to"] = mfa.device_sent_to(context["device"])
            context["pin_channel"] = mfa.pin_channel(context["device"])
        return context


def remember_user_id(response: HttpResponse, user_id: str) -> None:
    """The User ID only, for a year; not readable by scripts; Secure whenever the session
    cookie is (production)."""
    response.set_cookie(
        settings.REMEMBER_USER_ID_COOKIE_NAME,
        user_id,
        max_age=settings.REMEMBER_USER_ID_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_user_id(response: HttpResponse) -> None:
    response.delete_cookie(settings.REMEMBER_USER_ID_COOKIE_NAME, samesite="Lax")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message and
    the User ID kept, answered 429 Too Many Requests."""
    form = PortalLoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "lockout_message": lockout_message(),
        "next": request.POST.get("next", ""),
    }
    return render(request, LOGIN_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


@login_not_required
@require_http_methods(["GET", "POST"])
def forgot_user_id(request: HttpRequest) -> HttpResponse:
    """Forgot User ID?: the same answer whether or not an account uses the address."""
    form = ForgotUserIdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not services.signin_email_request_allow(email=email, client_ip=client_ip(request)):
            form.add_error(None, TOO_MANY_EMAIL_REQUESTS)
            return render(
                request, "accounts/signin/forgot_user_id.html", {"form": form}, status=429
            )
        services.user_ids_send(email=email)
        messages.info(request, FORGOT_USER_ID_ANSWER)
        return redirect("accounts:login")
    return render(request, "accounts/signin/forgot_user_id.html", {"form": form})


class PortalPasswordResetView(auth_views.PasswordResetView):
    """Forgot Password?: Django's view, which answers the same whether or not an account uses
    the address (and sends nothing when none does), within the e-mail request limits."""

    form_class = PortalPasswordResetForm
    template_name = "accounts/signin/password_reset_form.html"
    email_template_name = "accounts/signin/password_reset_email.txt"
    subject_template_name = "accounts/signin/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    @property
    def extra_email_context(self):
        return {"portal_name": settings.PORTAL_NAME}

    def form_valid(self, form):
        if not services.signin_email_request_allow(
            email=form.cleaned_data["email"], client_ip=client_ip(self.request)
        ):
            form.add_error(None, TOO_MANY_EMAIL_REQUESTS)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PortalPasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/signin/password_reset_done.html"


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/signin/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    # A reset never signs the user in: they log in with the new password through Portal Login,
    # so the HIPAA Disclosure, the lockout and (when it is added) MFA still apply.
    post_reset_login = False


class PortalPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/signin/password_reset_complete.html"


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """Stay signed in: the idle limit counts from now. Only the user's click sends it; nothing
    calls it in the background. Too late, SessionTimeoutMiddleware has signed the user out and
    this view is not reached."""
    request.session_limits = services.session_touch(
        session=request.session, user=request.user, now=int(time.time()), force=True
    )
    return HttpResponse(status=204)
