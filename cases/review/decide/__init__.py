"""The decision panel of the reviewer's case screen: the forms a reviewer uses to call the
determination services (cases.review.decisions, cases.review.holds): forms.py (the inputs),
panel.py (which forms a reviewer gets for a case), views.py (one POST view per form)."""
