"""The Authorization Lookup result of one case, as the decks show it, and its PRINT (a PDF):
only the office's submitted cases, every view and print logged, the same few queries whatever
the number of procedure lines."""

import io
import uuid

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AccessEvent
from cases.clinical.submission import case_submit
from cases.models import Case, ProcedureLine, StatusEvent
from cases.models.pathways import Outcome
from tests.cases.clinical.test_submission import ready
from tests.cases.lookup.conftest import assert_not_found_alike, submitted, url
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db


def logged(world, case, action):
    return AccessEvent.objects.filter(
        user=world.user,
        action=action,
        subject_type=AccessEvent.SubjectType.CASE,
        subject_id=str(case.pk),
        member=world.member,
    ).count()


def field(page: str, name: str) -> str:
    """The text of the result's row `name` (its data-field cell)."""
    start = page.index(f'data-field="{name}">') + len(f'data-field="{name}">')
    return page[start : page.index("</td>", start)].strip()


def local(moment) -> str:
    return f"{timezone.localtime(moment):%-m/%-d/%Y %-I:%M:%S %p}"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The result page --------------------------------------------------------------------------


def test_an_approved_case_shows_the_decks_fields(office_client, world):
    world.knee_mri.plain_description = "A special kind of picture of your knee"
    world.knee_mri.save()
    case = submitted(world)
    ProcedureLine.objects.filter(case=case).update(modifiers="RT")
    case = Case.objects.get(pk=case.pk)

    response = office_client.get(url("authorization", case))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="h3 mb-3">Authorization Lookup</h1>' in page
    assert field(page, "authorization-number") == case.authorization_number
    assert field(page, "case-number") == case.case_number
    assert field(page, "status") == "Approved"
    assert field(page, "p2p-status") == ""
    assert field(page, "approval-date") == local(case.submitted_at)
    assert field(page, "service-code") == "73721"
    assert field(page, "service-description") == "MRI LOWER EXTREMITY JOINT W/O"
    assert field(page, "site-name") == "Franklin Imaging Center"
    assert field(page, "expiration-date") == f"{case.expiration_date:%-m/%-d/%Y}"
    assert field(page, "date-last-updated") == local(case.updated_at)
    correspondence = url("correspondence", case)
    assert f'href="{correspondence}">VIEW CORRESPONDENCE</a>' in page
    assert f'href="{correspondence}#uploads">UPLOADS &amp; FAXES</a>' in page
    # Decided: no more clinical.
    assert "UPLOAD ADDITIONAL CLINICAL" not in page and 'data-field="clinical-upload"' not in page
    for heading in ("Procedure", "Description", "Qty Requested", "Qty Approved", "Modifier(s)"):
        assert f'<th scope="col">{heading}</th>' in page
    assert (
        "<td>73721</td>\n      <td>A special kind of picture of your knee</td>\n"
        "      <td>1</td>\n      <td>1</td>\n      <td>RT</td>"
    ) in page
    assert f'href="{url("p2p-availability", case)}">P2P AVAILABILITY</a>' in page
    assert f'href="{url("post-decision-options", case)}">ALL POST DECISION OPTIONS</a>' in page
    assert (
        f'href="{url("authorization-pdf", case)}" target="_blank" rel="noopener">PRINT</a>' in page
    )
    assert "Search Again" in page and "Done" in page
    assert logged(world, case, "view") == 1


def test_a_pending_case_has_no_authorization_number_and_takes_clinical(office_client, world):
    case = submitted(world, outcome=Outcome.REVIEW)

    page = office_client.get(url("authorization", case)).content.decode()

    assert field(page, "authorization-number") == "NA"
    assert field(page, "status") == "Pending"
    assert field(page, "approval-date") == ""
    assert field(page, "expiration-date") == ""
    assert f'href="{url("upload-clinical", case)}">UPLOAD ADDITIONAL CLINICAL</a>' in page
    # Undecided: nothing approved yet.
    assert "<td>1</td>\n      <td></td>" in page


@pytest.mark.parametrize(
    ("status", "label", "takes_clinical", "approved"),
    [
        (Case.Status.HOLD, "Additional Information Required", True, ""),
        (Case.Status.DENIED, "Denied", False, "0"),
        (Case.Status.CANCELLED, "Cancelled", False, ""),
    ],
)
def test_each_status_as_the_office_sees_it(
    office_client, world, status, label, takes_clinical, approved
):
    case = submitted(world, outcome=Outcome.REVIEW)
    Case.objects.filter(pk=case.pk).update(status=status)

    page = office_client.get(url("authorization", case)).content.decode()

    assert field(page, "status") == label
    assert ("UPLOAD ADDITIONAL CLINICAL" in page) is takes_clinical
    assert f"<td>1</td>\n      <td>{approved}</td>" in page


def test_a_partial_approval_shows_each_lines_decision_and_its_date(office_client, world):
    case = submitted(world, outcome=Outcome.REVIEW)
    ProcedureLine.objects.create(
        case=case,
        position=2,
        procedure_code=world.chest_xray,
        quantity_requested=3,
        quantity_approved=2,
    )
    ProcedureLine.objects.filter(case=case, position=1).update(quantity_approved=0)
    decided_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(status=Case.Status.PARTIALLY_APPROVED)
    StatusEvent.objects.create(
        case=case,
        from_status=Case.Status.IN_REVIEW,
        to_status=Case.Status.PARTIALLY_APPROVED,
        by=world.user,
        at=decided_at,
    )

    page = office_client.get(url("authorization", case)).content.decode()

    assert field(page, "status") == "Partially Approved"
    assert field(page, "approval-date") == local(decided_at)
    assert "<td>73721</td>" in page and "<td>71045</td>" in page
    assert "<td>1</td>\n      <td>0</td>" in page
    assert "<td>3</td>\n      <td>2</td>" in page
    assert page.index("<td>73721</td>") < page.index("<td>71045</td>")


def test_the_site_of_an_office_or_a_home(office_client, world):
    office = submitted(world, site=None, rendered_in_office=True, place_of_service="11")
    home = submitted(world, site=None, rendered_in_office=False, place_of_service="12")
    assert (
        field(office_client.get(url("authorization", office)).content.decode(), "site-name")
        == "The requesting provider&#x27;s office (11 - Office)"
    )
    assert (
        field(office_client.get(url("authorization", home)).content.decode(), "site-name")
        == "The member&#x27;s home (12 - Home)"
    )


def test_the_result_reads_the_same_few_queries(office_client, world, django_assert_max_num_queries):
    case = ready(world)
    for position in range(2, 11):
        ProcedureLine.objects.create(
            case=case, position=position, procedure_code=ProcedureCodeFactory()
        )
    case = case_submit(user=world.user, public_id=case.public_id, now=timezone.now())
    # Session, user, its device, membership and office; the case with its approval date; its
    # lines (however many); the access log.
    with django_assert_max_num_queries(8):
        response = office_client.get(url("authorization", case))
    assert response.status_code == 200
    assert response.content.decode().count("IMAGING STUDY") == 9


def test_a_draft_has_no_result(office_client, world):
    case = ready(world)
    for name in ("authorization", "authorization-pdf", "upload-clinical"):
        assert office_client.get(url(name, case)).status_code == 404
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("name", ["authorization", "authorization-pdf"])
def test_another_offices_result_is_404(outsider_client, world, name):
    case = submitted(world)
    assert outsider_client.get(url(name, case)).status_code == 404
    assert not AccessEvent.objects.filter(subject_id=str(case.pk)).exists()


@pytest.mark.parametrize("name", ["authorization", "authorization-pdf"])
def test_the_result_is_read_only(office_client, world, name):
    case = submitted(world)
    assert office_client.post(url(name, case)).status_code == 405


# --- PRINT ------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Outcome.APPROVE, Outcome.REVIEW])
def test_print_gives_the_result_as_a_pdf(office_client, world, outcome):
    case = submitted(world, outcome=outcome)

    response = office_client.get(url("authorization-pdf", case))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'inline; filename="authorization-{case.case_number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Authorization Lookup" in text
    assert f"Case Number: {case.case_number}" in text
    assert "73721" in text and "MRI LOWER EXTREMITY JOINT W/O" in text
    assert "Franklin Imaging Center" in text
    assert "Qty Requested" in text and "Modifier(s)" in text
    if outcome == Outcome.APPROVE:
        assert f"Authorization Number: {case.authorization_number}" in text
        assert "Status: Approved" in text
    else:
        assert "Authorization Number: NA" in text and "Status: Pending" in text
    # The page's links are not printed.
    assert "VIEW CORRESPONDENCE" not in text and "UPLOAD ADDITIONAL" not in text
    assert logged(world, case, "print") == 1
    assert logged(world, case, "view") == 0


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("authorization", "get"),
        ("authorization-pdf", "get"),
        ("upload-clinical", "get"),
        ("upload-clinical", "post"),
    ],
)
def test_another_offices_case_answers_as_one_that_does_not_exist(
    outsider_client, world, name, method
):
    case = submitted(world, outcome=Outcome.REVIEW)
    nobody = Case(public_id=uuid.uuid4())
    send = getattr(outsider_client, method)

    theirs = send(url(name, case))
    unknown = send(url(name, nobody))

    assert_not_found_alike(theirs, unknown, theirs_id=case.public_id, unknown_id=nobody.public_id)
    assert not AccessEvent.objects.exists()
