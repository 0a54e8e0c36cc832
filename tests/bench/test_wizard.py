"""The wizard scenarios' wiring: what each sends, how each answer is judged, the per-step
figures, and the HTTP client's extra headers. No server: responses are made up."""

import json
from email.message import Message

import pytest

from bench import __main__ as bench_main
from bench import wizard
from bench.client import Response, Session
from bench.scenarios import DIAGNOSIS_TERMS, Result, Scenario, run
from bench.stats import Summary

DRAFT = "c8dc85da-6ac3-4f07-937e-23063dfea9b8"
DATA = {
    "draft": DRAFT,
    "practitioner": 11,
    "health_plan": 3,
    "practitioner_address": 12,
    "contact": {
        "provider_name": "Joanne Reed",
        "contact_name": "Bench Front Desk",
        "fax": "6155484001",
        "phone": "6155484000",
        "phone_ext": "",
        "cell_phone": "",
        "email": "frontdesk@bench.example",
        "notify_by_email": True,
    },
    "date_of_service": "12/07/2026",
    "service_performed": "no",
    "patient_cell_phone": "6155550199",
    "patient_email": "",
    "procedure_code": "73721",
    "primary_diagnosis": "R68.89",
    "secondary_diagnosis": "",
    "is_bilateral": "no",
    "site": 41,
    "members": [["BLU100000001", "04/12/1968", "Whitfield"], ["BLU100000002", "09/30/1957", "Oy"]],
    "practitioner_prefixes": ["R", "Re", "Ree"],
    "sites": [[41, "2700000005", "85829", "New Philip"]],
}


def data() -> wizard.WizardData:
    return wizard.WizardData(**DATA)


def answer(method, path, status=200, body=b"", location="") -> Response:
    return Response(status, body, location, 1.0, 2.0, method=method, path=path)


class FakeSession:
    """Records what a scenario sends and answers with `reply(method, path, fields, headers)`."""

    def __init__(self, reply):
        self.reply = reply
        self.sent = []

    def clone(self):
        return FakeSession(self.reply)

    def close(self):
        pass

    def csrf_token(self, path):
        return "token"

    def get(self, path, *, headers=None):
        self.sent.append(("GET", path, None, headers))
        return self.reply("GET", path, None, headers)

    def post(self, path, fields, *, headers=None):
        self.sent.append(("POST", path, fields, headers))
        return self.reply("POST", path, fields, headers)


def test_every_wizard_scenario_is_offered_by_make_bench():
    for name in wizard.SCENARIOS:
        assert name in bench_main.SCENARIOS
    assert set(wizard.SCENARIOS) == {
        "wizard_get",
        "wizard_post",
        "practitioner_filter",
        "member_lookup",
        "site_search",
        "wizard_diagnosis_search",
    }
    for make in wizard.SCENARIOS.values():
        assert make(data()).target_p95_ms == 50


def test_the_data_is_the_last_marked_line_of_the_output():
    output = "\n".join(["12 objects imported", wizard.WIZARD_DATA_MARKER + json.dumps(DATA), "bye"])
    assert wizard.WizardData.from_output(output) == data()
    with pytest.raises(SystemExit):
        wizard.WizardData.from_output("Traceback: nothing printed")


def test_the_marker_is_the_one_wizard_data_prints():
    # bench.wizard_data imports Django; its marker is only read from the source here.
    source = (wizard.BASE_DIR / "bench" / "wizard_data.py").read_text()
    assert f'WIZARD_DATA_MARKER = "{wizard.WIZARD_DATA_MARKER}"' in source


def test_wizard_get_opens_every_step_in_turn_and_wants_its_page():
    scenario = wizard.wizard_get(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path))
    send = scenario.prepare(session)
    for i in range(len(wizard.STEP_TITLES)):
        send(i)
    assert [path for _, path, _, _ in session.sent] == [
        f"/cases/{DRAFT}/{step}/"
        for step in (
            "provider",
            "insurer",
            "contact",
            "date-of-service",
            "patient",
            "service",
            "confirm",
            "site",
            "proceed",
        )
    ]
    page = b"<title>Add Your Contact Info \xc2\xb7 Portal</title>"
    contact = f"/cases/{DRAFT}/contact/"
    assert scenario.succeeded(answer("GET", contact, body=page))
    assert not scenario.succeeded(answer("GET", contact, status=302, body=page))
    # Another step's page (a redirect followed elsewhere, say) is not this step's.
    assert not scenario.succeeded(answer("GET", f"/cases/{DRAFT}/patient/", body=page))
    assert scenario.part(answer("GET", contact)) == "contact"


def test_wizard_post_sends_the_drafts_own_answers_and_never_the_lock_in():
    scenario = wizard.wizard_post(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path, 302))
    send = scenario.prepare(session)
    for i in range(2 * len(wizard.POSTED_STEPS)):
        send(i)
    paths = [path for _, path, _, _ in session.sent]
    assert f"/cases/{DRAFT}/proceed/" not in paths
    assert len(set(paths)) == 8
    posted = {path.split("/")[-2]: fields for _, path, fields, _ in session.sent}
    assert all(fields["csrfmiddlewaretoken"] == "token" for fields in posted.values())
    assert posted["provider"]["practitioner"] == 11
    assert (posted["insurer"]["health_plan"], posted["insurer"]["practitioner_address"]) == (3, 12)
    assert posted["contact"]["notify_by_email"] == "on"
    assert posted["contact"]["email"] == "frontdesk@bench.example"
    assert posted["date-of-service"] == {
        "csrfmiddlewaretoken": "token",
        "date_of_service": "12/07/2026",
        "service_performed": "no",
    }
    assert posted["patient"]["action"] == "contact"
    assert posted["patient"]["patient_cell_phone"] == "6155550199"
    assert posted["service"]["procedure_code"] == "73721"
    assert posted["service"]["primary_diagnosis"] == "R68.89"
    assert posted["service"]["is_bilateral"] == "no"
    assert "lookup" not in posted["service"]
    assert posted["confirm"] == {"csrfmiddlewaretoken": "token"}
    assert posted["site"] == {"csrfmiddlewaretoken": "token", "action": "select", "site": 41}


def test_wizard_post_wants_the_redirect_of_a_saved_step():
    scenario = wizard.wizard_post(data())
    proceed = f"/cases/{DRAFT}/proceed/"
    insurer = f"/cases/{DRAFT}/insurer/"
    site = f"/cases/{DRAFT}/site/"
    assert scenario.succeeded(answer("POST", insurer, 302, location=proceed))
    assert scenario.succeeded(answer("POST", site, 302, location=site))
    # The form again (an error), or a redirect to an earlier step (an answer was cleared).
    assert not scenario.succeeded(answer("POST", insurer, 200))
    assert not scenario.succeeded(answer("POST", insurer, 302, location=insurer))
    assert not scenario.succeeded(answer("POST", site, 302, location=proceed))


def test_without_a_patient_phone_the_patient_step_answers_unknown():
    fields = wizard.WizardData(**{**DATA, "patient_cell_phone": ""}).step_fields("patient")
    assert fields["action"] == "unknown"
    no_mail = {**DATA["contact"], "notify_by_email": False, "email": ""}
    contact = wizard.WizardData(**{**DATA, "contact": no_mail}).step_fields("contact")
    assert "notify_by_email" not in contact


def test_practitioner_filter_gets_the_provider_step_by_prefix():
    scenario = wizard.practitioner_filter(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path))
    send = scenario.prepare(session)
    send(0)
    send(4)
    assert [path for _, path, _, _ in session.sent] == [
        f"/cases/{DRAFT}/provider/?q=R",
        f"/cases/{DRAFT}/provider/?q=Re",
    ]
    row = b'<button type="submit" name="practitioner" value="11">SELECT</button>'
    assert scenario.succeeded(answer("GET", "/", body=row))
    assert not scenario.succeeded(answer("GET", "/", body=b"<p>No providers</p>"))


def test_member_lookup_posts_the_lookup_and_wants_a_row_to_select():
    scenario = wizard.member_lookup(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path))
    scenario.prepare(session)(1)
    method, path, fields, _ = session.sent[0]
    assert (method, path) == ("POST", f"/cases/{DRAFT}/patient/")
    assert fields == {
        "csrfmiddlewaretoken": "token",
        "action": "lookup",
        "patient_id": "BLU100000002",
        "date_of_birth": "09/30/1957",
        "last_name": "Oy",
    }
    found = b'<h2>Search Results</h2><button name="action" value="select">SELECT</button>'
    refused = b'<h2>Search Results</h2><div class="alert">No coverage</div>'
    assert scenario.succeeded(answer("POST", path, body=found))
    assert not scenario.succeeded(answer("POST", path, body=refused))
    assert not scenario.succeeded(answer("POST", path, body=b"No member was found"))


def test_site_search_alternates_npi_and_name_with_zip_and_wants_the_sampled_site():
    scenario = wizard.site_search(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path))
    send = scenario.prepare(session)
    send(0)
    send(1)
    by_npi, by_name = (path for _, path, _, _ in session.sent)
    assert by_npi == f"/cases/{DRAFT}/site/?find=1&npi=2700000005"
    assert by_name == (f"/cases/{DRAFT}/site/?find=1&zip_code=85829&name=New+Philip&match=starts")
    row = b'<button type="submit" name="site" value="41">SELECT</button>'
    other = b'<button type="submit" name="site" value="411">SELECT</button>'
    assert scenario.succeeded(answer("GET", by_name, body=row))
    assert not scenario.succeeded(answer("GET", by_name, body=other))
    assert not scenario.succeeded(answer("GET", "/elsewhere/", body=row))


def test_the_diagnosis_lookup_is_an_htmx_post_answered_with_the_list_alone():
    scenario = wizard.wizard_diagnosis_search(data())
    session = FakeSession(lambda method, path, fields, headers: answer(method, path))
    send = scenario.prepare(session)
    for i in range(len(DIAGNOSIS_TERMS)):
        send(i)
    assert [fields["primary_diagnosis"] for _, _, fields, _ in session.sent] == DIAGNOSIS_TERMS
    method, path, fields, headers = session.sent[0]
    assert (method, path, headers) == ("POST", f"/cases/{DRAFT}/service/", {"HX-Request": "true"})
    assert fields["lookup"] == "primary"
    listed = b'<button type="submit" name="pick_primary" value="R68.89">R68.89</button>'
    assert scenario.succeeded(answer("POST", path, body=listed))
    assert not scenario.succeeded(answer("POST", path, body=b"<html>" + listed))
    assert not scenario.succeeded(answer("POST", path, body=b"No billable diagnosis code"))


def test_run_reports_each_part_in_order_and_holds_each_to_the_target():
    slow = {"/b/": 80.0}

    def reply(method, path, fields, headers):
        return Response(200, b"", "", 1.0, slow.get(path, 10.0), method=method, path=path)

    paths = ["/a/", "/b/", "/c/"]
    scenario = Scenario(
        "parts",
        50,
        lambda session: lambda i: session.get(paths[i % 3]),
        lambda response: True,
        part=lambda response: response.path.strip("/"),
        part_order=("c", "b", "a"),
    )
    result = run(scenario, FakeSession(reply), requests=30, warmup=1, threads=1, duration=0.01)
    assert list(result.parts) == ["c", "b", "a"]
    assert result.parts["b"].p95 == 80.0
    # All together the p95 is 80 too here; a part alone over the target misses it.
    line = result.line()
    assert "p95 by step: c=10.0 b=80.0 a=10.0" in line
    assert line.endswith("MISSED")


def test_one_slow_part_misses_the_target_even_when_the_whole_p95_holds():
    fast = Summary(n=100, p50=10.0, p95=20.0, p99=30.0)
    slow = Summary(n=5, p50=60.0, p95=70.0, p99=70.0)
    result = Result("wizard_get", 50, fast, fast, 0, 20.0, parts={"a": fast, "b": slow})
    assert result.line().endswith("target p95<50ms  MISSED")
    held = Result("wizard_get", 50, fast, fast, 0, 20.0, parts={"a": fast})
    assert held.line().endswith("target p95<50ms  OK")


class _Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = Message()
        for name, value in headers:
            self.headers[name] = value
        self.body = body

    def read(self):
        return self.body


def test_a_post_sends_extra_headers_with_the_form_type_and_the_response_says_what_was_asked():
    session = Session("127.0.0.1", 9)
    sent = []

    def exchange(method, path, body, headers):
        sent.append((method, path, body, headers))
        return _Answer(200, [("Server-Timing", "app;dur=3.5")], b"ok"), b"ok"

    session._exchange = exchange
    session.cookies["sessionid"] = "abc"
    response = session.post("/x/", {"a": "1 2"}, headers={"HX-Request": "true"})
    method, path, body, headers = sent[0]
    assert (method, path, body) == ("POST", "/x/", b"a=1+2")
    assert headers == {
        "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "sessionid=abc",
    }
    assert (response.method, response.path, response.server_ms) == ("POST", "/x/", 3.5)
    session.get("/y/", headers={"HX-Request": "true"})
    assert sent[1][3]["HX-Request"] == "true"
    assert session.get("/z/").path == "/z/"
