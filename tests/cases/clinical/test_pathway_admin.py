"""Clinical pathways in Django admin: the lists filter by program, a pathway is added with
its questions, a question saved with its choices and rules, rules read as sentences, and a
rule that cannot work is refused with its message."""

import pytest
from django.urls import reverse

import cases.admin_pathways  # noqa: F401  (registers the pathway admins; cases/admin.py imports it)
from cases.admin_pathways import rule_reads
from cases.models import Choice, Pathway, Question, Rule
from cases.models.pathways import Outcome
from tests.cases.clinical.factories import (
    ChoiceFactory,
    PathwayFactory,
    QuestionFactory,
    RuleFactory,
)
from tests.factories.eligibility import ProcedureCodeFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def radiology():
    return ProgramFactory(code="radiology-cardiology", name="Radiology and Cardiology")


def test_the_pathway_list_filters_by_program(admin_client_logged_in, radiology):
    PathwayFactory(program=radiology, name="Knee MRI")
    PathwayFactory(program=ProgramFactory(name="Durable Medical Equipment"), name="DME codes")
    url = reverse("admin:cases_pathway_changelist")
    page = admin_client_logged_in.get(url).content.decode()
    assert "Knee MRI" in page and "DME codes" in page
    filtered = admin_client_logged_in.get(url, {"program__id__exact": radiology.pk})
    page = filtered.content.decode()
    assert "Knee MRI" in page and "DME codes" not in page


def test_the_question_list_filters_by_program(admin_client_logged_in, radiology):
    QuestionFactory(pathway=PathwayFactory(program=radiology), text="Which anatomy?")
    QuestionFactory(pathway=PathwayFactory(), text="How many units?")
    url = reverse("admin:cases_question_changelist")
    page = admin_client_logged_in.get(url, {"pathway__program__id__exact": radiology.pk})
    assert "Which anatomy?" in page.content.decode()
    assert "How many units?" not in page.content.decode()


def test_a_pathway_is_added_with_a_question(admin_client_logged_in, radiology):
    knee = ProcedureCodeFactory(code="73721")
    add = reverse("admin:cases_pathway_add")
    assert admin_client_logged_in.get(add).status_code == 200
    data = {
        "program": radiology.pk,
        "name": "Knee MRI",
        "procedure_codes": [knee.pk],
        "default_outcome": Outcome.REVIEW,
        "is_active": "on",
        **management("questions", 1),
        "questions-0-position": "1",
        "questions-0-key": "anatomy",
        "questions-0-text": "Which anatomy will be examined with the requested study?",
        "questions-0-kind": Question.Kind.SINGLE,
        "questions-0-required": "on",
        "questions-0-max_repeats": "10",
        "_save": "Save",
    }
    response = admin_client_logged_in.post(add, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    pathway = Pathway.objects.get(name="Knee MRI")
    assert list(pathway.procedure_codes.all()) == [knee]
    (question,) = pathway.questions.all()
    assert (question.key, question.kind, question.position) == ("anatomy", "single", 1)
    # A choice question without choices yet: the administrator is told.
    assert any("has no choices yet" in str(m) for m in response.wsgi_request._messages)


def test_a_question_is_saved_with_its_choices_and_a_rule(admin_client_logged_in, radiology):
    pathway = PathwayFactory(program=radiology, name="Knee MRI")
    anatomy = QuestionFactory(pathway=pathway, key="anatomy", position=1, kind="single")
    reason = QuestionFactory(pathway=pathway, key="reason", position=2, text="Reason?")
    QuestionFactory(pathway=PathwayFactory(program=radiology), key="elsewhere")
    url = reverse("admin:cases_question_change", args=[anatomy.pk])
    page = admin_client_logged_in.get(url).content.decode()
    assert "Choices" in page and "Rules" in page
    # A rule sends only to another question of the same pathway.
    assert f'<option value="{reason.pk}">' in page
    assert "elsewhere" not in page.split('name="rules-0-next_question"', 1)[1].split("</select>")[0]
    data = {
        "pathway": pathway.pk,
        "position": "1",
        "key": "anatomy",
        "text": "Which anatomy will be examined with the requested study?",
        "help_text": "",
        "kind": "single",
        "required": "on",
        "max_repeats": "10",
        **management("choices", 2),
        "choices-0-position": "1",
        "choices-0-value": "knee",
        "choices-0-label": "Knee",
        "choices-1-position": "2",
        "choices-1-value": "hip",
        "choices-1-label": "Hip",
        **management("rules", 1),
        "rules-0-position": "1",
        "rules-0-operator": "is",
        "rules-0-value": "knee",
        "rules-0-next_question": str(reason.pk),
        "rules-0-outcome": "",
        "_continue": "Save and continue editing",
    }
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(Choice.objects.filter(question=anatomy).values_list("value", flat=True)) == [
        "knee",
        "hip",
    ]
    (rule,) = Rule.objects.filter(question=anatomy)
    assert (rule.operator, rule.value, rule.next_question) == ("is", "knee", reason)
    page = admin_client_logged_in.get(url).content.decode()
    assert "If the answer is “Knee”: go to 2. Reason?" in page
    pathway_page = admin_client_logged_in.get(
        reverse("admin:cases_pathway_change", args=[pathway.pk])
    ).content.decode()
    assert "The pathway as it reads" in pathway_page
    assert "After the last question: Criteria not met or unknown: medical review" in pathway_page


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"operator": "is", "value": "", "outcome": "approve"}, "Enter the answer this rule"),
        ({"operator": "gte", "value": "six", "outcome": "approve"}, "Enter a number"),
        ({"operator": "is", "value": "maybe", "outcome": "approve"}, "is “yes” or “no”"),
        ({"operator": "any", "value": "", "outcome": ""}, "Choose the next question or the"),
        (
            {"operator": "any", "value": "", "outcome": "approve", "next": True},
            "goes to a next question or ends",
        ),
    ],
)
def test_a_rule_that_cannot_work_is_refused(admin_client_logged_in, radiology, rule, message):
    pathway = PathwayFactory(program=radiology)
    asked = QuestionFactory(pathway=pathway, key="inpatient", position=1, kind="yes_no")
    other = QuestionFactory(pathway=pathway, key="levels", position=2)
    url = reverse("admin:cases_question_change", args=[asked.pk])
    data = {
        "pathway": pathway.pk,
        "position": "1",
        "key": "inpatient",
        "text": "Will this procedure be performed Inpatient?",
        "kind": "yes_no",
        "required": "on",
        "max_repeats": "10",
        **management("choices", 0),
        **management("rules", 1),
        "rules-0-position": "1",
        "rules-0-operator": rule["operator"],
        "rules-0-value": rule["value"],
        "rules-0-next_question": str(other.pk) if rule.get("next") else "",
        "rules-0-outcome": rule["outcome"],
    }
    response = admin_client_logged_in.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Rule.objects.filter(question=asked).exists()


def test_rules_read_as_sentences():
    pathway = PathwayFactory()
    regimen = QuestionFactory(pathway=pathway, kind="regimen", position=1)
    ChoiceFactory(question=regimen, value="custom", label="Build a Custom Treatment Plan")
    weeks = QuestionFactory(pathway=pathway, kind="number", position=2, text="Weeks?")
    custom = RuleFactory(
        question=regimen, operator="is", value="custom", outcome=Outcome.REVIEW_CUSTOM
    )
    preferred = RuleFactory(question=regimen, operator="preferred", next_question=weeks)
    at_least = RuleFactory(question=weeks, operator="gte", value="6", outcome=Outcome.APPROVE)
    any_answer = RuleFactory(question=weeks, operator="any", outcome=Outcome.REVIEW)
    assert rule_reads(custom) == (
        "If the answer is “Build a Custom Treatment Plan”: end with Custom treatment plan: "
        "medical review"
    )
    assert rule_reads(preferred) == "If the answer is a preferred regimen: go to 2. Weeks?"
    assert (
        rule_reads(at_least) == "If the answer is at least “6”: end with Criteria met: approve now"
    )
    assert rule_reads(any_answer) == (
        "Any answer: end with Criteria not met or unknown: medical review"
    )


def test_office_users_cannot_open_the_pathway_admin(client, radiology):
    from tests.factories.accounts import MembershipFactory

    client.force_login(MembershipFactory().user)
    response = client.get(reverse("admin:cases_pathway_changelist"))
    assert response.status_code == 302
    assert "login" in response["Location"]
