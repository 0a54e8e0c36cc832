"""The clinical phase's other journeys in a real browser: a lumbar epidural sent to medical
review with an upload; an urgent request refused without a file and accepted with one; a DME
request with two HCPCS codes; a medical oncology request approved by a preferred regimen; a
knee MRI with an additional procedure on the same day and site."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from cases.clinical.demo_pathways import demo_pathways_load
from cases.models import Answer, Case, Upload
from tests.cases.conftest import fill_through, world_build
from tests.e2e.conftest import sign_in
from tests.factories.eligibility import DelegationFactory, ProcedureCodeFactory, ProgramFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ATTESTATION = re.compile("I acknowledge")


def answer(page, label, *, exact=True):
    page.get_by_label(label, exact=exact).check()
    page.get_by_role("button", name="SUBMIT").click()


def question(page, text):
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def small_pdf(tmp_path, name="clinical-notes.pdf"):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / name
    with path.open("wb") as out:
        writer.write(out)
    return path


def locked_in(case):
    Case.objects.filter(pk=case.pk).update(locked_at=timezone.now())
    return Case.objects.get(pk=case.pk)


def attest_and_submit(page):
    page.get_by_label(ATTESTATION, exact=False).check()
    page.get_by_role("button", name="SUBMIT CASE").click()


def test_lumbar_epidural_goes_to_medical_review_with_an_upload(
    live_server, page, screenshot, password, tmp_path
):
    world = world_build()
    epidural = ProcedureCodeFactory(code="62323", short_description="NJX INTERLAMINAR LMBR/SAC")
    epidural.programs.add(world.msk)
    demo_pathways_load()
    case = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=world.msk),
        world,
        "site",
    )
    case.procedure_lines.update(procedure_code=epidural)
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/proceed/")
    page.get_by_role("button", name="CONTINUE").click()

    expect(page.get_by_text("Is this case Routine/Standard?")).to_be_visible()
    page.get_by_role("button", name="YES").click()

    question(page, "Please indicate the reason for this procedure:")
    answer(page, re.compile("To treat low back pain"), exact=False)
    question(page, "Please indicate the type of injectate(s)")
    answer(page, "Corticosteroid")
    question(page, "How many levels will this procedure be performed at?")
    # Two levels: more than the one interlaminar level a session allows, so a person looks.
    page.get_by_label(re.compile("How many levels")).fill("2")
    screenshot("clinical_j1_01_levels")
    page.get_by_role("button", name="SUBMIT").click()

    question(page, "Is there any additional information specific")
    page.get_by_label(
        "I would like to upload a document after the survey (Recommended)", exact=True
    ).check()
    expect(page.get_by_text("Clinical Upload")).to_be_visible()
    page.get_by_label("Document 1", exact=True).set_input_files(str(small_pdf(tmp_path)))
    screenshot("clinical_j1_02_additional_upload")
    page.get_by_role("button", name="SUBMIT").click()

    expect(page.get_by_role("button", name="SUBMIT CASE")).to_be_visible()
    attest_and_submit(page)

    expect(page.get_by_role("status")).to_have_text("Your case has been sent to Medical Review.")
    screenshot("clinical_j1_03_summary")
    case.refresh_from_db()
    assert case.submitted_at is not None and case.case_number
    assert case.status != Case.Status.APPROVED and not case.authorization_number
    assert case.additional_info == "upload"
    expect(page.get_by_text(case.case_number).first).to_be_visible()
    upload = Upload.objects.get(case=case)
    assert (upload.original_name, upload.kind, upload.for_urgency) == (
        "clinical-notes.pdf",
        Upload.Kind.PDF,
        False,
    )
    assert Answer.objects.filter(case=case, question__key="levels").get().value in (2, "2")


def test_urgent_request_refused_without_a_file_and_accepted_with_one(
    live_server, page, screenshot, password, tmp_path
):
    world = world_build()
    demo_pathways_load()
    case = locked_in(
        fill_through(
            Case.objects.create(
                office=world.office, created_by=world.user, program=world.radiology
            ),
            world,
            "site",
        )
    )
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/clinical/")

    expect(page.get_by_text("Is this case Routine/Standard?")).to_be_visible()
    page.get_by_role("button", name="NO", exact=True).click()
    expect(page.get_by_role("heading", name="Urgency Indicator")).to_be_visible()
    jeopardize = page.get_by_label(re.compile("seriously jeopardize the life"))
    jeopardize.check()
    page.get_by_role("button", name="UPLOAD", exact=True).click()

    expect(
        page.get_by_text("Please choose at least one file to upload, or click SKIP UPLOAD.")
    ).to_be_visible()
    screenshot("clinical_j2_01_upload_without_file")
    case.refresh_from_db()
    assert not case.urgency_done and not case.is_urgent

    page.get_by_role("button", name="NO", exact=True).click()
    expect(page.get_by_role("heading", name="Urgency Indicator")).to_be_visible()
    page.get_by_label(re.compile("seriously jeopardize the life")).check()
    page.locator("#id_files_1").set_input_files(str(small_pdf(tmp_path, "urgent.pdf")))
    screenshot("clinical_j2_02_upload_with_file")
    page.get_by_role("button", name="UPLOAD", exact=True).click()

    expect(page.get_by_text("Your request will be processed as urgent.")).to_be_visible()
    expect(page.get_by_text("urgent.pdf was uploaded.")).to_be_visible()
    question(page, "Will there be any additional procedures")
    screenshot("clinical_j2_03_urgent_accepted")
    case.refresh_from_db()
    assert case.urgency_done and case.is_routine is False
    assert case.urgency_criterion == "jeopardize" and case.is_urgent is True
    assert Upload.objects.get(case=case).for_urgency is True


def test_dme_request_with_two_hcpcs_codes(live_server, page, screenshot, password):
    world = world_build()
    cpap, mask = (
        ProcedureCodeFactory(code=code, kind="hcpcs", short_description=description)
        for code, description in (
            ("E0601", "CONTINUOUS AIRWAY PRESSURE DEVICE"),
            ("A7030", "FULL FACE MASK USED W PAP DEVICE"),
        )
    )
    for code in (cpap, mask):
        code.programs.add(world.dme)
    demo_pathways_load()
    case = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=world.dme),
        world,
        "site",
    )
    case.procedure_lines.update(procedure_code=cpap)
    case = locked_in(case)
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/clinical/")
    page.get_by_role("button", name="YES").click()

    question(page, "Please enter the Primary HCPCS code for this DME request:")
    page.locator("#id_code_1").fill("e0601")
    page.locator("#id_units_1").fill("1")
    page.get_by_role("group", name="Would you like to enter another HCPCS code?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="SUBMIT").click()

    expect(page.get_by_label("Code 2", exact=True)).to_be_visible()
    expect(page.locator("#id_code_1")).to_have_value("E0601")
    page.get_by_label("Code 2", exact=True).fill("A7030")
    page.locator("#id_units_2").fill("2")
    page.get_by_role("group", name="Would you like to enter another HCPCS code?").get_by_label(
        "No", exact=True
    ).check()
    screenshot("clinical_j3_01_two_codes")
    page.get_by_role("button", name="SUBMIT").click()

    question(page, "Is there a written prescription for the requested equipment")
    answer(page, "Yes")
    question(page, "Was the member seen by the referring physician")
    answer(page, "Yes")

    question(page, "Is there any additional information specific")
    page.get_by_label(re.compile("I have no additional information"), exact=False).check()
    screenshot("clinical_j3_02_additional")
    page.get_by_role("button", name="SUBMIT").click()
    attest_and_submit(page)

    expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
    screenshot("clinical_j3_03_summary")
    answer_row = Answer.objects.get(case=case, question__key="hcpcs")
    assert answer_row.value == [{"code": "E0601", "units": 1}, {"code": "A7030", "units": 2}]
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED and case.submitted_at is not None
    # The answer's codes are the request's lines: the locked-in E0601 and the added A7030.
    lines = case.procedure_lines.order_by("position")
    assert [(line.procedure_code.code, line.quantity_requested) for line in lines] == [
        ("E0601", 1),
        ("A7030", 2),
    ]


def test_medical_oncology_request_approved_by_a_preferred_regimen(
    live_server, page, screenshot, password
):
    world = world_build()
    oncology = ProgramFactory(code="medical-oncology", name="Medical Oncology Pathways")
    delegation = DelegationFactory(
        health_plan=world.plan,
        program=oncology,
        line_of_business=world.delegation.line_of_business,
    )
    chemo = ProcedureCodeFactory(code="96413", short_description="CHEMO IV INFUSION 1 HR")
    chemo.programs.add(oncology)
    demo_pathways_load()
    case = fill_through(
        Case.objects.create(office=world.office, created_by=world.user, program=oncology),
        world,
        "site",
    )
    case.procedure_lines.update(procedure_code=chemo)
    Case.objects.filter(pk=case.pk).update(delegation=delegation)
    case = locked_in(case)
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/clinical/")
    page.get_by_role("button", name="YES").click()

    question(page, "best describes the member's cancer diagnosis")
    answer(page, "Diffuse large B-cell lymphoma: first-line therapy")

    question(page, "Select Treatment Option:")
    expect(page.get_by_text("will result in an immediate authorization").first).to_be_visible()
    page.get_by_label(re.compile(r"^R-CHOP")).check()
    screenshot("clinical_j4_01_regimen")
    page.get_by_role("button", name="SUBMIT").click()

    question(page, "Is there any additional information specific")
    page.get_by_label(re.compile("I have no additional information"), exact=False).check()
    page.get_by_role("button", name="SUBMIT").click()
    attest_and_submit(page)

    expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
    screenshot("clinical_j4_02_summary")
    case.refresh_from_db()
    assert case.status == Case.Status.APPROVED
    assert case.authorization_number and case.case_number
    assert Answer.objects.get(case=case, question__key="regimen_dlbcl").value == "r-chop"


def test_knee_mri_with_an_additional_procedure_makes_two_procedure_lines(
    live_server, page, screenshot, password
):
    world = world_build()
    demo_pathways_load()
    case = locked_in(
        fill_through(
            Case.objects.create(
                office=world.office, created_by=world.user, program=world.radiology
            ),
            world,
            "site",
        )
    )
    sign_in(page, live_server.url, world.user, password)
    page.goto(f"{live_server.url}/cases/{case.public_id}/clinical/")
    page.get_by_role("button", name="YES").click()

    question(page, "Will there be any additional procedures needing prior authorization")
    answer(page, "Yes")
    question(page, "Please enter the CPT code and the quantity of each additional procedure:")
    page.locator("#id_code_1").fill("71045")
    page.locator("#id_units_1").fill("2")
    page.get_by_role("group", name="Would you like to enter another CPT code?").get_by_label(
        "No", exact=True
    ).check()
    screenshot("clinical_j5_01_additional_procedure")
    page.get_by_role("button", name="SUBMIT").click()

    answer(page, "Knee")
    answer(page, "No")  # the cancer question
    answer(page, re.compile("Knee injury with suspected internal derangement"), exact=False)
    page.get_by_label(re.compile("Positive McMurray test"), exact=False).check()
    page.get_by_role("button", name="SUBMIT").click()
    answer(page, "Yes")  # X-rays since the symptoms began
    question(page, "Is there any additional information specific")
    page.get_by_label(re.compile("I have no additional information"), exact=False).check()
    page.get_by_role("button", name="SUBMIT").click()
    attest_and_submit(page)

    expect(page.get_by_role("status")).to_have_text("Your case has been Approved.")
    expect(page.get_by_text("X-RAY EXAM CHEST 1 VIEW")).to_be_visible()
    screenshot("clinical_j5_02_summary_two_lines")
    case.refresh_from_db()
    lines = case.procedure_lines.order_by("position")
    assert [(line.procedure_code.code, line.quantity_requested) for line in lines] == [
        ("73721", 1),
        ("71045", 2),
    ]
