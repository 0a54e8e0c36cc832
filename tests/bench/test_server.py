"""The bench server's Celery messages: queued apart from the portal's, and dropped after a run
(no worker runs them), so they never reach a worker of the tests or of `make run`."""

import os
import subprocess
import sys
import uuid

from django.conf import settings

from bench.server import BASE_DIR, BENCH_QUEUE, bench_queue_empty, django_environment
from portal.celery import app


def test_the_bench_server_sends_its_tasks_to_a_queue_of_its_own():
    env = django_environment(os.environ.get("DATABASE_URL", ""), "portal.settings.test")
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from portal.celery import app; "
            "print(app.conf.task_default_queue)",
        ],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == BENCH_QUEUE
    assert app.conf.task_default_queue != BENCH_QUEUE


def test_the_run_drops_what_the_bench_server_queued():
    queue = f"test-bench-{uuid.uuid4().hex}"
    try:
        for appointment_id in (1, 2):
            app.send_task("p2p.appointment_notice", args=[appointment_id], queue=queue)

        assert bench_queue_empty(settings.REDIS_URL, queue) == 2
        assert bench_queue_empty(settings.REDIS_URL, queue) == 0
    finally:
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            channel.client.delete(f"_kombu.binding.{queue}")
