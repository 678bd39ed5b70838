""" "Already known?" lookup latency (issue 11 target: p95 under 200 ms at 1M people).

Builds N synthetic person records in a scratch database (SQLite in a temporary VIGIL_VAR_DIR,
or DATABASE_URL if set), indexes them as a linkage run would (PersonLinkageRecord and
PersonBlockingKey), then times the endpoint's logic, `selectors.already_known` (blocking-key
query with need-to-know, scoring with the Splink model, audit of each suggestion), for
lookups typed as near-duplicates of existing people (a typo in the given name, or a nickname,
the DOB sometimes with day and month swapped). Prints p50/p95/max in milliseconds.

Names are drawn Zipf-like from a few thousand made-up given and family names, so common names
are common (the hard case for blocking).

    .venv/bin/python benchmarks/already_known.py 100000 [1000000 ...]

Also times the most common given + family name (Zipf rank 1, the widest blocking keys) and
the same lookups through GET /api/linkage/already-known/, prints the process's CPU time per
lookup (what a lookup costs without waiting for a shared core) and the database's plan for the
ranking query. People are indexed by `index_all_people` (as `vigil linkage-index`), with 2
worker processes standardising.

Measured 2026-11-26 01:46-02:23 on the shared 2-core machine, nice 10, the SQLite and
PostgreSQL runs side by side and beside other helpers' benchmarks (load average 6.5-13), so
wall times are mostly waiting for a core; CPU time (this process) is the guide to a quiet one.

  build, index only (`index_all_people`, 2 workers; people inserted separately):
    SQLite      100k in 134 s (749/s); +900k in 1000 s (900/s), load ~10-13
    PostgreSQL  100k in 85 s (1,175/s); +900k in 598 s (1,504/s), load ~10-13
    (was ~2.5 ms a person with bulk_create: 1M about 45 min at load ~10)
  100,000 people (536,598 keys), 200 near-duplicates typed, selector end to end:
    SQLite      p50 279, p95 426, max 494 ms; CPU p50 68, p95 99 ms; found 98.5% (load 8.5)
    PostgreSQL  p50 244, p95 380, max 529 ms; CPU p50 57, p95 86 ms; found 98.5% (load 9.0)
  1,000,000 people (5,365,318 keys), after the ranking change (selectors.KEY_WEIGHTS; sample
  of 2,000 people drawn from the database):
    SQLite      p50 92, p95 142, max 328 ms; CPU p50 59, p95 90 ms; found 82% (load 7.2)
                most common name p50 117 / p95 137 ms; API p50 87 / p95 156 / max 193 ms
    PostgreSQL  p50 81, p95 148, max 222 ms; CPU p50 54, p95 90 ms; found 82% (load 6.5)
                most common name p50 120 / p95 156 ms; API p50 138 / p95 188 / max 242 ms
  1,000,000 before it (every key counted alike), the script's own sample: SQLite p50 92 /
  p95 185 ms, PostgreSQL p50 298 / p95 672 ms (load 9.5-9.6); found only 75.5%: a typo that
  changed the names' sound left the person tied with thousands on the broad name key.
  Misses left at 1M are scored below the threshold by the untrained prior (1 in 1M).
  Plans: SQLite SEARCH ... USING COVERING INDEX (key, person); PostgreSQL Bitmap Index Scan
  on personblockingkey_unique (the common name: ~11,800 key rows, HashAggregate, top 200).

Measured again 2026-12-06 (session 9; the scoring model has since gained levels), 1,000,000
people, 200 near-duplicates typed; SQLite on a quiet machine (load 1.5), PostgreSQL beside the
demo's set-up (load 3.9):
    SQLite      build 47 s + index 98 s (10,155/s); p50 25, p95 30, max 34 ms; CPU p50 24,
                p95 29 ms; most common name p50 31 / p95 35 ms; API p50 28 / p95 34 / max 115 ms
    PostgreSQL  build 96 s + index 106 s (9,449/s); p50 41, p95 61, max 75 ms; CPU p50 27,
                p95 31 ms; most common name p50 46 / p95 74 ms; API p50 52 / p95 74 / max 82 ms
    found 81.5% on both (the untrained prior: no linkage run in the scratch database).

Most of a lookup's CPU is still DuckDB planning Splink's 15 kB scoring query (binding ~25 ms
idle, ~60% of a lookup under cProfile); the optimizer is now off for it (identical results,
tests/core/test_linkage_index.py). A PREPAREd statement did not help (DuckDB re-binds it on
each EXECUTE).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from typing import Any

SYLLABLES = [
    "ka", "ly", "leigh", "jo", "dan", "mar", "cus", "am", "ara", "chi", "di", "pre", "cious",
    "li", "am", "mo", "ham", "med", "ai", "sha", "ol", "iv", "er", "em", "ily", "ja", "son",
    "ro", "bert", "ze", "nab", "ty", "ler", "ha", "ris", "on", "ste", "ven", "an", "na",
]  # fmt: skip


def _names(rng: random.Random, count: int) -> list[str]:
    out: set[str] = set()
    while len(out) < count:
        out.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(out)


def _zipf_choice(rng: random.Random, names: list[str]) -> str:
    # Rank r with probability ~ 1/r: a few very common names, a long tail of rare ones.
    return names[min(int(len(names) ** rng.random()) - 1, len(names) - 1)]


def _typo(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, max(len(name) - 1, 2))
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + "e" + name[i:]


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["VIGIL_VAR_DIR"] = tempfile.mkdtemp(prefix="vigil-already-known-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    sys.path.insert(0, "src")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def _insert_people(people: list[Any]) -> None:
    """INSERT people in one executemany: bulk_create spent most of a 1M build preparing
    model instances. Every column as bulk_create would write it (from the first person), then
    each person's names and DOB, the only columns that differ here."""
    from django.db import connection

    from vigil.people.models import Person

    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    first = people[0]
    template = [f.get_db_prep_save(f.pre_save(first, add=True), connection) for f in fields]
    at = {f.attname: i for i, f in enumerate(fields)}
    rows = []
    for person in people:
        row = list(template)
        row[at["given_names"]] = person.given_names
        row[at["family_name"]] = person.family_name
        row[at["date_of_birth"]] = connection.ops.adapt_datefield_value(person.date_of_birth)
        rows.append(row)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Person._meta.db_table)} ({columns}) VALUES ({marks})",
            rows,
        )


def build(n: int, seed: int = 11, workers: int = 2) -> tuple[Any, list[dict[str, Any]], str]:
    """Add n people, then index them as `vigil linkage-index` does. Returns the user, a sample
    of the people (to type in as near-duplicates) and the build figures."""
    from django.db import transaction

    from vigil.accounts.models import Agency, AgencyKind, Role, User
    from vigil.linkage.models import PersonLinkageRecord
    from vigil.linkage.services import index_all_people
    from vigil.people.models import Person

    rng = random.Random(seed)
    agency, _ = Agency.objects.get_or_create(
        name="Benchmark Police", defaults={"kind": AgencyKind.POLICE}
    )
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password="x" * 16, agency=agency, role=Role.INTELLIGENCE_ANALYST
    )
    given, family = _names(random.Random(11), 4000), _names(random.Random(12), 20000)
    start, span = date(1950, 1, 1), (date(2020, 1, 1) - date(1950, 1, 1)).days
    people: list[dict[str, Any]] = []
    indexed = PersonLinkageRecord.objects.order_by("-person_id").values_list("person_id", flat=True)
    after = indexed.first() or 0
    batch = 20_000
    t = time.perf_counter()
    for offset in range(0, n, batch):
        rows = [
            Person(
                owning_agency=agency,
                created_by=user,
                updated_by=user,
                given_names=_zipf_choice(rng, given),
                family_name=_zipf_choice(rng, family),
                date_of_birth=start + timedelta(days=rng.randrange(span)),
            )
            for _ in range(min(batch, n - offset))
        ]
        with transaction.atomic():
            _insert_people(rows)
        people.extend(
            {"given": p.given_names, "family": p.family_name, "dob": p.date_of_birth}
            for p in rows[:: max(1, n // 2000)]
        )
    people_s = time.perf_counter() - t
    t = time.perf_counter()
    done = index_all_people(after=after, workers=workers)
    index_s = time.perf_counter() - t
    figures = (
        f"{n} people added in {people_s:.0f} s; {done} indexed in {index_s:.0f} s "
        f"({done / index_s:,.0f} a second, {workers} workers)"
    )
    print(f"  {figures}", flush=True)
    return user, people, figures


def common_names() -> tuple[str, str]:
    """The most common given and family name (Zipf rank 1): the worst case for blocking."""
    return _names(random.Random(11), 4000)[0], _names(random.Random(12), 20000)[0]


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(int(0.95 * len(times)) - 1, 0)], 1),
        "max_ms": round(times[-1], 1),
    }


def _lookups(rng: random.Random, sample: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        person = rng.choice(sample)
        dob = person["dob"]
        if rng.random() < 0.2 and dob.day <= 12 and dob.day != dob.month:
            dob = date(dob.year, dob.day, dob.month)
        out.append(
            {
                "given_names": _typo(rng, person["given"]),
                "family_name": person["family"],
                "date_of_birth": dob,
            }
        )
    return out


def measure(user: Any, sample: list[dict[str, Any]], lookups: int = 200) -> dict[str, float]:
    """Near-duplicates typed in, through the selector (need-to-know, scoring, audit)."""
    from vigil.linkage.selectors import already_known

    rng = random.Random(7)
    already_known(user, given_names="Warm", family_name="Up", date_of_birth=date(2000, 1, 1))
    times, cpu, found = [], [], 0
    for query in _lookups(rng, sample, lookups):
        t, c = time.perf_counter(), time.process_time()
        out = already_known(user, **query)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        found += bool(out)
    # CPU time of this process: what a lookup costs without waiting for a shared core (on
    # SQLite all of it; on PostgreSQL the server's share is not counted).
    own = {f"cpu_{k}": v for k, v in _percentiles(cpu).items() if k != "max_ms"}
    return {**_percentiles(times), **own, "found_share": round(found / lookups, 3)}


def measure_common(user: Any, lookups: int = 50) -> dict[str, float]:
    """The most common given and family name typed in as a user types: surname first, then
    the given name, then a DOB (Zipf rank 1: thousands of people share the name key)."""
    from vigil.linkage.selectors import already_known

    given, family = common_names()
    rng = random.Random(5)
    times = []
    for i in range(lookups):
        query: dict[str, Any] = {"family_name": family, "given_names": given}
        if i % 2:
            query["date_of_birth"] = date(1950, 1, 1) + timedelta(days=rng.randrange(25000))
        t = time.perf_counter()
        already_known(user, **query)
        times.append((time.perf_counter() - t) * 1000)
    return _percentiles(times)


def measure_api(user: Any, sample: list[dict[str, Any]], lookups: int = 100) -> dict[str, float]:
    """The same lookups through GET /api/linkage/already-known/ (DRF, session auth, JSON)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    # Signed in with the second factor, as after the code step.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    rng = random.Random(8)
    client.get("/api/linkage/already-known/", {"given_names": "Warm", "family_name": "Up"})
    times = []
    for query in _lookups(rng, sample, lookups):
        params = {**query, "date_of_birth": query["date_of_birth"].isoformat()}
        t = time.perf_counter()
        response = client.get("/api/linkage/already-known/", params)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:200]
    return _percentiles(times)


def explain_common() -> str:
    """The lookup's ranking query for the most common name, as the database plans it."""
    from vigil.core.linkage import blocking_keys
    from vigil.core.linkage.standardise import standardise_record
    from vigil.linkage.selectors import _ranked_by_shared_keys

    given, family = common_names()
    row = standardise_record(
        {"source": "q", "record_id": "q", "given_name": given, "family_name": family}
    )
    query = _ranked_by_shared_keys(blocking_keys(row))
    return query.explain()


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    setup_django()
    from django.conf import settings
    from django.db import connection

    from vigil.linkage.models import PersonBlockingKey

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    built = 0
    user = None
    sample: list[dict[str, Any]] = []
    for n in sorted(sizes):
        user, more, _ = build(n - built, seed=n)
        sample += more
        built = n
        keys = PersonBlockingKey.objects.count()
        print(f"already known? at {n} people ({keys} blocking keys, {connection.vendor}):")
        print(f"  selector, near-duplicates: {measure(user, sample)}", flush=True)
        print(f"  selector, most common name: {measure_common(user)}", flush=True)
        print(f"  GET /api/linkage/already-known/: {measure_api(user, sample)}", flush=True)
        print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    print("ranking query for the most common name:\n" + explain_common())
    return 0


if __name__ == "__main__":
    sys.exit(main())
