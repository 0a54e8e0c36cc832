"""Portal Login, Forgot User ID?, Forgot Password?, the lockout page and the session keep-alive."""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.signin import services
from accounts.signin.forms import ForgotUserIdForm, PortalLoginForm, PortalPasswordResetForm
from accounts.signin.messages import (
    FORGOT_USER_ID_ANSWER,
    TOO_MANY_EMAIL_REQUESTS,
    lockout_message,
)

LOGIN_TEMPLATE = "accounts/login.html"


class PortalLoginView(auth_views.LoginView):
    """Portal Login. Django's view: it authenticates with the request (django-axes counts the
    failures by User ID and address) and gives the session a new id at log-in."""

    template_name = LOGIN_TEMPLATE
    authentication_form = PortalLoginForm
    redirect_authenticated_user = True

    def get_initial(self):
        remembered = self.request.COOKIES.get(settings.REMEMBER_USER_ID_COOKIE_NAME, "")
        if remembered:
            return {"username": remembered, "remember_user_id": True}
        return {}

    def form_valid(self, form):
        response = super().form_valid(form)
        services.session_start(session=self.request.session, now=int(time.time()))
        if form.cleaned_data["remember_user_id"]:
            remember_user_id(response, form.get_user().get_username())
        else:
            forget_user_id(response)
        return response


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
        if not services.signin_email_request_allow(
            email=email, client_ip=get_client_ip_address(request)
        ):
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
            email=form.cleaned_data["email"], client_ip=get_client_ip_address(self.request)
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
