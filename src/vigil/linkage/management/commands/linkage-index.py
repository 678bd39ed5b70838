"""`vigil linkage-index [--after ID] [--batch-size N] [--workers N]`: (re)build the "already
known?" index (standardised records and blocking keys) for every person (issue 11).

For a first deployment, an imported area, or after the blocking keys change. People created or
edited later are indexed by the people services' hook; this is the bulk path."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from vigil.linkage import services


class Command(BaseCommand):
    help = 'Build the "already known?" index for every person record.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--after", type=int, default=0, help="only people with an id above this one"
        )
        parser.add_argument("--batch-size", type=int, default=services.INDEX_BATCH)
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="processes standardising records (default: the cores, at most 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} people indexed")

        done = services.index_all_people(
            after=options["after"],
            batch_size=options["batch_size"],
            workers=options["workers"],
            on_progress=progress,
        )
        seconds = time.perf_counter() - started
        self.stdout.write(f"{done} people indexed in {seconds:.0f} s")
