"""Benchmark for search at scale (issue 4). Prints figures; not a test.

    .venv/bin/python benchmarks/search.py [--people 1000000] [--seed 1] [--queries 200]
        [--backends sqlite,postgresql] [--postgres postgres://postgres@127.0.0.1:5432]
        [--workdir /tmp/vigil-bench-search]

Loads N person records of the synthetic force area (vigil.synthetic, without events) into a
fresh SQLite database and a fresh PostgreSQL database in the same run, through the loader's
bulk path (the rows the services write; the audit log and NameKey rows are left out, as search
reads neither), then times seven kinds of query on each:

    name exact, name with a typo (sound-alike: 'Kaylegh Smyth'), alias or nickname, date of
    birth, phone (international form), registration mark (any spacing), postcode

both end to end through `vigil.people.selectors.search` (the function the search page and the
API call: need-to-know filter, ranking, total, fetching the people, one audit entry per record
shown) as a Northshire Police CSE investigator, and as the bare database statement (the same
index lookup, without the permission filter, the audit or building records). Reports p50/p95
per kind and the end-to-end/bare ratio. Targets at 1M: end-to-end p95 under 50 ms and within
3x of the bare query.

The generation runs once in this process and is written to both databases; each measurement
runs in a child process of its own, configured for one database, as a server would be.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("name exact", "name typo", "alias", "date of birth", "phone", "VRM", "postcode")
PG_DATABASE = "vigil_bench_search"


# --- Loading (parent) -------------------------------------------------------------------------


def _setup_django(sqlite_path: Path, postgres_url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.config.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
    import dj_database_url
    import django
    from django.conf import settings

    if postgres_url:
        settings.DATABASES["pg"] = dj_database_url.parse(postgres_url)
        settings.DATABASES["pg"]["CONN_MAX_AGE"] = 0
    django.setup()


def _fresh_postgres(server: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    return f"{server}/{PG_DATABASE}"


class Samples:
    """Reservoir samples of what people will search for, kept while the area streams past."""

    def __init__(self, size: int, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.seen: dict[str, int] = {}
        self.items: dict[str, list[Any]] = {c: [] for c in CATEGORIES}

    def offer(self, category: str, item: Any) -> None:
        n = self.seen.get(category, 0) + 1
        self.seen[category] = n
        bucket = self.items[category]
        if len(bucket) < self.size:
            bucket.append(item)
        else:
            j = self.rng.randrange(n)
            if j < self.size:
                bucket[j] = item


def _sound_alike_typo(name: str, rng: random.Random) -> str | None:
    """A keying slip that sounds the same (the kind of typo search is built to tolerate)."""
    from vigil.core.names import sound_code

    word = name.lower()
    candidates = []
    for old, new in (
        ("ei", "ie"),
        ("ie", "ei"),
        ("y", "i"),
        ("i", "y"),
        ("ph", "f"),
        ("th", "t"),
        ("ck", "k"),
        ("ll", "l"),
        ("mm", "m"),
        ("nn", "n"),
        ("ss", "s"),
        ("tt", "t"),
        ("ee", "ea"),
        ("ou", "ow"),
        ("a", "e"),
    ):
        if old in word[1:]:
            i = word.index(old, 1)
            candidates.append(word[:i] + new + word[i + len(old) :])
    for i in range(1, len(word) - 1):
        if word[i] in "aeiou":
            candidates.append(word[:i] + word[i + 1 :])
    rng.shuffle(candidates)
    for candidate in candidates:
        if candidate != word and sound_code(candidate) == sound_code(word):
            return candidate.capitalize()
    return None


def load(args: argparse.Namespace) -> dict[str, Any]:
    """Generate once; write every batch to each database; return the query sets."""
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sqlite_path = workdir / "search.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    backends = args.backends.split(",")
    postgres_url = _fresh_postgres(args.postgres) if "postgresql" in backends else None
    _setup_django(sqlite_path, postgres_url)

    from django.core.management import call_command
    from django.db import connections, transaction

    from vigil.core.identifiers import format_vrm
    from vigil.synthetic.generator import AreaGenerator
    from vigil.synthetic.loader import SEQUENCED, BulkWriter, ensure_agencies_and_staff

    aliases = {"sqlite": "default", "postgresql": "pg"}
    used = [aliases[b] for b in backends]
    figures: dict[str, Any] = {"load_seconds": {}}
    # Some data migrations read the default database: migrate it even when only PostgreSQL
    # is measured.
    for alias in dict.fromkeys(["default", *used]):
        started = time.perf_counter()
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        figures["load_seconds"][alias] = time.perf_counter() - started
    # Bulk load without the per-row index upkeep: the FTS5 insert trigger and the GIN index
    # are rebuilt once at the end, as any bulk import would.
    with connections["default"].cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("DROP TRIGGER people_name_fts_insert")
    if "pg" in used:
        with connections["pg"].cursor() as cursor:
            cursor.execute("DROP INDEX people_name_tsv")
    writers = {}
    for alias in used:
        agencies, staff = ensure_agencies_and_staff(using=alias)
        offsets = dict.fromkeys(
            ("person", "name", "identifier", "object", "location", "link", "event"), 0
        )
        writers[alias] = BulkWriter(
            agencies, staff, offsets, using=alias, audit=False, name_keys=False
        )

    samples = Samples(args.queries, args.seed)
    rng = random.Random(args.seed)
    area = AreaGenerator(args.people, args.seed, date(2026, 3, 1), events=False, batch_size=20_000)
    generated = 0.0
    written = dict.fromkeys(used, 0.0)
    stream = iter(area.batches())
    done = 0
    while True:
        t0 = time.perf_counter()
        batch = next(stream, None)
        generated += time.perf_counter() - t0
        if batch is None:
            break
        for alias, writer in writers.items():
            t0 = time.perf_counter()
            with transaction.atomic(using=alias):
                writer.write(batch)
            written[alias] += time.perf_counter() - t0
        _sample(batch, samples, rng, format_vrm)
        done += len(batch.people)
        print(
            f"  loaded {done:>9,} people  (generate {generated:6.1f} s, "
            + ", ".join(f"{a} {s:6.1f} s" for a, s in written.items())
            + ")",
            flush=True,
        )

    t0 = time.perf_counter()
    with connections["default"].cursor() as cursor:
        cursor.execute("INSERT INTO people_name_fts(people_name_fts) VALUES ('rebuild')")
        cursor.execute(
            "CREATE TRIGGER people_name_fts_insert AFTER INSERT ON people_personnameindex BEGIN "
            "INSERT INTO people_name_fts(rowid, keys) VALUES (new.person_id, new.keys); END"
        )
        cursor.execute("ANALYZE")
    written["default"] += time.perf_counter() - t0
    if "pg" in used:
        from django.core.management.color import no_style

        t0 = time.perf_counter()
        conn = connections["pg"]
        with conn.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(
                "CREATE INDEX people_name_tsv ON people_personnameindex "
                "USING gin (to_tsvector('simple'::regconfig, keys))"
            )
            for sql in conn.ops.sequence_reset_sql(no_style(), list(SEQUENCED)):
                cursor.execute(sql)
        conn.close()
        import psycopg

        assert postgres_url is not None
        with psycopg.connect(postgres_url, autocommit=True) as raw:
            raw.execute("VACUUM ANALYZE")
        written["pg"] += time.perf_counter() - t0

    figures.update(
        people=args.people,
        generate_seconds=generated,
        write_seconds=written,
        urls={"sqlite": f"sqlite:///{sqlite_path}", "postgresql": postgres_url},
        queries={c: samples.items[c] for c in CATEGORIES},
    )
    return figures


def _sample(batch: Any, samples: Samples, rng: random.Random, format_vrm: Any) -> None:
    homes = {loc.id: loc for loc in batch.locations}
    people = {p.id: p for p in batch.people}
    for person in batch.people:
        samples.offer("name exact", {"text": f"{person.given_names} {person.family_name}"})
        if person.date_of_birth and rng.random() < 0.2:
            samples.offer("date of birth", {"dob": person.date_of_birth.strftime("%d/%m/%Y")})
        if rng.random() < 0.2:
            typo = _sound_alike_typo(person.family_name, rng)
            if typo:
                samples.offer("name typo", {"text": f"{person.given_names} {typo}"})
    for name in batch.names:
        owner = people.get(name.person)
        if owner:
            family = name.family_name or owner.family_name
            samples.offer("alias", {"text": f"{name.given_names} {family}".strip()})
    for obj in batch.objects:
        if obj.kind == "phone":
            samples.offer("phone", {"text": "+44 " + obj.phone_number.replace(" ", "")[1:]})
        elif obj.kind == "vehicle":
            samples.offer("VRM", {"text": format_vrm(obj.vrm).replace(" ", "").lower()})
    for loc in homes.values():
        if loc.postcode and rng.random() < 0.3:
            samples.offer("postcode", {"text": loc.postcode})


# --- Measuring (child, one database) ----------------------------------------------------------


def _bare_statements(category: str, query: dict[str, str]) -> list[tuple[str, Any]]:
    """The database work for the query with nothing around it: the same lookups, no
    permission filter, no audit, no records built."""
    from django.db import connection
    from django.db.models import Count, Window

    from vigil.core.identifiers import normalise_phone, normalise_postcode, normalise_vrm
    from vigil.people.models import Link, Location, Person, PoleObject
    from vigil.people.name_index import NameQuery
    from vigil.people.selectors import parse_date_of_birth_query

    def page(qs: Any) -> Any:
        return qs.annotate(total=Window(Count("pk"))).order_by("pk").values_list("pk", "total")[:25]

    if category == "date of birth":
        dob = parse_date_of_birth_query(query["dob"])
        assert dob is not None
        qs = page(
            Person.objects.filter(date_of_birth__gte=dob.earliest, date_of_birth__lte=dob.latest)
        )
        return [qs.query.sql_with_params()]
    text = query["text"]
    if category == "phone":
        phone = normalise_phone(text)
        objects = PoleObject.objects.filter(search_key=phone).values_list("pk")[:25]
        users = Link.objects.filter(to_object__search_key=phone, from_person__isnull=False)
        people = page(Person.objects.filter(pk__in=users.values("from_person_id")))
        return [objects.query.sql_with_params(), people.query.sql_with_params()]
    if category == "VRM":
        qs = PoleObject.objects.filter(search_key=normalise_vrm(text)).values_list("pk")[:25]
        return [qs.query.sql_with_params()]
    if category == "postcode":
        qs = Location.objects.filter(postcode_key=normalise_postcode(text)).values_list("pk")[:25]
        return [qs.query.sql_with_params()]
    name = NameQuery.parse(text)
    assert name is not None
    qs = (
        Person.objects.filter(pk__in=name.matching_ids(connection.vendor))
        .annotate(search_score=name.score(), search_total=Window(Count("pk")))
        .order_by("-search_score", "pk")
        .values_list("pk", "search_score", "search_total")[:25]
    )
    return [qs.query.sql_with_params()]


def measure(url: str, queries: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CONN_MAX_AGE", "600")
    import django

    django.setup()
    from django.db import connection

    from vigil.accounts.models import Agency, Role, User
    from vigil.people.selectors import parse_date_of_birth_query, search

    user, _ = User.objects.get_or_create(
        username="bench.investigator",
        defaults={
            "agency": Agency.objects.get(name="Northshire Police"),
            "role": Role.CSE_INVESTIGATOR,
        },
    )
    results: dict[str, Any] = {}
    for category in CATEGORIES:
        items = queries[category]
        if not items:
            continue
        # Warm the caches the way a running server's would be.
        for item in items[:10]:
            _run_e2e(search, parse_date_of_birth_query, user, item)
        e2e, bare, hits = [], [], []
        for item in items:
            t0 = time.perf_counter()
            found = _run_e2e(search, parse_date_of_birth_query, user, item)
            e2e.append(time.perf_counter() - t0)
            hits.append(found)
            statements = _bare_statements(category, item)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            bare.append(time.perf_counter() - t0)
        results[category] = {
            "n": len(items),
            "e2e": _percentiles(e2e),
            "bare": _percentiles(bare),
            "found": sum(1 for h in hits if h) / len(hits),
            "mean_total": statistics.mean(h for h in hits),
        }
    return results


def _run_e2e(search: Any, parse: Any, user: Any, item: dict[str, str]) -> int:
    if "dob" in item:
        result = search(user, date_of_birth=parse(item["dob"]))
    else:
        result = search(user, text=item["text"])
    return result.people_total + len(result.objects) + len(result.locations)


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": 1000 * ordered[len(ordered) // 2],
        "p95": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
    }


# --- Report -----------------------------------------------------------------------------------


def report(load_figures: dict[str, Any], measured: dict[str, dict[str, Any]]) -> None:
    people = load_figures["people"]
    print()
    print(f"Search at {people:,} person records (seed {load_figures['seed']})")
    gen = load_figures["generate_seconds"]
    print(f"  generated in {gen:.1f} s ({people / gen:,.0f} people a second, no events)")
    for alias, seconds in load_figures["write_seconds"].items():
        name = "SQLite" if alias == "default" else "PostgreSQL"
        print(f"  {name}: written and indexed in {seconds:.1f} s")
    for backend, results in measured.items():
        print()
        print(f"{backend}: milliseconds, end to end (selectors.search as an investigator) and bare")
        print(
            f"  {'query':<14} {'e2e p50':>8} {'e2e p95':>8} {'bare p50':>9} {'bare p95':>9} "
            f"{'p95 ratio':>9} {'found':>6} {'mean hits':>9}  targets"
        )
        for category, r in results.items():
            e2e, bare = r["e2e"], r["bare"]
            ratio = e2e["p95"] / bare["p95"] if bare["p95"] else float("inf")
            ok = (
                "ok"
                if e2e["p95"] < 50 and ratio <= 3
                else ("p95 ok, ratio over 3x" if e2e["p95"] < 50 else "over 50 ms")
            )
            print(
                f"  {category:<14} {e2e['p50']:8.1f} {e2e['p95']:8.1f} {bare['p50']:9.2f} "
                f"{bare['p95']:9.2f} {ratio:9.1f} {r['found']:6.0%} {r['mean_total']:9.1f}  "
                f"{ok}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200, help="per kind of query")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workdir", default="/tmp/vigil-bench-search")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the databases the last run loaded into --workdir (no generation)",
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child: database URL
    parser.add_argument("--queries-file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        queries = json.loads(Path(args.queries_file).read_text())
        print(json.dumps(measure(args.measure, queries)))
        return 0

    figures_file = Path(args.workdir) / "loaded.json"
    queries_file = Path(args.workdir) / "queries.json"
    if args.reuse:
        figures = json.loads(figures_file.read_text())
        print(f"Reusing the {figures['people']:,} people loaded in {args.workdir}", flush=True)
    else:
        print(f"Loading {args.people:,} people into {args.backends} ...", flush=True)
        figures = load(args)
        figures["seed"] = args.seed
        queries_file.write_text(json.dumps(figures["queries"]))
        figures_file.write_text(json.dumps({k: v for k, v in figures.items() if k != "queries"}))
    measured = {}
    for backend in args.backends.split(","):
        print(f"Measuring {backend} ...", flush=True)
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                figures["urls"][backend],
                "--queries-file",
                str(queries_file),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        measured[{"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]] = json.loads(
            child.stdout.strip().splitlines()[-1]
        )
    report(figures, measured)
    return 0


if __name__ == "__main__":
    sys.exit(main())
