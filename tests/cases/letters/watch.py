"""Waiting for a real Celery worker's letters without polling: the in-process worker's
task_postrun signal reports each letters task it finishes."""

import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager

from celery.signals import task_postrun

from cases.letters.tasks import letters_render_task
from cases.models import Letter


@contextmanager
def letters_tasks_watched() -> Iterator[queue.Queue]:
    """The status event ids of every letters task the in-process worker finishes."""
    finished: queue.Queue = queue.Queue()

    def on_postrun(sender=None, args=(), state=None, **kwargs):
        if sender is not None and sender.name == letters_render_task.name and state == "SUCCESS":
            finished.put(args[0])

    task_postrun.connect(on_postrun, weak=False)
    try:
        yield finished
    finally:
        task_postrun.disconnect(on_postrun)


def wait_for_letters(finished: queue.Queue, event, count, timeout=90) -> list[Letter]:
    """Block until the worker has finished the letters task of `event`, then the event's
    letters (member first), which must be `count`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            done = finished.get(timeout=max(deadline - time.monotonic(), 0.001))
        except queue.Empty as error:
            message = f"the worker made no letters for {event} in {timeout} s"
            raise AssertionError(message) from error
        if done == event.pk:
            break
    letters = list(Letter.objects.filter(status_event=event).order_by("recipient"))
    assert len(letters) == count
    return letters
