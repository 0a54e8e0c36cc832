"""The determinations' letters: queued when a status change commits, rendered and stored once
per status event and recipient by a Celery task, then delivered.

- `letters_queue(event)` is the one entry point: every service that changes a case's status
  calls it inside its transaction; the task is sent only when that transaction commits (nothing
  for a rolled-back change), with the event's id only.
- `letters_render(status_event_id=...)` is what the task runs: one letter per recipient whose
  template exists for the event's kind, made once whatever retries or duplicate messages come
  (checked first; the unique constraint letter_once_per_event_recipient settles a race, and the
  loser's file is removed). A missing event (deleted, or a stale message meant for another
  database) is a no-op.
- Delivery: the provider's letter is under Correspondence at once; with "Receive notification
  of case status changes" and an e-mail address the contact gets an e-mail notice (no patient
  data), otherwise the letter waits in the fax queue. Member letters wait in the mail queue,
  which administrators work in admin (one PDF to print, then "Mark mailed").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable, Iterable
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cases.letters.notices import letter_notice_send
from cases.letters.rendering import letter_case_prefetches, letter_pdf_bytes, letter_recipients
from cases.letters.tasks import letters_render_task
from cases.models import Case, Determination, Letter, StatusEvent

logger = logging.getLogger(__name__)

# The letter of each status a determination (or a cancellation) leaves a case in. A status
# whose kind has no template yet makes no letter; a submission sent to medical review has none.
KIND_BY_STATUS = {
    Case.Status.APPROVED: Letter.Kind.APPROVAL,
    Case.Status.PARTIALLY_APPROVED: Letter.Kind.PARTIAL_APPROVAL,
    Case.Status.DENIED: Letter.Kind.DENIAL,
    Case.Status.HOLD: Letter.Kind.HOLD,
    Case.Status.CANCELLED: Letter.Kind.CANCELLATION,
}
# A message whose letters are still missing this long after its event is queued again
# (letters_missing_queue), looking back this far.
MISSING_AFTER = dt.timedelta(minutes=10)
MISSING_WITHIN = dt.timedelta(days=2)
# At most this many letters in one printed batch.
PRINT_BATCH_MAX = 500


def letter_kind_for(event: StatusEvent, kind: str | None = None) -> str | None:
    """The kind of the event's letters (`kind` overrides the status's, for outcomes that are
    not a status of their own: reconsideration, appeal, alternative recommendation), or None
    when it has no letter for anyone. Without `kind` (the sweep sends lost messages again
    without it) the event's determination tells those outcomes apart."""
    kind = kind or _determination_kind(event) or KIND_BY_STATUS.get(event.to_status)
    if kind is None or kind not in Letter.Kind.values or not letter_recipients(kind):
        return None
    return kind


def _determination_kind(event: StatusEvent) -> str | None:
    if event.pk is None:
        return None
    found = (
        Determination.objects.filter(status_event=event)
        .values_list("review_level", "outcome")
        .first()
    )
    if found is None:
        return None
    level, outcome = found
    if outcome == Determination.Outcome.ALTERNATIVE:
        return Letter.Kind.ALTERNATIVE
    if level in (Case.ReviewLevel.RECONSIDERATION, Case.ReviewLevel.APPEAL):
        return Letter.Kind(level)
    return None


def letters_queue(event: StatusEvent, *, kind: str | None = None) -> bool:
    """Queue the letters of a status change once its transaction commits: call it inside the
    transaction that wrote `event`. Returns whether the event has letters to make. A broker
    that cannot take the message is logged and does not undo the committed change
    (letters_missing_queue sends it again)."""
    if letter_kind_for(event, kind) is None:
        return False
    # The message carries ids only (and the kind when the caller chose one), never PHI.
    transaction.on_commit(partial(letters_render_task.delay, event.pk, kind), robust=True)
    return True


def provider_delivery(case: Case) -> str:
    """E-mail notice when the contact asked for notification and gave an address, else fax."""
    if case.notify_by_email and case.contact_email:
        return Letter.Delivery.EMAIL_NOTICE
    return Letter.Delivery.FAX


def _delivery(case: Case, recipient: str) -> str:
    if recipient == Letter.Recipient.MEMBER:
        return Letter.Delivery.MAIL
    return provider_delivery(case)


def _event_for_letters(status_event_id: int) -> StatusEvent | None:
    """The event and its case with everything its letters show."""
    return (
        StatusEvent.objects.select_related("case")
        .prefetch_related(*letter_case_prefetches("case__"))
        .filter(pk=status_event_id)
        .order_by()
        .first()
    )


def letters_render(
    *, status_event_id: int, kind: str | None = None, now: dt.datetime | None = None
) -> list[Letter]:
    """Render and store the letters of one status event, one per recipient, then send the
    provider's e-mail notice. Returns the letters this call made (none when they exist)."""
    event = _event_for_letters(status_event_id)
    if event is None:
        logger.info("Letters of status event %s: no such event, nothing to do", status_event_id)
        return []
    kind = letter_kind_for(event, kind)
    if kind is None:
        return []
    case = event.case
    made_before = set(Letter.objects.filter(status_event=event).values_list("recipient", flat=True))
    made = []
    for recipient in letter_recipients(kind):
        if recipient in made_before:
            continue
        if recipient == Letter.Recipient.MEMBER and case.member is None:
            continue
        pdf = letter_pdf_bytes(event, kind, recipient)
        letter = Letter(
            case=case,
            status_event=event,
            kind=kind,
            recipient=recipient,
            delivery=_delivery(case, recipient),
            sha256=hashlib.sha256(pdf).hexdigest(),
        )
        if letter_store(letter, pdf) is not None:
            made.append(letter)
    now = now or timezone.now()
    waiting = Letter.objects.filter(
        status_event=event,
        delivery=Letter.Delivery.EMAIL_NOTICE,
        notice_sent_at__isnull=True,
    ).select_related("case")
    for letter in waiting:
        letter_notice_send(letter, now=now)
    return made


def letter_store(
    letter: Letter, pdf: bytes, *, attach: Callable[[Letter], bool] | None = None
) -> Letter | None:
    """Write the PDF under a random name in the private media storage, then the row. The
    storage I/O stays outside the transaction. When another run made this event's letter for
    this recipient first, the file just written is removed and None is returned. `attach`
    links the saved letter to what it is about in the same transaction; when it answers False
    (another run's letter was linked first) nothing is kept and None is returned."""
    letter.file.save("letter.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            letter.save()
            if attach is not None and not attach(letter):
                raise _MadeElsewhere
    except _MadeElsewhere:
        letter.file.storage.delete(letter.file.name)
        return None
    except IntegrityError:
        letter.file.storage.delete(letter.file.name)
        made = (
            letter.status_event_id is not None
            and Letter.objects.filter(
                status_event_id=letter.status_event_id, recipient=letter.recipient
            ).exists()
        )
        if made:
            return None
        raise
    except BaseException:
        letter.file.storage.delete(letter.file.name)
        raise
    return letter


class _MadeElsewhere(Exception):
    """Rolls back a letter whose subject got another run's letter first."""


def letters_missing_queue(*, now: dt.datetime) -> int:
    """Send again the letters' task of recent status events that have a letter kind and lack
    the letter of any of its recipients (a broker that was down when their change committed, a
    worker that stopped between two letters). The task makes nothing twice, so an event whose
    message is only late is harmless. Returns how many were queued."""
    lacking = Q()
    for status, kind in KIND_BY_STATUS.items():
        recipients = letter_recipients(kind)
        if not recipients:
            continue
        any_missing = Q()
        for recipient in recipients:
            made = Letter.objects.filter(status_event=OuterRef("pk"), recipient=recipient)
            any_missing |= ~Exists(made)
        lacking |= Q(to_status=status) & any_missing
    if not lacking:
        return 0
    missing = StatusEvent.objects.filter(
        lacking, at__gte=now - MISSING_WITHIN, at__lt=now - MISSING_AFTER
    ).values_list("pk", flat=True)
    queued = 0
    for event_id in missing.iterator():
        letters_render_task.delay(event_id, None)
        queued += 1
    return queued


# --- The queues, worked in admin ----------------------------------------------------------------


def mail_queue() -> QuerySet[Letter]:
    """Member letters waiting to be printed and mailed, oldest first."""
    return Letter.objects.filter(delivery=Letter.Delivery.MAIL, mailed_at__isnull=True).order_by(
        "created_at", "pk"
    )


def fax_queue() -> QuerySet[Letter]:
    """Provider letters waiting to be faxed, oldest first."""
    return Letter.objects.filter(delivery=Letter.Delivery.FAX, faxed_at__isnull=True).order_by(
        "created_at", "pk"
    )


def letters_mark_mailed(*, letters: QuerySet[Letter], now: dt.datetime) -> list[int]:
    """Mark the mail queue's letters among `letters` mailed (others are left as they are).
    Returns the ids of the letters marked."""
    return _mark(letters.filter(delivery=Letter.Delivery.MAIL), "mailed_at", now)


def letters_mark_faxed(*, letters: QuerySet[Letter], now: dt.datetime) -> list[int]:
    """Mark the fax queue's letters among `letters` faxed. Returns the ids marked."""
    return _mark(letters.filter(delivery=Letter.Delivery.FAX), "faxed_at", now)


def _mark(letters: QuerySet[Letter], field: str, now: dt.datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            letters.filter(**{f"{field}__isnull": True})
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Letter.objects.filter(pk__in=ids).update(**{field: now})
    return ids


def letters_pdf_merged(letters: Iterable[Letter]) -> bytes:
    """The letters' PDFs one after the other in one PDF, to print as one batch."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for letter in letters:
        with letter.file.open("rb") as content:
            writer.append(io.BytesIO(content.read()))
    output = io.BytesIO()
    writer.write(output)
    writer.close()
    return output.getvalue()


__all__ = [
    "KIND_BY_STATUS",
    "PRINT_BATCH_MAX",
    "fax_queue",
    "letter_kind_for",
    "letter_store",
    "letters_mark_faxed",
    "letters_mark_mailed",
    "letters_missing_queue",
    "letters_pdf_merged",
    "letters_queue",
    "letters_render",
    "mail_queue",
    "provider_delivery",
]
