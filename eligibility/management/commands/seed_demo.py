"""Load the synthetic demo data: `make run` calls it with `--scale small --if-empty`."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.clinical.demo_pathways import demo_pathways_load
from cases.demo_cases import demo_cases_load
from eligibility.demo import DEMO_PASSWORD, SEED
from eligibility.demo.bulk import demo_people_load_large
from eligibility.demo.office import demo_office_ensure
from eligibility.demo.people import (
    DEMO_LOGINS,
    demo_logins_ensure,
    demo_members,
    demo_members_load,
    demo_people_load_small,
)
from eligibility.demo.population import pools_build
from eligibility.demo.reference import reference_data_load
from eligibility.models import DiagnosisCode, HealthPlan, ProcedureCode
from p2p.demo import demo_physician_ensure


class Command(BaseCommand):
    help = (
        "Load fictional plans, programs, codes, members, practitioners and sites. "
        "--scale small: a few hundred people; --scale large: a million members (for benchmarks)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "large"], default="small")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when health plans already exist (what `make run` uses).",
        )
        parser.add_argument("--seed", type=int, default=SEED, help="Seed of the generators.")

    def handle(self, *args, scale, if_empty, seed, **options):
        if if_empty and HealthPlan.objects.exists():
            self.stdout.write("Demo data already loaded: health plans exist.")
            return
        started = time.perf_counter()
        today = timezone.localdate()
        self._code_sets_load()
        reference = reference_data_load()
        self.stdout.write(
            f"Reference data: {len(reference.plans)} health plans, "
            f"{len(reference.programs)} programs."
        )
        pathways = demo_pathways_load()
        self.stdout.write(f"Clinical pathways: {len(pathways.pathways)} loaded.")
        for note in pathways.notes:
            self.stdout.write(f"  {note}")
        demo_members_load(reference=reference, today=today)
        demo_logins_ensure()
        demo_physician_ensure()
        pools = pools_build(seed)
        if scale == "small":
            counts = demo_people_load_small(
                reference=reference, pools=pools, seed=seed, today=today
            )
            self.stdout.write(
                f"Created {counts.members} members, {counts.practitioners} practitioners "
                f"and {counts.sites} sites."
            )
        else:
            self.stdout.write("Loading the large population with COPY:")
            counts = demo_people_load_large(
                reference=reference, pools=pools, seed=seed, today=today, log=self.stdout.write
            )
            if counts is None:
                self.stdout.write("The large population is already loaded.")
        demo_office = demo_office_ensure()
        if demo_office:
            made = demo_cases_load(
                office=demo_office.office, user=demo_office.office.primary_contact
            )
            if made:
                self.stdout.write(f"Submitted demo cases of the demo office: {made}.")
        self.stdout.write(f"Done in {time.perf_counter() - started:.1f} s.")
        self._demo_print(today)
        if demo_office:
            self._demo_office_print(demo_office)

    def _code_sets_load(self):
        # The full code sets come from their own commands; each runs once, on an empty table.
        if not DiagnosisCode.objects.exists():
            call_command("load_icd10cm", stdout=self.stdout)
        if not ProcedureCode.objects.filter(kind=ProcedureCode.Kind.HCPCS).exists():
            call_command("load_hcpcs", stdout=self.stdout)

    def _demo_office_print(self, demo_office):
        self.stdout.write(
            f"The office log-in administers {demo_office.office.name}, with: "
            + "; ".join(demo_office.linked)
        )
        if demo_office.to_add:
            address = demo_office.to_add
            self.stdout.write(
                f"Try Add Practitioner with NPI {address.practitioner.npi}, "
                f"state {address.state}, zip {address.zip_code}."
            )

    def _demo_print(self, today):
        self.stdout.write("")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10}  {login.description}")
        self.stdout.write("Demo members for the Eligibility Lookup:")
        self.stdout.write(
            f"  {'Health Plan':<28}{'Patient ID':<12}{'Date of Birth':<15}"
            f"{'Last Name':<12}What the lookup shows"
        )
        for demo in demo_members(today):
            self.stdout.write(
                f"  {demo.plan:<28}{demo.patient_id:<12}{demo.date_of_birth:%m/%d/%Y}     "
                f"{demo.last_name:<12}{demo.shows}"
            )
