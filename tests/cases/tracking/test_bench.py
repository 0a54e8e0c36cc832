"""The tracking bench (bench.tracking_data, bench.tracking) on the small world: the loader makes
submitted cases with their lines and events, numbered from the portal's sequences, up to the
counts and no further; the scenarios' requests, answered by the real views, each show a page."""

import json

import pytest

from accounts.models import Membership, Office
from bench import tracking, tracking_data
from bench.client import Response
from cases.models import Case, ProcedureLine, StatusEvent
from tests.cases.conftest import world_build
from tests.factories.accounts import UserFactory

SUBMITTED = {"in_review", "hold", "approved", "partially_approved", "denied", "cancelled"}


@pytest.fixture
def world(db, monkeypatch):
    monkeypatch.setattr(tracking_data, "TOTAL_CASES", 90)
    monkeypatch.setattr(tracking_data, "TRACKING_OFFICE_CASES", 40)
    monkeypatch.setattr(tracking_data, "OTHER_OFFICES", 3)
    monkeypatch.setattr(tracking_data, "BATCH", 15)
    # The small world's member table is one page: draw from all of it.
    monkeypatch.setattr(tracking_data, "MEMBER_SAMPLE_PERCENT", 100)
    built = world_build()
    UserFactory(username="bench")
    return built


def test_the_loader_fills_the_bench_office_and_the_table_once(world):
    data = tracking_data.tracking_data_ensure()
    office = Membership.objects.get(user__username="bench").office
    assert data["office"] == office.pk
    assert data["office_cases"] == 40 and data["total_cases"] == 90 and data["made"] == 90
    others = Office.objects.filter(name__startswith=tracking_data.OTHER_OFFICE_PREFIX)
    assert others.count() == 3
    assert Case.objects.filter(office__in=others).count() == 50
    cases = Case.objects.all()
    assert set(cases.values_list("status", flat=True)) <= SUBMITTED
    assert len(set(cases.values_list("status", flat=True))) >= 4
    assert not cases.filter(submitted_at__isnull=True).exists()
    assert cases.values("case_number").distinct().count() == 90
    approved = cases.filter(status__in=["approved", "partially_approved"])
    assert approved.exists() and not approved.filter(authorization_number__isnull=True).exists()
    assert not cases.exclude(pk__in=approved).filter(authorization_number__isnull=False).exists()
    assert ProcedureLine.objects.filter(position=1).count() == 90
    assert StatusEvent.objects.filter(from_status="draft").count() == 90
    # The bench office's cases are for its own practitioners.
    linked = set(office.practitioners.values_list("pk", flat=True))
    assert set(cases.filter(office=office).values_list("practitioner_id", flat=True)) <= linked
    assert data["case_numbers"] and data["member_last_names"] and data["procedure_codes"]
    assert set(data["case_numbers"]) <= set(
        cases.filter(office=office).values_list("case_number", flat=True)
    )

    again = tracking_data.tracking_data_ensure()
    assert again["made"] == 0 and again["total_cases"] == 90
    assert Office.objects.filter(name__startswith=tracking_data.OTHER_OFFICE_PREFIX).count() == 3


class InProcessSession:
    def __init__(self, client):
        self.client = client

    def get(self, path, *, headers=None):
        answer = self.client.get(path, headers=headers or {})
        return Response(answer.status_code, answer.content, "", 0.0, None, "GET", path)

    def post(self, path, fields, *, headers=None):
        answer = self.client.post(path, fields, headers=headers or {})
        return Response(answer.status_code, answer.content, "", 0.0, None, "POST", path)

    def csrf_token(self, path):
        assert self.client.get(path).status_code == 200
        return "not checked by the test client"


def test_every_kind_of_request_of_the_scenarios_shows_its_page(world, client):
    data = tracking.TrackingData.from_output(
        "noise\n" + tracking.TRACKING_DATA_MARKER + json.dumps(tracking_data.tracking_data_ensure())
    )
    client.force_login(Membership.objects.get(user__username="bench").user)
    session = InProcessSession(client)

    summary = tracking.certification_summary(data)
    send = summary.prepare(session)
    kinds = set()
    for i in range(2 * len(tracking.SUMMARY_KINDS)):
        response = send(i)
        assert summary.succeeded(response), response.path
        kinds.add(summary.part(response))
    assert kinds == set(tracking.SUMMARY_KINDS)

    worklist = tracking.worklist(data)
    send = worklist.prepare(session)
    parts = set()
    for i in range(4 * len(tracking.WORKLIST_TABS)):
        response = send(i)
        assert worklist.succeeded(response), response.path
        parts.add(worklist.part(response))
    assert parts == {"tab", "search"}


def test_a_request_that_shows_no_page_does_not_count():
    data = tracking.TrackingData(
        office=1,
        office_cases=0,
        total_cases=0,
        made=0,
        seconds=0,
        case_numbers=["420000001"],
        authorization_numbers=["A100000001"],
        member_last_names=["Winter"],
        provider_last_names=["Michael"],
        npis=["1234567893"],
        procedure_codes=["73721"],
    )
    summary = tracking.certification_summary(data)
    assert not summary.succeeded(Response(404, b"", "", 0.0, None, "GET", "/x"))
    assert not summary.succeeded(Response(200, b"<html>login</html>", "", 0.0, None, "GET", "/"))
    assert tracking.summary_query(data, 3) == {"member_last_name": "Win"}
    assert tracking.summary_query(data, 3 + len(tracking.SUMMARY_KINDS)) == {
        "member_last_name": "Winter"
    }
