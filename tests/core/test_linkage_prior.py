"""The prior (lambda) estimated from the scored pairs: model.estimate_prior and link_records."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.linkage_people import people_recorded_twice
from vigil.core.linkage import link_records
from vigil.core.linkage.model import MAX_PRIOR_CHANGE, comparison_levels, estimate_prior, log2_odds


def _expected_share(weights: np.ndarray, prior: float, estimate: float, n: int) -> float:
    odds = np.exp2(weights - log2_odds(prior) + log2_odds(estimate))
    return float(np.sum(odds / (1 + odds))) / (n * (n - 1) / 2)


def test_recovers_the_share_of_matching_pairs():
    # 50 certain matches among 1,000 records and a crowd of clear non-matches.
    n, prior = 1000, 1e-4
    weights = np.array([40.0] * 50 + [-40.0] * 5000)
    estimate = estimate_prior(weights, n, prior)
    assert estimate == pytest.approx(50 / (n * (n - 1) / 2), rel=1e-6)


@given(
    st.lists(st.floats(min_value=-30, max_value=40), min_size=1, max_size=200),
    st.floats(min_value=1e-7, max_value=1e-3),
)
def test_is_a_fixed_point_within_its_bounds(weights, prior):
    n = 5000
    array = np.array(weights)
    estimate = estimate_prior(array, n, prior)
    assert prior / MAX_PRIOR_CHANGE <= estimate <= prior * MAX_PRIOR_CHANGE * (1 + 1e-12)
    share = _expected_share(array, prior, estimate, n)
    clamped = min(prior * MAX_PRIOR_CHANGE, max(prior / MAX_PRIOR_CHANGE, share))
    assert estimate == pytest.approx(clamped, rel=1e-6)


@given(st.lists(st.floats(min_value=-30, max_value=40), min_size=2, max_size=100), st.randoms())
def test_is_deterministic_whatever_the_order_of_the_pairs(weights, rng):
    shuffled = list(weights)
    rng.shuffle(shuffled)
    assert estimate_prior(np.array(weights), 2000, 1e-5) == estimate_prior(
        np.array(shuffled), 2000, 1e-5
    )


def test_no_pairs_keep_the_prior():
    assert estimate_prior(np.array([]), 1000, 3e-6) == 3e-6


@pytest.fixture(scope="module")
def trained():
    return link_records(people_recorded_twice(3), threshold=0.9, train_model=True)


def test_link_records_scores_with_the_estimated_prior(trained):
    prior = trained.model["probability_two_random_records_match"]
    pair = trained.pairs[0]
    assert pair.explanation.prior_match_weight == pytest.approx(log2_odds(prior), abs=1e-3)
    for pair in trained.pairs:
        assert pair.match_probability == pytest.approx(
            1 / (1 + math.pow(2, -pair.match_weight)), rel=1e-9
        )
        assert pair.match_probability >= 0.5


def test_link_records_with_the_estimated_prior_finds_the_duplicates(trained):
    wrong = [p for p in trained.pairs if p.linked and p.left[1] != p.right[1]]
    assert len(wrong) <= 2
    found = sum(
        trained.clusters[("school", str(i))] == trained.clusters[("health", str(i))]
        for i in range(100)
    )
    assert found >= 95


def test_an_em_pass_splink_refuses_is_left_out_and_the_run_finishes(monkeypatch, caplog):
    """At 1M records Splink refused an EM pass whose m estimate underflowed to 0.0; the run
    must go on with the other pass rather than fail (Splink is a library, so it is made to
    refuse here; nothing of ours is replaced)."""
    from splink.internals.linker_components.training import LinkerTraining

    real = LinkerTraining.estimate_parameters_using_expectation_maximisation
    calls = []

    def refuse_the_first(self, rule, **kwargs):
        calls.append(rule)
        if len(calls) == 1:
            raise ValueError("m_probability value 0.0 is below the minimum allowed value")
        return real(self, rule, **kwargs)

    monkeypatch.setattr(
        LinkerTraining, "estimate_parameters_using_expectation_maximisation", refuse_the_first
    )
    with caplog.at_level("WARNING"):
        result = link_records(people_recorded_twice(3), threshold=0.9, train_model=True)
    assert len(calls) == 2
    assert "EM pass" in caplog.text and "left out" in caplog.text
    found = sum(
        result.clusters[("school", str(i))] == result.clusters[("health", str(i))]
        for i in range(100)
    )
    assert found >= 90


def test_other_errors_in_an_em_pass_are_not_hidden(monkeypatch):
    from splink.internals.linker_components.training import LinkerTraining

    def broken(self, rule, **kwargs):
        raise ValueError("something else went wrong")

    monkeypatch.setattr(
        LinkerTraining, "estimate_parameters_using_expectation_maximisation", broken
    )
    with pytest.raises(ValueError, match="something else"):
        link_records(people_recorded_twice(3), threshold=0.9, train_model=True)


def test_a_trained_run_scored_in_chunks_keeps_the_same_pairs_and_leaves_no_tables(
    trained, monkeypatch
):
    """Above PREDICT_CHUNK_RECORDS records each chunk's scored pairs are read (the kept pairs
    and the prior estimate's weights) and its table dropped: the same pairs, probabilities and
    prior as scoring whole, and no scored pairs left in the database after the run."""
    import duckdb

    from vigil.core.linkage import pipeline

    monkeypatch.setattr(pipeline, "PREDICT_CHUNK_RECORDS", 300)
    connection = duckdb.connect()
    chunked = link_records(
        people_recorded_twice(3),
        threshold=0.9,
        train_model=True,
        db_api_options={"connection": connection},
    )
    assert len(pipeline.predict_chunks(1100)) == 16
    assert [(p.left, p.right) for p in chunked.pairs] == [(p.left, p.right) for p in trained.pairs]
    assert [p.match_probability for p in chunked.pairs] == pytest.approx(
        [p.match_probability for p in trained.pairs]
    )
    assert chunked.model["probability_two_random_records_match"] == pytest.approx(
        trained.model["probability_two_random_records_match"]
    )
    assert chunked.clusters == trained.clusters
    tables = [
        name for (name,) in connection.execute("select table_name from duckdb_tables()").fetchall()
    ]
    assert not [t for t in tables if "predict" in t or "sql_query" in t], tables


def _levels(model: dict) -> dict[tuple[str, str | None], dict]:
    """A saved model's levels by (comparison, label)."""
    return {
        (comparison["output_column_name"], level.get("label_for_charts")): level
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
    }


def test_a_name_swap_is_counted_once_and_keeps_its_prior_m(trained):
    """The swapped-names level is in the given-name and the family-name comparison. EM counted
    its pairs twice and its m squared each iteration until Splink refused 0.0 (the DOB pass
    at 1,000,000 records): its m is kept at the prior, its u estimated. And a swap counted in
    both made it worth twice both names agreeing: the family name's copy weighs nothing."""
    levels = _levels(trained.model)
    given = levels[("given_name", "given and family names swapped")]
    assert given["m_probability"] == 0.05 and given["fix_m_probability"]
    assert not given["fix_u_probability"]  # u estimated by random sampling
    family = levels[("family_name", "given and family names swapped (counted in the given name)")]
    assert family["m_probability"] == family["u_probability"]
    assert family["fix_m_probability"] and family["fix_u_probability"]


def test_the_gated_differs_levels_keep_their_prior_m(trained):
    """At 1,000,000 records the DOB-blocked EM pass holds about as many strangers who share a
    given name and a DOB as duplicates, and EM took them for duplicates with another surname
    who had moved (family name differs: m 0.12 -> 0.7 in one iteration), which then linked
    such strangers. Those two levels' m stay at the prior."""
    changed = _levels(trained.model)[("family_name", "family name differs (e.g. changed)")]
    assert changed["m_probability"] == 0.12
    # These records hold no households, so no location comparison was trained: its level is
    # marked as the family name's is.
    assert changed["fix_m_probability"]
    moved = [lv for lv in comparison_levels(True)["location"] if lv.kind == "differ"]
    assert [(lv.label, lv.fixed_m) for lv in moved] == [("location differs (e.g. moved)", True)]
