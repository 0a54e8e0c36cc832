"""Health plans and what they delegate: programs, lines of business, rules and contacts."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from eligibility.validators import validate_phone


class HealthPlan(models.Model):
    """An insurer whose members' prior authorizations the portal handles."""

    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class LineOfBusiness(models.Model):
    """Commercial, Medicare Advantage or Medicaid: the post-decision options depend on it."""

    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", "Commercial"
        MEDICARE = "medicare", "Medicare Advantage"
        MEDICAID = "medicaid", "Medicaid"

    kind = models.CharField(max_length=16, choices=Kind.choices, unique=True)
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "lines of business"

    def __str__(self):
        return self.name


class Program(models.Model):
    """A clinical area ("solution") a plan may delegate, e.g. Radiology and Cardiology."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    display_order = models.PositiveSmallIntegerField(default=100)
    description = models.TextField(blank=True)
    # How the case-build wizard treats the program.
    offers_follow_on_cases = models.BooleanField(
        "offers date extensions and continuing care",
        default=False,
        help_text='Musculoskeletal: the "Attention!" question (Date Extension / Continuing Care / '
        "Continue to Build a New Case) before the provider.",
    )
    is_equipment = models.BooleanField(
        "equipment program",
        default=False,
        help_text="DME: referring physician or supplier, place of service 12 - Home, and the "
        "attestation before lock-in.",
    )
    secondary_diagnosis_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name


class Delegation(models.Model):
    """A plan delegates one program for one line of business, from a date, with its rules."""

    health_plan = models.ForeignKey(
        HealthPlan, on_delete=models.CASCADE, related_name="delegations"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="delegations")
    line_of_business = models.ForeignKey(
        LineOfBusiness, on_delete=models.PROTECT, related_name="delegations"
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Empty: no end date.")
    validity_days = models.PositiveIntegerField(
        default=45,
        validators=[MinValueValidator(1)],
        help_text="How long an approval is valid, in days from the determination.",
    )
    standard_decision_days = models.PositiveIntegerField(
        default=7, validators=[MinValueValidator(1)]
    )
    decision_days_are_business_days = models.BooleanField(
        default=False, help_text="Count the standard time limit in business days."
    )
    urgent_decision_hours = models.PositiveIntegerField(
        default=72, validators=[MinValueValidator(1)]
    )
    retrospective_window_days = models.PositiveIntegerField(
        default=30, help_text="Days after the date of service a retrospective request is allowed."
    )
    hold_response_days = models.PositiveIntegerField(
        default=14,
        db_default=14,
        validators=[MinValueValidator(1)],
        help_text=(
            "Days the office has to send what a hold (Additional Information Required) asks "
            "for, counted as the standard time limit is; an urgent case's hold is due within "
            "the urgent hours. The decision's time frame is extended by the hold."
        ),
    )
    reconsideration_allowed = models.BooleanField(default=True)
    appeal_window_days = models.PositiveIntegerField(
        default=180, help_text="Days after the determination within which an appeal is accepted."
    )
    appeal_instructions = models.TextField(
        blank=True,
        help_text="The plan's appeal instructions, shown with the post-decision options.",
    )
    p2p_allowed = models.BooleanField("P2P allowed", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["health_plan__name", "program__display_order", "line_of_business__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["health_plan", "program", "line_of_business", "effective_from"],
                name="delegation_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="delegation_dates_in_order",
                violation_error_message="The end date is before the start date.",
            ),
            models.CheckConstraint(condition=Q(validity_days__gt=0), name="delegation_validity"),
        ]
        indexes = [
            models.Index(
                fields=["health_plan", "line_of_business", "effective_from"],
                name="delegation_plan_lob_start",
            )
        ]

    def __str__(self):
        return f"{self.health_plan} · {self.program} · {self.line_of_business}"

    def clean(self):
        # PostgreSQL cannot exclude overlapping ranges on foreign keys without btree_gist,
        # which the embedded server does not ship; the admin form checks overlaps here.
        if not (self.health_plan_id and self.program_id and self.line_of_business_id):
            return
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "The end date is before the start date."})
        overlapping = Delegation.objects.filter(
            health_plan_id=self.health_plan_id,
            program_id=self.program_id,
            line_of_business_id=self.line_of_business_id,
        ).exclude(pk=self.pk)
        if self.effective_to:
            overlapping = overlapping.filter(effective_from__lte=self.effective_to)
        overlapping = overlapping.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )
        if overlapping.exists():
            raise ValidationError(
                "This plan already delegates this program for this line of business "
                "on some of these dates."
            )

    def is_active_on(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class EligibilityMessage(models.Model):
    """One line the Eligibility Lookup shows for a delegation, e.g. "Radiology Eligibility:
    Precertification is Required"."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="eligibility_messages"
    )
    service = models.CharField(max_length=60, help_text='Shown as "<service> Eligibility:".')
    message = models.CharField(max_length=200, default="Precertification is Required")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "service"], name="eligibility_message_unique_service"
            )
        ]

    def __str__(self):
        return f"{self.service} Eligibility: {self.message}"


class PriorAuthRule(models.Model):
    """Whether a procedure code needs prior authorization under a delegation. A code of the
    program without a rule needs it."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="prior_auth_rules"
    )
    procedure_code = models.ForeignKey(
        "eligibility.ProcedureCode", on_delete=models.PROTECT, related_name="prior_auth_rules"
    )
    requires_prior_authorization = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "procedure_code"], name="prior_auth_rule_unique_code"
            )
        ]

    def __str__(self):
        needed = "required" if self.requires_prior_authorization else "not required"
        return f"{self.procedure_code}: prior authorization {needed}"


class PlanContact(models.Model):
    """ "Find Contact Information": the numbers to call or fax for a plan and a solution."""

    health_plan = models.ForeignKey(HealthPlan, on_delete=models.CASCADE, related_name="contacts")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="contacts")
    phone = models.CharField(max_length=10, validators=[validate_phone])
    fax = models.CharField(max_length=10, validators=[validate_phone])
    hours = models.CharField(max_length=120, default="7:00 a.m. to 7:00 p.m. local time, Mon-Fri")
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["health_plan__name", "program__display_order"]
        constraints = [
            models.UniqueConstraint(fields=["health_plan", "program"], name="plan_contact_unique")
        ]

    def __str__(self):
        return f"{self.health_plan} · {self.program}"


class ProgramResource(models.Model):
    """A clinical guideline, worksheet or code list for a program (and optionally one plan)."""

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Clinical guideline"
        WORKSHEET = "worksheet", "Clinical worksheet"
        CODE_LIST = "code_list", "Code list"
        FAQ = "faq", "Frequently asked questions"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="resources")
    health_plan = models.ForeignKey(
        HealthPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        help_text="Empty: shown for every plan.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField()

    class Meta:
        ordering = ["program__display_order", "kind", "title"]

    def __str__(self):
        return self.title


class ClosureDate(models.Model):
    """A day the reviewers do not work besides US federal holidays (for business-day counts)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=120)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%m/%d/%Y} {self.reason}"
