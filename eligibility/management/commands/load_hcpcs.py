"""Load HCPCS Level II procedure codes from a CMS alpha-numeric (ANWEB) file."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from eligibility.codesets.hcpcs import hcpcs_load

SAMPLE = Path(apps.get_app_config("eligibility").path) / "fixtures" / "hcpcs_sample.txt"


class Command(BaseCommand):
    help = "Load (or refresh) HCPCS Level II codes from a CMS ANWEB fixed-width file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=SAMPLE,
            help="The ANWEB text file (latin-1); default: the sample fixture.",
        )

    def handle(self, *args, path: Path, **options):
        try:
            report = hcpcs_load(path=path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        self.stdout.write(
            f"HCPCS Level II from {path.name}: {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.rejected)} rejected"
        )
        for rejected in report.rejected:
            self.stdout.write(f"Rejected {rejected}")
