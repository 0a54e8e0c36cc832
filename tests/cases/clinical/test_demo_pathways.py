"""The demo pathways: loaded from their description, each reaches approval with one set of
answers and medical review with another (the epidural's limits, the DME repeat and the
oncology regimen table included), loading again adds nothing, and a missing program or code
is skipped with a note."""

import dataclasses

import pytest

from cases.clinical import engine
from cases.clinical.demo_pathways import (
    DEMO_PATHWAYS,
    KNEE_MRI,
    DemoPathwayError,
    DemoQuestion,
    DemoRule,
    demo_pathway_check,
    demo_pathways_load,
)
from cases.models import Answer, Choice, Pathway, ProcedureLine, Question, Rule
from cases.models.pathways import Outcome
from cases.wizard.drafts import draft_start
from eligibility.demo.reference import procedure_codes_load, programs_load, reference_data_load
from eligibility.models import ProcedureCode, Program

pytestmark = pytest.mark.django_db

KNEE = "MRI Lower Extremity Joint (73721)"
LUMBAR_MRI = "MRI Lumbar Spine (72148)"
SPINE = "Spine Fusion"
ACL = "Knee ACL Reconstruction"
EPIDURAL = "Lumbar Epidural Injection (62323)"
DME = "Durable Medical Equipment"
ONCOLOGY = "Medical Oncology Treatment Regimens"

APPROVE = Outcome.APPROVE
REVIEW = Outcome.REVIEW


@pytest.fixture
def loaded():
    # What the loader needs of the reference data: the programs and their codes (the whole
    # reference_data_load, plans and rules included, runs in the tests of the load itself).
    procedure_codes_load(programs=programs_load())
    return demo_pathways_load()


@pytest.fixture
def reference_loaded():
    reference_data_load()
    return demo_pathways_load()


def walk(name, answers):
    pathway = Pathway.objects.get(name=name)
    return engine.walk(pathway, engine.pathway_questions(pathway), answers)


def keys(result):
    return [question.key for question in result.path]


def counts():
    return {
        "pathways": Pathway.objects.count(),
        "questions": Question.objects.count(),
        "choices": Choice.objects.count(),
        "rules": Rule.objects.count(),
        "codes": Pathway.procedure_codes.through.objects.count(),
    }


KNEE_INJURY = {
    "additional_procedures": "no",
    "anatomy": "knee",
    "cancer": "no",
    "reason": "injury",
    "exam_findings": ["meniscal-signs", "effusion"],
    "xray": "yes",
}
LUMBAR_RADICULAR = {
    "additional_procedures": "yes",
    "additional_codes": [{"code": "72158", "units": 1}],
    "cancer": "no",
    "reason": "radicular-pain",
    "exam_findings": ["radiating-pain", "straight-leg-raise"],
    "conservative_weeks": "8",
}
SPINE_FRACTURE = {
    "inpatient": "yes",
    "primary_cpt": "22612",
    "units": "1",
    "region": "lumbar",
    "second_code": "no",
    "levels": ["l4-l5"],
    "previous_fusion": "no",
    "conditions": ["fracture"],
}
ACL_TEAR = {
    "primary_cpt": "29888",
    "side": "left",
    "second_code": "no",
    "ligament": "acl",
    "symptoms": ["instability", "agility"],
    "acute_injury": "yes",
    "exam_tests": "yes",
    "imaging": ["acl-tear"],
}
EPIDURAL_FIRST = {
    "reason": "low-back-pain",
    "injectate": ["anesthetic", "corticosteroid"],
    "levels": "1",
    "injections_6_months": "0",
    "injections_12_months": "0",
    "exam_findings": ["radiating-pain", "reflexes"],
    "conservative_weeks": "6",
    "rehabilitation": "yes",
}
EPIDURAL_REPEAT = {
    **EPIDURAL_FIRST,
    "injections_6_months": "2",
    "injections_12_months": "3",
    "previous_response": "yes",
}
DME_TWO_CODES = {
    "hcpcs": [{"code": "E0260", "units": 1}, {"code": "K0001", "units": 1}],
    "prescription": "yes",
    "recent_visit": "yes",
}
ONCOLOGY_PREFERRED = {
    "diagnosis": "breast-her2-negative",
    "regimen_breast_her2_negative": "ddac-paclitaxel-2-weeks",
}


def test_load_writes_every_pathway_with_its_codes(reference_loaded):
    assert reference_loaded.notes == []
    assert set(reference_loaded.pathways) == {KNEE, LUMBAR_MRI, SPINE, ACL, EPIDURAL, DME, ONCOLOGY}
    linked = {
        pathway.name: (pathway.program.code, {code.code for code in pathway.procedure_codes.all()})
        for pathway in Pathway.objects.select_related("program")
    }
    assert linked == {
        KNEE: ("radiology-cardiology", {"73721"}),
        LUMBAR_MRI: ("radiology-cardiology", {"72148"}),
        SPINE: ("musculoskeletal", {"SPINE", "22612", "22633"}),
        ACL: ("musculoskeletal", {"JOINT", "29888"}),
        EPIDURAL: ("musculoskeletal", {"62323"}),
        DME: ("dme", set()),
        ONCOLOGY: ("medical-oncology", set()),
    }
    assert all(pathway.default_outcome == REVIEW for pathway in Pathway.objects.all())
    assert all(pathway.is_active for pathway in Pathway.objects.all())


def test_questions_use_the_decks_wording(loaded):
    knee = engine.pathway_questions(Pathway.objects.get(name=KNEE))
    assert knee[0].text == (
        "Will there be any additional procedures needing prior authorization for the same "
        "patient, date of service, and site of service?"
    )
    # "Yes" asks for the other procedures' codes and quantities (procedure lines).
    assert knee[1].kind == Question.Kind.CODE_UNITS and knee[1].key == "additional_codes"
    assert knee[2].text == "Which anatomy will be examined with the requested study?"
    assert [choice.label for choice in knee[2].choices.all()] == ["Hip", "Knee", "Ankle"]
    assert [question.position for question in knee] == [10, 20, 30, 40, 50, 60, 70, 80]
    dme = engine.pathway_questions(Pathway.objects.get(name=DME))
    assert dme[0].kind == Question.Kind.CODE_UNITS
    assert dme[0].text == "Please enter the Primary HCPCS code for this DME request:"
    assert dme[0].max_repeats == 10
    regimen = Question.objects.get(pathway__name=ONCOLOGY, key="regimen_breast_her2_negative")
    assert regimen.kind == Question.Kind.REGIMEN
    # The page itself says what a preferred option (check mark) means, for every regimen table.
    assert regimen.help_text == ""
    assert any(choice.is_preferred for choice in regimen.choices.all())
    epidural_levels = Question.objects.get(pathway__name=EPIDURAL, key="levels")
    assert (epidural_levels.min_value, epidural_levels.max_value) == (1, 10)


@pytest.mark.parametrize(
    ("name", "answers", "path"),
    [
        (KNEE, KNEE_INJURY, list(KNEE_INJURY)),
        (
            KNEE,
            {**KNEE_INJURY, "reason": "chronic-pain", "conservative_weeks": "6"},
            ["additional_procedures", "anatomy", "cancer", "reason", "conservative_weeks", "xray"],
        ),
        (
            KNEE,
            {**KNEE_INJURY, "reason": "infection"},
            ["additional_procedures", "anatomy", "cancer", "reason", "xray"],
        ),
        (LUMBAR_MRI, LUMBAR_RADICULAR, list(LUMBAR_RADICULAR)),
        (
            LUMBAR_MRI,
            {"additional_procedures": "no", "cancer": "no", "reason": "red-flags"},
            ["additional_procedures", "cancer", "reason"],
        ),
        (SPINE, SPINE_FRACTURE, list(SPINE_FRACTURE)),
        (
            SPINE,
            {**SPINE_FRACTURE, "primary_cpt": "22633", "second_code": "yes", "second_cpt": "22614"},
            [*list(SPINE_FRACTURE)[:5], "second_cpt", *list(SPINE_FRACTURE)[5:]],
        ),
        (ACL, ACL_TEAR, list(ACL_TEAR)),
        (EPIDURAL, EPIDURAL_FIRST, list(EPIDURAL_FIRST)),
        (
            EPIDURAL,
            EPIDURAL_REPEAT,
            [*list(EPIDURAL_FIRST)[:5], "previous_response", *list(EPIDURAL_FIRST)[5:]],
        ),
        (DME, DME_TWO_CODES, list(DME_TWO_CODES)),
        (ONCOLOGY, ONCOLOGY_PREFERRED, list(ONCOLOGY_PREFERRED)),
        (
            ONCOLOGY,
            {"diagnosis": "dlbcl", "regimen_dlbcl": "r-chop"},
            ["diagnosis", "regimen_dlbcl"],
        ),
    ],
)
def test_answers_meeting_the_criteria_approve(loaded, name, answers, path):
    result = walk(name, answers)
    assert result.outcome == APPROVE
    assert keys(result) == path
    assert result.next_question is None


@pytest.mark.parametrize(
    ("name", "answers", "last"),
    [
        (KNEE, {**KNEE_INJURY, "anatomy": "hip"}, "anatomy"),
        (KNEE, {**KNEE_INJURY, "cancer": "yes"}, "cancer"),
        (KNEE, {**KNEE_INJURY, "reason": "post-operative"}, "reason"),
        (KNEE, {**KNEE_INJURY, "exam_findings": ["none"]}, "exam_findings"),
        (KNEE, {**KNEE_INJURY, "xray": "no"}, "xray"),
        (
            KNEE,
            {**KNEE_INJURY, "reason": "chronic-pain", "conservative_weeks": "4"},
            "conservative_weeks",
        ),
        (LUMBAR_MRI, {**LUMBAR_RADICULAR, "cancer": "yes"}, "cancer"),
        (LUMBAR_MRI, {**LUMBAR_RADICULAR, "conservative_weeks": "5"}, "conservative_weeks"),
        (
            LUMBAR_MRI,
            {**LUMBAR_RADICULAR, "exam_findings": ["radiating-pain", "none"]},
            "exam_findings",
        ),
        (LUMBAR_MRI, {**LUMBAR_RADICULAR, "reason": "other"}, "reason"),
        (SPINE, {**SPINE_FRACTURE, "primary_cpt": "63030"}, "primary_cpt"),
        (SPINE, {**SPINE_FRACTURE, "units": "2"}, "units"),
        (SPINE, {**SPINE_FRACTURE, "region": "cervical"}, "region"),
        (SPINE, {**SPINE_FRACTURE, "levels": ["l4-l5", "other"]}, "levels"),
        (SPINE, {**SPINE_FRACTURE, "previous_fusion": "yes"}, "previous_fusion"),
        (SPINE, {**SPINE_FRACTURE, "conditions": ["none"]}, "conditions"),
        (ACL, {**ACL_TEAR, "primary_cpt": "27447"}, "primary_cpt"),
        (ACL, {**ACL_TEAR, "ligament": "pcl"}, "ligament"),
        (ACL, {**ACL_TEAR, "symptoms": ["none"]}, "symptoms"),
        (ACL, {**ACL_TEAR, "symptoms": ["instability", "unknown"]}, "symptoms"),
        (ACL, {**ACL_TEAR, "exam_tests": "unknown"}, "exam_tests"),
        (ACL, {**ACL_TEAR, "imaging": ["meniscus-tear"]}, "imaging"),
        (ACL, {**ACL_TEAR, "imaging": ["acl-tear", "unknown"]}, "imaging"),
        (EPIDURAL, {**EPIDURAL_FIRST, "reason": "perioperative-pain"}, "reason"),
        (EPIDURAL, {**EPIDURAL_FIRST, "injectate": ["anesthetic"]}, "injectate"),
        (
            EPIDURAL,
            {**EPIDURAL_FIRST, "injectate": ["corticosteroid", "biologics"]},
            "injectate",
        ),
        (EPIDURAL, {**EPIDURAL_FIRST, "levels": "2"}, "levels"),
        (EPIDURAL, {**EPIDURAL_FIRST, "exam_findings": ["none"]}, "exam_findings"),
        (EPIDURAL, {**EPIDURAL_FIRST, "rehabilitation": "unknown"}, "rehabilitation"),
        (EPIDURAL, {**EPIDURAL_REPEAT, "previous_response": "no"}, "previous_response"),
        (DME, {**DME_TWO_CODES, "prescription": "no"}, "prescription"),
        (DME, {**DME_TWO_CODES, "recent_visit": "no"}, "recent_visit"),
    ],
)
def test_answers_not_meeting_the_criteria_go_to_review(loaded, name, answers, last):
    result = walk(name, answers)
    assert result.outcome == REVIEW
    assert keys(result)[-1] == last


@pytest.mark.parametrize(
    ("changes", "outcome", "last"),
    [
        # 6 weeks of conservative care is needed prior to an epidural steroid injection.
        ({"conservative_weeks": "5"}, REVIEW, "conservative_weeks"),
        ({"conservative_weeks": "6"}, APPROVE, "rehabilitation"),
        ({"conservative_weeks": "12"}, APPROVE, "rehabilitation"),
        # At most 3 per episode: 3 already performed make this one the 4th.
        ({"injections_6_months": "4", "injections_12_months": "4"}, REVIEW, "injections_6_months"),
        ({"injections_6_months": "3", "injections_12_months": "3"}, REVIEW, "injections_6_months"),
        ({"injections_6_months": "2", "injections_12_months": "2"}, APPROVE, "rehabilitation"),
        # At most 4 per 12 months: 4 already performed make this one the 5th.
        ({"injections_6_months": "1", "injections_12_months": "5"}, REVIEW, "injections_12_months"),
        ({"injections_6_months": "1", "injections_12_months": "4"}, REVIEW, "injections_12_months"),
        ({"injections_6_months": "1", "injections_12_months": "3"}, APPROVE, "rehabilitation"),
    ],
)
def test_epidural_limits(loaded, changes, outcome, last):
    result = walk(EPIDURAL, {**EPIDURAL_REPEAT, **changes})
    assert result.outcome == outcome
    assert keys(result)[-1] == last


def test_epidural_asks_the_previous_response_only_after_an_injection(loaded):
    partial = {key: EPIDURAL_FIRST[key] for key in list(EPIDURAL_FIRST)[:5]}
    assert walk(EPIDURAL, partial).next_question.key == "exam_findings"
    partial["injections_12_months"] = "1"
    assert walk(EPIDURAL, partial).next_question.key == "previous_response"


def test_dme_codes_repeat_and_too_many_units_go_to_review(loaded):
    one = walk(DME, {**DME_TWO_CODES, "hcpcs": [{"code": "E0601", "units": 1}]})
    assert one.outcome == APPROVE
    rental = [{"code": "E1390", "units": 13}]
    assert walk(DME, {**DME_TWO_CODES, "hcpcs": rental}).outcome == APPROVE
    rows = [{"code": "E1390", "units": 13}, {"code": "L1832", "units": 1}]
    result = walk(DME, {**DME_TWO_CODES, "hcpcs": rows})
    assert result.outcome == REVIEW
    assert keys(result) == ["hcpcs"]
    assert walk(DME, {"hcpcs": DME_TWO_CODES["hcpcs"]}).next_question.key == "prescription"


@pytest.mark.parametrize(
    ("diagnosis", "regimen", "outcome"),
    [
        ("breast-her2-negative", "ddac-paclitaxel-2-weeks", APPROVE),
        ("breast-her2-negative", "tc", Outcome.REVIEW_P2P),
        ("breast-her2-negative", "custom", Outcome.REVIEW_CUSTOM),
        ("breast-her2-positive", "tchp", APPROVE),
        ("breast-her2-positive", "tch", Outcome.REVIEW_P2P),
        ("nsclc", "pembrolizumab", APPROVE),
        ("nsclc", "nivolumab-ipilimumab", Outcome.REVIEW_P2P),
        ("nsclc", "custom", Outcome.REVIEW_CUSTOM),
        ("dlbcl", "da-epoch-r", Outcome.REVIEW_P2P),
    ],
)
def test_oncology_regimens(loaded, diagnosis, regimen, outcome):
    key = f"regimen_{diagnosis.replace('-', '_')}"
    result = walk(ONCOLOGY, {"diagnosis": diagnosis, key: regimen})
    assert result.outcome == outcome
    assert keys(result) == ["diagnosis", key]


def test_oncology_lists_follow_the_diagnosis(loaded):
    assert walk(ONCOLOGY, {"diagnosis": "nsclc"}).next_question.key == "regimen_nsclc"
    other = walk(ONCOLOGY, {"diagnosis": "other"})
    assert other.outcome == Outcome.REVIEW_CUSTOM
    regimens = Question.objects.filter(pathway__name=ONCOLOGY, kind=Question.Kind.REGIMEN)
    assert regimens.count() == 4
    for question in regimens.prefetch_related("choices"):
        choices = list(question.choices.all())
        assert any(choice.is_preferred for choice in choices)
        assert any(not choice.is_preferred for choice in choices[:-1])
        assert choices[-1].value == "custom"
        assert not choices[-1].is_preferred
    deck = Question.objects.get(pathway__name=ONCOLOGY, key="regimen_breast_her2_negative")
    first, second = deck.choices.all()[:2]
    assert (first.label, first.is_preferred) == (
        "Dose-dense AC followed by EVERY 2 WEEKS Paclitaxel",
        True,
    )
    assert first.description == (
        "(Dose-dense Doxorubicin HCL + Cyclophosphamide followed by Paclitaxel)"
    )
    assert not second.is_preferred


def test_changing_an_answer_changes_the_path(loaded):
    approved = walk(KNEE, KNEE_INJURY)
    changed = walk(KNEE, {**KNEE_INJURY, "reason": "chronic-pain"})
    # The exam findings no longer apply; the weeks of conservative care are asked instead.
    assert "exam_findings" not in keys(changed)
    assert changed.next_question.key == "conservative_weeks"
    assert approved.outcome == APPROVE and changed.outcome is None


def test_loading_twice_adds_nothing(reference_loaded):
    before = counts()
    rule_ids = set(Rule.objects.values_list("pk", flat=True))
    again = demo_pathways_load()
    assert again.notes == []
    assert counts() == before
    # Unchanged rules are kept as they are, not rewritten.
    assert set(Rule.objects.values_list("pk", flat=True)) == rule_ids
    assert before["pathways"] == len(DEMO_PATHWAYS)


def test_loading_again_restores_an_edited_pathway(loaded):
    before = counts()
    pathway = Pathway.objects.get(name=KNEE)
    anatomy = Question.objects.get(pathway=pathway, key="anatomy")
    xray = Question.objects.get(pathway=pathway, key="xray")
    # An administrator swapped two questions, renamed a choice, added one, changed a rule and
    # added a question; loading again puts the description back.
    Question.objects.filter(pk=anatomy.pk).update(position=999)
    Question.objects.filter(pk=xray.pk).update(position=anatomy.position)
    Question.objects.filter(pk=anatomy.pk).update(position=xray.position)
    Choice.objects.filter(question=anatomy, value="knee").update(label="Knee joint")
    Choice.objects.create(question=anatomy, value="foot", label="Foot", position=40)
    Rule.objects.filter(question=xray, outcome=APPROVE).update(outcome=REVIEW)
    Question.objects.create(
        pathway=pathway, key="extra", position=990, text="Extra?", kind=Question.Kind.YES_NO
    )
    pathway.procedure_codes.clear()
    Pathway.objects.filter(pk=pathway.pk).update(is_active=False, default_outcome=APPROVE)

    demo_pathways_load()

    assert counts() == before
    questions = engine.pathway_questions(Pathway.objects.get(name=KNEE))
    assert [question.key for question in questions] == [
        question.key for question in KNEE_MRI.questions
    ]
    anatomy = next(question for question in questions if question.key == "anatomy")
    assert [choice.label for choice in anatomy.choices.all()] == ["Hip", "Knee", "Ankle"]
    pathway.refresh_from_db()
    assert (pathway.is_active, pathway.default_outcome) == (True, REVIEW)
    assert [code.code for code in pathway.procedure_codes.all()] == ["73721"]
    assert walk(KNEE, KNEE_INJURY).outcome == APPROVE


def test_a_described_question_gone_with_answers_stays_with_a_note(loaded, world):
    pathway = Pathway.objects.get(name=KNEE)
    extra = Question.objects.create(
        pathway=pathway, key="extra", position=990, text="Extra?", kind=Question.Kind.YES_NO
    )
    case = draft_start(user=world.user, program=world.radiology)
    Answer.objects.create(case=case, question=extra, value="yes", answered_by=world.user)

    result = demo_pathways_load()

    assert Question.objects.filter(pk=extra.pk).exists()
    assert result.notes == [
        f"{KNEE}: the question extra is no longer described but has answers; it was left in place."
    ]


def test_missing_programs_and_codes_are_skipped_with_a_note():
    assert demo_pathways_load().notes == [
        f"{demo.name}: skipped, the program {demo.program} is missing." for demo in DEMO_PATHWAYS
    ]
    assert Pathway.objects.count() == 0

    # Programs without their codes: the code pathways would become whole-program ones.
    programs_load()
    ProcedureCode.objects.create(
        code="22612", kind=ProcedureCode.Kind.CPT, short_description="LOW BACK FUSION"
    )
    result = demo_pathways_load()
    assert set(result.pathways) == {SPINE, DME, ONCOLOGY}
    assert f"{KNEE}: skipped, none of its codes (73721) is loaded." in result.notes
    assert f"{SPINE}: codes not loaded: SPINE, 22633." in result.notes
    spine = Pathway.objects.get(name=SPINE)
    assert [code.code for code in spine.procedure_codes.all()] == ["22612"]


def test_pathway_for_a_case_is_the_demo_pathway_of_its_code(reference_loaded, world):
    programs = Program.objects.in_bulk(field_name="code")
    expected = [
        ("radiology-cardiology", "73721", KNEE),
        ("radiology-cardiology", "72148", LUMBAR_MRI),
        ("radiology-cardiology", "70551", None),
        ("musculoskeletal", "SPINE", SPINE),
        ("musculoskeletal", "22633", SPINE),
        ("musculoskeletal", "JOINT", ACL),
        ("musculoskeletal", "62323", EPIDURAL),
        ("dme", "E0601", DME),
        ("medical-oncology", "J9355", ONCOLOGY),
    ]
    for program, code, name in expected:
        case = draft_start(user=world.user, program=programs[program])
        ProcedureLine.objects.create(
            case=case, position=1, procedure_code=ProcedureCode.objects.get(code=code)
        )
        pathway = engine.pathway_for(case)
        assert (pathway.name if pathway else None) == name, code


def _broken(**changes):
    index = [question.key for question in KNEE_MRI.questions].index("anatomy")
    question = dataclasses.replace(KNEE_MRI.questions[index], **changes)
    return dataclasses.replace(
        KNEE_MRI,
        questions=(*KNEE_MRI.questions[:index], question, *KNEE_MRI.questions[index + 1 :]),
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rules": (DemoRule("is", "knee", goto="nowhere"),)}, "unknown question nowhere"),
        ({"rules": (DemoRule("is", "elbow", goto="cancer"),)}, "'elbow' is not one of"),
        (
            {"rules": (DemoRule("is", "knee", goto="cancer", outcome=APPROVE),)},
            "either goes to a question or ends",
        ),
        ({"rules": (DemoRule("is", "knee"),)}, "either goes to a question or ends"),
        ({"rules": (DemoRule("gte", "many", outcome=REVIEW),)}, "number questions"),
        ({"rules": (DemoRule("preferred", outcome=APPROVE),)}, "regimen tables"),
        ({"rules": (DemoRule("is", "knee", outcome="accept"),)}, "unknown outcome"),
        # The first question names anatomy in a rule: the renamed key is refused either way.
        ({"key": "Ana tomy"}, "not a slug|unknown question anatomy"),
        ({"key": "cancer"}, "used twice"),
        ({"choices": ()}, "only choice questions"),
    ],
)
def test_an_inconsistent_description_is_refused(changes, message):
    with pytest.raises(DemoPathwayError, match=message):
        demo_pathway_check(_broken(**changes))


def test_every_demo_description_is_consistent():
    for demo in DEMO_PATHWAYS:
        demo_pathway_check(demo)
    number = DemoQuestion(
        "weeks", Question.Kind.NUMBER, "Weeks?", rules=(DemoRule("gte", "x", outcome=REVIEW),)
    )
    with pytest.raises(DemoPathwayError, match="not a number"):
        demo_pathway_check(dataclasses.replace(KNEE_MRI, questions=(number,)))
