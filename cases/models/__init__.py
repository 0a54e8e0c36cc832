"""The cases app's records: the case and its procedure lines and status events (case.py), its
clinical uploads (uploads.py), the clinical pathways with the answers given to them
(pathways.py), the determinations' letters (letters.py), the requests made after a decision
(post_decision.py) and medical review's determinations, notes and due alerts (review.py)."""

from cases.models.case import Case, ProcedureLine, StatusEvent
from cases.models.letters import Letter
from cases.models.pathways import Answer, Choice, Pathway, Question, Rule
from cases.models.post_decision import PostDecisionRequest
from cases.models.review import Determination, DueAlert, ReviewNote
from cases.models.uploads import Upload

__all__ = [
    "Answer",
    "Case",
    "Choice",
    "Determination",
    "DueAlert",
    "Letter",
    "Pathway",
    "PostDecisionRequest",
    "ProcedureLine",
    "ReviewNote",
    "Question",
    "Rule",
    "StatusEvent",
    "Upload",
]
