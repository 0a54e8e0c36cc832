"""Registration: Creating An Account, the User Access Agreement, colleagues invited by their
office administrator, and the e-mailed one-time link that sets a password."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import partial
from typing import Literal, TypedDict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership, Office, TermsAcceptance, User
from accounts.registration.errors import (
    EMAIL_TAKEN,
    LINK_INVALID,
    TERMS_REQUIRED,
    USERNAME_TAKEN,
    RegistrationError,
)
from accounts.registration.selectors import (
    email_is_taken,
    office_administered_by,
    terms_accepted,
    user_for_email,
    username_is_taken,
)
from accounts.registration.tokens import link_lifetime_words, password_set_token
from accounts.signin import ratelimit


class RegistrationData(TypedDict):
    """What the "Creating An Account" form collects: the office's own data, no patient data."""

    default_portal: str
    username: str
    email: str
    first_name: str
    last_name: str
    address1: str
    address2: str
    city: str
    state: str
    zip_code: str
    phone: str
    phone_ext: str
    fax: str
    office_name: str
    npi: str
    tax_id: str


LinkReason = Literal["registration", "invitation", "new_link", "password_reset"]

SUBJECTS: dict[str, str] = {
    "registration": "Set your password: your {portal} registration",
    "invitation": "You are invited to the {portal}",
    "new_link": "A new link to set your password for the {portal}",
    "password_reset": "Reset your password for the {portal}",
}


@transaction.atomic
def registration_complete(
    *, data: RegistrationData, ip_address: str | None, now: datetime, base_url: str
) -> User:
    """Creating An Account, on Submit of the User Access Agreement. In one transaction: the
    user (inactive, without a usable password until they set one from the e-mailed link), their
    office with them as primary contact and office administrator, and their acceptance of the
    current agreement. A User Name or e-mail taken in the meantime (by someone else, or by this
    person's own double submit) creates nothing. The e-mail goes out once the rows are committed."""
    user = _user_create(
        username=data["username"],
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        now=now,
    )
    office = Office.objects.create(
        name=data["office_name"],
        default_portal=data["default_portal"],
        address1=data["address1"],
        address2=data["address2"],
        city=data["city"],
        state=data["state"],
        zip_code=data["zip_code"],
        phone=data["phone"],
        phone_ext=data["phone_ext"],
        fax=data["fax"],
        tax_id=data["tax_id"],
        registering_npi=data["npi"],
        primary_contact=user,
    )
    Membership.objects.create(user=user, office=office, role=Membership.Role.OFFICE_ADMIN)
    TermsAcceptance.objects.create(
        user=user, version=settings.USER_ACCESS_AGREEMENT_VERSION, ip_address=ip_address
    )
    _link_send_on_commit(user=user, base_url=base_url, reason="registration")
    return user


def invitation_allow(*, office: Office) -> bool:
    """An office sends at most INVITATIONS_PER_OFFICE_PER_DAY invitations a day (each e-mails
    someone a link); every try counts."""
    return ratelimit.hit(
        scope="invite-office",
        value=str(office.pk),
        limit=settings.INVITATIONS_PER_OFFICE_PER_DAY,
        window_seconds=24 * 60 * 60,
    )


@transaction.atomic
def colleague_invite(
    *,
    office: Office,
    invited_by: User,
    email: str,
    first_name: str,
    last_name: str,
    username: str,
    base_url: str,
) -> User:
    """An office administrator invites a colleague: an inactive office user of the same office,
    who sets a password (and accepts the User Access Agreement) from the e-mailed link. Only an
    administrator of that office may invite; names are unique as at registration."""
    if office_administered_by(invited_by) != office:
        raise RegistrationError("Only an administrator of this office can invite colleagues.")
    user = _user_create(
        username=username, email=email, first_name=first_name, last_name=last_name, now=None
    )
    Membership.objects.create(user=user, office=office, role=Membership.Role.OFFICE_USER)
    _link_send_on_commit(
        user=user,
        base_url=base_url,
        reason="invitation",
        inviter_name=invited_by.get_full_name() or invited_by.get_username(),
        office_name=office.name,
    )
    return user


@transaction.atomic
def account_password_set(
    *, user: User, token: str, password: str, accept_terms: bool, ip_address: str | None
) -> User:
    """Password Maintenance from the e-mailed link. The link works once: it is checked again
    with the user's row locked, so two tabs cannot both use it, and setting the password ends
    it. A registered or invited user becomes active here; activating needs the current User
    Access Agreement accepted (an invited colleague accepts it on this page)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not password_set_token.check_token(user, token):
        raise RegistrationError(LINK_INVALID)
    version = settings.USER_ACCESS_AGREEMENT_VERSION
    if not user.is_active and not terms_accepted(user, version=version):
        if not accept_terms:
            raise RegistrationError(TERMS_REQUIRED, field="accept_terms")
        TermsAcceptance.objects.create(user=user, version=version, ip_address=ip_address)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    return user


def password_link_resend(*, email: str, base_url: str) -> None:
    """Send me a new link: a new set-your-password link to a user who has not set a password
    yet, a password-reset link to an active user, and nothing otherwise (no such address, or an
    account an administrator deactivated). The caller answers the same in every case, so the
    form cannot be used to learn whether an address has an account."""
    user = user_for_email(email)
    if user is None:
        return
    if user.is_active:
        reason: LinkReason = "password_reset"
    elif not user.has_usable_password():
        reason = "new_link"
    else:
        return
    password_link_send(user=user, base_url=base_url, reason=reason)


def password_link_send(
    *,
    user: User,
    base_url: str,
    reason: LinkReason,
    inviter_name: str = "",
    office_name: str = "",
) -> None:
    """E-mail the user a one-time link to Password Maintenance. Plain text, no patient data."""
    link_path = reverse(
        "accounts:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": password_set_token.make_token(user),
        },
    )
    site = base_url.rstrip("/")
    context = {
        "reason": reason,
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "first_name": user.first_name or user.get_username(),
        "username": user.get_username(),
        "link": site + link_path,
        "new_link_url": site + reverse("accounts:password-link-new"),
        "valid_for": link_lifetime_words(settings.PASSWORD_RESET_TIMEOUT),
        "inviter_name": inviter_name,
        "office_name": office_name,
    }
    send_mail(
        subject=SUBJECTS[reason].format(portal=settings.PORTAL_NAME),
        message=render_to_string("accounts/registration/email/set_password.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def _link_send_on_commit(*, user: User, base_url: str, reason: LinkReason, **context) -> None:
    # robust: the account exists whatever the mail server says; a failed send is logged and the
    # person can ask for a new link.
    transaction.on_commit(
        partial(password_link_send, user=user, base_url=base_url, reason=reason, **context),
        robust=True,
    )


def _user_create(
    *, username: str, email: str, first_name: str, last_name: str, now: datetime | None
) -> User:
    """A new inactive user without a usable password, once the names are checked free."""
    _names_lock(username=username, email=email)
    if username_is_taken(username):
        raise RegistrationError(USERNAME_TAKEN, field="username")
    if email_is_taken(email):
        raise RegistrationError(EMAIL_TAKEN, field="email")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
    )
    if now is not None:
        user.date_joined = now
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _name_taken_error(error) from error
    return user


def _names_lock(*, username: str, email: str) -> None:
    """Hold, until this transaction ends, a lock on the User Name and e-mail being claimed,
    whatever their case: the check above is then final among registrations and invitations
    (the username's own unique index is case-sensitive; the database constraints remain the
    last word against anything else)."""
    keys = sorted({_lock_key("username", username), _lock_key("email", email)})
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _lock_key(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"accounts.{kind}:{value.lower()}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _name_taken_error(error: IntegrityError) -> RegistrationError:
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""
    if constraint == "user_unique_email":
        return RegistrationError(EMAIL_TAKEN, field="email")
    if "username" in constraint:
        return RegistrationError(USERNAME_TAKEN, field="username")
    raise error
