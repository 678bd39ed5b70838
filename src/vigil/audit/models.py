"""The audit log (Data Protection Act 2018 Part 3 s62): append-only and hash-chained."""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    # The s62(1) processing operations, in the Act's words.
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"


class AuditEntry(models.Model):
    """One processing operation. Rows are never updated or deleted (database triggers refuse it);
    each row's `entry_hash` covers its content and the previous row's hash."""

    at = models.DateTimeField(db_index=True)
    user_id_at_time = models.BigIntegerField(null=True, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    justification = models.TextField(blank=True)
    recipients = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source_ip = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_type}"
