"""The cases app's records: the case and its procedure lines and status events (case.py), its
clinical uploads (uploads.py), and the clinical pathways with the answers given to them
(pathways.py)."""

from cases.models.case import Case, ProcedureLine, StatusEvent
from cases.models.pathways import Answer, Choice, Pathway, Question, Rule
from cases.models.uploads import Upload

__all__ = [
    "Answer",
    "Case",
    "Choice",
    "Pathway",
    "ProcedureLine",
    "Question",
    "Rule",
    "StatusEvent",
    "Upload",
]
