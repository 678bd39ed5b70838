"""What the records themselves say about how often strangers agree: the family name's term
frequency given the given name (standardise.family_given_frequencies), the u of the levels
set from the records (model.shared_value_probability, shared_keys, vigil_settings), and the
floor on what EM may learn (model.floor_partial_agreement)."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.linkage_people import people_recorded_twice, person
from vigil.core.linkage import PairScorer, link_records, term_frequencies
from vigil.core.linkage.model import (
    FAMILY_DIFFERS_AT_HOUSE,
    SHARED_KEYS,
    SHARED_VALUE_U,
    comparison_levels,
    floor_partial_agreement,
    share_differing,
    shared_keys,
    shared_value_probability,
    vigil_settings,
)
from vigil.core.linkage.pipeline import standardise_table
from vigil.core.linkage.standardise import (
    family_given_frequencies,
    family_with_given,
    standardise_record,
)


def _row(given: str | None, family: str | None, dob: str | None = "2010-01-01") -> dict:
    return {"given_first": given, "family_name": family, "dob": dob}


def test_a_family_name_common_among_a_given_names_people_counts_as_common_there():
    # 10 Muhammad Khans and 10 Muhammad Alis among 100 people: Khan is 1 in 10 overall,
    # but 9 in 19 among the other Muhammads.
    rows = [_row("muhammad", "khan", f"2010-01-{d:02d}") for d in range(1, 11)]
    rows += [_row("muhammad", "ali", f"2011-01-{d:02d}") for d in range(1, 11)]
    rows += [_row(f"name{i}", f"family{i}") for i in range(80)]
    tf = family_given_frequencies(rows)
    assert tf["khan|"] == pytest.approx(10 / 100)
    assert tf["khan|muhammad"] == pytest.approx(9 / 19)
    assert tf["family3|name3"] == pytest.approx(1 / 100)  # rarer than independence: its own


def test_one_persons_several_records_count_once():
    one_person = [_row("eoin", "ryan", "2002-10-28")] * 3
    others = [_row("eoin", f"other{i}", f"2003-01-{i + 1:02d}") for i in range(9)]
    rows = one_person + others + [_row(f"g{i}", "ryan") for i in range(88)]
    # Ryan is 91 of 100 records; one Eoin Ryan however many times recorded: no other Eoin
    # is a Ryan, so the family name's own frequency stands.
    assert family_given_frequencies(rows)["ryan|eoin"] == pytest.approx(91 / 100)
    two_people = [*rows, _row("eoin", "ryan", "1980-05-05")]
    assert family_given_frequencies(two_people)["ryan|eoin"] == pytest.approx(max(92 / 101, 1 / 10))


def test_records_without_a_given_name_or_dob_count_only_for_the_family_names_frequency():
    rows = [_row(None, "khan"), _row("amir", "khan", None), _row("amir", "shah")]
    tf = family_given_frequencies(rows)
    assert tf["khan|"] == pytest.approx(2 / 3)
    assert tf["khan|amir"] == pytest.approx(2 / 3)  # no other Amir is known to be a Khan
    assert family_with_given("khan", None) == "khan|" and family_with_given(None, "amir") is None


names = st.sampled_from(["amir", "eoin", "mo", None])
families = st.sampled_from(["khan", "ryan", "shah", None])
dobs = st.sampled_from(["2010-01-01", "2010-01-02", None])


@given(st.lists(st.tuples(names, families, dobs), max_size=40))
def test_every_records_key_has_a_frequency_no_lower_than_its_family_names(rows):
    rows = [_row(*r) for r in rows]
    tf = family_given_frequencies(rows)
    for row in rows:
        key = family_with_given(row["family_name"], row["given_first"])
        if key is None:
            continue
        assert 0 < tf[key] <= 1
        assert tf[key] >= tf[family_with_given(row["family_name"], None)]


@given(st.lists(st.one_of(st.none(), st.sampled_from("abcde")), max_size=30))
def test_shared_value_probability_is_the_share_of_pairs_that_share_a_value(values):
    present = [v for v in values if v is not None]
    pairs = list(itertools.combinations(present, 2))
    shared = sum(a == b for a, b in pairs)
    expected = shared / len(pairs) if pairs and shared else None
    assert shared_value_probability(values) == (
        None if expected is None else pytest.approx(expected)
    )

    everyone = list(itertools.combinations(values, 2))
    among_all = shared / len(everyone) if shared else None
    assert shared_value_probability(values, blanks_count=True) == (
        None if among_all is None else pytest.approx(among_all)
    )


@given(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from("xyz")), families), max_size=30))
def test_share_differing_is_the_share_of_pairs_sharing_a_key_whose_values_differ(rows):
    present = [(k, v) for k, v in rows if k is not None and v is not None]
    sharing = [(a, b) for a, b in itertools.combinations(present, 2) if a[0] == b[0]]
    differing = sum(a[1] != b[1] for a, b in sharing)
    expected = differing / len(sharing) if differing else None
    assert share_differing(rows) == (None if expected is None else pytest.approx(expected))


def test_shared_keys_reads_the_dob_the_house_the_street_and_who_shares_a_house():
    records = [
        person("1", "Amir", "Khan", "2010-01-01", "M1 1AA", "1 Mill Lane", "07700900001"),
        person("2", "Sara", "Khan", "2010-01-01", "M1 1AA", "1 Mill Lane", "07700900001"),
        person("3", "Tom", "Hall", "2011-02-02", "M1 1AA", "3 Mill Lane"),
        person("4", "Ann", "Shah", "", "M9 9ZZ", "3 Mill Lane"),
        person("5", "Joe", "Shah", "2012-03-03", "M1 1AA", "3 Mill Lane"),
    ]
    table = standardise_table(records)
    shared = shared_keys(table)
    assert set(shared) == set(SHARED_KEYS)
    assert shared["dob"] == pytest.approx(1 / 6)  # 1 of the 6 pairs with both DOBs
    # 3 Mill Lane is in two postcodes: the Khans share a house, and Tom Hall and Joe Shah
    assert shared["house"] == pytest.approx(2 / 10)
    assert shared["street_postcode"] == pytest.approx(6 / 10)  # Mill Lane in M1 1AA
    assert shared["phone"] == pytest.approx(1 / 10)  # over every record, blank or not
    assert shared["family_differs_at_house"] == pytest.approx(1 / 2)


def _model_levels(settings) -> dict:
    return {
        (c["output_column_name"], level.get("label_for_charts")): level
        for c in settings.get_settings("duckdb").as_dict()["comparisons"]
        for level in c["comparison_levels"]
    }


def test_vigil_settings_take_the_levels_u_from_the_records_and_keep_it():
    shared = {"dob": 3.8e-5, "house": 2e-6, "street_postcode": 7e-4, "phone": 4e-7,
              "family_differs_at_house": 0.4}  # fmt: skip
    levels = _model_levels(
        vigil_settings(
            probability_two_random_records_match=1e-6, term_frequencies=True, shared=shared
        )
    )
    for (comparison, label), key in SHARED_VALUE_U.items():
        assert levels[(comparison, label)]["u_probability"] == shared[key]
        assert levels[(comparison, label)]["fix_u_probability"]
    # a disagreement is never evidence for a match, whatever the records' duplicates say
    few = _model_levels(
        vigil_settings(
            probability_two_random_records_match=1e-6,
            term_frequencies=True,
            shared={"family_differs_at_house": 0.01},
        )
    )[("family_name", FAMILY_DIFFERS_AT_HOUSE)]
    assert few["u_probability"] == few["m_probability"]
    # None, or no figure for a key, keeps the documented prior
    prior = _model_levels(
        vigil_settings(
            probability_two_random_records_match=1e-6,
            term_frequencies=True,
            shared={"dob": None},
        )
    )
    for comparison, label in SHARED_VALUE_U:
        (documented,) = [lv for lv in comparison_levels()[comparison] if lv.label == label]
        assert prior[(comparison, label)]["u_probability"] == documented.u


@pytest.fixture(scope="module")
def community():
    """people_recorded_twice() with a community whose given and family names go together: 30
    Amir Rahmans (two of them strangers born the same day) and one Amir Okafor recorded twice;
    and two children recorded again under another family name, one at the same house (DOB
    left blank), one after a move."""
    rng = random.Random(8)
    records = people_recorded_twice(5)
    for i in range(30):
        dob = (
            "2008-03-03"
            if i < 2
            else f"{rng.randint(2008, 2009)}-{i % 12 + 1:02d}-{i % 27 + 1:02d}"
        )
        records.append(person(f"r{i}", "Amir", "Rahman", dob, f"N{i} 1AB", f"{i} Oak Road"))
    records.append(person("o1", "Amir", "Okafor", "2008-04-04", "N1 2CD", "5 Elm Road"))
    records.append(
        person("o1", "Amir", "Okafor", "2008-04-04", "N7 7EF", "9 Ash Road", source="health")
    )
    for h in range(5):  # families: three children of one family name at each house
        records += [
            person(f"h{h}{c}", given, f"Family{h}", f"201{c}-0{h + 1}-1{c}", f"L{h} 1FH",
                   f"{h + 1} Mill Lane")
            for c, given in enumerate(("Ada", "Ben", "Cal"))
        ]  # fmt: skip
    records += [  # a children's home
        person(f"c{i}", given, family, f"2009-0{i + 1}-20", "L9 9CH", "1 Home Close")
        for i, (given, family) in enumerate((("Dee", "Ng"), ("Eli", "Roe"), ("Fay", "Sim")))
    ]
    records += [
        person("k1", "Kayleigh", "Smith", "2010-05-05", "M3 3CC", "12 Canal Street"),
        person("k1", "Kayleigh", "Jones", "", "M3 3CC", "12 Canal Street", source="police"),
        person("t1", "Tia", "Brown", "2010-06-06", "M4 4DD", "7 Park Road"),
        person("t1", "Tia", "Green", "2010-06-06", "M8 8HH", "40 Dock Lane", source="police"),
    ]
    # household_safe: these few records hold no households for households.py to find
    return records, link_records(records, threshold=0.9, train_model=True, household_safe=True)


def _family_weight(result, left, right) -> float:
    for pair in result.pairs:
        if {pair.left, pair.right} == {left, right}:
            (field,) = [f for f in pair.explanation.fields if f.comparison == "family_name"]
            return field.match_weight
    raise AssertionError(f"{left} and {right} were not scored at or above 0.5")


def test_a_family_name_common_with_the_given_name_weighs_less_than_a_rare_combination(community):
    _, result = community
    rahman = _family_weight(result, ("school", "r0"), ("school", "r1"))
    okafor = _family_weight(result, ("school", "o1"), ("health", "o1"))
    # 29 of the other 31 Amirs are Rahmans; no other Amir is an Okafor
    assert rahman < okafor - 3
    family_tf = result.model["comparisons"]
    (exact,) = [
        level
        for c in family_tf
        if c["output_column_name"] == "family_name"
        for level in c["comparison_levels"]
        if level.get("label_for_charts") == "family name exact"
    ]
    assert exact["tf_adjustment_column"] == "family_with_given"


def test_the_already_known_scorer_weighs_the_family_name_as_the_run_did(community):
    records, result = community
    rows = [standardise_record(r) for r in records]
    by_key = {(r["source"], r["record_id"]): r for r in rows}
    scorer = PairScorer(result.model, term_frequencies=term_frequencies(rows))
    for left, right in ((("school", "r0"), ("school", "r1")), (("school", "o1"), ("health", "o1"))):
        (candidate,) = scorer.score(by_key[left], [by_key[right]], min_probability=0.0)
        run = next(p for p in result.pairs if {p.left, p.right} == {left, right})
        assert candidate.match_weight == pytest.approx(run.match_weight, abs=1e-6)


def test_a_family_name_that_differs_at_the_same_house_weighs_less_against_than_after_a_move(
    community,
):
    """Different people at one house mostly share a family name, so another family name
    there is weak evidence against (FAMILY_DIFFERS_AT_HOUSE, u from the records)."""
    records, result = community
    rows = [standardise_record(r) for r in records]
    by_key = {(r["source"], r["record_id"]): r for r in rows}
    scorer = PairScorer(result.model, term_frequencies=term_frequencies(rows))

    def family(record_id: str):
        left, right = by_key["school", record_id], by_key["police", record_id]
        (candidate,) = scorer.score(left, [right], min_probability=0.0)
        (field,) = [f for f in candidate.explanation.fields if f.comparison == "family_name"]
        return field

    at_house, moved = family("k1"), family("t1")
    assert at_house.level == FAMILY_DIFFERS_AT_HOUSE and at_house.kind == "differ"
    assert moved.level == "family name differs (e.g. changed)"
    assert moved.match_weight < at_house.match_weight <= 0  # never evidence for a match


def test_the_saved_frequencies_keep_a_combination_only_where_it_differs_from_the_family(
    community,
):
    records, _ = community
    rows = [standardise_record(r) for r in records]
    saved = term_frequencies(rows)["family_with_given"]
    assert "rahman|amir" in saved and "okafor|" in saved
    assert "okafor|amir" not in saved  # the family name's own frequency, kept under "okafor|"


def _linker():
    from splink import Linker

    from vigil.core.linkage.model import make_db_api

    db_api = make_db_api("duckdb")
    table = standardise_table([person(str(i), "Amir", "Khan", "2010-01-01") for i in range(3)])
    settings = vigil_settings(probability_two_random_records_match=1e-4, term_frequencies=False)
    return Linker(db_api.register(table), settings, log_level=None)


def _level(linker, comparison: str, label: str):
    for c in linker._settings_obj.comparisons:
        if c.output_column_name == comparison:
            for level in c.comparison_levels:
                if level.label_for_charts == label:
                    return level
    raise KeyError((comparison, label))


def test_partial_agreement_never_weighs_more_against_a_match_than_disagreement():
    """EM trained "address agrees" (postcode differs) to m 5.6e-21 on the synthetic area, 57
    bits against a match: such a level is raised to weigh what "location differs" weighs."""
    linker = _linker()
    moved = _level(linker, "location", "location differs (e.g. moved)")
    address = _level(linker, "location", "address agrees")
    district = _level(linker, "location", "same postcode district")
    twin = _level(linker, "date_of_birth", "same DOB but different given name (twin pattern)")
    address.m_probability = 5.6e-21
    twin.m_probability = 1e-9  # a "differs" level: evidence against is what it is for
    before = _level(linker, "location", "address and postcode agree").m_probability

    raised = floor_partial_agreement(linker)

    assert raised == ["location: address agrees"]
    floor = moved.m_probability / moved.u_probability
    assert address.m_probability / address.u_probability == pytest.approx(floor)
    assert district.m_probability / district.u_probability > floor  # above it: untouched
    assert twin.m_probability == 1e-9
    assert _level(linker, "location", "address and postcode agree").m_probability == before
