"""`vigil networks`: communities, group-based CSE flags and key players from two CSV files.

    vigil networks --nodes nodes.csv --edges edges.csv --json [--graphml OUT]

nodes.csv: id,kind,role (kind person|phone|vehicle|account|location; role
suspect|victim|at_risk|none for people, blank for anything else).
edges.csv: source,target,kind[,weight] (weight defaults to 1). Optional extra columns:
first_seen, last_seen (YYYY-MM-DD), grading ("recorded fact" or a 3x5x2 grade like "1A P"), id.

Output with --json (issue 10 contract):
    {"communities": [{"id", "members", "suspects", "children", "group_based_cse",
                      "key_players"}], "stats": {"nodes", "edges", "seconds"}}
Bad input exits 2, naming the file and row on stderr, with nothing on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from vigil.core.dates import parse_iso_date
from vigil.core.networks import (
    NODE_KINDS,
    ROLES,
    Link,
    NetworkInputError,
    Node,
    analyse,
    build_network,
    write_graphml,
)

NODE_COLUMNS = ("id", "kind", "role")
EDGE_COLUMNS = ("source", "target", "kind")
T = TypeVar("T")


class _BadInput(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits 2 already; keep its message on stderr and stdout empty
        self.print_usage(sys.stderr)
        raise _BadInput(message)


def _arguments() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vigil networks",
        description="Find communities, group-based CSE and key players in a POLE network.",
    )
    parser.add_argument("--nodes", required=True, type=Path, help="nodes.csv: id,kind,role")
    parser.add_argument(
        "--edges", required=True, type=Path, help="edges.csv: source,target,kind[,weight]"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--graphml", type=Path, help="also write the network as GraphML here")
    parser.add_argument("--seed", type=int, default=0, help="Leiden seed (default 0)")
    parser.add_argument(
        "--resolution", type=float, help="modularity resolution (default: scaled to the graph)"
    )
    parser.add_argument("--from", dest="start", help="keep links seen on or after YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="keep links seen on or before YYYY-MM-DD")
    parser.add_argument("--link-kinds", help="comma-separated link kinds to keep")
    parser.add_argument("--min-grade", help='e.g. 2B, or "recorded fact"')
    parser.add_argument(
        "--include-restricted",
        action="store_true",
        help="include handling-code C links (only if you are within their conditions)",
    )
    return parser


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, int, dict[str, str]]]:
    """(row number, line number, row) for each data row; row 1 is the first after the header."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [(name or "").strip().lower() for name in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            if missing:
                raise _BadInput(f"{path.name}: missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            rows = []
            for number, row in enumerate(reader, start=1):
                if None in row:
                    raise _BadInput(f"{path.name} row {number}: more fields than the header")
                values = {k: (v or "").strip() for k, v in row.items()}
                rows.append((number, reader.line_num, values))
            return rows
    except OSError as error:
        raise _BadInput(f"{path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise _BadInput(f"{path.name}: not a readable CSV file ({error})") from None


def _node(row: dict[str, str]) -> Node:
    kind, role = row["kind"].lower(), row["role"].lower()
    if kind not in NODE_KINDS:
        raise ValueError(f"kind {row['kind']!r} is not one of {'|'.join(NODE_KINDS)}")
    if kind == "person":
        if role not in ROLES:
            raise ValueError(f"role {row['role']!r} is not one of {'|'.join(ROLES)}")
    elif role not in ("", "none"):
        raise ValueError(f"role {row['role']!r} given for a {kind}; roles are for people")
    return Node(row["id"], kind, role or "none")


def _link(row: dict[str, str]) -> Link:
    weight_text = row.get("weight", "")
    try:
        weight = float(weight_text) if weight_text else 1.0
    except ValueError:
        raise ValueError(f"weight {weight_text!r} is not a number") from None
    return Link(
        source=row["source"],
        target=row["target"],
        kind=row["kind"],
        weight=weight,
        first_seen=_date(row, "first_seen"),
        last_seen=_date(row, "last_seen"),
        grading=row.get("grading", ""),
        id=row.get("id") or None,
    )


def _date(row: dict[str, str], column: str) -> date | None:
    return parse_iso_date(row[column], column) if row.get(column) else None


def _parse(
    rows: list[tuple[int, int, dict[str, str]]], name: str, make: Callable[[dict[str, str]], T]
) -> list[T]:
    records: list[T] = []
    for number, line, row in rows:
        try:
            records.append(make(row))
        except ValueError as error:
            raise _BadInput(f"{name} row {number} (line {line}): {error}") from None
    return records


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    try:
        args = _arguments().parse_args(argv)
        node_rows = _rows(args.nodes, NODE_COLUMNS)
        edge_rows = _rows(args.edges, EDGE_COLUMNS)
        nodes = _parse(node_rows, args.nodes.name, _node)
        links = _parse(edge_rows, args.edges.name, _link)
        try:
            network = build_network(nodes, links)
        except NetworkInputError as error:
            if error.record == "node":
                rows, name = node_rows, args.nodes.name
            else:
                rows, name = edge_rows, args.edges.name
            number, line, _ = rows[error.index]
            raise _BadInput(f"{name} row {number} (line {line}): {error.message}") from None
        window = None
        if args.start or args.end:
            window = (
                parse_iso_date(args.start, "--from") if args.start else None,
                parse_iso_date(args.end, "--to") if args.end else None,
            )
        view = network.view(
            window=window,
            link_kinds=args.link_kinds.split(",") if args.link_kinds else None,
            minimum_grade=args.min_grade,
            # The file is the user's own; restricted links stay out unless they say otherwise.
            may_see_restricted=(lambda _link: True) if args.include_restricted else None,
        )
    except _BadInput as error:
        print(f"vigil networks: {error}", file=sys.stderr)
        return 2
    except ValueError as error:  # dates and grades given as options
        print(f"vigil networks: {error}", file=sys.stderr)
        return 2

    analysis = analyse(view, seed=args.seed, resolution=args.resolution)
    summaries = analysis.summaries()
    if args.graphml:
        try:
            write_graphml(view, args.graphml, communities=analysis.communities)
        except OSError as error:
            print(f"vigil networks: cannot write {args.graphml}: {error}", file=sys.stderr)
            return 1
    seconds = round(time.perf_counter() - started, 3)
    if args.json:
        result = {
            "communities": [
                {
                    "id": s.id,
                    "members": s.members,
                    "suspects": s.suspects,
                    "children": s.children,
                    "group_based_cse": s.group_based_cse,
                    "key_players": s.key_players,
                }
                for s in summaries
            ],
            "stats": {"nodes": view.node_count, "edges": view.link_count, "seconds": seconds},
        }
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return 0
    flagged = [s for s in summaries if s.group_based_cse]
    print(
        f"{view.node_count} nodes, {view.link_count} links, {len(summaries)} communities, "
        f"{len(flagged)} flagged as group-based CSE ({seconds} s)"
    )
    for s in flagged:
        flag = analysis.flags[s.id]
        print(f"community {s.id} ({len(s.members)} members): group-based CSE")
        print(f"  suspects: {', '.join(flag.suspects)}")
        print(f"  children: {', '.join(flag.children)}")
        print(f"  key players: {', '.join(s.key_players)}")
        print(f"  evidence: {len(flag.evidence)} links")
    return 0
