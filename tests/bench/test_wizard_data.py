"""The wizard's bench data (bench.wizard_data) on the wizard tests' small world, and the wizard
scenarios' requests answered by the real wizard views: every GET opens its step, every POST
of the draft's own answers saves and changes nothing, every search finds what it looks for."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Membership
from bench import wizard, wizard_data
from bench.client import Response
from cases.models import Case
from cases.wizard import steps
from tests.cases.conftest import world_build
from tests.factories.accounts import UserFactory


@pytest.fixture
def world(db, monkeypatch):
    # The small world's member table is one page: sample all of it.
    monkeypatch.setattr(wizard_data, "MEMBER_SAMPLE_PERCENT", 100)
    built = world_build()
    UserFactory(username="bench")
    return built


class InProcessSession:
    """bench.client.Session's interface over Django's test client, so a scenario's requests
    reach the wizard's views without a server."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path):
        return "unchecked"  # the test client does not enforce CSRF

    def get(self, path, *, headers=None):
        return self._response("GET", path, self.client.get(path, headers=headers or {}))

    def post(self, path, fields, *, headers=None):
        return self._response("POST", path, self.client.post(path, fields, headers=headers or {}))

    @staticmethod
    def _response(method, path, answer):
        return Response(
            answer.status_code,
            answer.content,
            answer.get("Location", ""),
            0.0,
            None,
            method=method,
            path=path,
        )


def test_the_bench_user_administers_the_bench_office_with_a_draft_ready_to_lock(world):
    data = wizard_data.wizard_data_ensure()
    case = Case.objects.get(public_id=data["draft"])
    membership = Membership.objects.get(user__username="bench")
    assert membership.office.name == "Bench Family Practice"
    assert membership.role == Membership.Role.OFFICE_ADMIN
    assert case.office == membership.office
    assert set(membership.office.practitioners.all()) == {
        world.practitioner,
        world.second_practitioner,
    }
    assert steps.first_incomplete(case).name == "proceed"
    assert case.locked_at is None
    assert case.expires_at > timezone.now() + dt.timedelta(days=29)
    assert case.date_of_service == timezone.localdate() + dt.timedelta(days=14)
    assert (case.member, case.coverage, case.delegation) == (
        world.member,
        world.coverage,
        world.delegation,
    )
    assert case.primary_procedure_line.procedure_code == world.knee_mri
    assert case.primary_diagnosis == world.r68_89
    assert case.site == world.site
    assert data["members"] == [["EVG00000042", "06/28/1982", "Winter"]]
    assert data["practitioner_prefixes"] == ["B", "Ba", "Bak", "M", "Mi", "Mic"]
    assert data["sites"] == [[world.site.pk, world.site.npi, "37067", "Franklin"]]
    assert wizard.WizardData(**data).draft == str(case.public_id)


def test_the_draft_is_reused_until_it_is_locked_in(world):
    first = wizard_data.wizard_data_ensure()
    assert wizard_data.wizard_data_ensure()["draft"] == first["draft"]
    assert Case.objects.filter(office__name="Bench Family Practice").count() == 1
    Case.objects.filter(public_id=first["draft"]).update(locked_at=timezone.now())
    third = wizard_data.wizard_data_ensure()
    assert third["draft"] != first["draft"]
    assert Membership.objects.filter(user__username="bench").count() == 1


def test_a_site_name_is_searched_by_its_fewest_words_that_fit_one_page():
    town = ["PORT PATRICIA IMAGING CENTER"] + [f"PORT CLINIC {n}" for n in range(30)]
    assert wizard_data.name_prefix("Port Patricia Imaging Center", town) == "Port Patricia"
    assert wizard_data.name_prefix("Port Patricia Imaging Center", town[:3]) == "Port"
    same = ["PORT CLINIC"] * 30
    assert wizard_data.name_prefix("Port Clinic", same) == "Port Clinic"


def test_each_scenarios_requests_succeed_against_the_wizard(world, client):
    data = wizard.WizardData(**wizard_data.wizard_data_ensure())
    client.force_login(Membership.objects.get(user__username="bench").user)
    session = InProcessSession(client)
    before = Case.objects.filter(public_id=data.draft).values().get()
    counts = {
        "wizard_get": len(wizard.STEP_TITLES),
        "wizard_post": len(wizard.POSTED_STEPS),
        "practitioner_filter": len(data.practitioner_prefixes),
        "member_lookup": len(data.members),
        "site_search": 2 * len(data.sites),
    }
    for name, count in counts.items():
        scenario = wizard.SCENARIOS[name](data)
        send = scenario.prepare(session)
        for i in range(count):
            response = send(i)
            assert scenario.succeeded(response), (name, response.path, response.status)
    # The small world has two diagnosis codes: the code-like terms find them.
    scenario = wizard.wizard_diagnosis_search(data)
    send = scenario.prepare(session)
    for i in (0, 1):  # "M25.5", "r68"
        assert scenario.succeeded(send(i))
    after = Case.objects.filter(public_id=data.draft).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
