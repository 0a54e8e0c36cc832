"""A case: one prior-authorization request, from the first wizard step (a draft) to its
decision. Only the services in cases/ write `status`, one function per transition, each with
its StatusEvent."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models.pathways import Outcome
from eligibility.validators import validate_phone, validate_phone_ext


class UrgencyCriterion(models.TextChoices):
    JEOPARDIZE = (
        "jeopardize",
        (
            "A delay in care could seriously jeopardize the life or health of the patient or "
            "patient's ability to regain maximum function."
        ),
    )
    SEVERE_PAIN = (
        "severe_pain",
        (
            "A delay in care would subject the member to severe pain that cannot be adequately "
            "managed without the care or treatment requested in the prior authorization."
        ),
    )
    NONE = "none", "None of the above"


class AdditionalInfo(models.TextChoices):
    """ "Is there any additional information specific to the member's condition you would like
    to provide?" """

    UPLOAD = "upload", "I would like to upload a document after the survey (Recommended)"
    NOTES = "notes", "I would like to enter additional notes in the space provided"
    BOTH = "both", "I would like to upload a document and enter additional notes"
    NONE = "none", "I have no additional information to provide at this time"


class Case(models.Model):
    class Status(models.TextChoices):
        # As the office sees them (DESIGN.md, "Status values"); reviewers see finer levels.
        DRAFT = "draft", "In Progress"
        EXPIRED = "expired", "Expired"
        IN_REVIEW = "in_review", "Pending"
        HOLD = "hold", "Additional Information Required"
        APPROVED = "approved", "Approved"
        PARTIALLY_APPROVED = "partially_approved", "Partially Approved"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"

    class ReviewLevel(models.TextChoices):
        # The finer level a reviewer sees of a case in review (the office sees "Pending").
        INITIAL = "initial", "Initial review"
        RECONSIDERATION = "reconsideration", "Reconsideration"
        APPEAL = "appeal", "Appeal"
        RETROSPECTIVE = "retrospective", "Retrospective review"

    class BuildKind(models.TextChoices):
        NEW = "new", "Continue to Build a New Case"
        DATE_EXTENSION = "date_extension", "Date Extension"
        CONTINUING_CARE = "continuing_care", "Continuing Care"

    class DmeRole(models.TextChoices):
        REFERRING_PHYSICIAN = "referring_physician", "Referring physician"
        DME_SUPPLIER = "dme_supplier", "Durable medical equipment provider"

    # The opaque id of every URL: no patient data, nothing to count.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_created",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The token of the "Request an Authorization" form that started the draft: a double POST
    # of that form finds the draft it already started instead of starting a second one.
    start_token = models.UUIDField(null=True, blank=True, editable=False)
    # A draft never submitted expires then (the end of its second business day).
    expires_at = models.DateTimeField(null=True, blank=True)

    # Program, and how the case is built.
    program = models.ForeignKey(
        "eligibility.Program", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    build_kind = models.CharField(
        max_length=20, choices=BuildKind.choices, default=BuildKind.NEW, blank=True
    )
    build_kind_chosen = models.BooleanField(default=False)
    source_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_on_cases",
        help_text="The approved case a date extension or continuing care starts from.",
        db_index=False,
    )
    dme_role = models.CharField(max_length=20, choices=DmeRole.choices, blank=True)

    # Requesting (ordering) provider and insurer.
    practitioner = models.ForeignKey(
        "eligibility.Practitioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    health_plan = models.ForeignKey(
        "eligibility.HealthPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    practitioner_address = models.ForeignKey(
        "eligibility.PractitionerAddress",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    # Add Your Contact Info (for this request only).
    contact_saved = models.BooleanField(default=False)
    contact_provider_name = models.CharField("Provider's Name", max_length=120, blank=True)
    contact_name = models.CharField("Who to Contact", max_length=120, blank=True)
    contact_fax = models.CharField("Fax", max_length=10, blank=True, validators=[validate_phone])
    contact_phone = models.CharField(
        "Phone", max_length=10, blank=True, validators=[validate_phone]
    )
    contact_phone_ext = models.CharField(
        "Ext.", max_length=8, blank=True, validators=[validate_phone_ext]
    )
    contact_cell_phone = models.CharField(
        "Cell Phone", max_length=10, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField("Email", blank=True)
    notify_by_email = models.BooleanField(
        "Receive notification of case status changes", default=True
    )

    # Date of service; a service already performed makes a retrospective request.
    date_of_service = models.DateField(null=True, blank=True)
    service_performed = models.BooleanField(null=True, blank=True)

    # Patient.
    member = models.ForeignKey(
        "eligibility.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    coverage = models.ForeignKey(
        "eligibility.Coverage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    delegation = models.ForeignKey(
        "eligibility.Delegation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    patient_contact_saved = models.BooleanField(default=False)
    patient_cell_phone = models.CharField(
        "Patient Cell Phone", max_length=10, blank=True, validators=[validate_phone]
    )
    patient_email = models.EmailField("Patient Email", blank=True)

    # Requested service + diagnosis.
    primary_diagnosis = models.ForeignKey(
        "eligibility.DiagnosisCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    secondary_diagnosis = models.ForeignKey(
        "eligibility.DiagnosisCode",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    is_bilateral = models.BooleanField(null=True, blank=True)
    service_confirmed = models.BooleanField(default=False)

    # Site of service.
    rendered_in_office = models.BooleanField(null=True, blank=True)
    site = models.ForeignKey(
        "eligibility.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    site_email = models.EmailField("Site Email", blank=True)
    place_of_service = models.CharField(max_length=2, blank=True)

    # Lock-in: after it nothing above can change.
    dme_attested = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)

    # The clinical phase. "Is this case Routine/Standard?" (None: not answered yet); for NO the
    # urgency criterion, and the case is urgent only with a successful upload.
    is_routine = models.BooleanField(null=True, blank=True)
    urgency_criterion = models.CharField(
        max_length=20, choices=UrgencyCriterion.choices, blank=True
    )
    is_urgent = models.BooleanField(default=False)
    urgency_done = models.BooleanField(default=False)
    pathway = models.ForeignKey(
        "cases.Pathway",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # Set when the pathway's questions end: the outcome the submission decides by.
    pathway_outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    additional_info = models.CharField(max_length=20, choices=AdditionalInfo.choices, blank=True)
    notes = models.TextField(blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)

    # Submission and the decision (numbers from database sequences).
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Unique (the constraint case_number_unique), in the "C" collation: its one index serves
    # both a case number and the first digits of one (Certification Summary's search).
    case_number = models.CharField(  # noqa: DJ001 -- None until submitted, not ""
        max_length=12, null=True, blank=True, db_collation="C"
    )
    # None until decided (not ""): unique among the cases that have one (the constraint
    # case_authorization_number), in the "C" collation as the case number.
    authorization_number = models.CharField(  # noqa: DJ001
        max_length=12, null=True, blank=True, db_collation="C"
    )
    review_date = models.DateField(null=True, blank=True)
    expiration_date = models.DateField(null=True, blank=True)
    # When the medical review's decision is due (urgent 72 hours, standard 7 days by default).
    due_at = models.DateTimeField(null=True, blank=True)
    p2p_required = models.BooleanField("P2P required", default=False)
    # Medical review (written by the review services only). The database defaults keep the
    # bench's bulk INSERT ... SELECT loaders, which name only the columns they fill, working.
    review_level = models.CharField(
        max_length=16, choices=ReviewLevel.choices, blank=True, default="", db_default=""
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # A nurse reviewer escalated it: only a medical director decides it now.
    needs_medical_director = models.BooleanField(default=False, db_default=False)
    hold_due_at = models.DateTimeField(null=True, blank=True)
    information_received_at = models.DateTimeField(null=True, blank=True)
    # The hold's due time passed without the information: decide on the original submission.
    decide_on_original = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "start_token"], name="case_started_once_per_token"
            ),
            models.UniqueConstraint(fields=["case_number"], name="case_number_unique"),
            # Only decided cases have an authorization number: the cases in review have no
            # entry in its index.
            models.UniqueConstraint(
                fields=["authorization_number"],
                condition=Q(authorization_number__isnull=False),
                name="case_authorization_number",
            ),
        ]
        # A case's row has few indexes, each one a read needs: a status change writes an entry
        # in every one of them (about 1 s per index in the 100,000-case hold sweep). Its foreign
        # keys have none of their own (db_index=False): an office's, a member's and a
        # practitioner's cases are found through the indexes below, a program's through the
        # review queue's; the other keys are only read the other way (deleting a code, a site
        # or a user: rare, and checked by a scan).
        indexes = [
            # The office's cases by status (the worklist's drafts and Finish Later).
            models.Index(fields=["office", "status", "-created_at"], name="case_office_status"),
            models.Index(
                fields=["expires_at"],
                condition=Q(status="draft"),
                name="case_draft_expiry",
            ),
            # Certification Summary and My Worklist: an office's submitted cases newest first,
            # with the columns their filters read (index-only scans).
            models.Index(
                fields=["office", "-submitted_at"],
                include=[
                    "id",
                    "status",
                    "case_number",
                    "authorization_number",
                    "member",
                    "practitioner",
                    "site",
                    "expiration_date",
                ],
                condition=Q(submitted_at__isnull=False),
                name="case_office_submitted",
            ),
            # Their Member Last Name and Ordering Provider filters within one office, and any
            # read of a member's or a practitioner's cases (drafts too).
            models.Index(
                fields=["member", "office", "-submitted_at"],
                include=["id"],
                name="case_member_submitted",
            ),
            models.Index(
                fields=["practitioner", "office", "-submitted_at"],
                include=["id"],
                name="case_practitioner_submitted",
            ),
            # A date extension's or continuing care's source (few cases have one).
            models.Index(
                fields=["source_case"],
                condition=Q(source_case__isnull=False),
                name="case_source",
            ),
            # The medical review queue (in review or on hold, urgent first, by due time) and
            # "Take next case" (the first unassigned case in review of the reviewer's programs).
            # Keyed by program first: a reviewer's reads pass no other program's cases, and
            # each program's cases are read in the queue's order (merged after).
            models.Index(
                fields=["program", "-is_urgent", "due_at"],
                # Everything the queue's filters and count read, so they never touch the
                # table's rows (an index-only scan).
                include=[
                    "id",
                    "assigned_to",
                    "status",
                    "review_level",
                    "information_received_at",
                    "decide_on_original",
                    "needs_medical_director",
                ],
                condition=Q(status__in=["in_review", "hold"], submitted_at__isnull=False),
                name="case_review_queue",
            ),
            # The hold sweep's ranges: held cases in (hold due time, id) order.
            models.Index(
                fields=["hold_due_at", "id"], condition=Q(status="hold"), name="case_hold_due"
            ),
        ]

    def __str__(self):
        return f"Case {self.public_id}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def last_day(self):
        """The last day the draft can be finished (it expires at that day's midnight)."""
        if self.expires_at is None:
            return None
        return timezone.localtime(self.expires_at - dt.timedelta(microseconds=1)).date()

    @property
    def is_retrospective(self) -> bool:
        return bool(self.service_performed)

    @property
    def primary_procedure_line(self) -> "ProcedureLine | None":
        # Reads the prefetched lines when the caller prefetched them.
        return next((line for line in self.procedure_lines.all() if line.position == 1), None)

    @property
    def has_primary_procedure(self) -> bool:
        return self.primary_procedure_line is not None


class ProcedureLine(models.Model):
    """One requested code: quantity requested (and, once decided, approved) and modifiers.
    The wizard's primary procedure is position 1."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="procedure_lines")
    position = models.PositiveSmallIntegerField(default=1)
    procedure_code = models.ForeignKey(
        "eligibility.ProcedureCode", on_delete=models.PROTECT, related_name="+"
    )
    quantity_requested = models.PositiveIntegerField(default=1)
    quantity_approved = models.PositiveIntegerField(null=True, blank=True)
    modifiers = models.CharField(max_length=20, blank=True)

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    # The line's own decision (a partial approval decides each line).
    decision = models.CharField(
        max_length=8, choices=Decision.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="procedure_line_position"),
            models.CheckConstraint(
                condition=Q(quantity_requested__gte=1), name="procedure_line_quantity"
            ),
        ]
        indexes = [
            # Certification Summary's Procedure Code filter: the primary lines of a code.
            models.Index(
                fields=["procedure_code", "case"],
                condition=Q(position=1),
                name="procedure_line_primary_code",
            ),
        ]

    def __str__(self):
        return f"{self.procedure_code.code} x {self.quantity_requested}"


class StatusEvent(models.Model):
    """One change of a case's status: from, to, who (none for the portal's own sweeps), when,
    why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=255, blank=True)
    # What the person wrote with it (the office's notes with additional clinical, a
    # reviewer's rationale).
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["case", "at", "pk"]
        indexes = [
            # The letters' sweep and the metrics read recent events by status; none reads the
            # moves back to review by status (the hold sweep writes 100,000 of them at once).
            models.Index(
                fields=["to_status", "at"],
                condition=~Q(to_status="in_review"),
                name="statusevent_status_time",
            ),
            # The portal's sweeps write events by nobody: only people's events are indexed.
            models.Index(fields=["by"], condition=Q(by__isnull=False), name="statusevent_by"),
        ]

    def __str__(self):
        return f"{self.case}: {self.from_status or 'new'} -> {self.to_status} at {self.at}"
