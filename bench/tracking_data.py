"""The tracking scenarios' bench data (issue 7, Certification Summary and My Worklist), made in
the bench database by `manage.py shell` (see bench.tracking.tracking_data_prepare):

- the bench office ("Bench Family Practice", bench.wizard_data) topped up to TRACKING_OFFICE_CASES
  submitted cases, with its own linked practitioners;
- other offices ("Bench Tracking Office NNN") whose submitted cases bring the whole table up to
  TOTAL_CASES;

every case with its primary procedure line and the status event of its submission, made with
INSERT ... SELECT over generate_series from the members, practitioners, sites and procedure
codes the large data set already has (bench.server), numbered from the portal's own sequences.
Statuses, dates and people are spread deterministically (a multiplicative hash of the row
number), over the last two years. Idempotent: a second run finds the counts reached and inserts
nothing. Prints one line, TRACKING_DATA_MARKER and JSON: the counts, and samples the scenarios
filter by (case and authorization numbers, member and provider last names, NPIs and procedure
codes of the bench office's cases).

Imports Django: only ever imported inside `manage.py shell`.
"""

from __future__ import annotations

import json
import time

from django.db import connection, transaction

from accounts.models import User
from bench.wizard_data import BENCH_USERNAME, PROGRAM_CODE, _office_ensure

TRACKING_DATA_MARKER = "BENCH_TRACKING_DATA "
TOTAL_CASES = 1_000_000
TRACKING_OFFICE_CASES = 20_000
OTHER_OFFICES = 490
OTHER_OFFICE_PREFIX = "Bench Tracking Office "
BATCH = 100_000
SAMPLES = 200
# Of the member table's pages, the members drawn from (a million rows in the large set).
MEMBER_SAMPLE_PERCENT = 20
# Status by hash bucket out of 20: what an office's history looks like.
_STATUS_SQL = """
    CASE
        WHEN b < 9 THEN 'approved'
        WHEN b < 13 THEN 'in_review'
        WHEN b < 14 THEN 'hold'
        WHEN b < 15 THEN 'partially_approved'
        WHEN b < 18 THEN 'denied'
        ELSE 'cancelled'
    END
"""


def main() -> None:
    print(TRACKING_DATA_MARKER + json.dumps(tracking_data_ensure()), flush=True)


def tracking_data_ensure() -> dict:
    started = time.perf_counter()
    user = User.objects.get(username=BENCH_USERNAME)
    with transaction.atomic():
        office = _office_ensure(user)
        others = _other_offices_ensure(user)
    made = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM eligibility_program WHERE code = %s", [PROGRAM_CODE])
        program_id = cursor.fetchone()[0]
        submitted = _count(cursor, "office_id = %s AND submitted_at IS NOT NULL", [office.pk])
        made += _cases_make(
            cursor,
            count=TRACKING_OFFICE_CASES - submitted,
            offices=[office.pk],
            practitioners_of_office=office.pk,
            program_id=program_id,
            user_id=user.pk,
            seed=submitted,
        )
        total = _count(cursor, "TRUE", [])
        made += _cases_make(
            cursor,
            count=TOTAL_CASES - total,
            offices=others,
            practitioners_of_office=None,
            program_id=program_id,
            user_id=user.pk,
            seed=total,
        )
        if made:
            # The planner's statistics and, outside a transaction, the visibility map (the
            # index-only scans) for the new rows.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for table in ("cases_case", "cases_procedureline", "cases_statusevent"):
                cursor.execute(f"{command} {table}")  # noqa: S608 -- constant names
        result = {
            "office": office.pk,
            "office_cases": _count(
                cursor, "office_id = %s AND submitted_at IS NOT NULL", [office.pk]
            ),
            "total_cases": _count(cursor, "TRUE", []),
            "made": made,
            "seconds": round(time.perf_counter() - started, 1),
        }
        result |= _samples(cursor, office.pk)
    return result


def _count(cursor, where: str, params: list) -> int:
    cursor.execute(f"SELECT count(*) FROM cases_case WHERE {where}", params)  # noqa: S608
    return cursor.fetchone()[0]


def _other_offices_ensure(user: User) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_office (
                name, default_portal, address1, address2, city, state, zip_code, phone,
                phone_ext, fax, tax_id, registering_npi, primary_contact_id, created_at,
                updated_at
            )
            SELECT %(prefix)s || lpad(g::text, 3, '0'), 'carecore', g || ' Tracking Way', '',
                   'Franklin', 'TN', '37067', '6155480000', '', '6155480001', '', '', NULL,
                   now(), now()
            FROM generate_series(1, %(count)s) g
            WHERE NOT EXISTS (
                SELECT 1 FROM accounts_office o WHERE o.name = %(prefix)s || lpad(g::text, 3, '0')
            )
            """,
            {"prefix": OTHER_OFFICE_PREFIX, "count": OTHER_OFFICES},
        )
        cursor.execute(
            "SELECT id FROM accounts_office WHERE name LIKE %s ORDER BY name",
            [OTHER_OFFICE_PREFIX + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _cases_make(
    cursor,
    *,
    count: int,
    offices: list[int],
    practitioners_of_office: int | None,
    program_id: int,
    user_id: int,
    seed: int,
) -> int:
    """`count` submitted cases spread over `offices`, in batches (each its own transaction)."""
    if count <= 0:
        return 0
    _pools_make(cursor, practitioners_of_office)
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            _batch_insert(
                cursor,
                size=size,
                offices=offices,
                program_id=program_id,
                user_id=user_id,
                seed=seed + made,
            )
        made += size
    return made


def _pools_make(cursor, practitioners_of_office: int | None) -> None:
    """Numbered pools of members, practitioners (the office's own, or all active ones), sites
    and procedure codes to draw from by row number."""
    cursor.execute("DROP TABLE IF EXISTS tracking_members, tracking_practitioners, tracking_sites")
    cursor.execute("DROP TABLE IF EXISTS tracking_codes")
    cursor.execute(
        """
        CREATE TEMP TABLE tracking_members AS
        SELECT row_number() OVER (ORDER BY m.id) - 1 AS n, m.id, m.health_plan_id
        FROM eligibility_member m TABLESAMPLE SYSTEM (%s) REPEATABLE (3)
        """,
        [MEMBER_SAMPLE_PERCENT],
    )
    if practitioners_of_office is None:
        cursor.execute(
            """
            CREATE TEMP TABLE tracking_practitioners AS
            SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id, a.id AS address_id
            FROM eligibility_practitioner p
            JOIN eligibility_practitioneraddress a ON a.practitioner_id = p.id AND a.is_primary
            WHERE p.is_active
            """
        )
    else:
        cursor.execute(
            """
            CREATE TEMP TABLE tracking_practitioners AS
            SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id, a.id AS address_id
            FROM accounts_officepractitioner op
            JOIN eligibility_practitioner p ON p.id = op.practitioner_id
            JOIN eligibility_practitioneraddress a ON a.practitioner_id = p.id AND a.is_primary
            WHERE op.office_id = %s
            """,
            [practitioners_of_office],
        )
    cursor.execute(
        """
        CREATE TEMP TABLE tracking_sites AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, place_of_service
        FROM eligibility_site WHERE is_active
        """
    )
    cursor.execute(
        """
        CREATE TEMP TABLE tracking_codes AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS n, id
        FROM eligibility_procedurecode WHERE is_active
        """
    )
    for table in ("tracking_members", "tracking_practitioners", "tracking_sites", "tracking_codes"):
        cursor.execute(f"CREATE UNIQUE INDEX ON {table} (n)")  # noqa: S608 -- constant names
        cursor.execute(f"ANALYZE {table}")  # noqa: S608


def _batch_insert(
    cursor, *, size: int, offices: list[int], program_id: int, user_id: int, seed: int
) -> None:
    """One batch in one statement: the cases, their procedure lines and the status events of
    their submission."""
    cursor.execute(
        f"""
        WITH pool AS (
            SELECT (SELECT count(*) FROM tracking_members) AS members,
                   (SELECT count(*) FROM tracking_practitioners) AS practitioners,
                   (SELECT count(*) FROM tracking_sites) AS sites,
                   (SELECT count(*) FROM tracking_codes) AS codes
        ),
        numbered AS (
            SELECT g,
                   (g::bigint * 2654435761) %% 4294967296 AS h,
                   ((g::bigint * 40503) %% 65536) %% 20 AS b,
                   now() - (((g::bigint * 2654435761) %% 63072000) * interval '1 second') AS at
            FROM generate_series(%(seed)s + 1, %(seed)s + %(size)s) g
        ),
        cases AS (
            INSERT INTO cases_case (
                public_id, created_at, updated_at, status, start_token, expires_at, build_kind,
                build_kind_chosen, dme_role, contact_saved, contact_provider_name, contact_name,
                contact_fax, contact_phone, contact_phone_ext, contact_cell_phone,
                contact_email, notify_by_email, date_of_service, service_performed,
                patient_contact_saved, patient_cell_phone, patient_email, is_bilateral,
                service_confirmed, rendered_in_office, site_email, place_of_service,
                dme_attested, locked_at, coverage_id, created_by_id, delegation_id,
                health_plan_id, member_id, office_id, practitioner_id, practitioner_address_id,
                primary_diagnosis_id, program_id, secondary_diagnosis_id, site_id,
                source_case_id, additional_info, attested_at, authorization_number,
                case_number, due_at, expiration_date, is_routine, is_urgent, notes,
                p2p_required, pathway_outcome, review_date, submitted_at, urgency_criterion,
                urgency_done, pathway_id
            )
            SELECT
                gen_random_uuid(), r.at - interval '20 minutes', r.at, r.status, NULL, NULL,
                'new', TRUE, '', TRUE, 'Bench Provider', 'Bench Front Desk', '6155484001',
                '6155484000', '', '', 'frontdesk@bench.example', TRUE,
                (r.at + interval '14 days')::date, FALSE, TRUE, '6155550199', '', FALSE, TRUE,
                FALSE, '', s.place_of_service, FALSE, r.at - interval '5 minutes',
                NULL, %(user)s, NULL, m.health_plan_id, m.id,
                (%(offices)s::bigint[])[1 + (r.g %% %(office_count)s)],
                p.id, p.address_id, NULL, %(program)s,
                NULL, s.id, NULL, 'none', r.at,
                CASE WHEN r.status IN ('approved', 'partially_approved')
                     THEN 'A' || nextval('cases_authorization_number_seq') END,
                nextval('cases_case_number_seq')::text,
                CASE WHEN r.status IN ('in_review', 'hold') THEN r.at + interval '7 days' END,
                CASE WHEN r.status IN ('approved', 'partially_approved')
                     THEN (r.at + interval '45 days')::date END,
                TRUE, (r.b = 19), '', FALSE,
                CASE WHEN r.status = 'approved' THEN 'approve' ELSE 'review' END,
                CASE WHEN r.status IN ('approved', 'partially_approved', 'denied', 'cancelled')
                     THEN r.at::date END,
                r.at, '', TRUE, NULL
            FROM (SELECT numbered.*, {_STATUS_SQL} AS status FROM numbered) r
            CROSS JOIN pool
            JOIN tracking_members m ON m.n = r.h %% pool.members
            JOIN tracking_practitioners p ON p.n = (r.h / 7) %% pool.practitioners
            JOIN tracking_sites s ON s.n = (r.h / 13) %% pool.sites
            RETURNING id, status, submitted_at
        ),
        lines AS (
            INSERT INTO cases_procedureline (
                case_id, position, procedure_code_id, quantity_requested, quantity_approved,
                modifiers
            )
            SELECT c.id, 1, codes.id, 1,
                   CASE WHEN c.status = 'approved' THEN 1
                        WHEN c.status = 'partially_approved' THEN 0 END, ''
            FROM cases c
            CROSS JOIN pool
            JOIN tracking_codes codes ON codes.n = (c.id * 2654435761 %% 4294967296) %% pool.codes
        )
        INSERT INTO cases_statusevent (case_id, from_status, to_status, by_id, at, reason, note)
        SELECT c.id, 'draft', c.status, %(user)s, c.submitted_at, 'Bench: submitted', ''
        FROM cases c
        """,  # noqa: S608 -- _STATUS_SQL is a constant
        {
            "seed": seed,
            "size": size,
            "user": user_id,
            "offices": offices,
            "office_count": len(offices),
            "program": program_id,
        },
    )


def _samples(cursor, office_id: int) -> dict:
    """Values of the bench office's submitted cases to filter by, spread over its cases."""
    cursor.execute(
        """
        SELECT c.case_number, coalesce(c.authorization_number, ''), m.last_name,
               p.last_name, p.npi, code.code
        FROM cases_case c
        JOIN eligibility_member m ON m.id = c.member_id
        JOIN eligibility_practitioner p ON p.id = c.practitioner_id
        JOIN cases_procedureline l ON l.case_id = c.id AND l.position = 1
        JOIN eligibility_procedurecode code ON code.id = l.procedure_code_id
        WHERE c.office_id = %s AND c.submitted_at IS NOT NULL
        ORDER BY md5(c.id::text)
        LIMIT %s
        """,
        [office_id, SAMPLES],
    )
    rows = cursor.fetchall()
    return {
        "case_numbers": [row[0] for row in rows],
        "authorization_numbers": [row[1] for row in rows if row[1]],
        "member_last_names": [row[2] for row in rows],
        "provider_last_names": [row[3] for row in rows],
        "npis": [row[4] for row in rows],
        "procedure_codes": sorted({row[5] for row in rows}),
    }
