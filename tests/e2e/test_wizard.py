"""The case-build wizard in a real browser: a radiology request (73721, R68.89) built screen by
screen to lock-in, with Finish Later in the middle and a resume from Certification Requests In
Progress; and a DME request through the supplier path."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.cases.conftest import fill_through, world_build
from tests.e2e.conftest import sign_in
from tests.factories.eligibility import (
    PractitionerAddressFactory,
    PractitionerFactory,
    ProcedureCodeFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def heading(page, name):
    expect(page.get_by_role("heading", name=name, exact=False).first).to_be_visible()


def test_radiology_request_to_lock_in_with_finish_later_and_resume(
    live_server, page, screenshot, password
):
    world = world_build()
    sign_in(page, live_server.url, world.user, password)

    page.get_by_role("link", name="Clinical Certification").click()
    heading(page, "Request an Authorization")
    page.get_by_label("Radiology and Cardiology").check()
    screenshot("wizard_01_program")
    page.get_by_role("button", name="CONTINUE").click()

    heading(page, "Requesting Provider Information")
    expect(page.get_by_text("10% Complete")).to_be_visible()
    screenshot("wizard_02_provider")
    page.get_by_role("button", name=re.compile("SELECT MICHAEL")).click()

    heading(page, "Choose Your Insurer")
    page.get_by_label("Please select the insurer").select_option(label="Evergreen Health Plan")
    screenshot("wizard_03_insurer")
    page.get_by_role("button", name="CONTINUE").click()

    heading(page, "Add Your Contact Info")
    # Pre-filled from the practitioner and the signed-in user.
    expect(page.get_by_label("Fax")).not_to_have_value("")
    page.get_by_label("Who to Contact").fill("Pat Front Desk")
    page.get_by_label("Email", exact=True).fill("pat@lakeside.example")
    screenshot("wizard_04_contact")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("What is the expected procedure date")).to_be_visible()
    screenshot("wizard_05_date_of_service")
    service_day = timezone.localdate() + dt.timedelta(days=10)
    page.get_by_label("What is the expected procedure date").fill(f"{service_day:%m/%d/%Y}")
    page.get_by_role("button", name="SUBMIT").click()

    # Finish Later in the middle, then resume from Certification Requests In Progress.
    heading(page, "Patient Eligibility Lookup")
    page.get_by_role("button", name="Finish Later").click()
    heading(page, "Certification Requests In Progress")
    expect(page.get_by_text(re.compile("Your request has been saved"))).to_be_visible()
    screenshot("wizard_06_in_progress")
    page.get_by_role("link", name="Resume").first.click()

    heading(page, "Patient Eligibility Lookup")
    page.get_by_label("Patient ID").fill("evg00000042")
    page.get_by_label("Date Of Birth").fill("06/28/1982")
    page.get_by_label("Patient Last Name Only").fill("winter")
    page.get_by_role("button", name="ELIGIBILITY LOOKUP").click()
    expect(page.get_by_text("WINTER, JONATHAN")).to_be_visible()
    screenshot("wizard_07_patient_results")
    page.get_by_role("button", name="SELECT").first.click()
    expect(page.get_by_text("Please provide the patient's best contact number")).to_be_visible()
    page.get_by_label("Patient Cell Phone").fill("(615) 555-0199")
    screenshot("wizard_08_patient_contact")
    page.get_by_role("button", name="SUBMIT").click()

    heading(page, "Requested Service + Diagnosis")
    page.locator("#id_procedure_search").fill("737")
    page.get_by_label("Select a Primary Procedure by CPT Code or Description").select_option(
        "73721"
    )
    page.locator("#id_primary_diagnosis").fill("r68.89")
    page.locator("#service-primary-lookup").click()
    page.get_by_role("button", name=re.compile("R68.89")).first.click()
    expect(page.locator("#id_primary_diagnosis")).to_have_value("R68.89")
    page.get_by_label("NO", exact=True).check()
    screenshot("wizard_09_service")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("Confirm your service selection.")).to_be_visible()
    expect(page.get_by_text("MRI LOWER EXTREMITY JOINT W/O", exact=True)).to_be_visible()
    screenshot("wizard_10_confirm")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("Will you be rendering this procedure in your office?")).to_be_visible()
    page.get_by_label("NO", exact=True).check()
    screenshot("wizard_11_site_question")
    page.get_by_role("button", name="CONTINUE").click()
    heading(page, "Add Site of Service")
    page.get_by_label("Zip Code").fill("37067")
    page.get_by_label("Site Name:").fill("Franklin")
    page.get_by_label("Starts with").check()
    page.get_by_role("button", name="LOOKUP SITE").click()
    screenshot("wizard_12_site_results")
    page.get_by_role("button", name=re.compile("SELECT Franklin Imaging")).click()
    expect(page.get_by_text("Selected Site:")).to_be_visible()
    screenshot("wizard_13_site_selected")
    page.get_by_role("button", name="CONTINUE").click()

    heading(page, "Proceed to Clinical Information")
    expect(
        page.get_by_text("you will not be able to edit the Provider, Patient, or Service")
    ).to_be_visible()
    screenshot("wizard_14_proceed")
    page.get_by_role("button", name="CONTINUE").click()
    heading(page, "Proceed to Clinical Information")
    screenshot("wizard_15_clinical")

    case = Case.objects.get(office=world.office)
    assert case.locked_at is not None
    assert (case.member, case.site, case.primary_diagnosis) == (
        world.member,
        world.site,
        world.r68_89,
    )
    assert case.procedure_lines.get().procedure_code == world.knee_mri
    assert case.patient_cell_phone == "6155550199"
    # After lock-in the earlier steps are closed: the browser's back button changes nothing.
    page.go_back()
    page.go_back()
    page.goto(f"{live_server.url}/cases/{case.public_id}/patient/")
    expect(page.get_by_text("cannot be changed after you continued")).to_be_visible()


def test_dme_request_through_the_supplier_path(live_server, page, screenshot, password):
    world = world_build()
    oxygen = ProcedureCodeFactory(
        code="E1390", kind="hcpcs", short_description="OXYGEN CONCENTRATOR SINGLE DELIVERY"
    )
    oxygen.programs.add(world.dme)
    ordering = PractitionerFactory(first_name="Rosa", last_name="Ordway", npi="1003000126")
    PractitionerAddressFactory(practitioner=ordering)
    sign_in(page, live_server.url, world.user, password)

    page.goto(f"{live_server.url}/cases/request/")
    page.get_by_label("Durable Medical Equipment (DME)").check()
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("Are you building a case as a referring physician")).to_be_visible()
    page.get_by_label("Durable Medical Equipment", exact=True).check()
    screenshot("wizard_dme_01_role")
    page.get_by_role("button", name="CONTINUE").click()

    # Only referring providers order: the supplier searches the ordering physician.
    page.get_by_label("Last Name:").fill("Ordway")
    page.get_by_role("button", name="SEARCH").click()
    expect(page.get_by_text("requires NPI or TIN", exact=False).first).to_be_visible()
    page.get_by_label("NPI:").fill("1003000126")
    page.get_by_role("button", name="SEARCH").click()
    screenshot("wizard_dme_02_ordering_physician")
    page.get_by_role("button", name=re.compile("SELECT ORDWAY")).click()

    heading(page, "Choose Your Insurer")
    page.get_by_label("Please select the insurer").select_option(label="Evergreen Health Plan")
    page.get_by_role("button", name="CONTINUE").click()
    heading(page, "Add Your Contact Info")
    page.get_by_label("Who to Contact").fill("Sam Supplier")
    page.get_by_label("Email", exact=True).fill("sam@oxygen.example")
    page.get_by_role("button", name="CONFIRM FAX AND CONTINUE").click()

    expect(page.get_by_text("Has the DME been delivered or dispensed?")).to_be_visible()
    service_day = timezone.localdate() + dt.timedelta(days=3)
    page.get_by_label("What is the expected procedure date").fill(f"{service_day:%m/%d/%Y}")
    page.get_by_role("button", name="SUBMIT").click()

    page.get_by_label("Patient ID").fill("EVG00000042")
    page.get_by_label("Date Of Birth").fill("06/28/1982")
    page.get_by_label("Patient Last Name Only").fill("Winter")
    page.get_by_role("button", name="ELIGIBILITY LOOKUP").click()
    page.get_by_role("button", name="SELECT").first.click()
    page.get_by_role("button", name="UNKNOWN").click()

    heading(page, "Requested Service + Diagnosis")
    page.get_by_label("Select a Primary Procedure by CPT Code or Description").select_option(
        "E1390"
    )
    page.locator("#id_primary_diagnosis").fill("M25.561")
    page.get_by_label("NO", exact=True).check()
    page.get_by_role("button", name="CONTINUE").click()
    page.get_by_role("button", name="CONTINUE").click()  # Confirm your service selection.

    expect(page.get_by_text("12 - Home", exact=True)).to_be_visible()
    screenshot("wizard_dme_03_site_home")
    page.get_by_role("button", name="CONTINUE").click()

    heading(page, "Proceed to Clinical Information")
    page.get_by_role("button", name="CONFIRM AND CONTINUE").click()
    expect(page.get_by_text("Please check the box to acknowledge the attestation")).to_be_visible()
    page.get_by_label(re.compile("I acknowledge")).check()
    screenshot("wizard_dme_04_attestation")
    page.get_by_role("button", name="CONFIRM AND CONTINUE").click()
    heading(page, "Proceed to Clinical Information")

    case = Case.objects.get(office=world.office)
    assert case.dme_role == Case.DmeRole.DME_SUPPLIER
    assert case.practitioner == ordering
    assert (case.place_of_service, case.dme_attested) == ("12", True)
    assert case.locked_at is not None


def test_musculoskeletal_date_extension_starts_from_an_approved_case(
    live_server, page, screenshot, password
):
    world = world_build()
    msk_code = ProcedureCodeFactory(code="97110", short_description="THERAPEUTIC EXERCISES")
    msk_code.programs.add(world.msk)
    approved = Case.objects.create(office=world.office, created_by=world.user, program=world.msk)
    approved = fill_through(approved, world, "site")
    approved.procedure_lines.update(procedure_code=msk_code)
    Case.objects.filter(pk=approved.pk).update(status=Case.Status.APPROVED)
    sign_in(page, live_server.url, world.user, password)

    page.goto(f"{live_server.url}/cases/request/")
    page.get_by_label("Musculoskeletal Management").check()
    page.get_by_role("button", name="CONTINUE").click()
    expect(
        page.get_by_text("are eligible for case duplication and date extensions")
    ).to_be_visible()
    page.get_by_label("Date Extension").check()
    screenshot("wizard_msk_01_attention")
    page.get_by_role("button", name="CONTINUE").click()
    expect(page.get_by_text("select the approved case to start from")).to_be_visible()
    page.get_by_label("WINTER, JONATHAN").check()
    screenshot("wizard_msk_02_approved_cases")
    page.get_by_role("button", name="CONTINUE").click()

    # Its data copied, the new request asks for the new date of service.
    expect(page.get_by_text("What is the expected procedure date")).to_be_visible()
    expect(page.get_by_text("WINTER, JONATHAN")).to_be_visible()
    draft = Case.objects.exclude(pk=approved.pk).get(office=world.office)
    assert (draft.build_kind, draft.source_case_id) == ("date_extension", approved.pk)
    assert draft.member == world.member and draft.date_of_service is None

    # Certification Requests In Progress › Delete.
    page.goto(f"{live_server.url}/cases/in-progress/")
    page.get_by_role("link", name="Delete").first.click()
    heading(page, "Delete this request?")
    screenshot("wizard_msk_03_delete_confirm")
    page.get_by_role("button", name="DELETE").click()
    expect(page.get_by_text("The request has been deleted.")).to_be_visible()
    assert not Case.objects.filter(pk=draft.pk).exists()


def test_a_code_without_prior_authorization_ends_the_request(
    live_server, page, screenshot, password
):
    world = world_build()
    draft = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=world.radiology),
        world,
        "patient",
    )
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{draft.public_id}/service/")
    procedures = page.get_by_label("Select a Primary Procedure by CPT Code or Description")
    procedures.select_option("71045")
    page.locator("#id_primary_diagnosis").fill("R68.89")
    page.get_by_label("NO", exact=True).check()
    page.get_by_role("button", name="CONTINUE").click()
    expect(
        page.get_by_text(re.compile("Prior authorization is not required for 71045"))
    ).to_be_visible()
    screenshot("wizard_16_not_required")
    assert not Case.objects.filter(pk=draft.pk).exists()
