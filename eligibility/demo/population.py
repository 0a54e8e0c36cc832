"""Synthetic people: members with coverage, practitioners with addresses, sites of service.

Faker builds small pools of names, streets and places once; rows are then drawn from the pools
with `random.Random(seed)`, which is fast enough for a million members and gives the same rows
for the same seed and day. The rows are plain tuples in the columns' order, so the small scale
turns them into model instances and the large scale streams them to COPY.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import NamedTuple

from faker import Faker

from eligibility.demo.reference import PLANS, DemoPlan, ReferenceData
from eligibility.models import LineOfBusiness, Site
from eligibility.validators import npi_with_check_digit

COMMERCIAL = LineOfBusiness.Kind.COMMERCIAL
MEDICARE = LineOfBusiness.Kind.MEDICARE
MEDICAID = LineOfBusiness.Kind.MEDICAID

# States of the demo with an area code each (phone numbers are 555-01xx, which are fictional).
STATE_AREA_CODES = {
    "TN": "615",
    "GA": "404",
    "NC": "919",
    "OH": "614",
    "MI": "616",
    "IL": "312",
    "MN": "612",
    "WI": "414",
    "IA": "515",
    "MO": "314",
    "KS": "316",
    "AZ": "602",
}

MEMBER_CODES = {
    COMMERCIAL: ("COM-PPO", "COM-HMO", "COM-EPO"),
    MEDICARE: ("MA-HMO", "MA-PPO"),
    MEDICAID: ("MCD-STD", "MCD-CHIP"),
}
# Years of birth by line of business: Medicare Advantage members are mostly over 65.
BIRTH_YEARS = {COMMERCIAL: (1955, 2008), MEDICARE: (1932, 1960), MEDICAID: (1950, 2023)}
COVERAGE_SINCE = date(2015, 1, 1)

CREDENTIALS = ("MD",) * 12 + ("DO",) * 3 + ("NP",) * 3 + ("PA",) * 2
SPECIALTIES = (
    "Family Medicine",
    "Internal Medicine",
    "Orthopedic Surgery",
    "Cardiology",
    "Radiology",
    "Medical Oncology",
    "Radiation Oncology",
    "Neurology",
    "Pulmonology",
    "Sleep Medicine",
    "Gastroenterology",
    "Pain Medicine",
    "Physical Medicine and Rehabilitation",
    "Neurosurgery",
)
SITE_KINDS = (
    ("Imaging Center", Site.PlaceOfService.OFFICE),
    ("Outpatient Surgery Center", Site.PlaceOfService.ASC),
    ("Medical Center", Site.PlaceOfService.OUTPATIENT),
    ("Community Hospital", Site.PlaceOfService.INPATIENT),
    ("Outpatient Pavilion", Site.PlaceOfService.OUTPATIENT_OFF_CAMPUS),
    ("Sleep Diagnostics", Site.PlaceOfService.OFFICE),
    ("Cancer Institute", Site.PlaceOfService.OUTPATIENT),
    ("Orthopedic Clinic", Site.PlaceOfService.OFFICE),
    ("Cardiology Associates", Site.PlaceOfService.OFFICE),
    ("Home Medical Supply", Site.PlaceOfService.HOME),
    ("Family Health Clinic", Site.PlaceOfService.INDEPENDENT_CLINIC),
    ("Laboratory Services", Site.PlaceOfService.INDEPENDENT_LAB),
)
UNIT_KINDS = ("Apt", "Unit", "Suite", "Ste")
GENDER_WEIGHTS = [49, 98, 100]  # cumulative: female 49 %, male 49 %, unknown 2 %


class Place(NamedTuple):
    city: str
    state: str
    zip_code: str
    area_code: str


@dataclass(frozen=True)
class Pools:
    female_first_names: list[str]
    male_first_names: list[str]
    last_names: list[str]
    streets: list[str]
    places: list[Place]


def pools_build(seed: int) -> Pools:
    """Names, streets and places drawn once from Faker (en_US) with a fixed seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)

    def distinct(draw, count: int) -> list[str]:
        return list(dict.fromkeys(draw() for _ in range(count)))

    places = [
        Place(fake.city(), state, fake.zipcode_in_state(state), area_code)
        for state, area_code in STATE_AREA_CODES.items()
        for _ in range(30)
    ]
    return Pools(
        female_first_names=distinct(fake.first_name_female, 1500),
        male_first_names=distinct(fake.first_name_male, 1500),
        last_names=distinct(fake.last_name, 3000),
        streets=distinct(fake.street_name, 1500),
        places=places,
    )


class MemberRow(NamedTuple):
    """A member's columns, named as the model's fields."""

    health_plan_id: int
    patient_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    gender: str
    address1: str
    address2: str
    city: str
    state: str
    zip_code: str
    phone: str


class CoverageRow(NamedTuple):
    line_of_business_id: int
    member_code: str
    effective_from: date
    effective_to: date | None


class PractitionerRow(NamedTuple):
    npi: str
    first_name: str
    last_name: str
    credentials: str
    specialty: str
    tin: str
    phone: str
    fax: str


class PractitionerAddressRow(NamedTuple):
    address1: str
    address2: str
    city: str
    state: str
    zip_code: str
    phone: str
    fax: str
    is_primary: bool


class SiteRow(NamedTuple):
    npi: str
    tin: str
    name: str
    address1: str
    address2: str
    city: str
    state: str
    zip_code: str
    phone: str
    fax: str
    place_of_service: str


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


class PeopleGenerator:
    """Draws synthetic people from the pools; one instance per load, used in a fixed order."""

    def __init__(self, *, pools: Pools, reference: ReferenceData, seed: int, today: date):
        self.pools = pools
        self.rng = random.Random(seed)
        self.today = today
        self.plans: list[tuple[DemoPlan, int]] = [
            (plan, reference.plans[plan.name].pk) for plan in PLANS
        ]
        self.plan_weights = list(accumulate(plan.member_weight for plan in PLANS))
        self.line_weights = {
            plan.name: (list(plan.line_weights), list(accumulate(plan.line_weights.values())))
            for plan in PLANS
        }
        self.line_ids = {kind: line.pk for kind, line in reference.lines_of_business.items()}

    # Shared pieces -------------------------------------------------------------------------

    def weighted(self, items: Sequence, cumulative_weights: list[int]):
        """random.choices(k=1) without its per-call set-up, which a million draws notice."""
        return items[bisect(cumulative_weights, self.rng.random() * cumulative_weights[-1])]

    def phone(self, area_code: str) -> str:
        return f"{area_code}555{self.rng.randrange(100, 200):04d}"

    def street_address(self) -> tuple[str, str]:
        rng = self.rng
        address1 = f"{rng.randrange(1, 10000)} {rng.choice(self.pools.streets)}"
        address2 = ""
        if rng.random() < 0.15:
            address2 = f"{rng.choice(UNIT_KINDS)} {rng.randrange(1, 400)}"
        return address1, address2

    def tin(self) -> str:
        return f"{self.rng.randrange(10, 99)}{self.rng.randrange(0, 10_000_000):07d}"

    def day_between(self, first: date, last: date) -> date:
        return date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    # Members -------------------------------------------------------------------------------

    def members(
        self, count: int, *, first_number: int
    ) -> Iterator[tuple[MemberRow, list[CoverageRow]]]:
        """`count` members spread over the plans by weight; patient IDs are the plan's prefix
        and a number counted per plan from `first_number`."""
        next_number = {plan.name: first_number for plan, _ in self.plans}
        for _ in range(count):
            plan, plan_id = self.weighted(self.plans, self.plan_weights)
            number = next_number[plan.name]
            next_number[plan.name] = number + 1
            yield self.member(plan, plan_id, f"{plan.patient_id_prefix}{number}")

    def member(
        self, plan: DemoPlan, plan_id: int, patient_id: str
    ) -> tuple[MemberRow, list[CoverageRow]]:
        rng = self.rng
        kinds, cumulative = self.line_weights[plan.name]
        kind = self.weighted(kinds, cumulative)
        gender = self.weighted("FMU", GENDER_WEIGHTS)
        names = (
            self.pools.female_first_names
            if gender == "F" or (gender == "U" and rng.random() < 0.5)
            else self.pools.male_first_names
        )
        first_year, last_year = BIRTH_YEARS[kind]
        born = self.day_between(date(first_year, 1, 1), date(last_year, 12, 31))
        place = rng.choice(self.pools.places)
        address1, address2 = self.street_address()
        row = MemberRow(
            health_plan_id=plan_id,
            patient_id=patient_id,
            first_name=rng.choice(names),
            last_name=rng.choice(self.pools.last_names),
            date_of_birth=born,
            gender=gender,
            address1=address1,
            address2=address2,
            city=place.city,
            state=place.state,
            zip_code=place.zip_code,
            phone=self.phone(place.area_code) if rng.random() < 0.85 else "",
        )
        return row, self.coverages(kind, kinds, born)

    def coverages(self, kind: str, plan_kinds: list[str], born: date) -> list[CoverageRow]:
        """Most members are covered today; some switched line of business, some have ended
        coverage, a few start next month."""
        rng = self.rng
        since = max(COVERAGE_SINCE, next_month(born))
        latest_start = self.today - timedelta(days=60)
        if since > latest_start:
            since = latest_start
        start = first_of_month(self.day_between(since, latest_start))
        pattern = rng.random()
        if pattern < 0.72:
            return [self.coverage(kind, start, None)]
        if pattern < 0.86 and start - timedelta(days=400) > since:
            earlier = first_of_month(self.day_between(since, start - timedelta(days=400)))
            previous_kind = rng.choice(plan_kinds)
            return [
                self.coverage(previous_kind, earlier, start - timedelta(days=1)),
                self.coverage(kind, start, None),
            ]
        if pattern < 0.96:
            # Ends on the last day of a month that is over, at least a month after it began.
            drawn = self.day_between(start + timedelta(days=31), self.today - timedelta(days=1))
            return [self.coverage(kind, start, first_of_month(drawn) - timedelta(days=1))]
        begins = next_month(self.today)
        return [self.coverage(kind, begins, None)]

    def coverage(self, kind: str, start: date, end: date | None) -> CoverageRow:
        return CoverageRow(self.line_ids[kind], self.rng.choice(MEMBER_CODES[kind]), start, end)

    # Practitioners and sites ---------------------------------------------------------------

    def practitioners(
        self, count: int, *, first_npi: int
    ) -> Iterator[tuple[PractitionerRow, list[PractitionerAddressRow]]]:
        """Practitioners with valid NPIs counted from `first_npi` (nine digits), grouped in
        practices that share a TIN, each with a primary address and sometimes a second one."""
        rng = self.rng
        practice_tins = [self.tin() for _ in range(max(1, count // 3))]
        for offset in range(count):
            place = rng.choice(self.pools.places)
            names = (
                self.pools.female_first_names if rng.random() < 0.5 else self.pools.male_first_names
            )
            phone = self.phone(place.area_code)
            fax = self.phone(place.area_code)
            practitioner = PractitionerRow(
                npi=npi_with_check_digit(str(first_npi + offset)),
                first_name=rng.choice(names),
                last_name=rng.choice(self.pools.last_names),
                credentials=rng.choice(CREDENTIALS),
                specialty=rng.choice(SPECIALTIES),
                tin=rng.choice(practice_tins),
                phone=phone,
                fax=fax,
            )
            address1, address2 = self.street_address()
            addresses = [
                PractitionerAddressRow(
                    address1, address2, place.city, place.state, place.zip_code, phone, fax, True
                )
            ]
            if rng.random() < 0.25:
                other = rng.choice(self.pools.places)
                second1, second2 = self.street_address()
                if (second1, other.zip_code) != (address1, place.zip_code):
                    addresses.append(
                        PractitionerAddressRow(
                            second1,
                            second2,
                            other.city,
                            other.state,
                            other.zip_code,
                            self.phone(other.area_code),
                            self.phone(other.area_code),
                            False,
                        )
                    )
            yield practitioner, addresses

    def sites(self, count: int, *, first_npi: int) -> Iterator[SiteRow]:
        """Sites of service (rendering facilities) with valid NPIs counted from `first_npi`."""
        rng = self.rng
        for offset in range(count):
            place = rng.choice(self.pools.places)
            kind, place_of_service = rng.choice(SITE_KINDS)
            owner = place.city if rng.random() < 0.6 else rng.choice(self.pools.last_names)
            address1, address2 = self.street_address()
            yield SiteRow(
                npi=npi_with_check_digit(str(first_npi + offset)),
                tin=self.tin(),
                name=f"{owner} {kind}",
                address1=address1,
                address2=address2,
                city=place.city,
                state=place.state,
                zip_code=place.zip_code,
                phone=self.phone(place.area_code),
                fax=self.phone(place.area_code),
                place_of_service=place_of_service,
            )
