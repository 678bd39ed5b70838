"""How far the linkage model is from the best any model comparing these fields could do.

Scores the synthetic area's records with our model (as linkage_synthetic.py's "vigil" does),
keeping every scored pair down to probability 0.01, and compares, pair by pair (before
clustering), two ways of deciding which pairs are the same person:

* model: the pairs scored 0.5 or above;
* oracle: the pairs whose pattern (the level each comparison fell into: "given name exact,
  DOB missing, family name differs, address and postcode agree") is more often the same person
  than not, counted from the truth. No model reading these levels can beat it at telling a
  pattern's duplicates from its strangers; a model with finer evidence (a name's frequency)
  can, a little, within a pattern.

Also prints the patterns where the model and the truth disagree most (true pairs scored below
0.5, wrong pairs at or above it), with each pattern's mean probability and how often it is the
same person: where the two differ, the model is miscalibrated there; where they agree, its
errors are the data's ambiguity. Pairs never scored (not blocked, or below 0.01) count as
missed by both.

    .venv/bin/python benchmarks/linkage_headroom.py --people 200000 [--seed 2026] [--top 15]

The area is generated as linkage_synthetic.py does it (its --dir default).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from linkage_febrl4 import scores
from linkage_synthetic import add_area_arguments, area_directory, area_records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_area_arguments(parser, people=200_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    records, truth = area_records(area_directory(args))

    from vigil.core.linkage import link_records

    started = time.perf_counter()
    result = link_records(records, 0.9, min_pair_probability=0.01, train_model=True)
    seconds = time.perf_counter() - started
    # each pattern of levels -> its pairs and their probabilities
    patterns: dict[tuple[str, ...], list[tuple[frozenset, float]]] = defaultdict(list)
    for pair in result.pairs:
        assert pair.explanation is not None
        key = frozenset((pair.left, pair.right))
        patterns[tuple(f.level for f in pair.explanation.fields)].append(
            (key, pair.match_probability)
        )
    model = {key for pairs in patterns.values() for key, p in pairs if p >= 0.5}
    oracle = {
        key
        for pairs in patterns.values()
        if 2 * sum(key in truth for key, _ in pairs) > len(pairs)
        for key, _ in pairs
    }
    scored = {key for pairs in patterns.values() for key, _ in pairs}
    print(
        f"synthetic area (seed {args.seed}): {len(records):,} records, {len(truth):,} true "
        f"pairs; scored in {seconds:.0f} s, {len(scored):,} pairs at 0.01 or above, "
        f"{len(truth - scored):,} true pairs never scored"
    )
    for name, found in (("model at 0.5", model), ("oracle", oracle)):
        figures = scores(found, truth)
        print(
            f"  {name:14s} TP {figures['true_pos']:,} FP {figures['false_pos']:,} "
            f"F1 {figures['f1']:.4f}"
        )
    print("  errors by pattern: true, wrong, mean p, share true, true < 0.5, wrong >= 0.5")
    rows = []
    for pattern, pairs in patterns.items():
        same = sum(key in truth for key, _ in pairs)
        missed = sum(key in truth and p < 0.5 for key, p in pairs)
        wrong = sum(key not in truth and p >= 0.5 for key, p in pairs)
        mean = sum(p for _, p in pairs) / len(pairs)
        rows.append((missed + wrong, same, len(pairs) - same, mean, missed, wrong, pattern))
    rows.sort(key=lambda row: -row[0])
    for _, same, other, mean, missed, wrong, pattern in rows[: args.top]:
        print(
            f"  {same:6,} {other:6,} {mean:5.2f} {same / (same + other):5.2f} "
            f"{missed:5,} {wrong:5,}  " + " | ".join(pattern)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
