import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django_otp.models import CooldownMixin, SideChannelDevice, ThrottlingMixin, TimestampMixin
from phonenumber_field.modelfields import PhoneNumberField
from two_factor.gateways import send_sms

from eligibility.us_states import US_STATES
from eligibility.validators import (
    validate_npi,
    validate_phone,
    validate_phone_ext,
    validate_tin,
    validate_zip_code,
)


class User(AbstractUser):
    """A person who signs in: office staff (through their office Membership), reviewers (a
    reviewer role) and portal administrators (staff users of Django admin)."""

    class ReviewerRole(models.TextChoices):
        NONE = "", "Not a reviewer"
        NURSE_REVIEWER = "nurse_reviewer", "Nurse reviewer"
        MEDICAL_DIRECTOR = "medical_director", "Medical director"

    reviewer_role = models.CharField(
        max_length=20, choices=ReviewerRole.choices, blank=True, default=ReviewerRole.NONE
    )
    # A reviewer's programs: the medical review queue shows their cases.
    review_programs = models.ManyToManyField(
        "eligibility.Program", blank=True, related_name="reviewers"
    )
    is_review_lead = models.BooleanField(
        "review queue lead",
        default=False,
        db_default=False,
        help_text="Warned of the cases of their programs due within 24 hours.",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # "Office.User" and "office.user" are the same User ID.
            models.UniqueConstraint(
                Lower("username"),
                name="user_unique_username_any_case",
                violation_error_message="A user with that username already exists.",
            ),
            # One account per e-mail address, whatever its case.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_unique_email"
            ),
        ]

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewer_role)

    @property
    def office(self) -> "Office | None":
        membership = getattr(self, "membership", None)
        return membership.office if membership else None


class Office(models.Model):
    """A practice's portal account: its users act for the practitioners linked to it."""

    class DefaultPortal(models.TextChoices):
        CARECORE = "carecore", "CareCore National"
        MEDSOLUTIONS = "medsolutions", "MedSolutions"

    name = models.CharField("office name", max_length=120)
    default_portal = models.CharField(
        max_length=16, choices=DefaultPortal.choices, default=DefaultPortal.CARECORE
    )
    address1 = models.CharField("address", max_length=120)
    address2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=10, validators=[validate_zip_code])
    phone = models.CharField(max_length=10, validators=[validate_phone])
    phone_ext = models.CharField("ext", max_length=8, blank=True, validators=[validate_phone_ext])
    fax = models.CharField(max_length=10, validators=[validate_phone])
    tax_id = models.CharField("Tax ID", max_length=10, blank=True, validators=[validate_tin])
    # The Individual NPI given at registration: who registered the office.
    registering_npi = models.CharField(
        "individual NPI", max_length=10, blank=True, validators=[validate_npi]
    )
    primary_contact = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    practitioners = models.ManyToManyField(
        "eligibility.Practitioner", through="OfficePractitioner", related_name="offices"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in an office. A user works for one office at most."""

    class Role(models.TextChoices):
        OFFICE_USER = "office_user", "Office user"
        OFFICE_ADMIN = "office_admin", "Office administrator"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OFFICE_USER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "user__username"]

    def __str__(self):
        return f"{self.user} · {self.office} ({self.get_role_display()})"


class OfficePractitioner(models.Model):
    """A practitioner the office may build cases for."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="practitioner_links")
    practitioner = models.ForeignKey(
        "eligibility.Practitioner", on_delete=models.PROTECT, related_name="office_links"
    )
    added_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practitioner__last_name", "practitioner__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "practitioner"], name="office_practitioner_unique"
            )
        ]

    def __str__(self):
        return f"{self.office} · {self.practitioner}"


class AccessEvent(models.Model):
    """One read of patient data: who, when, what and from where. Rows are never changed."""

    class Action(models.TextChoices):
        LOOKUP = "lookup", "Lookup"
        VIEW = "view", "View"
        LIST = "list", "List"
        PRINT = "print", "Print"
        DOWNLOAD = "download", "Download"
        EXPORT = "export", "Export"

    class SubjectType(models.TextChoices):
        MEMBER = "member", "Member"
        CASE = "case", "Case"
        LETTER = "letter", "Letter"
        UPLOAD = "upload", "Upload"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The user and the member are found through access_event_user and access_event_member (each
    # led by them): an index of their own would only be written, once more per event.
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="access_events", db_index=False
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    # What was read, and its primary key.
    subject_type = models.CharField(max_length=16, choices=SubjectType.choices)
    subject_id = models.CharField(max_length=64)
    member = models.ForeignKey(
        "eligibility.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
        db_index=False,
    )
    path = models.CharField(max_length=255)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["member", "-at"], name="access_event_member"),
            models.Index(fields=["user", "-at"], name="access_event_user"),
            models.Index(fields=["subject_type", "subject_id"], name="access_event_subject"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_event_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self):
        return f"{self.user} {self.action} {self.subject_type} {self.subject_id} at {self.at}"


class TermsAcceptance(models.Model):
    """A user accepted the User Access Agreement: which version, when and from where."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="terms_acceptances")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="terms_accepted_once")
        ]

    def __str__(self):
        return f"{self.user} accepted terms {self.version} at {self.accepted_at}"


class SmsDevice(TimestampMixin, CooldownMixin, ThrottlingMixin, SideChannelDevice):
    """MFA by text message: like django-otp's EmailDevice, a random 6-digit PIN, single use,
    valid OTP_SMS_TOKEN_VALIDITY seconds, a new one at most every OTP_SMS_COOLDOWN_DURATION
    seconds, sent through the TWO_FACTOR_SMS_GATEWAY. (django-two-factor-auth's PhoneDevice
    accepts a reusable 30-second TOTP for about three minutes instead.)"""

    number = PhoneNumberField(help_text="The mobile number PINs are texted to.")

    class Meta:
        verbose_name = "SMS device"

    def generate_challenge(self) -> bool:
        """Text a new PIN; False (nothing sent) while the cooldown since the last one runs."""
        allowed, _reason = self.generate_is_allowed()
        if not allowed:
            return False
        self.cooldown_set(commit=False)
        self.generate_token(valid_secs=settings.OTP_SMS_TOKEN_VALIDITY, commit=True)
        send_sms(device=self, token=self.token)
        return True

    def verify_token(self, token) -> bool:
        verify_allowed, _reason = self.verify_is_allowed()
        if not verify_allowed:
            return False
        verified = super().verify_token(token)
        if verified:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return verified

    def get_cooldown_duration(self) -> int:
        return settings.OTP_SMS_COOLDOWN_DURATION

    def get_throttle_factor(self) -> int:
        return settings.OTP_SMS_THROTTLE_FACTOR
