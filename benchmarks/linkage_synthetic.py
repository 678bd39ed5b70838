"""Record linkage on the synthetic area's planted duplicates: ours vs Splink's default vs an
exact key, in the same run.

The area is written by `vigil generate --people N --seed S --out DIR` (people.csv in the
`vigil link` columns, truth.json with "same_person" clusters of record ids). Its households are
the trap issue 11 describes: siblings share family name, address, postcode and a parent's
phone, twins share a DOB too, fathers and sons share names. Prints pairwise precision, recall,
F1, seconds and peak memory (RSS high-water mark of a child process) for:

* vigil: our model as `vigil link` and the linkage job run it (the default configuration);
* splink_default: Splink's comparison-library defaults, as a team would build from its tutorial;
* exact_key: records with the same standardised given name + family name + DOB are one person.

With each, the household trap: households_merged (households, by standardised family name and
address, two of whose different people end up in one cluster) and the generator's confusable
twins and same-name fathers and sons put in one cluster (truth.json "confusable").

    .venv/bin/python benchmarks/linkage_synthetic.py --people 50000 [--seed 2026] [--dir DIR]
        [--pipelines vigil,splink_default,exact_key] [--threshold 0.9] [--also-at 0.5,0.7]
    .venv/bin/python benchmarks/linkage_synthetic.py --variant-overlap

The area is generated into DIR (default /tmp/vigil-linkage-area-N-S) unless it is already there.

Measured 2026-11-25 on a shared 2-core machine (load average ~18, so seconds are inflated
several-fold), seed 2026, threshold 0.9:
  50,000 records, 4,277 true pairs:
    vigil           P 0.972  R 0.882  F1 0.925   419 s  1147 MB
    splink_default  P 0.092  R 0.925  F1 0.167   283 s   533 MB
    exact_key       P 0.994  R 0.290  F1 0.448    12 s   177 MB
  After the placeholder-keyed DOB level, a blank postcode not counting against an agreeing
  address, and a lower u for a shared phone (2026-11-26, load ~10, the vigil model alone
  through link_records at threshold 0.9; FEBRL4 unchanged at F1 0.9977):
    vigil           P 0.969  R 0.918  F1 0.943   702 s
  1,000,000 records, 84,117 true pairs:
    exact_key       P 0.907  R 0.278  F1 0.425   328 s  1285 MB
  After a short-form given-name level (one name the start or end of the other: "Mo",
  "Seun") and a neighbour level (same street and postcode, another house number; the same
  house now needs the same number), 2026-11-26, load average 8-11 (seconds inflated), the
  vigil model alone through link_records at threshold 0.9 (FEBRL4 unchanged at F1 0.9977):
    seed 2026  vigil  P 0.973  R 0.922  F1 0.947  1463 s  1104 MB  (short form alone: 0.947)
    seed 7     vigil  P 0.950  R 0.920  F1 0.935  1504 s  1219 MB
  The prior is only a shift of every match weight, so it acts as the threshold does. Found
  from the scored pairs (lambda = expected matches / all pairs, iterated to a fixed point)
  it is 3.7e-6 on both seeds (truth 3.4e-6; the 60%-recall rule gives 1.6e-6): at that
  prior the 0.9 threshold gives F1 0.949 (seed 2026) and 0.938 (seed 7), computed offline
  from the scored pairs, not yet in the pipeline.
  1,000,000 records (seed 2026), 84,148 true pairs, load ~9.8:
    exact_key       P 0.906  R 0.277  F1 0.424   145 s  1284 MB
    (vigil at 1M not measured: stopped after 20 minutes at load ~10)
  2026-12-06, load average 4-7 (two seeds run side by side; seconds inflated), threshold 0.9,
  after (1) a supplementary given-name variant table (core/linkage/given_name_variants.json:
  Polish, Irish, South Asian, Arabic, African... diminutives, written from published sources
  without the generator's variant lists; --variant-overlap measures how far they agree),
  (2) the prior re-estimated from the scored pairs (model.estimate_prior, fixed point ~3.7e-6)
  and (3) clusters that never join two records whose DOBs disagree (pipeline.cluster). FEBRL4
  in the same session: vigil F1 0.9980, splink_default 0.9776.
    seed 2026, 4,277 true pairs:
      vigil           P 0.987  R 0.934  F1 0.960   527 s  1124 MB
      splink_default  P 0.092  R 0.923  F1 0.167    27 s   524 MB
      exact_key       P 0.993  R 0.286  F1 0.445     1 s   211 MB
    seed 7, 4,208 true pairs:
      vigil           P 0.981  R 0.930  F1 0.955   453 s  1145 MB
      splink_default  P 0.091  R 0.911  F1 0.165   105 s   529 MB
      exact_key       P 0.990  R 0.269  F1 0.423     5 s   212 MB
  The household trap (households_merged: households two of whose different people share a
  cluster): vigil 22 (seed 2026) / 26 (seed 7), splink_default 10,665 / 10,909, exact_key
  2 / 5; twins merged 4/133 and 5/143 (2 and 5 of those twins were given the same given name
  by the generator, so no model can part them), fathers and sons 0/102 and 0/115 (splink
  default: all).
  1,000,000 records (seed 2026), 83,975 true pairs, same day, load 3-5:
      splink_default  P 0.076  R 0.870  F1 0.139   988 s  13814 MB  (227,313 households merged)
      exact_key       P 0.905  R 0.279  F1 0.427    51 s   1674 MB
      (vigil at 1M not measured: stopped after 6 minutes, about 2 minutes of CPU, when it was
      clear it could not finish in the time left)
  Later the same day, after blocking was made to grow with the area (model._Ungated: rules
  leave out the pairs the household gate closes; street keys instead of the town-word keys;
  benchmarks/linkage_blocking.py counts them: 24,045 candidate pairs at 50,000 records, was
  15.5 million), threshold 0.9; FEBRL4 in the same session: vigil F1 0.998, splink_default
  0.9776:
    seed 2026, 4,277 true pairs (quiet machine but for tests):
      vigil           P 0.988  R 0.934  F1 0.960    63 s   802 MB  (20 households merged)
    seed 7, 4,208 true pairs (nice 19 beside a 1M run, so seconds are inflated):
      vigil           P 0.982  R 0.930  F1 0.955   410 s   979 MB  (22; twins 1/143)
      splink_default  P 0.091  R 0.911  F1 0.165   147 s   524 MB  (10,909)
      exact_key       P 0.995  R 0.269  F1 0.424     1 s   207 MB  (0)
  1,000,000 records (seed 2026, 83,623 true pairs): vigil still does not finish on a 24 GB
  machine. Blocking, training (the DOB-blocked EM pass refused: an m estimate underflows) and
  scoring in 16 chunks complete in about 18 minutes; gathering the scored pairs (every column
  and level of each, in an in-memory DuckDB database) then passed 21 GB and was stopped.
  2026-12-06 (session 6): scoring chunk by chunk, keeping only the pairs that can be kept
  (pipeline._score), the first-name-and-DOB-part rules in the same postcode district, and the
  swapped-names levels' m fixed (EM had squared it to 0.0 on the DOB pass). 50,000 records,
  same pairs as before on seed 2026: vigil P 0.988 R 0.934 F1 0.960 62 s 916 MB; seed 7:
  vigil P 0.982 R 0.930 F1 0.955 97 s 925 MB (splink_default 0.165, exact_key 0.424, same run).
  1,000,000 records (seed 2026, 83,623 true pairs, load ~2): vigil now finishes,
      vigil           P 0.713  R 0.911  F1 0.800  1021 s  7204 MB  (428 households merged;
                      twins 24/2868, fathers and sons 0/2099)
  but precision falls with scale (0.977 at 200,000 records, same code): EM's DOB pass took
  strangers sharing a given name and DOB for duplicates with another surname who had moved.
  With those two levels' m fixed (model.Level.fixed_m; link_records alone, beside a test run,
  load ~4): 1,000,000 records P 0.921 R 0.905 F1 0.913 in 1820 s (prior 3.7e-7, truth 1.7e-7);
  of 5,269 wrong links, 2,265 are strangers with the same given name, family name and DOB
  living elsewhere, and 538 swapped names counted twice (since mended). 50,000: F1 0.960.
  2026-12-06 (session 7): the u of DOB exact and of the house, phone and street levels taken
  from the records (model.SHARED_VALUE_U: sampled, DOB exact counted the given name's
  agreement twice; measured once at 50,000, a shared house is rarer in a larger area), the
  family name's term frequency given the given name (standardise.family_given_frequencies),
  and partial agreement floored at disagreement (model.floor_partial_agreement). The
  probabilities are now calibrated (200,000: pairs at 0.7-0.8 are 78% true, 0.8-0.9 87%;
  before, pairs at 0.5-0.7 were 23% true) and the prior estimated from the scored pairs is
  1.6e-7 at 1,000,000 records (truth 1.67e-7; was 3.6e-7). --also-at figures the other
  thresholds from the same run's scored pairs. 50,000 records:
    seed 2026  vigil  P 0.992 R 0.923 F1 0.956 (at 0.7: 0.964, at 0.5: P 0.985 R 0.954 0.969)
    seed 7     vigil  P 0.992 R 0.916 F1 0.953 (at 0.7: 0.960, at 0.5: 0.965); splink_default
               0.165, exact_key 0.424, same run
  200,000 records (seed 2026, link_records alone): P 0.987 R 0.907 F1 0.945 (was 0.951); at
  0.5: P 0.978 R 0.945 F1 0.961 (the session-6 model at 0.5: P 0.843, F1 0.891).
  1,000,000 records (seed 2026, 83,623 true pairs; beside a full test run, seconds inflated):
    vigil           P 0.992  R 0.854  F1 0.918  1788 s  7401 MB  (408 households merged;
                    twins 24/2868, fathers and sons 0/2099)
      at 0.8        P 0.986  R 0.880  F1 0.930
      at 0.7        P 0.976  R 0.903  F1 0.938
      at 0.5        P 0.954  R 0.929  F1 0.941
    splink_default  P 0.077  R 0.869  F1 0.141   642 s 10841 MB  (226,771 households merged;
                    twins 2868/2868, fathers and sons 2099/2099; at 0.5: F1 0.097)
    exact_key       P 0.906  R 0.278  F1 0.425    15 s  2919 MB
  At 0.5, of 3,715 wrong links about 1,800 are strangers with the same given name, family
  name and DOB (a pattern whose pairs at or above 0.5 are 65% true at this size).
  2026-12-06 (session 8): the house levels' u from how often records share an address WITH
  its postcode, as the levels compare them (the address alone recurs across postcodes: at
  1,000,000 records 1.1e-5 against 2.0e-6, so the shared house weighed 2.4 bits too little),
  the phone's from its own share over every record (it had the house's), and a level for a
  family name that differs at the same house (model.FAMILY_DIFFERS_AT_HOUSE, u 0.28 from the
  records). Seed 2026, link_records alone, quiet machine:
    50,000     P 0.992 R 0.932 F1 0.961 (at 0.7: 0.971, at 0.5: P 0.985 R 0.960 F1 0.972)
    50,000 seed 7  P 0.991 R 0.923 F1 0.956 (at 0.7: 0.966, at 0.5: 0.968); splink_default
               0.165, exact_key 0.424, same run
    200,000    P 0.987 R 0.916 F1 0.950 (at 0.7: 0.964, at 0.5: P 0.977 R 0.953 F1 0.965)
    1,000,000  P 0.990 R 0.871 F1 0.927  803 s  7410 MB  (430 households merged; twins
               24/2868, fathers and sons 0/2099)
      at 0.8   P 0.984 R 0.898 F1 0.939
      at 0.7   P 0.975 R 0.923 F1 0.948
      at 0.5   P 0.953 R 0.945 F1 0.949
  benchmarks/linkage_headroom.py compares the model pair by pair with an oracle that knows
  how often each pattern of comparison levels is the same person (before clustering): at
  1,000,000 records the model at 0.5 has F1 0.9426, the oracle 0.9432 (before this
  session's house and phone u: 0.9336); at 50,000, 0.9613 and 0.9636. Most wrong links left
  are strangers with the same given name, family name and DOB who live apart (2,278 such
  pairs at 1,000,000 records against 3,467 duplicates who moved).
  2026-12-06, after the synthetic area's names were given a long tail (synthetic/tables.py:
  two people shared a family name 1 time in 116, about 10 times as often as in England and
  Wales; now 1 in 1,050; 3,561 more British surnames, more given and family names for every
  origin). The model is unchanged; every figure below is on the new areas, each pipeline in
  the same run (1,000,000: beside a full test run, seconds inflated), threshold 0.9 unless
  said; FEBRL4 the same session: vigil 0.9978, splink_default 0.9776.
    50,000 seed 2026 (4,270 true pairs)
      vigil           P 0.997  R 0.953  F1 0.974    44 s  1129 MB  (at 0.8 0.979, 0.7 0.980,
                      0.5 P 0.995 R 0.966 F1 0.980; 10 households merged, twins 1/127,
                      fathers and sons 0/105)
      splink_default  P 0.097  R 0.947  F1 0.176    14 s   467 MB
      exact_key       P 0.998  R 0.293  F1 0.454     1 s   246 MB
    50,000 seed 7 (4,149): vigil 0.969 (0.8 0.977, 0.7 0.977, 0.5 0.977), splink_default
      0.170, exact_key 0.462
    200,000 (16,522): vigil P 0.994 R 0.948 F1 0.971, 72 s, 2511 MB (0.8 0.975, 0.7 0.976,
      0.5 P 0.990 R 0.962 F1 0.976); 51 households merged, twins 6/556, fathers 0/430
    1,000,000 (82,652 true pairs)
      vigil           P 0.994  R 0.936  F1 0.964  1089 s  7449 MB  (229 households merged,
                      twins 26/2849, fathers and sons 0/2100)
        at 0.8        P 0.992  R 0.951  F1 0.971
        at 0.7        P 0.991  R 0.955  F1 0.973
        at 0.5        P 0.989  R 0.959  F1 0.974
      splink_default  P 0.085  R 0.921  F1 0.156   292 s  6529 MB  (234,010 households merged)
      exact_key       P 0.993  R 0.294  F1 0.454    14 s  2657 MB
  linkage_headroom.py at 1,000,000: model at 0.5 F1 0.9669, oracle 0.9670. The oracle's one
  real edge (given name and family name exact, DOB missing, moved: 73% the same person, the
  model says 0.01) comes from the generator leaving a DOB blank only on a duplicate.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from linkage_febrl4 import PIPELINES, RecordKey, evaluate

SYNTHETIC_PIPELINES: dict[str, dict[str, Any]] = {
    "vigil": {},
    "splink_default": PIPELINES["splink_default"],
    "exact_key": {"exact_key": True},
}


def ensure_area(people: int, seed: int, directory: Path) -> Path:
    if not (directory / "truth.json").exists() or not (directory / "people.csv").exists():
        vigil = Path(sys.executable).parent / "vigil"
        started = time.perf_counter()
        subprocess.run(
            [str(vigil), "generate", "--people", str(people), "--seed", str(seed),
             "--out", str(directory)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        print(f"generated the area in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return directory


def add_area_arguments(parser: argparse.ArgumentParser, *, people: int) -> None:
    """The options naming a synthetic area: --people, --seed, --dir (area_directory)."""
    parser.add_argument("--people", type=int, default=people)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dir", type=Path)


def area_directory(args: argparse.Namespace) -> Path:
    """The area the options name, generated there first if it is not (ensure_area)."""
    directory = args.dir or Path(f"/tmp/vigil-linkage-area-{args.people}-{args.seed}")
    return ensure_area(args.people, args.seed, directory)


def area_records(directory: Path) -> tuple[list[dict[str, Any]], set[frozenset[RecordKey]]]:
    with (directory / "people.csv").open(newline="", encoding="utf-8") as handle:
        records: list[dict[str, Any]] = list(csv.DictReader(handle))
    source_of = {r["record_id"]: r["source"] for r in records}
    truth = json.loads((directory / "truth.json").read_text())
    pairs: set[frozenset[RecordKey]] = set()
    for group in truth["same_person"]:
        keys = [(source_of[str(i)], str(i)) for i in group]
        pairs.update(frozenset(p) for p in itertools.combinations(keys, 2))
    return records, pairs


def household_merges(
    directory: Path, records: list[dict[str, Any]], truth: set[frozenset[RecordKey]]
) -> Any:
    """A measure for evaluate(): the household trap, from the clusters.

    * households_merged: households (standardised family name + address) two of whose
      different people (no true pair) ended up in one cluster, and the number of such pairs;
    * twins_merged, father_and_son_merged: the generator's confusable pairs (truth.json
      "confusable") put in one cluster.
    """
    from vigil.core.linkage.standardise import standardise_address, standardise_name

    source_of = {r["record_id"]: r["source"] for r in records}
    home = {
        (r["source"], r["record_id"]): (
            standardise_name(r["family_name"]),
            standardise_address(r["address"]),
        )
        for r in records
    }
    confusable: dict[str, list[tuple[RecordKey, RecordKey]]] = {}
    for item in json.loads((directory / "truth.json").read_text()).get("confusable", []):
        a, b = ((source_of[str(i)], str(i)) for i in item["records"])
        confusable.setdefault(item["kind"], []).append((a, b))

    def measure(clusters: dict[RecordKey, int]) -> dict[str, Any]:
        members: dict[int, list[RecordKey]] = {}
        for key, c in clusters.items():
            members.setdefault(c, []).append(key)
        households, pairs = set(), 0
        for group in members.values():
            for a, b in itertools.combinations(group, 2):
                if frozenset((a, b)) in truth or home[a] != home[b] or None in home[a]:
                    continue
                households.add(home[a])
                pairs += 1
        out: dict[str, Any] = {"households_merged": len(households), "household_pairs": pairs}
        for kind, kind_pairs in sorted(confusable.items()):
            merged = sum(clusters[a] == clusters[b] for a, b in kind_pairs)
            out[f"{kind}_merged"] = f"{merged}/{len(kind_pairs)}"
        return out

    return measure


def variant_overlap() -> None:
    """How many of the generator's given-name variants (tables.SHORT_FORMS, SPELLINGS) our
    name tables cover. The tables were written without them (see given_name_variants.json);
    this only measures how far the two happen to agree."""
    from vigil.core.linkage.households import is_short_form
    from vigil.core.linkage.standardise import _NICKNAMER, name_variants, standardise_name
    from vigil.synthetic.tables import SHORT_FORMS, SPELLINGS

    for label, table in (("SHORT_FORMS", SHORT_FORMS), ("SPELLINGS", SPELLINGS)):
        pairs = [
            (standardise_name(formal) or "", standardise_name(variant) or "")
            for formal, variants in table.items()
            for variant in variants
        ]
        nicknames = sum(
            bool(({a} | _NICKNAMER.canonicals_of(a)) & ({b} | _NICKNAMER.canonicals_of(b)))
            for a, b in pairs
        )
        ours = sum(bool(set(name_variants(a)) & set(name_variants(b))) for a, b in pairs)
        short = sum(
            bool(set(name_variants(a)) & set(name_variants(b)))
            or is_short_form(a, b)
            or is_short_form(b, a)
            for a, b in pairs
        )
        print(
            f"{label}: {len(pairs)} generator variants; `nicknames` alone covers {nicknames}, "
            f"with the supplementary table {ours}, with the short-form rule too {short}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_area_arguments(parser, people=50_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument(
        "--also-at",
        default="",
        help="other thresholds, comma-separated, figured from the same run's scored pairs",
    )
    parser.add_argument("--pipelines", default=",".join(SYNTHETIC_PIPELINES))
    parser.add_argument(
        "--variant-overlap",
        action="store_true",
        help="only print how many of the generator's name variants our tables cover",
    )
    args = parser.parse_args()
    if args.variant_overlap:
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
        variant_overlap()
        return 0
    directory = area_directory(args)
    records, truth = area_records(directory)
    chosen = {name: SYNTHETIC_PIPELINES[name] for name in args.pipelines.split(",")}
    measure = household_merges(directory, records, truth)
    also_at = [float(t) for t in args.also_at.split(",") if t]
    results = evaluate(
        records, truth, threshold=args.threshold, pipelines=chosen, measure=measure,
        also_at=also_at,
    )  # fmt: skip
    print(
        f"synthetic area (seed {args.seed}): {len(records):,} records, {len(truth):,} true "
        f"pairs, threshold {args.threshold}"
    )
    for name, figures in results.items():
        print(f"  {name:22s} " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
