"""Blocking: which pairs the model scores, and that they grow with the area, not its square."""

from __future__ import annotations

import csv
import re

import pytest
import splink.blocking_analysis as analysis

from tests.core.linkage_people import person
from vigil.core.linkage.model import make_db_api, prediction_blocking_rules
from vigil.core.linkage.pipeline import STANDARD_SCHEMA, standardise_rows
from vigil.core.linkage.standardise import (
    STANDARD_COLUMNS,
    address_words,
    common_address_words,
    standardise_address,
    standardise_record,
)
from vigil.synthetic.files import write_area

# The household's home: twins, a father and son and a nickname duplicate share it.
HOME = {"postcode": "M14 5RT", "address": "22 Clyde Road, Northam"}


def candidate_pairs(records, household_safe=True):
    """The (record_id, record_id) pairs the prediction rules would score."""
    import pyarrow as pa

    table = pa.Table.from_pylist(standardise_rows(records), schema=STANDARD_SCHEMA)
    db = make_db_api("duckdb")
    connection = db._con
    connection.register("records", table)
    conditions = [
        rule.get_blocking_rule("duckdb").blocking_rule_sql
        for rule in prediction_blocking_rules(household_safe)
    ]
    any_rule = " or ".join(f"coalesce(({c}), false)" for c in conditions)
    rows = connection.execute(
        "select l.record_id, r.record_id from records l join records r "  # noqa: S608 (our rules)
        f"on l.unique_id < r.unique_id and ({any_rule})"
    ).fetchall()
    return {tuple(sorted(row)) for row in rows}


def test_rules_leave_out_the_pairs_the_household_gate_closes():
    records = [
        person("kayleigh", "Kayleigh", "Smith", "2010-03-14", **HOME),
        person("kay", "Kay", "Smyth", "2010-03-14", **HOME),  # the same child, a nickname
        person("twin", "Jordan", "Smith", "2010-03-14", **HOME),  # her twin: same DOB and home
        person("father", "Daniel", "Smith", "1982-11-05", **HOME),
        person("son", "Daniel", "Smith", "2015-04-22", **HOME),  # same name, a generation apart
        person("blank", "", "Smith", "", **HOME),  # nothing to decide by
    ]
    pairs = candidate_pairs(records)
    assert ("kay", "kayleigh") in pairs
    assert ("kayleigh", "twin") not in pairs and ("kay", "twin") not in pairs
    assert ("father", "son") not in pairs
    assert not any("blank" in pair for pair in pairs)
    # Without the guard (a register of adults), the household's pairs are scored too.
    ungated = candidate_pairs(records, household_safe=False)
    assert {("kayleigh", "twin"), ("father", "son")} <= ungated
    assert pairs < ungated


def test_rules_render_for_both_engines_with_only_standard_columns():
    for dialect in ("duckdb", "spark"):
        for rule in prediction_blocking_rules():
            sql = rule.get_blocking_rule(dialect).blocking_rule_sql
            assert not re.search(r"\w_[lr]\b", sql), sql  # comparison-style names rewritten
            columns = set(re.findall(r"\b[lr]\.[`\"]?(\w+)", sql))
            assert columns and columns <= set(STANDARD_COLUMNS), columns - set(STANDARD_COLUMNS)


def test_a_swapped_name_and_a_mistyped_street_are_still_candidates():
    records = [
        person("a", "Adam", "Vaszocz", "1988-11-13", "M1 1AA", "63 Wyles Place, Gravesend"),
        person("b", "Vaszocz", "Adam", "", "M1 3AA", "63 Wyles Place, Graveesnd"),
        person("c", "Bianca", "Cobbett", "", "M3 1AA", "32 Yerralee Road Wongon Woodend"),
        person("d", "Biana", "Cbobett", "", "M3 1AA", "Yerralee Road Wongkn Woodend"),
    ]
    assert {("a", "b"), ("c", "d")} <= candidate_pairs(records)


def test_common_address_words_are_no_blocking_key():
    towns = [("Northam" if i % 10 else "Kelbridge") for i in range(600)]
    tokens = [standardise_record(person(str(i), "A", "B", "", "", f"{i} Mill Lane, {t}"))
              for i, t in enumerate(towns)]  # fmt: skip
    common = common_address_words(row["address_tokens"] for row in tokens)
    assert common == {"mill", "northam"}  # 540 and 600 records; kelbridge 60
    address = standardise_address("7 Quarry Gardens, Northam")
    assert address_words(address) == ("northam", "quarry")
    assert address_words(address, common) == ("quarry", None)
    rows = standardise_rows(
        person(str(i), "A", "B", "", "", f"{i} Mill Lane, {t}") for i, t in enumerate(towns)
    )
    assert {(r["address_word_1"], r["address_word_2"]) for r in rows} == {
        (None, None),
        ("kelbridge", None),
    }


@pytest.fixture(scope="module")
def areas(tmp_path_factory):
    out = {}
    for people in (2_000, 8_000):
        directory = tmp_path_factory.mktemp(f"area{people}")
        write_area(directory, people=people, seed=2026)
        with (directory / "people.csv").open(newline="", encoding="utf-8") as handle:
            out[people] = list(csv.DictReader(handle))
    return out


def test_candidate_pairs_grow_with_the_area_not_its_square(areas):
    import pyarrow as pa

    per_record = {}
    for people, records in areas.items():
        table = pa.Table.from_pylist(standardise_rows(records), schema=STANDARD_SCHEMA)
        db = make_db_api("duckdb")
        counted = analysis.count_comparisons_from_blocking_rules(
            db.register(table),
            blocking_rules=prediction_blocking_rules(),
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
        per_record[people] = counted[-1]["cumulative_comparison_count"] / len(records)
    # Four times the records: a square would give four times the pairs per record.
    print(per_record)
    assert per_record[8_000] < 1.6 * per_record[2_000], per_record
