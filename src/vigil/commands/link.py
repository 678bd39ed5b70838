"""`vigil link INPUT.csv [INPUT2.csv ...] --out clusters.csv [--threshold P] [--pairs pairs.csv]`.

Inputs have the columns source,record_id,given_name,family_name,date_of_birth,postcode,
address,phone (any but source and record_id may be blank). Writes source,record_id,cluster_id
with every input record exactly once, and with --pairs each scored pair with why (every
comparison's level and match weight). Bad input exits 2 naming the problem and writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vigil.core.linkage.pipeline import INPUT_COLUMNS, ScoredPair

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    pass


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def read_inputs(paths: list[Path]) -> list[dict[str, str]]:
    """All records from all inputs, checked: required columns present, and each
    (source, record_id) non-blank and unique across every file."""
    records: list[dict[str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as error:
            raise BadInput(f"{path}: cannot read ({error.strerror})") from None
        with handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in INPUT_COLUMNS if c not in header]
            if missing:
                raise BadInput(f"{path}: missing column(s): {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                if None in row:
                    raise BadInput(f"{path}:{line}: more fields than the header has")
                record = {c: (row.get(c) or "").strip() for c in INPUT_COLUMNS}
                key = (record["source"], record["record_id"])
                if not key[0] or not key[1]:
                    raise BadInput(f"{path}:{line}: source and record_id must not be blank")
                if key in seen:
                    raise BadInput(
                        f"{path}:{line}: duplicate source,record_id {key[0]},{key[1]} "
                        f"(first seen in {seen[key]})"
                    )
                seen[key] = f"{path}:{line}"
                records.append(record)
    return records


def _write_atomically(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    """Write a CSV to a temporary file, then rename it: a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_clusters(path: Path, records: list[dict[str, str]], clusters: dict) -> None:
    rows = ([r["source"], r["record_id"], clusters[(r["source"], r["record_id"])]] for r in records)
    _write_atomically(path, ["source", "record_id", "cluster_id"], rows)


def write_pairs(path: Path, pairs: list[ScoredPair]) -> None:
    """Every scored pair, best first, with why: each comparison's level and match weight."""
    comparisons = list(
        dict.fromkeys(f.comparison for p in pairs if p.explanation for f in p.explanation.fields)
    )
    header = ["source_l", "record_id_l", "source_r", "record_id_r", "match_probability",
              "match_weight", "linked"]  # fmt: skip
    for comparison in comparisons:
        header += [comparison, f"{comparison}_weight"]
    rows = []
    for pair in pairs:
        fields = {f.comparison: f for f in pair.explanation.fields} if pair.explanation else {}
        row: list[Any] = [*pair.left, *pair.right, f"{pair.match_probability:.6f}",
                          f"{pair.match_weight:.2f}", "yes" if pair.linked else "no"]  # fmt: skip
        for comparison in comparisons:
            evidence = fields.get(comparison)
            row += [evidence.level, f"{evidence.match_weight:.2f}"] if evidence else ["", ""]
        rows.append(row)
    _write_atomically(path, header, rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="vigil link",
        description="Link person records that refer to the same person (Splink, DuckDB).",
    )
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT.csv")
    parser.add_argument("--out", required=True, type=Path, metavar="clusters.csv")
    parser.add_argument(
        "--threshold", type=_probability, default=0.9, metavar="P",
        help="match probability at or above which two records are linked (default 0.9: a wrong "
             "link joins two people's records, so the default favours precision; on 1,000,000 "
             "synthetic records precision 0.994 and recall 0.936 at 0.9, 0.989 and 0.959 at 0.5)",
    )  # fmt: skip
    parser.add_argument(
        "--pairs", type=Path, metavar="pairs.csv",
        help="also write every pair of records scored at or above 0.5 (or the threshold, if "
             "lower): their match probability and weight, whether they were linked, and each "
             "comparison's level and weight (why)",
    )  # fmt: skip
    parser.add_argument(
        "--engine", "--backend", dest="backend", choices=["duckdb", "spark"], default=None,
        help="linkage engine: embedded DuckDB or Spark (needs pyspark and Java; the master is "
             "VIGIL_SPARK_MASTER, default local[*]); default: VIGIL_LINKAGE_ENGINE, else duckdb",
    )  # fmt: skip
    households = parser.add_mutually_exclusive_group()
    households.add_argument(
        "--no-households", dest="households", action="store_false", default=None,
        help="the inputs hold no households (no siblings, twins or parents sharing an address): "
             "count family name and address as independent evidence (default: decided from "
             "the records, and the guard is on for fewer than 1,000 records)",
    )  # fmt: skip
    households.add_argument(
        "--households", dest="households", action="store_true", default=None,
        help="the inputs hold households: always guard against linking a household into one "
             "person",
    )  # fmt: skip
    args = parser.parse_args(argv)

    try:
        records = read_inputs(args.inputs)
    except BadInput as error:
        print(f"vigil link: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    from vigil.core.linkage import LinkageBackendError, link_records

    try:
        result = link_records(
            records,
            threshold=args.threshold,
            backend=args.backend,
            household_safe=args.households,
        )
    except LinkageBackendError as error:
        print(f"vigil link: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    write_clusters(args.out, records, result.clusters)
    if args.pairs is not None:
        write_pairs(args.pairs, result.pairs)
    n_clusters = len(set(result.clusters.values()))
    if result.households is not None and args.households is None:
        print(f"households: {result.households.describe()}")
    print(
        f"{len(records)} records -> {n_clusters} people "
        f"({'trained' if result.trained else 'prior'} model, threshold {args.threshold})"
    )
    return 0
