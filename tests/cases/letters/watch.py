"""Waiting for a real Celery worker's letters without polling: the in-process worker's
task_postrun signal reports each letters task it finishes (a determination's letters by
default, or another task's, such as the P2P confirmation letters)."""

import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery.signals import task_postrun

from cases.letters.tasks import letters_render_task
from cases.models import Letter


@contextmanager
def letters_tasks_watched(task=letters_render_task) -> Iterator[queue.Queue]:
    """The first argument (a status event's id, an appointment's) of every `task` the
    in-process worker finishes."""
    finished: queue.Queue = queue.Queue()

    def on_postrun(sender=None, args=(), state=None, **kwargs):
        if sender is not None and sender.name == task.name and state == "SUCCESS":
            finished.put(args[0])

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield finished
    finally:
        task_postrun.disconnect(on_postrun)


def wait_for_task(finished: queue.Queue, subject, timeout=90) -> None:
    """Block until the watched task has finished for `subject` (its first argument)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done = finished.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty as error:
            message = f"the worker made no letters for {subject} in {timeout} s"
            raise AssertionError(message) from error
        if done == subject.pk:
            return


def wait_for_letters(finished: queue.Queue, event, count, timeout=90) -> list[Letter]:
    """Block until the worker has finished the letters task of `event`, then the event's
    letters (member first), which must be `count`."""
    wait_for_task(finished, event, timeout)
    letters = list(Letter.objects.filter(status_event=event).order_by("recipient"))
    assert len(letters) == count
    return letters
