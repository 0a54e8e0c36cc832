"""The clinical question pages: every question kind's good and bad input, branching, the
outcomes, editing an answer (the answers off the new path dropped), the repeatable code and
units, a program without a pathway, the outsider, closed cases, Finish Later, the access log
and the query pin."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from cases.clinical.answers import (
    QuestionNotAskable,
    answer_save,
    questions_state_for,
)
from cases.clinical.forms import questions as question_forms
from cases.clinical.forms.questions import QuestionForm
from cases.clinical.stages import StageClosed
from cases.models import Answer, Case, Question, Rule
from cases.models.pathways import Outcome
from cases.wizard.drafts import EXPIRED_MESSAGE, draft_start
from tests.cases.clinical.factories import (
    ChoiceFactory,
    PathwayFactory,
    QuestionFactory,
    RuleFactory,
)
from tests.cases.conftest import fill_through
from tests.factories.eligibility import ProcedureCodeFactory

pytestmark = pytest.mark.django_db
Kind = Question.Kind


@pytest.fixture
def case(draft, world) -> Case:
    """A radiology request locked in, its urgency answered: the questions come next."""
    case = fill_through(draft, world, "proceed")
    case.locked_at = timezone.now()
    case.is_routine = True
    case.urgency_done = True
    case.save()
    return case


@pytest.fixture
def pathway(world):
    return PathwayFactory(program=world.radiology, name="Knee MRI")


def question_url(case):
    return reverse("cases:clinical-question", kwargs={"public_id": case.public_id})


def edit_url(case, key):
    return reverse("cases:clinical-question-edit", kwargs={"public_id": case.public_id, "key": key})


def additional_url(case):
    return reverse("cases:clinical-additional", kwargs={"public_id": case.public_id})


def answer(client, case, question, data=None, *, url=None, **extra):
    payload = {"question": question.key, **(data or {}), **extra}
    return client.post(url or question_url(case), payload)


def saved(case) -> dict:
    return dict(Answer.objects.filter(case=case).values_list("question__key", "value"))


def question(pathway, key, kind=Kind.YES_NO, position=None, choices=(), **fields):
    position = position or pathway.questions.count() + 1
    fields.setdefault("text", f"{key}?")
    made = QuestionFactory(pathway=pathway, key=key, kind=kind, position=position, **fields)
    for index, value in enumerate(choices):
        ChoiceFactory(question=made, value=value, label=value.title(), position=index)
    return made


# Every kind: the good answer as stored, and bad input with its message next to the field.


def _yes_no(pathway):
    return question(pathway, "inpatient")


def _single(pathway):
    return question(pathway, "anatomy", Kind.SINGLE, choices=("hip", "knee", "ankle"))


def _multiple(pathway):
    return question(pathway, "levels", Kind.MULTIPLE, choices=("l1-l2", "l4-l5", "l5-s1"))


def _number(pathway):
    return question(pathway, "weeks", Kind.NUMBER, min_value=Decimal(0), max_value=Decimal(52))


def _date(pathway):
    return question(pathway, "onset", Kind.DATE)


def _text(pathway):
    return question(pathway, "reason", Kind.TEXT)


def _regimen(pathway):
    made = question(pathway, "regimen", Kind.REGIMEN)
    ChoiceFactory(question=made, value="dd-ac-t", label="Dose-dense AC", is_preferred=True)
    ChoiceFactory(question=made, value="tac", label="TAC")
    return made


GOOD = [
    (_yes_no, {"answer": "yes"}, "yes"),
    (_single, {"answer": "knee"}, "knee"),
    (_multiple, {"answer": ["l1-l2", "l5-s1"]}, ["l1-l2", "l5-s1"]),
    (_number, {"answer": "2.50"}, "2.5"),
    (_number, {"answer": " 6 "}, "6"),
    (_date, {"answer": "03/15/2026"}, "2026-03-15"),
    (_text, {"answer": "  Pain for six weeks. "}, "Pain for six weeks."),
    (_regimen, {"answer": "tac"}, "tac"),
]


@pytest.mark.parametrize(("make", "data", "stored"), GOOD)
def test_each_kind_saves_its_answer_as_the_engine_reads_it(
    office_client, case, pathway, make, data, stored
):
    asked = make(pathway)
    response = answer(office_client, case, asked, data)
    assert response.status_code == 302
    assert saved(case) == {asked.key: stored}


BAD = [
    (_yes_no, {}, question_forms.ANSWER_REQUIRED),
    (_yes_no, {"answer": "maybe"}, question_forms.CHOOSE_LISTED),
    (_single, {"answer": "shoulder"}, question_forms.CHOOSE_LISTED),
    (_single, {}, question_forms.ANSWER_REQUIRED),
    (_multiple, {}, question_forms.CHOOSE_AT_LEAST_ONE),
    (_multiple, {"answer": ["l1-l2", "c1-c2"]}, question_forms.CHOOSE_LISTED),
    (_number, {"answer": "six"}, question_forms.NUMBER_INVALID),
    (_number, {"answer": "NaN"}, question_forms.NUMBER_INVALID),
    (_number, {"answer": "53"}, "less than or equal to 52"),
    (_number, {"answer": "-1"}, "greater than or equal to 0"),
    (_number, {"answer": "1" * 40}, "less than or equal to 52."),
    (_number, {"answer": "2.555"}, "no more than 2 decimal places"),
    (_date, {"answer": "2026-03-15"}, question_forms.DATE_INVALID),
    (_date, {"answer": "02/30/2026"}, question_forms.DATE_INVALID),
    (_date, {"answer": "01/01/1800"}, question_forms.DATE_RANGE),
    (_date, {}, question_forms.ANSWER_REQUIRED),
    (_text, {"answer": "x" * 2001}, "2,000 characters or fewer (it has 2001)"),
    (_text, {"answer": "   "}, question_forms.ANSWER_REQUIRED),
    (_text, {"answer": "null\x00byte"}, "Null characters are not allowed."),
    (_regimen, {}, question_forms.REGIMEN_REQUIRED),
    (_regimen, {"answer": "made-up"}, question_forms.CHOOSE_LISTED),
]


@pytest.mark.parametrize(("make", "data", "message"), BAD)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    office_client, case, pathway, make, data, message
):
    asked = make(pathway)
    response = answer(office_client, case, asked, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="answer-error"' in page
    assert message in page.split('id="answer-error"', 1)[1].split("</div>", 1)[0]
    assert saved(case) == {}
    case.refresh_from_db()
    assert case.pathway_outcome == ""


def test_the_question_page_shows_the_deck_captions(office_client, case, pathway):
    _multiple(pathway)
    page = office_client.get(question_url(case)).content.decode()
    assert "Proceed to Clinical Information" in page
    assert "levels? (Choose all that apply)" in page
    assert 'type="checkbox"' in page
    assert ">SUBMIT</button>" in page and "Finish Later" in page
    assert "Did you know?" in page
    assert "You can save a certification request to finish later." in page


def test_a_yes_no_question_has_two_radios(office_client, case, pathway):
    _yes_no(pathway)
    page = office_client.get(question_url(case)).content.decode()
    assert page.count('type="radio" name="answer"') == 2
    assert ">Yes</label>" in page and ">No</label>" in page


def test_the_regimen_table_marks_the_preferred_options(office_client, case, pathway):
    asked = _regimen(pathway)
    RuleFactory(question=asked, operator=Rule.Operator.PREFERRED, outcome=Outcome.APPROVE)
    page = office_client.get(question_url(case)).content.decode()
    assert (
        "Selection of a preferred treatment option (check mark on the right) will result in an "
        "immediate authorization." in page
    )
    preferred_row, other_row = page.split("<tbody>", 1)[1].split("</tr>")[:2]
    assert "Dose-dense AC" in preferred_row and "&#10003;" in preferred_row
    assert "TAC" in other_row and "&#10003;" not in other_row
    response = answer(office_client, case, asked, {"answer": "dd-ac-t"})
    assert response["Location"] == additional_url(case)
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.APPROVE and not case.p2p_required


# Code and units.


@pytest.fixture
def dme_codes(world):
    cpap = ProcedureCodeFactory(code="E0601", kind="hcpcs", short_description="CPAP DEVICE")
    mask = ProcedureCodeFactory(code="A7030", kind="hcpcs", short_description="CPAP MASK")
    retired = ProcedureCodeFactory(code="E0600", kind="hcpcs", is_active=False)
    elsewhere = ProcedureCodeFactory(code="E0470", kind="hcpcs")
    for code in (cpap, mask, retired):
        code.programs.add(world.radiology)
    elsewhere.programs.add(world.dme)
    return cpap, mask


def _codes(pathway, max_repeats=2):
    return question(
        pathway,
        "hcpcs",
        Kind.CODE_UNITS,
        max_repeats=max_repeats,
        text="Please enter the Primary HCPCS code for this DME request:",
    )


def test_a_code_with_its_units_is_saved(office_client, case, pathway, dme_codes):
    asked = _codes(pathway)
    page = office_client.get(question_url(case)).content.decode()
    assert "Please enter the Primary HCPCS code for this DME request:" in page
    # A radiology case: its procedures are CPT codes (DME's are HCPCS, below).
    assert "How many Units of this CPT code" in page
    assert "Would you like to enter another CPT code?" in page
    data = {"rows": "1", "code_1": " e0601 ", "units_1": "2", "another": "no"}
    response = answer(office_client, case, asked, data)
    assert response.status_code == 302
    assert saved(case) == {"hcpcs": [{"code": "E0601", "units": 2}]}


def test_equipment_codes_are_asked_for_as_hcpcs(world, pathway):
    form = QuestionForm(question=_codes(pathway), program=world.dme)
    assert form["units_1"].label == "How many Units of this HCPCS"
    assert form["another"].label == "Would you like to enter another HCPCS code?"


def test_another_code_adds_a_row_until_the_most_codes(office_client, case, pathway, dme_codes):
    asked = _codes(pathway, max_repeats=2)
    first = {"rows": "1", "code_1": "E0601", "units_1": "1", "another": "yes"}
    response = answer(office_client, case, asked, first)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="rows" value="2"' in page and 'name="code_2"' in page
    assert 'value="E0601"' in page
    # At the most codes the question no longer asks for another.
    assert "Would you like to enter another CPT code?" not in page
    assert "You have entered the most codes this question takes (2)." in page
    assert saved(case) == {}
    both = {"rows": "2", "code_1": "E0601", "units_1": "1", "code_2": "A7030", "units_2": "3"}
    answer(office_client, case, asked, both)
    assert saved(case)["hcpcs"] == [
        {"code": "E0601", "units": 1},
        {"code": "A7030", "units": 3},
    ]


def test_more_rows_than_the_most_codes_is_refused(office_client, case, pathway, dme_codes):
    asked = _codes(pathway, max_repeats=2)
    data = {"rows": "3", "code_1": "E0601", "units_1": "1", "code_2": "A7030", "units_2": "1"}
    data |= {"code_3": "E0470", "units_3": "1"}
    response = answer(office_client, case, asked, data)
    assert response.status_code == 200
    assert "You can enter at most 2 codes for this question." in response.content.decode()
    assert saved(case) == {}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code_1": "", "units_1": ""}, "code_1", question_forms.CODE_REQUIRED),
        ({"code_1": "E0601", "units_1": ""}, "units_1", question_forms.UNITS_REQUIRED),
        ({"code_1": "", "units_1": "2"}, "code_1", question_forms.CODE_REQUIRED),
        ({"code_1": "E0601", "units_1": "two"}, "units_1", question_forms.UNITS_INVALID),
        ({"code_1": "E0601", "units_1": "0"}, "units_1", "greater than or equal to 1"),
        ({"code_1": "E0601", "units_1": "99999"}, "units_1", "less than or equal to 9999"),
        ({"code_1": "Z9999", "units_1": "1"}, "code_1", "Z9999 is not an active Radiology"),
        ({"code_1": "E0600", "units_1": "1"}, "code_1", "E0600 is not an active Radiology"),
        ({"code_1": "E0470", "units_1": "1"}, "code_1", "E0470 is not an active Radiology"),
        ({"code_1": "E" * 200, "units_1": "1"}, "code_1", "at most 12 characters"),
        ({"code_1": "Z9999", "units_1": "x"}, "code_1", "Z9999 is not an active Radiology"),
        (
            {"rows": "2", "code_1": "E0601", "units_1": "1", "code_2": "e0601", "units_2": "1"},
            "code_2",
            "E0601 is already entered above.",
        ),
        ({"code_1": "E0601", "units_1": "1", "another": "perhaps"}, "another", "options listed"),
    ],
)
def test_bad_codes_and_units_are_refused_next_to_the_field(
    office_client, case, pathway, dme_codes, data, field, message
):
    asked = _codes(pathway, max_repeats=3)
    response = answer(office_client, case, asked, {"rows": "1", "another": "no", **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert saved(case) == {}


def test_the_codes_of_an_answer_are_edited_with_their_rows(office_client, case, pathway, dme_codes):
    asked = _codes(pathway, max_repeats=3)
    question(pathway, "last")
    answer(
        office_client, case, asked, {"rows": "1", "code_1": "E0601", "units_1": "2"}, another="no"
    )
    page = office_client.get(edit_url(case, "hcpcs")).content.decode()
    assert 'name="code_1"' in page and 'value="E0601"' in page and 'value="2"' in page
    more = {"rows": "1", "code_1": "E0601", "units_1": "2", "another": "yes"}
    page = answer(office_client, case, asked, more, url=edit_url(case, "hcpcs")).content.decode()
    assert 'name="code_2"' in page
    both = {"rows": "2", "code_1": "E0601", "units_1": "2", "code_2": "A7030", "units_2": "1"}
    answer(office_client, case, asked, both, url=edit_url(case, "hcpcs"), another="no")
    assert [row["code"] for row in saved(case)["hcpcs"]] == ["E0601", "A7030"]


# Branching, outcomes, edits.


@pytest.fixture
def branching(pathway):
    """Inpatient? YES goes on to the levels; NO skips to the weeks of conservative care,
    which approve at 6 or more. Levels with "other" go to review with P2P."""
    inpatient = question(pathway, "inpatient", position=1)
    levels = question(pathway, "levels", Kind.MULTIPLE, position=2, choices=("l4-l5", "other"))
    weeks = question(pathway, "weeks", Kind.NUMBER, position=3)
    RuleFactory(question=inpatient, operator="is", value="no", next_question=weeks, position=1)
    RuleFactory(question=levels, operator="includes", value="other", outcome=Outcome.REVIEW_P2P)
    RuleFactory(question=weeks, operator="gte", value="6", outcome=Outcome.APPROVE)
    RuleFactory(question=weeks, operator="any", outcome=Outcome.REVIEW, position=2)
    return inpatient, levels, weeks


def test_a_rule_sends_to_another_question(office_client, case, branching):
    inpatient, levels, weeks = branching
    response = answer(office_client, case, inpatient, {"answer": "no"})
    assert response["Location"] == question_url(case)
    page = office_client.get(question_url(case)).content.decode()
    assert "2. weeks?" in page and "levels?" not in page
    # The answered question is listed with its link to edit it.
    assert edit_url(case, "inpatient") in page


def test_without_a_rule_the_next_question_by_position_follows(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "yes"})
    page = office_client.get(question_url(case)).content.decode()
    assert "2. levels? (Choose all that apply)" in page


@pytest.mark.parametrize(
    ("weeks", "outcome"), [("6", Outcome.APPROVE), ("8.5", Outcome.APPROVE), ("4", Outcome.REVIEW)]
)
def test_a_rule_ends_the_walk_with_its_outcome(office_client, case, branching, weeks, outcome):
    inpatient, levels, weeks_question = branching
    answer(office_client, case, inpatient, {"answer": "no"})
    response = answer(office_client, case, weeks_question, {"answer": weeks})
    assert response["Location"] == additional_url(case)
    case.refresh_from_db()
    assert case.pathway_outcome == outcome and not case.p2p_required
    # The walk has ended: the question page goes on to the additional information.
    assert office_client.get(question_url(case))["Location"] == additional_url(case)


def test_review_with_p2p_sets_p2p_required(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "yes"})
    answer(office_client, case, levels, {"answer": ["l4-l5", "other"]})
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.REVIEW_P2P and case.p2p_required


def test_a_custom_treatment_plan_goes_to_review(office_client, case, pathway):
    asked = _regimen(pathway)
    ChoiceFactory(question=asked, value="custom", label="Build a Custom Treatment Plan")
    RuleFactory(question=asked, operator="is", value="custom", outcome=Outcome.REVIEW_CUSTOM)
    RuleFactory(question=asked, operator="preferred", outcome=Outcome.APPROVE, position=1)
    RuleFactory(question=asked, operator="not_preferred", outcome=Outcome.REVIEW_P2P, position=2)
    answer(office_client, case, asked, {"answer": "custom"})
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.REVIEW_CUSTOM and not case.p2p_required


def test_the_default_outcome_follows_the_last_question(office_client, case, pathway):
    pathway.default_outcome = Outcome.APPROVE
    pathway.save()
    first, second = question(pathway, "first"), question(pathway, "second")
    answer(office_client, case, first, {"answer": "no"})
    case.refresh_from_db()
    assert case.pathway_outcome == ""
    response = answer(office_client, case, second, {"answer": "no"})
    assert response["Location"] == additional_url(case)
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.APPROVE


def test_an_edit_drops_the_answers_no_longer_on_the_path(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "yes"})
    answer(office_client, case, levels, {"answer": ["other"]})
    case.refresh_from_db()
    assert case.p2p_required and set(saved(case)) == {"inpatient", "levels"}
    page = office_client.get(edit_url(case, "inpatient")).content.decode()
    assert "You are editing your response to question 1." in page
    assert re.search(r'value="yes"[^>]* checked>', page)
    assert not re.search(r'value="no"[^>]* checked>', page)
    response = answer(
        office_client, case, inpatient, {"answer": "no"}, url=edit_url(case, "inpatient")
    )
    assert response["Location"] == question_url(case)
    assert saved(case) == {"inpatient": "no"}
    case.refresh_from_db()
    # Questions remain again: no outcome, no P2P.
    assert case.pathway_outcome == "" and not case.p2p_required
    answer(office_client, case, weeks, {"answer": "10"})
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.APPROVE


def test_an_edit_that_keeps_the_path_keeps_the_answers(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "no"})
    answer(office_client, case, weeks, {"answer": "3"})
    response = answer(office_client, case, weeks, {"answer": "7"}, url=edit_url(case, "weeks"))
    assert response["Location"] == additional_url(case)
    assert saved(case) == {"inpatient": "no", "weeks": "7"}
    case.refresh_from_db()
    assert case.pathway_outcome == Outcome.APPROVE


def test_an_edit_with_bad_input_keeps_the_answer(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "no"})
    response = answer(
        office_client, case, inpatient, {"answer": "x"}, url=edit_url(case, "inpatient")
    )
    assert response.status_code == 200
    assert question_forms.CHOOSE_LISTED in response.content.decode()
    assert saved(case) == {"inpatient": "no"}


def test_a_question_off_the_path_cannot_be_edited(office_client, case, branching):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "no"})
    response = office_client.get(edit_url(case, "levels"))
    assert response["Location"] == question_url(case)
    response = answer(
        office_client, case, levels, {"answer": ["other"]}, url=edit_url(case, "levels")
    )
    assert response["Location"] == question_url(case)
    assert saved(case) == {"inpatient": "no"}
    assert office_client.get(edit_url(case, "no-such-question")).status_code == 404


def test_an_answer_posted_for_a_question_already_answered_is_not_saved(
    office_client, case, branching
):
    inpatient, levels, weeks = branching
    answer(office_client, case, inpatient, {"answer": "yes"})
    # The same page posted again (a double click, a second tab) with another answer.
    response = answer(office_client, case, inpatient, {"answer": "no"})
    assert response["Location"] == question_url(case)
    assert saved(case) == {"inpatient": "yes"}
    # A made-up question key.
    response = office_client.post(question_url(case), {"question": "nope", "answer": "yes"})
    assert response["Location"] == question_url(case)
    assert saved(case) == {"inpatient": "yes"}


def test_the_service_refuses_a_question_neither_next_nor_on_the_path(case, world, branching):
    inpatient, levels, weeks = branching
    questions_state_for(user=world.user, public_id=case.public_id)
    with pytest.raises(QuestionNotAskable):
        answer_save(user=world.user, public_id=case.public_id, question_id=weeks.pk, value="9")
    assert saved(case) == {}


# Choosing the pathway.


def test_a_program_without_a_pathway_goes_to_review_at_once(office_client, case):
    response = office_client.get(question_url(case))
    assert response["Location"] == additional_url(case)
    case.refresh_from_db()
    assert case.pathway_id is None and case.pathway_outcome == Outcome.REVIEW
    assert not case.p2p_required
    # A POST finds it the same way and saves nothing.
    response = office_client.post(question_url(case), {"question": "x", "answer": "yes"})
    assert response["Location"] == additional_url(case)


def test_a_pathway_of_the_primary_code_is_chosen_before_the_programs(
    office_client, case, world, pathway
):
    question(pathway, "general")
    knee = PathwayFactory(program=world.radiology, name="Knee MRI by code")
    knee.procedure_codes.add(world.knee_mri)
    question(knee, "knee-only")
    PathwayFactory(program=world.radiology, name="Inactive", is_active=False)
    page = office_client.get(question_url(case)).content.decode()
    assert "knee-only?" in page
    case.refresh_from_db()
    assert case.pathway == knee


def test_a_pathway_without_questions_ends_with_its_default_outcome(office_client, case, pathway):
    pathway.default_outcome = Outcome.APPROVE
    pathway.save()
    assert office_client.get(question_url(case))["Location"] == additional_url(case)
    case.refresh_from_db()
    assert case.pathway == pathway and case.pathway_outcome == Outcome.APPROVE


# Who and when.


def test_another_office_gets_404(outsider_client, case, branching):
    inpatient = branching[0]
    assert outsider_client.get(question_url(case)).status_code == 404
    assert answer(outsider_client, case, inpatient, {"answer": "yes"}).status_code == 404
    assert outsider_client.get(edit_url(case, "inpatient")).status_code == 404
    data = {"question": "inpatient", "answer": "no"}
    assert outsider_client.post(edit_url(case, "inpatient"), data).status_code == 404
    assert saved(case) == {}
    case.refresh_from_db()
    assert case.pathway_id is None


def test_only_get_and_post(office_client, case, branching):
    assert office_client.put(question_url(case)).status_code == 405
    assert office_client.delete(edit_url(case, "inpatient")).status_code == 405


def test_a_draft_not_locked_in_goes_back_to_the_wizard(office_client, draft, world, branching):
    case = fill_through(draft, world, "site")
    response = answer(office_client, case, branching[0], {"answer": "yes"})
    assert response["Location"] == reverse(
        "cases:wizard-clinical", kwargs={"public_id": case.public_id}
    )
    assert saved(case) == {}


def test_the_questions_wait_for_the_urgency(office_client, case, branching):
    case.urgency_done = False
    case.save()
    response = office_client.get(question_url(case))
    assert response["Location"] == reverse(
        "cases:wizard-clinical", kwargs={"public_id": case.public_id}
    )
    case.refresh_from_db()
    assert case.pathway_id is None


def test_a_submitted_case_goes_to_its_summary(office_client, case, branching):
    inpatient = branching[0]
    answer(office_client, case, inpatient, {"answer": "yes"})
    Case.objects.filter(pk=case.pk).update(
        submitted_at=timezone.now(), status=Case.Status.IN_REVIEW
    )
    summary = reverse("cases:summary", kwargs={"public_id": case.public_id})
    assert office_client.get(question_url(case))["Location"] == summary
    response = answer(
        office_client, case, inpatient, {"answer": "no"}, url=edit_url(case, "inpatient")
    )
    assert response["Location"] == summary
    assert saved(case) == {"inpatient": "yes"}


def test_the_service_refuses_a_submitted_case_under_the_lock(case, world, branching):
    questions_state_for(user=world.user, public_id=case.public_id)
    Case.objects.filter(pk=case.pk).update(submitted_at=timezone.now())
    with pytest.raises(StageClosed):
        answer_save(
            user=world.user, public_id=case.public_id, question_id=branching[0].pk, value="yes"
        )
    assert saved(case) == {}


def test_an_expired_draft_goes_to_the_list(office_client, case, branching):
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = answer(office_client, case, branching[0], {"answer": "yes"})
    assert response["Location"] == reverse("cases:in-progress")
    assert saved(case) == {}
    messages = [str(m) for m in response.wsgi_request._messages]
    assert EXPIRED_MESSAGE in messages


def test_the_service_expires_a_draft_whose_time_is_up(case, world, branching):
    questions_state_for(user=world.user, public_id=case.public_id)
    Case.objects.filter(pk=case.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(StageClosed) as closed:
        answer_save(
            user=world.user, public_id=case.public_id, question_id=branching[0].pk, value="yes"
        )
    assert closed.value.message == EXPIRED_MESSAGE
    case.refresh_from_db()
    assert case.status == Case.Status.EXPIRED
    assert case.status_events.filter(to_status=Case.Status.EXPIRED).count() == 1
    assert saved(case) == {}


# Finish Later.


def test_finish_later_saves_a_good_answer(office_client, case, branching):
    response = answer(office_client, case, branching[0], {"answer": "yes", "finish_later": "1"})
    assert response["Location"] == reverse("cases:in-progress")
    assert saved(case) == {"inpatient": "yes"}


def test_finish_later_with_bad_input_saves_nothing(office_client, case, branching):
    response = answer(office_client, case, branching[0], {"answer": "x", "finish_later": "1"})
    assert response["Location"] == reverse("cases:in-progress")
    assert saved(case) == {}


# The access log and the query pin.


def test_the_question_page_logs_the_read_of_the_patient(office_client, case, world, branching):
    office_client.get(question_url(case))
    answer(office_client, case, branching[0], {"answer": "maybe"})
    events = AccessEvent.objects.filter(subject_type="case", subject_id=str(case.pk))
    assert events.count() == 2
    assert {event.member for event in events} == {world.member}
    assert {event.action for event in events} == {"view"}
    page = office_client.get(question_url(case)).content.decode()
    assert "WINTER, JONATHAN" in page


def _long_pathway(program, name, count):
    made = PathwayFactory(program=program, name=name)
    for position in range(1, count + 1):
        asked = question(made, f"q{position}", Kind.SINGLE, position, ("a", "b", "c"))
        RuleFactory(question=asked, operator="is", value="c", outcome=Outcome.REVIEW)
    return made


def test_the_question_page_reads_as_many_queries_for_30_questions_as_for_3(
    office_client, draft, world, django_assert_max_num_queries
):
    counts = []
    for count in (3, 30):
        made = _long_pathway(world.radiology, f"Long {count}", count)
        case = fill_through(draft_start(user=world.user, program=world.radiology), world, "proceed")
        Case.objects.filter(pk=case.pk).update(
            locked_at=timezone.now(), urgency_done=True, is_routine=True, pathway=made
        )
        for asked in made.questions.order_by("position")[: count - 1]:
            Answer.objects.create(case=case, question=asked, value="a", answered_by=world.user)
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as queries:
            page = office_client.get(question_url(case)).content.decode()
        assert f"{count}. q{count}?" in page
        assert page.count("/clinical/questions/q") == count - 1
        counts.append(len(queries))
    assert counts[0] == counts[1]
