"""bench.letters: the letters-per-second measurement renders real letters for events it makes
on approved cases, then leaves the database and the storage as they were; its line reads as
the other bench lines do."""

import pytest

from bench.letters import BENCH_REASON, LETTERS_MARKER, LettersResult, letters_measure
from cases.models import Letter, StatusEvent
from tests.cases.letters.conftest import stored_files, submitted

pytestmark = pytest.mark.django_db


def test_the_measurement_renders_letters_and_removes_what_it_made(world, media_root, monkeypatch):
    monkeypatch.setattr("bench.letters.WARMUP_EVENTS", 1)
    for _ in range(3):
        submitted(world)
    events_before = StatusEvent.objects.count()

    result = letters_measure(2)

    assert result["events"] == 2 and result["letters"] == 4
    assert result["seconds"] > 0 and result["cpu_s"] > 0
    assert result["p95_ms"] >= result["p50_ms"] > 0
    assert not Letter.objects.exists()
    assert StatusEvent.objects.count() == events_before
    assert not StatusEvent.objects.filter(reason=BENCH_REASON).exists()
    assert stored_files(media_root) == []
    line = LettersResult(**result).line()
    assert line.startswith("letters_render ") and "letters/s" in line
    assert line.endswith(("OK", "MISSED"))


def test_without_enough_approved_cases_the_line_says_so(world):
    result = LettersResult(**letters_measure(5))
    assert result.line().startswith("letters_render       skipped: 10 approved cases needed, 0")


def test_the_result_is_read_from_the_last_marked_line():
    output = (
        "noise\n"
        + LETTERS_MARKER
        + '{"events": 10, "letters": 20, "seconds": 1.6, "p50_ms": 150, "p95_ms": 180, '
        '"warmup_s": 2.0, "cpu_s": 1.5, "load": 0.5}\n'
    )
    result = LettersResult.from_output(output)
    assert result.per_second == pytest.approx(12.5)
    assert result.cpu_ms_per_letter == pytest.approx(75)
    assert "12.5 letters/s" in result.line() and result.line().endswith("OK")
    with pytest.raises(SystemExit):
        LettersResult.from_output("nothing marked")
