"""The "already known?" scorer's fast path (Splink's captured SQL, re-run on a tuned DuckDB
connection) scores exactly as Splink's own score_pairs, and the stored index entries score as
the full standardised records do."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from vigil.core.linkage import PairScorer, blocking_keys, term_frequencies
from vigil.core.linkage.index import index_entries, stored_record
from vigil.core.linkage.pipeline import standardise_rows
from vigil.core.linkage.standardise import standardise_record

GIVEN = ["Kayleigh", "Kay", "Kayley", "Jordan", "Amara", "Muhammad", "Mohammed", "Olivia", "Sam"]
FAMILY = ["Smith", "Smyth", "Jones", "Khan", "Okafor", "Nowak", "Smith-Jones", "Sam"]
POSTCODES = ["", "LS1 1AA", "LS1 1AB", "M1 2BB"]
ADDRESSES = ["", "5 Heron Close Leeds", "5 Heron Cl", "22 Clyde Road Northtown"]
PHONES = ["", "07700 900123", "07700 900124"]


def random_record(rng: random.Random, source: str, record_id: str) -> dict[str, str]:
    year, month, day = rng.choice([2010, 2011, 1985]), rng.randint(1, 12), rng.randint(1, 12)
    dob = rng.choice(["", f"{year}-{month:02d}-{day:02d}", f"{year}-{day:02d}-{month:02d}"])
    return {
        "source": source,
        "record_id": record_id,
        "given_name": rng.choice([*GIVEN, ""]),
        "family_name": rng.choice([*FAMILY, ""]),
        "date_of_birth": dob,
        "postcode": rng.choice(POSTCODES),
        "address": rng.choice(ADDRESSES),
        "phone": rng.choice(PHONES),
    }


def splink_reference(scorer: PairScorer, query: dict[str, Any], rows: list[dict[str, Any]]):
    """Splink's score_pairs itself: the scorer's capturing path, with its capture forgotten."""
    scorer._sql = None
    return scorer._score_rows(scorer._with_tf(query), [scorer._with_tf(r) for r in rows])


def by_pair(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["unique_id_r"]: r for r in rows}


def assert_same_scores(fast: list[dict[str, Any]], reference: list[dict[str, Any]]) -> None:
    fast_rows, ref_rows = by_pair(fast), by_pair(reference)
    assert fast_rows.keys() == ref_rows.keys()
    for uid, ref in ref_rows.items():
        got = fast_rows[uid]
        gammas = [k for k in ref if k.startswith("gamma_")]
        assert gammas and {k: got[k] for k in gammas} == {k: ref[k] for k in gammas}, uid
        assert got["match_weight"] == pytest.approx(ref["match_weight"], abs=1e-9)
        assert got["match_probability"] == pytest.approx(ref["match_probability"], abs=1e-12)


@pytest.fixture(scope="module")
def prior_scorer() -> PairScorer:
    return PairScorer(n_records=1_000_000)


def test_fast_path_matches_splink_score_pairs_on_many_pairs(prior_scorer: PairScorer) -> None:
    rng = random.Random(11)
    scorer = PairScorer(n_records=1_000_000)
    for trial in range(12):
        query = standardise_record(random_record(rng, "query", "new"))
        rows = standardise_rows(random_record(rng, "person", str(i)) for i in range(40))
        fast = scorer._score_rows(scorer._with_tf(query), rows)
        if trial == 0:
            continue  # the first call captures the SQL (it is Splink's own run)
        assert_same_scores(fast, splink_reference(prior_scorer, query, rows))


def test_fast_path_matches_splink_with_a_saved_model_and_term_frequencies() -> None:
    from splink import Linker

    from vigil.core.linkage.model import make_db_api, vigil_settings
    from vigil.core.linkage.pipeline import standardise_table

    rng = random.Random(5)
    known = [random_record(rng, "person", str(i)) for i in range(200)]
    table = standardise_table(known)
    settings: Any = vigil_settings(probability_two_random_records_match=1e-4, term_frequencies=True)
    model = Linker(make_db_api("duckdb").register(table), settings).misc.save_model_to_json()
    tf = term_frequencies(table.to_pylist())
    scorer = PairScorer(model, term_frequencies=tf)
    reference = PairScorer(model, term_frequencies=tf)
    query = standardise_record(random_record(rng, "query", "new"))
    rows = table.to_pylist()[:50]
    scorer._score_rows(scorer._with_tf(query), [scorer._with_tf(r) for r in rows])  # capture
    assert scorer._sql is not None
    for _ in range(5):
        query = standardise_record(random_record(rng, "query", "new"))
        rows = rng.sample(table.to_pylist(), 50)
        fast = scorer._score_rows(scorer._with_tf(query), [scorer._with_tf(r) for r in rows])
        ref = splink_reference(reference, query, rows)
        assert any(r.get("mw_tf_adj_given_name") for r in ref)  # the adjustment is in play
        assert_same_scores(fast, ref)


def test_stored_records_score_as_the_full_standardised_records(prior_scorer: PairScorer) -> None:
    rng = random.Random(3)
    records = [random_record(rng, "person", str(i)) for i in range(30)]
    query = standardise_record(random_record(rng, "query", "new"))
    full = [standardise_record(r) for r in records]
    stored = [json.loads(record) for record, _ in index_entries(records)]
    assert all(None not in s.values() for s in stored)
    assert stored == [stored_record(r) for r in full]
    kwargs: dict[str, Any] = {"min_probability": 0.0, "limit": 100}
    assert prior_scorer.score(query, stored, **kwargs) == prior_scorer.score(query, full, **kwargs)


def test_index_entries_give_each_records_distinct_keys_sorted() -> None:
    record = {
        "source": "person", "record_id": "7", "given_name": "Kay", "family_name": "Smith",
        "date_of_birth": "2010-03-04", "postcode": "LS1 1AA",
    }  # fmt: skip
    ((stored, keys),) = index_entries([record])
    assert keys == sorted(set(blocking_keys(standardise_record(record))))
    assert "1d:2010-04-03" in keys  # day and month swapped
    assert json.loads(stored)["record_id"] == "7"
