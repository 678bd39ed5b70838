"""The "already known?" lookup: who a person being typed in may already be.

Fast path, in two steps:

1. Blocking keys. `blocking_keys(standardised record)` gives short strings mirroring the
   model's prediction blocking rules (same DOB; same first given name and family name; same
   sound of both names and year of birth; ...) plus the DOB with day and month swapped and
   each given-name variant with the DOB. The Django app stores them in an indexed table
   (person_id, key) when a person is saved, and on each keystroke looks up the people sharing
   any key with what has been typed: one indexed `key IN (...)` query, tens of rows at 1M.
2. Scoring. Only those candidates are scored with the trained Splink model (no blocking),
   and each comes back with its explanation.

`LinkageIndex` is the in-memory version of the same thing, for the CLI, benchmarks and tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vigil.core.linkage.explain import PairExplanation, explain_row, gamma_labels
from vigil.core.linkage.model import comparison_levels, make_db_api, prior_lambda, vigil_settings
from vigil.core.linkage.pipeline import RecordKey, quiet_splink, standardise_table
from vigil.core.linkage.standardise import dob_transposed, standardise_record


def blocking_keys(row: Mapping[str, Any]) -> list[str]:
    """Index keys for one standardised record (see the module docstring). Stable strings: the
    app may persist them; bump the "1" prefix if their meaning changes."""
    g, f, d = row.get("given_first"), row.get("family_name"), row.get("dob")
    gp, fp, pc = row.get("given_phonetic"), row.get("family_phonetic"), row.get("postcode")
    keys = []
    if d:
        keys.append(f"1d:{d}")
        if swapped := dob_transposed(d):
            keys.append(f"1d:{swapped}")
        for variant in row.get("given_variants") or ():
            keys.append(f"1vd:{variant}|{d}")
    if g and f:
        keys.append(f"1gf:{g}|{f}")
    if gp and fp and d:
        keys.append(f"1pp:{gp}|{fp}|{d[:4]}")
    if f and pc:
        keys.append(f"1fp:{f}|{pc}")
    if g and pc:
        keys.append(f"1gp:{g}|{pc}")
    return keys


@dataclass(frozen=True)
class Candidate:
    key: RecordKey
    match_probability: float
    match_weight: float
    explanation: PairExplanation


class LinkageIndex:
    """Known people's standardised records, their blocking keys, and a model to score with."""

    def __init__(
        self, records: Iterable[Mapping[str, Any]], *, model: Mapping[str, Any] | None = None
    ) -> None:
        from splink import Linker

        table = standardise_table(records)
        self._rows: dict[str, dict[str, Any]] = {}
        self._by_key: dict[str, set[str]] = defaultdict(set)
        for row in table.to_pylist():
            self._add_row(row)
        with quiet_splink():
            db_api = make_db_api("duckdb")
            df = db_api.register(table)
            settings: Any = (
                dict(model)
                if model
                else vigil_settings(
                    probability_two_random_records_match=prior_lambda(table.num_rows),
                    term_frequencies=False,
                )
            )
            self._linker = Linker(df, settings, log_level=None)
            if model:
                for column in ("given_first", "family_name"):
                    self._linker.table_management.compute_tf_table(column)
            self._prior = self._linker._settings_obj._probability_two_random_records_match
        self._labels = gamma_labels(comparison_levels())

    def _add_row(self, row: dict[str, Any]) -> None:
        self._rows[row["unique_id"]] = row
        for key in blocking_keys(row):
            self._by_key[key].add(row["unique_id"])

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, record: Mapping[str, Any]) -> None:
        """Index one more record (term frequencies are not refreshed until a rebuild)."""
        self._add_row(standardise_record(record))

    def lookup(self, row: Mapping[str, Any]) -> set[str]:
        found: set[str] = set()
        for key in blocking_keys(row):
            found |= self._by_key.get(key, set())
        found.discard(row["unique_id"])
        return found

    def score(self, row: Mapping[str, Any], unique_ids: Iterable[str]) -> list[dict[str, Any]]:
        candidates = [self._rows[u] for u in unique_ids]
        if not candidates:
            return []
        with quiet_splink():
            scored = self._linker.inference.score_pairs([dict(row)], candidates)
            return scored.as_pyarrow_table().to_pylist()


def candidates_for(
    query_record: Mapping[str, Any],
    index: LinkageIndex,
    *,
    min_probability: float = 0.5,
    limit: int = 10,
) -> list[Candidate]:
    """People in `index` who may be the person in `query_record` (the `vigil link` columns;
    blanks allowed, source/record_id optional), best first, at or above `min_probability`."""
    record = {"source": "query", "record_id": "\x00new", **query_record}
    row = standardise_record(record)
    rows = index.score(row, index.lookup(row))
    out = []
    for scored in rows:
        p = float(scored["match_probability"])
        if p < min_probability:
            continue
        right = index._rows[scored["unique_id_r"]]
        out.append(
            Candidate(
                key=(right["source"], right["record_id"]),
                match_probability=p,
                match_weight=float(scored["match_weight"]),
                explanation=explain_row(scored, index._labels, index._prior),
            )
        )
    out.sort(key=lambda c: (-c.match_probability, c.key))
    return out[:limit]
