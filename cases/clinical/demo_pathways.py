"""The demo's clinical pathways, written from the decks' questions and criteria, and their
loader (seed_demo calls it).

Each pathway is described here as data: its program and procedure codes, its questions in
order (key, kind, text, choices) and each question's rules (the first that matches sends to
another question or ends with an outcome). The default outcome is always REVIEW: an answer the
rules do not approve is "not met or unknown" and goes to medical review.

Where the decks show the questions but not their choices or criteria (the radiology reasons,
the DME checklist, the regimen lists by diagnosis) the choices are written for the demo from
the decks' guideline passages; the regimens' check marks are the demo's, not a copy of NCCN's
categories of preference.

`demo_pathways_load()` writes them on their natural keys (program + pathway name; question
key; choice value) and replaces a question's rules only when they changed, so loading again
adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from cases.models import Answer, Choice, Pathway, Question, Rule
from cases.models.pathways import Outcome
from eligibility.models import ProcedureCode, Program

Kind = Question.Kind
Op = Rule.Operator

APPROVE = Outcome.APPROVE
REVIEW = Outcome.REVIEW
REVIEW_P2P = Outcome.REVIEW_P2P
REVIEW_CUSTOM = Outcome.REVIEW_CUSTOM

# Questions are numbered 10, 20, 30... so an administrator can insert one between two.
POSITION_STEP = 10
# Moves every question of a pathway out of the way while their positions are rewritten (the
# pathway's positions are unique).
POSITION_SHIFT = 1000


@dataclass(frozen=True)
class DemoChoice:
    value: str
    label: str
    description: str = ""
    preferred: bool = False


@dataclass(frozen=True)
class DemoRule:
    """If the answer meets `operator value`: go to question `goto`, or end with `outcome`."""

    operator: str
    value: str = ""
    goto: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class DemoQuestion:
    key: str
    kind: str
    text: str
    choices: tuple[DemoChoice, ...] = ()
    rules: tuple[DemoRule, ...] = ()
    help_text: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_repeats: int = 10


@dataclass(frozen=True)
class DemoPathway:
    program: str
    name: str
    questions: tuple[DemoQuestion, ...]
    # Empty: the pathway of every code of the program that has no pathway of its own.
    codes: tuple[str, ...] = ()
    default_outcome: str = REVIEW


@dataclass
class DemoPathwaysLoad:
    """What a load wrote: the pathways by name, and a note for each thing it skipped."""

    pathways: dict[str, Pathway] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _choices(*rows: tuple[str, str]) -> tuple[DemoChoice, ...]:
    return tuple(DemoChoice(value, label) for value, label in rows)


def _then(key: str, operator: str = Op.ANY, value: str = "") -> DemoRule:
    return DemoRule(operator, value, goto=key)


def _end(outcome: str, operator: str = Op.ANY, value: str = "") -> DemoRule:
    return DemoRule(operator, value, outcome=outcome)


YES_NO_UNKNOWN = _choices(("yes", "Yes"), ("no", "No"), ("unknown", "Unknown"))


# 000: the first question of the radiology pathways; "Yes" asks for the other procedures'
# codes and quantities (they become the case's procedure lines, up to ten in all).
def _additional_procedures(following: str) -> tuple[DemoQuestion, DemoQuestion]:
    return (
        DemoQuestion(
            "additional_procedures",
            Kind.YES_NO,
            "Will there be any additional procedures needing prior authorization for the same "
            "patient, date of service, and site of service?",
            rules=(_then("additional_codes", Op.IS, "yes"), _then(following)),
        ),
        DemoQuestion(
            "additional_codes",
            Kind.CODE_UNITS,
            "Please enter the CPT code and the quantity of each additional procedure:",
            max_repeats=9,
        ),
    )


# 002: "Is this request to evaluate suspicion of cancer…"; a cancer study is reviewed.
CANCER = DemoQuestion(
    "cancer",
    Kind.YES_NO,
    "Is this request to evaluate suspicion of cancer, screening for cancer, active evaluation "
    "or monitoring of known cancer?",
    rules=(_end(REVIEW, Op.IS, "yes"),),
)

REASON_TEXT = "Which one of the following best describes the reason for the requested study."

CONSERVATIVE_CARE_EXAMPLES = (
    "(e.g. number of weeks of exercise, physical therapy, chiropractic care, NSAIDS, or analgesics)"
)


def _conservative_weeks(key: str, rules: tuple[DemoRule, ...]) -> DemoQuestion:
    return DemoQuestion(
        key,
        Kind.NUMBER,
        "Please indicate the documented number of weeks of conservative care prior to this "
        f"request: {CONSERVATIVE_CARE_EXAMPLES}",
        rules=rules,
        min_value=Decimal(0),
        max_value=Decimal(520),
    )


# 000 / 002: MRI of a lower extremity joint, written for the knee (the decks' example: M25.562
# pain in left knee). Hip and ankle studies go to review.
KNEE_MRI = DemoPathway(
    "radiology-cardiology",
    "MRI Lower Extremity Joint (73721)",
    codes=("73721",),
    questions=(
        *_additional_procedures("anatomy"),
        DemoQuestion(
            "anatomy",
            Kind.SINGLE,
            "Which anatomy will be examined with the requested study?",
            choices=_choices(("hip", "Hip"), ("knee", "Knee"), ("ankle", "Ankle")),
            rules=(_then("cancer", Op.IS, "knee"), _end(REVIEW)),
        ),
        CANCER,
        DemoQuestion(
            "reason",
            Kind.SINGLE,
            REASON_TEXT,
            choices=_choices(
                (
                    "injury",
                    "Knee injury with suspected internal derangement (such as a meniscus or "
                    "ligament tear)",
                ),
                ("chronic-pain", "Knee pain without an injury"),
                (
                    "infection",
                    "Suspected infection of the joint or bone (septic arthritis or osteomyelitis)",
                ),
                ("post-operative", "Evaluation after knee surgery"),
                ("other", "None of the above"),
            ),
            rules=(
                _then("exam_findings", Op.IS, "injury"),
                _then("conservative_weeks", Op.IS, "chronic-pain"),
                _then("xray", Op.IS, "infection"),
                _end(REVIEW),
            ),
        ),
        DemoQuestion(
            "exam_findings",
            Kind.MULTIPLE,
            "Does the physical exam show any of the following? (Choose all that apply)",
            choices=_choices(
                ("meniscal-signs", "Positive McMurray test or joint line tenderness"),
                ("ligament-test", "Positive Lachman, Anterior Drawer, or Pivot Shift test"),
                ("effusion", "Joint effusion or hemarthrosis"),
                ("locking", "Locking or catching of the knee"),
                ("none", "None of the above or unknown"),
            ),
            rules=(_end(REVIEW, Op.INCLUDES, "none"), _then("xray")),
        ),
        _conservative_weeks("conservative_weeks", (_then("xray", Op.AT_LEAST, "6"), _end(REVIEW))),
        DemoQuestion(
            "xray",
            Kind.YES_NO,
            "Have plain X-rays of the knee been performed since the symptoms began?",
            rules=(_end(APPROVE, Op.IS, "yes"), _end(REVIEW)),
        ),
    ),
)

LUMBAR_EXAM_FINDINGS = _choices(
    (
        "radiating-pain",
        "Pain and/or abnormal sensation (numbness, tingling, burning, etc.) that radiates into "
        "the arm or leg",
    ),
    ("stenosis", "Symptomatic spinal stenosis"),
    (
        "straight-leg-raise",
        "Positive straight leg raise/crossed leg raise test (for lumbar procedures) or "
        "Spurling's maneuver (for cervical procedures)",
    ),
    ("loss-of-strength", "Loss of strength"),
    ("sensation", "Change in sensation to light touch, pressure, pin prick or temperature"),
    ("reflexes", "Decreased, absent or asymmetric reflex(es)"),
    ("emg", "Positive electrodiagnostic study (EMG/NCV) for nerve root compression"),
    ("none", "None of the above or unknown"),
)

LUMBAR_EXAM_TEXT = (
    "Does physical exam/patient history indicate any of the following: (Choose all that apply)"
)

# 002: MRI of the lumbar spine (the deck's 72148). Red flags are imaged at once; back pain
# after 6 weeks of conservative care; radicular pain with an exam finding.
LUMBAR_MRI = DemoPathway(
    "radiology-cardiology",
    "MRI Lumbar Spine (72148)",
    codes=("72148",),
    questions=(
        *_additional_procedures("cancer"),
        CANCER,
        DemoQuestion(
            "reason",
            Kind.SINGLE,
            REASON_TEXT,
            choices=_choices(
                ("radicular-pain", "Low back pain that radiates into the leg (radiculopathy)"),
                ("back-pain", "Low back pain without radiating pain"),
                (
                    "red-flags",
                    "Suspected cauda equina syndrome, progressive neurological deficit, "
                    "fracture or infection",
                ),
                ("pre-operative", "Planning for a scheduled spine surgery or injection"),
                ("post-operative", "Evaluation after spine surgery"),
                ("other", "None of the above"),
            ),
            rules=(
                _then("exam_findings", Op.IS, "radicular-pain"),
                _then("conservative_weeks", Op.IS, "back-pain"),
                _end(APPROVE, Op.IS, "red-flags"),
                _end(REVIEW),
            ),
        ),
        DemoQuestion(
            "exam_findings",
            Kind.MULTIPLE,
            LUMBAR_EXAM_TEXT,
            choices=LUMBAR_EXAM_FINDINGS,
            rules=(_end(REVIEW, Op.INCLUDES, "none"),),
        ),
        _conservative_weeks("conservative_weeks", (_end(APPROVE, Op.AT_LEAST, "6"), _end(REVIEW))),
    ),
)

# 001: the spine fusion questions (the deck picks SPINE, then enters the primary CPT code).
# Written for a single-level lumbar fusion; the other regions, a previous fusion and none of
# the listed conditions go to review.
SPINE_FUSION = DemoPathway(
    "musculoskeletal",
    "Spine Fusion",
    codes=("SPINE", "22612", "22633"),
    questions=(
        DemoQuestion("inpatient", Kind.YES_NO, "Will this procedure be performed Inpatient?"),
        DemoQuestion(
            "primary_cpt",
            Kind.TEXT,
            "Please enter the primary CPT code for this surgery.",
            rules=(
                _then("units", Op.IS, "22612"),
                _then("units", Op.IS, "22630"),
                _then("units", Op.IS, "22633"),
                _end(REVIEW),
            ),
        ),
        DemoQuestion(
            "units",
            Kind.NUMBER,
            "How many units? (Units for an assistant or co-surgeon should NOT be included here. "
            "Indicate the assistant / co-surgeon by requesting the appropriate modifier)",
            # The primary fusion codes are one level (one unit); more levels are add-on codes.
            rules=(_end(REVIEW, Op.MORE_THAN, "1"),),
            min_value=Decimal(1),
            max_value=Decimal(99),
        ),
        DemoQuestion(
            "region",
            Kind.SINGLE,
            "Which region of the spine will this procedure be performed?",
            choices=_choices(
                ("thoracic", "Thoracic"),
                ("cervical", "Cervical"),
                ("lumbar", "Lumbar"),
                ("sacral", "Sacral"),
                ("e0760", "This request is for E0760 and is NOT related to a spinal condition."),
            ),
            rules=(_then("second_code", Op.IS, "lumbar"), _end(REVIEW)),
        ),
        DemoQuestion(
            "second_code",
            Kind.YES_NO,
            "Do you want to enter a second code for this surgery?",
            rules=(_then("second_cpt", Op.IS, "yes"), _then("levels")),
        ),
        DemoQuestion("second_cpt", Kind.TEXT, "Please enter the second CPT code for this surgery."),
        DemoQuestion(
            "levels",
            Kind.MULTIPLE,
            "Which lumbar level(s) will be fused? (Choose all that apply)",
            choices=_choices(
                ("l1-l2", "L1 - L2"),
                ("l2-l3", "L2 - L3"),
                ("l3-l4", "L3 - L4"),
                ("l4-l5", "L4 - L5"),
                ("l5-s1", "L5 - S1"),
                ("other", "Other/Unknown"),
            ),
            rules=(_end(REVIEW, Op.INCLUDES, "other"),),
        ),
        DemoQuestion(
            "previous_fusion",
            Kind.YES_NO,
            "Has there been a previous fusion in this region?",
            rules=(_end(REVIEW, Op.IS, "yes"),),
        ),
        DemoQuestion(
            "conditions",
            Kind.MULTIPLE,
            "Is this request to treat any of the following conditions?",
            choices=_choices(
                ("fracture", "Spinal fracture with instability or neural compression"),
                (
                    "dislocation-tumor-infection",
                    "Dislocation, tumor, or infection (including abscess, osteomyelitis, "
                    "discitis, or fungal infection)",
                ),
                (
                    "scoliosis",
                    "Single or multi-session (staged) fusion for severe, progressive idiopathic "
                    "scoliosis with Cobb angle > 40 degrees",
                ),
                (
                    "flatback",
                    "Iatrogenic or degenerative flatback syndrome with significant sagittal "
                    "imbalance when fusion is performed with spinal osteotomy",
                ),
                ("none", "None of the above"),
            ),
            rules=(_end(REVIEW, Op.INCLUDES, "none"), _end(APPROVE)),
        ),
    ),
)

# 001: knee ACL reconstruction, with instability symptoms, a positive exam test and a tear on
# imaging. The deck picks JOINT, then enters the primary CPT code: another joint surgery's code
# goes to review at once.
ACL_RECONSTRUCTION = DemoPathway(
    "musculoskeletal",
    "Knee ACL Reconstruction",
    codes=("JOINT", "29888"),
    questions=(
        DemoQuestion(
            "primary_cpt",
            Kind.TEXT,
            "Please enter the primary CPT code for this surgery.",
            rules=(_then("side", Op.IS, "29888"), _end(REVIEW)),
        ),
        DemoQuestion(
            "side",
            Kind.SINGLE,
            "Which side is the procedure being performed on?",
            choices=_choices(("left", "Left"), ("right", "Right")),
        ),
        DemoQuestion(
            "second_code",
            Kind.YES_NO,
            "Do you want to enter a second code for this Knee surgery?",
            rules=(_then("second_cpt", Op.IS, "yes"), _then("ligament")),
        ),
        DemoQuestion(
            "second_cpt", Kind.TEXT, "Please enter the second CPT code for this Knee surgery."
        ),
        DemoQuestion(
            "ligament",
            Kind.SINGLE,
            "Please indicate which ligament will be reconstructed:",
            choices=_choices(
                ("acl", "Anterior cruciate ligament (ACL)"),
                ("pcl", "Posterior cruciate ligament (PCL)"),
                ("mcl", "Medial collateral ligament (MCL)"),
                ("lcl", "Lateral collateral ligament (LCL)"),
                ("multiple", "More than one ligament"),
            ),
            rules=(_then("symptoms", Op.IS, "acl"), _end(REVIEW)),
        ),
        DemoQuestion(
            "symptoms",
            Kind.MULTIPLE,
            "Does your patient report any of the following? (choose all that apply)",
            choices=_choices(
                (
                    "daily-living",
                    "Unable to participate in age appropriate activities of daily living",
                ),
                ("employment", "Inability to meet demands of employment"),
                (
                    "agility",
                    "Need to return to activities that require cutting, pivoting, and/or agility",
                ),
                ("instability", "Knee instability indicated by giving way, weakness, or buckling"),
                ("none", "None of the above"),
                ("unknown", "Unknown"),
            ),
            rules=(_end(REVIEW, Op.INCLUDES, "none"), _end(REVIEW, Op.INCLUDES, "unknown")),
        ),
        DemoQuestion(
            "acute_injury",
            Kind.SINGLE,
            "Does your patient have an acute injury with documented hemarthrosis, effusion, and "
            "joint instability?",
            choices=YES_NO_UNKNOWN,
        ),
        DemoQuestion(
            "exam_tests",
            Kind.SINGLE,
            "Does your patient have a positive Lachman, Anterior Drawer, or Pivot Shift test?",
            choices=YES_NO_UNKNOWN,
            rules=(_then("imaging", Op.IS, "yes"), _end(REVIEW)),
        ),
        DemoQuestion(
            "imaging",
            Kind.MULTIPLE,
            "Please indicate if MRI, CT arthrogram, or arthroscopy demonstrates the following? "
            "(Choose all that apply)",
            choices=_choices(
                (
                    "acl-tear",
                    "A tear/disruption/significant laxity of the anterior cruciate ligament",
                ),
                ("meniscus-tear", "A repairable meniscus tear (identified by arthroscopy)"),
                ("neither", "Neither of the above"),
                ("unknown", "Unknown"),
            ),
            rules=(
                _end(REVIEW, Op.INCLUDES, "neither"),
                _end(REVIEW, Op.INCLUDES, "unknown"),
                _end(APPROVE, Op.INCLUDES, "acl-tear"),
                _end(REVIEW),
            ),
        ),
    ),
)

# 001: lumbar epidural steroid injection, with the deck's Interventional Pain Requirements: one
# level interlaminar, at most 3 per episode and 4 per 12 months (so 3 in the episode or 4 in
# 12 months already performed go to review), a documented response to the previous one, a
# radicular finding, 6 weeks of conservative care and active rehabilitation.
LUMBAR_EPIDURAL = DemoPathway(
    "musculoskeletal",
    "Lumbar Epidural Injection (62323)",
    codes=("62323",),
    questions=(
        DemoQuestion(
            "reason",
            Kind.SINGLE,
            "Please indicate the reason for this procedure:",
            choices=_choices(
                ("post-herpetic-neuralgia", "To treat post-herpetic neuralgia"),
                (
                    "low-back-pain",
                    "To treat low back pain (radiculopathy/radicular pain/non-radiating pain)",
                ),
                ("spinraza", "To inject Spinraza® (nusinersen)"),
                ("pump-trial", "A trial for an implanted pump"),
                ("anesthesia", "For obstetrical or surgical anesthesia"),
                ("perioperative-pain", "To manage perioperative pain"),
            ),
            rules=(_then("injectate", Op.IS, "low-back-pain"), _end(REVIEW)),
        ),
        DemoQuestion(
            "injectate",
            Kind.MULTIPLE,
            "Please indicate the type of injectate(s) that will be used (choose all that apply):",
            choices=_choices(
                ("anesthetic", "Anesthetic"),
                ("corticosteroid", "Corticosteroid"),
                ("biologics", "Biologics (e.g., platelet rich plasma, stem cells, amniotic fluid)"),
                ("spinraza", "Spinraza® (nusinersen)"),
                ("other", "Other injectate(s)"),
                ("unknown", "Unknown"),
            ),
            rules=(
                _end(REVIEW, Op.INCLUDES, "biologics"),
                _end(REVIEW, Op.INCLUDES, "spinraza"),
                _end(REVIEW, Op.INCLUDES, "other"),
                _end(REVIEW, Op.INCLUDES, "unknown"),
                _end(REVIEW, Op.EXCLUDES, "corticosteroid"),
            ),
        ),
        DemoQuestion(
            "levels",
            Kind.NUMBER,
            "How many levels will this procedure be performed at?",
            # "No more than 1 level interlaminar epidural … in a single session."
            rules=(_end(REVIEW, Op.MORE_THAN, "1"),),
            min_value=Decimal(1),
            max_value=Decimal(10),
        ),
        DemoQuestion(
            "injections_6_months",
            Kind.NUMBER,
            "How many epidural steroid injection sessions of ALL types have been performed in "
            "this region for this episode of pain in the last 6 months? (Please include "
            "transforaminal AND interlaminar injections)",
            # At most 3 per episode: this one would be the 4th.
            rules=(_end(REVIEW, Op.AT_LEAST, "3"),),
            min_value=Decimal(0),
            max_value=Decimal(99),
        ),
        DemoQuestion(
            "injections_12_months",
            Kind.NUMBER,
            "How many epidural steroid injection sessions of ALL types have been performed in "
            "this region in the last 12 months? (Please include transforaminal AND "
            "interlaminar injections)",
            # At most 4 per 12 months: this one would be the 5th.
            rules=(
                _end(REVIEW, Op.AT_LEAST, "4"),
                _then("previous_response", Op.AT_LEAST, "1"),
                _then("exam_findings"),
            ),
            min_value=Decimal(0),
            max_value=Decimal(99),
        ),
        DemoQuestion(
            "previous_response",
            Kind.SINGLE,
            "At least 2 weeks after the most recent epidural steroid injection in this region, "
            "did it give at least 2 of the following: 50% or greater relief of radicular pain; "
            "an increased level of function/physical activity; decreased use of medication "
            "and/or additional medical services such as Physical Therapy/Chiropractic care?",
            choices=YES_NO_UNKNOWN,
            rules=(_then("exam_findings", Op.IS, "yes"), _end(REVIEW)),
        ),
        DemoQuestion(
            "exam_findings",
            Kind.MULTIPLE,
            LUMBAR_EXAM_TEXT,
            choices=LUMBAR_EXAM_FINDINGS,
            rules=(_end(REVIEW, Op.INCLUDES, "none"),),
        ),
        _conservative_weeks("conservative_weeks", (_end(REVIEW, Op.LESS_THAN, "6"),)),
        DemoQuestion(
            "rehabilitation",
            Kind.SINGLE,
            "Will your patient be participating in an active rehabilitation or therapeutic "
            "exercise program following this injection?",
            choices=YES_NO_UNKNOWN,
            rules=(_end(APPROVE, Op.IS, "yes"), _end(REVIEW)),
        ),
    ),
)

# 004: the HCPCS codes and units (the page repeats "Would you like to enter another HCPCS
# code?"), then the deck's "Required Medical information checklist" as questions.
DME = DemoPathway(
    "dme",
    "Durable Medical Equipment",
    questions=(
        DemoQuestion(
            "hcpcs",
            Kind.CODE_UNITS,
            "Please enter the Primary HCPCS code for this DME request:",
            # More than 13 units in all (a capped rental's months) is looked at by a person.
            rules=(_end(REVIEW, Op.MORE_THAN, "13"),),
            max_repeats=10,
        ),
        DemoQuestion(
            "prescription",
            Kind.YES_NO,
            "Is there a written prescription for the requested equipment from the referring "
            "physician?",
            rules=(_end(REVIEW, Op.IS, "no"),),
        ),
        DemoQuestion(
            "recent_visit",
            Kind.YES_NO,
            "Was the member seen by the referring physician for the condition that requires "
            "this equipment within the last 3 months?",
            rules=(_end(APPROVE, Op.IS, "yes"), _end(REVIEW)),
        ),
    ),
)

CUSTOM_PLAN = DemoChoice(
    "custom", "Build a Custom Treatment Plan (May Require Additional Clinical Review)"
)
REGIMEN_RULES = (
    _end(REVIEW_CUSTOM, Op.IS, "custom"),
    _end(APPROVE, Op.PREFERRED),
    _end(REVIEW_P2P, Op.NOT_PREFERRED),
)


def _regimens(key: str, *rows: tuple[str, str, str, bool]) -> DemoQuestion:
    return DemoQuestion(
        key,
        Kind.REGIMEN,
        "Select Treatment Option:",
        choices=(
            *(
                DemoChoice(value, label, description, preferred)
                for value, label, description, preferred in rows
            ),
            CUSTOM_PLAN,
        ),
        rules=REGIMEN_RULES,
    )


# 003: the regimen list follows the diagnosis; a preferred regimen (check mark) is approved at
# once, a non-preferred one needs a peer to peer, a custom plan goes to review.
ONCOLOGY = DemoPathway(
    "medical-oncology",
    "Medical Oncology Treatment Regimens",
    questions=(
        DemoQuestion(
            "diagnosis",
            Kind.SINGLE,
            "Which of the following best describes the member's cancer diagnosis and "
            "treatment setting?",
            choices=_choices(
                (
                    "breast-her2-negative",
                    "Breast cancer, HER2-negative: preoperative or adjuvant therapy",
                ),
                (
                    "breast-her2-positive",
                    "Breast cancer, HER2-positive: preoperative or adjuvant therapy",
                ),
                (
                    "nsclc",
                    "Non-small cell lung cancer, non-squamous, advanced or metastatic, no "
                    "actionable mutation: first-line therapy",
                ),
                ("dlbcl", "Diffuse large B-cell lymphoma: first-line therapy"),
                ("other", "Another cancer diagnosis or treatment setting"),
            ),
            rules=(
                _then("regimen_breast_her2_negative", Op.IS, "breast-her2-negative"),
                _then("regimen_breast_her2_positive", Op.IS, "breast-her2-positive"),
                _then("regimen_nsclc", Op.IS, "nsclc"),
                _then("regimen_dlbcl", Op.IS, "dlbcl"),
                _end(REVIEW_CUSTOM, Op.IS, "other"),
            ),
        ),
        # The deck's list.
        _regimens(
            "regimen_breast_her2_negative",
            (
                "ddac-paclitaxel-2-weeks",
                "Dose-dense AC followed by EVERY 2 WEEKS Paclitaxel",
                "(Dose-dense Doxorubicin HCL + Cyclophosphamide followed by Paclitaxel)",
                True,
            ),
            (
                "ac-weekly-paclitaxel",
                "AC EVERY 3 WEEKS followed by WEEKLY Paclitaxel",
                "(Doxorubicin HCL + Cyclophosphamide followed by weekly Paclitaxel)",
                False,
            ),
            ("tac", "TAC", "(Docetaxel + Doxorubicin HCL + Cyclophosphamide)", False),
            (
                "ac-docetaxel",
                "AC EVERY 3 WEEKS followed by Docetaxel",
                "(Doxorubicin HCL + Cyclophosphamide followed by Docetaxel)",
                False,
            ),
            (
                "ddac-weekly-paclitaxel",
                "Dose-dense AC followed by WEEKLY Paclitaxel",
                "(Dose-dense Doxorubicin HCL + Cyclophosphamide followed by Paclitaxel)",
                False,
            ),
            ("ac", "AC EVERY 3 WEEKS", "(Doxorubicin HCL + Cyclophosphamide)", False),
            ("ec", "EC", "(Epirubicin + Cyclophosphamide)", False),
            ("cmf", "CMF", "(Cyclophosphamide + Methotrexate + 5-Fluorouracil)", False),
            ("ddac", "Dose-dense AC", "(Dose-dense Doxorubicin HCL + Cyclophosphamide)", False),
            ("tc", "TC", "(Docetaxel + Cyclophosphamide)", False),
        ),
        _regimens(
            "regimen_breast_her2_positive",
            (
                "tchp",
                "TCHP",
                "(Docetaxel + Carboplatin + Trastuzumab + Pertuzumab)",
                True,
            ),
            (
                "paclitaxel-trastuzumab",
                "Paclitaxel + Trastuzumab",
                "(WEEKLY Paclitaxel + Trastuzumab)",
                True,
            ),
            ("tch", "TCH", "(Docetaxel + Carboplatin + Trastuzumab)", False),
            (
                "ac-th",
                "AC followed by TH",
                "(Doxorubicin HCL + Cyclophosphamide followed by Paclitaxel + Trastuzumab)",
                False,
            ),
        ),
        _regimens(
            "regimen_nsclc",
            (
                "pembrolizumab-pemetrexed-carboplatin",
                "Pembrolizumab + Pemetrexed + Carboplatin",
                "(Pembrolizumab + Pemetrexed + Carboplatin or Cisplatin)",
                True,
            ),
            (
                "pembrolizumab",
                "Pembrolizumab",
                "(Pembrolizumab alone, PD-L1 expression 50% or more)",
                True,
            ),
            (
                "nivolumab-ipilimumab",
                "Nivolumab + Ipilimumab",
                "(Nivolumab + Ipilimumab)",
                False,
            ),
            (
                "carboplatin-paclitaxel-bevacizumab",
                "Carboplatin + Paclitaxel + Bevacizumab",
                "(Carboplatin + Paclitaxel + Bevacizumab)",
                False,
            ),
        ),
        _regimens(
            "regimen_dlbcl",
            (
                "r-chop",
                "R-CHOP",
                "(Rituximab + Cyclophosphamide + Doxorubicin HCL + Vincristine + Prednisone)",
                True,
            ),
            (
                "pola-r-chp",
                "Pola-R-CHP",
                "(Polatuzumab vedotin + Rituximab + Cyclophosphamide + Doxorubicin HCL + "
                "Prednisone)",
                True,
            ),
            (
                "da-epoch-r",
                "DA-EPOCH-R",
                "(Dose-adjusted Etoposide + Prednisone + Vincristine + Cyclophosphamide + "
                "Doxorubicin HCL + Rituximab)",
                False,
            ),
            (
                "r-cvp",
                "R-CVP",
                "(Rituximab + Cyclophosphamide + Vincristine + Prednisone)",
                False,
            ),
        ),
    ),
)

DEMO_PATHWAYS: tuple[DemoPathway, ...] = (
    KNEE_MRI,
    LUMBAR_MRI,
    SPINE_FUSION,
    ACL_RECONSTRUCTION,
    LUMBAR_EPIDURAL,
    DME,
    ONCOLOGY,
)


class DemoPathwayError(ValueError):
    """A demo pathway's description is inconsistent (a programming error, found before any
    row is written)."""


CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE, Kind.REGIMEN}
NUMERIC_OPERATORS = {Op.LESS_THAN, Op.AT_MOST, Op.MORE_THAN, Op.AT_LEAST}
VALUE_OPERATORS = {Op.IS, Op.IS_NOT, Op.INCLUDES, Op.EXCLUDES}


def demo_pathway_check(demo: DemoPathway) -> None:
    """Raise DemoPathwayError unless every key, choice value and rule of the description fits:
    rules go to a question of the same pathway or end with an outcome, compare with values the
    question can take, and the preferred operators are used on regimen tables only."""
    where = demo.name
    keys = [question.key for question in demo.questions]
    if not keys:
        raise DemoPathwayError(f"{where}: no questions.")
    if len(set(keys)) != len(keys):
        raise DemoPathwayError(f"{where}: a question key is used twice.")
    for question in demo.questions:
        _question_check(question, keys=keys, where=f"{where} · {question.key}")


def _question_check(question: DemoQuestion, *, keys: list[str], where: str) -> None:
    if slugify(question.key) != question.key or len(question.key) > 60:
        raise DemoPathwayError(f"{where}: the key is not a slug of at most 60 characters.")
    values = [choice.value for choice in question.choices]
    if len(set(values)) != len(values):
        raise DemoPathwayError(f"{where}: a choice value is used twice.")
    if any(slugify(value) != value or len(value) > 60 for value in values):
        raise DemoPathwayError(f"{where}: a choice value is not a slug of at most 60 characters.")
    if (question.kind in CHOICE_KINDS) != bool(values):
        raise DemoPathwayError(f"{where}: only choice questions have choices, and they must.")
    if question.kind != Kind.REGIMEN and any(choice.preferred for choice in question.choices):
        raise DemoPathwayError(f"{where}: only a regimen table has preferred options.")
    allowed = {"yes", "no"} if question.kind == Kind.YES_NO else set(values)
    for rule in question.rules:
        if bool(rule.goto) == bool(rule.outcome):
            raise DemoPathwayError(
                f"{where}: a rule either goes to a question or ends with an outcome."
            )
        if rule.goto and rule.goto not in keys:
            raise DemoPathwayError(f"{where}: a rule goes to the unknown question {rule.goto}.")
        if rule.outcome and rule.outcome not in Outcome.values:
            raise DemoPathwayError(f"{where}: unknown outcome {rule.outcome}.")
        _rule_value_check(question, rule, allowed=allowed, where=where)


def _rule_value_check(
    question: DemoQuestion, rule: DemoRule, *, allowed: set[str], where: str
) -> None:
    if rule.operator not in Op.values:
        raise DemoPathwayError(f"{where}: unknown operator {rule.operator}.")
    if rule.operator in (Op.PREFERRED, Op.NOT_PREFERRED) and question.kind != Kind.REGIMEN:
        raise DemoPathwayError(f"{where}: preferred rules belong to regimen tables.")
    if rule.operator in NUMERIC_OPERATORS:
        if question.kind not in (Kind.NUMBER, Kind.CODE_UNITS):
            raise DemoPathwayError(f"{where}: number rules belong to number questions.")
        try:
            Decimal(rule.value)
        except InvalidOperation:
            raise DemoPathwayError(f"{where}: {rule.value!r} is not a number.") from None
    if rule.operator in VALUE_OPERATORS and allowed and rule.value not in allowed:
        raise DemoPathwayError(f"{where}: {rule.value!r} is not one of the question's values.")


@transaction.atomic
def demo_pathways_load() -> DemoPathwaysLoad:
    """Load (or confirm) the demo pathways. A pathway whose program is missing, or whose
    procedure codes are all missing, is skipped with a note (it would otherwise become the
    program's pathway for every code); missing codes of a pathway are noted."""
    for demo in DEMO_PATHWAYS:
        demo_pathway_check(demo)
    result = DemoPathwaysLoad()
    programs = Program.objects.in_bulk({demo.program for demo in DEMO_PATHWAYS}, field_name="code")
    codes = ProcedureCode.objects.in_bulk(
        {code for demo in DEMO_PATHWAYS for code in demo.codes}, field_name="code"
    )
    for demo in DEMO_PATHWAYS:
        program = programs.get(demo.program)
        if program is None:
            result.notes.append(f"{demo.name}: skipped, the program {demo.program} is missing.")
            continue
        linked = [codes[code] for code in demo.codes if code in codes]
        missing = [code for code in demo.codes if code not in codes]
        if demo.codes and not linked:
            result.notes.append(
                f"{demo.name}: skipped, none of its codes ({', '.join(demo.codes)}) is loaded."
            )
            continue
        if missing:
            result.notes.append(f"{demo.name}: codes not loaded: {', '.join(missing)}.")
        pathway, notes = _pathway_load(demo, program=program, codes=linked)
        result.pathways[demo.name] = pathway
        result.notes.extend(notes)
    return result


def _pathway_load(
    demo: DemoPathway, *, program: Program, codes: list[ProcedureCode]
) -> tuple[Pathway, list[str]]:
    """One pathway in a dozen queries: its questions, choices and rules are read at once and
    only what differs from the description is written."""
    pathway, _ = Pathway.objects.update_or_create(
        program=program,
        name=demo.name,
        defaults={"default_outcome": demo.default_outcome, "is_active": True},
    )
    pathway.procedure_codes.set(codes)
    notes = _stale_questions_remove(pathway, keep={question.key for question in demo.questions})
    questions = _questions_load(pathway, demo)
    _choices_load(demo, questions=questions)
    _rules_load(demo, questions=questions)
    return pathway, notes


def _stale_questions_remove(pathway: Pathway, *, keep: set[str]) -> list[str]:
    """Delete the questions the description no longer has; one that a case answered stays
    (answers are the case's record) and is noted."""
    stale = Question.objects.filter(pathway=pathway).exclude(key__in=keep)
    answered = set(
        Answer.objects.filter(question__in=stale).values_list("question__key", flat=True)
    )
    stale.exclude(key__in=answered).delete()
    return [
        f"{pathway.name}: the question {key} is no longer described but has answers; "
        "it was left in place."
        for key in sorted(answered)
    ]


QUESTION_FIELDS = ["position", "text", "help_text", "kind", "required"]
QUESTION_FIELDS += ["min_value", "max_value", "max_repeats"]


def _questions_load(pathway: Pathway, demo: DemoPathway) -> dict[str, Question]:
    existing = {question.key: question for question in Question.objects.filter(pathway=pathway)}
    wanted = {
        question.key: Question(
            pathway=pathway,
            key=question.key,
            position=(index + 1) * POSITION_STEP,
            text=question.text,
            help_text=question.help_text,
            kind=question.kind,
            required=True,
            min_value=question.min_value,
            max_value=question.max_value,
            max_repeats=question.max_repeats,
        )
        for index, question in enumerate(demo.questions)
    }
    moved = any(
        key in existing and existing[key].position != question.position
        for key, question in wanted.items()
    )
    taken = {question.position for key, question in existing.items() if key not in wanted}
    if moved or taken & {question.position for question in wanted.values()}:
        # Positions are unique in a pathway: move every question out of the way before the
        # new positions are written.
        Question.objects.filter(pathway=pathway).update(position=F("position") + POSITION_SHIFT)
        for question in existing.values():
            question.position += POSITION_SHIFT
    changed = []
    for key, question in wanted.items():
        if key not in existing:
            continue
        current = existing[key]
        if _differs(current, question, QUESTION_FIELDS):
            for name in QUESTION_FIELDS:
                setattr(current, name, getattr(question, name))
            changed.append(current)
        wanted[key] = current
    Question.objects.bulk_update(changed, QUESTION_FIELDS)
    Question.objects.bulk_create([q for key, q in wanted.items() if key not in existing])
    return wanted


CHOICE_FIELDS = ["label", "description", "is_preferred", "position"]


def _choices_load(demo: DemoPathway, *, questions: dict[str, Question]) -> None:
    wanted = {
        (question.key, choice.value): Choice(
            question=questions[question.key],
            value=choice.value,
            label=choice.label,
            description=choice.description,
            is_preferred=choice.preferred,
            position=(index + 1) * POSITION_STEP,
        )
        for question in demo.questions
        for index, choice in enumerate(question.choices)
    }
    keys = {question.pk: key for key, question in questions.items()}
    existing = {
        (keys[choice.question_id], choice.value): choice
        for choice in Choice.objects.filter(question__in=list(questions.values()))
    }
    stale = [choice.pk for at, choice in existing.items() if at not in wanted]
    Choice.objects.filter(pk__in=stale).delete()
    changed = []
    for at, choice in wanted.items():
        current = existing.get(at)
        if current is not None and _differs(current, choice, CHOICE_FIELDS):
            for name in CHOICE_FIELDS:
                setattr(current, name, getattr(choice, name))
            changed.append(current)
    Choice.objects.bulk_update(changed, CHOICE_FIELDS)
    Choice.objects.bulk_create([choice for at, choice in wanted.items() if at not in existing])


RULE_FIELDS = ["position", "operator", "value", "next_question_id", "outcome"]


def _rules_load(demo: DemoPathway, *, questions: dict[str, Question]) -> None:
    """Replace a question's rules with the described ones, unless they are the same."""
    wanted = {
        question.key: [
            Rule(
                question=questions[question.key],
                position=(index + 1) * POSITION_STEP,
                operator=rule.operator,
                value=rule.value,
                next_question=questions[rule.goto] if rule.goto else None,
                outcome=rule.outcome,
            )
            for index, rule in enumerate(question.rules)
        ]
        for question in demo.questions
    }
    existing: dict[int, list[tuple]] = {}
    for row in (
        Rule.objects.filter(question__in=list(questions.values()))
        .order_by("position", "pk")
        .values_list("question_id", *RULE_FIELDS)
    ):
        existing.setdefault(row[0], []).append(row[1:])
    replaced = [
        questions[key]
        for key, rules in wanted.items()
        if existing.get(questions[key].pk, [])
        != [tuple(getattr(rule, name) for name in RULE_FIELDS) for rule in rules]
    ]
    if not replaced:
        return
    Rule.objects.filter(question__in=replaced).delete()
    Rule.objects.bulk_create([rule for question in replaced for rule in wanted[question.key]])


def _differs(current: object, wanted: object, names: list[str]) -> bool:
    return any(getattr(current, name) != getattr(wanted, name) for name in names)


__all__ = [
    "DEMO_PATHWAYS",
    "DemoChoice",
    "DemoPathway",
    "DemoPathwayError",
    "DemoPathwaysLoad",
    "DemoQuestion",
    "DemoRule",
    "demo_pathway_check",
    "demo_pathways_load",
]
