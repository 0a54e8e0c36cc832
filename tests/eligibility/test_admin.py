import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import AccessEvent
from eligibility import imports
from eligibility.imports import reader
from eligibility.models import Delegation, Member, Practitioner
from eligibility.validators import npi_with_check_digit
from portal.admin_large_tables import LargeTablePaginator
from tests.conftest import verified_login
from tests.factories import eligibility as factories
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)

# One factory per eligibility model, to open each model's change page.
FACTORIES = {
    "healthplan": factories.HealthPlanFactory,
    "lineofbusiness": factories.LineOfBusinessFactory,
    "program": factories.ProgramFactory,
    "delegation": factories.DelegationFactory,
    "eligibilitymessage": factories.EligibilityMessageFactory,
    "priorauthrule": factories.PriorAuthRuleFactory,
    "plancontact": factories.PlanContactFactory,
    "programresource": factories.ProgramResourceFactory,
    "closuredate": factories.ClosureDateFactory,
    "procedurecode": factories.ProcedureCodeFactory,
    "diagnosiscode": factories.DiagnosisCodeFactory,
    "member": factories.MemberFactory,
    "coverage": factories.CoverageFactory,
    "practitioner": factories.PractitionerFactory,
    "practitioneraddress": factories.PractitionerAddressFactory,
    "site": factories.SiteFactory,
}


def admin_url(model_name: str, view: str, *args) -> str:
    return reverse(f"admin:eligibility_{model_name}_{view}", args=args)


def changelist_names(response) -> list[str]:
    return [str(obj) for obj in response.context["cl"].result_list]


# --- Every page renders -----------------------------------------------------------------------


def test_every_eligibility_model_has_an_admin():
    models = apps.get_app_config("eligibility").get_models()
    assert {model._meta.model_name for model in models} == set(FACTORIES)
    assert all(admin.site.is_registered(model) for model in models)


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_changelist_and_add_page_render_for_a_superuser(
    admin_client_logged_in, admin_user, model, model_admin
):
    opts = model._meta
    changelist = admin_client_logged_in.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    )
    assert changelist.status_code == 200

    request = RequestFactory().get("/")
    request.user = admin_user
    add = admin_client_logged_in.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)


@pytest.mark.parametrize("model_name", sorted(FACTORIES))
def test_change_page_renders_for_each_eligibility_model(admin_client_logged_in, model_name):
    obj = FACTORIES[model_name]()

    response = admin_client_logged_in.get(admin_url(model_name, "change", obj.pk))

    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize("model_name", sorted(FACTORIES))
def test_changelist_lists_an_object_of_each_eligibility_model(admin_client_logged_in, model_name):
    obj = FACTORIES[model_name]()

    response = admin_client_logged_in.get(admin_url(model_name, "changelist"))

    assert list(response.context["cl"].result_list) == [obj]


def test_audit_fields_are_read_only(admin_client_logged_in):
    member = factories.MemberFactory()

    response = admin_client_logged_in.get(admin_url("member", "change", member.pk))

    form_fields = response.context["adminform"].form.fields
    assert "created_at" not in form_fields and "updated_at" not in form_fields
    assert "Updated at" in response.content.decode()


def test_health_plan_page_shows_its_delegations_and_contacts(admin_client_logged_in):
    plan = factories.HealthPlanFactory(name="Evergreen Health Plan")
    radiology = factories.ProgramFactory(name="Radiology and Cardiology")
    factories.DelegationFactory(health_plan=plan, program=radiology)
    factories.PlanContactFactory(health_plan=plan, program=radiology, phone="8005550199")

    response = admin_client_logged_in.get(admin_url("healthplan", "change", plan.pk))

    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert formsets["delegations"].queryset.get().program == radiology
    assert formsets["contacts"].queryset.get().phone == "8005550199"
    assert "8005550199" in response.content.decode()


def test_delegation_page_has_messages_and_rules_with_code_autocomplete(admin_client_logged_in):
    rule = factories.PriorAuthRuleFactory()
    factories.EligibilityMessageFactory(delegation=rule.delegation, service="Radiology")

    response = admin_client_logged_in.get(admin_url("delegation", "change", rule.delegation.pk))

    content = response.content.decode()
    assert "Radiology" in content
    assert 'name="prior_auth_rules-0-procedure_code"' in content
    assert 'data-model-name="priorauthrule" data-field-name="procedure_code"' in content


# --- Searches -----------------------------------------------------------------------------------


def test_member_search_by_patient_id_and_last_name_prefix(admin_client_logged_in):
    plan = factories.HealthPlanFactory()
    whitfield = factories.MemberFactory(
        health_plan=plan, patient_id="EVG100001", last_name="Whitfield"
    )
    factories.MemberFactory(health_plan=plan, patient_id="EVG100002", last_name="Ortega")
    url = admin_url("member", "changelist")

    by_id = admin_client_logged_in.get(url, {"q": "evg100001"})
    by_name = admin_client_logged_in.get(url, {"q": "whit"})
    nobody = admin_client_logged_in.get(url, {"q": "EVG1000"})

    assert list(by_id.context["cl"].result_list) == [whitfield]
    assert list(by_name.context["cl"].result_list) == [whitfield]
    assert list(nobody.context["cl"].result_list) == []


def test_member_search_within_a_plan(admin_client_logged_in):
    plan, other = factories.HealthPlanFactory(), factories.HealthPlanFactory()
    member = factories.MemberFactory(health_plan=plan, patient_id="EVG100001")
    factories.MemberFactory(health_plan=other, patient_id="EVG100001")

    response = admin_client_logged_in.get(
        admin_url("member", "changelist"), {"q": "EVG100001", "health_plan__id__exact": plan.pk}
    )

    assert list(response.context["cl"].result_list) == [member]


def test_coverage_search_by_member(admin_client_logged_in):
    coverage = factories.CoverageFactory(member__patient_id="EVG100001", member__last_name="Ng")
    factories.CoverageFactory(member__patient_id="EVG100002", member__last_name="Park")

    response = admin_client_logged_in.get(admin_url("coverage", "changelist"), {"q": "ng"})

    assert list(response.context["cl"].result_list) == [coverage]


def test_practitioner_search_by_npi_and_last_name(admin_client_logged_in):
    stone = factories.PractitionerFactory(last_name="Stone")
    factories.PractitionerFactory(last_name="Reyes")
    url = admin_url("practitioner", "changelist")

    assert changelist_names(admin_client_logged_in.get(url, {"q": stone.npi})) == [str(stone)]
    assert changelist_names(admin_client_logged_in.get(url, {"q": "sto"})) == [str(stone)]
    assert changelist_names(admin_client_logged_in.get(url, {"q": "tone"})) == []


@pytest.mark.parametrize("term", ["npi", "627000001", "Lakeside", "38103"])
def test_site_search_by_npi_tin_name_and_zip(admin_client_logged_in, term):
    lakeside = factories.SiteFactory(name="Lakeside Surgery Center", tin="627000001")
    lakeside.zip_code = "38103"
    lakeside.save()
    factories.SiteFactory(name="Riverside Imaging")
    query = lakeside.npi if term == "npi" else term

    response = admin_client_logged_in.get(admin_url("site", "changelist"), {"q": query})

    assert list(response.context["cl"].result_list) == [lakeside]


@pytest.mark.parametrize("term", ["R68.8", "r688", "unexplained", "fever unexpl"])
def test_diagnosis_code_search_by_code_prefix_or_words(admin_client_logged_in, term):
    fever = factories.DiagnosisCodeFactory(code="R68.83", description="Chills (without fever)")
    unexplained = factories.DiagnosisCodeFactory(code="R50.9", description="Fever, unexplained")
    factories.DiagnosisCodeFactory(code="M25.561", description="Pain in right knee")

    response = admin_client_logged_in.get(admin_url("diagnosiscode", "changelist"), {"q": term})

    expected = [fever] if term.lower().startswith("r") else [unexplained]
    assert list(response.context["cl"].result_list) == expected


def test_procedure_code_search_by_code_prefix_and_description(admin_client_logged_in):
    ct = factories.ProcedureCodeFactory(code="70450", short_description="CT HEAD/BRAIN W/O DYE")
    factories.ProcedureCodeFactory(code="E0601", short_description="CPAP DEVICE")
    url = admin_url("procedurecode", "changelist")

    assert changelist_names(admin_client_logged_in.get(url, {"q": "704"})) == [str(ct)]
    assert changelist_names(admin_client_logged_in.get(url, {"q": "brain"})) == [str(ct)]


def test_procedure_code_autocomplete_for_prior_auth_rules(admin_client_logged_in):
    ct = factories.ProcedureCodeFactory(code="70450")
    factories.ProcedureCodeFactory(code="E0601")

    response = admin_client_logged_in.get(
        reverse("admin:autocomplete"),
        {
            "term": "704",
            "app_label": "eligibility",
            "model_name": "priorauthrule",
            "field_name": "procedure_code",
        },
    )

    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(ct.pk)]


# --- Large tables stay fast -------------------------------------------------------------------


@pytest.mark.parametrize("model_name", ["member", "coverage", "practitioner", "site"])
def test_large_changelists_do_not_count_twice_or_offer_facets(model_name):
    model_admin = admin.site._registry[apps.get_model("eligibility", model_name)]
    assert model_admin.show_full_result_count is False
    assert model_admin.show_facets is admin.ShowFacets.NEVER


def test_member_changelist_query_count_does_not_grow_with_rows(
    admin_client_logged_in, django_assert_max_num_queries
):
    plan = factories.HealthPlanFactory()
    factories.MemberFactory.create_batch(30, health_plan=plan)

    # Session, user, count, page, plans for the filter, one insert into the access log.
    with django_assert_max_num_queries(8):
        response = admin_client_logged_in.get(admin_url("member", "changelist"))

    assert len(response.context["cl"].result_list) == 30


def test_member_changelist_counts_exactly_below_the_estimate_threshold(admin_client_logged_in):
    factories.MemberFactory.create_batch(3)

    response = admin_client_logged_in.get(admin_url("member", "changelist"))

    assert response.context["cl"].result_count == 3


def test_unfiltered_member_changelist_uses_the_planner_estimate(
    admin_client_logged_in, monkeypatch
):
    plan = factories.HealthPlanFactory()
    factories.MemberFactory.create_batch(3, health_plan=plan)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE eligibility_member")
    factories.MemberFactory.create_batch(2, health_plan=plan)
    factories.MemberFactory()  # another plan, so the plan filter is offered
    monkeypatch.setattr(LargeTablePaginator, "ESTIMATE_FROM", 1)
    url = admin_url("member", "changelist")

    unfiltered = admin_client_logged_in.get(url)
    filtered = admin_client_logged_in.get(url, {"health_plan__id__exact": plan.pk})

    # The estimate is as of the last ANALYZE; a filtered list is counted row by row.
    assert unfiltered.context["cl"].result_count == 3
    assert filtered.context["cl"].result_count == 5


# --- Members' data read in the admin is logged ----------------------------------------------------


def test_member_changelist_logs_each_member_listed(admin_client_logged_in, admin_user):
    members = factories.MemberFactory.create_batch(2)

    admin_client_logged_in.get(admin_url("member", "changelist"))

    events = AccessEvent.objects.filter(user=admin_user, action="list", subject_type="member")
    assert {event.member for event in events} == set(members)


def test_member_change_page_logs_a_view(admin_client_logged_in, admin_user):
    member = factories.MemberFactory()

    admin_client_logged_in.get(admin_url("member", "change", member.pk))

    event = AccessEvent.objects.get(user=admin_user)
    assert (event.action, event.member, event.subject_id) == ("view", member, str(member.pk))
    assert event.path == admin_url("member", "change", member.pk)


def test_coverage_change_page_logs_a_view_of_its_member(admin_client_logged_in, admin_user):
    coverage = factories.CoverageFactory()

    admin_client_logged_in.get(admin_url("coverage", "change", coverage.pk))

    event = AccessEvent.objects.get(user=admin_user)
    assert (event.action, event.member) == ("view", coverage.member)


# --- Forms ----------------------------------------------------------------------------------------


def delegation_form(plan, program, line_of_business, **values) -> dict:
    data = {
        "health_plan": plan.pk,
        "program": program.pk,
        "line_of_business": line_of_business.pk,
        "effective_from": "2024-01-01",
        "effective_to": "",
        "validity_days": 45,
        "standard_decision_days": 7,
        "urgent_decision_hours": 72,
        "retrospective_window_days": 30,
        "reconsideration_allowed": "on",
        "p2p_allowed": "on",
        "appeal_window_days": 180,
        "appeal_instructions": "Submit a written appeal within 180 days.",
    }
    for prefix in ("eligibility_messages", "prior_auth_rules"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return {**data, **values}


def test_overlapping_delegation_is_refused_in_the_add_form(admin_client_logged_in):
    existing = factories.DelegationFactory(
        effective_from=datetime.date(2020, 1, 1), effective_to=datetime.date(2024, 12, 31)
    )
    data = delegation_form(
        existing.health_plan,
        existing.program,
        existing.line_of_business,
        effective_from="2024-06-01",
    )

    response = admin_client_logged_in.post(admin_url("delegation", "add"), data)

    assert response.status_code == 200
    assert (
        "This plan already delegates this program for this line of business on some of these dates."
        in response.content.decode()
    )
    assert Delegation.objects.count() == 1


def test_delegation_after_the_previous_one_ends_is_saved(admin_client_logged_in):
    existing = factories.DelegationFactory(
        effective_from=datetime.date(2020, 1, 1), effective_to=datetime.date(2024, 12, 31)
    )
    data = delegation_form(
        existing.health_plan,
        existing.program,
        existing.line_of_business,
        effective_from="2025-01-01",
    )

    response = admin_client_logged_in.post(admin_url("delegation", "add"), data)

    assert response.status_code == 302
    assert Delegation.objects.count() == 2
    saved = Delegation.objects.latest("effective_from")
    assert saved.appeal_window_days == 180
    assert saved.appeal_instructions == "Submit a written appeal within 180 days."


def test_new_plan_with_two_overlapping_delegation_rows_is_refused(admin_client_logged_in):
    program = factories.ProgramFactory()
    commercial = factories.LineOfBusinessFactory(kind="commercial")
    row = {
        "program": program.pk,
        "line_of_business": commercial.pk,
        "validity_days": 45,
        "standard_decision_days": 7,
        "urgent_decision_hours": 72,
    }
    data = {
        "name": "Summit Health",
        "is_active": "on",
        "delegations-TOTAL_FORMS": 2,
        "delegations-INITIAL_FORMS": 0,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        **{f"delegations-0-{k}": v for k, v in row.items()},
        "delegations-0-effective_from": "2024-01-01",
        **{f"delegations-1-{k}": v for k, v in row.items()},
        "delegations-1-effective_from": "2024-07-01",
    }

    response = admin_client_logged_in.post(admin_url("healthplan", "add"), data)

    assert response.status_code == 200
    assert "on overlapping dates" in response.content.decode()
    assert not Delegation.objects.exists()


def test_member_added_in_the_admin_gets_its_patient_id_in_capitals(admin_client_logged_in):
    plan = factories.HealthPlanFactory()
    data = {
        "health_plan": plan.pk,
        "patient_id": "evg100009",
        "first_name": "Dana",
        "last_name": "Whitfield",
        "date_of_birth": "1968-04-12",
        "gender": "F",
        "address1": "12 Oak Street",
        "city": "Franklin",
        "state": "TN",
        "zip_code": "37067",
        "coverages-TOTAL_FORMS": 1,
        "coverages-INITIAL_FORMS": 0,
        "coverages-0-line_of_business": factories.LineOfBusinessFactory().pk,
        "coverages-0-member_code": "EVG-PPO",
        "coverages-0-effective_from": "2024-01-01",
        "coverages-0-effective_to": "2023-12-31",
    }

    refused = admin_client_logged_in.post(admin_url("member", "add"), data)
    assert "The coverage ends before it begins." in refused.content.decode()
    assert not Member.objects.exists()

    saved = admin_client_logged_in.post(
        admin_url("member", "add"), {**data, "coverages-0-effective_to": ""}
    )
    assert saved.status_code == 302
    assert Member.objects.get().patient_id == "EVG100009"


# --- Who may use the admin ----------------------------------------------------------------------


def test_non_staff_user_is_sent_to_the_admin_login(office_client):
    for url in (reverse("admin:index"), admin_url("member", "import_csv")):
        response = office_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- CSV import pages -----------------------------------------------------------------------------

IMPORT_PAGES = {
    "member": imports.MEMBER_COLUMNS,
    "practitioner": imports.PRACTITIONER_COLUMNS,
    "site": imports.SITE_COLUMNS,
    "procedurecode": imports.PROCEDURE_CODE_COLUMNS,
}


@pytest.mark.parametrize("model_name", sorted(IMPORT_PAGES))
def test_changelist_has_an_import_button(admin_client_logged_in, model_name):
    response = admin_client_logged_in.get(admin_url(model_name, "changelist"))

    assert f'href="{admin_url(model_name, "import_csv")}"' in response.content.decode()


@pytest.mark.parametrize("model_name", sorted(IMPORT_PAGES))
def test_import_page_shows_the_expected_columns(admin_client_logged_in, model_name):
    response = admin_client_logged_in.get(admin_url(model_name, "import_csv"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "csrfmiddlewaretoken" in content
    for column in IMPORT_PAGES[model_name]:
        assert f"<code>{column.name}</code>" in content


def test_staff_without_add_permission_cannot_import(client):
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_practitioner"))
    client.force_login(staff)

    changelist = client.get(admin_url("practitioner", "changelist"))
    page = client.get(admin_url("practitioner", "import_csv"))

    assert changelist.status_code == 200
    assert "Import CSV" not in changelist.content.decode()
    assert page.status_code == 403


def practitioner_csv(*rows: str) -> SimpleUploadedFile:
    header = ",".join(column.name for column in imports.PRACTITIONER_COLUMNS)
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("practitioners.csv", text.encode(), content_type="text/csv")


def test_practitioner_import_through_the_admin_shows_the_report(admin_client_logged_in):
    good = npi_with_check_digit("123456789")
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    upload = practitioner_csv(
        f"{good},Avery,Stone,MD,Orthopedics,,(615) 548-4000,,1 Main St,,Franklin,TN,37067",
        f"{bad},Luis,Reyes,DO,,,6155484002,,2 Main St,,Franklin,TN,37067",
    )

    response = admin_client_logged_in.post(
        admin_url("practitioner", "import_csv"), {"file": upload}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 practitioner created, 0 updated." in content
    assert "<td>3</td>" in content
    assert "its check digit does not match" in content
    assert list(Practitioner.objects.values_list("npi", flat=True)) == [good]


def test_member_import_through_the_admin_needs_a_plan(admin_client_logged_in):
    plan = factories.HealthPlanFactory()
    factories.LineOfBusinessFactory(kind="medicaid")
    header = ",".join(column.name for column in imports.MEMBER_COLUMNS)
    row = "EVG1,Dana,Whitfield,04/12/1968,F,12 Oak St,,Franklin,TN,37067,,medicaid,MCD,01/01/2024,"
    data = (header + "\n" + row + "\n").encode()
    url = admin_url("member", "import_csv")

    without_plan = admin_client_logged_in.post(
        url, {"file": SimpleUploadedFile("members.csv", data)}
    )
    assert "Choose the health plan whose members the file lists." in without_plan.content.decode()
    assert not Member.objects.exists()

    imported = admin_client_logged_in.post(
        url, {"file": SimpleUploadedFile("members.csv", data), "health_plan": plan.pk}
    )
    assert "1 member created, 0 updated." in imported.content.decode()
    assert Member.objects.get().health_plan == plan


def test_import_of_an_unreadable_file_says_nothing_was_written(admin_client_logged_in):
    upload = SimpleUploadedFile("codes.xlsx", b"PK\x03\x04\x14\x00\x06\x00\xb5\x8f\xce\x9a")

    response = admin_client_logged_in.post(
        admin_url("procedurecode", "import_csv"), {"file": upload}
    )

    content = response.content.decode()
    assert "The file was not imported: nothing in it was written." in content
    assert "not UTF-8 text" in content


def test_import_without_a_file_asks_for_one(admin_client_logged_in):
    response = admin_client_logged_in.post(admin_url("site", "import_csv"), {})

    assert response.status_code == 200
    assert "Choose the CSV file to import." in response.content.decode()


def test_import_of_a_file_over_the_size_limit_is_refused(admin_client_logged_in, monkeypatch):
    monkeypatch.setattr(reader, "MAX_IMPORT_BYTES", 64)
    upload = practitioner_csv("x" * 100)

    response = admin_client_logged_in.post(
        admin_url("practitioner", "import_csv"), {"file": upload}
    )

    assert "can be imported. Split it into smaller files." in response.content.decode()
    assert not Practitioner.objects.exists()


def test_import_needs_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, admin_user)

    response = client.post(admin_url("site", "import_csv"), {"file": practitioner_csv()})

    assert response.status_code == 403
