"""Medical review: the reviewers' queue, the case screen, the determinations (one service per
transition) and the due-time sweeps."""
