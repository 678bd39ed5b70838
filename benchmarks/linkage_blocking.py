"""Candidate pairs each of our blocking rules makes on the synthetic area, and what they find.

For each prediction blocking rule (model.prediction_blocking_rules), in order: the pairs it
joins (before Splink removes those an earlier rule already made), the pairs it adds (after),
the largest block, and how many of the true duplicate pairs it finds that no earlier rule did.
Scoring cost grows with the pairs, and memory with the largest of them: at 1M records the
rules made more pairs than a 24 GB machine could score (session 4). Counted in DuckDB with
SQL over the standardised records; nothing is scored.

    .venv/bin/python benchmarks/linkage_blocking.py --people 1000000 [--seed 2026] [--dir DIR]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb
import pyarrow as pa
from linkage_synthetic import area_records, ensure_area

from vigil.core.linkage.model import prediction_blocking_rules
from vigil.core.linkage.pipeline import STANDARD_SCHEMA, standardise_rows
from vigil.core.linkage.standardise import unique_id


def rule_sql(rule: object) -> str:
    """A blocking rule as a join condition on l and r."""
    if isinstance(rule, str):
        return rule
    return str(rule.get_blocking_rule("duckdb").blocking_rule_sql)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path)
    parser.add_argument(
        "--exact",
        action="store_true",
        help="also join each rule to count the pairs it adds and the true pairs it finds "
        "(slow when a rule makes billions of pairs)",
    )
    args = parser.parse_args()
    directory = args.dir or Path(f"/tmp/vigil-linkage-area-{args.people}-{args.seed}")
    records, truth = area_records(ensure_area(args.people, args.seed, directory))
    started = time.perf_counter()
    table = pa.Table.from_pylist(standardise_rows(records), schema=STANDARD_SCHEMA)
    print(f"{table.num_rows:,} records standardised in {time.perf_counter() - started:.0f} s")
    truth_table = pa.table(
        {
            "a": [unique_id(*min(p)) for p in truth],
            "b": [unique_id(*max(p)) for p in truth],
        }
    )
    db = duckdb.connect()
    db.register("records", table)
    db.register("truth", truth_table)
    found = "false"
    print(f"{len(truth):,} true pairs")
    print(f"{'rule':70s} {'joined':>14s} {'added':>14s} {'largest':>9s} {'new true':>9s}")
    total = 0
    # The rules' keys without the household gate, for the block sizes.
    for rule, plain in zip(
        prediction_blocking_rules(), prediction_blocking_rules(household_safe=False), strict=True
    ):
        condition = rule_sql(rule)
        started = time.perf_counter()
        if not args.exact:
            joined, largest = block_sizes(db, rule_sql(plain))
            total += joined
            print(f"{condition[:70]:70s} {joined:14,d} {'':>14s} {largest:9,d}", flush=True)
            continue
        joined, added, new_true = db.execute(
            f"""
            select count(*), count(*) filter (where not ({found})),
                   count(*) filter (where not ({found}) and t.a is not null)
            from records l join records r on ({condition}) and l.unique_id < r.unique_id
            left join truth t on t.a = l.unique_id and t.b = r.unique_id
            """
        ).fetchone()
        largest = block_sizes(db, rule_sql(plain))[1]
        total += added
        print(
            f"{condition[:70]:70s} {joined:14,d} {added:14,d} {largest:9,d} {new_true:9,d}"
            f"   ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        # As the pipeline does (model.exclude_by_keys): every rule carries the same gate, so a
        # pair this rule keeps was made by an earlier rule exactly when that rule's keys agree.
        found = f"({found}) or (coalesce(({rule_sql(plain)}), false))"
    what = "candidate pairs to score" if args.exact else "pairs joined (before removing repeats)"
    print(f"{what}: {total:,}")
    return 0


def block_sizes(db: duckdb.DuckDBPyConnection, condition: str) -> tuple[int, int]:
    """Pairs a rule joins and the records in its largest block, from counts of each key
    (no join): equality on columns, or one column equal to another."""
    pairs = re.findall(r'l\.("?\w+"?) = r\.("?\w+"?)', condition)
    left = ", ".join(a for a, _ in pairs)
    right = ", ".join(b for _, b in pairs)
    on = " and ".join(f"a.k{i} = b.k{i}" for i in range(len(pairs)))

    def keyed(columns: str) -> str:
        named = ", ".join(f"{c} as k{i}" for i, c in enumerate(columns.split(", ")))
        not_null = " and ".join(f"{c} is not null" for c in columns.split(", "))
        return f"select {named}, count(*) n from records where {not_null} group by all"

    if left == right:
        row = db.execute(f"select sum(n * (n - 1) / 2), max(n) from ({keyed(left)})").fetchone()
    else:
        row = db.execute(
            f"select sum(a.n * b.n), max(greatest(a.n, b.n)) "
            f"from ({keyed(left)}) a join ({keyed(right)}) b on {on}"
        ).fetchone()
    return int(row[0] or 0), int(row[1] or 0)


if __name__ == "__main__":
    sys.exit(main())
