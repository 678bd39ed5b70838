"""Benchmark: screening one child as a record page does it, with the database (issue 6). Prints
figures; not a test.

    VIGIL_VAR_DIR=/tmp/vigil-demo .venv/bin/vigil demo --no-serve
    VIGIL_VAR_DIR=/tmp/vigil-demo .venv/bin/python benchmarks/screening_record_page.py [--rounds 50]

For each child in the loaded database (the demo area, or any other): the time to
1. derive observations from POLE records (links, events, flags; a handful of queries),
2. compute the screening (stored observations + derived + judgement, through the pure core),
3. `ensure_current_screening` when nothing changed (what the person page's panel runs: compute,
   compare with the stored screening, write nothing),
and, for comparison, the pure core alone on the same inputs. p50 / p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _timed(action: Callable[[], Any], rounds: int) -> list[float]:
    action()  # warm caches (policy, taxonomy, connection)
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from vigil.accounts.models import Role, User
    from vigil.core import screening as core
    from vigil.people.models import Person
    from vigil.safeguarding import services
    from vigil.safeguarding.derived import derive_observations

    user = User.objects.filter(role=Role.CSE_INVESTIGATOR).first()
    if user is None:
        raise SystemExit("No investigator: load the demo first (vigil demo --no-serve)")
    rows: dict[str, list[float]] = {"derive": [], "compute": [], "panel": [], "core": []}
    children = 0
    today = services.today()
    for person in Person.objects.all():
        try:
            computed = services.compute_screening(person)
        except services.ScreeningRefused:
            continue
        children += 1
        observations = [
            core.Observation(o.code, o.observed_on, o.ref)
            for r in computed.result.reasons
            for o in r.observations
        ]
        rows["derive"] += _timed(lambda p=person: derive_observations(p, today), args.rounds)
        rows["compute"] += _timed(lambda p=person: services.compute_screening(p), args.rounds)
        rows["panel"] += _timed(
            lambda p=person: services.ensure_current_screening(acting_user=user, child=p),
            args.rounds,
        )
        rows["core"] += _timed(
            lambda p=person, obs=observations: core.advice_for(
                core.screen_child(
                    date_of_birth=p.date_of_birth,
                    assessed_on=today,
                    observations=obs,
                    in_care=p.in_care,
                )
            ),
            args.rounds,
        )
    print(f"{children} children x {args.rounds} rounds (ms)")
    for name, values in rows.items():
        if values:
            print(
                f"  {name:<8} p50 {statistics.median(values):7.2f}  p95 {_p(values, 0.95):7.2f}"
                f"  max {max(values):7.2f}"
            )


if __name__ == "__main__":
    main()
