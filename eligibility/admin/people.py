"""Admin for people and places: members and their coverage (every read of a member's data is
written to the access log), practitioners and their addresses, and sites of service. These are
the large tables; members, practitioners and sites can be imported from CSV files."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import QuerySet
from django.db.models.functions import Upper

from accounts.models import AccessEvent
from accounts.services import access_events_record_many
from eligibility import imports
from eligibility.admin.audit_fields import AUDIT_FIELDS
from eligibility.admin.csv_import import CsvImportAdminMixin, CsvImportForm, MemberCsvImportForm
from eligibility.models import (
    Coverage,
    HealthPlan,
    Member,
    Practitioner,
    PractitionerAddress,
    Site,
)
from eligibility.validators import validate_patient_id
from portal.admin_large_tables import LargeTableAdmin, upper_prefix

# --- PHI read from the admin goes to the access log -------------------------------------------


class MemberReadsLoggedMixin:
    """For admins whose pages show members' data: the changelist logs a LIST of the members on
    the page, the change page logs a VIEW of its member (one row per member, in one insert), as
    the portal's own screens do."""

    def member_of(self, obj) -> Member:
        raise NotImplementedError

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if request.method == "GET" and isinstance(changelist, ChangeList):
            # Evaluating the page here fills the queryset's cache: the template reuses it.
            members = {self.member_of(obj) for obj in changelist.result_list}
            access_events_record_many(
                request=request,
                user=request.user,
                members=sorted(members, key=lambda m: m.pk),
                action=AccessEvent.Action.LIST,
            )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            access_events_record_many(
                request=request,
                user=request.user,
                members=[self.member_of(obj)],
                action=AccessEvent.Action.VIEW,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- Members and their coverage -----------------------------------------------------------------


class CoverageForm(forms.ModelForm):
    class Meta:
        model = Coverage
        fields = ("line_of_business", "member_code", "effective_from", "effective_to")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", "The coverage ends before it begins.")
        return cleaned


class CoverageInline(admin.TabularInline):
    model = Coverage
    form = CoverageForm
    extra = 0


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = (
            "health_plan",
            "patient_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "phone",
            "address1",
            "address2",
            "city",
            "state",
            "zip_code",
        )

    def clean_patient_id(self):
        # Stored in capitals: the Eligibility Lookup compares patient IDs that way.
        patient_id = self.cleaned_data["patient_id"].strip().upper()
        validate_patient_id(patient_id)
        return patient_id


def members_matching(queryset: QuerySet, search_term: str, prefix: str = "") -> QuerySet:
    """Each word of the search is a patient ID (it has a digit) or the beginning of a last name.
    A patient ID is looked up plan by plan, so the (plan, patient ID) unique index answers it."""
    alias = f"{prefix.replace('__', '_')}last_name_upper"
    queryset = queryset.alias(**{alias: Upper(f"{prefix}last_name")})
    for term in search_term.split():
        if any(character.isdigit() for character in term):
            queryset = queryset.filter(
                **{
                    f"{prefix}patient_id": term.upper(),
                    f"{prefix}health_plan_id__in": HealthPlan.objects.values("pk"),
                }
            )
        else:
            queryset = queryset.filter(**upper_prefix(alias, term))
    return queryset


@admin.register(Member)
class MemberAdmin(MemberReadsLoggedMixin, CsvImportAdminMixin, LargeTableAdmin):
    form = MemberAdminForm
    list_display = (
        "patient_id",
        "last_name",
        "first_name",
        "date_of_birth",
        "health_plan",
        "city",
        "state",
    )
    list_filter = ("health_plan",)
    list_select_related = ("health_plan",)
    # Newest first by primary key; sorting a million rows by name on every page is not free.
    ordering = ("-pk",)
    sortable_by = ()
    search_fields = ("patient_id", "last_name")
    search_help_text = "A patient ID (exact), or the beginning of a last name."
    readonly_fields = AUDIT_FIELDS
    fieldsets = (
        (None, {"fields": ("health_plan", "patient_id")}),
        ("Person", {"fields": ("first_name", "last_name", "date_of_birth", "gender", "phone")}),
        ("Address", {"fields": ("address1", "address2", "city", "state", "zip_code")}),
        ("Record", {"fields": AUDIT_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (CoverageInline,)
    change_list_template = "admin/eligibility/member/change_list.html"
    import_columns = imports.MEMBER_COLUMNS
    import_form_class = MemberCsvImportForm

    def member_of(self, obj: Member) -> Member:
        return obj

    def get_search_results(self, request, queryset, search_term):
        return members_matching(queryset, search_term), False

    def run_import(self, form: CsvImportForm) -> imports.ImportReport:
        return imports.members_import(
            file=form.cleaned_data["file"], health_plan=form.cleaned_data["health_plan"]
        )


@admin.register(Coverage)
class CoverageAdmin(MemberReadsLoggedMixin, LargeTableAdmin):
    form = CoverageForm
    list_display = ("member", "line_of_business", "member_code", "effective_from", "effective_to")
    list_filter = ("line_of_business",)
    list_select_related = ("member", "line_of_business")
    ordering = ("-pk",)
    sortable_by = ()
    raw_id_fields = ("member",)
    search_fields = ("member__patient_id", "member__last_name")
    search_help_text = "The member's patient ID (exact), or the beginning of their last name."

    def get_fields(self, request, obj=None):
        return ("member", *CoverageForm.Meta.fields)

    def member_of(self, obj: Coverage) -> Member:
        return obj.member

    def get_search_results(self, request, queryset, search_term):
        return members_matching(queryset, search_term, prefix="member__"), False


# --- Practitioners and sites of service ---------------------------------------------------------


class PractitionerAddressInline(admin.TabularInline):
    model = PractitionerAddress
    fields = (
        "address1",
        "address2",
        "city",
        "state",
        "zip_code",
        "phone",
        "fax",
        "is_primary",
    )
    extra = 0


@admin.register(Practitioner)
class PractitionerAdmin(CsvImportAdminMixin, LargeTableAdmin):
    list_display = (
        "last_name",
        "first_name",
        "credentials",
        "npi",
        "specialty",
        "tin",
        "phone",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("=npi", "last_name__istartswith", "=tin")
    search_help_text = "An NPI or TIN (exact), or the beginning of a last name."
    readonly_fields = AUDIT_FIELDS
    fieldsets = (
        (None, {"fields": ("npi", "first_name", "last_name", "credentials", "specialty")}),
        ("Contact", {"fields": ("tin", "phone", "fax", "is_active")}),
        ("Record", {"fields": AUDIT_FIELDS, "classes": ("collapse",)}),
    )
    inlines = (PractitionerAddressInline,)
    change_list_template = "admin/eligibility/practitioner/change_list.html"
    import_columns = imports.PRACTITIONER_COLUMNS
    import_function = staticmethod(imports.practitioners_import)


@admin.register(PractitionerAddress)
class PractitionerAddressAdmin(LargeTableAdmin):
    list_display = ("__str__", "practitioner", "is_primary", "phone", "fax")
    list_filter = ("is_primary", "state")
    list_select_related = ("practitioner",)
    autocomplete_fields = ("practitioner",)
    search_fields = ("=practitioner__npi", "practitioner__last_name__istartswith", "=zip_code")
    search_help_text = "The practitioner's NPI, the beginning of their last name, or a ZIP code."


@admin.register(Site)
class SiteAdmin(CsvImportAdminMixin, LargeTableAdmin):
    list_display = (
        "name",
        "npi",
        "tin",
        "address1",
        "city",
        "state",
        "zip_code",
        "place_of_service",
        "is_active",
    )
    list_filter = ("place_of_service", "is_active", "state")
    search_fields = ("=npi", "=tin", "name", "=zip_code")
    search_help_text = "An NPI, TIN or ZIP code (exact), or words of the site's name."
    fieldsets = (
        (None, {"fields": ("name", "npi", "tin", "place_of_service", "is_active")}),
        ("Address", {"fields": ("address1", "address2", "city", "state", "zip_code")}),
        ("Contact", {"fields": ("phone", "fax")}),
    )
    change_list_template = "admin/eligibility/site/change_list.html"
    import_columns = imports.SITE_COLUMNS
    import_function = staticmethod(imports.sites_import)
