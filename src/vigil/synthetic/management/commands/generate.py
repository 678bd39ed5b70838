"""`vigil generate --people N --seed S --out DIR [--as-of YYYY-MM-DD]`: the synthetic area as
files, streamed in batches, with its ground truth. Needs no database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.synthetic.files import write_area


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Write the synthetic force area to files (JSONL, a linkage CSV and truth.json)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="How many person records")
        parser.add_argument("--seed", type=int, default=1, help="The same seed, the same area")
        parser.add_argument("--out", type=Path, required=True, help="Directory to write to")
        parser.add_argument(
            "--as-of",
            type=_day,
            default=None,
            help="The last day of the two years of events (default today)",
        )
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args: Any, **options: Any) -> None:
        people = options["people"]
        if people < 0:
            raise CommandError("--people: must be 0 or more")
        step = max(people // 10, 1)
        shown = [0]

        def progress(done: int, seconds: float) -> None:
            if done - shown[0] >= step or done == people:
                shown[0] = done
                self.stdout.write(f"  {done:>10,} people  {seconds:7.1f} s")

        report = write_area(
            options["out"],
            people=people,
            seed=options["seed"],
            as_of=options["as_of"],
            batch_size=options["batch_size"],
            progress=progress,
        )
        counts = ", ".join(f"{count:,} {kind}" for kind, count in report.counts.items())
        self.stdout.write(
            f"Wrote {counts} to {options['out']} in {report.seconds:.1f} s "
            f"({report.rate:,.0f} people a second)."
        )
