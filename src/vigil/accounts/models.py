"""Agencies, teams and the people who use Vigil."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police force"
    CHILDRENS_SERVICES = "childrens_services", "Local authority children's services"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    VOLUNTARY = "voluntary", "Voluntary sector"
    PREMISES_OPERATOR = "premises_operator", "Hotel or premises operator (external)"


class Agency(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_unique_per_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Role(models.TextChoices):
    CSE_INVESTIGATOR = "cse_investigator", "CSE investigator"
    INTELLIGENCE_ANALYST = "intelligence_analyst", "Intelligence analyst"
    SUPERVISOR = "supervisor", "Supervisor"
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner practitioner"
    HOTEL_OPERATOR = "hotel_operator", "Hotel operator"
    AUDITOR = "auditor", "Information-assurance auditor"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


class Rank(models.TextChoices):
    NONE = "", "No police rank"
    CONSTABLE = "constable", "Constable"
    SERGEANT = "sergeant", "Sergeant"
    INSPECTOR = "inspector", "Inspector"
    CHIEF_INSPECTOR = "chief_inspector", "Chief inspector"
    SUPERINTENDENT = "superintendent", "Superintendent"
    CHIEF_SUPERINTENDENT = "chief_superintendent", "Chief superintendent"


class User(AbstractUser):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True
    )
    role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    rank = models.CharField(max_length=40, choices=Rank.choices, blank=True, default="")
    # Bumped by "sign out everywhere": every session's stored hash then stops matching.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django signs each session with an HMAC of the password; adding the generation lets
        # a user (or an administrator) end every session without changing the password.
        return salted_hmac(
            "vigil.accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


# --- Need-to-know: sharing decisions and restrictions ------------------------------------------
#
# Both refer to a case record by its model label ("people.person") and primary key, so any
# area's records (people, missing episodes, notices...) can be shared or restricted without a
# foreign key per type. `vigil.accounts.access` is the only reader.


class SharingDecision(models.Model):
    """A recorded decision to share one record with a partner agency: who decided, when, on
    what lawful basis, what was shared and why. Withdrawn, it stops giving access at once;
    it is never deleted, so the history of who could see what survives (DPA 2018 s62)."""

    record_type = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="shared_records")
    lawful_basis = models.CharField(max_length=40)
    scope = models.TextField(help_text="What is shared and why the recipient needs it")
    conditions = models.TextField(
        blank=True, help_text="Handling conditions the recipient must follow (handling code C)"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id", "agency"], name="sharing_record_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "agency"],
                condition=Q(withdrawn_at__isnull=True),
                name="sharing_one_active_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} shared with {self.agency}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RecordRestriction(models.Model):
    """Restricts one record to named people and teams (e.g. a victim related to a member of
    staff, or a live covert operation). While active, nobody else learns the record exists."""

    record_type = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    reason = models.TextField()
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    teams = models.ManyToManyField(Team, related_name="+", blank=True)
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-restricted_at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"], name="restriction_record_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id"],
                condition=Q(lifted_at__isnull=True),
                name="restriction_one_active_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id} restricted"
