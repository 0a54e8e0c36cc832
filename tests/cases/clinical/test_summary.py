"""After SUBMIT CASE: "Summary of Your Request", its PDF (PRINT), and "Thank you for submitting
a request for clinical certification." with "Start a new request using the same:" and GO."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AccessEvent, OfficePractitioner
from cases.clinical.submission import case_submit
from cases.models import Case, ProcedureLine
from cases.models.case import AdditionalInfo
from cases.models.pathways import Outcome
from cases.wizard import steps
from cases.wizard.drafts import draft_start
from cases.wizard.services.duplicate import PROVIDER_GONE, UNKNOWN_KEEP
from tests.cases.conftest import fill_through
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db

APPROVED = "Your case has been Approved."
IN_REVIEW = "Your case has been sent to Medical Review."


def ready(world, *, outcome=Outcome.APPROVE, program=None, **values) -> Case:
    """A locked-in request with every clinical stage before SUBMIT CASE done."""
    case = fill_through(
        draft_start(user=world.user, program=program or world.radiology), world, "site"
    )
    case.locked_at = timezone.now()
    case.urgency_done = True
    case.pathway_outcome = outcome
    case.additional_info = AdditionalInfo.NONE
    for name, value in values.items():
        setattr(case, name, value)
    case.save()
    return Case.objects.get(pk=case.pk)


def submitted(world, **kwargs) -> Case:
    case = ready(world, **kwargs)
    return case_submit(user=world.user, public_id=case.public_id, now=timezone.now())


def url(name, case):
    return reverse(f"cases:{name}", kwargs={"public_id": case.public_id})


def logged(world, case, action):
    return AccessEvent.objects.filter(
        user=world.user,
        action=action,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=str(case.pk),
        member=world.member,
    ).count()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- Summary of Your Request ------------------------------------------------------------------


def test_an_approved_summary_shows_the_decks_fields(office_client, world):
    world.delegation.validity_days = 45
    world.delegation.save()
    case = ready(world, secondary_diagnosis=world.m25_561)
    ProcedureLine.objects.filter(case=case).update(quantity_requested=2, modifiers="RT")
    case = case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    address = world.practitioner_address

    response = office_client.get(url("summary", case))

    assert response.status_code == 200
    page = response.content.decode()
    expected = [
        "Summary of Your Request",
        "Please review the details of your request below and if everything looks correct "
        "click CONTINUE",
        "Provider Name:",
        "GRACE MICHAEL, MD",
        "Contact:",
        "Pat Front Desk",
        "Provider Address:",
        address.address1.upper(),
        "Phone Number:",
        "(615) 548-4000",
        "Fax Number:",
        "(615) 548-4001",
        "Patient Name:",
        "JONATHAN WINTER",
        "Patient Id:",
        "EVG00000042",
        "Insurance Carrier:",
        "Evergreen Health Plan",
        "Site Name:",
        "Franklin Imaging Center",
        "Site ID:",
        world.site.npi,
        "Site Address:",
        world.site.address1.upper(),
        "Primary Diagnosis Code:",
        "R68.89",
        "Other general symptoms and signs",
        "Secondary Diagnosis Code:",
        "M25.561",
        "Pain in right knee",
        "Date of Service:",
        case.date_of_service.strftime("%-m/%-d/%Y"),
        "CPT Code:",
        "73721",
        "MRI LOWER EXTREMITY JOINT W/O",
        "Modifier:",
        "RT",
        "Quantity:",
        "Authorization Number:",
        case.authorization_number,
        "Case Number:",
        case.case_number,
        "Review Date:",
        "Expiration Date:",
        (case.review_date + dt.timedelta(days=45)).strftime("%-m/%-d/%Y"),
        "Status:",
        APPROVED,
        "CANCEL",
        "PRINT",
        "CONTINUE",
    ]
    missing = [text for text in expected if text not in page]
    assert not missing, missing
    assert IN_REVIEW not in page and "N/A" not in page
    assert f'href="{url("summary-pdf", case)}"' in page
    assert f'href="{url("thank-you", case)}"' in page
    assert f'href="{reverse("portal:home")}"' in page
    assert logged(world, case, "view") == 1


def test_a_summary_sent_to_medical_review(office_client, world):
    case = submitted(world, outcome=Outcome.REVIEW)
    page = office_client.get(url("summary", case)).content.decode()
    assert IN_REVIEW in page and APPROVED not in page
    assert "Case Number:" in page and case.case_number in page
    assert "Authorization Number:" not in page
    assert "N/A" in page  # Expiration Date


def test_every_procedure_line_is_shown_with_its_quantity(office_client, world):
    case = ready(world)
    second = ProcedureCodeFactory(code="73722", short_description="MRI JOINT OF LWR EXTRE W/DYE")
    ProcedureLine.objects.create(
        case=case, position=2, procedure_code=second, quantity_requested=3, modifiers="LT"
    )
    case = case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    page = office_client.get(url("summary", case)).content.decode()
    assert page.index("73721") < page.index("73722")
    assert "MRI JOINT OF LWR EXTRE W/DYE" in page
    assert "<td>3</td>" in page and "<td>LT</td>" in page


def test_a_summary_without_a_date_of_service_or_secondary_diagnosis(office_client, world):
    case = submitted(world, date_of_service=None)
    page = office_client.get(url("summary", case)).content.decode()
    assert "Not provided" in page


def test_the_office_as_site_shows_the_providers_address(office_client, world):
    case = submitted(world, site=None, rendered_in_office=True, place_of_service="11")
    page = office_client.get(url("summary", case)).content.decode()
    assert "The requesting provider&#x27;s office (11 - Office)" in page
    assert page.count(world.practitioner_address.address1.upper()) == 2


def test_the_members_home_as_site(office_client, world):
    case = submitted(world, site=None, rendered_in_office=False, place_of_service="12")
    page = office_client.get(url("summary", case)).content.decode()
    assert "The member&#x27;s home (12 - Home)" in page
    assert world.member.address1.upper() in page


def test_the_summary_reads_the_same_few_queries(
    office_client, world, django_assert_max_num_queries
):
    case = ready(world)
    for position in range(2, 9):
        ProcedureLine.objects.create(
            case=case, position=position, procedure_code=ProcedureCodeFactory()
        )
    case = case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    # Session, user, its device, membership and office; the case with its relations, its
    # lines (however many), the access log.
    with django_assert_max_num_queries(8):
        assert office_client.get(url("summary", case)).status_code == 200


def test_a_draft_has_no_summary(office_client, world):
    case = ready(world)
    for name in ("summary", "summary-pdf", "thank-you"):
        assert office_client.get(url(name, case)).status_code == 404
    assert office_client.post(url("thank-you", case), {"keep": "program"}).status_code == 404
    assert Case.objects.count() == 1


@pytest.mark.parametrize("name", ["summary", "summary-pdf", "thank-you"])
def test_another_offices_summary_is_404(outsider_client, world, name):
    case = submitted(world)
    assert outsider_client.get(url(name, case)).status_code == 404
    assert not AccessEvent.objects.filter(subject_id=str(case.pk)).exists()


def test_another_office_cannot_go_from_the_thank_you(outsider_client, world):
    case = submitted(world)
    response = outsider_client.post(url("thank-you", case), {"keep": "program"})
    assert response.status_code == 404
    assert Case.objects.count() == 1


@pytest.mark.parametrize("name", ["summary", "summary-pdf"])
def test_the_summary_is_read_only(office_client, world, name):
    case = submitted(world)
    assert office_client.post(url(name, case)).status_code == 405


# --- PRINT ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "sentence"), [(Outcome.APPROVE, APPROVED), (Outcome.REVIEW, IN_REVIEW)]
)
def test_print_gives_the_summary_as_a_pdf(office_client, world, outcome, sentence):
    case = submitted(world, outcome=outcome)

    response = office_client.get(url("summary-pdf", case))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'inline; filename="summary-{case.case_number}.pdf"')
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Summary of Your Request" in text
    assert case.case_number in text and sentence in text
    assert "JONATHAN WINTER" in text and "73721" in text
    if outcome == Outcome.APPROVE:
        assert case.authorization_number in text
    assert logged(world, case, "print") == 1
    assert logged(world, case, "view") == 0


# --- Thank you and GO -------------------------------------------------------------------------


def test_the_thank_you_page(office_client, world):
    case = submitted(world)
    response = office_client.get(url("thank-you", case))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Thank you for submitting a request for clinical certification. Would you like to:",
        "Return to the main menu",
        "Start a new request",
        "Resume an in-progress request",
        "Start a new request using the same:",
        "Program (Radiology and Cardiology)",
        "Provider (MICHAEL, GRACE)",
        "Program and Provider (Radiology and Cardiology and MICHAEL, GRACE)",
        "Program and Health Plan (Radiology and Cardiology and Evergreen Health Plan)",
        "GO",
    ):
        assert text in page, text
    for name in ("portal:home", "cases:start", "cases:in-progress"):
        assert f'href="{reverse(name)}"' in page


@pytest.mark.parametrize(
    ("keep", "kept", "first_step"),
    [
        ("program", {}, "provider"),
        ("provider", {"practitioner_id"}, "insurer"),
        ("program_provider", {"practitioner_id"}, "insurer"),
        ("program_plan", {"health_plan_id"}, "provider"),
    ],
)
def test_go_starts_a_new_request_using_the_same(office_client, world, keep, kept, first_step):
    source = submitted(world)

    response = office_client.post(url("thank-you", source), {"keep": keep})

    new = Case.objects.exclude(pk=source.pk).get()
    assert (new.status, new.office, new.program) == ("draft", world.office, world.radiology)
    for name in ("practitioner_id", "health_plan_id"):
        expected = getattr(source, name) if name in kept else None
        assert getattr(new, name) == expected, name
    assert new.member_id is None and not new.procedure_lines.exists()
    assert steps.first_incomplete(new).name == first_step
    assert response.status_code == 302
    assert response["Location"] == url(f"wizard-{first_step}", new)


@pytest.mark.parametrize("data", [{}, {"keep": "everything"}, {"keep": "x" * 5000}])
def test_go_without_a_choice_says_so(office_client, world, data):
    case = submitted(world)
    response = office_client.post(url("thank-you", case), data)
    assert response.status_code == 200
    assert UNKNOWN_KEEP in response.content.decode()
    assert Case.objects.count() == 1


def test_go_with_a_provider_no_longer_on_the_account_says_so(office_client, world):
    case = submitted(world)
    OfficePractitioner.objects.filter(office=world.office, practitioner=world.practitioner).delete()
    response = office_client.post(url("thank-you", case), {"keep": "program_provider"})
    assert response.status_code == 200
    assert PROVIDER_GONE.replace("'", "&#x27;") in response.content.decode()
    assert Case.objects.count() == 1
