from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from two_factor.forms import MethodForm

from accounts.signin.messages import HIPAA_REQUIRED, INVALID_LOGIN


class PortalLoginForm(AuthenticationForm):
    """Portal Login: User ID, Password, "I agree to HIPAA Disclosure" (required) and
    "Remember User ID"."""

    hipaa_agreement = forms.BooleanField(
        label="I agree to HIPAA Disclosure",
        error_messages={"required": HIPAA_REQUIRED},
    )
    remember_user_id = forms.BooleanField(label="Remember User ID", required=False)

    error_messages = {**AuthenticationForm.error_messages, "invalid_login": INVALID_LOGIN}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "User ID"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["hipaa_agreement"].widget.attrs["aria-describedby"] = "hipaa-disclosure"

    def clean(self):
        # Without the agreement the password is not even checked: nothing is learnt about the
        # account and no failed attempt counts towards a lockout.
        if self.has_error("hipaa_agreement"):
            return self.cleaned_data
        return super().clean()


class ForgotUserIdForm(forms.Form):
    email = forms.EmailField(
        label="Email Address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PortalPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email Address"


class MfaMethodForm(MethodForm):
    """Setting Up Multi-Factor Authentication: how the PIN comes (e-mail first)."""

    LABELS = {"email": "Email", "sms": "SMS (text message)", "generator": "Authenticator app"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        method = self.fields["method"]
        method.label = "Choose how to receive your PIN"
        offered = dict(method.choices)
        method.choices = [(code, label) for code, label in self.LABELS.items() if code in offered]
        method.initial = method.choices[0][0]
