"""link_records: standardise, score candidate pairs with Splink, cluster at a threshold."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from vigil.core.linkage.explain import PairExplanation, explain_row, gamma_labels
from vigil.core.linkage.households import HouseholdEvidence, dobs_compatible, household_evidence
from vigil.core.linkage.model import (
    MAX_PRIOR_CHANGE,
    MIN_RECORDS_TO_TRAIN,
    PRIOR_ESTIMATE_FLOOR,
    comparison_levels,
    estimate_prior,
    exclude_by_keys,
    floor_partial_agreement,
    log2_odds,
    make_db_api,
    prior_lambda,
    register_family_given_frequencies,
    shared_keys,
    splink_default_settings,
    train,
    vigil_settings,
)
from vigil.core.linkage.standardise import (
    STANDARD_COLUMNS,
    address_words,
    common_address_words,
    family_given_frequencies,
    standardise_record,
)

INPUT_COLUMNS: tuple[str, ...] = (
    "source", "record_id", "given_name", "family_name", "date_of_birth", "postcode", "address",
    "phone",
)  # fmt: skip

RecordKey = tuple[str, str]  # (source, record_id)

_LIST_COLUMNS = {"given_variants", "family_tokens", "given_variants_gate", "address_tokens"}
STANDARD_SCHEMA = pa.schema(
    [
        (name, pa.list_(pa.string()) if name in _LIST_COLUMNS else pa.string())
        for name in STANDARD_COLUMNS
    ]
)


@dataclass(frozen=True)
class ScoredPair:
    left: RecordKey
    right: RecordKey
    match_probability: float
    match_weight: float
    # At or above the threshold and in the same cluster: a pair above it whose joining would
    # put two disagreeing dates of birth in one cluster is left apart (see cluster()).
    linked: bool
    explanation: PairExplanation | None  # None for the baseline model


@dataclass
class LinkResult:
    clusters: dict[RecordKey, int]  # every input record -> cluster id (1, 2, ...)
    pairs: list[ScoredPair]  # candidate pairs at or above min_pair_probability, best first
    threshold: float
    trained: bool  # False: prior parameters were used (too few records to train)
    model: dict[str, Any] = field(repr=False, default_factory=dict)  # Splink model JSON
    # Whether the household guard was on, and what in the records decided it.
    households: HouseholdEvidence | None = None

    def members(self) -> dict[int, list[RecordKey]]:
        out: dict[int, list[RecordKey]] = {}
        for key, cluster in self.clusters.items():
            out.setdefault(cluster, []).append(key)
        return out


class DuplicateRecordError(ValueError):
    pass


@contextmanager
def quiet_splink() -> Iterator[None]:
    """Splink logs progress at INFO and advice at WARNING; a CLI wants neither on stderr."""
    log = logging.getLogger("splink")
    previous = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(previous)


def _as_dicts(records: Any) -> list[Mapping[str, Any]]:
    rows: list[Mapping[str, Any]]
    if isinstance(records, pa.Table):
        rows = records.to_pylist()
    elif hasattr(records, "to_dict") and hasattr(records, "columns"):  # a pandas DataFrame
        rows = records.to_dict(orient="records")
    else:
        rows = list(records)
    return rows


def standardise_table(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Standardise records into an Arrow table Splink can register; rejects duplicate keys."""
    return pa.Table.from_pylist(standardise_rows(records), schema=STANDARD_SCHEMA)


def standardise_rows(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Standardise records (standardise.STANDARD_COLUMNS); rejects duplicate keys. The
    address-word blocking keys leave out the words too many of these records share
    (standardise.common_address_words)."""
    rows = []
    seen: set[str] = set()
    for record in records:
        row = standardise_record(record)
        if row["unique_id"] in seen:
            raise DuplicateRecordError(
                f"duplicate source,record_id: {row['source']},{row['record_id']}"
            )
        seen.add(row["unique_id"])
        rows.append(row)
    common = common_address_words(row["address_tokens"] for row in rows)
    if common:
        for row in rows:
            row["address_word_1"], row["address_word_2"] = address_words(row["address"], common)
    return rows


def decide_households(rows: list[dict[str, Any]], household_safe: bool | None) -> HouseholdEvidence:
    """The household guard: as asked, or (None) decided from the records. Below
    MIN_RECORDS_TO_TRAIN records there is too little to tell, and the guard stays on: agency
    records hold households unless shown otherwise."""
    evidence = household_evidence(rows)
    if household_safe is not None:
        reason = "asked for"
    elif len(rows) < MIN_RECORDS_TO_TRAIN and not evidence.household_safe:
        household_safe, reason = True, "too few records to tell"
    else:
        household_safe, reason = evidence.household_safe, evidence.reason
    return HouseholdEvidence(evidence.records, evidence.with_housemate, household_safe, reason)


def cluster(
    keys: Iterable[RecordKey],
    edges: Iterable[tuple[RecordKey, RecordKey]],
    dobs: Mapping[RecordKey, str | None] | None = None,
) -> dict[RecordKey, int]:
    """Connected components (union-find); cluster ids numbered 1.. in order of each cluster's
    smallest member, so the same input always gives the same ids.

    With `dobs` (each record's standardised DOB), edges are taken in the order given (best
    first) and one that would put two records whose dates of birth disagree
    (households.dobs_compatible) into one cluster is skipped: a record without a DOB that
    matches a father and his same-named son, or two siblings, joins the likelier of them only,
    instead of chaining the household into one person. The edge's own two records are exempt:
    the model has weighed their dates already.
    """
    parent: dict[RecordKey, RecordKey] = {k: k for k in keys}
    dates: dict[RecordKey, set[str]] = {}
    if dobs is not None:
        dates = {k: {d} for k, d in dobs.items() if d}

    def find(k: RecordKey) -> RecordKey:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def consistent(a: RecordKey, b: RecordKey, ra: RecordKey, rb: RecordKey) -> bool:
        endorsed = (dobs.get(a), dobs.get(b)) if dobs is not None else (None, None)
        return all(
            (x, y) == endorsed or dobs_compatible(x, y)
            for x in dates.get(ra, ())
            for y in dates.get(rb, ())
        )

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra == rb or (dobs is not None and not consistent(a, b, ra, rb)):
            continue
        low, high = min(ra, rb), max(ra, rb)
        parent[high] = low
        if dobs is not None and high in dates:
            dates.setdefault(low, set()).update(dates.pop(high))
    roots = sorted({find(k) for k in parent})
    ids = {root: i for i, root in enumerate(roots, 1)}
    return {k: ids[find(k)] for k in parent}


# Scoring joins every blocking rule's keys over all the records at once; above this many
# records it is done in chunks of the left and right records instead (Splink's own chunking:
# the same pairs, chunk by chunk), so the joins' memory stays that of this many records. At
# 1,000,000 records unchunked scoring passed 20 GB (2.4 GB at 200,000) on a 24 GB machine.
PREDICT_CHUNK_RECORDS = 250_000

Chunk = tuple[tuple[int, int], tuple[int, int]]


def predict_chunks(n_records: int) -> list[Chunk]:
    """The (left, right) chunks Splink's predict_chunk() scores `n_records` in: ((i, k), (j, k))
    for every i and j up to k = n_records / PREDICT_CHUNK_RECORDS, rounded up; one chunk,
    ((1, 1), (1, 1)), at or below PREDICT_CHUNK_RECORDS."""
    k = max(1, math.ceil(n_records / PREDICT_CHUNK_RECORDS))
    return [((i, k), (j, k)) for i in range(1, k + 1) for j in range(1, k + 1)]


def _log2_odds_or_inf(probability: float) -> float:
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return log2_odds(probability)


def _explained(column: str) -> bool:
    """The scored columns a pair keeps: its records' keys, its weight and probability, and
    each comparison's level and weights (what explain_row reads), not the compared values."""
    return column in {
        "source_l", "record_id_l", "source_r", "record_id_r", "match_weight", "match_probability",
    } or column.startswith(("gamma_", "mw_"))  # fmt: skip


@dataclass
class _Scored:
    pairs: pa.Table  # match weight at or above the pairs' bound, explained columns only
    weights: np.ndarray  # every match weight at or above the weights' bound (none if +inf)


def _score(linker: Any, n: int, pairs_at_least: float, weights_at_least: float) -> _Scored:
    """Score the candidate pairs chunk by chunk (predict_chunks), keeping from each chunk the
    pairs at or above `pairs_at_least` (log2 odds) and the match weights at or above
    `weights_at_least`; each chunk's table is dropped once read. Nothing but what is kept
    outlives a chunk: at 1,000,000 records Splink's own predict(num_chunks_...) gathers every
    chunk's scored pairs, with every compared value, into one table (the run passed 21 GB)."""
    lowest = min(pairs_at_least, weights_at_least)
    pairs: list[pa.Table] = []
    weights: list[pa.Table] = []

    def read(select: str, table: str, at_least: float) -> pa.Table:
        # The table is Splink's, the bound a float written by repr: nothing from the input.
        where = (
            f"where match_weight >= {at_least!r}"
            if math.isfinite(at_least)
            else ("where false" if at_least > 0 else "")
        )
        result = linker.misc.query_sql(f"select {select} from {table} {where}")  # noqa: S608
        rows = result.as_pyarrow_table()
        result.drop_table_from_database_and_remove_from_cache()
        return rows

    for left, right in predict_chunks(n):
        chunk = linker.inference.predict_chunk(
            left_chunk=left,
            right_chunk=right,
            threshold_match_weight=lowest if math.isfinite(lowest) else None,
            warning_mode="never",
        )
        explained = ", ".join(c.name for c in chunk.columns if _explained(c.input_name))
        pairs.append(read(explained, chunk.physical_name, pairs_at_least))
        if weights_at_least < math.inf:
            weights.append(read("match_weight", chunk.physical_name, weights_at_least))
        chunk.drop_table_from_database_and_remove_from_cache()
    return _Scored(
        pa.concat_tables(pairs),
        np.concatenate([w.column("match_weight").to_numpy() for w in weights]).astype(np.float64)
        if weights
        else np.empty(0),
    )


def _score_with_estimated_prior(linker: Any, n: int, min_pair_probability: float) -> pa.Table:
    """Score candidate pairs, re-estimate the prior from them (model.estimate_prior), and
    return the pairs at or above min_pair_probability under that prior. The linker's settings
    take the new prior, so the saved model (and the "already known?" scorer) use it too.

    Only the prior moves: it shifts every match weight by the same amount, so the ranking of
    pairs is unchanged and the estimate acts as a threshold learnt from the data. The pairs
    kept are read far enough below min_pair_probability that no pair the shift could lift
    above it is missed (the estimate moves at most MAX_PRIOR_CHANGE).
    """
    trained = linker._settings_obj._probability_two_random_records_match
    scored = _score(
        linker,
        n,
        pairs_at_least=_log2_odds_or_inf(min_pair_probability) - math.log2(MAX_PRIOR_CHANGE),
        weights_at_least=log2_odds(PRIOR_ESTIMATE_FLOOR),
    )
    prior = estimate_prior(scored.weights, n, trained)
    shift = log2_odds(prior) - log2_odds(trained)
    kept = scored.pairs
    weights = kept.column("match_weight").to_numpy().astype(np.float64) + shift
    probabilities = 1.0 / (1.0 + np.exp2(-weights))
    keep = pa.array(probabilities >= min_pair_probability)
    for name, values in (("match_weight", weights), ("match_probability", probabilities)):
        index = kept.schema.get_field_index(name)
        kept = kept.set_column(index, pa.field(name, pa.float64()), pa.array(values))
    linker._settings_obj._probability_two_random_records_match = prior
    return kept.filter(keep)


def link_records(
    records: Any,
    threshold: float = 0.9,
    backend: str | None = None,
    *,
    min_pair_probability: float | None = None,
    train_model: bool | None = None,
    baseline: bool = False,
    household_safe: bool | None = None,
    db_api_options: Mapping[str, Any] | None = None,
) -> LinkResult:
    """Link person records that refer to the same person, within and across sources.

    records: dicts (or a pandas DataFrame / pyarrow Table) with INPUT_COLUMNS; any but source
        and record_id may be blank. (source, record_id) must be unique.
    threshold: match probability at or above which two records are the same person.
    backend: "duckdb" (embedded) or "spark" (needs pyspark and Java; LinkageBackendError
        otherwise); None: VIGIL_LINKAGE_ENGINE, else duckdb (model.configured_backend).
    min_pair_probability: keep scored pairs down to this probability (a review queue wants
        the near misses); defaults to min(threshold, 0.5).
    train_model: None trains when there are at least MIN_RECORDS_TO_TRAIN records. A trained
        model's prior is then re-estimated from the scored pairs (model.estimate_prior).
    baseline: use Splink's textbook default model instead of ours (benchmarks only).
    household_safe: True guards against the household trap: family name and location count
        only when given name and DOB are compatible, and twins and same-name parents have
        levels of their own. False is for data without households (FEBRL, a register of
        adults), where a duplicate with a replaced given name is far likelier than a twin:
        family name, address, postcode and phone then count as independent evidence
        (model.comparison_levels). None (the default) decides from the records
        (households.household_evidence); the decision and its reason are in the result.
    """
    rows = standardise_rows(_as_dicts(records))
    households = decide_households(rows, household_safe)
    household_safe = households.household_safe
    table = pa.Table.from_pylist(rows, schema=STANDARD_SCHEMA)
    n = table.num_rows
    if train_model is None:
        train_model = n >= MIN_RECORDS_TO_TRAIN
    # Only a trained model of ours adjusts for term frequencies.
    family_tf = family_given_frequencies(rows) if train_model and not baseline else {}
    del rows
    keys: list[RecordKey] = list(
        zip(table.column("source").to_pylist(), table.column("record_id").to_pylist(), strict=True)
    )
    dobs: list[str | None] = table.column("dob").to_pylist()
    if min_pair_probability is None:
        min_pair_probability = min(threshold, 0.5)
    if n < 2:
        return LinkResult(cluster(keys, []), [], threshold, trained=False, households=households)

    from splink import Linker

    with quiet_splink():
        db_api = make_db_api(backend, **dict(db_api_options or {}))
        if baseline:
            baseline_table = table.drop_columns(["given_name"]).append_column(
                "given_name", table.column("given_first")
            )
            df = db_api.register(baseline_table)
            settings = splink_default_settings(probability_two_random_records_match=prior_lambda(n))
        else:
            df = db_api.register(table)
            settings = vigil_settings(
                probability_two_random_records_match=prior_lambda(n),
                term_frequencies=train_model,
                household_safe=household_safe,
                shared=shared_keys(table) if train_model else None,
            )
        linker = Linker(df, settings, log_level=None)
        exclude_by_keys(linker)
        if train_model and not baseline:
            register_family_given_frequencies(linker, db_api, family_tf)
        if train_model:
            train(linker, n, baseline=baseline)
            if not baseline:
                floor_partial_agreement(linker, household_safe)
        if train_model and not baseline:
            scored = _score_with_estimated_prior(linker, n, min_pair_probability)
        else:
            scored = _score(
                linker, n, _log2_odds_or_inf(min_pair_probability), weights_at_least=math.inf
            ).pairs
        rows = scored.to_pylist()
        del scored
        model = linker.misc.save_model_to_json()
        prior = linker._settings_obj._probability_two_random_records_match

    labels = None if baseline else gamma_labels(comparison_levels(household_safe))
    rows.sort(
        key=lambda r: (
            -float(r["match_probability"]),
            (r["source_l"], r["record_id_l"]),
            (r["source_r"], r["record_id_r"]),
        )
    )
    edges = [
        ((r["source_l"], r["record_id_l"]), (r["source_r"], r["record_id_r"]))
        for r in rows
        if float(r["match_probability"]) >= threshold
    ]
    clusters = cluster(keys, edges, None if baseline else dict(zip(keys, dobs, strict=True)))
    pairs = []
    for row in rows:
        probability = float(row["match_probability"])
        left, right = (row["source_l"], row["record_id_l"]), (row["source_r"], row["record_id_r"])
        pairs.append(
            ScoredPair(
                left=left,
                right=right,
                match_probability=probability,
                match_weight=float(row["match_weight"]),
                linked=probability >= threshold and clusters[left] == clusters[right],
                explanation=explain_row(row, labels, prior) if labels else None,
            )
        )
    return LinkResult(
        clusters, pairs, threshold, trained=train_model, model=model, households=households
    )
