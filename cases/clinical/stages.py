"""The clinical phase after lock-in, stage by stage: "Is this case Routine/Standard?" (and the
clinical upload), the pathway's questions, the additional information, then the attestation
and SUBMIT CASE; after submission the summary. Each stage is one URL (cases:clinical-<name>);
`current_stage` says where a case stands, and a stage before it may still be revisited until
the case is submitted."""

from __future__ import annotations

from cases.models import Case

STAGES = ("urgency", "question", "additional", "submit")


def current_stage(case: Case) -> str:
    """The first stage not done; "summary" once submitted."""
    if case.submitted_at is not None:
        return "summary"
    if not case.urgency_done:
        return "urgency"
    if _questions_pending(case):
        return "question"
    if not case.additional_info:
        return "additional"
    return "submit"


def _questions_pending(case: Case) -> bool:
    # The questions stage chooses the pathway and sets the outcome when its walk ends (a
    # program without a pathway ends at once, with medical review).
    return not case.pathway_outcome


def stage_reachable(case: Case, stage: str) -> bool:
    """A stage opens once the stages before it are done, until the case is submitted."""
    if case.submitted_at is not None or not case.is_locked:
        return False
    order = list(STAGES)
    return order.index(stage) <= order.index(current_stage(case))


__all__ = ["STAGES", "current_stage", "stage_reachable"]
