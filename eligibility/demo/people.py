"""The small demo population, the documented demo members and the demo log-ins.

The documented members are fixed rows a newcomer can type into the Eligibility Lookup; the rest
is drawn by `PeopleGenerator`. Rows are inserted with ON CONFLICT DO NOTHING on their natural
keys, and coverage and addresses are only added to people this load created, so a second load
adds nothing even on another day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_email.models import EmailDevice

from eligibility.demo import DEMO_PASSWORD
from eligibility.demo.population import (
    COMMERCIAL,
    MEDICAID,
    MEDICARE,
    PeopleGenerator,
    Pools,
    next_month,
)
from eligibility.demo.reference import ReferenceData
from eligibility.models import Coverage, Member, Practitioner, PractitionerAddress, Program, Site

# Number ranges of the generated people. Patient numbers of the small scale have six digits,
# those of the large scale nine, so both can live in one database.
SMALL_FIRST_PATIENT_NUMBER = 100101
SMALL_FIRST_PRACTITIONER_NPI = 160000000
SMALL_FIRST_SITE_NPI = 260000000


@dataclass(frozen=True)
class DemoCoverage:
    kind: str
    member_code: str
    effective_from: date
    effective_to: date | None = None


@dataclass(frozen=True)
class DemoMember:
    """A fixed member whose IDs are documented, and what the Eligibility Lookup shows for it."""

    plan: str
    patient_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    gender: str
    coverages: tuple[DemoCoverage, ...]
    shows: str

    def is_covered_on(self, day: date) -> bool:
        return any(
            c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)
            for c in self.coverages
        )


def demo_members(today: date) -> list[DemoMember]:
    """The documented demo members. The one whose coverage has not begun yet starts on the
    first day of next month, whatever day the demo is loaded."""
    return [
        DemoMember(
            "Evergreen Health Plan",
            "EVG100001",
            "Dana",
            "Whitfield",
            date(1968, 4, 12),
            "F",
            (DemoCoverage(COMMERCIAL, "COM-PPO", date(2024, 1, 1)),),
            "commercial, covered: Radiology, Cardiology, MSM Pain Mgt, Sleep ...",
        ),
        DemoMember(
            "Evergreen Health Plan",
            "EVG100002",
            "Marcus",
            "Oyelaran",
            date(1957, 9, 30),
            "M",
            (DemoCoverage(COMMERCIAL, "COM-HMO", date(2019, 1, 1), date(2025, 12, 31)),),
            "coverage ended on 12/31/2025",
        ),
        DemoMember(
            "Evergreen Health Plan",
            "EVG100003",
            "Ruth",
            "Calloway",
            date(1951, 2, 17),
            "F",
            (DemoCoverage(MEDICARE, "MA-HMO", date(2016, 3, 1)),),
            "Medicare Advantage, covered (no reconsideration)",
        ),
        DemoMember(
            "Evergreen Health Plan",
            "EVG100004",
            "Jonah",
            "Petrakis",
            date(1990, 11, 5),
            "M",
            (DemoCoverage(COMMERCIAL, "COM-EPO", next_month(today)),),
            "coverage begins on the first day of next month",
        ),
        DemoMember(
            "Lakeshore Community Health",
            "LKS100001",
            "Tasha",
            "Greenleaf",
            date(1985, 7, 22),
            "F",
            (DemoCoverage(MEDICAID, "MCD-STD", date(2022, 5, 1)),),
            "Medicaid, covered: fewer programs",
        ),
        DemoMember(
            "Bluewater Benefit Partners",
            "BLW100001",
            "Gideon",
            "Marchetti",
            date(1960, 6, 15),
            "M",
            (
                DemoCoverage(COMMERCIAL, "COM-PPO", date(2015, 1, 1), date(2025, 6, 30)),
                DemoCoverage(MEDICARE, "MA-PPO", date(2025, 7, 1)),
            ),
            "moved from commercial to Medicare Advantage on 07/01/2025",
        ),
        DemoMember(
            "Prairie Mutual Health",
            "PRM100001",
            "Lena",
            "Sorensen",
            date(1979, 12, 1),
            "F",
            (DemoCoverage(COMMERCIAL, "COM-PPO", date(2023, 9, 1)),),
            "commercial, covered: Sleep, DME, Gastroenterology ...",
        ),
    ]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str
    is_superuser: bool
    # A reviewer of every program (the Medical Review Queue), and whether the queue's lead.
    reviewer_role: str = ""
    is_review_lead: bool = False


DEMO_LOGINS = [
    DemoLogin("office", "office administrator of Lakeside Family Medicine", is_superuser=False),
    DemoLogin("admin", "portal administrator (Django admin at /admin/)", is_superuser=True),
    DemoLogin(
        "nurse",
        "nurse reviewer of every program, queue lead (Medical Review Queue)",
        is_superuser=False,
        reviewer_role="nurse_reviewer",
        is_review_lead=True,
    ),
    DemoLogin(
        "director",
        "medical director of every program (Medical Review Queue, My P2P Calendar)",
        is_superuser=False,
        reviewer_role="medical_director",
    ),
]


def demo_logins_ensure() -> list[str]:
    """Create the demo log-ins that do not exist yet (an existing one keeps its password), each
    with an e-mail MFA device."""
    users = get_user_model()
    created = []
    for login in DEMO_LOGINS:
        user = users.objects.filter(username=login.username).first()
        if user is None:
            email = f"{login.username}@example.org"
            if login.is_superuser:
                user = users.objects.create_superuser(login.username, email, DEMO_PASSWORD)
            else:
                user = users.objects.create_user(login.username, email, DEMO_PASSWORD)
            created.append(login.username)
        if login.reviewer_role:
            user.reviewer_role = login.reviewer_role
            user.is_review_lead = login.is_review_lead
            user.save(update_fields=["reviewer_role", "is_review_lead"])
            user.review_programs.set(Program.objects.all())
        # MFA by e-mail: "Verify your identity" asks for the PIN, found in the outbox (/outbox/).
        if not EmailDevice.objects.filter(user=user).exists():
            EmailDevice.objects.create(user=user, name="default", confirmed=True)
    return created


@transaction.atomic
def demo_members_load(*, reference: ReferenceData, today: date) -> int:
    """The documented demo members and their coverage; returns how many were created."""
    documented = demo_members(today)
    members = [
        Member(
            health_plan=reference.plans[demo.plan],
            patient_id=demo.patient_id,
            first_name=demo.first_name,
            last_name=demo.last_name,
            date_of_birth=demo.date_of_birth,
            gender=demo.gender,
            address1=address1,
            city=city,
            state=state,
            zip_code=zip_code,
            phone=phone,
        )
        for demo, (address1, city, state, zip_code, phone) in zip(
            documented, _DEMO_ADDRESSES, strict=True
        )
    ]
    created = _members_insert(members)
    coverages = [
        Coverage(
            member=created[(reference.plans[demo.plan].pk, demo.patient_id)],
            line_of_business=reference.lines_of_business[coverage.kind],
            member_code=coverage.member_code,
            effective_from=coverage.effective_from,
            effective_to=coverage.effective_to,
        )
        for demo in documented
        if (reference.plans[demo.plan].pk, demo.patient_id) in created
        for coverage in demo.coverages
    ]
    Coverage.objects.bulk_create(coverages, ignore_conflicts=True)
    return len(created)


_DEMO_ADDRESSES = [
    ("1400 Cedar Hollow Rd", "Franklin", "TN", "37064", "6155550101"),
    ("88 Quarry Lane", "Franklin", "TN", "37067", "6155550102"),
    ("2510 Willow Bend Dr", "Brentwood", "TN", "37027", "6155550103"),
    ("17 Harbor View Ct", "Nashville", "TN", "37203", ""),
    ("930 Lakeshore Ave", "Milwaukee", "WI", "53202", "4145550104"),
    ("451 Beacon St", "Columbus", "OH", "43215", "6145550105"),
    ("3302 Prairie Wind Way", "Des Moines", "IA", "50309", "5155550106"),
]


@dataclass(frozen=True)
class PeopleCounts:
    members: int
    practitioners: int
    sites: int


@transaction.atomic
def demo_people_load_small(
    *,
    reference: ReferenceData,
    pools: Pools,
    seed: int,
    today: date,
    members: int = 200,
    practitioners: int = 60,
    sites: int = 40,
) -> PeopleCounts:
    """The small demo population through the ORM; returns how many rows this load created."""
    generator = PeopleGenerator(pools=pools, reference=reference, seed=seed, today=today)

    drawn = list(generator.members(members, first_number=SMALL_FIRST_PATIENT_NUMBER))
    created = _members_insert([Member(**row._asdict()) for row, _ in drawn])
    Coverage.objects.bulk_create(
        [
            Coverage(member=created[(row.health_plan_id, row.patient_id)], **coverage._asdict())
            for row, coverages in drawn
            if (row.health_plan_id, row.patient_id) in created
            for coverage in coverages
        ],
        ignore_conflicts=True,
    )

    drawn_practitioners = list(
        generator.practitioners(practitioners, first_npi=SMALL_FIRST_PRACTITIONER_NPI)
    )
    existing_npis = set(
        Practitioner.objects.filter(
            npi__in=[row.npi for row, _ in drawn_practitioners]
        ).values_list("npi", flat=True)
    )
    new_practitioners = [
        (Practitioner(**row._asdict()), addresses)
        for row, addresses in drawn_practitioners
        if row.npi not in existing_npis
    ]
    Practitioner.objects.bulk_create([practitioner for practitioner, _ in new_practitioners])
    PractitionerAddress.objects.bulk_create(
        [
            PractitionerAddress(practitioner=practitioner, **address._asdict())
            for practitioner, addresses in new_practitioners
            for address in addresses
        ]
    )

    drawn_sites = [
        Site(**row._asdict()) for row in generator.sites(sites, first_npi=SMALL_FIRST_SITE_NPI)
    ]
    existing_sites = Site.objects.filter(npi__in=[site.npi for site in drawn_sites]).count()
    Site.objects.bulk_create(drawn_sites, ignore_conflicts=True)
    return PeopleCounts(
        members=len(created),
        practitioners=len(new_practitioners),
        sites=len(drawn_sites) - existing_sites,
    )


def _members_insert(members: list[Member]) -> dict[tuple[int, str], Member]:
    """Insert the members whose (plan, patient ID) is new; returns those, saved, by that key."""
    keys = {(member.health_plan_id, member.patient_id) for member in members}
    existing = set(
        Member.objects.filter(patient_id__in=[patient_id for _, patient_id in keys]).values_list(
            "health_plan_id", "patient_id"
        )
    )
    new = [m for m in members if (m.health_plan_id, m.patient_id) not in existing]
    Member.objects.bulk_create(new)
    return {(member.health_plan_id, member.patient_id): member for member in new}
