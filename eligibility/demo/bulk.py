"""The large demo population (a million members) streamed to PostgreSQL with COPY.

The ORM would take an hour for this; COPY takes minutes. Members and practitioners get their ids
from a block reserved under a table lock, so their coverage and addresses are written in the same
pass without reading ids back. The whole load is one transaction: a failed load leaves nothing
behind, and a finished one is recognised by its first patient ID and not repeated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from psycopg import sql

from eligibility.demo.people import PeopleCounts
from eligibility.demo.population import (
    CoverageRow,
    MemberRow,
    PeopleGenerator,
    Pools,
    PractitionerAddressRow,
    PractitionerRow,
    SiteRow,
)
from eligibility.demo.reference import PLANS, ReferenceData
from eligibility.models import Coverage, Member, Practitioner, PractitionerAddress, Site

# Nine-digit patient numbers never meet the small scale's six-digit ones; the NPI ranges differ too.
LARGE_FIRST_PATIENT_NUMBER = 200000001
LARGE_FIRST_PRACTITIONER_NPI = 170000000
LARGE_FIRST_SITE_NPI = 270000000
# Rows per COPY statement: one COPY at a time per connection, so members and their coverage
# alternate in chunks of this size.
CHUNK = 50_000


def large_population_is_loaded(*, reference: ReferenceData) -> bool:
    first = PLANS[0]
    return Member.objects.filter(
        health_plan=reference.plans[first.name],
        patient_id=f"{first.patient_id_prefix}{LARGE_FIRST_PATIENT_NUMBER}",
    ).exists()


def demo_people_load_large(
    *,
    reference: ReferenceData,
    pools: Pools,
    seed: int,
    today: date,
    members: int = 1_000_000,
    practitioners: int = 50_000,
    sites: int = 20_000,
    log: Callable[[str], None] = print,
) -> PeopleCounts | None:
    """Stream the large population with COPY, then ANALYZE its tables. Returns None, and loads
    nothing, when it is already there."""
    if large_population_is_loaded(reference=reference):
        return None
    generator = PeopleGenerator(pools=pools, reference=reference, seed=seed, today=today)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        coverages = _members_copy(cursor, generator, members, now)
        log(f"  {members:,} members, {coverages:,} coverages: {_since(started)}")

        started = time.perf_counter()
        addresses = _practitioners_copy(cursor, generator, practitioners, now)
        log(f"  {practitioners:,} practitioners, {addresses:,} addresses: {_since(started)}")

        started = time.perf_counter()
        rows = generator.sites(sites, first_npi=LARGE_FIRST_SITE_NPI)
        _copy(cursor, Site, [*SiteRow._fields, "is_active"], ((*row, True) for row in rows))
        log(f"  {sites:,} sites: {_since(started)}")

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Member, Coverage, Practitioner, PractitionerAddress, Site):
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(model._meta.db_table)))
    log(f"  ANALYZE: {_since(started)}")
    return PeopleCounts(members=members, practitioners=practitioners, sites=sites)


def _members_copy(cursor, generator: PeopleGenerator, count: int, now: datetime) -> int:
    member_fields = ["id", *MemberRow._fields, "created_at", "updated_at"]
    coverage_fields = ["member_id", *CoverageRow._fields]
    next_id = _ids_reserve(cursor, Member, count)
    drawn = generator.members(count, first_number=LARGE_FIRST_PATIENT_NUMBER)
    coverages = 0
    for chunk in _chunks(drawn, CHUNK):
        ids = range(next_id, next_id + len(chunk))
        next_id += len(chunk)
        _copy(
            cursor,
            Member,
            member_fields,
            ((member_id, *row, now, now) for member_id, (row, _) in zip(ids, chunk, strict=True)),
        )
        coverages += _copy(
            cursor,
            Coverage,
            coverage_fields,
            (
                (member_id, *coverage)
                for member_id, (_, member_coverages) in zip(ids, chunk, strict=True)
                for coverage in member_coverages
            ),
        )
    return coverages


def _practitioners_copy(cursor, generator: PeopleGenerator, count: int, now: datetime) -> int:
    practitioner_fields = ["id", *PractitionerRow._fields, "is_active", "created_at", "updated_at"]
    address_fields = ["practitioner_id", *PractitionerAddressRow._fields]
    next_id = _ids_reserve(cursor, Practitioner, count)
    drawn = generator.practitioners(count, first_npi=LARGE_FIRST_PRACTITIONER_NPI)
    addresses = 0
    for chunk in _chunks(drawn, CHUNK):
        ids = range(next_id, next_id + len(chunk))
        next_id += len(chunk)
        _copy(
            cursor,
            Practitioner,
            practitioner_fields,
            ((pk, *row, True, now, now) for pk, (row, _) in zip(ids, chunk, strict=True)),
        )
        addresses += _copy(
            cursor,
            PractitionerAddress,
            address_fields,
            ((pk, *address) for pk, (_, rows) in zip(ids, chunk, strict=True) for address in rows),
        )
    return addresses


def _ids_reserve(cursor, model: type[Model], count: int) -> int:
    """Reserve `count` ids after the table's highest and move its sequence past them; returns
    the first. The lock keeps other writers out until the load commits."""
    table = sql.Identifier(model._meta.db_table)
    cursor.execute(sql.SQL("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE").format(table))
    cursor.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(table))
    first = cursor.fetchone()[0] + 1
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
        [model._meta.db_table, first + count - 1],
    )
    return first


def _copy(cursor, model: type[Model], fields: list[str], rows: Iterable[tuple]) -> int:
    columns = [model._meta.get_field(name).column for name in fields]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    written = 0
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
