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

Measured 2026-11-26 on the shared 2-core machine (load average ~10, nice 10), SQLite:
  100,000 people (536,937 keys): built in 255 s; p50 230 ms, p95 301 ms, max 392 ms,
  found 99.5%. Most of a lookup is DuckDB planning Splink's 15 kB scoring query (~60 ms for
  50 candidates); the build is ~2.5 ms a person, so 1,000,000 takes about 45 minutes here.
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


def build(n: int, seed: int = 11) -> tuple[Any, list[dict[str, Any]]]:
    from django.db import transaction

    from vigil.accounts.models import Agency, AgencyKind, Role, User
    from vigil.core.linkage import blocking_keys
    from vigil.core.linkage.standardise import standardise_record
    from vigil.linkage.models import PersonBlockingKey, PersonLinkageRecord
    from vigil.linkage.services import linkage_input
    from vigil.people.models import Person

    rng = random.Random(seed)
    agency, _ = Agency.objects.get_or_create(
        name="Benchmark Police", defaults={"kind": AgencyKind.POLICE}
    )
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        "bench", password="x" * 16, agency=agency, role=Role.INTELLIGENCE_ANALYST
    )
    given, family = _names(rng, 4000), _names(rng, 20000)
    start, span = date(1950, 1, 1), (date(2020, 1, 1) - date(1950, 1, 1)).days
    people: list[dict[str, Any]] = []
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
            made = Person.objects.bulk_create(rows, batch_size=5000)
            std = [standardise_record(linkage_input(p)) for p in made]
            PersonLinkageRecord.objects.bulk_create(
                (
                    PersonLinkageRecord(person_id=p.pk, record=r, person_version=1)
                    for p, r in zip(made, std, strict=True)
                ),
                batch_size=5000,
            )
            PersonBlockingKey.objects.bulk_create(
                (
                    PersonBlockingKey(person_id=p.pk, key=k[:160])
                    for p, r in zip(made, std, strict=True)
                    for k in sorted(set(blocking_keys(r)))
                ),
                batch_size=10_000,
            )
        people.extend(
            {"given": p.given_names, "family": p.family_name, "dob": p.date_of_birth}
            for p in made[:: max(1, n // 2000)]
        )
    print(f"  built {n} people and their index in {time.perf_counter() - t:.0f} s")
    return user, people


def measure(user: Any, sample: list[dict[str, Any]], lookups: int = 200) -> dict[str, float]:
    from vigil.linkage.selectors import already_known

    rng = random.Random(7)
    already_known(user, given_names="Warm", family_name="Up", date_of_birth=date(2000, 1, 1))
    times, found = [], 0
    for _ in range(lookups):
        person = rng.choice(sample)
        dob = person["dob"]
        if rng.random() < 0.2 and dob.day <= 12 and dob.day != dob.month:
            dob = date(dob.year, dob.day, dob.month)
        t = time.perf_counter()
        out = already_known(
            user, given_names=_typo(rng, person["given"]), family_name=person["family"],
            date_of_birth=dob,
        )  # fmt: skip
        times.append((time.perf_counter() - t) * 1000)
        found += bool(out)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
        "max_ms": round(times[-1], 1),
        "found_share": round(found / lookups, 3),
    }


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    setup_django()
    from django.db import connection

    from vigil.linkage.models import PersonBlockingKey

    built = 0
    user = None
    sample: list[dict[str, Any]] = []
    for n in sorted(sizes):
        user, more = build(n - built, seed=n)
        sample += more
        built = n
        keys = PersonBlockingKey.objects.count()
        figures = measure(user, sample)
        print(
            f"already known? at {n} people ({keys} blocking keys, {connection.vendor}): {figures}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
