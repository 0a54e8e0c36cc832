import uuid

from django.conf import settings
from django.db import models


def upload_path(upload: "Upload", filename: str) -> str:
    """A random name under uploads/, never the name the user gave (kept in original_name)."""
    return f"uploads/{upload.case_id}/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A clinical document of a case: checked by its content before it is kept, stored under a
    random name outside any public URL, served only to the office and the reviewers."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", "PNG"
        DOC = "doc", "DOC"
        DOCX = "docx", "DOCX"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The upload that came with the urgency question (the case is urgent only with one).
    for_urgency = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    # A supporting record sent with a reconsideration or appeal request.
    post_decision_request = models.ForeignKey(
        "cases.PostDecisionRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="uploads",
    )

    class Meta:
        ordering = ["case", "uploaded_at", "pk"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="upload_case_time")]

    def __str__(self):
        return f"{self.original_name} ({self.get_kind_display()}, {self.size} bytes)"
