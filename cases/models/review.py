"""Medical review's records: a reviewer's determination at each status change it makes (the
letters and the metrics read it), the reviewers' notes on a case, and the due-time alerts the
sweeps record (a warning before, a breach after)."""

from django.conf import settings
from django.db import models


class Determination(models.Model):
    """What a reviewer decided at one status change: the outcome, the rationale in plain
    language, the guideline and criterion used, the denial or cancel reason, a hold's checklist
    and due time, the alternative service offered."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        PARTIALLY_APPROVED = "partially_approved", "Partially approved"
        DENIED = "denied", "Denied"
        HOLD = "hold", "Additional information required"
        ALTERNATIVE = "alternative", "Alternative recommendation"
        CANCELLED = "cancelled", "Cancelled"
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"
        PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"

    class DenialReason(models.TextChoices):
        NOT_MEDICALLY_NECESSARY = "not_medically_necessary", "Not medically necessary"
        INSUFFICIENT_INFORMATION = (
            "insufficient_information",
            "The clinical information does not show that the criteria are met",
        )
        EXPERIMENTAL = "experimental", "Experimental or investigational"
        NOT_COVERED = "not_covered", "Not a covered benefit"
        LIMIT_REACHED = "limit_reached", "The frequency or quantity limit is reached"

    class CancelReason(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicate request"
        PROVIDER_REQUEST = "provider_request", "Requested by the provider"
        MEMBER_NOT_ELIGIBLE = "member_not_eligible", "Member not eligible"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="determinations")
    status_event = models.OneToOneField(
        "cases.StatusEvent", on_delete=models.CASCADE, related_name="determination"
    )
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    review_level = models.CharField(max_length=16)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    rationale = models.TextField(blank=True)
    guideline = models.CharField(max_length=200, blank=True)
    criterion = models.CharField(max_length=200, blank=True)
    denial_reason = models.CharField(max_length=32, choices=DenialReason.choices, blank=True)
    cancel_reason = models.CharField(max_length=32, choices=CancelReason.choices, blank=True)
    # A hold's "what is needed" (the checklist's labels as chosen) and its due time.
    hold_checklist = models.JSONField(default=list, blank=True)
    hold_due_at = models.DateTimeField(null=True, blank=True)
    alternative_code = models.ForeignKey(
        "eligibility.ProcedureCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    alternative_accept_by = models.DateField(null=True, blank=True)
    # Decided after the standard time frame was extended (a CMS-0057-F figure).
    extended_time_frame = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "decided_at", "pk"]
        indexes = [models.Index(fields=["decided_at"], name="determination_decided")]

    def __str__(self):
        return f"{self.get_outcome_display()} of {self.case} at {self.decided_at}"


class ReviewNote(models.Model):
    """A reviewer's note on a case, for the other reviewers (the office never sees it)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "created_at", "pk"]

    def __str__(self):
        return f"Note on {self.case} by {self.author} at {self.created_at}"


class DueAlert(models.Model):
    """A case due within the next 24 hours (the queue's leads warned) or past its due time (a
    breach recorded): once per case, due time and kind, whatever the sweeps' retries."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Due within 24 hours"
        BREACH = "breach", "Due time breached"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="due_alerts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "due_at", "kind"], name="due_alert_once_per_due_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.case} due {self.due_at}"
