"""The "Import CSV" page next to a changelist: the upload form, and the admin mixin that adds
the page and runs the import service on the uploaded file."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from eligibility.imports import Column, ImportReport, reader
from eligibility.models import HealthPlan


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"A UTF-8 CSV file with a header line, up to {reader.MAX_IMPORT_MEGABYTES} MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty. Upload a CSV file with a header line.",
        },
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > reader.MAX_IMPORT_BYTES:
            raise ValidationError(
                f"This file is {file.size / (1024 * 1024):.1f} MB; files up to "
                f"{reader.MAX_IMPORT_MEGABYTES} MB can be imported. Split it into smaller files."
            )
        return file


class MemberCsvImportForm(CsvImportForm):
    health_plan = forms.ModelChoiceField(
        label="Health plan",
        queryset=HealthPlan.objects.order_by("name"),
        help_text="The plan whose members the file lists.",
        error_messages={"required": "Choose the health plan whose members the file lists."},
    )
    field_order = ["health_plan", "file"]


class CsvImportAdminMixin:
    """An "Import CSV" page next to the changelist, for people who may add and change rows."""

    import_columns: tuple[Column, ...] = ()
    import_form_class: type[CsvImportForm] = CsvImportForm
    import_function: Callable[..., ImportReport]

    def run_import(self, form: CsvImportForm) -> ImportReport:
        return self.import_function(file=form.cleaned_data["file"])

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import_csv"
        return [
            path("import-csv/", self.admin_site.admin_view(self.import_csv_view), name=name),
            *super().get_urls(),
        ]

    def may_import_csv(self, request: HttpRequest) -> bool:
        # Importing both adds new rows and rewrites existing ones.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_csv": self.may_import_csv(request)}
        return super().changelist_view(request, extra_context)

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.may_import_csv(request):
            raise PermissionDenied
        if request.method not in ("GET", "POST"):
            return HttpResponse(status=405, headers={"Allow": "GET, POST"})
        report = None
        if request.method == "POST":
            form = self.import_form_class(request.POST, request.FILES)
            if form.is_valid():
                report = self.run_import(form)
        else:
            form = self.import_form_class()
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import {opts.verbose_name_plural} from a CSV file",
            "opts": opts,
            "app_label": opts.app_label,
            "has_view_permission": self.has_view_permission(request),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "form": form,
            "columns": self.import_columns,
            "max_megabytes": reader.MAX_IMPORT_MEGABYTES,
            "report": report,
        }
        return TemplateResponse(request, "admin/eligibility/import_csv.html", context)
