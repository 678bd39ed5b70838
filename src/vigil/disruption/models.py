"""Disruption tools (DOMAIN.md "Disruption tools"; guidance "Other legislative Acts and
Orders"): child abduction warning notices, SHPOs and SROs, harassment warnings and ASBCPA 2014
injunctions and notices, police protection, and hotel information notices with their returns.

Each tool is a case record (owning agency, access level, version) so the one need-to-know
layer (`vigil.accounts.access`) governs who sees it. Breaches put an Event on the people's
timelines; evidence is linked as existing Events (incidents, stop checks, intelligence)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vigil.people.models import CaseRecord, Event, Location, Person


class ServiceMethod(models.TextChoices):
    IN_PERSON = "in_person", "Handed to them in person"
    POST = "post", "By recorded or special delivery post"
    LEFT_AT_ADDRESS = "left_at_address", "Left at their address"
    EMAIL = "email", "By email"
    OTHER = "other", "Another way"


# --- Child abduction warning notices ----------------------------------------------------------


class AgreedBy(models.TextChoices):
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer with parental responsibility"
    LOCAL_AUTHORITY = "local_authority", "The local authority (child in care)"


class ChildAbductionWarningNotice(CaseRecord):
    """A CAWN to a named adult to keep away from a child (guidance: formerly 'harbourer's
    warning'). Administrative, not an order; its breaches are evidence."""

    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cawns_as_subject")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cawns_as_child")
    child_in_care = models.BooleanField(help_text="In local-authority care when issued")
    agreed_by = models.CharField(max_length=20, choices=AgreedBy.choices)
    agreed_by_name = models.CharField(max_length=200, help_text="Who agreed, and their role")
    issuing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField()
    served_on = models.DateField(null=True, blank=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)
    expires_on = models.DateField(help_text="The child's 16th birthday, or 18th if in care")
    review_on = models.DateField()
    grounds = models.TextField(blank=True)
    reference = models.CharField(max_length=60, blank=True)
    evidence = models.ManyToManyField(Event, blank=True, related_name="+")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "child abduction warning notice"

    def __str__(self) -> str:
        return f"{self.code}: {self.subject} warned about {self.child}"

    def get_absolute_url(self) -> str:
        return reverse("cawn_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"CAWN-{self.pk}"

    def status(self, today: date) -> str:
        if self.withdrawn_on:
            return "Withdrawn"
        if self.expires_on <= today:
            return "Ended"
        return "In force" if self.served_on else "Issued, not yet served"


# --- SHPOs and SROs ---------------------------------------------------------------------------


class OrderKind(models.TextChoices):
    SHPO = "shpo", "Sexual harm prevention order"
    SRO = "sro", "Sexual risk order"


class OrderStage(models.TextChoices):
    DRAFT = "draft", "Draft application"
    APPLIED = "applied", "Applied for"
    MADE = "made", "Made"
    REFUSED = "refused", "Refused"
    DISCHARGED = "discharged", "Discharged"


class PreventionOrder(CaseRecord):
    """An SHPO or SRO, from draft application (with its evidence) to discharge."""

    kind = models.CharField(max_length=10, choices=OrderKind.choices)
    stage = models.CharField(max_length=20, choices=OrderStage.choices, default=OrderStage.DRAFT)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="orders_as_subject")
    protected_children = models.ManyToManyField(Person, blank=True, related_name="+")
    court = models.CharField(max_length=200, blank=True)
    grounds = models.TextField(blank=True, help_text="Why the order is necessary")
    evidence = models.ManyToManyField(Event, blank=True, related_name="+")
    applied_on = models.DateField(null=True, blank=True)
    made_on = models.DateField(null=True, blank=True)
    refused_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="Court case number")

    class Meta:
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.get_kind_display()}, {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("order_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"{self.kind.upper()}-{self.pk}"


class ProhibitionType(models.TextChoices):
    GENERAL = "general", "Prohibition"
    FOREIGN_TRAVEL = "foreign_travel", "Foreign-travel prohibition"


class OrderProhibition(models.Model):
    """One prohibition with its own period. A variation or renewal ends it (`ended_on`) and
    starts a replacement from the date of the change."""

    order = models.ForeignKey(
        PreventionOrder, on_delete=models.CASCADE, related_name="prohibitions"
    )
    prohibition_type = models.CharField(max_length=20, choices=ProhibitionType.choices)
    wording = models.TextField()
    runs_from = models.DateField(null=True, blank=True, help_text="Set when the order is made")
    until = models.DateField(null=True, blank=True)
    until_further_order = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until_further_order=False),
                name="prohibition_one_kind_of_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_prohibition_type_display()}: {self.wording[:60]}"

    @property
    def period_text(self) -> str:
        if self.until_further_order:
            return "Until further order"
        return f"Until {self.until:%d %B %Y}" if self.until else "Period not set"


class OrderChangeKind(models.TextChoices):
    VARIATION = "variation", "Variation"
    RENEWAL = "renewal", "Renewal"
    DISCHARGE = "discharge", "Discharge"


class OrderChange(models.Model):
    """A court's variation, renewal or discharge of an order (SOA 2003 s103E, s122D)."""

    order = models.ForeignKey(PreventionOrder, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=OrderChangeKind.choices)
    made_on = models.DateField()
    court = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.made_on}"


# --- Harassment warnings and ASBCPA 2014 tools ------------------------------------------------


class WarningKind(models.TextChoices):
    HARASSMENT_WARNING = "harassment_warning", "Harassment warning (PIN)"
    CIVIL_INJUNCTION = "civil_injunction", "Civil injunction (ASBCPA 2014)"
    COMMUNITY_PROTECTION_NOTICE = "community_protection_notice", "Community protection notice"


class WarningOrInjunction(CaseRecord):
    """A harassment warning (police information notice), an ASBCPA 2014 Part 1 civil
    injunction or a community protection notice (s43): issue, service, breach."""

    kind = models.CharField(max_length=40, choices=WarningKind.choices)
    subject = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="warnings_as_subject"
    )
    protected_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(help_text="Issued, or made by the court")
    court = models.CharField(max_length=200, blank=True)
    written_warning_on = models.DateField(null=True, blank=True)
    terms = models.TextField(help_text="The conduct to stop, or the requirements")
    expires_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)
    reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.get_kind_display()}, {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("warning_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"W-{self.pk}"


# --- Police protection ------------------------------------------------------------------------


class ProtectionOutcome(models.TextChoices):
    RETURNED_HOME = "returned_home", "Returned home"
    EMERGENCY_PROTECTION_ORDER = "epo", "Emergency protection order"
    ACCOMMODATED = "accommodated", "Accommodated by the local authority"
    OTHER = "other", "Other"


class PoliceProtection(CaseRecord):
    """Children Act 1989 s46: a child removed to (or kept in) suitable accommodation by a
    constable, for at most 72 hours."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="police_protections")
    taken_at = models.DateTimeField()
    taken_from = models.CharField(max_length=200, help_text="Where the child was found")
    taken_to = models.CharField(max_length=200, help_text="Where the child was taken")
    constable = models.CharField(max_length=200, help_text="The constable who took the child")
    designated_officer = models.CharField(max_length=200)
    local_authority_informed_at = models.DateTimeField(null=True, blank=True)
    local_authority_contact = models.CharField(max_length=200, blank=True)
    parents_informed_at = models.DateTimeField(null=True, blank=True)
    parents_informed_who = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=ProtectionOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: police protection of {self.child}"

    def get_absolute_url(self) -> str:
        return reverse("protection_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"PP-{self.pk}"


# --- Hotel information notices ----------------------------------------------------------------


class NoticeStage(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    WITHDRAWN = "withdrawn", "Withdrawn"
    QUASHED = "quashed", "Quashed on appeal"


class RecipientCapacity(models.TextChoices):
    OWNER = "owner", "Owner"
    OPERATOR = "operator", "Operator"
    MANAGER = "manager", "Manager"


class ReturnForm(models.TextChoices):
    PORTAL = "portal", "Online through the Vigil returns portal (form or CSV upload)"
    EMAIL = "email", "By email to the issuing officer"
    PAPER = "paper", "On paper, delivered to the police station"


class AppealOutcome(models.TextChoices):
    DISMISSED = "dismissed", "Appeal dismissed (notice stands)"
    VARIED = "varied", "Notice varied"
    QUASHED = "quashed", "Notice quashed"
    WITHDRAWN = "withdrawn", "Appeal withdrawn"


class HotelInformationNotice(CaseRecord):
    """ASBCPA 2014 s116 notice to the owner, operator or manager of a hotel or similar,
    requiring guest information for up to 6 months."""

    premises = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="hotel_notices")
    stage = models.CharField(max_length=20, choices=NoticeStage.choices, default=NoticeStage.DRAFT)
    recipient_name = models.CharField(max_length=200)
    recipient_capacity = models.CharField(max_length=20, choices=RecipientCapacity.choices)
    grounds = models.TextField(
        help_text="Why you reasonably believe the premises are or will be used for CSE"
    )
    evidence = models.ManyToManyField(Event, blank=True, related_name="+")
    information_required = models.JSONField(default=list)
    further_information = models.TextField(blank=True)
    frequency = models.CharField(max_length=20)
    return_form = models.CharField(
        max_length=20, choices=ReturnForm.choices, default=ReturnForm.PORTAL
    )
    issuing_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    period_end = models.DateField()
    served_on = models.DateField(null=True, blank=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices, blank=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=20, choices=AppealOutcome.choices, blank=True)
    appeal_decided_on = models.DateField(null=True, blank=True)
    previous_notice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="further_notices"
    )

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: hotel information notice, {self.premises}"

    def get_absolute_url(self) -> str:
        return reverse("hotel_notice_detail", args=[self.pk])

    @property
    def code(self) -> str:
        return f"HIN-{self.pk}"

    @property
    def period_text(self) -> str:
        start = f"{self.issued_on:%d %B %Y}" if self.issued_on else "Not issued"
        return f"{start} to {self.period_end:%d %B %Y}"

    @property
    def in_force(self) -> bool:
        return self.stage == NoticeStage.ISSUED

    @property
    def returns_start(self) -> date | None:
        """Returns run from service (the recipient cannot comply before receiving it)."""
        return self.served_on or self.issued_on


class PremisesOperatorAccess(models.Model):
    """Which hotel operator accounts act for which premises: an operator sees only notices
    served on premises they are linked to, and no case record at all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="premises_access"
    )
    premises = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="operator_access")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "premises"],
                condition=Q(revoked_at__isnull=True),
                name="operator_access_once_per_premises",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.premises_id}"


class ReturnMethod(models.TextChoices):
    FORM = "form", "Web form"
    CSV = "csv", "CSV upload"
    API = "api", "API"
    # Received outside the portal and entered by an officer for the operator.
    PAPER = "paper", "On paper, entered by an officer"
    EMAIL = "email", "By email, entered by an officer"


# The methods by which an officer enters a return for the operator.
OFFICER_ENTRY_METHODS = (ReturnMethod.PAPER, ReturnMethod.EMAIL)


class HotelReturn(models.Model):
    """One return of guest information for one period of a notice. Guest details stay here
    until an officer imports them into the POLE store (audited as a collection)."""

    notice = models.ForeignKey(
        HotelInformationNotice, on_delete=models.PROTECT, related_name="returns"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    nil_return = models.BooleanField(default=False, help_text="No guests in the period")
    method = models.CharField(max_length=10, choices=ReturnMethod.choices)
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # For a paper or emailed return: the day the police received it (compliance is judged on
    # this, not on the day an officer typed it in). Portal returns are received when submitted.
    received_on = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period_start", "submitted_at", "id"]

    def __str__(self) -> str:
        return f"Return {self.receipt} for {self.period_start}..{self.period_end}"

    @property
    def period_text(self) -> str:
        return f"{self.period_start:%d %B %Y} to {self.period_end:%d %B %Y}"

    @property
    def receipt(self) -> str:
        return f"HR-{self.pk:06d}"

    @property
    def entered_by_officer(self) -> bool:
        return self.method in OFFICER_ENTRY_METHODS

    @property
    def received_date(self) -> date:
        """The day the return reached the police (on time or late is judged on this)."""
        return self.received_on or timezone.localtime(self.submitted_at).date()


class HotelReturnGuest(models.Model):
    hotel_return = models.ForeignKey(HotelReturn, on_delete=models.CASCADE, related_name="guests")
    guest_name = models.CharField(max_length=200)
    address = models.CharField(max_length=300)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10, blank=True)
    arrived_on = models.DateField()
    departed_on = models.DateField(null=True, blank=True)
    room = models.CharField(max_length=20, blank=True)
    booked_by = models.CharField(max_length=200, blank=True)
    vehicle_registration = models.CharField(max_length=16, blank=True)
    notes = models.TextField(blank=True)
    imported_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["arrived_on", "id"]

    def __str__(self) -> str:
        return self.guest_name


# --- Breaches ---------------------------------------------------------------------------------


class Breach(models.Model):
    """A breach of a notice or order: a dated event (on the timelines of the people it
    involves), the offence it may be, and the evidence for it."""

    cawn = models.ForeignKey(
        ChildAbductionWarningNotice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="breaches",
    )
    order = models.ForeignKey(
        PreventionOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="breaches"
    )
    warning = models.ForeignKey(
        WarningOrInjunction,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="breaches",
    )
    hotel_notice = models.ForeignKey(
        HotelInformationNotice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="breaches",
    )
    occurred_at = models.DateTimeField()
    description = models.TextField()
    offence = models.CharField(max_length=300, blank=True)
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="disruption_breach")
    evidence = models.ManyToManyField(Event, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        cawn__isnull=False,
                        order__isnull=True,
                        warning__isnull=True,
                        hotel_notice__isnull=True,
                    )
                    | Q(
                        cawn__isnull=True,
                        order__isnull=False,
                        warning__isnull=True,
                        hotel_notice__isnull=True,
                    )
                    | Q(
                        cawn__isnull=True,
                        order__isnull=True,
                        warning__isnull=False,
                        hotel_notice__isnull=True,
                    )
                    | Q(
                        cawn__isnull=True,
                        order__isnull=True,
                        warning__isnull=True,
                        hotel_notice__isnull=False,
                    )
                ),
                name="breach_of_exactly_one_tool",
            )
        ]

    def __str__(self) -> str:
        return f"Breach on {self.occurred_at:%d %b %Y}"


# --- Follow-up of late and missing hotel returns ----------------------------------------------


class ReturnTaskReason(models.TextChoices):
    MISSING = "missing", "Return missing"
    LATE = "late", "Return received late"


class ReturnTaskOutcome(models.TextChoices):
    RETURN_RECEIVED = "return_received", "Return received"
    OPERATOR_CONTACTED = "operator_contacted", "Operator contacted"
    BREACH_RECORDED = "breach_recorded", "Breach recorded (ASBCPA 2014 s118)"
    EXCUSE_ACCEPTED = "excuse_accepted", "Reasonable excuse accepted"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class HotelReturnTask(models.Model):
    """'Follow up this return': raised when a return is missing after its due date or arrives
    late (failing to comply may be an offence, ASBCPA 2014 s118). An officer closes it with
    what was done; a missing return that arrives closes its task itself."""

    notice = models.ForeignKey(
        HotelInformationNotice, on_delete=models.CASCADE, related_name="return_tasks"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    due_on = models.DateField()
    reason = models.CharField(max_length=20, choices=ReturnTaskReason.choices)
    raised_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=ReturnTaskOutcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # One task per period and reason, ever: a closed task is not raised again.
            models.UniqueConstraint(
                fields=["notice", "period_start", "reason"], name="hotelreturntask_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.notice.code}, {self.period_text}"

    @property
    def period_text(self) -> str:
        return f"{self.period_start:%d %b} to {self.period_end:%d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
