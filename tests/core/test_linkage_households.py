"""The household decision: from the records, whether they hold households (issue 11)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vigil.core.linkage.households import (
    HOUSEHOLD_SHARE,
    dobs_compatible,
    household_evidence,
    housemates,
)
from vigil.core.linkage.pipeline import cluster, decide_households, standardise_rows
from vigil.core.linkage.standardise import dob_transposed


def record(record_id: str, given: str, family: str, dob: str, address: str = "22 Clyde Road",
           postcode: str = "M14 5RT") -> dict[str, Any]:  # fmt: skip
    return {"source": "s", "record_id": record_id, "given_name": given, "family_name": family,
            "date_of_birth": dob, "postcode": postcode, "address": address}  # fmt: skip


def rows(*records: dict[str, Any]) -> list[dict[str, Any]]:
    return standardise_rows(records)


def test_siblings_and_a_same_name_parent_are_housemates() -> None:
    jordan, precious, dad, son = rows(
        record("1", "Jordan", "Okafor", "2009-02-14"),
        record("2", "Precious", "Okafor", "2011-09-30"),
        record("3", "Daniel", "Okafor", "1982-11-05"),
        record("4", "Daniel", "Okafor", "2015-04-22"),
    )
    assert housemates(jordan, precious)
    assert housemates(dad, son)


def test_a_mis_keyed_duplicate_is_not_a_housemate() -> None:
    kay, kayleigh, typo_year, twin = rows(
        record("1", "Kay", "Smith", "2010-03-04"),
        record("2", "Kayleigh", "Smith", "2010-04-03"),
        record("3", "Kayleigh", "Smith", "2011-03-04"),
        record("4", "Brooke", "Smith", "2010-03-04"),  # a replaced given name, or a twin
    )
    assert not housemates(kay, kayleigh)
    assert not housemates(kayleigh, typo_year)
    assert not housemates(kayleigh, twin)


def register(n: int) -> list[dict[str, Any]]:
    return [record(str(i), f"Given{i}", f"Family{i}", f"19{50 + i % 40}-01-01",
                   address=f"{i} High Street") for i in range(n)]  # fmt: skip


def test_a_register_without_households_turns_the_guard_off() -> None:
    evidence = household_evidence(rows(*register(2000)))
    assert evidence.with_housemate == 0
    assert not evidence.household_safe
    decided = decide_households(rows(*register(2000)), None)
    assert not decided.household_safe and decided.reason == "decided from the records"


def test_households_in_the_records_turn_the_guard_on() -> None:
    people = register(2000)
    families = [
        record(f"f{i}-{child}", name, f"Okafor{i}", f"{2005 + child * 3}-06-01",
               address=f"{i} Clyde Road")
        for i in range(40) for child, name in enumerate(["Amara", "Chidi", "Jordan"])
    ]  # fmt: skip
    evidence = household_evidence(rows(*(people + families)))
    assert evidence.with_housemate == 120
    assert evidence.share > HOUSEHOLD_SHARE and evidence.household_safe
    assert "household guard on" in evidence.describe()


def test_few_records_keep_the_guard_on_and_asking_wins() -> None:
    few = rows(*register(10))
    assert decide_households(few, None).household_safe
    assert decide_households(few, None).reason == "too few records to tell"
    assert not decide_households(few, False).household_safe


@given(st.lists(st.tuples(st.sampled_from(["Amy", "Ben", "Cat"]), st.integers(1950, 2020)),
                max_size=12))  # fmt: skip
def test_the_share_is_a_share(people: list[tuple[str, int]]) -> None:
    evidence = household_evidence(
        rows(*(record(str(i), g, "Smith", f"{y}-01-01") for i, (g, y) in enumerate(people)))
    )
    assert 0 <= evidence.with_housemate <= evidence.records == len(people)
    assert 0.0 <= evidence.share <= 1.0


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)


@given(dates, dates)
def test_dob_compatibility_is_reflexive_and_symmetric(a: str, b: str) -> None:
    assert dobs_compatible(a, a)
    assert dobs_compatible(a, b) == dobs_compatible(b, a)


@given(dates)
def test_the_slips_the_model_forgives_are_compatible(a: str) -> None:
    swapped = dob_transposed(a)
    if swapped:
        assert dobs_compatible(a, swapped)
    assert dobs_compatible(a, f"{a[:4]}-07-01")  # the year alone was known
    assert not dobs_compatible(a, f"{int(a[:4]) - 30}{a[4:]}")  # a parent's date


def test_a_record_without_a_dob_joins_the_father_or_the_son_not_both() -> None:
    father, unknown, son = ("s", "father"), ("s", "unknown"), ("s", "son")
    dobs = {father: "1982-11-05", unknown: None, son: "2015-04-22"}
    clusters = cluster([father, unknown, son], [(unknown, father), (unknown, son)], dobs)
    assert clusters[unknown] == clusters[father] != clusters[son]
    # Without dates, the same edges chain the household into one person.
    chained = cluster([father, unknown, son], [(unknown, father), (unknown, son)])
    assert chained[father] == chained[son]


def test_a_pair_the_model_linked_itself_is_not_undone_by_its_dates() -> None:
    a, b = ("s", "a"), ("t", "b")
    clusters = cluster([a, b], [(a, b)], {a: "1982-11-05", b: "1991-02-17"})
    assert clusters[a] == clusters[b]
