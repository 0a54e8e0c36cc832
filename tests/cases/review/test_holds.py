"""Hold, "Additional Information Required": a reviewer's hold with its checklist and due date
(a status event, a determination, the letters queued), its guards, the information received
sending the case back to the queue, and the beat sweep putting holds past due back in the queue
to be decided on the original submission. Clocks are explicit."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.clinical.submission import decision_due_at
from cases.errors import CaseError
from cases.letters.services import letters_render
from cases.models import Case, Determination, Letter, StatusEvent
from cases.review import holds
from cases.review.checklists import (
    DME,
    GENERAL,
    HOLD_CHECKLIST,
    UNKNOWN_ITEM,
    hold_checklist_choices,
    hold_checklist_groups,
)
from cases.review.holds import (
    DIRECTOR_ONLY,
    EXPIRED_REASON,
    HOLD_REASON,
    INFORMATION_RECEIVED_REASON,
    NOTE_MAX_LENGTH,
    NOTE_TOO_LONG,
    NOTHING_ASKED,
    case_hold,
    hold_information_received,
    holds_expire,
)
from eligibility.models import Delegation
from tests.cases.clinical.test_uploads import pdf_bytes
from tests.cases.review.conftest import in_review, row_locked_elsewhere

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Monday 10 March 2025, 3 PM in New York.
NOW = dt.datetime(2025, 3, 10, 15, 0, tzinfo=NEW_YORK)


def hold(user, case, *, now=NOW, checklist=("office_notes",), note="") -> Case:
    return case_hold(
        user=user, public_id=case.public_id, now=now, checklist=list(checklist), note=note
    )


def events(case) -> list[tuple]:
    """The case's status events after it went to review: (from, to, by, at, reason, note)."""
    rows = StatusEvent.objects.filter(case=case).exclude(from_status=Case.Status.DRAFT)
    return list(rows.values_list("from_status", "to_status", "by", "at", "reason", "note"))


def held(world, nurse, *, due, **values) -> Case:
    """A case put on hold by the nurse, its hold due at `due`."""
    case = in_review(world, **values)
    hold(nurse, case)
    Case.objects.filter(pk=case.pk).update(hold_due_at=due)
    return Case.objects.get(pk=case.pk)


# The hold.


def test_a_hold_asks_for_the_checklist_by_the_due_date(world, nurse):
    Delegation.objects.filter(pk=world.delegation.pk).update(
        hold_response_days=14, decision_days_are_business_days=False
    )
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=nurse, assigned_at=NOW)
    due_before = Case.objects.get(pk=case.pk).due_at

    held_case = hold(
        nurse,
        case,
        checklist=["lab_results", "office_notes", "dme_cmn"],
        note="  Please send the MRI report of 2/2.  ",
    )

    case = Case.objects.get(pk=case.pk)
    assert held_case.pk == case.pk
    assert case.status == Case.Status.HOLD
    # The end of the 14th calendar day, in the portal's time zone.
    assert case.hold_due_at == dt.datetime(2025, 3, 25, 0, 0, tzinfo=NEW_YORK)
    assert case.assigned_to is None and case.assigned_at is None
    assert case.due_at == due_before
    (event,) = StatusEvent.objects.filter(case=case, to_status=Case.Status.HOLD)
    assert (event.from_status, event.by, event.at, event.reason, event.note) == (
        Case.Status.IN_REVIEW,
        nurse,
        NOW,
        HOLD_REASON,
        "Please send the MRI report of 2/2.",
    )
    determination = Determination.objects.get(case=case)
    assert determination.status_event == event
    assert determination.outcome == Determination.Outcome.HOLD
    assert determination.review_level == Case.ReviewLevel.INITIAL
    assert (determination.decided_by, determination.decided_at) == (nurse, NOW)
    assert determination.rationale == "Please send the MRI report of 2/2."
    assert determination.hold_due_at == case.hold_due_at
    # The labels, in the checklist's order.
    assert determination.hold_checklist == [
        "Recent office visit notes / clinical notes",
        "Laboratory results relevant to the requested services",
        "Certificate of medical necessity (CMN)",
    ]


def test_the_hold_letter_is_made_when_the_hold_commits(
    world, nurse, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = in_review(world)
    with django_capture_on_commit_callbacks() as callbacks:
        hold(nurse, case, checklist=["imaging_reports"])
    # The letters' task is queued once the hold commits; it runs what letters_render does.
    assert len(callbacks) == 1
    event = StatusEvent.objects.get(case=case, to_status=Case.Status.HOLD)
    letters_render(status_event_id=event.pk)
    letters = Letter.objects.filter(status_event=event)
    assert set(letters.values_list("kind", flat=True)) == {Letter.Kind.HOLD}
    assert Letter.Recipient.PROVIDER in set(letters.values_list("recipient", flat=True))


def test_a_note_alone_or_the_checklist_alone_is_enough(world, nurse):
    by_note = in_review(world)
    hold(nurse, by_note, checklist=[], note="The operative report.")
    by_list = in_review(world)
    hold(nurse, by_list, checklist=["dme_prescription", "dme_vendor"])

    assert Determination.objects.get(case=by_note).hold_checklist == []
    assert Determination.objects.get(case=by_note).rationale == "The operative report."
    assert Determination.objects.get(case=by_list).hold_checklist == [
        "Written prescription",
        "DME vendor/site",
    ]
    assert Determination.objects.get(case=by_list).rationale == ""


def test_an_item_chosen_twice_is_listed_once(world, nurse):
    case = in_review(world)
    hold(nurse, case, checklist=["treatment_plan", "treatment_plan"])
    assert Determination.objects.get(case=case).hold_checklist == ["The treatment plan"]


@pytest.mark.parametrize(
    ("checklist", "note", "message"),
    [
        ([], "", NOTHING_ASKED),
        ([], "   \n ", NOTHING_ASKED),
        (["office_notes", "x-rays"], "", UNKNOWN_ITEM),
        (["Written prescription"], "", UNKNOWN_ITEM),
        ([7], "", UNKNOWN_ITEM),
        ([None], "A note.", UNKNOWN_ITEM),
        ("office_notes", "", UNKNOWN_ITEM),
        (["office_notes"], "x" * (NOTE_MAX_LENGTH + 1), NOTE_TOO_LONG),
    ],
)
def test_a_hold_asking_for_nothing_or_for_unknown_items_is_refused(
    world, nurse, checklist, note, message
):
    case = in_review(world)
    with pytest.raises(CaseError, match=message):
        case_hold(user=nurse, public_id=case.public_id, now=NOW, checklist=checklist, note=note)
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW
    assert events(case) == []
    assert not Determination.objects.exists()


@pytest.mark.parametrize(
    "status", [Case.Status.HOLD, Case.Status.APPROVED, Case.Status.DENIED, Case.Status.CANCELLED]
)
def test_only_a_case_in_review_can_be_put_on_hold(world, nurse, status):
    case = in_review(world, status=status)
    with pytest.raises(CaseError, match="cannot be put on hold"):
        hold(nurse, case)
    assert Case.objects.get(pk=case.pk).status == status
    assert events(case) == [] and not Determination.objects.exists()


def test_a_hold_twice_is_refused_the_second_time(world, nurse):
    case = in_review(world)
    hold(nurse, case)
    with pytest.raises(CaseError, match="Additional Information Required"):
        hold(nurse, case, now=NOW + dt.timedelta(minutes=1))
    assert len(events(case)) == 1 and Determination.objects.count() == 1


def test_a_reviewer_of_another_program_or_an_office_user_finds_no_case(world, other_nurse):
    case = in_review(world)
    for user in (other_nurse, world.user):
        with pytest.raises(Case.DoesNotExist):
            hold(user, case)
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW
    assert events(case) == []


def test_a_case_escalated_to_a_medical_director_is_held_by_a_director_only(world, nurse, director):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(needs_medical_director=True)
    with pytest.raises(CaseError, match=DIRECTOR_ONLY):
        hold(nurse, case)
    hold(director, case)
    assert Case.objects.get(pk=case.pk).status == Case.Status.HOLD
    assert Determination.objects.get(case=case).decided_by == director


def test_a_reconsiderations_hold_keeps_its_review_level(world, director):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(review_level=Case.ReviewLevel.RECONSIDERATION)
    hold(director, case)
    assert Determination.objects.get(case=case).review_level == Case.ReviewLevel.RECONSIDERATION


def test_the_checklist_has_the_dme_decks_items_in_its_words():
    labels = list(HOLD_CHECKLIST.values())
    for words in (
        "Written prescription",
        "Certificate of medical necessity (CMN)",
        "Preauthorization request form",
        "Most recent office visit notes (for most requests, must be within last 3 months)",
        "Current detailed invoice listing all requested equipment",
        "Diagnosis (if part of discharge plan, include the admitting diagnosis)",
        "Patient history and physical exam findings, progress notes, wound or incision/location",
        "Rental vs Purchase and Quantity requested (if applicable)",
        "Has the patient previously used this/these item(s)",
        "DME vendor/site",
    ):
        assert words in labels
    assert len(labels) == len(set(labels)) == len(GENERAL.items) + len(DME.items)
    assert hold_checklist_groups(equipment=True) == (DME, GENERAL)
    assert hold_checklist_groups() == (GENERAL, DME)
    choices = hold_checklist_choices(equipment=True)
    assert choices[0][0] == "Durable Medical Equipment"
    assert choices[0][1][0] == ("dme_prescription", "Written prescription")


# The information received.


def test_the_information_received_sends_the_case_back_to_the_queue(world, nurse):
    case = held(world, nurse, due=NOW + dt.timedelta(days=14))
    received = NOW + dt.timedelta(days=2)

    with transaction.atomic():
        locked = (
            Case.objects.select_related("delegation")
            .select_for_update(of=("self",))
            .get(pk=case.pk)
        )
        event = hold_information_received(locked, user=world.user, note="Labs", now=received)

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW
    assert case.information_received_at == received
    assert case.hold_due_at is None
    assert case.decide_on_original is False
    assert case.due_at == decision_due_at(case, now=received)
    assert (event.from_status, event.to_status, event.by, event.at, event.reason, event.note) == (
        Case.Status.HOLD,
        Case.Status.IN_REVIEW,
        world.user,
        received,
        INFORMATION_RECEIVED_REASON,
        "Labs",
    )


def test_information_for_a_case_not_on_hold_is_refused(world):
    case = in_review(world)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        with pytest.raises(CaseError, match="not waiting for additional information"):
            hold_information_received(locked, user=world.user, now=NOW)
    assert Case.objects.get(pk=case.pk).information_received_at is None


def test_an_upload_of_additional_clinical_answers_the_hold(
    world, nurse, office_client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = in_review(world)
    hold(nurse, case, now=dt.datetime.now(tz=NEW_YORK))

    response = office_client.post(
        reverse("cases:upload-clinical", kwargs={"public_id": case.public_id}),
        {"files": [SimpleUploadedFile("notes.pdf", pdf_bytes())], "note": "Office notes"},
    )

    assert response.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.IN_REVIEW
    assert case.information_received_at is not None and case.hold_due_at is None
    last = StatusEvent.objects.filter(case=case).last()
    assert (last.from_status, last.to_status, last.reason, last.note) == (
        Case.Status.HOLD,
        Case.Status.IN_REVIEW,
        INFORMATION_RECEIVED_REASON,
        "Office notes",
    )


def test_a_new_hold_after_the_information_starts_afresh(world, nurse):
    case = held(world, nurse, due=NOW + dt.timedelta(days=14))
    with transaction.atomic():
        locked = (
            Case.objects.select_related("delegation")
            .select_for_update(of=("self",))
            .get(pk=case.pk)
        )
        hold_information_received(locked, user=world.user, now=NOW + dt.timedelta(days=1))

    hold(nurse, case, now=NOW + dt.timedelta(days=2))

    case = Case.objects.get(pk=case.pk)
    assert case.status == Case.Status.HOLD
    assert case.information_received_at is None
    assert Determination.objects.filter(case=case).count() == 2


# Holds past due.


def test_holds_past_due_go_back_to_the_queue_to_be_decided_on_the_original(world, nurse):
    now = NOW + dt.timedelta(days=20)
    past = held(world, nurse, due=now - dt.timedelta(minutes=1))
    just_due = held(world, nurse, due=now)
    not_yet = held(world, nurse, due=now + dt.timedelta(minutes=1))
    pending = in_review(world)

    assert holds_expire(now=now) == 2

    for case in (past, just_due):
        case = Case.objects.get(pk=case.pk)
        assert case.status == Case.Status.IN_REVIEW
        assert case.decide_on_original is True
        assert case.due_at == now
        assert case.hold_due_at is None
        assert events(case)[-1] == (
            Case.Status.HOLD,
            Case.Status.IN_REVIEW,
            None,
            now,
            EXPIRED_REASON,
            "",
        )
    not_yet = Case.objects.get(pk=not_yet.pk)
    assert not_yet.status == Case.Status.HOLD and not not_yet.decide_on_original
    assert Case.objects.get(pk=pending.pk).decide_on_original is False
    assert events(pending) == []
    # No determination and no letter for the sweep's move.
    assert Determination.objects.count() == 3


def test_running_the_sweep_again_moves_nothing_more(world, nurse):
    now = NOW + dt.timedelta(days=20)
    case = held(world, nurse, due=now - dt.timedelta(hours=1))
    assert holds_expire(now=now) == 1
    assert holds_expire(now=now) == 0
    assert holds_expire(now=now + dt.timedelta(hours=1)) == 0
    assert StatusEvent.objects.filter(case=case, reason=EXPIRED_REASON).count() == 1
    assert Case.objects.get(pk=case.pk).due_at == now


def test_the_sweep_takes_every_case_across_its_batches(world, nurse):
    now = NOW + dt.timedelta(days=20)
    same_time = now - dt.timedelta(hours=2)
    cases = [held(world, nurse, due=same_time) for _ in range(3)]
    cases += [held(world, nurse, due=now - dt.timedelta(minutes=m)) for m in (1, 5)]

    assert holds_expire(now=now, batch_size=2) == 5

    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True)
    ) == {Case.Status.IN_REVIEW}
    assert StatusEvent.objects.filter(reason=EXPIRED_REASON).count() == 5


REFUSE_ONE = """
CREATE FUNCTION test_holds_refuse_one() RETURNS trigger AS $$
BEGIN
    IF NEW.id = {pk} AND NEW.status = 'in_review' THEN
        RAISE EXCEPTION 'case % refused', NEW.id;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER test_holds_refuse_one BEFORE UPDATE ON {table}
    FOR EACH ROW EXECUTE FUNCTION test_holds_refuse_one();
"""


def test_one_cases_failure_does_not_stop_the_others(world, nurse, caplog):
    now = NOW + dt.timedelta(days=20)
    cases = [held(world, nurse, due=now - dt.timedelta(minutes=m)) for m in (3, 2, 1)]
    failing = cases[1]
    # A real failure of the database for one case (the trigger goes with the test's rollback).
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_ONE.format(pk=failing.pk, table=Case._meta.db_table))

    assert holds_expire(now=now) == 2

    statuses = dict(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "status"))
    assert statuses == {
        cases[0].pk: Case.Status.IN_REVIEW,
        failing.pk: Case.Status.HOLD,
        cases[2].pk: Case.Status.IN_REVIEW,
    }
    assert StatusEvent.objects.filter(case=failing, reason=EXPIRED_REASON).count() == 0
    assert f"Hold past due of case id {failing.pk}" in caplog.text


def test_the_sweeps_queries_do_not_grow_with_the_cases(world, nurse):
    now = NOW + dt.timedelta(days=20)

    def queries_for(count: int) -> int:
        for _ in range(count):
            held(world, nurse, due=now - dt.timedelta(minutes=1))
        with CaptureQueriesContext(connection) as queries:
            assert holds_expire(now=now) == count
        return len(queries)

    assert queries_for(3) == queries_for(30)


@pytest.mark.django_db(transaction=True)
def test_two_connections_share_the_ranges_each_case_moved_once(world, nurse, monkeypatch):
    now = NOW + dt.timedelta(days=20)
    cases = [held(world, nurse, due=now - dt.timedelta(minutes=m)) for m in range(1, 6)]
    swept = []
    ranges_sweep = holds._ranges_expire_on_its_connection

    def watched(ranges, **kwargs):
        moved = ranges_sweep(ranges, **kwargs)
        swept.append((threading.current_thread().name, len(ranges), moved))
        return moved

    monkeypatch.setattr(holds, "_ranges_expire_on_its_connection", watched)

    assert holds_expire(now=now, batch_size=2, shares=2) == 5

    # Three ranges (2, 2 and the 1 left): the first and the third on one thread (and so one
    # connection), the second on the other.
    assert sorted((ranges, moved) for _, ranges, moved in swept) == [(1, 2), (2, 3)]
    assert len({name for name, _, _ in swept}) == 2
    assert all(name.startswith("holds-expire") for name, _, _ in swept)
    for case in cases:
        assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW
        assert StatusEvent.objects.filter(case=case, reason=EXPIRED_REASON).count() == 1
    assert holds_expire(now=now, shares=2) == 0


def test_each_range_holds_the_batch_size_and_the_last_what_is_left(world, nurse):
    now = NOW + dt.timedelta(days=20)
    same_time = now - dt.timedelta(hours=2)
    cases = [held(world, nurse, due=same_time) for _ in range(3)]
    cases += [held(world, nurse, due=now - dt.timedelta(minutes=m)) for m in (5, 1)]
    held(world, nurse, due=now + dt.timedelta(minutes=1))
    in_order = sorted(cases, key=lambda case: (case.hold_due_at, case.pk))

    ranges = holds._held_past_due_ranges(now=now, batch_size=2)

    keys = [(case.hold_due_at, case.pk) for case in in_order]
    assert [key_range.last for key_range in ranges[:-1]] == [keys[1], keys[3]]
    assert ranges[0].after < keys[0] and ranges[-1].last > keys[-1]
    assert [ranges[i].after for i in (1, 2)] == [keys[1], keys[3]]
    assert [len(holds._held_past_due_in(r, now=now)) for r in ranges] == [2, 2, 1]


@pytest.mark.django_db(transaction=True)
def test_a_case_locked_elsewhere_is_left_for_the_next_run(world, nurse):
    now = NOW + dt.timedelta(days=20)
    locked = held(world, nurse, due=now - dt.timedelta(minutes=2))
    free = held(world, nurse, due=now - dt.timedelta(minutes=1))
    with row_locked_elsewhere(locked):
        assert holds_expire(now=now) == 1

    assert Case.objects.get(pk=locked.pk).status == Case.Status.HOLD
    assert Case.objects.get(pk=free.pk).status == Case.Status.IN_REVIEW
    assert holds_expire(now=now) == 1
    assert Case.objects.get(pk=locked.pk).status == Case.Status.IN_REVIEW


def test_a_case_another_reviewer_took_is_not_held_by_me(world, nurse, director):
    case = in_review(world)
    Case.objects.filter(pk=case.pk).update(assigned_to=director, assigned_at=NOW)
    with pytest.raises(CaseError, match="assigned to someone else"):
        hold(nurse, case)
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW
    assert events(case) == [] and not Determination.objects.exists()


@pytest.mark.parametrize(
    ("checklist", "note", "field"),
    [([], "", "checklist"), (["x-rays"], "", "checklist"), ([], "x" * 5000, "note")],
)
def test_a_refused_hold_names_the_field_at_fault(world, nurse, checklist, note, field):
    case = in_review(world)
    with pytest.raises(CaseError) as refused:
        case_hold(user=nurse, public_id=case.public_id, now=NOW, checklist=checklist, note=note)
    assert refused.value.field == field
