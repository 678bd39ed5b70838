"""The search for group-based CSE, kept (issue 10): finding communities in a force's records
takes seconds, so it runs as a job (`vigil networks-analyse`, nightly and after imports) or
when an analyst asks, and its candidate groups are kept here. Nothing here is shown as it is:
each time a user looks, every candidate is checked again in the records they may see now
(`vigil.networks.selectors.force_analysis`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CommunityAnalysis(models.Model):
    """One run of community detection over every record (handling-code C intelligence
    included, so no group is missed; it is dropped again for users outside its conditions
    when the candidates are checked). `candidates` lists each community that met the
    definition of group-based CSE: {"members": [node ids], "via": [ids of the shared phones,
    vehicles, accounts and places outside it through which its suspects are associated]}."""

    analysed_at = models.DateTimeField(db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    change_stamp = models.CharField(
        max_length=16, help_text="The records' last-edited stamp when the run read them"
    )
    records = models.PositiveIntegerField(help_text="People, objects and places read")
    links = models.PositiveIntegerField()
    communities = models.PositiveIntegerField()
    seconds = models.FloatField(help_text="How long the run took")
    candidates = models.JSONField(default=list)

    class Meta:
        ordering = ["-analysed_at", "-id"]
        verbose_name_plural = "community analyses"

    def __str__(self) -> str:
        return f"Community analysis of {self.analysed_at:%d/%m/%Y %H:%M}"
