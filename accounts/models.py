import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in: office staff, reviewers and portal administrators."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class AccessEvent(models.Model):
    """One read of patient data: who, when, what and from where. Rows are never changed."""

    class Action(models.TextChoices):
        LOOKUP = "lookup", "Lookup"
        VIEW = "view", "View"
        LIST = "list", "List"
        PRINT = "print", "Print"
        DOWNLOAD = "download", "Download"
        EXPORT = "export", "Export"

    class SubjectType(models.TextChoices):
        MEMBER = "member", "Member"
        CASE = "case", "Case"
        LETTER = "letter", "Letter"
        UPLOAD = "upload", "Upload"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_events")
    action = models.CharField(max_length=16, choices=Action.choices)
    # What was read, and its primary key.
    subject_type = models.CharField(max_length=16, choices=SubjectType.choices)
    subject_id = models.CharField(max_length=64)
    member = models.ForeignKey(
        "eligibility.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    path = models.CharField(max_length=255)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["member", "-at"], name="access_event_member"),
            models.Index(fields=["user", "-at"], name="access_event_user"),
            models.Index(fields=["subject_type", "subject_id"], name="access_event_subject"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="access_event_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self):
        return f"{self.user} {self.action} {self.subject_type} {self.subject_id} at {self.at}"
