"""Warning signs and CSE screening: what practitioners saw (observations), what the rules and
professional judgement made of it (screening results, overrides), and what happens next (advice
actions, "consider screening" tasks).

The rules themselves live in `vigil.core.screening` and its policy data; these models only keep
the record of each screening, so a practitioner can say later what was known, when, and why
the level was what it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from vigil.accounts.models import Agency
from vigil.people.models import CaseRecord, Location, Person, PoleObject


class ObservationSource(models.TextChoices):
    """Who saw it. The recorder may be writing down what another agency told them."""

    SCHOOL = "school", "School or college"
    HEALTH_VISITOR = "health_visitor", "Health visitor or school nurse"
    HEALTH = "health", "GP, sexual health or hospital"
    RHI = "rhi", "Return home interview"
    POLICE_PATROL = "police_patrol", "Police patrol or stop check"
    POLICE_INVESTIGATION = "police_investigation", "Police investigation"
    SOCIAL_CARE = "social_care", "Children's social care"
    RESIDENTIAL_CARE = "residential_care", "Residential or foster carer"
    PARENT_CARER = "parent_carer", "Parent or carer"
    CHILD = "child", "The child themselves"
    YOUTH_SERVICE = "youth_service", "Youth service or youth justice"
    VOLUNTARY = "voluntary", "Voluntary sector"
    COMMUNITY = "community", "Member of the public or business"
    OTHER = "other", "Other"


class ObservationImport(models.Model):
    """One CSV file of observations: accepted whole or rejected whole, with its row report."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected: nothing saved"

    file_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    # [{"row": 3, "field": "code", "message": "..."}]; empty when accepted.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Observation(CaseRecord):
    """One warning sign, vulnerability or other taxonomy item seen in a child, on a day."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cse_observations")
    code = models.CharField(max_length=60, db_index=True)
    observed_on = models.DateField(db_index=True)
    source = models.CharField(max_length=30, choices=ObservationSource.choices)
    note = models.TextField(blank=True)
    involved_people = models.ManyToManyField(Person, blank=True, related_name="+")
    involved_objects = models.ManyToManyField(PoleObject, blank=True, related_name="+")
    involved_locations = models.ManyToManyField(Location, blank=True, related_name="+")
    imported_from = models.ForeignKey(
        ObservationImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="rows"
    )
    # Recorded in error is withdrawn, never deleted: the screenings it fed must stay explainable.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["child", "withdrawn_at"], name="observation_child_idx")]

    def __str__(self) -> str:
        return f"{self.code} on {self.observed_on:%Y-%m-%d}"

    @property
    def recorded_by(self) -> object:
        return self.created_by

    @property
    def agency(self) -> Agency:
        return self.owning_agency

    @property
    def label(self) -> str:
        from vigil.core.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        return taxonomy.get(self.code).label if self.code in taxonomy else self.code


class Override(models.Model):
    """Professional judgement on a child's level. Raising applies at once; lowering below the
    rule result waits for a supervisor (DOMAIN.md: Risk levels)."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        PENDING = "pending", "Waiting for a supervisor's approval"
        APPROVED = "approved", "Approved by a supervisor"
        REJECTED = "rejected", "Not approved"
        SUPERSEDED = "superseded", "Replaced by a later judgement"

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cse_overrides")
    rank = models.PositiveSmallIntegerField()
    reason = models.TextField()
    rule_rank_at_proposal = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return f"Judgement rank {self.rank} for person {self.child_id} ({self.status})"

    @property
    def is_lowering(self) -> bool:
        return self.rank < self.rule_rank_at_proposal


class ScreeningResult(models.Model):
    """One screening of one child, kept forever as history: the level, the reasons (with the
    observations and rules behind them), the policy version, who or what triggered it and why."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cse_screenings")
    screened_at = models.DateTimeField(auto_now_add=True, db_index=True)
    assessed_on = models.DateField()
    age = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=40)
    rank = models.PositiveSmallIntegerField(db_index=True)
    label = models.CharField(max_length=60)
    rule_level = models.CharField(max_length=40)
    rule_rank = models.PositiveSmallIntegerField()
    rule_label = models.CharField(max_length=60)
    previous_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list)
    advice = models.JSONField(default=list)
    # The derived observations used, each naming its records: [{code, observed_on, ref,
    # explanation, records: [{type, id, label}]}].
    derived = models.JSONField(default=list)
    policy_version = models.CharField(max_length=120)
    review_on = models.DateField(null=True, blank=True, db_index=True)
    override = models.ForeignKey(
        Override, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trigger = models.CharField(max_length=300)
    # Where the child lives or is placed when screened (town), for the caseload's area filter.
    area = models.CharField(max_length=100, blank=True, db_index=True)
    # Only the latest screening of each child is current; caseload lists filter on this.
    is_current = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        indexes = [models.Index(fields=["child", "-screened_at"], name="screening_child_idx")]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.label} ({self.assessed_on:%Y-%m-%d})"

    @property
    def raised(self) -> bool:
        return self.previous_rank is not None and self.rank > self.previous_rank

    @property
    def judgement_differs(self) -> bool:
        return self.rank != self.rule_rank


class AdviceAction(models.Model):
    """What a practitioner did about one "what to do next" suggestion for a child."""

    class Status(models.TextChoices):
        TO_DO = "to_do", "To do"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "Not needed"
        REFERRED = "referred", "Referred"

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cse_actions")
    advice_id = models.CharField(max_length=60)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TO_DO)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["child", "advice_id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "advice_id"], name="adviceaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.advice_id}: {self.get_status_display()}"


class ScreeningTask(models.Model):
    """ "Consider screening": a sibling or household child of a child who reached medium or
    above (guidance: Victims' families)."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Screened"
        NOT_NEEDED = "not_needed", "Not needed"

    class Relation(models.TextChoices):
        SIBLING = "sibling", "Sibling"
        HOUSEHOLD = "household", "Lives in the same home or placement"

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cse_tasks")
    because_of = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    because_screening = models.ForeignKey(
        ScreeningResult, on_delete=models.CASCADE, related_name="tasks"
    )
    relation = models.CharField(max_length=20, choices=Relation.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    # Set for display by selectors (not stored): the child behind the task, as the viewer may
    # see them.
    because_name: str
    because_visible: bool

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open task per child per reason: a child re-screened high again adds nothing.
            models.UniqueConstraint(
                fields=["child", "because_of"],
                condition=models.Q(status="open"),
                name="screeningtask_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"Consider screening {self.child_id} (because of {self.because_of_id})"
