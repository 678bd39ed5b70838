"""Record linkage in the application (issue 11): linkage runs, the review queue of possible
duplicates, the identities reviewers accepted, and the "already known?" lookup tables.

Nothing here alters a person record. Accepting a match groups records into a PersonIdentity;
unmerging takes the grouping away again, and the records are exactly as they were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from vigil.people.models import Person


class LinkageRun(models.Model):
    """One pass of the linkage model over every person record, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True, help_text="What the run is doing now")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    review_threshold = models.FloatField(help_text="Pairs at or above this probability are queued")
    people_total = models.PositiveIntegerField(default=0)
    people_read = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    matches_new = models.PositiveIntegerField(default=0)
    matches_rescored = models.PositiveIntegerField(default=0)
    matches_already_decided = models.PositiveIntegerField(
        default=0, help_text="Found again but already accepted or rejected: not re-suggested"
    )
    trained = models.BooleanField(default=False)
    # The Splink model and name frequencies, so "already known?" scores like this run did.
    model = models.JSONField(default=dict, blank=True)
    term_frequencies = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.get_status_display()})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent_read(self) -> int:
        return int(100 * self.people_read / self.people_total) if self.people_total else 0


class MatchStatus(models.TextChoices):
    PENDING = "pending", "To review"
    ACCEPTED = "accepted", "Same person"
    REJECTED = "rejected", "Not the same person"
    DEFERRED = "deferred", "Deferred"


class CandidateMatch(models.Model):
    """Two person records the model thinks may be the same person, awaiting (or with) a
    reviewer's decision. person_a always has the lower id, so a pair has one row: a rejected
    pair is then never suggested again, however often runs find it."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(
        default=dict, blank=True, help_text="Per-field evidence from the model"
    )
    status = models.CharField(
        max_length=20, choices=MatchStatus.choices, default=MatchStatus.PENDING, db_index=True
    )
    found_by = models.ForeignKey(
        LinkageRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    found_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_probability", "id"]
        verbose_name_plural = "candidate matches"
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidatematch_pair"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="candidatematch_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-match_probability"], name="candidatematch_queue")
        ]

    def __str__(self) -> str:
        return f"P-{self.person_a_id} / P-{self.person_b_id} ({self.match_probability:.3f})"

    @property
    def people(self) -> tuple[int, int]:
        return (self.person_a_id, self.person_b_id)


class PersonIdentity(models.Model):
    """Person records reviewers accepted as one person: the connected records of the accepted
    matches. A grouping only; it is rebuilt from the accepted matches on every accept and
    unmerge, so it always says exactly what the decisions say."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "person identities"

    def __str__(self) -> str:
        return f"Identity {self.pk}"


class PersonIdentityMember(models.Model):
    identity = models.ForeignKey(PersonIdentity, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="linkage_identity")

    def __str__(self) -> str:
        return f"P-{self.person_id} in identity {self.identity_id}"


class PersonLinkageRecord(models.Model):
    """A person as the linkage model sees them (the core's standardised record), kept beside
    the record so an "already known?" lookup scores candidates without re-reading them."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="linkage_record"
    )
    record = models.JSONField()
    person_version = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Linkage record of P-{self.person_id}"


class PersonBlockingKey(models.Model):
    """Index rows for "already known?": one per (person, blocking key) from the core's
    `blocking_keys`. A lookup is one indexed `key IN (...)` query."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=160)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "person"], name="personblockingkey_unique")
        ]

    def __str__(self) -> str:
        return self.key
