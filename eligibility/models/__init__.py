from .codes import DiagnosisCode, ProcedureCode
from .people import Coverage, Member, Practitioner, PractitionerAddress, Site
from .plans import (
    ClosureDate,
    Delegation,
    EligibilityMessage,
    HealthPlan,
    LineOfBusiness,
    PlanContact,
    PriorAuthRule,
    Program,
    ProgramResource,
)

__all__ = [
    "ClosureDate",
    "Coverage",
    "Delegation",
    "DiagnosisCode",
    "EligibilityMessage",
    "HealthPlan",
    "LineOfBusiness",
    "Member",
    "PlanContact",
    "Practitioner",
    "PractitionerAddress",
    "PriorAuthRule",
    "ProcedureCode",
    "Program",
    "ProgramResource",
    "Site",
]
