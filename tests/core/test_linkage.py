"""Known pairs and the household trap, on small hand-made records (prior model, DuckDB)."""

from __future__ import annotations

import builtins
import sys
from dataclasses import dataclass

import pytest

from tests.core.linkage_people import person
from vigil.core.linkage import (
    DuplicateRecordError,
    LinkageBackendError,
    LinkageIndex,
    blocking_keys,
    candidates_for,
    link_records,
    make_db_api,
)
from vigil.core.linkage.standardise import standardise_record

# One household: two siblings, twins, a father and son sharing a name, all at one address
# and on one parent's mobile. Plus the real duplicates the agencies hold.
HOME = {"postcode": "M14 5RT", "address": "22 Clyde Road", "phone": "07700 900123"}
HOUSEHOLD = [
    person("h1", "Jordan", "Okafor", "2009-02-14", **HOME),
    person("h2", "Precious", "Okafor", "2011-09-30", **HOME),
    person("h3", "Amara", "Okafor", "2013-06-01", **HOME),  # twin of h4
    person("h4", "Chidi", "Okafor", "2013-06-01", **HOME),
    person("h5", "Daniel", "Okafor", "1982-11-05", **HOME),  # father
    person("h6", "Daniel", "Okafor", "2015-04-22", **HOME),  # son
]
KNOWN = [
    person("s1", "Kayleigh", "Smith", "2010-03-04", "M1 1AA", "1 High St", "07700900001"),
    person("m1", "Kay", "Smyth", "04/03/2010", "m1 1aa", source="missing"),  # nickname
    person("c1", "Kayleigh", "Jones", "2010-03-04", "OL1 2BB", source="care"),  # new surname
    person("p1", "Mohammed", "Khan", "2008-07-12", "B8 1AA", source="police"),
    person("e1", "Muhammad", "Khan", "2008-12-07", "B8 1AA", source="education"),  # transposed
    person("p2", "Liam", "Walsh", "2007-01-20", "LS6 3HT", "4 Oak Ave", source="police"),
    person("y1", "Liam", "Walsh", "2007-01-20", "LS11 8QW", "9 Elm Rd", source="yot"),  # moved
]


@pytest.fixture(scope="module")
def result():
    return link_records(HOUSEHOLD + KNOWN, threshold=0.9)


def together(result, a, b):
    keys = {k[1]: k for k in result.clusters}
    return result.clusters[keys[a]] == result.clusters[keys[b]]


@pytest.mark.parametrize(
    "a,b",
    [("s1", "m1"), ("s1", "c1"), ("p1", "e1"), ("p2", "y1")],
    ids=["nickname", "changed-surname", "transposed-dob-and-transliteration", "moved-postcode"],
)
def test_known_pairs_are_linked(result, a, b):
    assert together(result, a, b)


@pytest.mark.parametrize(
    "a,b",
    [("h1", "h2"), ("h2", "h3"), ("h3", "h4"), ("h5", "h6"), ("h1", "h6")],
    ids=["siblings", "siblings-2", "twins", "father-and-son", "brothers"],
)
def test_household_members_are_not_merged(result, a, b):
    assert not together(result, a, b)


def test_every_record_is_in_exactly_one_cluster(result):
    assert len(result.clusters) == len(HOUSEHOLD + KNOWN)
    assert len(set(result.members())) == 9  # 6 household members + 3 people known 2-3 times


def test_explanation_names_agreeing_fields(result):
    pair = next(p for p in result.pairs if {p.left[1], p.right[1]} == {"p1", "e1"})
    fields = {f.comparison: f for f in pair.explanation.fields}
    assert fields["date_of_birth"].level == "DOB day and month transposed"
    assert fields["given_name"].kind == "similar"
    assert "family_name" in pair.explanation.agreed
    total = pair.explanation.prior_match_weight + sum(f.match_weight for f in fields.values())
    assert total == pytest.approx(pair.match_weight, abs=0.01)


def test_household_fields_only_corroborate_the_twins(result):
    # Not even a candidate pair: their given names disagree, so the household gate closes and
    # blocking leaves them out (model._Ungated).
    assert not [p for p in result.pairs if {p.left[1], p.right[1]} == {"h3", "h4"}]
    assert result.clusters[("school", "h3")] != result.clusters[("school", "h4")]
    # Scored anyway, the household fields are silenced: weight 0.
    fields = {f.comparison: f for f in _scored(HOUSEHOLD[2], HOUSEHOLD[3]).explanation.fields}
    assert fields["family_name"].match_weight == 0
    assert fields["location"].match_weight == 0


def test_threshold_controls_linking():
    records = HOUSEHOLD + KNOWN
    strict = link_records(records, threshold=0.999999999)
    loose = link_records(records, threshold=0.9)
    assert len(set(strict.clusters.values())) >= len(set(loose.clusters.values()))


def test_duplicate_keys_are_rejected():
    with pytest.raises(DuplicateRecordError, match="school,h1"):
        link_records([HOUSEHOLD[0], HOUSEHOLD[0]])


def test_single_record_and_blank_fields():
    out = link_records([person("x", "", "", "")])
    assert out.clusters == {("school", "x"): 1}
    blanks = link_records([person("x", "", "", ""), person("y", "", "", "")])
    assert len(set(blanks.clusters.values())) == 2


def test_spark_backend_without_pyspark_fails_clearly(monkeypatch):
    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name.startswith("pyspark"):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    monkeypatch.delitem(sys.modules, "pyspark", raising=False)
    with pytest.raises(LinkageBackendError, match="needs pyspark"):
        make_db_api("spark")
    with pytest.raises(LinkageBackendError, match="needs pyspark"):
        link_records(KNOWN, backend="spark")


def test_unknown_backend_is_rejected():
    with pytest.raises(LinkageBackendError, match="unknown linkage backend"):
        make_db_api("oracle")


def test_already_known_finds_the_child_as_typed():
    index = LinkageIndex(HOUSEHOLD + KNOWN)
    found = candidates_for(
        {"given_name": "Kaylee", "family_name": "Smith", "date_of_birth": "4/3/2010"}, index
    )
    assert found[0].key in {("school", "s1"), ("missing", "m1"), ("care", "c1")}
    assert found[0].match_probability > 0.9
    sibling = candidates_for(
        {"given_name": "Tobi", "family_name": "Okafor", "date_of_birth": "2017-01-01", **HOME},
        index,
    )
    assert sibling == []


def test_blocking_keys_cover_transposed_dob_and_nicknames():
    a = set(blocking_keys(standardise_record(person("a", "Kay", "Smith", "2010-03-04"))))
    b = set(blocking_keys(standardise_record(person("b", "Kayleigh", "Jones", "2010-04-03"))))
    assert a & b


# FEBRL-style duplicate: the given name replaced, everything else kept. In agency records that
# is a twin at home; in a register with no households it is the same person.
REPLACED_GIVEN_NAME = [
    person("a1", "Michaela", "Neumann", "1975-11-11", "4223", "8 Stanley Street Miami Winston"),
    person("b1", "Brooke", "Neumann", "1975-11-11", "4223", "8 Stanley St Winston Miami",
           source="register"),
]  # fmt: skip


def test_household_safe_keeps_a_replaced_given_name_apart():
    out = link_records(REPLACED_GIVEN_NAME, threshold=0.9)
    assert len(set(out.clusters.values())) == 2


def test_without_households_address_and_family_name_are_independent_evidence():
    out = link_records(REPLACED_GIVEN_NAME, threshold=0.9, household_safe=False)
    assert len(set(out.clusters.values())) == 1
    fields = {f.comparison: f for f in out.pairs[0].explanation.fields}
    assert set(fields) == {"given_name", "date_of_birth", "family_name", "address", "postcode",
                           "phone"}  # fmt: skip
    assert fields["address"].kind in {"agree", "similar"} and fields["address"].match_weight > 0
    assert fields["phone"].kind == "missing"


def test_half_swapped_names_are_blocked_and_scored():
    records = [
        person("a", "Chantelle", "Seppelt", "1937-08-14", "2212", "6 Cruikshank Street"),
        person("b", "Binns", "Chantelle", "1937-08-14", "2212", "6 Cruikshank St", source="x"),
    ]
    out = link_records(records, min_pair_probability=0.0)
    fields = {f.comparison: f for f in out.pairs[0].explanation.fields}
    assert fields["given_name"].level == "given name recorded as the family name"


def test_pair_scorer_fast_path_scores_as_splink_does():
    from vigil.core.linkage import PairScorer

    scorer = PairScorer(n_records=100)
    query = standardise_record(person("q", "Kaylee", "Smith", "04/03/2010", source="query"))
    rows = [standardise_record(r) for r in KNOWN + HOUSEHOLD]
    first = scorer.score(query, rows, min_probability=0.0, limit=50)
    assert scorer._sql is not None  # the SQL was captured: later lookups skip Splink's set-up
    again = scorer.score(query, rows, min_probability=0.0, limit=50)
    assert [(c.key, round(c.match_probability, 9)) for c in first] == [
        (c.key, round(c.match_probability, 9)) for c in again
    ]
    assert first[0].key == ("school", "s1") and first[0].match_probability > 0.9


def _scored(a, b, n_records=2):
    """The pair as the (prior) model scores it, blocking or not."""
    from vigil.core.linkage import PairScorer

    scorer = PairScorer(n_records=n_records)
    (candidate,) = scorer.score(standardise_record(a), [standardise_record(b)], min_probability=0)
    return candidate


@dataclass
class Pair:
    linked: bool
    candidate: bool  # blocking made it a candidate pair


def _pair_levels(records):
    """A pair's levels, and whether link_records linked it (or even scored it: a pair the
    household gate closes is left out at blocking)."""
    result = link_records(records, threshold=0.9, min_pair_probability=0.0)
    if result.pairs:
        (pair,) = result.pairs
        return {f.comparison: f.level for f in pair.explanation.fields}, Pair(pair.linked, True)
    levels = {f.comparison: f.level for f in _scored(*records).explanation.fields}
    return levels, Pair(False, False)


@pytest.mark.parametrize("keyed", ["1998-07-01", "1998-07-10", "1998-01-07", "1998-01-10"])
def test_a_placeholder_dob_keyed_with_a_slip_still_agrees_with_its_year(keyed):
    # Only the year was known (1 July), then the placeholder was mis-keyed like any date.
    levels, pair = _pair_levels(
        [
            person("a", "Grace", "Robinson", "1998-11-25", "KB6 7QQ", "5 Heron Close"),
            person("b", "Grace", "Robinson", keyed, "", "5 Heron Close", source="health"),
        ]
    )
    assert levels["date_of_birth"].startswith("same year, one DOB a placeholder")
    assert pair.linked


def test_a_blank_postcode_is_not_a_disagreement():
    levels, _ = _pair_levels(
        [
            person("a", "Sophie", "Lloyd", "", "KB6 9GG", "3 Chapel Avenue"),
            person("b", "Sophie", "Lloyd", "", "", "3 Chapel Avenue", source="health"),
        ]
    )
    assert levels["location"] == "address and postcode agree"


@pytest.mark.parametrize(
    "short,full", [("Ade", "Adebayo"), ("Wale", "Olawale"), ("Mide", "Ademide")]
)
def test_a_short_form_cut_from_the_given_name_is_compatible(short, full):
    # The nickname tables lack many short forms; one cut from the start or end of the name
    # is one person's, not a twin's, so the household fields count and the pair links.
    # (Mo, Seun and Funmi, once examples here, are now in the variant table: see below.)
    levels, pair = _pair_levels(
        [
            person("a", full, "Adeyemi", "2009-05-17", "NE3 3AH", "5 Sycamore Terrace"),
            person("b", short, "Adeyemi", "2009-05-17", "NE3 3AH", "5 Sycamore Terrace",
                   source="health"),
        ]
    )  # fmt: skip
    assert levels["given_name"].startswith("given name a short form of the other")
    assert levels["location"] == "address and postcode agree"
    assert pair.linked


def test_twins_whose_names_share_only_an_ending_stay_apart():
    # Two letters in common at the end ("-ia") is not a short form.
    levels, pair = _pair_levels(
        [
            person("a", "Olivia", "Adeyemi", "2013-06-01", **HOME),
            person("b", "Sophia", "Adeyemi", "2013-06-01", **HOME, source="health"),
        ]
    )
    assert levels["date_of_birth"].startswith("same DOB but different given name")
    assert not pair.linked


def test_another_house_number_on_the_street_is_a_neighbour_not_the_same_address():
    # "33 Canal Street" and "21 Canal Street" are near-identical strings but two houses.
    levels, _ = _pair_levels(
        [
            person("a", "Roisin", "O'Connor", "", "SV2 9PR", "33 Canal Street, Stavely"),
            person("b", "Roisin", "Lynch", "2015-02-13", "SV2 9PR", "21 Canal Street, Stavely",
                   source="health"),
        ]
    )  # fmt: skip
    assert levels["location"] == "same street and postcode, another house number"


def test_a_same_name_father_and_son_are_not_chained_through_a_record_without_a_dob():
    # Another agency's "Daniel Okafor" at the house, DOB not recorded, matches both; it may
    # join one of them but must not make the father and his son one person.
    records = [*HOUSEHOLD, person("x1", "Daniel", "Okafor", "", **HOME, source="health")]
    result = link_records(records, threshold=0.9)
    assert not together(result, "h5", "h6")


@pytest.mark.parametrize(
    "short,full",
    [
        ("Kuba", "Jakub"),
        ("Mia", "Amelia"),
        ("Kasia", "Katarzyna"),
        ("Neve", "Niamh"),
        ("Mo", "Mohammed"),
        ("Seun", "Oluwaseun"),
        ("Funmi", "Funmilayo"),
    ],
)
def test_a_diminutive_from_the_supplementary_table_is_a_variant(short, full):
    levels, pair = _pair_levels(
        [
            person("a", full, "Nowak", "2011-05-17", "NE3 3AH", "5 Sycamore Terrace"),
            person("b", short, "Nowak", "2011-05-17", "NE3 3AH", "5 Sycamore Terrace",
                   source="health"),
        ]
    )  # fmt: skip
    assert levels["given_name"] == "given name nickname or spelling variant"
    assert levels["location"] == "address and postcode agree"
    assert pair.linked


def test_duckdb_spills_to_the_temporary_directory_not_the_working_one(monkeypatch, tmp_path):
    """What does not fit in memory goes to the system's temporary directory (or
    VIGIL_LINKAGE_TEMP_DIR), never to DuckDB's default `.tmp` beside the code."""
    import tempfile

    from vigil.core.linkage.model import make_db_api

    def spill_directory() -> str:
        api = make_db_api("duckdb")
        return str(api.duckdb_con.execute("SELECT current_setting('temp_directory')").fetchone()[0])

    monkeypatch.delenv("VIGIL_LINKAGE_TEMP_DIR", raising=False)
    assert spill_directory() == f"{tempfile.gettempdir()}/vigil-duckdb"
    monkeypatch.setenv("VIGIL_LINKAGE_TEMP_DIR", str(tmp_path))
    assert spill_directory() == str(tmp_path)


def test_duckdb_memory_limit_is_half_the_machine_or_as_configured(monkeypatch):
    from vigil.core.linkage.model import make_db_api

    def limit() -> str:
        api = make_db_api("duckdb")
        return str(api.duckdb_con.execute("SELECT current_setting('memory_limit')").fetchone()[0])

    monkeypatch.delenv("VIGIL_LINKAGE_MEMORY_LIMIT", raising=False)
    default = limit()
    monkeypatch.setenv("VIGIL_LINKAGE_MEMORY_LIMIT", "1GB")
    assert limit() in {"953.6 MiB", "1.0 GiB", "1000.0 MiB"}
    monkeypatch.setenv("VIGIL_LINKAGE_MEMORY_LIMIT", "50%")
    assert limit() == default


def test_scoring_in_chunks_gives_the_same_pairs(monkeypatch):
    """Above PREDICT_CHUNK_RECORDS records, scoring runs chunk by chunk (Splink's chunking,
    with the blocking rules' exclusions by keys): the same pairs and clusters."""
    from vigil.core.linkage import pipeline

    records = HOUSEHOLD + KNOWN
    whole = link_records(records, threshold=0.9, min_pair_probability=0.0)
    monkeypatch.setattr(pipeline, "PREDICT_CHUNK_RECORDS", 4)
    chunks = pipeline.predict_chunks(len(records))
    assert len(chunks) == 16 and chunks[0] == ((1, 4), (1, 4)) and chunks[-1] == ((4, 4), (4, 4))
    chunked = link_records(records, threshold=0.9, min_pair_probability=0.0)
    assert [(p.left, p.right) for p in chunked.pairs] == [(p.left, p.right) for p in whole.pairs]
    assert [p.match_probability for p in chunked.pairs] == pytest.approx(
        [p.match_probability for p in whole.pairs]
    )
    assert chunked.clusters == whole.clusters


def test_a_saved_model_is_explained_by_the_levels_it_was_saved_with():
    """A model an app saved before a level was added numbers its levels as they were then:
    its gamma values are read from its own list, not today's."""
    from vigil.core.linkage.explain import gamma_labels, saved_model_labels
    from vigil.core.linkage.model import (
        FAMILY_DIFFERS_AT_HOUSE,
        comparison_levels,
        vigil_settings,
    )

    model = (
        vigil_settings(probability_two_random_records_match=1e-6, term_frequencies=False)
        .get_settings("duckdb")
        .as_dict()
    )
    (family,) = [c for c in model["comparisons"] if c["output_column_name"] == "family_name"]
    family["comparison_levels"] = [
        level
        for level in family["comparison_levels"]
        if level.get("label_for_charts") != FAMILY_DIFFERS_AT_HOUSE
    ]
    family["comparison_levels"][2]["label_for_charts"] = "a level since renamed"
    levels = comparison_levels()

    saved = saved_model_labels(model, levels)["family_name"]
    today = gamma_labels(levels)["family_name"]
    assert today[1].label == FAMILY_DIFFERS_AT_HOUSE
    assert saved[0].label == today[0].label == "family name differs (e.g. changed)"
    assert saved[1].label == "family name sounds alike"
    assert saved[max(saved)].label == "family name exact"
    assert saved[-1].kind == "missing"
    (renamed,) = [lv for lv in saved.values() if lv.label == "a level since renamed"]
    assert renamed.kind == "differ"
    assert saved_model_labels(model, levels)["given_name"] == gamma_labels(levels)["given_name"]


def test_a_model_saved_without_the_household_guard_is_explained_in_its_own_words():
    from vigil.core.linkage.index import _labels
    from vigil.core.linkage.model import vigil_settings

    model = (
        vigil_settings(
            probability_two_random_records_match=1e-6, term_frequencies=False, household_safe=False
        )
        .get_settings("duckdb")
        .as_dict()
    )
    labels = _labels(model, household_safe=True)
    assert "location" not in labels
    assert {lv.label: lv.kind for lv in labels["address"].values()}["address agrees"] == "agree"
