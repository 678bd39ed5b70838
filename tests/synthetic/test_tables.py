"""The synthetic area's name tables: common names repeat and rare ones make up the rest, in
about the proportions a real county has (a linkage benchmark on too few names is judged on
strangers who share a name far more often than real ones do)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.synthetic import tables as T


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def shares(table: T.Table) -> dict[str, float]:
    weights = [b - a for a, b in zip((0.0, *table.cum_weights), table.cum_weights, strict=False)]
    total = table.cum_weights[-1]
    return {name: weight / total for name, weight in zip(table.names, weights, strict=True)}


@given(
    head=st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=4), st.integers(1, 50), min_size=1, max_size=8
    ),
    tail=st.lists(st.text("abcdefgh", min_size=1, max_size=4), max_size=30),
    head_share=st.floats(0.05, 0.95),
)
def test_with_tail_keeps_the_head_and_gives_the_tail_the_rest_rarest_last(
    head: dict[str, int], tail: list[str], head_share: float
):
    table = T.table(", ".join(f"{name} {weight}" for name, weight in head.items()))
    tailed = T.with_tail(table, tail, head_share)
    new = [name for name in dict.fromkeys(tail) if name not in head]
    assert tailed.names == (*table.names, *new)
    got = shares(tailed)
    if not new:
        assert got == shares(table)
        return
    assert sum(got[name] for name in head) == approx(head_share)
    for name, share in shares(table).items():  # the head's names keep their proportions
        assert got[name] == approx(share * head_share)
    tail_shares = [got[name] for name in new]
    assert tail_shares == sorted(tail_shares, reverse=True)


def test_british_surnames_are_spread_as_a_real_populations_are():
    british = shares(T.FAMILY["british"])
    ranked = sorted(british.values(), reverse=True)
    assert max(british, key=british.__getitem__) == "Smith"
    assert 0.009 < british["Smith"] < 0.014  # 1.15% in England and Wales
    assert 0.19 < sum(ranked[:106]) < 0.24  # the 106 commonest: 21%
    assert 0.36 < sum(ranked[:500]) < 0.44  # the 500 commonest: 40%
    assert len(british) > 3_000
    # Two British people drawn at random share a family name about 1 time in 1,000.
    assert 1 / 1_500 < sum(share * share for share in british.values()) < 1 / 500


def test_the_commonest_given_names_are_a_few_percent_of_their_generation():
    for key in (("british", sex, age) for sex in ("female", "male") for age in ("young", "old")):
        given_shares = shares(T.GIVEN[key])
        assert 0.015 < max(given_shares.values()) < 0.04, key
        assert len(given_shares) >= 100, key
    # Some communities share a few names far more: that is kept (the household trap).
    assert max(shares(T.GIVEN[("south_asian", "male", "")]).values()) > 0.1
