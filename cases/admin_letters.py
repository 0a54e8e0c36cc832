"""The letters in Django admin, for portal administrators: read-only (a letter is made once by
its task and never edited), with the two queues they work:

- the mail queue (member letters not mailed yet): "Print batch as one PDF", then "Mark mailed";
- the fax queue (provider letters of contacts without e-mail notices, not faxed yet): each
  letter opened from its page, then "Mark faxed".

Every letter opened or printed here is written to the access log. Importing this module
registers the admin (cases/admin.py imports it)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases.letters.services import (
    PRINT_BATCH_MAX,
    letters_mark_faxed,
    letters_mark_mailed,
    letters_pdf_merged,
)
from cases.letters.serving import letter_response
from cases.models import Letter
from portal.admin_large_tables import LargeTableAdmin
from portal.client_ip import client_ip

# A letter waits in a queue until it is mailed or faxed (a mail letter is never faxed and a fax
# letter never mailed, so both dates empty is the partial index letter_queue_waiting's rows).
WAITING = Q(
    delivery__in=(Letter.Delivery.MAIL, Letter.Delivery.FAX),
    faxed_at__isnull=True,
    mailed_at__isnull=True,
)


class WaitingFilter(admin.SimpleListFilter):
    title = "waiting"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return (("yes", "Waiting in the mail or fax queue"), ("no", "Not waiting"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(WAITING)
        if self.value() == "no":
            return queryset.exclude(WAITING)
        return queryset


class QueueFilter(admin.SimpleListFilter):
    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (("mail", "Mail queue (not mailed yet)"), ("fax", "Fax queue (not faxed yet)"))

    def queryset(self, request, queryset):
        if self.value() == "mail":
            return queryset.filter(WAITING, delivery=Letter.Delivery.MAIL)
        if self.value() == "fax":
            return queryset.filter(WAITING, delivery=Letter.Delivery.FAX)
        return queryset


def _fax_number(letter: Letter) -> str:
    case = letter.case
    address = case.practitioner_address
    return case.contact_fax or (address.fax if address else "")


@admin.register(Letter)
class LetterAdmin(LargeTableAdmin):
    list_display = (
        "created_at",
        "case_number",
        "kind",
        "recipient",
        "delivery",
        "send_to",
        "progress",
    )
    list_filter = (QueueFilter, WaitingFilter, "kind", "recipient", "delivery")
    list_select_related = ("case__practitioner_address",)
    search_fields = ("=case__case_number", "=case__authorization_number")
    search_help_text = "A case number or an authorization number (exact)."
    # The queues are worked oldest first.
    ordering = ("created_at", "pk")
    fields = (
        "case_link",
        "status_event",
        "kind",
        "recipient",
        "delivery",
        "send_to",
        "created_at",
        "sha256",
        "notice_sent_at",
        "faxed_at",
        "mailed_at",
        "pdf_link",
    )
    readonly_fields = fields
    actions = ("print_batch", "mark_mailed", "mark_faxed")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- Columns and fields ---------------------------------------------------------------------

    @admin.display(description="Case number", ordering="case__case_number")
    def case_number(self, letter: Letter) -> str:
        return letter.case.case_number or "—"

    @admin.display(description="Case")
    def case_link(self, letter: Letter) -> str:
        url = reverse("admin:cases_case_change", args=[letter.case_id])
        return format_html('<a href="{}">Case {}</a>', url, letter.case.case_number or "—")

    @admin.display(description="Send to")
    def send_to(self, letter: Letter) -> str:
        if letter.delivery == Letter.Delivery.FAX:
            return _fax_number(letter) or "No fax number on the case"
        if letter.delivery == Letter.Delivery.EMAIL_NOTICE:
            return letter.case.contact_email
        return "Member address"

    @admin.display(description="Progress")
    def progress(self, letter: Letter) -> str:
        moment = letter.mailed_at or letter.faxed_at or letter.notice_sent_at
        if letter.mailed_at:
            done = "Mailed"
        elif letter.faxed_at:
            done = "Faxed"
        elif letter.notice_sent_at:
            done = "E-mail notice sent"
        elif letter.delivery == Letter.Delivery.EMAIL_NOTICE:
            return "E-mail notice not sent yet"
        else:
            return "Waiting"
        return f"{done} {timezone.localtime(moment):%m/%d/%Y %I:%M %p}"

    @admin.display(description="PDF")
    def pdf_link(self, letter: Letter) -> str:
        url = reverse("admin:cases_letter_pdf", args=[letter.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Open the letter</a>', url)

    # --- Reads, logged --------------------------------------------------------------------------

    def get_urls(self):
        pdf = path(
            "<path:object_id>/pdf/",
            self.admin_site.admin_view(self.pdf_view),
            name="cases_letter_pdf",
        )
        return [pdf, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        letter = self.get_object(request, object_id)
        if letter is not None and self.has_view_permission(request, letter):
            _record(request, letter, AccessEvent.Action.VIEW)
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        letter = self.get_object(request, object_id)
        if letter is None or not self.has_view_permission(request, letter):
            raise Http404("No such letter.")
        return letter_response(request, letter)

    # --- The queues' actions --------------------------------------------------------------------

    @admin.action(description="Print batch as one PDF (mail queue letters)")
    def print_batch(self, request: HttpRequest, queryset: QuerySet[Letter]):
        letters = list(
            queryset.filter(delivery=Letter.Delivery.MAIL)
            .select_related("case__member")
            .order_by("created_at", "pk")[: PRINT_BATCH_MAX + 1]
        )
        if not letters:
            self.message_user(
                request, "Choose member letters of the mail queue to print.", messages.WARNING
            )
            return None
        if len(letters) > PRINT_BATCH_MAX:
            self.message_user(
                request,
                f"Print at most {PRINT_BATCH_MAX} letters at a time.",
                messages.ERROR,
            )
            return None
        try:
            pdf = letters_pdf_merged(letters)
        except FileNotFoundError:
            self.message_user(
                request, "A letter's file is missing: nothing was printed.", messages.ERROR
            )
            return None
        _record_many(request, letters, AccessEvent.Action.PRINT)
        response = HttpResponse(pdf, content_type="application/pdf")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=f"mail-batch-{stamp}-{len(letters)}-letters.pdf"
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Mark mailed")
    def mark_mailed(self, request: HttpRequest, queryset: QuerySet[Letter]):
        chosen = queryset.count()
        ids = letters_mark_mailed(letters=queryset, now=timezone.now())
        self._marked(request, chosen, ids, "mailed", "Marked mailed.")

    @admin.action(description="Mark faxed")
    def mark_faxed(self, request: HttpRequest, queryset: QuerySet[Letter]):
        chosen = queryset.count()
        ids = letters_mark_faxed(letters=queryset, now=timezone.now())
        self._marked(request, chosen, ids, "faxed", "Marked faxed.")

    def _marked(self, request, chosen: int, ids: list[int], done: str, change: str) -> None:
        if ids:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=Letter.objects.filter(pk__in=ids),
                action_flag=CHANGE,
                change_message=change,
            )
        # The selection counted before marking (a queue filter no longer lists what was marked).
        left = max(chosen - len(ids), 0)
        text = f"{len(ids)} letter{'s' if len(ids) != 1 else ''} marked {done}."
        if left:
            text += (
                f" {left} left as {'they were' if left != 1 else 'it was'}: not waiting to be "
                f"{done}."
            )
        self.message_user(request, text, messages.SUCCESS if ids else messages.WARNING)


def _record_many(request: HttpRequest, letters: list[Letter], action: str) -> None:
    """One access-log row per letter, all in one insert (a batch is up to PRINT_BATCH_MAX).
    accounts.services.access_events_record_many logs members, not letters."""
    path_logged, ip_address = request.path[:255], client_ip(request)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            user=request.user,
            action=action,
            subject_type=AccessEvent.SubjectType.LETTER,
            subject_id=str(letter.pk),
            member_id=letter.case.member_id,
            path=path_logged,
            ip_address=ip_address,
        )
        for letter in letters
    )


def _record(request: HttpRequest, letter: Letter, action: str) -> None:
    access_event_record(
        request=request,
        user=request.user,
        action=action,
        subject_type=AccessEvent.SubjectType.LETTER,
        subject_id=letter.pk,
        member=letter.case.member,
    )
