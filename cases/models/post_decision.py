from django.conf import settings
from django.db import models


class PostDecisionRequest(models.Model):
    """A request the office makes after a decision, from ALL POST DECISION OPTIONS: a
    reconsideration (re-review, commercial plans) or a first-level appeal. The medical review
    decides it; a case has at most one of each kind."""

    class Kind(models.TextChoices):
        RECONSIDERATION = "reconsideration", "Reconsideration"
        APPEAL = "appeal", "Appeal"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        UPHELD = "upheld", "Upheld"
        OVERTURNED = "overturned", "Overturned"
        PARTIALLY_OVERTURNED = "partially_overturned", "Partially overturned"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="post_decision_requests"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.RECEIVED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    contact_name = models.CharField(max_length=120)
    contact_phone = models.CharField(max_length=10)
    reason = models.TextField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["case", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="post_decision_once_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.case} ({self.get_status_display()})"
