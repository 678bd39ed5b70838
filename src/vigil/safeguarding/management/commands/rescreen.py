"""`vigil rescreen`: re-screen every child, storing only screenings that changed (run nightly,
so recency windows, review dates and other areas' records are reflected)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vigil.safeguarding.services import rescreen_all


class Command(BaseCommand):
    help = "Re-screen every child; store a new screening only where the result changed."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, stored = rescreen_all()
        self.stdout.write(f"{checked} children screened; {stored} screenings changed")
