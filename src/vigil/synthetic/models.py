"""What synthetic area is loaded, and its ground truth (docs/synthetic-area.md), so tests and
analyses can check what they find against what was planted."""

from __future__ import annotations

from django.db import models


class SyntheticArea(models.Model):
    seed = models.BigIntegerField()
    people = models.PositiveIntegerField()
    as_of = models.DateField(help_text="The day the area's two years of events end")
    loaded_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(help_text="How long loading took")
    truth = models.JSONField(help_text="Ground truth, with database ids")

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"Synthetic area: seed {self.seed}, {self.people} people"
