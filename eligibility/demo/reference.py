"""Reference data of the demo: lines of business, programs, fictional plans and what they delegate,
contacts, resources, closure dates, procedure codes and prior-authorization rules.

Every row is written on its natural key (get_or_create / update_or_create / upsert), so loading
it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from eligibility.demo.procedure_codes import DEMO_CODES, HCPCS, NOT_REQUIRED
from eligibility.models import (
    ClosureDate,
    Delegation,
    EligibilityMessage,
    HealthPlan,
    LineOfBusiness,
    PlanContact,
    PriorAuthRule,
    ProcedureCode,
    Program,
    ProgramResource,
)

COMMERCIAL = LineOfBusiness.Kind.COMMERCIAL
MEDICARE = LineOfBusiness.Kind.MEDICARE
MEDICAID = LineOfBusiness.Kind.MEDICAID

PRECERTIFICATION = "Precertification is Required"
MEDICAL_NECESSITY = "Medical necessity determination required."


@dataclass(frozen=True)
class DemoProgram:
    code: str
    name: str
    validity_days: int
    # The lines the Eligibility Lookup shows for a delegation: (service, message).
    messages: tuple[tuple[str, str], ...] = ()


# In the order of the decks' program list (Radiology and Cardiology first); the two programs that
# list does not show come last.
PROGRAMS = [
    DemoProgram(
        "radiology-cardiology",
        "Radiology and Cardiology",
        45,
        (("Radiology", PRECERTIFICATION), ("Cardiology", MEDICAL_NECESSITY)),
    ),
    DemoProgram("specialty-drugs", "Specialty Drugs", 180),
    DemoProgram(
        "radiation-therapy",
        "Radiation Therapy Management Program (RTMP)",
        120,
        (("Radiation Therapy", MEDICAL_NECESSITY),),
    ),
    DemoProgram(
        "musculoskeletal",
        "Musculoskeletal Management",
        60,
        (("MSM Pain Mgt", PRECERTIFICATION),),
    ),
    DemoProgram("sleep", "Sleep Management", 60, (("Sleep Management", MEDICAL_NECESSITY),)),
    DemoProgram("lab-management", "Lab Management Program", 60),
    DemoProgram("dme", "Durable Medical Equipment (DME)", 180),
    DemoProgram("medical-oncology", "Medical Oncology Pathways", 240),
    DemoProgram("gastroenterology", "Gastroenterology", 60),
    DemoProgram("medical-specialty-drugs", "Medical Specialty Drugs", 180),
]


@dataclass(frozen=True)
class DemoPlan:
    name: str
    patient_id_prefix: str
    # Toll-free area code of the plan's contact numbers (555-01xx lines are fictional).
    area_code: str
    # Line of business -> the programs the plan delegates for it.
    delegations: dict[str, tuple[str, ...]]
    # Relative share of the generated members, and of each line of business within the plan.
    member_weight: int
    line_weights: dict[str, int]


PLANS = [
    DemoPlan(
        "Evergreen Health Plan",
        "EVG",
        "888",
        {
            COMMERCIAL: (
                "radiology-cardiology",
                "specialty-drugs",
                "radiation-therapy",
                "musculoskeletal",
                "sleep",
                "lab-management",
                "dme",
                "medical-oncology",
                "gastroenterology",
            ),
            MEDICARE: (
                "radiology-cardiology",
                "radiation-therapy",
                "musculoskeletal",
                "sleep",
                "dme",
                "medical-oncology",
            ),
        },
        member_weight=40,
        line_weights={COMMERCIAL: 70, MEDICARE: 30},
    ),
    DemoPlan(
        "Lakeshore Community Health",
        "LKS",
        "877",
        {MEDICAID: ("radiology-cardiology", "musculoskeletal", "sleep", "dme")},
        member_weight=15,
        line_weights={MEDICAID: 100},
    ),
    DemoPlan(
        "Bluewater Benefit Partners",
        "BLW",
        "866",
        {
            COMMERCIAL: (
                "radiology-cardiology",
                "specialty-drugs",
                "radiation-therapy",
                "lab-management",
                "medical-oncology",
                "medical-specialty-drugs",
            ),
            MEDICARE: (
                "radiology-cardiology",
                "radiation-therapy",
                "medical-oncology",
                "medical-specialty-drugs",
            ),
            MEDICAID: ("radiology-cardiology", "medical-oncology"),
        },
        member_weight=25,
        line_weights={COMMERCIAL: 50, MEDICARE: 25, MEDICAID: 25},
    ),
    DemoPlan(
        "Prairie Mutual Health",
        "PRM",
        "855",
        {
            COMMERCIAL: (
                "radiology-cardiology",
                "musculoskeletal",
                "sleep",
                "lab-management",
                "dme",
                "gastroenterology",
            )
        },
        member_weight=20,
        line_weights={COMMERCIAL: 100},
    ),
]

DELEGATED_FROM = date(2024, 1, 1)

CLOSURE_DATES = [
    (date(2026, 11, 27), "Day after Thanksgiving"),
    (date(2026, 12, 24), "Christmas Eve"),
]


@dataclass(frozen=True)
class ReferenceData:
    """The rows the people generators point at, by natural key."""

    lines_of_business: dict[str, LineOfBusiness]
    programs: dict[str, Program]
    plans: dict[str, HealthPlan]


@transaction.atomic
def reference_data_load() -> ReferenceData:
    """Load (or confirm) every reference row of the demo; returns them by natural key."""
    lines = lines_of_business_load()
    programs = programs_load()
    plans = health_plans_load(programs=programs, lines=lines)
    program_resources_load(programs=programs, plans=plans)
    closure_dates_load()
    procedure_codes_load(programs=programs)
    prior_auth_rules_load()
    return ReferenceData(lines_of_business=lines, programs=programs, plans=plans)


def lines_of_business_load() -> dict[str, LineOfBusiness]:
    return {
        kind: LineOfBusiness.objects.update_or_create(kind=kind, defaults={"name": kind.label})[0]
        for kind in LineOfBusiness.Kind
    }


def programs_load() -> dict[str, Program]:
    return {
        program.code: Program.objects.update_or_create(
            code=program.code,
            defaults={
                "name": program.name,
                "display_order": (position + 1) * 10,
                "offers_follow_on_cases": program.code == "musculoskeletal",
                "is_equipment": program.code == "dme",
            },
        )[0]
        for position, program in enumerate(PROGRAMS)
    }


def health_plans_load(
    *, programs: dict[str, Program], lines: dict[str, LineOfBusiness]
) -> dict[str, HealthPlan]:
    """The fictional plans, their delegations with the lookup's messages, and one contact per
    plan and delegated program."""
    by_code = {program.code: program for program in PROGRAMS}
    order = {program.code: position for position, program in enumerate(PROGRAMS)}
    plans: dict[str, HealthPlan] = {}
    for demo_plan in PLANS:
        plan, _ = HealthPlan.objects.get_or_create(name=demo_plan.name)
        plans[demo_plan.name] = plan
        for kind, program_codes in demo_plan.delegations.items():
            for program_code in program_codes:
                _delegation_load(
                    plan=plan,
                    program=programs[program_code],
                    demo_program=by_code[program_code],
                    line=lines[kind],
                )
        delegated = {code for codes in demo_plan.delegations.values() for code in codes}
        for program_code in sorted(delegated, key=order.__getitem__):
            line = 100 + 2 * order[program_code]
            PlanContact.objects.update_or_create(
                health_plan=plan,
                program=programs[program_code],
                defaults={
                    "phone": f"{demo_plan.area_code}555{line:04d}",
                    "fax": f"{demo_plan.area_code}555{line + 1:04d}",
                },
            )
    return plans


def _delegation_load(
    *, plan: HealthPlan, program: Program, demo_program: DemoProgram, line: LineOfBusiness
) -> Delegation:
    delegation, _ = Delegation.objects.update_or_create(
        health_plan=plan,
        program=program,
        line_of_business=line,
        effective_from=DELEGATED_FROM,
        defaults={
            "validity_days": demo_program.validity_days,
            # Reconsideration is a commercial-only option.
            "reconsideration_allowed": line.kind == COMMERCIAL,
            "appeal_instructions": _appeal_instructions(plan, line),
        },
    )
    messages = demo_program.messages or ((demo_program.name, PRECERTIFICATION),)
    for position, (service, message) in enumerate(messages):
        EligibilityMessage.objects.update_or_create(
            delegation=delegation,
            service=service,
            defaults={"message": message, "position": position},
        )
    return delegation


def _appeal_instructions(plan: HealthPlan, line: LineOfBusiness) -> str:
    if line.kind == COMMERCIAL:
        return (
            "Submit a written appeal with the supporting clinical records within 180 days of the "
            f"determination. Appeals for {plan.name} members are decided by this portal's "
            "reviewers; the denial letter gives the address and fax number."
        )
    return (
        f"Appeals for {plan.name} {line.name} members are submitted to {plan.name}, with the "
        "supporting clinical records, within the time the denial letter gives."
    )


def program_resources_load(*, programs: dict[str, Program], plans: dict[str, HealthPlan]) -> None:
    """A clinical guideline and a worksheet for every program, and one FAQ per plan."""
    base = "https://guidelines.example.org"
    for code, program in programs.items():
        for kind, title, slug in (
            (ProgramResource.Kind.GUIDELINE, "Clinical Guidelines", "clinical-guidelines"),
            (ProgramResource.Kind.WORKSHEET, "Clinical Worksheet", "clinical-worksheet"),
        ):
            ProgramResource.objects.update_or_create(
                program=program,
                health_plan=None,
                kind=kind,
                title=f"{program.name} {title}",
                defaults={"url": f"{base}/{code}/{slug}.pdf"},
            )
    radiology = programs["radiology-cardiology"]
    for plan in plans.values():
        slug = plan.name.lower().replace(" ", "-")
        ProgramResource.objects.update_or_create(
            program=radiology,
            health_plan=plan,
            kind=ProgramResource.Kind.FAQ,
            title=f"{plan.name}: Radiology and Cardiology questions and answers",
            defaults={"url": f"{base}/plans/{slug}/radiology-cardiology-faq.pdf"},
        )


def closure_dates_load() -> None:
    for day, reason in CLOSURE_DATES:
        ClosureDate.objects.update_or_create(date=day, defaults={"reason": reason})


def procedure_codes_load(*, programs: dict[str, Program]) -> None:
    """Our CPT and grouped codes with our own descriptions. A HCPCS code already loaded from
    the CMS file keeps its descriptions; it only gains the programs and a plain description."""
    for demo in DEMO_CODES:
        defaults = {
            "kind": demo.kind,
            "short_description": demo.short,
            "plain_description": demo.plain,
        }
        if demo.kind == HCPCS:
            code, created = ProcedureCode.objects.get_or_create(code=demo.code, defaults=defaults)
            if not created and not code.plain_description:
                code.plain_description = demo.plain
                code.save(update_fields=["plain_description"])
        else:
            code, _ = ProcedureCode.objects.update_or_create(code=demo.code, defaults=defaults)
        code.programs.add(*(programs[program] for program in demo.programs))


def prior_auth_rules_load() -> None:
    """One rule per delegation and code of its program: required, except the few codes a plan
    does not review through the portal."""
    codes_by_program: dict[int, list[ProcedureCode]] = {}
    for code in ProcedureCode.objects.filter(
        code__in=[demo.code for demo in DEMO_CODES]
    ).prefetch_related("programs"):
        for program in code.programs.all():
            codes_by_program.setdefault(program.pk, []).append(code)
    rules = [
        PriorAuthRule(
            delegation=delegation,
            procedure_code=code,
            requires_prior_authorization=(
                (delegation.health_plan.name, delegation.program.code, code.code)
                not in NOT_REQUIRED
            ),
        )
        for delegation in Delegation.objects.select_related("health_plan", "program").filter(
            health_plan__name__in=[plan.name for plan in PLANS]
        )
        for code in codes_by_program.get(delegation.program_id, [])
    ]
    PriorAuthRule.objects.bulk_create(
        rules,
        update_conflicts=True,
        unique_fields=["delegation", "procedure_code"],
        update_fields=["requires_prior_authorization"],
    )
