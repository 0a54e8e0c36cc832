"""Admin for the code sets: procedure codes (with CSV import) and ICD-10-CM diagnosis codes."""

from __future__ import annotations

from django.contrib import admin

from eligibility import imports
from eligibility.admin.csv_import import CsvImportAdminMixin
from eligibility.models import DiagnosisCode, ProcedureCode
from eligibility.selectors import diagnosis_codes_matching


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(CsvImportAdminMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "short_description", "is_active")
    list_filter = ("kind", "is_active", "programs")
    search_fields = ("code__istartswith", "short_description", "plain_description")
    search_help_text = "The beginning of a code (704), or words of its description."
    filter_horizontal = ("programs",)
    change_list_template = "admin/eligibility/procedurecode/change_list.html"
    import_columns = imports.PROCEDURE_CODE_COLUMNS
    import_function = staticmethod(imports.procedure_codes_import)


@admin.register(DiagnosisCode)
class DiagnosisCodeAdmin(admin.ModelAdmin):
    """ICD-10-CM: about 98,000 rows, searched by the index on the code (prefix) or the
    full-text index on the description, never by a scan."""

    list_display = ("code", "description", "is_billable")
    list_filter = ("is_billable",)
    search_fields = ("code", "description")
    search_help_text = "The beginning of a code (M25.5 or m255), or words of the description."
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        # The same codes the diagnosis lookup finds, billable or not, within the list's filters.
        return queryset & diagnosis_codes_matching(term), False
