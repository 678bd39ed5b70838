"""Missing episodes, their risk gradings and return home interviews.

A missing episode is a case record tied one-to-one to an Event of type "missing_episode", so it
appears on the child's timeline and everything that reads events (screening's repeat-missing
rule, networks) sees it. What is found on return is also written as POLE links and event
participants by the services; the fields here keep the episode's own account of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.accounts.models import Agency
from vigil.core.missing import HOW_RETURNED, REPORTED_BY, RHI_STATUSES, missing_policy
from vigil.people.models import CaseRecord, Event, IntelligenceReport, Location, Person, PoleObject


def _risk_choices() -> list[tuple[str, str]]:
    return missing_policy().risk_choices


def episode_ref(pk: object) -> str:
    """How screens, the audit and the rules name an episode."""
    return f"MP-{pk}"


class MissingEpisode(CaseRecord):
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="missing_episode")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="missing_episodes")
    reported_missing_at = models.DateTimeField(db_index=True)
    reported_by_kind = models.CharField("reported by", max_length=20, choices=REPORTED_BY)
    reported_by_name = models.CharField(max_length=200, blank=True)
    missing_from = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.CharField(
        max_length=100, blank=True, help_text="Local authority or policing area responsible"
    )
    risk_level = models.CharField(max_length=20, choices=_risk_choices)
    police_actions = models.TextField(blank=True)
    external_reference = models.CharField(
        max_length=60, blank=True, help_text="The force's missing-person record number"
    )
    # On return
    returned_at = models.DateTimeField(null=True, blank=True, db_index=True)
    how_returned = models.CharField(max_length=30, choices=HOW_RETURNED, blank=True)
    found_at = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_with = models.ManyToManyField(Person, blank=True, related_name="+")
    vehicles = models.ManyToManyField(PoleObject, blank=True, related_name="+")
    injuries = models.TextField(blank=True)
    intoxicated = models.BooleanField(default=False)
    intoxication_details = models.TextField(blank=True)
    account = models.TextField(blank=True, help_text="The child's account of the episode")

    class Meta:
        ordering = ["-reported_missing_at", "-id"]
        constraints = [
            # Re-importing the same force export is idempotent: one episode per force reference.
            models.UniqueConstraint(
                fields=["owning_agency", "external_reference"],
                condition=~Q(external_reference=""),
                name="missingepisode_unique_external_reference",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True)
                | Q(returned_at__gte=models.F("reported_missing_at")),
                name="missingepisode_return_after_report",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "reported_missing_at"], name="missing_child_reported"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.child}"

    @property
    def ref(self) -> str:
        return episode_ref(self.pk)

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def risk_rank(self) -> int:
        return missing_policy().risk_level(self.risk_level).rank


class MissingTogetherLink(models.Model):
    """Two episodes of different children that overlap in time and share something: a place
    found, a companion, a vehicle, or each other (one row per thing shared). Derived data kept
    by the services that record and return episodes and by the import (vigil.missing.together),
    so "missing together" reads pairs instead of comparing episodes. Kept for every "now" (an
    open episode counts as running on): the reader checks the overlap at its own "now" and
    shows a link only when the user may see both episodes, both children and the shared
    record."""

    class Kind(models.TextChoices):
        PLACE = "place"
        WITH = "with"
        VEHICLE = "vehicle"
        EACH_OTHER = "each other"

    earlier = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="+")
    later = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    place = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    vehicle = models.ForeignKey(
        PoleObject, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["earlier", "later", "id"]

    def __str__(self) -> str:
        return f"MP-{self.earlier_id} and MP-{self.later_id}: {self.kind}"


class RiskGrading(models.Model):
    """One grading of the episode's missing-person risk (APP Missing persons). Kept as history:
    a re-grading adds a row, it never edits one."""

    episode = models.ForeignKey(MissingEpisode, on_delete=models.CASCADE, related_name="gradings")
    risk_level = models.CharField(max_length=20, choices=_risk_choices)
    grading_officer = models.CharField(
        max_length=200, help_text="Name and number of the officer who graded it"
    )
    reason = models.TextField()
    graded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-graded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_risk_level_display()} ({self.grading_officer})"


class ReturnHomeInterview(models.Model):
    """The independent return home interview offered after the episode (DfE statutory guidance
    on children who run away or go missing from home or care). Seen through its episode."""

    episode = models.OneToOneField(
        MissingEpisode, on_delete=models.CASCADE, related_name="return_interview"
    )
    due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=20, choices=RHI_STATUSES, default="due", db_index=True)
    offered_by = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    interviewer = models.CharField(max_length=200, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    not_possible_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return f"Return home interview for {self.episode.ref}"


class RhiStatusChange(models.Model):
    """The interview's status history, with the date each status took effect."""

    interview = models.ForeignKey(
        ReturnHomeInterview, on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(max_length=20, choices=RHI_STATUSES)
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} at {self.at:%Y-%m-%d %H:%M}"


class Disclosure(models.Model):
    """Something the child said in the interview. Each can become intelligence (a 3x5x2
    report) or a screening observation with one action."""

    interview = models.ForeignKey(
        ReturnHomeInterview, on_delete=models.CASCADE, related_name="disclosures"
    )
    text = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    intelligence_report = models.ForeignKey(
        IntelligenceReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The safeguarding app's observation, once recorded (kept as a reference, not a foreign
    # key, so this app does not depend on that one's tables).
    observation_ref = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
