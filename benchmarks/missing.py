"""Benchmark for missing episodes (issue 7). Prints figures; not a test.

    .venv/bin/python benchmarks/missing.py [--children 100000] [--rows 10000] [--no-db]
        [--row-by-row 100]

1. Pure rules: derived indicators for N children with 1 to 10 episodes each, and the
   missing-together sweep over all their episodes.
2. With a throwaway database (a temporary VIGIL_VAR_DIR for SQLite, or DATABASE_URL):
   "before": `--row-by-row` rows stored one at a time through the screens' services
   (`episode_report`, `episode_record_return`: the import's path before it went bulk);
   "after": import a force export of `--rows` episodes (validated by the same rules,
   audited, POLE links written), with and without screening's on-commit re-screens (they run
   after the import's transaction has committed); re-import it (idempotent); then time each
   list page's selector and one child's panel. Rates are printed per wall-clock second and
   per CPU second (the second is steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

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


@contextlib.contextmanager
def measured(label: str, rows: int) -> Iterator[None]:
    """Print rows per wall and CPU second and database queries per row for the block."""
    from django.db import connection

    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        yield
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label}: {rows:,} rows in {wall:.1f} s ({rows / wall:,.0f} rows/s; "
        f"{rows / cpu:,.0f} rows per CPU second), {count / rows:.1f} queries/row"
    )


def row_by_row(user: object, text: str, limit: int) -> None:
    """The "before" figure: rows stored one at a time through the screens' services."""
    from vigil.core.missing import parse_export
    from vigil.missing import services
    from vigil.people import services as people_services
    from vigil.people.models import Person, PremisesType

    parsed = parse_export(text, premises_types=PremisesType.values, now=datetime.now(UTC))
    rows = sorted(parsed.rows[:limit], key=lambda r: r.reported_missing_at)
    people: dict[tuple[str, str], Person] = {}

    def person(given: str, family: str, dob: date | None) -> Person:
        if (given, family) not in people:
            people[given, family] = people_services.person_create(
                acting_user=user, given_names=given, family_name=family, date_of_birth=dob
            )
        return people[given, family]

    with measured("before: row by row through the services", len(rows)):
        for row in rows:
            child = person(row.child_given_names, row.child_family_name, row.child_date_of_birth)
            episode = services.episode_report(
                acting_user=user,
                child=child,
                reported_missing_at=row.reported_missing_at,
                reported_by_kind=row.reported_by,
                risk_level=row.risk_level,
                risk_reason=row.risk_reason,
                grading_officer=row.grading_officer,
            )
            assert row.returned_at is not None and row.found_at is not None
            services.episode_record_return(
                acting_user=user,
                episode=episode,
                expected_version=episode.version,
                returned_at=row.returned_at,
                how_returned=row.how_returned,
                found_with=[
                    person(w.given_names, w.family_name, w.date_of_birth) for w in row.found_with
                ],
                new_place={
                    "name": row.found_at.name,
                    "premises_type": row.found_at.premises_type,
                    "address_line_1": row.found_at.address,
                    "town": row.found_at.town,
                },
                vehicle_marks=row.vehicles,
            )


def with_database(rows: int, rng: random.Random, before_rows: int) -> None:
    os.environ.setdefault("VIGIL_VAR_DIR", tempfile.mkdtemp(prefix="vigil-missing-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from vigil.accounts.models import Agency, AgencyKind, Role, User
    from vigil.missing import selectors
    from vigil.missing.imports import import_missing_export
    from vigil.people import services as people_services
    from vigil.people.models import Person

    print(f"database: {connection.vendor}")
    agency = Agency.objects.create(name="Bench Police", kind=AgencyKind.POLICE)
    user = User.objects.create(username="bench", agency=agency, role=Role.CSE_INVESTIGATOR)
    if before_rows:
        other = Agency.objects.create(name="Bench Police 2", kind=AgencyKind.POLICE)
        before_user = User.objects.create(
            username="bench-before", agency=other, role=Role.CSE_INVESTIGATOR
        )
        before_text = export_csv(before_rows, random.Random(1)).replace("Child", "Before")
        row_by_row(before_user, before_text, before_rows)

    # Screening re-screens the children a write touched once it commits; time the import
    # without those first, then a second file with them.
    hooks = list(people_services._RECORD_CHANGE_HOOKS)
    people_services._RECORD_CHANGE_HOOKS.clear()
    text = export_csv(rows, rng)
    with measured("after: import (bulk), without the re-screens", rows):
        result = import_missing_export(acting_user=user, text=text, filename="bench.csv")
    assert result.ok, result.errors[:5]
    people_services._RECORD_CHANGE_HOOKS.extend(hooks)
    print(
        f"  {result.people_added} people, {result.places_added} places, "
        f"{result.vehicles_added} vehicles added"
    )
    with measured("re-import (idempotent)", rows):
        again = import_missing_export(acting_user=user, text=text, filename="bench.csv")
    print(f"  {again.created} added, {again.unchanged} unchanged")
    if hooks:
        sample = max(1, rows // 10)
        other_text = export_csv(sample, random.Random(2)).replace("MIS/", "MIS-B/")
        other_text = other_text.replace("Child", "Kid")
        with measured("after: import with screening's on-commit re-screens", sample):
            result = import_missing_export(acting_user=user, text=other_text, filename="b2.csv")
        assert result.ok, result.errors[:5]

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
    assert child is not None
    timed("child's panel", lambda: selectors.child_summary(user, child, now=NOW))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--row-by-row", type=int, default=100)
    parser.add_argument("--no-db", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    pure(args.children, rng)
    if not args.no_db:
        with_database(args.rows, rng, args.row_by_row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
