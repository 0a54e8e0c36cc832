"""Clinical pathways, configured in Django admin: a pathway's questions in order, their
choices, the rules that branch to another question or end with an outcome, and the answers a
case gave."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Outcome(models.TextChoices):
    APPROVE = "approve", "Criteria met: approve now"
    REVIEW = "review", "Criteria not met or unknown: medical review"
    REVIEW_P2P = "review_p2p", "Non-preferred regimen: medical review, P2P required"
    REVIEW_CUSTOM = "review_custom", "Custom treatment plan: medical review"


class Pathway(models.Model):
    """The clinical questions of a program, or of some of its procedure codes (a pathway with
    codes is chosen for them before the program's pathway without codes)."""

    program = models.ForeignKey("eligibility.Program", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    procedure_codes = models.ManyToManyField(
        "eligibility.ProcedureCode",
        blank=True,
        related_name="+",
        help_text="Empty: the pathway of every code of the program that has none of its own.",
    )
    default_outcome = models.CharField(
        max_length=16,
        choices=Outcome.choices,
        default=Outcome.REVIEW,
        help_text="The outcome when the questions end without a rule's outcome.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="pathway_unique_name")
        ]

    def __str__(self):
        return f"{self.program} · {self.name}"


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", "Yes / No"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Choose all that apply"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        TEXT = "text", "Free text"
        CODE_UNITS = "code_units", "Code and units (repeatable)"
        REGIMEN = "regimen", "Regimen table"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60, help_text="Names the question in rules and answers.")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    help_text = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    required = models.BooleanField(default=True)
    min_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_repeats = models.PositiveSmallIntegerField(
        default=10, help_text="Code and units: how many codes at most."
    )

    class Meta:
        ordering = ["pathway", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "key"], name="question_unique_key"),
            models.UniqueConstraint(
                fields=["pathway", "position"], name="question_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    value = models.SlugField(max_length=60)
    label = models.CharField(max_length=255)
    description = models.TextField(blank=True, help_text="Regimen table: the regimen's details.")
    is_preferred = models.BooleanField(
        default=False, help_text="Regimen table: a preferred option, shown with a check mark."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value")
        ]

    def __str__(self):
        return self.label


class Rule(models.Model):
    """After its question is answered, a pathway's rules are tried in position order: the first
    that matches sends to another question or ends the pathway with an outcome. When none
    matches, the next question by position follows (after the last: the default outcome)."""

    class Operator(models.TextChoices):
        ANY = "any", "any answer"
        IS = "is", "is"
        IS_NOT = "is_not", "is not"
        INCLUDES = "includes", "includes"
        EXCLUDES = "excludes", "does not include"
        LESS_THAN = "lt", "is less than"
        AT_MOST = "lte", "is at most"
        MORE_THAN = "gt", "is more than"
        AT_LEAST = "gte", "is at least"
        PREFERRED = "preferred", "is a preferred regimen"
        NOT_PREFERRED = "not_preferred", "is not a preferred regimen"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(default=0)
    operator = models.CharField(max_length=16, choices=Operator.choices)
    value = models.CharField(max_length=60, blank=True)
    next_question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(next_question__isnull=False) & Q(outcome=""))
                | (Q(next_question__isnull=True) & ~Q(outcome="")),
                name="rule_goes_to_a_question_or_an_outcome",
                violation_error_message="A rule goes to a next question or ends with an outcome.",
            )
        ]

    def __str__(self):
        then = self.next_question or self.get_outcome_display()
        return f"If {self.get_operator_display()} {self.value}: {then}"


class Answer(models.Model):
    """A case's answer to one question, as given (a string, a list of choices, a number, a date,
    or rows of code and units), saved as soon as it is given."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.JSONField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "question"], name="answer_once_per_question")
        ]

    def __str__(self):
        return f"{self.question.key}: {self.value}"
