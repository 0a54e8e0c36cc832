"""The procedure codes of the demo programs, with descriptions written for this project.

CPT descriptors belong to the AMA: the short descriptions here are our own words, and the plain
descriptions are what a member reads in a letter. HCPCS Level II codes that `load_hcpcs` already
loaded keep their CMS descriptions; the demo only links them to programs and adds the plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from eligibility.models import ProcedureCode

CPT = ProcedureCode.Kind.CPT
HCPCS = ProcedureCode.Kind.HCPCS
GROUP = ProcedureCode.Kind.GROUP


@dataclass(frozen=True)
class DemoCode:
    code: str
    kind: str
    programs: tuple[str, ...]
    short: str
    plain: str


def _codes(program: str, kind: str, rows: list[tuple[str, str, str]]) -> list[DemoCode]:
    return [DemoCode(code, kind, (program,), short, plain) for code, short, plain in rows]


RADIOLOGY = _codes(
    "radiology-cardiology",
    CPT,
    [
        (
            "70551",
            "MRI BRAIN W/O CONTRAST",
            "A special kind of picture (MRI) of your brain without contrast (dye)",
        ),
        (
            "70553",
            "MRI BRAIN W/O THEN WITH CONTRAST",
            "A special kind of picture (MRI) of your brain, taken before and after contrast (dye)",
        ),
        (
            "71250",
            "CT CHEST W/O CONTRAST",
            "A computed tomography (CT) scan, a detailed X-ray picture, "
            "of your chest without contrast (dye)",
        ),
        (
            "72141",
            "MRI NECK SPINE W/O CONTRAST",
            "A special kind of picture (MRI) of the bones of your neck without contrast (dye)",
        ),
        (
            "72148",
            "MRI LUMBAR SPINE W/O CONTRAST",
            "Magnetic Resonance Imaging (MRI), a special kind of picture "
            "of your lower back without contrast (dye)",
        ),
        (
            "73221",
            "MRI UPPER EXTREMITY JOINT W/O",
            "A special kind of picture (MRI) of a joint of your arm, "
            "such as the shoulder, without contrast (dye)",
        ),
        (
            "73721",
            "MRI LOWER EXTREMITY JOINT W/O",
            "A special kind of picture (MRI) of a joint of your leg, "
            "such as the knee, without contrast (dye)",
        ),
        (
            "74177",
            "CT ABD AND PELVIS WITH CONTRAST",
            "A computed tomography (CT) scan of your belly and hips with contrast (dye)",
        ),
        (
            "75574",
            "CT HEART ARTERIES W/ CONTRAST",
            "A computed tomography (CT) scan of the blood vessels of "
            "your heart with contrast (dye)",
        ),
        (
            "78452",
            "NUCLEAR HEART PERFUSION MULTI",
            "A nuclear medicine test that shows how blood flows to your "
            "heart, at rest and under stress",
        ),
        (
            "78815",
            "PET/CT SKULL BASE TO MID-THIGH",
            "A PET/CT scan, pictures that show how your body's tissues "
            "work, from your head to your thighs",
        ),
        (
            "93000",
            "ECG ROUTINE WITH REPORT",
            "An electrocardiogram (ECG), a recording of your heart's electrical activity",
        ),
        (
            "93306",
            "ECHO HEART COMPLETE W/ DOPPLER",
            "An echocardiogram, an ultrasound picture of your heart and how blood flows through it",
        ),
        (
            "93350",
            "STRESS ECHO HEART",
            "An ultrasound picture of your heart taken at rest and after exercise or medicine",
        ),
    ],
)

MUSCULOSKELETAL = [
    DemoCode(
        "SPINE",
        GROUP,
        ("musculoskeletal",),
        "SPINE SURGERY",
        "Surgery on your spine (back or neck)",
    ),
    DemoCode(
        "JOINT",
        GROUP,
        ("musculoskeletal",),
        "JOINT SURGERY",
        "Surgery on a joint, such as the knee, hip or shoulder",
    ),
    DemoCode(
        "PAIN",
        GROUP,
        ("musculoskeletal",),
        "INTERVENTIONAL PAIN MANAGEMENT",
        "A procedure to treat pain, such as an injection in your back or neck",
    ),
    *_codes(
        "musculoskeletal",
        CPT,
        [
            (
                "22612",
                "LOW BACK FUSION POSTERIOR 1 LEVEL",
                "Surgery that joins two bones of your lower back, done from the back",
            ),
            (
                "22633",
                "LOW BACK FUSION COMBINED 1 LEVEL",
                "Surgery that joins two bones of your lower back, done from more than one side",
            ),
            ("27130", "HIP REPLACEMENT TOTAL", "Surgery to replace your hip joint"),
            ("27447", "KNEE REPLACEMENT TOTAL", "Surgery to replace your knee joint"),
            (
                "29827",
                "SHOULDER SCOPE CUFF REPAIR",
                "Surgery through small cuts to repair the tendons of your shoulder",
            ),
            (
                "29888",
                "KNEE SCOPE ACL REPAIR",
                "Surgery through small cuts to rebuild a ligament inside your knee",
            ),
            (
                "62323",
                "LOW BACK EPIDURAL INJ W/ IMAGING",
                "A shot of medicine near the nerves of your lower back, guided by imaging",
            ),
            (
                "63030",
                "LOW BACK DISC DECOMPRESSION 1 LVL",
                "Surgery to take pressure off a nerve in your lower back",
            ),
            (
                "64483",
                "LOW BACK NERVE ROOT INJ 1 LEVEL",
                "A shot of medicine next to one nerve root of your lower back, guided by imaging",
            ),
            (
                "64493",
                "LOW BACK FACET JOINT INJ 1 LEVEL",
                "A shot of medicine into a small joint of your lower back, guided by imaging",
            ),
        ],
    ),
]

MEDICAL_ONCOLOGY = _codes(
    "medical-oncology",
    HCPCS,
    [
        (
            "J9035",
            "BEVACIZUMAB INJECTION 10 MG",
            "A cancer medicine (bevacizumab) given into a vein",
        ),
        (
            "J9045",
            "CARBOPLATIN INJECTION 50 MG",
            "A chemotherapy medicine (carboplatin) given into a vein",
        ),
        (
            "J9271",
            "PEMBROLIZUMAB INJECTION 1 MG",
            "An immunotherapy medicine (pembrolizumab) given into a vein",
        ),
        (
            "J9299",
            "NIVOLUMAB INJECTION 1 MG",
            "An immunotherapy medicine (nivolumab) given into a vein",
        ),
        ("J9312", "RITUXIMAB INJECTION 10 MG", "A cancer medicine (rituximab) given into a vein"),
        (
            "J9355",
            "TRASTUZUMAB INJECTION 10 MG",
            "A cancer medicine (trastuzumab) given into a vein",
        ),
    ],
)

RADIATION_THERAPY = _codes(
    "radiation-therapy",
    CPT,
    [
        (
            "77301",
            "IMRT TREATMENT PLANNING",
            "Planning of intensity-modulated radiation therapy, a shaped radiation treatment",
        ),
        (
            "77373",
            "SBRT DELIVERY PER FRACTION",
            "A high-dose, highly focused radiation treatment, per session",
        ),
        (
            "77385",
            "IMRT DELIVERY SIMPLE",
            "Intensity-modulated radiation therapy treatment, simple",
        ),
        (
            "77386",
            "IMRT DELIVERY COMPLEX",
            "Intensity-modulated radiation therapy treatment, complex",
        ),
        ("77522", "PROTON TREATMENT SIMPLE", "Radiation treatment with protons, simple"),
    ],
)

SLEEP = [
    *_codes(
        "sleep",
        CPT,
        [
            (
                "95800",
                "HOME SLEEP STUDY UNATTENDED",
                "A sleep test you do at home that records your breathing and oxygen",
            ),
            ("95810", "SLEEP STUDY IN LAB 4+ SIGNALS", "An overnight sleep test in a sleep center"),
            (
                "95811",
                "SLEEP STUDY IN LAB WITH CPAP",
                "An overnight sleep test in a sleep center while you use a "
                "breathing machine (CPAP)",
            ),
        ],
    ),
    DemoCode(
        "G0399",
        HCPCS,
        ("sleep",),
        "HOME SLEEP TEST 4 CHANNELS",
        "A sleep test you do at home that records four kinds of signals",
    ),
]

DME = [
    DemoCode(
        "DME", GROUP, ("dme",), "DURABLE MEDICAL EQUIPMENT", "Medical equipment for use at home"
    ),
    DemoCode(
        "E0601",
        HCPCS,
        ("dme", "sleep"),
        "CPAP DEVICE",
        "A breathing machine (CPAP) that keeps your airway open while you sleep",
    ),
    *_codes(
        "dme",
        HCPCS,
        [
            (
                "E0260",
                "HOSPITAL BED SEMI-ELECTRIC",
                "A hospital bed for your home with a motor to raise the head and feet",
            ),
            (
                "E0470",
                "BI-LEVEL BREATHING DEVICE",
                "A breathing machine with two pressure levels (BiPAP) for use at home",
            ),
            ("E1390", "OXYGEN CONCENTRATOR", "A machine that gives you extra oxygen at home"),
            ("K0001", "STANDARD WHEELCHAIR", "A standard wheelchair"),
            (
                "L1832",
                "KNEE BRACE ADJUSTABLE PREFAB",
                "A ready-made knee brace with a hinge you can adjust",
            ),
        ],
    ),
]

LAB_MANAGEMENT = _codes(
    "lab-management",
    CPT,
    [
        (
            "81162",
            "BRCA1 BRCA2 GENE FULL ANALYSIS",
            "A genetic test for changes in the BRCA1 and BRCA2 genes",
        ),
        (
            "81445",
            "TUMOR GENE PANEL 5-50 GENES",
            "A genetic test of a tumor that looks at 5 to 50 genes",
        ),
        ("81479", "MOLECULAR PATHOLOGY UNLISTED", "A genetic laboratory test"),
        (
            "81519",
            "BREAST CANCER 21 GENE ASSAY",
            "A test of breast cancer tissue that helps predict how the cancer will behave",
        ),
    ],
)

GASTROENTEROLOGY = _codes(
    "gastroenterology",
    CPT,
    [
        (
            "43239",
            "UPPER GI SCOPE WITH BIOPSY",
            "A look inside your throat, stomach and upper intestine with "
            "a thin tube, with a tissue sample",
        ),
        ("45378", "COLONOSCOPY DIAGNOSTIC", "A look inside your large intestine with a thin tube"),
        (
            "45380",
            "COLONOSCOPY WITH BIOPSY",
            "A look inside your large intestine with a thin tube, with a tissue sample",
        ),
        (
            "91110",
            "CAPSULE CAMERA GI TRACT",
            "A tiny camera in a capsule you swallow that takes pictures of your intestines",
        ),
    ],
)

MEDICAL_SPECIALTY_DRUGS = _codes(
    "medical-specialty-drugs",
    HCPCS,
    [
        (
            "J0585",
            "ONABOTULINUMTOXINA INJ 1 UNIT",
            "A medicine (onabotulinumtoxinA) given as shots",
        ),
        ("J0897", "DENOSUMAB INJECTION 1 MG", "A bone medicine (denosumab) given as a shot"),
        (
            "J1745",
            "INFLIXIMAB INJECTION 10 MG",
            "A medicine for inflammation (infliximab) given into a vein",
        ),
        (
            "J2350",
            "OCRELIZUMAB INJECTION 1 MG",
            "A medicine for multiple sclerosis (ocrelizumab) given into a vein",
        ),
    ],
)

SPECIALTY_DRUGS = _codes(
    "specialty-drugs",
    HCPCS,
    [
        (
            "J0135",
            "ADALIMUMAB INJECTION 20 MG",
            "A medicine for inflammation (adalimumab) given as a shot",
        ),
        (
            "J1300",
            "ECULIZUMAB INJECTION 10 MG",
            "A medicine for rare blood and kidney conditions (eculizumab) given into a vein",
        ),
        (
            "J3357",
            "USTEKINUMAB SUBQ INJECTION 1 MG",
            "A medicine for inflammation (ustekinumab) given as a shot",
        ),
    ],
)

DEMO_CODES: list[DemoCode] = [
    *RADIOLOGY,
    *MUSCULOSKELETAL,
    *MEDICAL_ONCOLOGY,
    *RADIATION_THERAPY,
    *SLEEP,
    *DME,
    *LAB_MANAGEMENT,
    *GASTROENTEROLOGY,
    *MEDICAL_SPECIALTY_DRUGS,
    *SPECIALTY_DRUGS,
]

# (plan, program, code): codes these plans do not review through the portal.
NOT_REQUIRED = {
    ("Evergreen Health Plan", "radiology-cardiology", "93000"),
    ("Prairie Mutual Health", "sleep", "95800"),
}
