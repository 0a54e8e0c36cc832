"""The medical review's letters (partial approval, denial, hold, alternative recommendation,
cancellation, reconsideration and appeal outcomes), to the ordering provider and to the member:
rendered by letters_render for a determination made directly in the database (what the review's
services leave behind: the case's status and lines' decisions, a status event and its
Determination), and read back from the PDF.

The member's letters are in plain language: the procedures' plain descriptions, the rationale
and the guideline's name, never the criterion's reference, an NPI or a code's short
description."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cases.letters.rendering import letter_recipients
from cases.letters.services import KIND_BY_STATUS, letter_kind_for, letters_render
from cases.models import (
    Case,
    Determination,
    Letter,
    PostDecisionRequest,
    ProcedureLine,
    StatusEvent,
)
from eligibility.models import LineOfBusiness
from tests.cases.letters.conftest import PLAIN_KNEE_MRI, pdf_text
from tests.cases.tracking.conftest import submitted
from tests.factories.accounts import UserFactory
from tests.factories.eligibility import LineOfBusinessFactory, ProcedureCodeFactory

pytestmark = pytest.mark.django_db

# The determination's moment: 10:00 in the portal's time zone (America/New_York), a Monday.
AT = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
SUBMITTED_AT = AT - dt.timedelta(days=2)
# tracking's submitted(): the date of service is a week after the submission.
DATE_OF_SERVICE = SUBMITTED_AT.date() + dt.timedelta(days=7)  # 3/7/2026
APPEAL_UNTIL = AT.date() + dt.timedelta(days=180)  # 8/29/2026
PLAIN_CHEST_XRAY = "An X-ray (a picture) of your chest"


def director():
    return UserFactory(
        username="letters.director", reviewer_role="medical_director", first_name="Ada"
    )


def nurse():
    return UserFactory(username="letters.nurse", reviewer_role="nurse_reviewer")


def decided(
    world,
    *,
    status: str,
    outcome: str,
    review_level: str = Case.ReviewLevel.INITIAL,
    lines: list[dict] | None = None,
    by=None,
    at: dt.datetime = AT,
    authorization_number: str | None = None,
    initial_denial_at: dt.datetime | None = None,
    request: str | None = None,
    **determination,
) -> StatusEvent:
    """A radiology case of the world decided at `at`: status `status`, its lines as `lines`
    (the knee MRI first; the chest X-ray second when two are given), its status event and the
    reviewer's Determination (`determination` fields)."""
    world.chest_xray.plain_description = PLAIN_CHEST_XRAY
    world.chest_xray.save()
    case = submitted(
        world,
        status=status,
        submitted_at=SUBMITTED_AT,
        authorization_number=authorization_number,
    )
    Case.objects.filter(pk=case.pk).update(
        review_level=review_level,
        review_date=at.date() if case.authorization_number else None,
    )
    codes = [world.knee_mri, world.chest_xray]
    for position, values in enumerate(lines or [{}], start=1):
        ProcedureLine.objects.update_or_create(
            case=case,
            position=position,
            defaults={"procedure_code": codes[position - 1], **values},
        )
    from_status = Case.Status.IN_REVIEW
    if initial_denial_at is not None:
        # The initial denial, then the office's request for this level of review.
        StatusEvent.objects.create(
            case=case,
            from_status=Case.Status.IN_REVIEW,
            to_status=Case.Status.DENIED,
            by=director(),
            at=initial_denial_at,
        )
        from_status = Case.Status.DENIED
    if request is not None:
        PostDecisionRequest.objects.create(
            case=case,
            kind=request,
            requested_by=world.user,
            requested_at=at - dt.timedelta(days=1),
            contact_name="Pat Lee",
            contact_phone="6155550100",
            reason="New imaging report attached.",
        )
    event = StatusEvent.objects.create(
        case=case,
        from_status=from_status,
        to_status=status,
        by=by or director(),
        at=at,
    )
    Determination.objects.create(
        case=case,
        status_event=event,
        outcome=outcome,
        review_level=review_level,
        decided_by=by or director(),
        decided_at=at,
        **determination,
    )
    return event


def read(letter: Letter) -> bytes:
    with letter.file.open("rb") as content:
        return content.read()


def letters(event, kind=None) -> dict[str, str]:
    """Render the event's letters; their text by recipient (the rows' kind checked)."""
    made = letters_render(status_event_id=event.pk, kind=kind)
    expected = kind or KIND_BY_STATUS[event.to_status]
    assert sorted(letter.recipient for letter in made) == ["member", "provider"]
    assert {letter.kind for letter in made} == {expected}
    return {letter.recipient: pdf_text(read(letter)) for letter in made}


def assert_in(text: str, *expected: str) -> None:
    for words in expected:
        assert words in text, words


def assert_not_in(text: str, *unexpected: str) -> None:
    # Whole words only: a generated name or street upper-cased ("SNIPES") holds "NPI".
    for words in unexpected:
        assert not re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text), words


RATIONALE = (
    "The records show knee pain for two weeks. The guideline asks for six weeks of physical "
    "therapy or medicines before an MRI."
)
GUIDELINE = "Musculoskeletal Imaging Guidelines MS-7"
CRITERION = "MS-7.2 Six weeks of conservative care documented"
MEMBER_JARGON = (CRITERION, "MS-7.2", "NPI", "MRI LOWER EXTREMITY JOINT W/O", "73721")


def denial(world, **values) -> StatusEvent:
    fields = {
        "rationale": RATIONALE,
        "guideline": GUIDELINE,
        "criterion": CRITERION,
        "denial_reason": Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
        **values,
    }
    return decided(world, status=Case.Status.DENIED, outcome=Determination.Outcome.DENIED, **fields)


def set_line_of_business(world, kind: str) -> None:
    world.delegation.line_of_business = LineOfBusinessFactory(kind=kind)
    world.delegation.appeal_instructions = "Mail the appeal to PO Box 12, Nashville, TN 37201."
    world.delegation.save()


# --- Every kind has both letters ---------------------------------------------------------------


def test_every_review_kind_has_a_provider_and_a_member_letter():
    for kind in set(Letter.Kind.values) - {Letter.Kind.P2P_CONFIRMATION}:
        assert letter_recipients(kind) == ["provider", "member"], kind
    # A P2P is arranged with the office: its confirmation goes to the provider only.
    assert letter_recipients(Letter.Kind.P2P_CONFIRMATION) == ["provider"]
    # The statuses' kinds are the tracking issue's, unchanged.
    assert KIND_BY_STATUS[Case.Status.DENIED] == Letter.Kind.DENIAL
    assert KIND_BY_STATUS[Case.Status.HOLD] == Letter.Kind.HOLD


# --- Denial ------------------------------------------------------------------------------------


def test_the_denial_letters_say_why_and_the_rights_of_a_commercial_member(world):
    world.delegation.appeal_instructions = "Fax the appeal to (800) 555-0199."
    world.delegation.save()
    event = denial(world)

    text = letters(event)
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Prior Authorization Denied",
        "Dear Dr. Michael",
        "After review by a Medical Director, the request is denied",
        "Member Name: JONATHAN WINTER",
        "Line of Business: Commercial",
        "Determination Date: 3/2/2026",
        "Procedures Denied 73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 1",
        "Denial Reason: Not medically necessary",
        RATIONALE,
        f"Guideline Used: {GUIDELINE}",
        f"Criterion: {CRITERION}",
        "Reviewed by: Medical Director",
        "Reconsideration allowed through Summit Prior Authorization Portal until 3/7/2026",
        "may request a Reconsideration P2P with a Summit Prior Authorization Portal physician "
        "until 3/7/2026",
        "P2P AVAILABILITY",
        "A first-level appeal may be requested until 8/29/2026 (within 180 days of the initial "
        "determination on 3/2/2026)",
        "Fax the appeal to (800) 555-0199.",
    )
    # No reviewer's name.
    assert_not_in(provider, "Ada", "Authorization Number:")
    assert_in(
        member,
        "JONATHAN WINTER",
        "Dear Jonathan Winter",
        "Your care was not approved",
        "a Medical Director",
        f"What was not approved • {PLAIN_KNEE_MRI}",
        "Reason: Not medically necessary.",
        RATIONALE,
        f'the guideline "{GUIDELINE}"',
        "free copy",
        "on or before March 7, 2026",
        "Your appeal must reach us by August 29, 2026, which is 180 days from the date of the "
        "first decision (March 2, 2026)",
        "Fax the appeal to (800) 555-0199.",
        "fast (expedited) appeal",
    )
    assert_not_in(member, *MEMBER_JARGON)


def test_a_medicare_advantage_denial_sends_the_appeal_to_the_plan_without_reconsideration(world):
    set_line_of_business(world, LineOfBusiness.Kind.MEDICARE)
    text = letters(denial(world))
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Line of Business: Medicare Advantage",
        "Reconsiderations are for Commercial Memberships only (Medicare does not allow "
        "reconsiderations)",
        "considered consultative only and the original decision cannot be modified",
        "Submit an appeal with supporting records to Evergreen Health Plan until 8/29/2026",
        "a Peer to Peer consultation cannot be used to overturn the denial",
        "Mail the appeal to PO Box 12, Nashville, TN 37201.",
    )
    assert_not_in(provider, "Reconsideration allowed", "Reconsideration P2P")
    assert_in(
        member,
        "Send your appeal to Evergreen Health Plan by August 29, 2026",
        "Medicare Advantage plan, your appeal is decided by your health plan",
        "Mail the appeal to PO Box 12, Nashville, TN 37201.",
    )
    assert_not_in(member, "Ask us to look again", "State Fair Hearing")


def test_a_medicaid_denial_names_the_state_fair_hearing(world):
    set_line_of_business(world, LineOfBusiness.Kind.MEDICAID)
    text = letters(denial(world))
    assert_in(text["provider"], "Line of Business: Medicaid", "Commercial Memberships only")
    assert_in(text["member"], "Your appeal must reach us by August 29, 2026", "State Fair Hearing")
    assert_not_in(text["member"], "Ask us to look again")


def test_after_the_date_of_service_a_denial_offers_no_reconsideration(world):
    event = denial(world, at=dt.datetime(2026, 3, 9, 15, 0, tzinfo=dt.UTC))
    text = letters(event)
    assert_in(
        text["provider"],
        "Reconsideration must be requested on or before the date of service (03/07/2026), "
        "which has passed",
        "consultative only",
        "A first-level appeal may be requested until 9/5/2026",
    )
    assert_not_in(text["member"], "Ask us to look again")
    assert_in(text["member"], "Your appeal must reach us by September 5, 2026")


# --- Partial approval --------------------------------------------------------------------------


def test_the_partial_approval_letters_say_what_is_approved_and_what_is_not(world):
    event = decided(
        world,
        status=Case.Status.PARTIALLY_APPROVED,
        outcome=Determination.Outcome.PARTIALLY_APPROVED,
        lines=[
            {"decision": "approved", "quantity_requested": 3, "quantity_approved": 2},
            {"decision": "denied", "quantity_requested": 1, "quantity_approved": 0},
        ],
        rationale="A chest X-ray is not needed before a knee MRI.",
        guideline=GUIDELINE,
        criterion=CRITERION,
        denial_reason=Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
    )
    case = event.case
    text = letters(event)
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Prior Authorization Partially Approved",
        f"The authorization number for what is approved is {case.authorization_number}",
        f"valid from 3/2/2026 through {case.expiration_date:%-m/%-d/%Y}",
        f"Expiration Date: {case.expiration_date:%-m/%-d/%Y}",
        "Approved 73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 3 · Qty Approved: 2",
        "Not Approved 73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 3 · Qty Approved: 2 "
        "· Qty Not Approved: 1",
        "71045 X-RAY EXAM CHEST 1 VIEW · Qty Requested: 1 · Qty Not Approved: 1",
        "Reason for What Is Not Approved",
        "A chest X-ray is not needed before a knee MRI.",
        f"Criterion: {CRITERION}",
        "Post-Decision Options for What Is Not Approved",
        "Reconsideration allowed through Summit Prior Authorization Portal until 3/7/2026",
        "A first-level appeal may be requested until 8/29/2026",
    )
    assert_in(
        member,
        "Part of your care was approved",
        f"What was approved • {PLAIN_KNEE_MRI} (2 of the 3 times asked for)",
        f"What was not approved • {PLAIN_KNEE_MRI} (1 more time than approved) "
        f"• {PLAIN_CHEST_XRAY}",
        f"Good through: {case.expiration_date:%B} {case.expiration_date.day}, "
        f"{case.expiration_date.year}",
        f"Authorization Number: {case.authorization_number}",
        "If you disagree with what was not approved",
        "on or before March 7, 2026",
        "August 29, 2026",
    )
    assert_not_in(member, *MEMBER_JARGON, "X-RAY EXAM CHEST")


# --- Hold --------------------------------------------------------------------------------------


def test_the_hold_letters_list_what_is_needed_and_the_due_time_in_the_portals_zone(world):
    event = decided(
        world,
        status=Case.Status.HOLD,
        outcome=Determination.Outcome.HOLD,
        hold_checklist=["Office notes from the last 6 months", "Prior imaging reports"],
        # 22:00 UTC is 6:00 PM in New York (daylight time from March 8).
        hold_due_at=dt.datetime(2026, 3, 16, 22, 0, tzinfo=dt.UTC),
        rationale="Please include the physical therapy notes.",
    )
    text = letters(event)
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Additional Information Required",
        "What is needed • Office notes from the last 6 months • Prior imaging reports",
        "Due date: the information must be received by March 16, 2026, 6:00 PM EDT",
        "Authorization Lookup, find case",
        "UPLOAD ADDITIONAL CLINICAL",
        "Fax it to (800) 555-0143",
        "a determination will be made based on the original submission",
        "Please include the physical therapy notes.",
        "Hold Date: 3/2/2026",
    )
    assert_not_in(provider, "Determination Date", "Appeal")
    assert_in(
        member,
        "We need more information to decide",
        PLAIN_KNEE_MRI,
        "We have not made a decision yet",
        "• Office notes from the last 6 months • Prior imaging reports",
        "send it by March 16, 2026, 6:00 PM EDT",
        "we will decide using the information we already have",
    )
    assert_not_in(member, *MEMBER_JARGON)


def test_the_clinical_fax_comes_from_the_settings_when_set(world, settings):
    settings.PORTAL_CLINICAL_FAX = "(888) 555-0177"
    event = decided(world, status=Case.Status.HOLD, outcome=Determination.Outcome.HOLD)
    assert "Fax it to (888) 555-0177" in letters(event)["provider"]


# --- Alternative recommendation ----------------------------------------------------------------


def test_the_alternative_letters_name_the_service_and_the_accept_by_date(world):
    xray = ProcedureCodeFactory(
        code="73560",
        short_description="X-RAY EXAM OF KNEE 1 OR 2",
        plain_description="An X-ray (a picture) of your knee",
    )
    event = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.ALTERNATIVE,
        alternative_code=xray,
        alternative_accept_by=dt.date(2026, 5, 26),
        rationale="An X-ray comes first for knee pain.",
        guideline=GUIDELINE,
    )
    text = letters(event, kind=Letter.Kind.ALTERNATIVE)
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Alternative Recommendation",
        "Recommended Alternative 73560 X-RAY EXAM OF KNEE 1 OR 2",
        "Accept the alternative recommendation on or before 5/26/2026",
        "Request a reconsideration of the original request until 3/7/2026",
        "An X-ray comes first for knee pain.",
        "Procedures Requested (Original Request) 73721",
    )
    assert_in(
        member,
        "A different service was suggested for your care",
        PLAIN_KNEE_MRI,
        "• An X-ray (a picture) of your knee",
        "Your doctor can accept this suggestion by May 26, 2026",
        "ask us to look at the original request again",
    )
    assert_not_in(member, *MEMBER_JARGON, "73560")


# --- Cancellation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reason, provider_words, member_words",
    [
        ("duplicate", "Another request for the same services", "sent the same request more"),
        ("provider_request", "as your office asked", "asked us to cancel it"),
        ("member_not_eligible", "was not eligible", "you were not covered by Evergreen"),
    ],
)
def test_the_cancellation_letters_give_the_reason(world, reason, provider_words, member_words):
    event = decided(
        world,
        status=Case.Status.CANCELLED,
        outcome=Determination.Outcome.CANCELLED,
        cancel_reason=reason,
    )
    label = Determination.CancelReason(reason).label
    text = letters(event)
    assert_in(
        text["provider"],
        "Prior Authorization Request Cancelled",
        f"Reason: {label}",
        provider_words,
        "No authorization was issued",
        "Cancellation Date: 3/2/2026",
    )
    assert_in(text["member"], "A request for your care was cancelled", member_words)
    assert_not_in(text["member"], *MEMBER_JARGON)


# --- Reconsideration and appeal outcomes -------------------------------------------------------


def test_an_upheld_reconsideration_keeps_the_appeal_counted_from_the_initial_denial(world):
    event = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.UPHELD,
        review_level=Case.ReviewLevel.RECONSIDERATION,
        initial_denial_at=AT - dt.timedelta(days=10),
        # Still "received": the letter reads it as decided by this event.
        request=PostDecisionRequest.Kind.RECONSIDERATION,
        rationale="The new report does not show six weeks of therapy.",
        guideline=GUIDELINE,
        criterion=CRITERION,
        denial_reason=Determination.DenialReason.NOT_MEDICALLY_NECESSARY,
    )
    text = letters(event, kind=Letter.Kind.RECONSIDERATION)
    provider, member = text["provider"], text["member"]
    appeal_until = (AT - dt.timedelta(days=10)).date() + dt.timedelta(days=180)
    assert_in(
        provider,
        "Reconsideration Decision: Decision Upheld",
        "The earlier decision is upheld: the services below remain denied",
        "Level of Review: Reconsideration",
        "Procedures Denied 73721",
        "The new report does not show six weeks of therapy.",
        "Options That Remain",
        "A reconsideration was requested on 03/01/2026",
        "consultative only",
        f"A first-level appeal may be requested until {appeal_until:%-m/%-d/%Y} (within 180 "
        "days of the initial determination on 2/20/2026)",
    )
    assert_in(
        member,
        "We did not change our decision",
        "asked us to look again (a reconsideration)",
        f"What is still not approved • {PLAIN_KNEE_MRI}",
        f"Your appeal must reach us by {appeal_until:%B} {appeal_until.day}, {appeal_until.year}",
    )
    assert_not_in(member, *MEMBER_JARGON, "Ask us to look again")


def test_an_overturned_appeal_gives_the_authorization(world):
    event = decided(
        world,
        status=Case.Status.APPROVED,
        outcome=Determination.Outcome.OVERTURNED,
        review_level=Case.ReviewLevel.APPEAL,
        initial_denial_at=AT - dt.timedelta(days=20),
        request=PostDecisionRequest.Kind.APPEAL,
        lines=[{"decision": "approved", "quantity_requested": 2, "quantity_approved": 2}],
        rationale="The therapy notes now show six weeks of care.",
    )
    case = event.case
    text = letters(event, kind=Letter.Kind.APPEAL)
    provider, member = text["provider"], text["member"]
    assert_in(
        provider,
        "Appeal Decision: Denial Overturned",
        f"The authorization number is {case.authorization_number}",
        f"valid from 3/2/2026 through {case.expiration_date:%-m/%-d/%Y}",
        "Approved 73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 2 · Qty Approved: 2",
        "The therapy notes now show six weeks of care.",
        "not a guarantee of payment",
    )
    assert_not_in(provider, "Not Approved", "Options That Remain", "Denial Reason")
    assert_in(
        member,
        "We changed our decision: your care is approved",
        "An appeal was made",
        f"What is now approved • {PLAIN_KNEE_MRI} (2 times)",
        f"Authorization Number: {case.authorization_number}",
    )
    assert_not_in(member, "If you still disagree", "still not approved", *MEMBER_JARGON)


def test_a_partially_overturned_reconsideration_lists_both_parts(world):
    event = decided(
        world,
        status=Case.Status.PARTIALLY_APPROVED,
        outcome=Determination.Outcome.PARTIALLY_OVERTURNED,
        review_level=Case.ReviewLevel.RECONSIDERATION,
        initial_denial_at=AT - dt.timedelta(days=5),
        request=PostDecisionRequest.Kind.RECONSIDERATION,
        lines=[{"decision": "approved"}, {"decision": "denied"}],
    )
    text = letters(event, kind=Letter.Kind.RECONSIDERATION)
    assert_in(
        text["provider"],
        "Reconsideration Decision: Denial Partially Overturned",
        f"authorization number {event.case.authorization_number}",
        "Approved 73721 MRI LOWER EXTREMITY JOINT W/O · Qty Requested: 1 · Qty Approved: 1",
        "Not Approved 71045 X-RAY EXAM CHEST 1 VIEW · Qty Requested: 1 · Qty Not Approved: 1",
        "Options That Remain",
        "A first-level appeal may be requested until 8/24/2026",
    )
    assert_in(
        text["member"],
        "We changed part of our decision",
        f"What is now approved • {PLAIN_KNEE_MRI}",
        f"What is still not approved • {PLAIN_CHEST_XRAY}",
        "If you still disagree",
    )


@pytest.mark.parametrize(
    "kind, further",
    [
        (LineOfBusiness.Kind.COMMERCIAL, "external review by an independent review organization"),
        (LineOfBusiness.Kind.MEDICAID, "State Fair Hearing"),
    ],
)
def test_an_upheld_appeal_names_what_review_remains(world, kind, further):
    set_line_of_business(world, kind)
    event = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.UPHELD,
        review_level=Case.ReviewLevel.APPEAL,
        initial_denial_at=AT - dt.timedelta(days=30),
        request=PostDecisionRequest.Kind.APPEAL,
    )
    text = letters(event, kind=Letter.Kind.APPEAL)
    assert_in(text["provider"], "Appeal Decision: Decision Upheld", further)
    assert_in(text["member"], "We did not change our decision", "An appeal was made", further)
    for letter in text.values():
        assert_not_in(letter, "may be requested until", "must reach us by")


# --- Empty fields, no determination, escaping --------------------------------------------------

KINDS = [
    (Letter.Kind.DENIAL, Case.Status.DENIED, Determination.Outcome.DENIED),
    (Letter.Kind.PARTIAL_APPROVAL, Case.Status.PARTIALLY_APPROVED, "partially_approved"),
    (Letter.Kind.HOLD, Case.Status.HOLD, Determination.Outcome.HOLD),
    (Letter.Kind.ALTERNATIVE, Case.Status.DENIED, Determination.Outcome.ALTERNATIVE),
    (Letter.Kind.CANCELLATION, Case.Status.CANCELLED, Determination.Outcome.CANCELLED),
    (Letter.Kind.RECONSIDERATION, Case.Status.DENIED, Determination.Outcome.UPHELD),
    (Letter.Kind.APPEAL, Case.Status.APPROVED, Determination.Outcome.OVERTURNED),
]


@pytest.mark.parametrize("kind, status, outcome", KINDS)
def test_a_determination_with_only_its_outcome_makes_both_letters(world, kind, status, outcome):
    world.delegation.appeal_instructions = ""
    world.delegation.save()
    event = decided(world, status=status, outcome=outcome)
    text = letters(event, kind=kind)
    for recipient, letter in text.items():
        assert "Dear " in letter and "Sincerely" in letter, recipient
        assert_not_in(letter, "None", "Guideline Used", "Criterion:", "Denial Reason")
    if kind == Letter.Kind.HOLD:
        assert_in(text["provider"], "within 14 days of the date of this letter")
        assert_in(text["member"], "Medical records that show why you need this care")
    if kind == Letter.Kind.ALTERNATIVE:
        assert_in(text["provider"], "on or before 60 business days from the date of this letter")
    if kind == Letter.Kind.CANCELLATION:
        assert_in(text["provider"], "Reason: Not stated")


@pytest.mark.parametrize("kind, status, outcome", KINDS)
def test_a_status_event_without_a_determination_still_makes_both_letters(
    world, kind, status, outcome
):
    event = decided(world, status=status, outcome=outcome)
    Determination.objects.filter(status_event=event).delete()
    text = letters(event, kind=kind)
    assert all("Sincerely" in letter for letter in text.values())
    if kind == Letter.Kind.APPEAL:
        # Read from the status the appeal left the case in.
        assert "Appeal Decision: Denial Overturned" in text["provider"]


def test_what_reviewers_write_is_escaped_not_markup(world):
    event = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.DENIED,
        rationale="Not <b>needed</b> & <script>x</script>",
        guideline="<i>Guide</i>",
        criterion="<u>C</u>",
    )
    text = letters(event)
    assert_in(
        text["provider"], "Not <b>needed</b> & <script>x</script>", "<i>Guide</i>", "<u>C</u>"
    )
    assert_in(text["member"], "Not <b>needed</b> & <script>x</script>", "<i>Guide</i>")

    hold = decided(
        world,
        status=Case.Status.HOLD,
        outcome=Determination.Outcome.HOLD,
        hold_checklist=["<b>Notes</b>", 98765, {"bad": "shape"}, "  "],
    )
    text = letters(hold)
    assert_in(text["provider"], "What is needed • <b>Notes</b> Due date")
    assert_not_in(text["provider"], "98765", "shape")


def test_a_rationale_keeps_its_paragraphs(world):
    event = denial(world, rationale="First paragraph.\n\nSecond paragraph.")
    text = letters(event)
    assert_in(text["provider"], "Rationale: First paragraph. Second paragraph.")


def test_a_denial_renders_in_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    event = denial(world, lines=[{}, {}])
    with django_assert_max_num_queries(24):
        made = letters_render(status_event_id=event.pk)
    assert len(made) == 2


def test_without_a_kind_the_determination_tells_alternative_and_request_outcomes(world):
    """The sweep re-sends lost messages without a kind: an alternative recommendation or a
    reconsideration outcome must not become a denial letter."""
    alternative = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.ALTERNATIVE,
        alternative_code=ProcedureCodeFactory(code="73560"),
        rationale="An X-ray first.",
    )
    upheld = decided(
        world,
        status=Case.Status.DENIED,
        outcome=Determination.Outcome.UPHELD,
        review_level=Case.ReviewLevel.RECONSIDERATION,
        rationale="Still not met.",
    )
    denied = denial(world)
    assert letter_kind_for(alternative) == Letter.Kind.ALTERNATIVE
    assert letter_kind_for(upheld) == Letter.Kind.RECONSIDERATION
    assert letter_kind_for(denied) == Letter.Kind.DENIAL
