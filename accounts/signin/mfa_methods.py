"""The ways to receive a PIN offered at "Setting Up Multi-Factor Authentication", as
django-two-factor-auth methods: e-mail to an address the user types (the account's address
offered first) and SMS to a mobile number, both through single-use 10-minute PINs. The
authenticator app is two_factor's own GeneratorMethod."""

from __future__ import annotations

from django import forms
from django_otp.plugins.otp_email.models import EmailDevice
from phonenumber_field.formfields import PhoneNumberField
from two_factor.plugins.email.forms import DeviceValidationForm
from two_factor.plugins.email.utils import mask_email
from two_factor.plugins.registry import MethodBase, registry

from accounts.models import SmsDevice

NUMBER_INVALID = "Enter a valid mobile phone number, for example 615-555-0142."


class EmailAddressForm(forms.Form):
    email = forms.EmailField(label="Email Address", max_length=254)

    def __init__(self, **kwargs):
        kwargs.pop("device", None)
        super().__init__(**kwargs)


class MobileNumberForm(forms.Form):
    number = PhoneNumberField(
        label="Mobile number", region="US", error_messages={"invalid": NUMBER_INVALID}
    )

    def __init__(self, **kwargs):
        kwargs.pop("device", None)
        super().__init__(**kwargs)

    def clean_number(self) -> str:
        # The setup wizard keeps its data in the session, as JSON.
        return self.cleaned_data["number"].as_e164


def mask_number(device: SmsDevice) -> str:
    """ "***-***-0142": only the last four digits."""
    return f"***-***-{device.number.as_e164[-4:]}"


class _SetupDeviceMethod(MethodBase):
    """A method whose setup asks where PINs go, then the PIN sent there. The device is kept
    (unconfirmed) from the first PIN on, so the PIN can be checked on the next request;
    going back and changing the address or number updates that same device."""

    model: type
    setup_form: type[forms.Form]
    field: str

    def get_devices(self, user):
        return self.model.objects.devices_for_user(user, confirmed=True)

    def recognize_device(self, device):
        return isinstance(device, self.model)

    def get_setup_forms(self, wizard):
        return {self.code: self.setup_form, "validation": DeviceValidationForm}

    def get_device_from_setup_data(self, request, setup_data, **kwargs):
        destination = (setup_data or {}).get(self.code, {}).get(self.field)
        device = self.model.objects.devices_for_user(request.user).order_by(
            "-pk"
        ).first() or self.model(user=request.user, name="default", confirmed=False)
        if destination and str(getattr(device, self.field) or "") != destination:
            setattr(device, self.field, destination)
            # A new destination needs a new PIN, sent straight away.
            device.token = None
            device.last_generated_timestamp = None
            if device.pk:
                device.save()
        return device


class PortalEmailMethod(_SetupDeviceMethod):
    code = "email"
    verbose_name = "Email"
    model = EmailDevice
    setup_form = EmailAddressForm
    field = "email"

    def get_action(self, device):
        return f"Send email to {mask_email(device.email or device.user.email)}"

    def get_verbose_action(self, device):
        return "We sent you an email, please enter the PIN we sent."


class PortalSmsMethod(_SetupDeviceMethod):
    code = "sms"
    verbose_name = "SMS (text message)"
    model = SmsDevice
    setup_form = MobileNumberForm
    field = "number"

    def get_action(self, device):
        return f"Send text message to {mask_number(device)}"

    def get_verbose_action(self, device):
        return "We sent you a text message, please enter the PIN we sent."


def register() -> None:
    """Called once the apps are ready (accounts.apps)."""
    for method in (PortalEmailMethod(), PortalSmsMethod()):
        registry.unregister(method.code)
        registry.register(method)
