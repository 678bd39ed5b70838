"""Property tests of the linkage standardisers."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.linkage.standardise import (
    dob_transposed,
    name_variants,
    standardise_address,
    standardise_dob,
    standardise_name,
    standardise_phone,
    standardise_postcode,
    variant_table,
)

texts = st.text(max_size=40)
names = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèüöñçåøß' -"), min_size=1, max_size=30
)


@given(texts)
def test_name_is_idempotent(value):
    once = standardise_name(value)
    assert standardise_name(once) == once


@given(names)
def test_name_ignores_case_and_surrounding_whitespace(value):
    assert standardise_name(f"  {value.upper()}\t") == standardise_name(value)


@given(texts)
def test_name_is_plain_lower_ascii_words(value):
    name = standardise_name(value)
    assert name is None or (name == " ".join(name.split()) and name.isascii() and name.islower())


def test_name_folds_diacritics_punctuation_and_hyphens():
    assert standardise_name("  Séan  O'Brien-Smith ") == "sean obrien smith"
    assert standardise_name("ZOË") == standardise_name("zoe")
    assert standardise_name("Mr. John") == "john"
    assert standardise_name("") is None


def test_variants_join_nicknames_and_transliterations():
    assert set(name_variants("kay")) & set(name_variants("kayleigh"))
    assert set(name_variants("kaylee")) & set(name_variants("kayley"))
    assert set(name_variants("mohamed")) & set(name_variants("muhammad"))
    assert set(name_variants("mohammed")) & set(name_variants("mohamed"))
    assert set(name_variants("kate")) & set(name_variants("katherine"))
    assert not set(name_variants("jordan")) & set(name_variants("tyler"))


def variants(a: str, b: str) -> bool:
    return bool(set(name_variants(a)) & set(name_variants(b)))


@pytest.mark.parametrize(
    "a,b",
    [
        ("mia", "amelia"), ("millie", "amelia"), ("liv", "olivia"), ("izzy", "isabella"),
        ("kuba", "jakub"), ("kasia", "katarzyna"), ("gosia", "malgorzata"), ("zosia", "zofia"),
        ("wojtek", "wojciech"), ("tomek", "tomasz"), ("olek", "aleksander"),
        ("ola", "aleksandra"), ("ola", "oliwia"),
        ("neve", "niamh"), ("keeva", "caoimhe"), ("paudie", "padraig"), ("rory", "ruairi"),
        ("sasha", "aleksandr"), ("dima", "dmitri"), ("nelu", "ionut"),
        ("immy", "imran"), ("tasneem", "tasnim"), ("khadeeja", "khadija"),
        ("hamoudi", "mohammad"), ("khaled", "khalid"), ("leila", "layla"),
        ("kobby", "kwabena"), ("tope", "temitope"), ("jide", "babajide"), ("faduma", "fadumo"),
    ],
)  # fmt: skip
def test_the_supplementary_table_joins_diminutives_across_origins(a, b):
    assert variants(a, b)
    assert variants(b, a)


@pytest.mark.parametrize(
    "a,b",
    [
        # Translations and formal names of the other sex are left out of the table on purpose:
        # they would make a household's siblings and twins look like one person.
        ("sean", "john"), ("piotr", "peter"), ("emma", "emmanuel"), ("harry", "harpreet"),
        ("ali", "alexandra"), ("gabriel", "gabriela"),
        # Two formal names sharing a diminutive (Sasha, Abdi) do not match each other.
        ("aleksandr", "aleksandra"), ("abdirahman", "abdikadir"), ("amelia", "maria"),
    ],
)  # fmt: skip
def test_translations_and_names_only_sharing_a_diminutive_are_not_variants(a, b):
    assert not variants(a, b)


def _table_file() -> dict:
    package = resources.files("vigil.core.linkage")
    return json.loads(package.joinpath("given_name_variants.json").read_text(encoding="utf-8"))


def test_every_table_entry_is_a_standard_single_name():
    for group, names in variant_table().items():
        for name in (group, *names):
            assert standardise_name(name) == name and " " not in name, name
        assert group not in names


def test_every_origin_of_the_table_cites_its_sources():
    for origin, section in _table_file()["origins"].items():
        assert "Sources:" in section["note"], origin
        assert section["groups"], origin


_TABLE_PAIRS = sorted((g, n) for g, names in variant_table().items() for n in names)


@given(st.sampled_from(_TABLE_PAIRS))
def test_a_name_is_a_variant_of_every_group_listing_it(pair):
    group, name = pair
    assert group in name_variants(name)
    assert variants(name, group)


@given(st.sampled_from(sorted({n for pair in _TABLE_PAIRS for n in pair})))
def test_name_variants_contain_the_name_sorted_and_stable(name):
    keys = name_variants(name)
    assert name in keys
    assert list(keys) == sorted(set(keys))
    assert name_variants.__wrapped__(name) == keys


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_dob_formats_agree(d):
    iso = d.isoformat()
    assert standardise_dob(iso) == iso
    assert standardise_dob(d) == iso
    assert standardise_dob(d.strftime("%d/%m/%Y")) == iso
    assert standardise_dob(d.strftime("%Y%m%d")) == iso
    assert standardise_dob(d.strftime("%d %B %Y")) == iso
    assert standardise_dob(standardise_dob(iso)) == iso


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_dob_transposition_is_an_involution(d):
    iso = d.isoformat()
    swapped = dob_transposed(iso)
    if swapped is not None:
        assert dob_transposed(swapped) == iso


def test_dob_with_impossible_month_is_read_transposed():
    assert standardise_dob("2010-25-03") == "2010-03-25"
    assert standardise_dob("not a date") is None
    assert standardise_dob("") is None


@given(texts)
def test_postcode_is_idempotent(value):
    once = standardise_postcode(value)
    assert standardise_postcode(once) == once


@given(st.sampled_from(["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB"]))
def test_uk_postcode_spacing_and_case(postcode):
    squashed = postcode.replace(" ", "").lower()
    assert standardise_postcode(f" {squashed} ") == postcode
    assert standardise_postcode(postcode.replace(" ", "  - ")) == postcode


@given(texts)
def test_address_is_idempotent_and_case_invariant(value):
    once = standardise_address(value)
    assert standardise_address(once) == once
    assert standardise_address(value.upper()) == standardise_address(value.lower())


def test_address_expands_abbreviations_and_drops_postcode():
    assert standardise_address("Flat 2, 12 High St. SW1A 1AA") == "flat 2 12 high street"
    assert standardise_address("12 HIGH STREET") == standardise_address("12 high st")


@given(st.text(alphabet="0123456789 +()-", max_size=25))
def test_phone_is_idempotent(value):
    once = standardise_phone(value)
    assert standardise_phone(once) == once


@given(st.integers(min_value=7000000000, max_value=7999999999))
def test_uk_mobile_forms_agree(number):
    national = f"0{number}"
    expected = f"44{number}"
    assert standardise_phone(national) == expected
    assert standardise_phone(f"+44 (0){number}") == expected
    assert standardise_phone(f"0044 {number}") == expected
    assert standardise_phone(f"{national[:5]} {national[5:]}") == expected


def test_short_phone_is_unusable():
    assert standardise_phone("999") is None


def test_address_tokens_ignore_order_and_street_types():
    from vigil.core.linkage.standardise import address_number, address_street, address_tokens

    a = standardise_address("1 Galloway St, Agarabi")
    b = standardise_address("1 agarabi galloway street")
    assert address_tokens(a) == address_tokens(b) == ["1", "agarabi", "galloway"]
    assert address_street(a) == address_street(b) == "agarabi galloway"
    assert address_number("flat 2 12 high street") == "2"
    assert address_tokens(None) is None and address_street("12 street") is None
