"""The post-decision rules on their own (no database, an explicit clock): each option on each
side of each boundary — the date of service today or yesterday, appeal day 180 or 181,
retrospective day 30 or 31, the due time passed or not — for commercial, Medicare Advantage and
Medicaid members, delegated or not."""

import dataclasses
import datetime as dt

import pytest
from django.conf import settings

from cases.models import Case, PostDecisionRequest
from cases.post_decision import wording
from cases.post_decision.facts import CaseFacts, DelegationRules, RequestMade
from cases.post_decision.rules import (
    OptionKind,
    P2PLevel,
    appeal_option,
    p2p_eligibility,
    p2p_option,
    post_decision_options,
    reconsideration_option,
    retrospective_option,
    retrospective_within_window,
)
from eligibility.models import LineOfBusiness
from tests.cases.post_decision.conftest import NOW, TODAY, ZONE

Status = Case.Status
Kind = PostDecisionRequest.Kind
COMMERCIAL = LineOfBusiness.Kind.COMMERCIAL
MEDICARE = LineOfBusiness.Kind.MEDICARE
MEDICAID = LineOfBusiness.Kind.MEDICAID
PORTAL = settings.PORTAL_NAME
DAY = dt.timedelta(days=1)

DEFAULT_RULES = DelegationRules.of(None)


def facts(**changes) -> CaseFacts:
    """A commercial case denied yesterday, its service a week from today."""
    base = CaseFacts(
        status=Status.DENIED,
        line_of_business=COMMERCIAL,
        health_plan_name="Evergreen Health Plan",
        date_of_service=TODAY + 7 * DAY,
        service_performed=False,
        due_at=None,
        determined_on=TODAY - DAY,
        rules=DEFAULT_RULES,
    )
    return dataclasses.replace(base, **changes)


def with_rules(**changes) -> DelegationRules:
    return dataclasses.replace(DEFAULT_RULES, **changes)


def made(kind, *, status=PostDecisionRequest.Status.RECEIVED, at=NOW - DAY) -> RequestMade:
    return RequestMade(kind=kind, status=status, requested_at=at)


def test_the_delegations_defaults_are_the_decks_numbers():
    assert (
        DelegationRules(
            reconsideration_allowed=True,
            p2p_allowed=True,
            appeal_window_days=180,
            appeal_instructions="",
            retrospective_window_days=30,
        )
        == DEFAULT_RULES
    )


# --- Reconsideration ---------------------------------------------------------------------------


def test_reconsideration_on_the_date_of_service_applies_until_that_day():
    option = reconsideration_option(facts(date_of_service=TODAY), now=NOW)
    assert option.applies
    assert option.until == TODAY
    assert option.until_text == "05/12/2026"
    assert option.message == f"Reconsideration allowed through {PORTAL} until 05/12/2026."
    assert option.request_kind == Kind.RECONSIDERATION
    assert option.title == "Reconsideration"


def test_reconsideration_the_day_after_the_date_of_service_is_refused():
    option = reconsideration_option(facts(date_of_service=TODAY - DAY), now=NOW)
    assert not option.applies
    assert option.until is None and option.request_kind is None
    assert option.message == wording.RECONSIDERATION_PAST_DATE_OF_SERVICE.format(dos="05/11/2026")


def test_reconsideration_counts_the_portals_days_not_utcs():
    # 11:30 pm in the portal's zone is already the next day in UTC: still the date of service.
    late = dt.datetime(2026, 5, 12, 23, 30, tzinfo=ZONE).astimezone(dt.UTC)
    assert reconsideration_option(facts(date_of_service=TODAY), now=late).applies
    next_morning = dt.datetime(2026, 5, 13, 0, 0, tzinfo=ZONE)
    assert not reconsideration_option(facts(date_of_service=TODAY), now=next_morning).applies


def test_reconsideration_of_a_partial_approval_applies():
    assert reconsideration_option(facts(status=Status.PARTIALLY_APPROVED), now=NOW).applies


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.DRAFT, wording.NOT_SUBMITTED),
        (Status.EXPIRED, wording.EXPIRED),
        (Status.IN_REVIEW, wording.UNDECIDED_NO_OPTION),
        (Status.HOLD, wording.UNDECIDED_NO_OPTION),
        (Status.APPROVED, wording.APPROVED_NO_OPTION),
        (Status.CANCELLED, wording.CANCELLED_NO_OPTION),
    ],
)
def test_reconsideration_needs_an_adverse_decision(status, message):
    option = reconsideration_option(facts(status=status), now=NOW)
    assert (option.applies, option.message) == (False, message)


@pytest.mark.parametrize(
    ("kind", "label"),
    [(MEDICARE, "Medicare Advantage"), (MEDICAID, "Medicaid"), (None, "not known")],
)
def test_reconsideration_is_for_commercial_members_only(kind, label):
    option = reconsideration_option(facts(line_of_business=kind), now=NOW)
    assert not option.applies
    assert option.message == wording.RECONSIDERATION_COMMERCIAL_ONLY.format(line=label)
    assert "Medicare does not allow reconsiderations" in option.message


def test_reconsideration_not_delegated_says_so():
    option = reconsideration_option(facts(rules=with_rules(reconsideration_allowed=False)), now=NOW)
    assert not option.applies
    assert (
        option.message == f"Evergreen Health Plan does not delegate reconsiderations to {PORTAL}."
    )


def test_reconsideration_after_an_appeal_is_refused():
    option = reconsideration_option(facts(requests=(made(Kind.APPEAL),)), now=NOW)
    assert not option.applies
    assert option.message == wording.RECONSIDERATION_AFTER_APPEAL.format(requested="05/11/2026")


def test_a_second_reconsideration_is_refused_with_the_first_ones_status():
    first = made(Kind.RECONSIDERATION, status=PostDecisionRequest.Status.UPHELD)
    option = reconsideration_option(facts(requests=(first,)), now=NOW)
    assert not option.applies
    assert option.message == "A reconsideration was requested on 05/11/2026 (Upheld)."


def test_reconsideration_of_a_service_already_performed_is_refused():
    option = reconsideration_option(facts(service_performed=True, date_of_service=TODAY), now=NOW)
    assert (option.applies, option.message) == (False, wording.RECONSIDERATION_SERVICE_PERFORMED)


def test_reconsideration_without_a_date_of_service_is_refused():
    option = reconsideration_option(facts(date_of_service=None), now=NOW)
    assert (option.applies, option.message) == (False, wording.NO_DATE_OF_SERVICE)


# --- Peer to peer -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.HOLD])
def test_pre_decision_p2p_until_the_due_time(status):
    due = NOW + dt.timedelta(seconds=1)
    answer = p2p_eligibility(facts(status=status, due_at=due, determined_on=None), now=NOW)
    assert answer.eligible and answer.level == P2PLevel.PRE_DECISION
    assert answer.level_label == "Pre-Decision P2P"
    assert answer.valid_until == due
    assert answer.valid_until_text == "05/12/2026 10:00 AM EDT"
    assert answer.message == wording.PRE_DECISION_P2P.format(due="05/12/2026 10:00 AM EDT")
    assert answer.can_change_decision


@pytest.mark.parametrize("due", [NOW, NOW - dt.timedelta(seconds=1)])
def test_pre_decision_p2p_refused_once_the_decision_is_due(due):
    answer = p2p_eligibility(facts(status=Status.IN_REVIEW, due_at=due), now=NOW)
    assert not answer.eligible and answer.level is None
    assert answer.message == wording.P2P_DUE_PASSED.format(due=wording.moment_text(due))


def test_pre_decision_p2p_without_a_due_time_is_open():
    answer = p2p_eligibility(facts(status=Status.IN_REVIEW, due_at=None), now=NOW)
    assert answer.eligible and answer.level == P2PLevel.PRE_DECISION
    assert answer.valid_until is None


def test_pre_decision_p2p_does_not_depend_on_the_delegations_p2p_rule():
    answer = p2p_eligibility(
        facts(status=Status.HOLD, due_at=NOW + DAY, rules=with_rules(p2p_allowed=False)),
        now=NOW,
    )
    assert answer.level == P2PLevel.PRE_DECISION


@pytest.mark.parametrize("status", [Status.DENIED, Status.PARTIALLY_APPROVED])
def test_reconsideration_p2p_for_a_commercial_denial_on_the_date_of_service(status):
    answer = p2p_eligibility(facts(status=status, date_of_service=TODAY), now=NOW)
    assert answer.eligible and answer.level == P2PLevel.RECONSIDERATION
    assert answer.level_label == "Reconsideration P2P"
    assert answer.valid_until == TODAY and answer.valid_until_text == "05/12/2026"
    assert answer.message == f"Reconsideration allowed through {PORTAL} until 05/12/2026."
    assert answer.can_change_decision


CONSULTATIVE = (
    f"Post-decision options for this case have been exhausted or are not delegated to {PORTAL}. "
    "You may continue to schedule a Peer to Peer discussion for this case but it will be "
    "considered consultative only and the original decision cannot be modified."
)


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"date_of_service": TODAY - DAY}, id="after-the-date-of-service"),
        pytest.param({"line_of_business": MEDICARE}, id="medicare"),
        pytest.param({"line_of_business": MEDICAID}, id="medicaid"),
        pytest.param({"rules": with_rules(p2p_allowed=False)}, id="p2p-not-delegated"),
        pytest.param(
            {"rules": with_rules(reconsideration_allowed=False)},
            id="reconsideration-not-delegated",
        ),
        pytest.param({"requests": (made(Kind.APPEAL),)}, id="after-an-appeal"),
        pytest.param(
            {"requests": (made(Kind.RECONSIDERATION, status=PostDecisionRequest.Status.UPHELD),)},
            id="reconsideration-decided",
        ),
        pytest.param({"service_performed": True}, id="service-performed"),
    ],
)
def test_otherwise_a_denial_gets_a_consultative_only_p2p(changes):
    answer = p2p_eligibility(facts(**changes), now=NOW)
    assert answer.eligible and answer.level == P2PLevel.CONSULTATIVE
    assert answer.message == CONSULTATIVE
    assert answer.valid_until is None and not answer.can_change_decision


def test_a_reconsideration_being_decided_keeps_the_reconsideration_p2p():
    answer = p2p_eligibility(facts(requests=(made(Kind.RECONSIDERATION),)), now=NOW)
    assert answer.level == P2PLevel.RECONSIDERATION


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.DRAFT, wording.NOT_SUBMITTED),
        (Status.EXPIRED, wording.EXPIRED),
        (Status.APPROVED, wording.P2P_APPROVED),
        (Status.CANCELLED, wording.P2P_CANCELLED),
    ],
)
def test_no_p2p_before_submission_once_approved_or_cancelled(status, message):
    answer = p2p_eligibility(facts(status=status), now=NOW)
    assert (answer.eligible, answer.level, answer.message) == (False, None, message)
    assert answer.level_label == ""


def test_the_p2p_row_names_its_level():
    option = p2p_option(facts(date_of_service=TODAY), now=NOW)
    assert option.applies and option.kind == OptionKind.PEER_TO_PEER
    assert option.message.startswith("Reconsideration P2P: Reconsideration allowed through")
    assert option.request_kind is None
    refused = p2p_option(facts(status=Status.APPROVED), now=NOW)
    assert (refused.applies, refused.message) == (False, wording.P2P_APPROVED)


# --- Appeal ------------------------------------------------------------------------------------


def test_appeal_on_day_180_of_the_determination_applies():
    option = appeal_option(facts(determined_on=TODAY - 180 * DAY), now=NOW)
    assert option.applies and option.until == TODAY
    assert option.request_kind == Kind.APPEAL
    assert option.message == (
        "An appeal may be requested within 180 days of the initial determination "
        "(11/13/2025): until 05/12/2026."
    )


def test_appeal_on_day_181_is_refused():
    option = appeal_option(facts(determined_on=TODAY - 181 * DAY), now=NOW)
    assert not option.applies and option.request_kind is None
    assert option.message == (
        "Appeals must be submitted within 180 days of the initial determination "
        "(11/12/2025); that time ended on 05/11/2026."
    )


def test_the_appeal_window_is_the_delegations():
    short = with_rules(appeal_window_days=60)
    assert appeal_option(facts(determined_on=TODAY - 60 * DAY, rules=short), now=NOW).applies
    assert not appeal_option(facts(determined_on=TODAY - 61 * DAY, rules=short), now=NOW).applies


def test_appeal_shows_the_plans_instructions():
    plan_rules = with_rules(appeal_instructions="Write to Evergreen Appeals, PO Box 1.")
    option = appeal_option(facts(rules=plan_rules), now=NOW)
    assert option.applies and option.instructions == "Write to Evergreen Appeals, PO Box 1."


def test_a_medicare_advantage_appeal_goes_to_the_health_plan():
    plan_rules = with_rules(appeal_instructions="Call Evergreen Medicare appeals.")
    option = appeal_option(facts(line_of_business=MEDICARE, rules=plan_rules), now=NOW)
    assert option.applies and option.request_kind is None
    assert option.message.startswith(
        "Submit an appeal with supporting records to Evergreen Health Plan within 180 days"
    )
    assert option.instructions == "Call Evergreen Medicare appeals."


def test_a_medicaid_appeal_is_requested_through_the_portal():
    option = appeal_option(facts(line_of_business=MEDICAID), now=NOW)
    assert option.applies and option.request_kind == Kind.APPEAL


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.IN_REVIEW, wording.UNDECIDED_NO_OPTION),
        (Status.APPROVED, wording.APPROVED_NO_OPTION),
        (Status.CANCELLED, wording.CANCELLED_NO_OPTION),
        (Status.DRAFT, wording.NOT_SUBMITTED),
    ],
)
def test_appeal_needs_an_adverse_decision(status, message):
    option = appeal_option(facts(status=status), now=NOW)
    assert (option.applies, option.message) == (False, message)


def test_a_second_appeal_is_refused():
    option = appeal_option(facts(requests=(made(Kind.APPEAL),)), now=NOW)
    assert (option.applies, option.message) == (
        False,
        "An appeal was requested on 05/11/2026 (Received).",
    )


def test_no_appeal_while_a_reconsideration_is_being_decided_then_one_after_it():
    open_one = facts(requests=(made(Kind.RECONSIDERATION),))
    option = appeal_option(open_one, now=NOW)
    assert not option.applies
    assert option.message == wording.APPEAL_RECONSIDERATION_OPEN.format(requested="05/11/2026")
    upheld = made(Kind.RECONSIDERATION, status=PostDecisionRequest.Status.UPHELD)
    assert appeal_option(facts(requests=(upheld,)), now=NOW).applies


def test_appeal_without_a_determination_date_is_refused():
    option = appeal_option(facts(determined_on=None), now=NOW)
    assert (option.applies, option.message) == (False, wording.APPEAL_NO_DETERMINATION)


# --- Retrospective review ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.EXPIRED])
def test_retrospective_review_on_day_30_after_the_service_applies(status):
    option = retrospective_option(facts(status=status, date_of_service=TODAY - 30 * DAY), now=NOW)
    assert option.applies and option.until == TODAY
    assert option.request_kind is None
    assert option.message == (
        "If the service was performed without an authorization, request a post-service "
        "retrospective review within 30 calendar days of the date of service (04/12/2026): "
        "until 05/12/2026. The request may be denied and penalties may apply."
    )


def test_retrospective_review_on_day_31_is_refused_with_the_advice_to_appeal():
    option = retrospective_option(
        facts(status=Status.CANCELLED, date_of_service=TODAY - 31 * DAY), now=NOW
    )
    assert not option.applies
    assert option.message == wording.RETROSPECTIVE_WINDOW_PASSED.format(days=30, dos="04/11/2026")
    assert "would be advised to submit an appeal" in option.message


def test_retrospective_review_on_the_date_of_service_applies_and_not_before():
    cancelled = facts(status=Status.CANCELLED, date_of_service=TODAY)
    assert retrospective_option(cancelled, now=NOW).applies
    tomorrow = facts(status=Status.CANCELLED, date_of_service=TODAY + DAY)
    option = retrospective_option(tomorrow, now=NOW)
    assert not option.applies
    assert option.message == wording.RETROSPECTIVE_NOT_YET.format(dos="05/13/2026")


def test_the_retrospective_window_is_the_delegations():
    dme = with_rules(retrospective_window_days=15)
    day_15 = facts(status=Status.CANCELLED, date_of_service=TODAY - 15 * DAY, rules=dme)
    day_16 = facts(status=Status.CANCELLED, date_of_service=TODAY - 16 * DAY, rules=dme)
    assert retrospective_option(day_15, now=NOW).applies
    assert not retrospective_option(day_16, now=NOW).applies


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": Status.DRAFT}, wording.NOT_SUBMITTED),
        ({"status": Status.APPROVED}, wording.RETROSPECTIVE_AUTHORIZED),
        ({"status": Status.DENIED}, wording.RETROSPECTIVE_DECIDED),
        ({"status": Status.PARTIALLY_APPROVED}, wording.RETROSPECTIVE_DECIDED),
        ({"status": Status.IN_REVIEW}, wording.RETROSPECTIVE_UNDECIDED),
        (
            {
                "status": Status.HOLD,
                "service_performed": True,
                "date_of_service": TODAY - 3 * DAY,
            },
            wording.RETROSPECTIVE_THIS_CASE.format(dos="05/09/2026"),
        ),
        ({"status": Status.CANCELLED, "date_of_service": None}, wording.NO_DATE_OF_SERVICE),
    ],
)
def test_retrospective_review_is_for_a_service_without_an_authorization(changes, message):
    option = retrospective_option(facts(**changes), now=NOW)
    assert (option.applies, option.message) == (False, message)


def test_a_retrospective_case_is_within_its_window_through_day_30():
    assert retrospective_within_window(facts(date_of_service=TODAY - 30 * DAY), now=NOW)
    assert not retrospective_within_window(facts(date_of_service=TODAY - 31 * DAY), now=NOW)
    assert not retrospective_within_window(facts(date_of_service=None), now=NOW)


# --- All of them -------------------------------------------------------------------------------


def test_all_post_decision_options_in_the_decks_order():
    options = post_decision_options(facts(date_of_service=TODAY), now=NOW)
    assert [option.kind for option in options] == [
        OptionKind.RECONSIDERATION,
        OptionKind.PEER_TO_PEER,
        OptionKind.APPEAL,
        OptionKind.RETROSPECTIVE,
    ]
    assert [option.applies for option in options] == [True, True, True, False]


def test_dates_and_moments_are_written_the_portals_way():
    assert wording.when_text(None) == ""
    assert wording.when_text(dt.date(2020, 11, 11)) == "11/11/2020"
    winter = dt.datetime(2026, 1, 5, 22, 5, tzinfo=dt.UTC)
    assert wording.when_text(winter) == "01/05/2026 5:05 PM EST"
    noon = dt.datetime(2026, 7, 1, 12, 0, tzinfo=ZONE)
    assert wording.when_text(noon) == "07/01/2026 12:00 PM EDT"


def test_a_decided_retrospective_case_is_not_said_to_be_requested_before_the_service():
    retro = facts(service_performed=True, date_of_service=TODAY - 3 * DAY)
    option = retrospective_option(retro, now=NOW)
    assert not option.applies
    assert option.message == wording.RETROSPECTIVE_THIS_CASE_DECIDED.format(dos="05/09/2026")
    assert "requested before the service" not in option.message
