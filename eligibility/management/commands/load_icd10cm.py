"""Load the full ICD-10-CM code set into the diagnosis table."""

import time

from django.core.management.base import BaseCommand

from eligibility.codesets.icd10cm import diagnosis_codes_billable_count, icd10cm_load


class Command(BaseCommand):
    help = "Load (or refresh) every ICD-10-CM code shipped with simple-icd-10-cm."

    def handle(self, *args, **options):
        started = time.perf_counter()
        loaded = icd10cm_load()
        elapsed = time.perf_counter() - started
        billable = diagnosis_codes_billable_count()
        self.stdout.write(
            f"Loaded {loaded} ICD-10-CM codes ({billable} billable) in {elapsed:.1f} s"
        )
