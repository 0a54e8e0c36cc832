import uuid

from django.db import models


def letter_path(letter: "Letter", filename: str) -> str:
    """A random name under letters/, outside any public URL (served only through the portal)."""
    return f"letters/{letter.case_id}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """The letter of one determination (a status event) to one recipient: a PDF rendered once,
    after the determination's transaction commits. One per event and recipient, whatever
    retries a worker makes. A P2P confirmation has no status event: the appointment's
    confirmation (p2p.AppointmentConfirmation) holds its one letter."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", "Approval"
        PARTIAL_APPROVAL = "partial_approval", "Partial approval"
        DENIAL = "denial", "Denial"
        HOLD = "hold", "Additional information required"
        ALTERNATIVE = "alternative", "Alternative recommendation"
        CANCELLATION = "cancellation", "Cancellation"
        RECONSIDERATION = "reconsideration", "Reconsideration outcome"
        APPEAL = "appeal", "Appeal outcome"
        P2P_CONFIRMATION = "p2p_confirmation", "P2P confirmation"

    class Recipient(models.TextChoices):
        PROVIDER = "provider", "Ordering provider"
        MEMBER = "member", "Member"

    class Delivery(models.TextChoices):
        # The provider's letters are under Correspondence at once, whatever the delivery.
        EMAIL_NOTICE = "email_notice", "Portal, with an e-mail notice"
        FAX = "fax", "Fax queue"
        MAIL = "mail", "Mail queue"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    status_event = models.ForeignKey(
        "cases.StatusEvent",
        on_delete=models.PROTECT,
        related_name="letters",
        null=True,
        blank=True,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.CharField(max_length=10, choices=Recipient.choices)
    delivery = models.CharField(max_length=16, choices=Delivery.choices)
    file = models.FileField(upload_to=letter_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # The delivery's progress: the e-mail notice sent, the fax sent, the letter mailed.
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    faxed_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_event", "recipient"], name="letter_once_per_event_recipient"
            ),
            # Only a P2P confirmation is not about a status change.
            models.CheckConstraint(
                condition=models.Q(status_event__isnull=False) | models.Q(kind="p2p_confirmation"),
                name="letter_of_a_status_event",
                violation_error_message="A determination's letter needs its status event.",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "created_at"], name="letter_case_time"),
            models.Index(
                fields=["delivery", "created_at"],
                name="letter_queue_waiting",
                condition=models.Q(faxed_at__isnull=True, mailed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} letter to the {self.get_recipient_display().lower()}"
