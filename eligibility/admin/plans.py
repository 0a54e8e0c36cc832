"""Admin for health plans and what they delegate: lines of business, programs and their
resources, delegations with their eligibility messages and prior-authorization rules, plan
contacts and closure dates."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from eligibility.admin.audit_fields import AUDIT_FIELDS
from eligibility.models import (
    ClosureDate,
    Delegation,
    EligibilityMessage,
    HealthPlan,
    LineOfBusiness,
    PlanContact,
    PriorAuthRule,
    Program,
    ProgramResource,
)


def _spans_overlap(first, second) -> bool:
    (start_a, end_a), (start_b, end_b) = first, second
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


class DelegationInlineFormSet(BaseInlineFormSet):
    """Delegation.clean() compares a row with the rows already saved; two new rows of the same
    form (a plan being added) are compared with each other here."""

    def clean(self):
        super().clean()
        seen: dict[tuple[int, int], list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            program, line_of_business = data.get("program"), data.get("line_of_business")
            start = data.get("effective_from")
            if not (program and line_of_business and start):
                continue
            span = (start, data.get("effective_to"))
            key = (program.pk, line_of_business.pk)
            if any(_spans_overlap(span, other) for other in seen.get(key, [])):
                raise ValidationError(
                    f"Two rows delegate {program} for {line_of_business} on overlapping dates."
                )
            seen.setdefault(key, []).append(span)


class DelegationInline(admin.TabularInline):
    model = Delegation
    formset = DelegationInlineFormSet
    fields = (
        "program",
        "line_of_business",
        "effective_from",
        "effective_to",
        "validity_days",
        "standard_decision_days",
        "urgent_decision_hours",
        "reconsideration_allowed",
        "p2p_allowed",
    )
    extra = 0
    show_change_link = True


class PlanContactInline(admin.TabularInline):
    model = PlanContact
    fields = ("program", "phone", "fax", "hours", "note")
    extra = 0


@admin.register(HealthPlan)
class HealthPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "updated_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    readonly_fields = AUDIT_FIELDS
    fields = ("name", "is_active", *AUDIT_FIELDS)
    inlines = (DelegationInline, PlanContactInline)


@admin.register(LineOfBusiness)
class LineOfBusinessAdmin(admin.ModelAdmin):
    list_display = ("name", "kind")
    search_fields = ("name",)


# Guideline links are https; Django 5.2 would otherwise assume http for a typed "www.…".
_HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ProgramResourceInline(admin.TabularInline):
    model = ProgramResource
    formfield_overrides = _HTTPS_URLS
    fields = ("kind", "title", "url", "health_plan")
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "display_order", "offers_follow_on_cases", "is_equipment")
    list_editable = ("display_order",)
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = (ProgramResourceInline,)


class EligibilityMessageInline(admin.TabularInline):
    model = EligibilityMessage
    fields = ("service", "message", "position")
    extra = 0


class PriorAuthRuleInline(admin.TabularInline):
    model = PriorAuthRule
    fields = ("procedure_code", "requires_prior_authorization")
    autocomplete_fields = ("procedure_code",)
    extra = 0


_DELEGATION_RELATED = ("health_plan", "program", "line_of_business")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = (
        "health_plan",
        "program",
        "line_of_business",
        "effective_from",
        "effective_to",
        "validity_days",
        "standard_decision_days",
        "urgent_decision_hours",
        "reconsideration_allowed",
        "p2p_allowed",
    )
    list_filter = ("health_plan", "program", "line_of_business", "reconsideration_allowed")
    list_select_related = _DELEGATION_RELATED
    search_fields = ("health_plan__name", "program__name", "line_of_business__name")
    date_hierarchy = "effective_from"
    readonly_fields = AUDIT_FIELDS
    fieldsets = (
        (None, {"fields": (*_DELEGATION_RELATED, "effective_from", "effective_to")}),
        (
            "Rules",
            {
                "fields": (
                    "validity_days",
                    ("standard_decision_days", "decision_days_are_business_days"),
                    "urgent_decision_hours",
                    "retrospective_window_days",
                    "reconsideration_allowed",
                    "p2p_allowed",
                    "appeal_window_days",
                    "appeal_instructions",
                )
            },
        ),
        ("Record", {"fields": AUDIT_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (EligibilityMessageInline, PriorAuthRuleInline)

    def get_queryset(self, request):
        # Its name (in autocomplete answers too) reads the plan, program and line of business.
        return super().get_queryset(request).select_related(*_DELEGATION_RELATED)


_BY_DELEGATION = (
    "delegation__health_plan",
    "delegation__program",
    "delegation__line_of_business",
)


@admin.register(EligibilityMessage)
class EligibilityMessageAdmin(admin.ModelAdmin):
    list_display = ("service", "message", "delegation", "position")
    list_filter = _BY_DELEGATION
    list_select_related = _BY_DELEGATION
    search_fields = ("service", "message", "delegation__health_plan__name")
    autocomplete_fields = ("delegation",)


@admin.register(PriorAuthRule)
class PriorAuthRuleAdmin(admin.ModelAdmin):
    list_display = ("procedure_code", "delegation", "requires_prior_authorization")
    list_filter = ("requires_prior_authorization", *_BY_DELEGATION)
    list_select_related = ("procedure_code", *_BY_DELEGATION)
    search_fields = ("procedure_code__code__istartswith", "procedure_code__short_description")
    autocomplete_fields = ("delegation", "procedure_code")


@admin.register(PlanContact)
class PlanContactAdmin(admin.ModelAdmin):
    list_display = ("health_plan", "program", "phone", "fax", "hours")
    list_filter = ("health_plan", "program")
    list_select_related = ("health_plan", "program")
    search_fields = ("health_plan__name", "program__name", "phone", "fax")


@admin.register(ProgramResource)
class ProgramResourceAdmin(admin.ModelAdmin):
    formfield_overrides = _HTTPS_URLS
    list_display = ("title", "kind", "program", "health_plan")
    list_filter = ("kind", "program", "health_plan")
    list_select_related = ("program", "health_plan")
    search_fields = ("title", "url")


@admin.register(ClosureDate)
class ClosureDateAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)
