"""How close the whole-force search for group-based CSE comes to the planted networks of the
synthetic force area (issue 10). Prints figures; not a test.

    VIGIL_VAR_DIR=/tmp/vigil-net2 nice .venv/bin/vigil demo --no-serve --people 50000
    VIGIL_VAR_DIR=/tmp/vigil-net2 nice .venv/bin/python benchmarks/networks_synthetic.py [--plain]

Runs the app's own search (`selectors.community_candidates`, what `vigil networks-analyse`
keeps) on the demo database named by VIGIL_VAR_DIR / DATABASE_URL, and compares its flagged
groups with the planted `networks` of VIGIL_VAR_DIR/synthetic-truth.json (docs/synthetic-area.md).
A planted network's people are its offenders and victims (primary person records).

Figures: seconds; flagged groups and their sizes (all members, and people only); planted
networks recovered (one flagged group holds >= 80% of the network's people) and the best
Jaccard of people per network; flagged groups with no planted offender ("false alarms": the
hand-shaped small demo's group is one of them, as it is not in the truth file). `--plain`
also runs the search as it was before tight groups (`analyse` on plain Leiden) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

RECOVERED_SHARE = 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plain", action="store_true", help="also run the untightened search")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from django.conf import settings

    from vigil.core.networks import analyse
    from vigil.networks import selectors

    truth_path = Path(settings.VAR_DIR) / "synthetic-truth.json"
    if not truth_path.exists():
        sys.exit(f"no ground truth at {truth_path}: run `vigil demo --no-serve` first")
    truth = json.loads(truth_path.read_text())
    networks = truth["networks"]

    started = time.perf_counter()
    candidates, figures = selectors.community_candidates()
    seconds = time.perf_counter() - started
    print(
        f"demo: {truth['people']:,} people (seed {truth['seed']}), "
        f"{len(networks)} planted networks; graph {figures['records']:,} records, "
        f"{figures['links']:,} links"
    )
    report("tight (the app now)", [c["members"] for c in candidates], networks, seconds)

    if args.plain:
        started = time.perf_counter()
        graph = selectors._collect(None, "", "", every_condition=True)
        view = graph.view()
        result = analyse(view, seed=0, resolution=selectors.analysis_resolution(view))
        groups = [result.communities.members(c) for c in sorted(result.flags)]
        report("plain Leiden (before)", groups, networks, time.perf_counter() - started)


def report(
    title: str, groups: list[list[str]], networks: list[dict[str, Any]], seconds: float
) -> None:
    people_groups = [{m for m in g if m.startswith("person:")} for g in groups]
    sizes = sorted((len(g) for g in groups), reverse=True)
    people_sizes = sorted((len(g) for g in people_groups), reverse=True)
    print(f"\n== {title}: {seconds:.1f} s")
    print(f"flagged groups: {len(groups)}")
    if sizes:
        print(
            f"  members: largest {sizes[:8]}, median {statistics.median(sizes):g}, "
            f"over 60: {sum(s > 60 for s in sizes)}"
        )
        print(f"  people:  largest {people_sizes[:8]}, median {statistics.median(people_sizes):g}")
    offenders = {f"person:{i}" for n in networks for i in n["offenders"]}
    false_alarms = sum(1 for g in people_groups if not g & offenders)
    recovered = recovered_groups = groups_planted = 0
    jaccards = []
    for network in networks:
        planted = {f"person:{i}" for i in (*network["offenders"], *network["victims"])}
        best_share, best_jaccard, best_size = 0.0, 0.0, 0
        for group in people_groups:
            common = len(planted & group)
            if not common:
                continue
            best_share = max(best_share, common / len(planted))
            jaccard = common / len(planted | group)
            if jaccard > best_jaccard:
                best_jaccard, best_size = jaccard, len(group)
        recovered += best_share >= RECOVERED_SHARE
        if len(network["offenders"]) >= 2:  # only these can meet the NPCC definition alone
            groups_planted += 1
            recovered_groups += best_share >= RECOVERED_SHARE
        jaccards.append(best_jaccard)
        print(
            f"  {network['id']} {network['type']:<26} {network['size']:<6} "
            f"people {len(planted):>3}  best share {best_share:4.0%}  "
            f"best Jaccard {best_jaccard:.2f} (group of {best_size} people)"
        )
    print(
        f"recovered (>= {RECOVERED_SHARE:.0%} of a network's people in one flagged group): "
        f"{recovered}/{len(networks)}; mean best Jaccard {statistics.fmean(jaccards or [0]):.2f}; "
        f"Jaccard >= 0.5: {sum(j >= 0.5 for j in jaccards)}"
    )
    print(
        f"  of the {groups_planted} networks with two or more offenders (a group by the NPCC "
        f"definition): {recovered_groups} recovered"
    )
    print(f"false alarms (flagged groups with no planted offender): {false_alarms}")


if __name__ == "__main__":
    main()
