"""The SMS gateway (TWO_FACTOR_SMS_GATEWAY): text messages become files in the local outbox
(EMAIL_FILE_PATH/sms/), shown at /outbox/. A deployment that texts real phones names its
provider's gateway in the setting instead."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def sms_text(token: str) -> str:
    minutes = settings.OTP_SMS_TOKEN_VALIDITY // 60
    return (
        f"Your {settings.PORTAL_NAME} verification PIN is {token}. It expires in {minutes} minutes."
    )


class OutboxGateway:
    """send_sms writes the text, with To/Subject/Date header lines, to EMAIL_FILE_PATH/sms/."""

    def send_sms(self, device, token: str) -> None:
        folder = getattr(settings, "EMAIL_FILE_PATH", None)
        if not folder:
            raise ImproperlyConfigured("The outbox SMS gateway needs EMAIL_FILE_PATH.")
        sms_folder = Path(folder) / "sms"
        sms_folder.mkdir(parents=True, exist_ok=True)
        now = datetime.now(tz=UTC)
        content = (
            f"To: {device.number.as_e164}\n"
            f"Subject: {settings.PORTAL_NAME} verification PIN\n"
            f"Date: {format_datetime(now)}\n"
            "\n"
            f"{sms_text(token)}\n"
        )
        name = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex}.txt"
        (sms_folder / name).write_text(content, encoding="utf-8")

    def make_call(self, device, token: str) -> None:
        raise NotImplementedError("The portal sends PINs by text message, not by phone call.")
