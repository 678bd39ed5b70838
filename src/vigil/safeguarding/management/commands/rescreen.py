"""`vigil rescreen`: re-screen every child, storing only screenings that changed (run nightly,
so recency windows, review dates and other areas' records are reflected)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand

from vigil.safeguarding.services import rescreen_all


class Command(BaseCommand):
    help = "Re-screen every child; store a new screening only where the result changed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="Processes to share the children between (default: the CPUs, at most 4).",
        )

    def handle(self, *args: Any, workers: int = 1, **options: Any) -> None:
        checked, stored = rescreen_all(workers=workers)
        self.stdout.write(f"{checked} children screened; {stored} screenings changed")
