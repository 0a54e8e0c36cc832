"""Code sets: procedures (CPT, HCPCS Level II, the decks' grouped codes) and ICD-10-CM."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models


class ProcedureCode(models.Model):
    """A code a case may request: CPT (with our own short description), HCPCS Level II, or a
    grouped code of the decks such as SPINE, JOINT or DME."""

    class Kind(models.TextChoices):
        CPT = "cpt", "CPT"
        HCPCS = "hcpcs", "HCPCS Level II"
        GROUP = "group", "Grouped code"

    # "C" collation: code order is byte order, and a prefix search walks the unique index.
    code = models.CharField(max_length=12, unique=True, db_collation="C")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    short_description = models.CharField(max_length=100)
    long_description = models.TextField(blank=True)
    plain_description = models.CharField(
        max_length=255,
        blank=True,
        help_text="The plain-language description members read in their letters.",
    )
    programs = models.ManyToManyField("eligibility.Program", related_name="procedure_codes")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.short_description}"


class DiagnosisCode(models.Model):
    """An ICD-10-CM code. Only billable codes may be chosen on a case."""

    code = models.CharField(
        max_length=8, unique=True, db_collation="C", help_text="With its dot, e.g. R68.89."
    )
    description = models.CharField(max_length=255)
    is_billable = models.BooleanField()
    # Both dictionaries: "simple" keeps whole words so a partly typed word ("hypertensi") is a
    # prefix of what is indexed; "english" stems, so "fractures" still finds "fracture".
    search_vector = models.GeneratedField(
        expression=SearchVector("description", config="simple")
        + SearchVector("description", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(
                fields=["code"], name="diagnosis_code_prefix", opclasses=["text_pattern_ops"]
            ),
            GinIndex(fields=["search_vector"], name="diagnosis_search_vector"),
        ]

    def __str__(self):
        return f"{self.code} {self.description}"
