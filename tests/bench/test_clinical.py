"""The clinical scenarios' wiring: SUBMIT CASE takes each ready case once (across threads),
what counts as a submission, the question page's check, the submissions per second against
50/s. No server: responses are made up."""

import json
import threading

import pytest

from bench import __main__ as bench_main
from bench import clinical
from bench.client import Response
from bench.scenarios import Scenario, ScenarioExhausted, _concurrently, run

READY = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 41)]
QUESTION_CASE = "b73f5767-6466-4a70-a4de-ed8490b2d8f5"
QUESTION_TEXT = "Which one of the following best describes the reason for the requested study."
DATA = {
    "ready": READY,
    "made": 40,
    "question_case": QUESTION_CASE,
    "question_text": QUESTION_TEXT,
    "answered": 3,
}


def data() -> clinical.ClinicalData:
    return clinical.ClinicalData(**DATA)


def answer(method, path, status=200, body=b"", location="") -> Response:
    return Response(status, body, location, 1.0, 2.0, method=method, path=path)


class FakeSession:
    """Records what a scenario sends and answers with `reply(method, path, fields)`."""

    def __init__(self, reply, sent=None, lock=None):
        self.reply = reply
        self.sent = [] if sent is None else sent
        self.lock = lock or threading.Lock()
        self.csrf_from = []

    def clone(self):
        return FakeSession(self.reply, self.sent, self.lock)

    def close(self):
        pass

    def csrf_token(self, path):
        self.csrf_from.append(path)
        return "token"

    def get(self, path, *, headers=None):
        with self.lock:
            self.sent.append(("GET", path, None))
        return self.reply("GET", path, None)

    def post(self, path, fields, *, headers=None):
        with self.lock:
            self.sent.append(("POST", path, fields))
        return self.reply("POST", path, fields)


def to_summary(method, path, fields):
    public_id = path.split("/")[2]
    return answer(method, path, 302, location=f"/cases/{public_id}/summary/")


def test_the_clinical_scenarios_are_offered_by_make_bench_with_their_targets():
    assert set(clinical.SCENARIOS) == {"submit_case", "clinical_question_page"}
    for name in clinical.SCENARIOS:
        assert name in bench_main.SCENARIOS
    pool = clinical.CasePool(READY)
    assert clinical.submit_case(data(), pool).target_p95_ms == 100
    assert clinical.clinical_question_page(data()).target_p95_ms == 50


def test_the_data_is_the_last_marked_line_of_the_output():
    output = "\n".join(["objects imported", clinical.CLINICAL_DATA_MARKER + json.dumps(DATA), "x"])
    assert clinical.ClinicalData.from_output(output) == data()
    assert data().question_path == f"/cases/{QUESTION_CASE}/clinical/questions/"
    with pytest.raises(SystemExit):
        clinical.ClinicalData.from_output("Traceback: nothing printed")


def test_the_marker_is_the_one_clinical_data_prints():
    # bench.clinical_data imports Django; its marker is only read from the source here.
    source = (clinical.BASE_DIR / "bench" / "clinical_data.py").read_text()
    assert f'CLINICAL_DATA_MARKER = "{clinical.CLINICAL_DATA_MARKER}"' in source


def test_the_pool_covers_every_request_and_the_throughput_run():
    assert clinical.pool_size(requests=300, warmup=20, duration=3) == 320 + 3 * 250
    assert clinical.pool_size(requests=2000, warmup=200, duration=10) == 4700


def test_submit_case_posts_the_attestation_for_a_fresh_case_each_time():
    pool = clinical.CasePool(READY[:3])
    session = FakeSession(to_summary)
    send = clinical.submit_case(data(), pool).prepare(session)
    send(0)
    send(0)  # the same i: still the next case, never one already sent
    send(7)
    assert session.csrf_from == [f"/cases/{QUESTION_CASE}/clinical/questions/"]
    assert session.sent == [
        (
            "POST",
            f"/cases/{public_id}/clinical/submit/",
            {"csrfmiddlewaretoken": "token", "attest": "on"},
        )
        for public_id in READY[:3]
    ]
    assert pool.taken == READY[:3]
    assert pool.left == 0
    with pytest.raises(ScenarioExhausted):
        send(3)


def test_a_submission_is_the_redirect_to_that_cases_summary():
    scenario = clinical.submit_case(data(), clinical.CasePool(READY))
    path = clinical.submit_path(READY[0])
    assert scenario.succeeded(answer("POST", path, 302, location=f"/cases/{READY[0]}/summary/"))
    # The submit page again (attestation refused), another case's summary, the questions.
    assert not scenario.succeeded(answer("POST", path, 200))
    other = f"/cases/{READY[1]}/summary/"
    assert not scenario.succeeded(answer("POST", path, 302, location=other))
    clinical_stage = f"/cases/{READY[0]}/clinical/"
    assert not scenario.succeeded(answer("POST", path, 302, location=clinical_stage))


def test_threads_never_submit_a_case_twice_and_stop_when_the_pool_is_empty():
    pool = clinical.CasePool(READY)
    session = FakeSession(to_summary)
    scenario = clinical.submit_case(data(), pool)
    done, failed = _concurrently(scenario, session, threads=4, duration=5)
    posted = [path for method, path, _ in session.sent if method == "POST"]
    assert (done, failed) == (len(READY), 0)
    assert sorted(posted) == sorted(clinical.submit_path(public_id) for public_id in READY)
    assert len(set(posted)) == len(posted)


def test_run_measures_and_then_submits_concurrently_from_one_pool():
    pool = clinical.CasePool(READY)
    session = FakeSession(to_summary)
    result = run(
        clinical.submit_case(data(), pool),
        session,
        requests=10,
        warmup=2,
        threads=2,
        duration=0.05,
    )
    assert result.client.n == 10
    assert result.errors == 0
    posted = [path for method, path, _ in session.sent if method == "POST"]
    assert len(set(posted)) == len(posted)
    assert posted[:12] == [clinical.submit_path(public_id) for public_id in READY[:12]]


def test_a_run_out_of_cases_before_the_throughput_run_fails():
    scenario = clinical.submit_case(data(), clinical.CasePool(READY[:5]))
    with pytest.raises(ScenarioExhausted):
        run(scenario, FakeSession(to_summary), requests=10, warmup=0, threads=1, duration=0.01)


def test_the_question_page_is_a_get_that_shows_the_question():
    scenario = clinical.clinical_question_page(data())
    assert isinstance(scenario, Scenario)
    session = FakeSession(lambda method, path, fields: answer(method, path))
    scenario.prepare(session)(5)
    assert session.sent == [("GET", f"/cases/{QUESTION_CASE}/clinical/questions/", None)]
    page = f"<h2>{QUESTION_TEXT}</h2>".encode()
    assert scenario.succeeded(answer("GET", data().question_path, body=page))
    assert not scenario.succeeded(answer("GET", data().question_path, 302, body=page))
    assert not scenario.succeeded(answer("GET", data().question_path, body=b"<h2>Other</h2>"))


def test_the_question_text_is_matched_as_the_page_escapes_it():
    quoted = clinical.ClinicalData(**{**DATA, "question_text": "Patient's knee & hip?"})
    scenario = clinical.clinical_question_page(quoted)
    page = b"<h2>Patient&#x27;s knee &amp; hip?</h2>"
    assert scenario.succeeded(answer("GET", quoted.question_path, body=page))


def test_submissions_per_second_are_held_to_fifty():
    assert clinical.submissions_extra(62.04) == "submissions/s=62.0 (target >=50/s OK)"
    assert clinical.submissions_extra(47.0) == "submissions/s=47.0 (target >=50/s MISSED)"
