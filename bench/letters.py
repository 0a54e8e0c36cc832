"""Letters rendered per second per worker process (issue 7, "Tests and speed": at least 10).

What one Celery worker process does for each determination, measured in one process against
the bench database: cases.letters.services.letters_render (the task's whole body: read the
event and its case, render the provider's and the member's letters with WeasyPrint, store
both PDFs, write both rows, send the e-mail notice), one status event after another.

The events are made for the run: one "approved" status event on each of that many approved
cases of the bench database (submit_case's approvals), then removed again with their letters
and files, so the database is left as it was and every run renders the same work. A few
events first warm the process up (WeasyPrint's fonts, the templates) and are not counted.
E-mail goes to Django's in-memory backend; the files to a temporary MEDIA_ROOT.

`letters_rate(env)` runs it (manage.py shell, like bench.clinical_data) and returns the line to
print. Only `main` and `letters_measure` import Django: they run inside `manage.py shell`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from bench.server import BASE_DIR

LETTERS_TARGET_PER_S = 10
LETTERS_MARKER = "BENCH_LETTERS "
EVENTS = 60
WARMUP_EVENTS = 5
BENCH_REASON = "bench: letters rendered per second"


@dataclass(frozen=True)
class LettersResult:
    """What bench.letters.main printed."""

    events: int
    letters: int
    seconds: float
    p50_ms: float
    p95_ms: float
    warmup_s: float
    # The process's own CPU time for the measured letters, and the machine's 1-minute load
    # average when they started: on a busy machine the wall-clock rate falls, the CPU cost does
    # not.
    cpu_s: float = 0.0
    load: float = 0.0
    skipped: str = ""

    @classmethod
    def from_output(cls, output: str) -> LettersResult:
        lines = [line for line in output.splitlines() if line.startswith(LETTERS_MARKER)]
        if not lines:
            raise SystemExit("bench.letters printed no result")
        return cls(**json.loads(lines[-1][len(LETTERS_MARKER) :]))

    @property
    def per_second(self) -> float:
        return self.letters / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_letter(self) -> float:
        return 1000 * self.cpu_s / self.letters if self.letters else 0.0

    def line(self) -> str:
        name = f"{'letters_render':<19}"
        if self.skipped:
            return f"{name}  skipped: {self.skipped}"
        verdict = "OK" if self.per_second >= LETTERS_TARGET_PER_S else "MISSED"
        return (
            f"{name}  n={self.letters} letters ({self.events} determinations)  "
            f"1 process: {self.per_second:.1f} letters/s  "
            f"per determination (2 letters) p50={self.p50_ms:.0f}ms p95={self.p95_ms:.0f}ms  "
            f"CPU {self.cpu_ms_per_letter:.0f}ms/letter  load {self.load:.1f}  "
            f"warm-up {self.warmup_s:.1f}s  target>={LETTERS_TARGET_PER_S}/s  {verdict}"
        )


def letters_rate(env: dict[str, str], *, events: int = EVENTS) -> str:
    """Measure in one fresh process against the bench database (env from
    bench.server.django_environment); returns the line to print."""
    media = tempfile.mkdtemp(prefix="bench-letters-")
    run_env = {
        **env,
        "DJANGO_MEDIA_ROOT": media,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    code = f"from bench.letters import main; main({int(events)})"
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", code]
    try:
        # Our own fixed command, run with this interpreter; stderr goes to the terminal.
        done = subprocess.run(  # noqa: S603
            command, env=run_env, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, check=False
        )
    finally:
        shutil.rmtree(media, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"bench.letters failed (exit status {done.returncode})")
    return LettersResult.from_output(done.stdout).line()


def main(events: int) -> None:
    print(LETTERS_MARKER + json.dumps(letters_measure(events)), flush=True)


def letters_measure(events: int) -> dict:
    """Inside `manage.py shell`: make the events, render their letters one after another,
    remove everything made. Returns LettersResult's fields."""
    from django.utils import timezone

    from cases.letters.services import letters_render
    from cases.models import Case, Letter, StatusEvent

    wanted = WARMUP_EVENTS + events
    cases = list(
        Case.objects.filter(
            status=Case.Status.APPROVED,
            member__isnull=False,
            practitioner__isnull=False,
            authorization_number__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:wanted]
    )
    if len(cases) < wanted:
        return {
            "events": 0,
            "letters": 0,
            "seconds": 0.0,
            "p50_ms": 0.0,
            "p95_ms": 0.0,
            "warmup_s": 0.0,
            "skipped": f"{wanted} approved cases needed, {len(cases)} in the bench database "
            "(run submit_case first)",
        }
    now = timezone.now()
    made_events = StatusEvent.objects.bulk_create(
        StatusEvent(
            case_id=pk,
            from_status=Case.Status.APPROVED,
            to_status=Case.Status.APPROVED,
            at=now,
            reason=BENCH_REASON,
        )
        for pk in cases
    )
    event_ids = [event.pk for event in made_events]
    try:
        started = time.perf_counter()
        for event_id in event_ids[:WARMUP_EVENTS]:
            letters_render(status_event_id=event_id)
        warmup = time.perf_counter() - started

        timings = []
        letters = 0
        load = os.getloadavg()[0]
        cpu = time.process_time()
        started = time.perf_counter()
        for event_id in event_ids[WARMUP_EVENTS:]:
            begun = time.perf_counter()
            letters += len(letters_render(status_event_id=event_id))
            timings.append(time.perf_counter() - begun)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    finally:
        made = Letter.objects.filter(status_event_id__in=event_ids)
        for letter in made:
            letter.file.storage.delete(letter.file.name)
        made.delete()
        StatusEvent.objects.filter(pk__in=event_ids, reason=BENCH_REASON).delete()
    timings.sort()
    return {
        "events": len(timings),
        "letters": letters,
        "seconds": seconds,
        "p50_ms": 1000 * timings[len(timings) // 2],
        "p95_ms": 1000 * timings[min(len(timings) - 1, int(len(timings) * 0.95))],
        "warmup_s": warmup,
        "cpu_s": cpu,
        "load": load,
    }
