"""The letters' tests: submitted cases (approved at SUBMIT CASE, or sent to medical review),
letter files in a temporary MEDIA_ROOT, the text of a PDF, and a Celery queue of the test's
own (other test runs share the embedded Redis: their stale messages never reach this test's
worker, and its messages never reach theirs)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.clinical.submission import case_submit
from cases.models import Case, StatusEvent
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from cases.wizard.drafts import draft_start
from portal.celery import app
from tests.cases.conftest import fill_through

PLAIN_KNEE_MRI = "An MRI (a detailed picture) of your knee, without dye"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Letter files go to a temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_URL = "https://portal.example.org"


@pytest.fixture(autouse=True)
def plain_knee_mri(world):
    world.knee_mri.plain_description = PLAIN_KNEE_MRI
    world.knee_mri.save()


def ready(world, *, outcome=Outcome.APPROVE, **values) -> Case:
    """A locked-in radiology request with every clinical stage before SUBMIT CASE done."""
    case = fill_through(draft_start(user=world.user, program=world.radiology), world, "site")
    case.locked_at = timezone.now()
    case.urgency_done = True
    case.is_routine = True
    case.pathway_outcome = outcome
    case.additional_info = AdditionalInfo.NONE
    for name, value in values.items():
        setattr(case, name, value)
    case.save()
    return Case.objects.get(pk=case.pk)


def submitted(world, *, outcome=Outcome.APPROVE, **values) -> tuple[Case, StatusEvent]:
    """A case submitted through SUBMIT CASE, and its decision's status event. In a test that
    is not transactional its on-commit work (the letters' task) never runs."""
    case = ready(world, outcome=outcome, **values)
    case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    case = Case.objects.get(pk=case.pk)
    return case, StatusEvent.objects.get(case=case, from_status=Case.Status.DRAFT)


def pdf_text(content: bytes) -> str:
    """The PDF's text, whitespace collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file())


@contextmanager
def queue_of_its_own() -> Iterator[str]:
    """Tasks sent inside the block go to a new queue; a worker started with `queues=[name]`
    consumes only them. Emptied and deleted after the block."""
    name = f"test-letters-{uuid.uuid4().hex}"
    default = app.conf.task_default_queue
    queues = app.amqp.queues
    # A worker started with queues=[name] makes the app consume from that queue only, and the
    # app keeps that choice: the next worker of this process would consume nothing else.
    consumed = list(queues.consume_from)
    app.conf.task_default_queue = name
    try:
        yield name
    finally:
        app.conf.task_default_queue = default
        queues.select(consumed)
        queues.pop(name, None)
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            channel.queue_purge(name)
            channel.queue_delete(name)
            # The queue's own direct exchange, which kombu keeps in Redis.
            channel.client.delete(f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


@pytest.fixture
def private_queue():
    with queue_of_its_own() as name:
        yield name
