"""Development's local outbox: the e-mail (and SMS) the portal "sent", read from the files the
file e-mail backend writes to settings.EMAIL_FILE_PATH (SMS: its sms/ folder), so a newcomer
can follow a set-your-password link without a mail server. 404 unless OUTBOX_ENABLED."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# The file backend ends every message with a line of 79 dashes.
SEPARATOR = b"\n" + b"-" * 79 + b"\n"
SHOWN = 200
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class OutboxMessage:
    key: str
    kind: str
    subject: str
    to: str
    sent_at: datetime
    body: str


@dataclass(frozen=True)
class Segment:
    text: str
    href: str = ""


@login_not_required
@never_cache
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "OUTBOX_ENABLED", False):
        raise Http404
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    messages = outbox_messages(Path(folder)) if folder else []
    selected = None
    key = request.GET.get("message")
    if key is not None:
        # Only a key of a message listed here is ever opened: no path comes from the request.
        selected = next((message for message in messages if message.key == key), None)
        if selected is None:
            raise Http404
    context = {
        "messages_sent": messages[:SHOWN],
        "selected": selected,
        "lines": body_lines(selected.body, host=request.get_host()) if selected else [],
        "folder": folder,
    }
    return render(request, "portal/outbox.html", context)


def outbox_messages(folder: Path) -> list[OutboxMessage]:
    """Every e-mail and SMS in the outbox folder, newest first."""
    found: list[tuple[int, int, OutboxMessage]] = []
    for path in _files(folder):
        mtime = path.stat().st_mtime_ns
        for index, raw in enumerate(path.read_bytes().split(SEPARATOR)):
            if raw.strip():
                message = _parse(raw, key=f"e:{path.name}:{index}", kind="E-mail", mtime=mtime)
                found.append((mtime, index, message))
    for path in _files(folder / "sms"):
        mtime = path.stat().st_mtime_ns
        found.append(
            (mtime, 0, _parse(path.read_bytes(), key=f"s:{path.name}", kind="SMS", mtime=mtime))
        )
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [message for _mtime, _index, message in found]


def body_lines(text: str, *, host: str) -> list[list[Segment]]:
    """The message text line by line, each line in pieces: http(s) URLs that point at this site
    become links, the rest stays text (the template escapes all of it)."""
    return [_segments(line, host=host) for line in text.rstrip("\n").splitlines()]


def _segments(text: str, *, host: str) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?)]")
        end = match.start() + len(url)
        if urlsplit(url).netloc.lower() != host.lower():
            continue
        if match.start() > position:
            segments.append(Segment(text[position : match.start()]))
        segments.append(Segment(url, href=url))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [path for path in folder.iterdir() if path.is_file() and not path.is_symlink()]


def _parse(raw: bytes, *, key: str, kind: str, mtime: int) -> OutboxMessage:
    message: EmailMessage = email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
    sent_at = datetime.fromtimestamp(mtime / 1e9, tz=UTC)
    if message["Date"]:
        try:
            sent_at = parsedate_to_datetime(str(message["Date"]))
        except (TypeError, ValueError):
            pass
        else:
            # Django writes "-0000" (UTC, says RFC 5322), which Python reads as naive.
            if sent_at.tzinfo is None:
                sent_at = sent_at.replace(tzinfo=UTC)
    return OutboxMessage(
        key=key,
        kind=kind,
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sent_at=sent_at,
        body=_text(message),
    )


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        payload = message.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    try:
        return part.get_content()
    except (LookupError, KeyError):
        return part.get_payload(decode=True).decode("utf-8", "replace")
