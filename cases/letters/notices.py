"""The e-mail notice of a provider's letter: "the status of case N has changed" (or, for a P2P
confirmation, "a P2P confirmation letter for case N"), with a link to the case's Correspondence
page. It carries no patient data (no member, no date of birth, no codes, not even the new
status): the letter itself is read behind the portal's log-in."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from cases.models import Letter

NOTICE_SUBJECT = "{portal}: the status of case {case_number} has changed"
P2P_NOTICE_SUBJECT = "{portal}: a P2P confirmation letter for case {case_number}"


def portal_url() -> str:
    return settings.PORTAL_URL


def notice_link(letter: Letter) -> str:
    path = reverse("cases:correspondence", kwargs={"public_id": letter.case.public_id})
    return portal_url().rstrip("/") + path


def letter_notice_send(letter: Letter, *, now: dt.datetime) -> bool:
    """E-mail the case's contact that its status changed, once: the notice is claimed by a
    conditional update first (a retried or duplicated task finds it claimed and sends nothing)
    and released again if the mail server refuses it, so a retry sends it. Returns whether
    this call sent it."""
    case = letter.case
    if not case.contact_email:
        return False
    claimed = Letter.objects.filter(
        pk=letter.pk,
        delivery=Letter.Delivery.EMAIL_NOTICE,
        notice_sent_at__isnull=True,
    ).update(notice_sent_at=now)
    if not claimed:
        return False
    context = {
        "portal_name": settings.PORTAL_NAME,
        "support_phone": settings.PORTAL_SUPPORT_PHONE,
        "case_number": case.case_number,
        "link": notice_link(letter),
    }
    p2p = letter.kind == Letter.Kind.P2P_CONFIRMATION
    subject = P2P_NOTICE_SUBJECT if p2p else NOTICE_SUBJECT
    body = "p2p_scheduled.txt" if p2p else "status_changed.txt"
    try:
        send_mail(
            subject=subject.format(portal=settings.PORTAL_NAME, case_number=case.case_number),
            message=render_to_string(f"cases/letters/email/{body}", context),
            from_email=None,
            recipient_list=[case.contact_email],
        )
    except BaseException:
        Letter.objects.filter(pk=letter.pk, notice_sent_at=now).update(notice_sent_at=None)
        raise
    letter.notice_sent_at = now
    return True


__all__ = [
    "NOTICE_SUBJECT",
    "P2P_NOTICE_SUBJECT",
    "letter_notice_send",
    "notice_link",
    "portal_url",
]
