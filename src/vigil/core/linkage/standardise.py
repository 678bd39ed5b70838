"""Standardisers for the fields agencies hold about a person, before linkage.

Each function takes what a clerk typed (any case, stray punctuation, accents, blanks) and returns
one canonical string, or None when nothing usable is left. All are idempotent: standardising an
already standard value returns it unchanged, so records can be standardised once at write time
(the Django app) and again here without drift.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import jellyfish
from nicknames import NickNamer

# Letters that Unicode does not decompose into a base letter plus accent.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
     "ı": "i", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th"}
)  # fmt: skip

# Given-name variants the `nicknames` package (an English-language nickname table, the base)
# lacks: diminutives and spellings for the origins of the people agencies here record (Polish
# Kuba for Jakub, Irish Niamh/Neve, Yoruba Seun, Arabic Hamoudi), in a maintained data file
# beside this module that cites its sources and says what may not go in it.
VARIANT_TABLE = "given_name_variants.json"


@cache
def variant_table() -> dict[str, tuple[str, ...]]:
    """The supplementary variant groups, every origin's merged: group name -> other forms."""
    text = resources.files(__package__).joinpath(VARIANT_TABLE).read_text(encoding="utf-8")
    groups: dict[str, tuple[str, ...]] = {}
    for origin in json.loads(text)["origins"].values():
        for group, names in origin["groups"].items():
            groups[group] = tuple(dict.fromkeys((*groups.get(group, ()), *names)))
    return groups


@cache
def _variant_groups() -> dict[str, frozenset[str]]:
    """Each name in the table -> the groups it belongs to."""
    out: dict[str, set[str]] = {}
    for group, names in variant_table().items():
        for name in (group, *names):
            out.setdefault(name, set()).add(group)
    return {name: frozenset(groups) for name, groups in out.items()}


_NICKNAMER = NickNamer()

_TITLES = {"mr", "mrs", "miss", "ms", "mx", "dr", "master", "rev", "sir"}

_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")

# Street-type abbreviations expanded so "12 High St." and "12 High Street" agree.
_ADDRESS_WORDS = {
    "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane",
    "cl": "close", "cres": "crescent", "ct": "court", "dr": "drive", "gdns": "gardens",
    "gr": "grove", "pl": "place", "sq": "square", "ter": "terrace", "terr": "terrace",
    "pk": "park", "hse": "house", "apt": "flat", "apartment": "flat", "fl": "flat",
    "nth": "north", "sth": "south", "est": "estate", "wy": "way", "cir": "circuit",
}  # fmt: skip


def _fold(value: str) -> str:
    """Lower-case, strip diacritics (NFKD then drop combining marks) and fold special letters."""
    text = unicodedata.normalize("NFKD", value.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.translate(_FOLD).lower()


def _words(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and value != value):  # NaN from pandas
        return []
    text = _fold(str(value))
    # Apostrophes join (O'Brien -> obrien); hyphens and other punctuation separate words.
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.split()


def standardise_name(value: object) -> str | None:
    """A name as lower-case ASCII words separated by single spaces, without titles.

    "  Séan  O'Brien-Smith " -> "sean obrien smith". Digits are dropped: they are keying errors.
    """
    words = [w for w in _words(value) if not w.isdigit()]
    words = [re.sub(r"[0-9]", "", w) for w in words]
    words = [w for w in words if w and w not in _TITLES]
    return " ".join(words) or None


def first_name(value: object) -> str | None:
    """The first given name: the one every agency records, unlike middle names."""
    name = standardise_name(value)
    return name.split()[0] if name else None


@lru_cache(maxsize=65536)
def name_variants(name: str) -> tuple[str, ...]:
    """Keys under which a (standardised, single-word) given name is also known.

    Two names are variants of each other if their key sets intersect: "kay" and "kayleigh"
    share "kayleigh"; "mohamed" and "muhammad" share "muhammad"; "kate" and "kathy" share
    "katherine"; "kuba" and "jakub" share "jakub". Drawn from the `nicknames` package plus
    the supplementary table (variant_table). Two diminutives of one formal name match each
    other and it, but two formal names sharing a diminutive (Aleksandr and Aleksandra, both
    "Sasha") do not match each other.
    """
    groups = _variant_groups()
    keys = {name}
    keys |= _NICKNAMER.canonicals_of(name)
    keys |= groups.get(name, frozenset())
    for canonical in list(keys):
        keys |= groups.get(canonical, frozenset())
    return tuple(sorted(keys))


def phonetic(value: str | None) -> str | None:
    """Metaphone code of the first word, for blocking keys tolerant of spelling."""
    if not value:
        return None
    return jellyfish.metaphone(value.split()[0]).upper() or None


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    # UK order: day first.
    re.compile(r"^(?P<d>\d{1,2})[/.\-\s](?P<m>\d{1,2})[/.\-\s](?P<y>\d{4})$"),
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DATE_WORDS = re.compile(r"^(?P<d>\d{1,2})\s*(?P<m>[a-z]{3})[a-z]*\s*(?P<y>\d{4})$")


def standardise_dob(value: object) -> str | None:
    """A date of birth as YYYY-MM-DD, or None.

    Accepts ISO, YYYYMMDD, UK day-first (12/03/2010, 12.3.2010), "12 March 2010" and date
    objects. Transposition tolerance: when the month is impossible (>12) but the day would be a
    valid month, the two were keyed the wrong way round (US order) and are swapped. A date
    with a plausible day (1-31) and month but no such calendar day (30 Feb) is kept as typed:
    it is still evidence when compared with another record's date.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip().lower()
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(",", "")
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(text):
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
            break
    else:
        match = _DATE_WORDS.match(text)
        if not match or match["m"] not in _MONTHS:
            return None
        y, m, d = int(match["y"]), _MONTHS[match["m"]], int(match["d"])
    if m > 12 and 1 <= d <= 12:
        m, d = d, m
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1880 <= y <= 2100):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def dob_transposed(dob: str | None) -> str | None:
    """The same date with day and month swapped (the commonest DOB keying error), or None."""
    if not dob or len(dob) != 10:
        return None
    y, m, d = dob[:4], dob[5:7], dob[8:10]
    if int(d) > 12 or m == d:
        return None
    return f"{y}-{d}-{m}"


def standardise_postcode(value: object) -> str | None:
    """A UK postcode as "OUTWARD INWARD" in capitals ("sw1a1aa" -> "SW1A 1AA").

    Anything that is not a UK postcode (a foreign postal code, FEBRL's Australian ones) is kept
    as its upper-case letters and digits, so it can still be compared exactly.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = re.sub(r"[^A-Z0-9]", "", _fold(str(value)).upper())
    if not text:
        return None
    if match := _UK_POSTCODE.match(text):
        return f"{match[1]} {match[2]}"
    return text


def postcode_outward(postcode: str | None) -> str | None:
    """The outward code (district, "SW1A"): people who move often stay in the same district."""
    if not postcode or " " not in postcode:
        return None
    return postcode.split(" ")[0]


def standardise_address(value: object) -> str | None:
    """An address as lower-case words with street-type abbreviations expanded.

    "Flat 2, 12 High St." -> "flat 2 12 high street". A UK postcode inside the address is
    removed: it is compared as its own field.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    # Split into words first, then strip postcodes until none is left, so that the result
    # is a fixed point (standardising it again changes nothing).
    text = " ".join(_words(_fold(str(value))))
    while True:
        stripped = " ".join(_words(_POSTCODE_IN_TEXT.sub(" ", text.upper()).lower()))
        if stripped == text:
            break
        text = stripped
    words = [_ADDRESS_WORDS.get(w, w) for w in text.split()]
    return " ".join(words) or None


_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b")

# Words nearly every address has: sharing them says nothing about being the same place.
_ADDRESS_NOISE = frozenset(_ADDRESS_WORDS.values()) | {"the", "of", "and", "upon", "on"}


def address_tokens(address: str | None) -> list[str] | None:
    """The distinguishing words of a standardised address, sorted and without repeats.

    Clerks write the same address in different orders and with parts left out ("Flat 2, 12
    High St" / "12 High Street, flat 2"); counting shared words tolerates both, where comparing
    the whole string does not.
    """
    if not address:
        return None
    words = sorted({w for w in address.split() if w not in _ADDRESS_NOISE})
    return words or None


def address_street(address: str | None) -> str | None:
    """The distinguishing words of an address that are not numbers, sorted: the street and
    locality without the house or flat number ("12 Meadow Rd, Northam" -> "meadow northam"),
    whatever order they were typed in. A blocking key only: neighbours, and a house number
    keyed wrongly, share it, and a street holds a few hundred people at most, so the pairs it
    makes grow with the area, not with its square (as a key of one word, often the town, did)."""
    words = [w for w in address_tokens(address) or () if not w[0].isdigit()]
    return " ".join(words) or None


def address_words(
    address: str | None, too_common: frozenset[str] | set[str] = frozenset()
) -> tuple[str | None, str | None]:
    """The two longest distinguishing words of an address that are not numbers nor
    `too_common` (ties broken alphabetically): a street and a locality, whatever order they
    were typed in, and a word mistyped in the street leaves the other. Blocking keys only.

    A batch of records passes its common words as `too_common` (common_address_words): the
    longest word is often the town, which half an area shares, and a key on it joins pairs
    with the square of the town (2.9 billion at 1,000,000 records).
    """
    words = sorted(
        (w for w in address_tokens(address) or () if not w[0].isdigit() and w not in too_common),
        key=lambda w: (-len(w), w),
    )
    return (words[0] if words else None, words[1] if len(words) > 1 else None)


# A word of more addresses than this in a batch is no blocking key (common_address_words).
ADDRESS_WORD_MAX_RECORDS = 500


def common_address_words(
    token_lists: Iterable[Iterable[str] | None], max_records: int = ADDRESS_WORD_MAX_RECORDS
) -> set[str]:
    """The address words (address_tokens) more than `max_records` of the records share."""
    counts: Counter[str] = Counter()
    for tokens in token_lists:
        counts.update(tokens or ())
    return {word for word, count in counts.items() if count > max_records}


FAMILY_WITH_GIVEN = "family_with_given"


def family_with_given(family: str | None, first: str | None) -> str | None:
    """The family name keyed with the given name ("khan|muhammad"), for the family name's
    term frequency given the given name (family_given_frequencies); "khan|" without one."""
    return _family_given_key(family, first) if family else None


def _family_given_key(family: str, first: str | None) -> str:
    return f"{family}|{first or ''}"


def family_given_frequencies(rows: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """How often, among the people with the same given name, another has this family name:
    the term frequency of the family name once the given name is known (family_with_given
    keys).

    Names are not independent: they come from one community's naming customs, so among the
    people with a given name common in a community its common family names are far commoner
    than over the whole area, and two strangers called "Muhammad Khan" born the same day are
    likelier than the two names' frequencies multiplied say (at 1,000,000 synthetic records,
    the largest group of wrong links). People, not records, are counted: a person is a
    distinct (given name, family name, DOB), since one person's several records would
    otherwise make their own name look common (records without a DOB are left out). Each
    key's value is the share of the OTHER people with its given name who have its family
    name, and never below the family name's own term frequency: a combination rarer than
    independence predicts keeps the family name's frequency. A key without a given name
    ("khan|"), or whose records have no DOB, has the family name's own frequency (over
    records, as Splink counts it). Every record's key has a value.
    """
    family: Counter[str] = Counter()
    people: set[tuple[str, str, str]] = set()
    undated: set[tuple[str, str]] = set()
    for row in rows:
        if not (name := row.get("family_name")):
            continue
        family[name] += 1
        if first := row.get("given_first"):
            if dob := row.get("dob"):
                people.add((first, name, dob))
            else:
                undated.add((name, first))
    given: Counter[str] = Counter(first for first, _, _ in people)
    both: Counter[tuple[str, str]] = Counter((name, first) for first, name, _ in people)
    total = sum(family.values())
    out = {_family_given_key(name, None): count / total for name, count in family.items()}
    for name, first in undated:
        out[_family_given_key(name, first)] = out[_family_given_key(name, None)]
    for (name, first), count in both.items():
        others = given[first] - 1
        share = (count - 1) / others if others else 0.0
        own = out[_family_given_key(name, None)]
        out[_family_given_key(name, first)] = max(own, share)
    return out


def address_number(address: str | None) -> str | None:
    """The first number in a standardised address (usually the house or flat number)."""
    for word in (address or "").split():
        if word[0].isdigit():
            return word
    return None


def standardise_phone(value: object) -> str | None:
    """A phone number as E.164-style digits with the country code and no "+" ("447700900123").

    UK national numbers (leading 0) get 44; "+44 (0)7700..." drops the bracketed trunk 0;
    00-prefixed international numbers keep their country code. Fewer than 7 digits is not a
    usable number and gives None.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip().replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("00"):
        digits = digits if text.startswith("+") else digits[2:]
        # No country code starts with 0, and every +7 number has 10 digits after the 7: such
        # input is malformed, and refusing it keeps standardising a fixed point.
        if digits.startswith("0") or (len(digits) == 10 and digits.startswith("7")):
            return None
    elif digits.startswith("0"):
        digits = "44" + digits[1:]
    elif len(digits) == 10 and digits.startswith("7"):
        digits = "44" + digits  # a UK mobile keyed without its leading 0
    if len(digits) < 7:
        return None
    return digits


# The columns a standardised record carries into Splink. Copies suffixed `_gate` feed only
# the household gate (see model.py): Splink deactivates a comparison during an EM pass
# when it reads a column the training blocking rule uses, and the gate must not stop family
# name and location being trained in the DOB-blocked pass.
STANDARD_COLUMNS: tuple[str, ...] = (
    "unique_id", "source", "record_id",
    "given_name", "given_first", "given_variants", "given_phonetic",
    "family_name", "family_tokens", "family_phonetic",
    "dob", "dob_year", "dob_transposed",
    "postcode", "postcode_outward", "address", "address_tokens", "address_number",
    "address_street", "address_word_1", "address_word_2", "phone",
    "given_first_gate", "given_variants_gate", "dob_gate", "family_name_gate",
    "family_with_given",
)  # fmt: skip


def unique_id(source: str, record_id: str) -> str:
    """One identifier for a record across sources; the unit separator cannot be typed."""
    return f"{source}\x1f{record_id}"


def standardise_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Standardise one input record (the `vigil link` columns) into STANDARD_COLUMNS."""
    source = "" if record.get("source") is None else str(record.get("source"))
    record_id = str(record.get("record_id"))
    given = standardise_name(record.get("given_name"))
    first = given.split()[0] if given else None
    family = standardise_name(record.get("family_name"))
    dob = standardise_dob(record.get("date_of_birth"))
    postcode = standardise_postcode(record.get("postcode"))
    address = standardise_address(record.get("address"))
    variants = list(name_variants(first)) if first else None
    word_1, word_2 = address_words(address)
    return {
        "unique_id": unique_id(source, record_id),
        "source": source,
        "record_id": record_id,
        "given_name": given,
        "given_first": first,
        "given_variants": variants,
        "given_phonetic": phonetic(first),
        "family_name": family,
        "family_tokens": family.split() if family else None,
        "family_phonetic": phonetic(family),
        "dob": dob,
        "dob_year": dob[:4] if dob else None,
        "dob_transposed": dob_transposed(dob),
        "postcode": postcode,
        "postcode_outward": postcode_outward(postcode),
        "address": address,
        "address_tokens": address_tokens(address),
        "address_number": address_number(address),
        "address_street": address_street(address),
        "address_word_1": word_1,
        "address_word_2": word_2,
        "phone": standardise_phone(record.get("phone")),
        "given_first_gate": first,
        "given_variants_gate": variants,
        "dob_gate": dob,
        "family_name_gate": family,
        "family_with_given": family_with_given(family, first),
    }
