"""Benchmark: the cost a POLE write pays for automatic re-screening (issue 6). Prints figures;
not a test. It writes to the database it is given: use a demo database of your own.

    VIGIL_VAR_DIR=/tmp/vigil-screen .venv/bin/vigil demo --no-serve
    VIGIL_VAR_DIR=/tmp/vigil-screen .venv/bin/python benchmarks/screening_triggers.py [--writes 40]

For children in the database, each of these writes is timed (whole transaction, commit
included) with the re-screen hook off and on, and the queries counted:
1. a new "associate_of" link from an adult to the child (re-screens the child);
2. an event with the child and an adult (re-screens both people's children: the child);
3. a suspect flag set on an adult linked to several children (re-screens all of them).
The added cost is the re-screen of the children the write concerns, run when the transaction
commits; p50 / p95 in milliseconds.

Measured 25 Nov 2026 on the 50,000-person demo (SQLite, --writes 20) while the 2-core machine
ran at load average ~17 (other engineers' jobs), so absolute times are several times what an
idle server gives; the query counts are not affected:

    write                      p50 ms   p95 ms  queries (median)
    link        hook off         33.5     70.6                25
    link        hook on         161.2    519.7                55   (+30: one child re-screened)
    event       hook off         26.1     37.0                26
    event       hook on         109.0    190.1                46   (+20)
    adult flag  hook off         50.4    144.2                30
    adult flag  hook on         425.1   1171.1               115   (+85: each linked child)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from dateutil.relativedelta import relativedelta
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from vigil.accounts.models import Role, User
    from vigil.people import services as people_services
    from vigil.people.models import Link, Person
    from vigil.safeguarding.triggers import records_changed

    user = User.objects.filter(role=Role.CSE_INVESTIGATOR).first()
    if user is None:
        raise SystemExit("No investigator: load the demo first (vigil demo --no-serve)")
    today = timezone.localdate()
    children = list(
        Person.objects.filter(
            date_of_birth__gt=today - relativedelta(years=18), date_of_birth__lt=today
        ).order_by("pk")[: args.writes * 2]
    )
    adults = list(
        Person.objects.filter(date_of_birth__lt=today - relativedelta(years=25)).order_by("pk")[
            : args.writes * 2
        ]
    )
    if len(children) < args.writes * 2 or len(adults) < args.writes * 2:
        raise SystemExit("Not enough children and adults in this database")
    print(f"{Person.objects.count():,} people, {Link.objects.count():,} links")

    def timed(action: Callable[[], Any]) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            with transaction.atomic():
                action()
            elapsed = (time.perf_counter() - start) * 1000
        return elapsed, len(queries)

    def hook(on: bool) -> None:
        hooks = people_services._RECORD_CHANGE_HOOKS
        if on and records_changed not in hooks:
            hooks.append(records_changed)
        if not on and records_changed in hooks:
            hooks.remove(records_changed)

    rows: dict[str, list[tuple[float, int]]] = {}
    for on in (False, True):
        hook(on)
        label = "hook on " if on else "hook off"
        half = slice(args.writes, None) if on else slice(0, args.writes)
        for child, adult in zip(children[half], adults[half], strict=True):
            rows.setdefault(f"link        {label}", []).append(
                timed(
                    lambda c=child, a=adult: people_services.link_create(
                        acting_user=user,
                        link_type="associate_of",
                        source_entity=a,
                        target_entity=c,
                        source="benchmark",
                        last_seen=today - timedelta(days=1),
                    )
                )
            )
            rows.setdefault(f"event       {label}", []).append(
                timed(
                    lambda c=child, a=adult: people_services.event_create(
                        acting_user=user,
                        event_type="stop_check",
                        occurred_at=timezone.now() - timedelta(hours=2),
                        summary="benchmark sighting",
                        people=[(c, "subject"), (a, "present")],
                    )
                )
            )
            adult.refresh_from_db()
            now = list(adult.flags or [])
            flags = [f for f in now if f != "suspect"] if "suspect" in now else [*now, "suspect"]
            rows.setdefault(f"adult flag  {label}", []).append(
                timed(
                    lambda a=adult, f=flags: people_services.person_update(
                        acting_user=user, person=a, expected_version=a.version, flags=f
                    )
                )
            )
    hook(True)
    print(f"{'write':24} {'p50 ms':>8} {'p95 ms':>8} {'queries (median)':>17}")
    for name, values in rows.items():
        times = [t for t, _ in values]
        queries = statistics.median(q for _, q in values)
        print(f"{name:24} {_p(times, 0.5):8.1f} {_p(times, 0.95):8.1f} {queries:17.0f}")


if __name__ == "__main__":
    main()
