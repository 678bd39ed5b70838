"""Benchmark for missing episodes (issue 7). Prints figures; not a test.

    .venv/bin/python benchmarks/missing.py [--children 100000] [--rows 20000] [--no-db]
        [--row-by-row 100] [--repeat 10]

1. Pure rules: derived indicators for N children with 1 to 10 episodes each, and the
   missing-together sweep over all their episodes.
2. With a throwaway database (a temporary VIGIL_VAR_DIR for SQLite, or DATABASE_URL):
   "before": `--row-by-row` rows stored one at a time through the screens' services
   (`episode_report`, `episode_record_return`: the import's path before it went bulk);
   "after": import a force export of `--rows` episodes (validated by the same rules,
   audited, POLE links written), with and without screening's on-commit re-screens (they run
   after the import's transaction has committed); re-import it (idempotent); then time each
   list page end to end (an HTTP GET through Django's test client: login, need-to-know, the
   audit entries, the template) and one child's missing panel, printing p50/p95 over
   `--repeat` requests. The export spreads `--rows` episodes over the last year, as a force
   would see them: found mostly at scattered addresses, a fifth at a few hotspot hotels, so
   episodes overlap and share places as they do when children go missing together. Rates are
   printed per wall-clock second and per CPU second (the second is steadier on a shared
   machine). Last, what keeping the stored missing-together links adds to a write.

List pages at 20,200 episodes (`--pages-only --repeat 20`, p50 / p95 ms, end to end), round 3.
Measured while the lead's CI ran pytest -n 2 on both cores (load average 3.0-3.7), so these are
upper bounds; the brief's quiet-machine figures for round 2 are in the first column:
                          round 2, quiet      round 3, SQLite      round 3, PostgreSQL
                          (SQLite)            (load 3.0-3.1)       (load 3.3-3.7)
  missing now             17 / 265            25 / 41              42 / 61
  RHIs due (open)         134 / 201           223 / 355            202 / 258
  repeat missing          29 / 37             31 / 50              71 / 87
  where found             436 / 552           370 / 455            388 / 462
  missing together        1,254 / 1,786       292 / 381            346 / 448
  child's missing panel   127 / 300           72 / 123             102 / 158
A PostgreSQL run at load 3.0-4.4 gave where found 400 / 600 and missing together 372 / 460.
Round 3: "missing together" reads stored links (MissingTogetherLink, vigil.missing.together:
two overlapping episodes of different children and the place, companion, vehicle or "each
other" they shared; 2,102 at this scale), kept by the report/return services and the import in
their transaction, filtered per user by need-to-know and the overlap at the reader's "now";
the page shows 10 peer groups (the largest join 10-35 children, each audited: 50 groups named
~580 children and their audit took half the time). "Where found" names 5 children and 5
companions per place and shows 15 places a page (at most 165 consultations, was ~450), and
reads when each place was last used for the page's places only. A write's extra cost (rolled
back, same loads): refreshing one episode's links 8 / 13 ms (SQLite) and 42 / 49 ms (PG), at
the busiest place (218 episodes) 18 / 43 and 70 / 142 ms; rebuilding all 1.2 s / 2.6 s (an
import of more than 500 episodes does this). PostgreSQL after ANALYZE of the new table. The
child's whole person page (other apps' panels) is ~1.4-3 s under this load: not this issue's.
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
    hotels = [(f"Hotel {i}", f"{i} Station Road", "hotel") for i in range(20)]
    addresses = [(f"Address {i}", f"{i} Long Lane", "home") for i in range(max(20, rows // 4))]
    span_minutes = 365 * 24 * 60
    for n in range(rows):
        child = n % max(1, rows // 3)
        # Spread over the year before NOW, in order, so a child's episodes follow each other.
        start = NOW - timedelta(minutes=span_minutes * (rows - n) / rows + rng.randint(0, 600))
        end = start + timedelta(hours=rng.randint(2, 40))
        name, address, premises = rng.choice(hotels if rng.random() < 0.2 else addresses)
        lines.append(
            f"MIS/{n},Child{child},Family{child},2011-0{1 + child % 9}-1{child % 9},"
            f"{start.astimezone(LONDON):%Y-%m-%d %H:%M},childrens_home,Oakfield House,"
            f"childrens_home,14 Oakfield Road,Northam,{rng.choice(['low', 'medium', 'high'])},"
            f"CSE concerns,PS 1 Hale,{end.astimezone(LONDON):%Y-%m-%d %H:%M},found_by_police,"
            f"{name},{premises},{address},Northam,Adult{n % 500} Person{n % 500} 1990-01-01,"
            f"AB{n % 900 + 10} CDE"
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


def _import(rows: int, rng: random.Random, before_rows: int) -> Any:
    """Import the export (and, for the "before" figure, rows one at a time); the user."""
    from vigil.accounts.models import Agency, AgencyKind, Role, User
    from vigil.missing.imports import import_missing_export
    from vigil.people import services as people_services

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
        sample = max(1, min(rows // 10, 200))
        other_text = export_csv(sample, random.Random(2)).replace("MIS/", "MIS-B/")
        other_text = other_text.replace("Child", "Kid")
        with measured("after: import with screening's on-commit re-screens", sample):
            result = import_missing_export(acting_user=user, text=other_text, filename="b2.csv")
        assert result.ok, result.errors[:5]

    return user


def with_database(
    rows: int, rng: random.Random, before_rows: int, repeat: int, pages_only: bool = False
) -> None:
    os.environ.setdefault("VIGIL_VAR_DIR", tempfile.mkdtemp(prefix="vigil-missing-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from vigil.missing import selectors  # loaded now: the code timed is the code at start

    call_command("migrate", verbosity=0)
    from vigil.accounts.models import User
    from vigil.people.models import Person

    print(f"database: {connection.vendor}")
    # --pages-only times the pages again over the episodes a previous run imported (same
    # VIGIL_VAR_DIR or DATABASE_URL): e.g. before and after a change to the selectors.
    user = User.objects.get(username="bench") if pages_only else _import(rows, rng, before_rows)

    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)  # signed in with the second factor, as after the code step
    device = TOTPDevice.objects.create(user=user, name="Bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def percentiles(label: str, call: Any) -> None:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{label}: p50 {statistics.median(times):,.0f} ms, p95 {p95:,.0f} ms ({repeat} runs)")

    def page(name: str, *args: object) -> Any:
        url = reverse(name, args=args)

        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    episodes = selectors.MissingEpisode.objects.count()
    print(f"pages at {episodes:,} episodes, end to end (GET with need-to-know and audit):")
    percentiles("  missing now", page("missing_now"))
    percentiles("  RHIs (open)", page("missing_interviews"))
    percentiles("  repeat missing", page("missing_repeat"))
    percentiles("  where found", page("missing_where_found"))
    percentiles("  missing together", page("missing_together"))
    busiest = (
        selectors.MissingEpisode.objects.values("child_id")
        .annotate(n=Count("id"))
        .order_by("-n", "child_id")
        .first()
    )
    assert busiest is not None
    child = Person.objects.get(pk=busiest["child_id"])
    percentiles(
        f"  child's missing panel ({busiest['n']} episodes; selector)",
        lambda: selectors.child_summary(user, child),
    )
    percentiles("  child's person page (whole page)", page("person_detail", child.pk))
    together_writes(percentiles)


def together_writes(percentiles: Any) -> None:
    """What keeping the stored missing-together links costs a write: one episode's refresh
    (as `episode_record_return` does, at the busiest place and at an ordinary one) and a
    rebuild of them all (as an import of more than REBUILD_ABOVE episodes does); rolled back."""
    from django.db import transaction
    from django.db.models import Count

    from vigil.missing.models import MissingEpisode
    from vigil.missing.together import rebuild_together_links, refresh_together_links

    class Undo(Exception):
        pass

    def rolled_back(call: Any) -> Any:
        def run() -> None:
            with contextlib.suppress(Undo), transaction.atomic():
                call()
                raise Undo

        return run

    places = MissingEpisode.objects.exclude(found_at=None).values("found_at_id").order_by()
    busiest = places.annotate(n=Count("id")).order_by("-n", "found_at_id").first()
    quietest = places.annotate(n=Count("id")).order_by("n", "found_at_id").first()
    if busiest is None or quietest is None:
        return
    hotspot = MissingEpisode.objects.filter(found_at_id=busiest["found_at_id"]).first()
    ordinary = MissingEpisode.objects.filter(found_at_id=quietest["found_at_id"]).first()
    print("stored missing-together links (a write's extra cost, rolled back):")
    assert hotspot is not None and ordinary is not None
    percentiles(
        f"  refresh one episode at the busiest place ({busiest['n']} episodes)",
        rolled_back(lambda: refresh_together_links([hotspot.pk])),
    )
    percentiles("  refresh one episode", rolled_back(lambda: refresh_together_links([ordinary.pk])))
    started = time.perf_counter()
    with contextlib.suppress(Undo), transaction.atomic():
        made = rebuild_together_links()
        raise Undo
    print(f"  rebuild all: {made:,} links in {time.perf_counter() - started:.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20_000, help="episodes in the export")
    parser.add_argument("--repeat", type=int, default=10, help="requests per page timed")
    parser.add_argument("--row-by-row", type=int, default=100)
    parser.add_argument("--no-db", action="store_true")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only time the pages, over a previous run's database (set VIGIL_VAR_DIR or "
        "DATABASE_URL to it)",
    )
    args = parser.parse_args()
    rng = random.Random(7)
    pure(args.children, rng)
    if not args.no_db:
        with_database(args.rows, rng, args.row_by_row, args.repeat, args.pages_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
