"""The case-build wizard's bench data, made in the bench database by `manage.py shell` (see
bench.wizard.wizard_data_prepare): the bench user administers the office "Bench Family
Practice" with a few hundred practitioners linked, and one radiology draft of that office is
complete through the site step but not locked in. Prints one line, WIZARD_DATA_MARKER and
JSON: the draft's id and current answers (what the wizard_post scenario posts back) and samples
for the searches.

Idempotent: the office, membership and links are made once; the draft is re-used while it is
open, not locked in, complete up to "proceed" and its date of service still ahead, else a new
one is made. Its expiry is moved 30 days ahead on every run (bench data: it must not expire
mid-run).

Imports Django: only ever imported inside `manage.py shell`.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Office, OfficePractitioner, User
from cases.models import Case, ProcedureLine
from cases.wizard import steps
from cases.wizard.drafts import draft_start
from cases.wizard.selectors import delegations_in_force
from cases.wizard.selectors.patient import delegation_for_coverage
from cases.wizard.selectors.site import SITE_RESULTS_LIMIT
from eligibility.models import (
    DiagnosisCode,
    HealthPlan,
    PractitionerAddress,
    PriorAuthRule,
    ProcedureCode,
    Program,
    Site,
)
from eligibility.selectors import member_with_coverages

WIZARD_DATA_MARKER = "BENCH_WIZARD_DATA "
BENCH_USERNAME = "bench"
OFFICE_NAME = "Bench Family Practice"
PROGRAM_CODE = "radiology-cardiology"
PROCEDURE_CODE = "73721"
DIAGNOSIS_CODE = "R68.89"
PRACTITIONERS = 300
MEMBERS = 2000
# Of the member table's pages, sampled for members (a million rows in the large set).
MEMBER_SAMPLE_PERCENT = 5
SITES = 500
DATE_OF_SERVICE_AHEAD = dt.timedelta(days=14)
EXPIRES_AHEAD = dt.timedelta(days=30)
CONTACT = {
    "contact_name": "Bench Front Desk",
    "contact_fax": "6155484001",
    "contact_phone": "6155484000",
    "contact_phone_ext": "",
    "contact_cell_phone": "",
    "contact_email": "frontdesk@bench.example",
    "notify_by_email": True,
}
PATIENT_CELL_PHONE = "6155550199"


def main() -> None:
    print(WIZARD_DATA_MARKER + json.dumps(wizard_data_ensure()), flush=True)


@transaction.atomic
def wizard_data_ensure() -> dict:
    today = timezone.localdate()
    user = User.objects.get(username=BENCH_USERNAME)
    office = _office_ensure(user)
    program = Program.objects.get(code=PROGRAM_CODE)
    procedure = ProcedureCode.objects.get(code=PROCEDURE_CODE, programs=program, is_active=True)
    case = _draft_reusable(office, today)
    if case is None:
        case = _draft_make(user, program, procedure, today)
    case.expires_at = timezone.now() + EXPIRES_AHEAD
    case.save(update_fields=["expires_at", "updated_at"])
    return _answers(case) | {
        "members": _members_sample(case),
        "practitioner_prefixes": _practitioner_prefixes(office),
        "sites": _sites_sample(),
    }


def _office_ensure(user: User) -> Office:
    office, _ = Office.objects.get_or_create(
        name=OFFICE_NAME,
        defaults={
            "address1": "100 Bench Way",
            "city": "Franklin",
            "state": "TN",
            "zip_code": "37067",
            "phone": "6155484000",
            "fax": "6155484001",
            "primary_contact": user,
        },
    )
    Membership.objects.update_or_create(
        user=user, defaults={"office": office, "role": Membership.Role.OFFICE_ADMIN}
    )
    if office.practitioner_links.count() < PRACTITIONERS:
        # Active practitioners with a primary address, the same ones every time (by NPI).
        chosen = (
            PractitionerAddress.objects.filter(is_primary=True, practitioner__is_active=True)
            .order_by("practitioner__npi")
            .values_list("practitioner_id", flat=True)[:PRACTITIONERS]
        )
        OfficePractitioner.objects.bulk_create(
            [OfficePractitioner(office=office, practitioner_id=pk, added_by=user) for pk in chosen],
            ignore_conflicts=True,
        )
    return office


def _draft_reusable(office: Office, today: dt.date) -> Case | None:
    """The newest of the office's drafts that is open, complete through the site step (the
    first step not complete is "proceed") and whose date of service is still ahead."""
    drafts = Case.objects.filter(
        office=office,
        status=Case.Status.DRAFT,
        locked_at__isnull=True,
        expires_at__gt=timezone.now(),
        date_of_service__gt=today,
    ).order_by("-created_at")
    for case in drafts[:5]:
        following = steps.first_incomplete(case)
        if following is not None and following.name == "proceed":
            return case
    return None


def _plan_delegations(program: Program, procedure: ProcedureCode, day: dt.date, today: dt.date):
    """The active plan delegating the program (for the most lines of business) today and on
    `day`, where the procedure needs prior authorization; and those delegations."""
    in_force = (
        delegations_in_force(today)
        .filter(program=program, health_plan__is_active=True)
        .filter(pk__in=delegations_in_force(day).values("pk"))
    )
    not_required = PriorAuthRule.objects.filter(
        procedure_code=procedure, requires_prior_authorization=False
    ).values("delegation_id")
    by_plan: dict[int, list] = {}
    for delegation in in_force.exclude(pk__in=not_required).order_by("health_plan__name"):
        by_plan.setdefault(delegation.health_plan_id, []).append(delegation)
    if not by_plan:
        raise SystemExit(f"no plan delegates {program.code} with {procedure.code} today")
    plan_id = max(by_plan, key=lambda pk: len(by_plan[pk]))
    return HealthPlan.objects.get(pk=plan_id), by_plan[plan_id]


def _draft_make(user: User, program: Program, procedure: ProcedureCode, today: dt.date) -> Case:
    """A new draft filled through the site step, as tests/cases/conftest.py fill_through does,
    with rows of the large data set."""
    day = today + DATE_OF_SERVICE_AHEAD
    plan, delegations = _plan_delegations(program, procedure, day, today)
    candidates = _covered_members(plan, [d.line_of_business_id for d in delegations], day, 50)
    chosen = None
    for _member_id, patient_id, _born, _last_name in candidates:
        found = member_with_coverages(health_plan=plan, patient_id=patient_id)
        coverage = found.on(day) if found else None
        delegation = coverage and delegation_for_coverage(
            health_plan_id=plan.pk,
            program_id=program.pk,
            line_of_business_id=coverage.line_of_business_id,
            day=day,
        )
        if delegation:
            chosen = (found.member, coverage, delegation)
            break
    if chosen is None:
        raise SystemExit(f"no member of {plan.name} is covered for {program.code} on {day}")
    member, coverage, delegation = chosen
    address = (
        PractitionerAddress.objects.select_related("practitioner")
        .filter(is_primary=True, practitioner__office_links__office=user.membership.office)
        .order_by("practitioner__npi")
        .first()
    )
    practitioner = address.practitioner
    site = (
        Site.objects.filter(is_active=True, name__icontains="imaging").order_by("pk").first()
        or Site.objects.filter(is_active=True).order_by("pk").first()
    )
    case = draft_start(user=user, program=program)
    values = {
        "build_kind": Case.BuildKind.NEW,
        "build_kind_chosen": True,
        "practitioner": practitioner,
        "health_plan": plan,
        "practitioner_address": address,
        "contact_saved": True,
        "contact_provider_name": f"{practitioner.first_name} {practitioner.last_name}",
        **CONTACT,
        "date_of_service": day,
        "service_performed": False,
        "member": member,
        "coverage": coverage,
        "delegation": delegation,
        "patient_contact_saved": True,
        "patient_cell_phone": member.phone or PATIENT_CELL_PHONE,
        "patient_email": "",
        "primary_diagnosis": DiagnosisCode.objects.get(code=DIAGNOSIS_CODE, is_billable=True),
        "is_bilateral": False,
        "service_confirmed": True,
        "rendered_in_office": False,
        "site": site,
        "site_email": "",
        "place_of_service": site.place_of_service,
    }
    for name, value in values.items():
        setattr(case, name, value)
    case.save()
    ProcedureLine.objects.get_or_create(
        case=case, position=1, defaults={"procedure_code": procedure, "quantity_requested": 1}
    )
    case = Case.objects.get(pk=case.pk)
    following = steps.first_incomplete(case)
    if following is None or following.name != "proceed":
        raise SystemExit(f"the bench draft stops at {following and following.name}, not proceed")
    return case


def _covered_members(plan: HealthPlan, lines_of_business: list[int], day: dt.date, size: int):
    """Members of the plan (a sample of the table) whose newest coverage in force on `day`
    (the one the lookup takes) is of a delegated line of business and began by today:
    (id, patient_id, date_of_birth, last_name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id, patient_id, date_of_birth, last_name FROM (
                SELECT DISTINCT ON (m.id) m.id, m.patient_id, m.date_of_birth, m.last_name,
                       c.line_of_business_id, c.effective_from
                FROM eligibility_member m TABLESAMPLE SYSTEM (%(percent)s) REPEATABLE (11)
                JOIN eligibility_coverage c ON c.member_id = m.id
                WHERE m.health_plan_id = %(plan)s
                  AND c.effective_from <= %(day)s
                  AND (c.effective_to IS NULL OR c.effective_to >= %(day)s)
                ORDER BY m.id, c.effective_from DESC
            ) newest
            WHERE line_of_business_id = ANY(%(lines)s)
              AND effective_from <= %(today)s
              AND patient_id ~ '^[A-Za-z0-9-]{3,20}$'
              AND btrim(last_name) <> ''
            ORDER BY id
            LIMIT %(size)s
            """,
            {
                "percent": MEMBER_SAMPLE_PERCENT,
                "plan": plan.pk,
                "day": day,
                "today": timezone.localdate(),
                "lines": lines_of_business,
                "size": size,
            },
        )
        return cursor.fetchall()


def _members_sample(case: Case) -> list[list[str]]:
    """Members the draft's Patient Eligibility Lookup finds and may SELECT: [patient_id,
    MM/DD/YYYY, last_name]."""
    lines = list(
        delegations_in_force(case.date_of_service)
        .filter(health_plan=case.health_plan, program=case.program)
        .values_list("line_of_business_id", flat=True)
    )
    rows = _covered_members(case.health_plan, lines, case.date_of_service, MEMBERS)
    return [[patient_id, f"{born:%m/%d/%Y}", last_name] for _, patient_id, born, last_name in rows]


def _practitioner_prefixes(office: Office) -> list[str]:
    """The first one, two and three letters of the linked practitioners' last names."""
    names = office.practitioners.filter(is_active=True).values_list("last_name", flat=True)
    prefixes = {
        name.strip()[:length]
        for name in names
        for length in (1, 2, 3)
        if len(name.strip()) >= length and name.strip()[:length].isalpha()
    }
    return sorted(prefixes)


def _sites_sample() -> list[list]:
    """Active sites spread over the table: [id, npi, zip_code, name prefix], the prefix being
    the fewest leading words of the name that "Starts with" in the site's zip code finds on
    one page of results (many sites share a zip code and a first word, a town's name)."""
    names_by_zip: dict[str, list[str]] = {}
    for zip_code, name in Site.objects.filter(is_active=True).values_list("zip_code", "name"):
        names_by_zip.setdefault(zip_code, []).append(name.upper())
    ids = list(Site.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // SITES)
    sample = []
    for site in Site.objects.filter(pk__in=ids[::step][:SITES]).order_by("pk"):
        if not (site.npi and site.zip_code and site.name.split()):
            continue
        # What the search's zip code matches: the code as given and its first five digits.
        codes = {site.zip_code, site.zip_code[:5]}
        names = [name for code in codes for name in names_by_zip.get(code, [])]
        sample.append([site.pk, site.npi, site.zip_code, name_prefix(site.name, names)])
    return sample


def name_prefix(name: str, names: list[str], limit: int = SITE_RESULTS_LIMIT) -> str:
    """The fewest leading words of `name` that at most `limit` of `names` (upper case) start
    with; the whole name when no shorter start does."""
    words = name.split()
    for count in range(1, len(words)):
        prefix = " ".join(words[:count])
        if sum(other.startswith(prefix.upper()) for other in names) <= limit:
            return prefix
    return " ".join(words)


def _answers(case: Case) -> dict:
    """The draft's current answers, as each step's form posts them."""
    case = Case.objects.select_related("site").get(pk=case.pk)
    line = case.primary_procedure_line
    return {
        "draft": str(case.public_id),
        "practitioner": case.practitioner_id,
        "health_plan": case.health_plan_id,
        "practitioner_address": case.practitioner_address_id,
        "contact": {
            "provider_name": case.contact_provider_name,
            "contact_name": case.contact_name,
            "fax": case.contact_fax,
            "phone": case.contact_phone,
            "phone_ext": case.contact_phone_ext,
            "cell_phone": case.contact_cell_phone,
            "email": case.contact_email,
            "notify_by_email": case.notify_by_email,
        },
        "date_of_service": f"{case.date_of_service:%m/%d/%Y}",
        "service_performed": "yes" if case.service_performed else "no",
        "patient_cell_phone": case.patient_cell_phone,
        "patient_email": case.patient_email,
        "procedure_code": line.procedure_code.code,
        "primary_diagnosis": case.primary_diagnosis.code,
        "secondary_diagnosis": case.secondary_diagnosis.code if case.secondary_diagnosis else "",
        "is_bilateral": "yes" if case.is_bilateral else "no",
        "site": case.site_id,
    }
