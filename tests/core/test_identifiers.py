import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.identifiers import (
    format_postcode,
    format_vrm,
    is_uk_vrm,
    is_valid_postcode,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
)
from vigil.core.names import name_keys, name_tokens, token_keys


@pytest.mark.parametrize(
    "good",
    [
        "LS1 1AA",
        "ls11aa",
        "M1 1AE",
        "SW1A 2AA",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "EC1A 1BB",
        "W1A 0AX",
        "GIR 0AA",
    ],
)
def test_valid_postcodes(good):
    assert is_valid_postcode(good)


@pytest.mark.parametrize("bad", ["", "LS1", "12345", "LS1 1A", "QS1 1AA", "LS1 1CA", "hello"])
def test_invalid_postcodes(bad):
    assert not is_valid_postcode(bad)


def test_postcode_formatting():
    assert format_postcode(" sw1a2aa ") == "SW1A 2AA"
    assert normalise_postcode("Ls1 1aa") == "LS11AA"


def test_vrm_normalised_the_way_anpr_stores_it():
    assert normalise_vrm("ab12 cde") == "AB12CDE"
    assert format_vrm("ab12cde") == "AB12 CDE"
    assert is_uk_vrm("A123 BCD") and is_uk_vrm("ABC 123D") and not is_uk_vrm("ABCDEFGH")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+44 7700 900123", "07700900123"),
        ("07700 900123", "07700900123"),
        ("0044 (0)7700-900123", "07700900123"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("", ""),
    ],
)
def test_phone_normalisation(raw, expected):
    assert normalise_phone(raw) == expected


def test_handle_normalisation():
    assert normalise_handle(" @Lola_X ") == "lola_x"


def test_name_tokens_fold_case_diacritics_and_hyphens():
    assert name_tokens("Zoë O'Neil-Smith") == ["zoe", "oneil", "smith"]


def test_nickname_and_sound_keys_meet():
    assert set(token_keys("kate")) & set(token_keys("katherine"))
    assert set(token_keys("kayliegh")) & set(token_keys("kayleigh"))
    assert set(token_keys("smyth")) & set(token_keys("smith"))


@given(st.text(max_size=30))
def test_name_keys_never_fail_and_are_case_insensitive(text):
    assert name_keys(text) == name_keys(text.upper()) or text.upper().lower() != text.lower()


@given(st.text(max_size=20))
def test_phone_normalisation_is_idempotent(text):
    once = normalise_phone(text)
    assert normalise_phone(once) == once
