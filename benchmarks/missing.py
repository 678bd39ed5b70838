"""Benchmark for missing episodes (issue 7). Prints figures; not a test.

    .venv/bin/python benchmarks/missing.py [--children 100000] [--rows 1000] [--no-db]

1. Pure rules: derived indicators for N children with 1 to 10 episodes each, and the
   missing-together sweep over all their episodes.
2. With a throwaway SQLite database (a temporary VIGIL_VAR_DIR): import a force export of
   `--rows` episodes through the services (validated, audited, POLE links written), re-import
   it (idempotent), then time each list page's selector and one child's panel.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from vigil.core.missing import (
    LONDON,
    Companion,
    EpisodeFacts,
    EpisodeSpan,
    derive_indicators,
    missing_together,
    peer_groups,
)

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def pure(children: int, rng: random.Random) -> None:
    places = [f"place-{i}" for i in range(200)]
    adults = [f"P-{i}" for i in range(500)]
    episodes: list[list[EpisodeFacts]] = []
    spans: list[EpisodeSpan] = []
    for child in range(children):
        rows = []
        for n in range(rng.randint(1, 10)):
            start = NOW - timedelta(days=rng.uniform(0, 365))
            end = start + timedelta(hours=rng.uniform(1, 72))
            place = rng.choice(places)
            companions = tuple(
                Companion(rng.choice(adults), date(1990, 1, 1)) for _ in range(rng.randint(0, 2))
            )
            rows.append(
                EpisodeFacts(
                    ref=f"MP-{child}-{n}",
                    reported_at=start,
                    returned_at=end,
                    how_returned=rng.choice(["returned_self", "found_by_police"]),
                    found_at_of_concern=rng.random() < 0.3,
                    found_at_label=place,
                    found_at_town=rng.choice(["Northam", "Southby"]),
                    missing_from_town="Northam",
                    found_with=companions,
                )
            )
            spans.append(
                EpisodeSpan(
                    f"MP-{child}-{n}",
                    str(child),
                    start,
                    end,
                    places=frozenset({place}),
                    companions=frozenset(c.ref for c in companions),
                )
            )
        episodes.append(rows)
    count = sum(len(rows) for rows in episodes)
    started = time.perf_counter()
    fired = sum(len(derive_indicators(rows)) for rows in episodes)
    took = time.perf_counter() - started
    print(
        f"derived indicators: {children:,} children, {count:,} episodes in {took:.2f} s "
        f"({children / took:,.0f} children/s), {fired:,} indicators"
    )
    sample = spans[: min(len(spans), 50_000)]
    started = time.perf_counter()
    pairs = missing_together(sample, NOW)
    groups = peer_groups(pairs, 2)
    took = time.perf_counter() - started
    print(
        f"missing together: {len(sample):,} episodes in {took:.2f} s, {len(pairs):,} pairs, "
        f"{len(groups):,} repeat peer groups"
    )


def export_csv(rows: int, rng: random.Random) -> str:
    header = (
        "external_reference,child_given_names,child_family_name,child_date_of_birth,"
        "reported_missing_at,reported_by,missing_from_name,missing_from_premises_type,"
        "missing_from_address,missing_from_town,risk_level,risk_reason,grading_officer,"
        "returned_at,how_returned,found_at_name,found_at_premises_type,found_at_address,"
        "found_at_town,found_with,vehicles"
    )
    lines = [header]
    hotels = [(f"Hotel {i}", f"{i} Station Road") for i in range(20)]
    for n in range(rows):
        child = n % max(1, rows // 3)
        start = NOW - timedelta(days=rows - n, hours=rng.randint(0, 12))
        end = start + timedelta(hours=rng.randint(2, 40))
        name, address = rng.choice(hotels)
        lines.append(
            f"MIS/{n},Child{child},Family{child},2011-0{1 + child % 9}-1{child % 9},"
            f"{start.astimezone(LONDON):%Y-%m-%d %H:%M},childrens_home,Oakfield House,"
            f"childrens_home,14 Oakfield Road,Northam,{rng.choice(['low', 'medium', 'high'])},"
            f"CSE concerns,PS 1 Hale,{end.astimezone(LONDON):%Y-%m-%d %H:%M},found_by_police,"
            f"{name},hotel,{address},Northam,Adult{n % 50} Person{n % 50} 1990-01-01,"
            f"AB{n % 90 + 10} CDE"
        )
    return "\n".join(lines) + "\n"


def with_database(rows: int, rng: random.Random) -> None:
    os.environ["VIGIL_VAR_DIR"] = tempfile.mkdtemp(prefix="vigil-missing-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from vigil.accounts.models import Agency, AgencyKind, Role, User
    from vigil.missing import selectors
    from vigil.missing.imports import import_missing_export
    from vigil.people.models import Person

    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.POLICE)
    user = User.objects.create(username="bench", agency=agency, role=Role.CSE_INVESTIGATOR)
    text = export_csv(rows, rng)

    started = time.perf_counter()
    result = import_missing_export(acting_user=user, text=text, filename="bench.csv")
    took = time.perf_counter() - started
    assert result.ok, result.errors[:5]
    print(
        f"import: {rows:,} rows in {took:.1f} s ({rows / took:,.0f} rows/s); "
        f"{result.people_added} people, {result.places_added} places, "
        f"{result.vehicles_added} vehicles added"
    )
    started = time.perf_counter()
    again = import_missing_export(acting_user=user, text=text, filename="bench.csv")
    print(
        f"re-import (idempotent): {time.perf_counter() - started:.1f} s, "
        f"{again.created} added, {again.unchanged} unchanged"
    )

    def timed(label: str, call: object, repeat: int = 5) -> None:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()  # type: ignore[operator]
            times.append((time.perf_counter() - started) * 1000)
        print(f"{label}: median {statistics.median(times):.0f} ms over {repeat}")

    now = datetime.now(UTC)
    timed("missing now", lambda: selectors.missing_now(user, now=now))
    timed("interviews (all)", lambda: selectors.interviews(user, show="all", now=now))
    timed("repeat missing", lambda: selectors.repeat_missing(user, now=NOW))
    timed("where found", lambda: selectors.where_found(user))
    timed("missing together", lambda: selectors.missing_together_groups(user, now=NOW))
    child = Person.objects.filter(given_names="Child0").first()
    timed("child's panel", lambda: selectors.child_summary(user, child, now=NOW))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    pure(args.children, rng)
    if not args.no_db:
        with_database(args.rows, rng)
    return 0


if __name__ == "__main__":
    sys.exit(main())
