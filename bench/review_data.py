"""Medical review's bench data (issue 8, "Tests and speed"), made in the bench database by
`manage.py shell` (see bench.review.review_data_prepare):

- the bench reviewer ("bench.reviewer"): a nurse reviewer of the review programs and their
  queue's lead, with a password and an authenticator app (TOTP) the bench chooses each run;
  and a few colleagues (nurse reviewers who never sign in) some cases are assigned to;
- REVIEW_CASES open cases of those programs, all of the office "Bench Review Office" (which
  marks them): submitted cases with their primary procedure line and the status event of their
  submission, loaded once with INSERT ... SELECT over generate_series from the members of
  plans delegating the programs, active practitioners, sites and the programs' procedure codes
  the large data set already has, numbered from the portal's own sequences.

The review programs are not the bench office's radiology program (bench.wizard_data), whose
million tracking cases (bench.tracking_data) hold open cases of their own: the reviewer's queue
is these cases and nothing else.

Where a case is in the review is a function of its id and of the moment (`review_state_set`):
20 % on hold (hold due within 8 days), the rest in review; 10 % urgent; initial review mostly,
some reconsiderations, appeals and retrospective reviews; some with information received, to
decide on the original submission, escalated to a medical director; 15 % assigned to a
colleague and 2 % to the bench reviewer; due times spread from a day overdue to a week ahead
(urgent: six hours overdue to 72 hours ahead). Every run sets that state again from its own
moment, so the queue looks the same whatever day the data was loaded, and a run that stopped
half-way (a case taken and not released, a sweep's moves) leaves no trace in the next.

The sweeps (bench.review.sweeps_measure) need the same cases in the state each sweeps: the
`*_reset` functions put all of them in it (held past due, due within 24 hours, past due, their
alerts forgotten), and `review_state_set` puts them back afterwards.

Imports Django: only ever imported inside `manage.py shell` (or the tests).
"""

from __future__ import annotations

import json
import os
import time

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Office, User

REVIEW_DATA_MARKER = "BENCH_REVIEW_DATA "
REVIEWER_USERNAME = "bench.reviewer"
REVIEWER_EMAIL = "bench.reviewer@example.org"
COLLEAGUES = tuple(f"bench.nurse.{n}" for n in range(1, 6))
REVIEW_PROGRAM_CODES = ("musculoskeletal", "sleep", "gastroenterology")
OFFICE_NAME = "Bench Review Office"
REVIEW_CASES = 100_000
BATCH = 50_000
# Members drawn from, of the plans that delegate a review program.
MEMBERS = 20_000
BENCH_REASON = "Bench: submitted to medical review"

# The row's hash and its buckets (each 0-99, independent enough for a spread).
_HASH = "((c.id::bigint * 2654435761) %% 4294967296)"

# The state of every case of the set at %(now)s, from its id alone (see the module's text).
_STATE_SQL = f"""
WITH h AS (
    SELECT c.id, {_HASH} AS h FROM cases_case c WHERE c.office_id = %(office)s
), b AS (
    SELECT id, h,
           h %% 100 AS status_b, (h / 100) %% 100 AS urgent_b, (h / 10000) %% 100 AS level_b,
           (h / 1000000) %% 100 AS marker_b, (h / 7) %% 100 AS assigned_b,
           (h / 11) %% 11520 AS minutes
    FROM h
), s AS (
    SELECT id, h, marker_b, assigned_b,
           CASE WHEN status_b < 20 THEN 'hold' ELSE 'in_review' END AS status,
           urgent_b < 10 AS urgent,
           CASE WHEN level_b < 85 THEN 'initial' WHEN level_b < 92 THEN 'reconsideration'
                WHEN level_b < 97 THEN 'appeal' ELSE 'retrospective' END AS level,
           CASE WHEN urgent_b < 10
                THEN %(now)s - interval '6 hours' + ((minutes %% 4680) * interval '1 minute')
                ELSE %(now)s - interval '1 day' + ((minutes %% 11520) * interval '1 minute')
           END AS due_at,
           minutes
    FROM b
)
UPDATE cases_case c SET
    status = s.status,
    is_urgent = s.urgent,
    review_level = s.level,
    due_at = s.due_at,
    submitted_at = s.due_at - CASE WHEN s.urgent THEN interval '72 hours' ELSE interval '7 days'
                              END,
    hold_due_at = CASE WHEN s.status = 'hold'
                       THEN %(now)s + interval '1 hour' + (s.minutes * interval '1 minute')
                  END,
    information_received_at = CASE WHEN s.status = 'in_review' AND s.marker_b < 10
                                   THEN %(now)s - interval '2 days' END,
    decide_on_original = s.status = 'in_review' AND s.marker_b BETWEEN 10 AND 12,
    needs_medical_director = s.status = 'in_review' AND s.marker_b BETWEEN 13 AND 17,
    assigned_to_id = CASE WHEN s.status = 'hold' THEN NULL
                          WHEN s.assigned_b < 15
                          THEN (%(colleagues)s::bigint[])[1 + s.h %% %(colleague_count)s]
                          WHEN s.assigned_b < 17 THEN %(reviewer)s END,
    assigned_at = CASE WHEN s.status = 'in_review' AND s.assigned_b < 17
                       THEN %(now)s - interval '1 hour' END,
    updated_at = %(now)s
FROM s WHERE c.id = s.id
"""  # noqa: S608 -- _HASH is a constant

# The sweeps' states, over the same cases: the hash spreads the times.
_HELD_PAST_DUE_SQL = f"""
UPDATE cases_case c SET
    status = 'hold', assigned_to_id = NULL, assigned_at = NULL,
    information_received_at = NULL, decide_on_original = FALSE,
    hold_due_at = %(now)s - interval '1 minute' - ((({_HASH} / 11) %% 20160) * interval '1 minute')
WHERE c.office_id = %(office)s
"""  # noqa: S608 -- _HASH is a constant
_DUE_SOON_SQL = f"""
UPDATE cases_case c SET
    due_at = %(now)s + interval '1 minute' + ((({_HASH} / 11) %% 1438) * interval '1 minute')
WHERE c.office_id = %(office)s
"""  # noqa: S608 -- _HASH is a constant
_PAST_DUE_SQL = f"""
UPDATE cases_case c SET
    due_at = %(now)s - interval '1 minute' - ((({_HASH} / 11) %% 14400) * interval '1 minute')
WHERE c.office_id = %(office)s
"""  # noqa: S608 -- _HASH is a constant


def main() -> None:
    data = review_data_ensure(
        password=os.environ.get("BENCH_REVIEWER_PASSWORD", ""),
        totp_key=os.environ.get("BENCH_REVIEWER_TOTP_KEY", ""),
    )
    print(REVIEW_DATA_MARKER + json.dumps(data), flush=True)


def review_data_ensure(
    *,
    password: str = "",
    totp_key: str = "",
    total: int = REVIEW_CASES,
    program_codes: tuple[str, ...] = REVIEW_PROGRAM_CODES,
    members: int = MEMBERS,
) -> dict:
    """The reviewer (signing in with `password` and the TOTP device of hex `totp_key`, when
    given), the office and its `total` open cases (topped up), each in its state of now."""
    from eligibility.models import Program

    started = time.perf_counter()
    now = timezone.now()
    programs = list(Program.objects.filter(code__in=program_codes).order_by("code"))
    if len(programs) != len(program_codes):
        raise SystemExit(f"review programs missing: {sorted(program_codes)}")
    with transaction.atomic():
        reviewer = _reviewer_ensure(programs, password=password, totp_key=totp_key)
        for name in COLLEAGUES:
            _colleague_ensure(name, programs)
        office = _office_ensure()
    made = 0
    with connection.cursor() as cursor:
        existing = _count(cursor, office.pk)
        if existing < total:
            made = _cases_make(
                cursor,
                count=total - existing,
                office_id=office.pk,
                program_ids=[program.pk for program in programs],
                user_id=reviewer.pk,
                members=members,
            )
        with transaction.atomic():
            review_state_set(cursor, office.pk, now=now)
        _vacuum(cursor)
        counts = _state_counts(cursor, office.pk)
    return {
        "reviewer": reviewer.username,
        "office": office.pk,
        "cases": sum(counts.values()),
        "made": made,
        "seconds": round(time.perf_counter() - started, 1),
        "programs": [program.code for program in programs],
        "counts": counts,
    }


def review_office() -> Office:
    return Office.objects.get(name=OFFICE_NAME)


def _reviewer_ensure(programs, *, password: str, totp_key: str) -> User:
    user, _ = User.objects.get_or_create(
        username=REVIEWER_USERNAME, defaults={"email": REVIEWER_EMAIL}
    )
    user.first_name, user.last_name, user.email = "Bench", "Reviewer", REVIEWER_EMAIL
    user.reviewer_role = User.ReviewerRole.NURSE_REVIEWER
    user.is_review_lead = True
    user.is_active = True
    if password:
        user.set_password(password)
    user.save()
    user.review_programs.set(programs)
    if totp_key:
        from axes.utils import reset
        from django_otp import devices_for_user
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for device in devices_for_user(user, confirmed=None):
            device.delete()
        TOTPDevice.objects.create(user=user, name="default", key=totp_key, confirmed=True)
        reset(username=REVIEWER_USERNAME)
    return user


def _colleague_ensure(username: str, programs) -> int:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "email": f"{username}@example.org",
            "first_name": "Bench",
            "last_name": f"Nurse {username.rsplit('.', 1)[-1]}",
            "reviewer_role": User.ReviewerRole.NURSE_REVIEWER,
        },
    )
    user.review_programs.set(programs)
    return user.pk


def _office_ensure() -> Office:
    office, _ = Office.objects.get_or_create(
        name=OFFICE_NAME,
        defaults={
            "address1": "200 Bench Way",
            "city": "Franklin",
            "state": "TN",
            "zip_code": "37067",
            "phone": "6155484100",
            "fax": "6155484101",
            "primary_contact": None,
        },
    )
    return office


def _count(cursor, office_id: int) -> int:
    cursor.execute("SELECT count(*) FROM cases_case WHERE office_id = %s", [office_id])
    return cursor.fetchone()[0]


def _state_counts(cursor, office_id: int) -> dict[str, int]:
    cursor.execute(
        "SELECT status, count(*) FROM cases_case WHERE office_id = %s GROUP BY status "
        "ORDER BY status",
        [office_id],
    )
    return dict(cursor.fetchall())


def _vacuum(cursor) -> None:
    """The planner's statistics and (outside a transaction) the visibility map for what was
    written, the case table's indexes rebuilt and a checkpoint: the bench measures the queries,
    not the clean-up of its own bulk updates. Each run rewrites the 100,000 cases several times at
    once, which no portal does; without the rebuild their indexes grow run after run (the
    queue's from 8 to 73 MB) and every later measure reads the bloat."""
    if connection.in_atomic_block:
        for table in ("cases_case", "cases_duealert"):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 -- constant names
        return
    cursor.execute("REINDEX TABLE cases_case")
    for table in ("cases_case", "cases_duealert"):
        cursor.execute(f"VACUUM (ANALYZE) {table}")  # noqa: S608 -- constant names
    # The bulk update's pages written out now, not by a checkpoint during the next measure.
    cursor.execute("CHECKPOINT")


def review_state_set(cursor, office_id: int, *, now) -> None:
    """Every case of the set in its review state at `now` (the module's text), its alerts and
    the sweeps' status events forgotten."""
    reviewer, colleagues = _reviewer_ids()
    cursor.execute(
        _STATE_SQL,
        {
            "office": office_id,
            "now": now,
            "reviewer": reviewer,
            "colleagues": colleagues,
            "colleague_count": len(colleagues),
        },
    )
    _alerts_forget(cursor, office_id)
    cursor.execute(
        "DELETE FROM cases_statusevent e USING cases_case c "
        "WHERE e.case_id = c.id AND c.office_id = %s AND e.reason <> %s",
        [office_id, BENCH_REASON],
    )


def _reviewer_ids() -> tuple[int, list[int]]:
    reviewer = User.objects.get(username=REVIEWER_USERNAME).pk
    colleagues = User.objects.filter(username__in=COLLEAGUES).order_by("username")
    return reviewer, list(colleagues.values_list("pk", flat=True))


def _alerts_forget(cursor, office_id: int) -> None:
    cursor.execute(
        "DELETE FROM cases_duealert a USING cases_case c "
        "WHERE a.case_id = c.id AND c.office_id = %s",
        [office_id],
    )


def holds_past_due_reset(*, now) -> int:
    """Every case of the set on hold, its hold due time passed (a minute to 14 days ago), ready
    for cases.review.holds.holds_expire. Returns how many."""
    return _reset(_HELD_PAST_DUE_SQL, now=now)


def due_soon_reset(*, now) -> int:
    """Every case of the set in its review state, due within the next 24 hours and never
    warned of, ready for cases.review.due.due_warnings_send. Returns how many."""
    return _reset(_DUE_SOON_SQL, now=now)


def past_due_reset(*, now) -> int:
    """Every case of the set in its review state, past its due time with no breach recorded,
    ready for cases.review.due.due_breaches_record. Returns how many."""
    return _reset(_PAST_DUE_SQL, now=now)


def review_state_restore(*, now) -> None:
    """The set back in its review state at `now` (after the sweeps)."""
    office_id = review_office().pk
    with connection.cursor() as cursor:
        with transaction.atomic():
            review_state_set(cursor, office_id, now=now)
        _vacuum(cursor)


def _reset(statement: str, *, now) -> int:
    office_id = review_office().pk
    with connection.cursor() as cursor:
        with transaction.atomic():
            review_state_set(cursor, office_id, now=now)
            cursor.execute(statement, {"office": office_id, "now": now})
            changed = cursor.rowcount
        _vacuum(cursor)
    return changed


def _cases_make(
    cursor, *, count: int, office_id: int, program_ids: list[int], user_id: int, members: int
) -> int:
    """`count` submitted cases of the office in the programs, in batches (each its own
    transaction)."""
    _pools_make(cursor, program_ids, members)
    cursor.execute("SELECT count(*) FROM review_pool")
    if not cursor.fetchone()[0]:
        raise SystemExit("no member of a plan delegating the review programs")
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        with transaction.atomic():
            _batch_insert(cursor, size=size, office_id=office_id, user_id=user_id, seed=made)
        made += size
    return made


def _pools_make(cursor, program_ids: list[int], members: int) -> None:
    """Numbered pools to draw from by row number: (member, its plan's delegation of a review
    program) pairs, practitioners with their primary address, sites, and each program's
    procedure codes."""
    for table in ("review_pool", "review_practitioners", "review_sites", "review_codes"):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 -- constant names
    cursor.execute(
        """
        CREATE TEMP TABLE review_pool AS
        WITH delegations AS (
            SELECT d.id, d.health_plan_id, d.program_id
            FROM eligibility_delegation d
            WHERE d.program_id = ANY(%(programs)s)
              AND EXISTS (SELECT 1 FROM eligibility_procedurecode_programs pp
                          WHERE pp.program_id = d.program_id)
        ), chosen AS (
            SELECT m.id, m.health_plan_id FROM eligibility_member m
            WHERE m.health_plan_id IN (SELECT health_plan_id FROM delegations)
            ORDER BY m.id LIMIT %(members)s
        )
        SELECT row_number() OVER (ORDER BY m.id, d.id) - 1 AS n,
               m.id AS member_id, m.health_plan_id, d.id AS delegation_id, d.program_id
        FROM chosen m JOIN delegations d ON d.health_plan_id = m.health_plan_id
        """,
        {"programs": program_ids, "members": members},
    )
    cursor.execute(
        """
        CREATE TEMP TABLE review_practitioners AS
        SELECT row_number() OVER (ORDER BY p.id) - 1 AS n, p.id, a.id AS address_id
        FROM eligibility_practitioner p
        JOIN eligibility_practitioneraddress a ON a.practitioner_id = p.id AND a.is_primary
        WHERE p.is_active
        """
    )
    cursor.execute(
        """
        CREATE TEMP TABLE review_sites AS
        SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, place_of_service
        FROM eligibility_site WHERE is_active
        """
    )
    cursor.execute(
        """
        CREATE TEMP TABLE review_codes AS
        SELECT pp.program_id,
               row_number() OVER (PARTITION BY pp.program_id ORDER BY pp.procedurecode_id) - 1
                   AS n,
               count(*) OVER (PARTITION BY pp.program_id) AS codes,
               pp.procedurecode_id AS id
        FROM eligibility_procedurecode_programs pp
        JOIN eligibility_procedurecode code ON code.id = pp.procedurecode_id AND code.is_active
        WHERE pp.program_id = ANY(%s)
        """,
        [program_ids],
    )
    cursor.execute("CREATE UNIQUE INDEX ON review_pool (n)")
    cursor.execute("CREATE UNIQUE INDEX ON review_practitioners (n)")
    cursor.execute("CREATE UNIQUE INDEX ON review_sites (n)")
    cursor.execute("CREATE UNIQUE INDEX ON review_codes (program_id, n)")
    for table in ("review_pool", "review_practitioners", "review_sites", "review_codes"):
        cursor.execute(f"ANALYZE {table}")  # noqa: S608 -- constant names


def _batch_insert(cursor, *, size: int, office_id: int, user_id: int, seed: int) -> None:
    """One batch in one statement: the cases (in review, placeholder times: review_state_set
    sets them), their primary procedure lines and the status events of their submission."""
    cursor.execute(
        """
        WITH pool AS (
            SELECT (SELECT count(*) FROM review_pool) AS pairs,
                   (SELECT count(*) FROM review_practitioners) AS practitioners,
                   (SELECT count(*) FROM review_sites) AS sites
        ),
        numbered AS (
            SELECT g, (g::bigint * 2654435761) %% 4294967296 AS h
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
                source_case_id, additional_info, attested_at, case_number, due_at, is_routine,
                is_urgent, notes, p2p_required, pathway_outcome, submitted_at,
                urgency_criterion, urgency_done, pathway_id
            )
            SELECT
                gen_random_uuid(), now(), now(), 'in_review', NULL, NULL,
                'new', TRUE, '', TRUE, 'Bench Provider', 'Bench Review Desk', '6155484101',
                '6155484100', '', '', 'review@bench.example', TRUE,
                (now() + interval '14 days')::date, FALSE, TRUE, '6155550199', '', FALSE, TRUE,
                FALSE, '', s.place_of_service, FALSE, now(),
                NULL, %(user)s, m.delegation_id, m.health_plan_id, m.member_id, %(office)s,
                p.id, p.address_id, NULL, m.program_id, NULL, s.id, NULL, 'none', now(),
                nextval('cases_case_number_seq')::text, now(), TRUE, FALSE, '', FALSE,
                'review', now(), '', TRUE, NULL
            FROM numbered r
            CROSS JOIN pool
            JOIN review_pool m ON m.n = r.h %% pool.pairs
            JOIN review_practitioners p ON p.n = (r.h / 7) %% pool.practitioners
            JOIN review_sites s ON s.n = (r.h / 13) %% pool.sites
            RETURNING id, program_id, status, submitted_at
        ),
        lines AS (
            INSERT INTO cases_procedureline (
                case_id, position, procedure_code_id, quantity_requested, modifiers
            )
            SELECT c.id, 1, codes.id, 1, ''
            FROM cases c
            JOIN review_codes codes
              ON codes.program_id = c.program_id
             AND codes.n = ((c.id * 2654435761) %% 4294967296) %% codes.codes
        )
        INSERT INTO cases_statusevent (case_id, from_status, to_status, by_id, at, reason, note)
        SELECT c.id, 'draft', c.status, %(user)s, c.submitted_at, %(reason)s, ''
        FROM cases c
        """,
        {
            "seed": seed,
            "size": size,
            "user": user_id,
            "office": office_id,
            "reason": BENCH_REASON,
        },
    )
