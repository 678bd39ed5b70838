"""Benchmark for CSE screening (issue 6). Prints figures; not a test.

    .venv/bin/python benchmarks/screening.py [--children 1000000] [--workers N]

1. Re-screen N children (default 1,000,000) with about 10 observations each (5 to 15, drawn
   from the whole taxonomy over the last 2.5 years, so some fall outside their recency window),
   split across worker processes. Target: under 60 s on 2 cores.
2. Single-child latency, as on a record page (screen_child, then advice_for): p50 / p95 / p99
   over 10,000 children. Target: well under 5 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import time
from collections import Counter
from datetime import date, timedelta

from vigil.core.policy import load_policy
from vigil.core.screening import (
    Observation,
    advice_for,
    load_screening_policy,
    screen_child,
)
from vigil.core.taxonomy import load_taxonomy

ASSESSED_ON = date(2026, 2, 1)
CHUNK = 10_000


def _pool(rng: random.Random, size: int) -> list[Observation]:
    codes = [item.code for item in load_taxonomy()]
    # Weight warning signs and vulnerabilities up: they are most of what gets recorded.
    weights = [
        4 if item.kind in ("warning_sign", "vulnerability") else 1 for item in load_taxonomy()
    ]
    picked = rng.choices(codes, weights=weights, k=size)
    return [
        Observation(code, ASSESSED_ON - timedelta(days=rng.randrange(0, 900)), f"obs-{i}")
        for i, code in enumerate(picked)
    ]


def _children(rng: random.Random, pool: list[Observation], count: int) -> list[tuple]:
    out = []
    for _ in range(count):
        # Ages 3 to 17, so every observation in the pool is after birth.
        dob = ASSESSED_ON - timedelta(days=rng.randrange(3 * 366, 18 * 365 - 5))
        observations = rng.sample(pool, rng.randint(5, 15))
        out.append((dob, observations, rng.random() < 0.05))
    return out


def _worker(args: tuple[int, int]) -> tuple[int, int, float, float, Counter]:
    count, seed = args
    rng = random.Random(seed)
    pool = _pool(rng, 50_000)
    screened = observations = 0
    screen_seconds = generate_seconds = 0.0
    ranks: Counter = Counter()
    while screened < count:
        t0 = time.perf_counter()
        batch = _children(rng, pool, min(CHUNK, count - screened))
        t1 = time.perf_counter()
        for dob, obs, in_care in batch:
            result = screen_child(
                date_of_birth=dob, assessed_on=ASSESSED_ON, observations=obs, in_care=in_care
            )
            ranks[result.rank] += 1
            observations += len(obs)
        t2 = time.perf_counter()
        generate_seconds += t1 - t0
        screen_seconds += t2 - t1
        screened += len(batch)
    return screened, observations, screen_seconds, generate_seconds, ranks


def bulk(children: int, workers: int) -> None:
    load_screening_policy()  # compile once before forking, as a long-running service would
    shares = [children // workers + (1 if i < children % workers else 0) for i in range(workers)]
    start = time.perf_counter()
    with mp.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_worker, [(share, 1000 + i) for i, share in enumerate(shares)])
    wall = time.perf_counter() - start
    screened = sum(p[0] for p in parts)
    observations = sum(p[1] for p in parts)
    screen_cpu = sum(p[2] for p in parts)
    generate_cpu = sum(p[3] for p in parts)
    ranks: Counter = sum((p[4] for p in parts), Counter())
    levels = load_screening_policy().levels
    print(f"bulk re-screen: {screened:,} children, {observations:,} observations")
    print(f"  workers:            {workers} (cpu_count {os.cpu_count()})")
    print(f"  wall time:          {wall:.1f} s (includes generating the test data)")
    print(f"  rate (wall):        {screened / wall:,.0f} children/s")
    print(
        f"  screening time:     {screen_cpu:.1f} s total, {screen_cpu / workers:.1f} s per worker"
    )
    print(f"  per child:          {screen_cpu / screened * 1e6:.1f} us of screening")
    print(f"  data generation:    {generate_cpu:.1f} s (not screening)")
    print(
        "  levels:             "
        + ", ".join(f"{levels[r].label}: {ranks[r]:,}" for r in sorted(ranks))
    )
    print(f"  target <60 s wall:  {'met' if wall < 60 else 'MISSED'}")


def latency(samples: int = 10_000) -> None:
    rng = random.Random(7)
    pool = _pool(rng, 20_000)
    for label, size in (("about 10 observations", None), ("50 observations", 50)):
        children = _children(rng, pool, samples)
        timings = []
        for dob, obs, in_care in children:
            if size:
                obs = rng.sample(pool, size)
            t0 = time.perf_counter()
            result = screen_child(
                date_of_birth=dob, assessed_on=ASSESSED_ON, observations=obs, in_care=in_care
            )
            advice_for(result)
            timings.append(time.perf_counter() - t0)
        q = statistics.quantiles(timings, n=100)
        print(
            f"single screen + advice, {label}: p50 {q[49] * 1e3:.3f} ms, "
            f"p95 {q[94] * 1e3:.3f} ms, p99 {q[98] * 1e3:.3f} ms, max {max(timings) * 1e3:.3f} ms"
        )
    # First screen in a fresh process pays for loading and compiling the policy.
    load_policy.cache_clear()
    load_screening_policy.cache_clear()
    load_taxonomy.cache_clear()
    t0 = time.perf_counter()
    screen_child(date_of_birth=date(2012, 1, 1), assessed_on=ASSESSED_ON, observations=[])
    cold_ms = (time.perf_counter() - t0) * 1e3
    print(f"cold first screen (reads and compiles the policy files): {cold_ms:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    latency()
    bulk(args.children, args.workers)


if __name__ == "__main__":
    main()
