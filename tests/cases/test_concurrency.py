"""Two writes of one draft at the same moment (a second tab, a double click): the row lock
makes them one after the other, so the draft ends as one whole answer, never half of each."""

import threading

import pytest
from django.db import connection

from cases.models import Case, ProcedureLine
from cases.wizard.drafts import draft_step_open, step_answer_save
from tests.cases.conftest import fill_through

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs):
    """Start the jobs at the same moment, each on its own database connection."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as error:  # noqa: BLE001 -- reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_two_tabs_choosing_different_insurers_leave_one_whole_answer(world):
    case = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=world.radiology),
        world,
        "confirm",
    )

    def choose(plan):
        def job():
            with draft_step_open(
                user=world.user, public_id=case.public_id, step_name="insurer"
            ) as locked:
                step_answer_save(locked, "insurer", {"health_plan": plan})

        return job

    run_together(choose(world.other_plan), choose(world.plan), choose(world.other_plan))

    case.refresh_from_db()
    assert case.health_plan in (world.plan, world.other_plan)
    # Whichever came last, a changed plan cleared the patient and the service with it.
    assert case.member_id is None and case.coverage_id is None
    assert case.primary_diagnosis_id is None and not case.service_confirmed
    assert not ProcedureLine.objects.filter(case=case).exists()
