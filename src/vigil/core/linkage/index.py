"""The "already known?" lookup: who a person being typed in may already be.

Fast path, in two steps:

1. Blocking keys. `blocking_keys(standardised record)` gives short strings mirroring the
   model's prediction blocking rules (same DOB; same first given name and family name; same
   sound of both names and year of birth; ...) plus the DOB with day and month swapped and
   each given-name variant with the DOB. The Django app stores them in an indexed table
   (person_id, key) when a person is saved, and on each keystroke looks up the people sharing
   any key with what has been typed: one indexed `key IN (...)` query, tens of rows at 1M
   (thousands for the most common names: the app ranks them by keys shared and scores only
   the best). `index_entries` gives what the app stores per person (the standardised record,
   blanks left out, and its keys), pure so a bulk build can run it in worker processes.
2. Scoring. Only those candidates are scored with the trained Splink model (no blocking),
   and each comes back with its explanation. Splink's scoring query is captured once and
   re-run on a DuckDB connection tuned for a few dozen rows (PairScorer.FAST_SETTINGS); its
   results are Splink's (tests/core/test_linkage_index.py checks them against score_pairs).

`LinkageIndex` is the in-memory version of the same thing, for the CLI, benchmarks and tests.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from vigil.core.linkage.explain import (
    PairExplanation,
    explain_row,
    gamma_labels,
    saved_model_labels,
)
from vigil.core.linkage.model import (
    comparison_levels,
    make_db_api,
    prior_lambda,
    register_family_given_frequencies,
    vigil_settings,
)
from vigil.core.linkage.pipeline import (
    STANDARD_SCHEMA,
    RecordKey,
    quiet_splink,
    standardise_table,
)
from vigil.core.linkage.standardise import (
    FAMILY_WITH_GIVEN,
    dob_transposed,
    family_given_frequencies,
    family_with_given,
    standardise_record,
)


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
    if gp and fp:
        # Both names as they sound, before a DOB is typed: broad, so lookups rank candidates
        # by how many keys they share and score only the best.
        keys.append(f"1pn:{gp}|{fp}")
    if f and pc:
        keys.append(f"1fp:{f}|{pc}")
    if g and pc:
        keys.append(f"1gp:{g}|{pc}")
    return keys


def stored_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A standardised record as an app stores it: blanks (None) left out, about half the size.
    Readers treat a missing column as blank, as PairScorer does."""
    return {name: value for name, value in row.items() if value is not None}


def index_entries(records: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """For each input record (the `vigil link` columns): its standardised record as stored
    (stored_record, as JSON text) and its distinct blocking keys, sorted.

    What an app persists per person so that a lookup never standardises a known person again.
    Pure and picklable, so a bulk index build can run it in worker processes."""
    out = []
    for record in records:
        row = standardise_record(record)
        out.append((json.dumps(stored_record(row)), sorted(set(blocking_keys(row)))))
    return out


@dataclass(frozen=True)
class Candidate:
    key: RecordKey
    match_probability: float
    match_weight: float
    explanation: PairExplanation


def _labels(model: Mapping[str, Any] | None, household_safe: bool) -> dict[str, dict[int, Any]]:
    levels = comparison_levels(household_safe)
    if not model:
        return gamma_labels(levels)
    # A saved model may be either kind (its run decided from its records): know both's levels.
    return saved_model_labels(model, {**comparison_levels(not household_safe), **levels})


class LinkageIndex:
    """Known people's standardised records, their blocking keys, and a model to score with."""

    def __init__(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        model: Mapping[str, Any] | None = None,
        household_safe: bool = True,
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
                    household_safe=household_safe,
                )
            )
            self._linker = Linker(df, settings, log_level=None)
            if model:
                for column in ("given_first", "family_name"):
                    self._linker.table_management.compute_tf_table(column)
                register_family_given_frequencies(
                    self._linker, db_api, family_given_frequencies(self._rows.values())
                )
            self._prior = self._linker._settings_obj._probability_two_random_records_match
        self._labels = _labels(model, household_safe)

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
            rows: list[dict[str, Any]] = scored.as_pyarrow_table().to_pylist()
            return rows


class PairScorer:
    """Scores a person being typed in against candidate records fetched elsewhere (the Django
    app's blocking-key table), with Splink but no blocking and no table of all records.

    model: a saved Splink model (LinkResult.model) or None for the prior model, whose prior
        odds come from `n_records`, how many people the candidates are drawn from.
    term_frequencies: {"given_first": {name: frequency}, "family_name": {...},
        "family_with_given": {...}} from the run that trained `model` (term_frequencies());
        names not in them count as rare, and a family name with a given name not in
        family_with_given has the family name's own frequency. Ignored without a model.
    Building one takes about a second (Splink and DuckDB set-up): keep one per process. Not
    thread-safe: callers serialise score() (one DuckDB connection).
    """

    TF_COLUMNS = ("given_first", "family_name", FAMILY_WITH_GIVEN)
    # For the captured query, run on a few dozen rows: planning it is most of the cost, and
    # DuckDB's optimizer spends about as long as the binder on rewriting its expressions while
    # there is nothing to gain on 50 rows; one thread, so a busy machine does not make the
    # query wait for a second core. Measured on 50 candidates: 105 -> 70 ms at load average 6;
    # results identical (tests/core/test_linkage_index.py).
    FAST_SETTINGS = ("PRAGMA disable_optimizer", "SET threads = 1")
    _LEFT, _RIGHT = "vigil_already_known_query", "vigil_already_known_candidates"

    def __init__(
        self,
        model: Mapping[str, Any] | None = None,
        *,
        term_frequencies: Mapping[str, Mapping[str, float]] | None = None,
        household_safe: bool = True,
        n_records: int = 1_000_000,
    ) -> None:
        from splink import Linker

        self._tf = {c: dict((term_frequencies or {}).get(c, {})) for c in self.TF_COLUMNS}
        self._uses_tf = bool(model) and bool(term_frequencies)
        seed = standardise_table([{"source": "seed", "record_id": "0"}])
        with quiet_splink():
            db_api = make_db_api("duckdb")
            if model and not self._uses_tf:
                model = _without_term_frequencies(model)
            settings: Any = (
                dict(model)
                if model
                else vigil_settings(
                    probability_two_random_records_match=prior_lambda(n_records),
                    term_frequencies=False,
                    household_safe=household_safe,
                )
            )
            self._linker = Linker(db_api.register(seed), settings, log_level=None)
            self._db_api = db_api
            self._sql: str | None = None
            self._prior = self._linker._settings_obj._probability_two_random_records_match
        self._labels = _labels(model, household_safe)
        self._rare = min((min(t.values()) for t in self._tf.values() if t), default=1e-6)

    def _with_tf(self, row: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(row)
        # Derived here, not read: records an app stored before the column existed lack it.
        family = row.get("family_name")
        out[FAMILY_WITH_GIVEN] = family_with_given(family, row.get("given_first"))
        if self._uses_tf:
            for column in self.TF_COLUMNS:
                value, table = out.get(column), self._tf[column]
                tf = table.get(value) if value else None
                if value and tf is None and column == FAMILY_WITH_GIVEN:
                    tf = table.get(family_with_given(family, None) or "")  # the family's own
                out[f"tf_{column}"] = (self._rare if tf is None else tf) if value else None
        return out

    def _tables(
        self, query: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> tuple[pa.Table, pa.Table]:
        schema = STANDARD_SCHEMA
        if self._uses_tf:
            for column in self.TF_COLUMNS:
                schema = schema.append(pa.field(f"tf_{column}", pa.float64()))
        return (
            pa.Table.from_pylist([query], schema=schema),
            pa.Table.from_pylist(candidates, schema=schema),
        )

    def _score_rows(
        self, query: dict[str, Any], candidates: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Splink's score_pairs, fast: Splink writes the same SQL on every call and spends most
        of a lookup doing it (sqlglot), so the first call captures the SQL and later calls
        run it directly against fresh copies of the two input tables. Falls back to
        score_pairs if Splink's internals change.

        What is left is DuckDB planning that 15 kB query (~30 ms binding, ~25 ms optimizing
        on an idle core). A PREPAREd statement over fixed tables did not help: DuckDB 2.0
        re-binds it on every EXECUTE (measured: same time as a fresh query)."""
        left, right = self._tables(query, candidates)
        con = getattr(self._db_api, "_con", None)
        if self._sql is not None and con is not None:
            con.register(self._LEFT, left)
            con.register(self._RIGHT, right)
            # execute + fetchall, not con.sql(...).to_arrow_table(): the relation API plans
            # the 15 kB query twice (measured: 58 ms against 91 ms for 50 candidates).
            cursor = con.execute(self._sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        captured: list[str] = []
        original = self._db_api._sql_to_splink_dataframe

        def capture(sql: str, templated_name: str, physical_name: str) -> Any:
            # With term frequencies Splink first builds tf tables from the (seed) linker
            # table; the scoring query itself reads the tf_ columns of the two inputs.
            if templated_name == "__splink__df_predict":
                captured.append(sql)
            return original(sql, templated_name, physical_name)

        with quiet_splink():
            tables = self._linker.table_management
            sdf_left = tables.register_table(left, self._LEFT, overwrite=True)
            sdf_right = tables.register_table(right, self._RIGHT, overwrite=True)
            self._db_api._sql_to_splink_dataframe = capture
            try:
                scored = self._linker.inference.score_pairs(sdf_left, sdf_right)
            finally:
                del self._db_api._sql_to_splink_dataframe
            rows: list[dict[str, Any]] = scored.as_pyarrow_table().to_pylist()
        reads_only_inputs = len(captured) == 1 and "__splink__df_tf" not in captured[0]
        if reads_only_inputs and sdf_left.physical_name == self._LEFT:
            self._sql = captured[0]
            if con is not None:
                for setting in self.FAST_SETTINGS:
                    con.execute(setting)
        return rows

    def score(
        self,
        query_row: Mapping[str, Any],
        candidate_rows: Iterable[Mapping[str, Any]],
        *,
        min_probability: float = 0.5,
        limit: int = 10,
    ) -> list[Candidate]:
        """Candidates at or above `min_probability`, best first. Rows are standardised records
        (standardise_record); a candidate's key is its (source, record_id)."""
        candidates = [self._with_tf(r) for r in candidate_rows]
        if not candidates:
            return []
        by_id = {c["unique_id"]: c for c in candidates}
        rows = self._score_rows(self._with_tf(query_row), candidates)
        out = []
        for row in rows:
            p = float(row["match_probability"])
            if p < min_probability:
                continue
            right = by_id[row["unique_id_r"]]
            out.append(
                Candidate(
                    key=(right["source"], right["record_id"]),
                    match_probability=p,
                    match_weight=float(row["match_weight"]),
                    explanation=explain_row(row, self._labels, self._prior),
                )
            )
        out.sort(key=lambda c: (-c.match_probability, c.key))
        return out[:limit]


def _without_term_frequencies(model: Mapping[str, Any]) -> dict[str, Any]:
    """The model with its term-frequency adjustments switched off (no frequencies to use)."""
    import copy

    out = copy.deepcopy(dict(model))
    for comparison in out.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
            level.pop("tf_minimum_u_value", None)
    return out


def term_frequencies(
    rows: Iterable[Mapping[str, Any]], columns: Iterable[str] = PairScorer.TF_COLUMNS
) -> dict[str, dict[str, float]]:
    """How often each value of `columns` occurs among standardised rows (Splink's tf tables),
    and for family_with_given the family name's frequency given the given name
    (standardise.family_given_frequencies), kept only where it differs from the family name's
    own (PairScorer falls back to that): a key per family name, not per combination."""
    rows = list(rows)
    columns = list(columns)
    out = _counted_frequencies(rows, [c for c in columns if c != FAMILY_WITH_GIVEN])
    if FAMILY_WITH_GIVEN in columns and rows:
        given = family_given_frequencies(rows)
        out[FAMILY_WITH_GIVEN] = {
            key: tf
            for key, tf in given.items()
            if key.endswith("|") or tf != given[key[: key.index("|") + 1]]
        }
    return out


def _counted_frequencies(
    rows: list[Mapping[str, Any]], columns: list[str]
) -> dict[str, dict[str, float]]:
    counts: dict[str, dict[str, int]] = {c: defaultdict(int) for c in columns}
    totals = dict.fromkeys(counts, 0)
    for row in rows:
        for column, table in counts.items():
            if value := row.get(column):
                table[value] += 1
                totals[column] += 1
    return {
        c: {v: n / totals[c] for v, n in table.items()} for c, table in counts.items() if totals[c]
    }


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
