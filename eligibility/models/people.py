"""Members and their coverage, practitioners and their addresses, sites of service."""

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from eligibility.us_states import US_STATES
from eligibility.validators import validate_npi, validate_phone, validate_tin, validate_zip_code


class Address(models.Model):
    address1 = models.CharField("address", max_length=120)
    address2 = models.CharField("address line 2", max_length=120, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=US_STATES)
    zip_code = models.CharField("ZIP code", max_length=10, validators=[validate_zip_code])

    class Meta:
        abstract = True

    @property
    def city_state_zip(self) -> str:
        return f"{self.city}, {self.state} {self.zip_code}"


class Member(Address):
    """A person covered by a health plan, known by the plan's patient (member) ID."""

    class Gender(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Unknown"

    health_plan = models.ForeignKey(
        "eligibility.HealthPlan", on_delete=models.PROTECT, related_name="members"
    )
    patient_id = models.CharField("patient ID", max_length=20)
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices)
    phone = models.CharField(max_length=10, blank=True, validators=[validate_phone])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # No default ordering: a million members sorted by name on every unordered query.
        constraints = [
            models.UniqueConstraint(
                fields=["health_plan", "patient_id"], name="member_unique_patient_id"
            )
        ]
        indexes = [
            models.Index(Upper("last_name"), "date_of_birth", name="member_name_dob"),
            # Certification Summary's Member Last Name filter: a prefix in any collation,
            # answered from the index alone.
            models.Index(
                OpClass(Upper("last_name"), name="text_pattern_ops"),
                include=["id", "last_name"],
                name="member_last_name_prefix",
            ),
        ]

    def __str__(self):
        return f"{self.last_name}, {self.first_name} ({self.patient_id})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Coverage(models.Model):
    """A member's enrolment in a line of business of their plan, between two dates."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="coverages")
    line_of_business = models.ForeignKey(
        "eligibility.LineOfBusiness", on_delete=models.PROTECT, related_name="coverages"
    )
    member_code = models.CharField(max_length=20, help_text="The plan's benefit-plan code.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Empty: no end date.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="coverage_dates_in_order",
                violation_error_message="The coverage end date is before its start date.",
            ),
            models.UniqueConstraint(
                fields=["member", "line_of_business", "effective_from"],
                name="coverage_unique_start",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.line_of_business} from {self.effective_from}"

    def is_active_on(self, day) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Practitioner(models.Model):
    """An ordering (requesting) provider, identified by a National Provider Identifier."""

    npi = models.CharField("NPI", max_length=10, unique=True, validators=[validate_npi])
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    credentials = models.CharField(max_length=20, blank=True, help_text="MD, DO, NP, PA…")
    specialty = models.CharField(max_length=80, blank=True)
    tin = models.CharField("TIN", max_length=10, blank=True, validators=[validate_tin])
    phone = models.CharField(max_length=10, validators=[validate_phone])
    fax = models.CharField(max_length=10, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(Upper("last_name"), name="practitioner_last_name"),
            models.Index(fields=["tin"], name="practitioner_tin"),
            models.Index(
                OpClass(Upper("last_name"), name="text_pattern_ops"),
                include=["id", "last_name"],
                name="practitioner_last_name_prefix",
            ),
        ]

    def __str__(self):
        credentials = f", {self.credentials}" if self.credentials else ""
        return f"{self.last_name}, {self.first_name}{credentials} ({self.npi})"


class PractitionerAddress(Address):
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="addresses"
    )
    phone = models.CharField(max_length=10, blank=True, validators=[validate_phone])
    fax = models.CharField(max_length=10, blank=True, validators=[validate_phone])
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "address1"]
        verbose_name_plural = "practitioner addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "address1", "zip_code"],
                name="practitioner_address_unique",
            ),
            models.UniqueConstraint(
                fields=["practitioner"],
                condition=Q(is_primary=True),
                name="practitioner_one_primary_address",
            ),
        ]
        indexes = [models.Index(fields=["state", "zip_code"], name="practitioner_addr_state_zip")]

    def __str__(self):
        return f"{self.address1}, {self.city_state_zip}"


class Site(Address):
    """A site of service (rendering facility)."""

    class PlaceOfService(models.TextChoices):
        OFFICE = "11", "11 - Office"
        HOME = "12", "12 - Home"
        ASC = "24", "24 - Ambulatory Surgical Center"
        INPATIENT = "21", "21 - Inpatient Hospital"
        OUTPATIENT_OFF_CAMPUS = "19", "19 - Off Campus-Outpatient Hospital"
        OUTPATIENT = "22", "22 - On Campus-Outpatient Hospital"
        INDEPENDENT_CLINIC = "49", "49 - Independent Clinic"
        INDEPENDENT_LAB = "81", "81 - Independent Laboratory"

    npi = models.CharField("NPI", max_length=10, validators=[validate_npi])
    tin = models.CharField("TIN", max_length=10, blank=True, validators=[validate_tin])
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=10, validators=[validate_phone])
    fax = models.CharField(max_length=10, blank=True, validators=[validate_phone])
    place_of_service = models.CharField(
        max_length=2, choices=PlaceOfService.choices, default=PlaceOfService.OUTPATIENT
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["npi", "address1", "zip_code"], name="site_unique_location"
            )
        ]
        indexes = [
            models.Index(fields=["npi"], name="site_npi"),
            models.Index(fields=["tin"], name="site_tin"),
            models.Index(fields=["zip_code"], name="site_zip"),
            models.Index(Upper("name"), name="site_name"),
            models.Index(
                OpClass(Upper("name"), name="text_pattern_ops"),
                include=["id", "name"],
                name="site_name_prefix",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.npi})"
