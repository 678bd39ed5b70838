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

from linkage_synthetic import area_records, ensure_area


def f1(true_pos: int, false_pos: int, n_true: int) -> float:
    return 2 * true_pos / (2 * true_pos + false_pos + (n_true - true_pos))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    directory = args.dir or Path(f"/tmp/vigil-linkage-area-{args.people}-{args.seed}")
    records, truth = area_records(ensure_area(args.people, args.seed, directory))

    from vigil.core.linkage import link_records

    started = time.perf_counter()
    result = link_records(records, 0.9, min_pair_probability=0.01, train_model=True)
    seconds = time.perf_counter() - started
    # pattern -> [true pairs, wrong pairs, sum of probabilities, true below 0.5, wrong at 0.5+]
    patterns: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0, 0.0, 0, 0])
    model_tp = model_fp = scored_true = 0
    for pair in result.pairs:
        assert pair.explanation is not None
        same = frozenset((pair.left, pair.right)) in truth
        linked = pair.match_probability >= 0.5
        counts = patterns[tuple(f.level for f in pair.explanation.fields)]
        counts[0 if same else 1] += 1
        counts[2] += pair.match_probability
        counts[3] += same and not linked
        counts[4] += linked and not same
        model_tp += same and linked
        model_fp += linked and not same
        scored_true += same
    oracle_tp = int(sum(c[0] for c in patterns.values() if c[0] > c[1]))
    oracle_fp = int(sum(c[1] for c in patterns.values() if c[0] > c[1]))
    n = len(truth)
    print(
        f"synthetic area (seed {args.seed}): {len(records):,} records, {n:,} true pairs; "
        f"scored in {seconds:.0f} s, {len(result.pairs):,} pairs at 0.01 or above, "
        f"{n - scored_true:,} true pairs never scored"
    )
    for name, tp, fp in (("model at 0.5", model_tp, model_fp), ("oracle", oracle_tp, oracle_fp)):
        print(f"  {name:14s} TP {tp:,} FP {fp:,} F1 {f1(tp, fp, n):.4f}")
    print("  errors by pattern: true, wrong, mean p, share true, true < 0.5, wrong >= 0.5")
    worst = sorted(patterns.items(), key=lambda item: -(item[1][3] + item[1][4]))
    for pattern, (same, other, total, missed, wrong) in worst[: args.top]:
        print(
            f"  {int(same):6,} {int(other):6,} {total / (same + other):5.2f} "
            f"{same / (same + other):5.2f} {int(missed):5,} {int(wrong):5,}  " + " | ".join(pattern)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
