"""Agencies, teams and the people who use Vigil."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


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

    def __str__(self) -> str:
        full = self.get_full_name()
        return full or self.username
