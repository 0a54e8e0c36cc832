"""Cases in Django admin, read-only: every change of a case goes through the cases services
(one function per transition, each with its status event), never through a form here."""

from django.contrib import admin

from accounts.models import AccessEvent
from accounts.services import access_event_record
from cases import (
    admin_letters,  # noqa: F401 -- registers the letters' admin (the queues)
    admin_pathways,  # noqa: F401 -- registers the pathway and question admins
)
from cases.models import Case, ProcedureLine, StatusEvent


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProcedureLineInline(ReadOnlyInline):
    model = ProcedureLine
    fields = ("position", "procedure_code", "quantity_requested", "quantity_approved", "modifiers")
    readonly_fields = fields


class StatusEventInline(ReadOnlyInline):
    model = StatusEvent
    fields = ("at", "from_status", "to_status", "by", "reason")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("public_id", "office", "program", "status", "created_at", "expires_at")
    list_filter = ("status", "program")
    list_select_related = ("office", "program")
    search_fields = ("=public_id", "office__name")
    search_help_text = "A case's id (exact) or an office's name."
    ordering = ("-created_at",)
    inlines = (ProcedureLineInline, StatusEventInline)
    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A case with its patient is patient data: the administrator's read is logged too.
        case = self.get_object(request, object_id)
        if case is not None and case.member_id:
            access_event_record(
                request=request,
                user=request.user,
                action=AccessEvent.Action.VIEW,
                subject_type=AccessEvent.SubjectType.CASE,
                subject_id=case.pk,
                member=case.member,
            )
        return super().change_view(request, object_id, form_url, extra_context)
