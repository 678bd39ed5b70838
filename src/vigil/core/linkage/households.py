"""Does this data hold households? Decided from the records, so one model fits both kinds.

Agency records are full of households (issue 11's "household trap"): siblings and parents
share family name, address and postcode, so those fields cannot be independent evidence, and a
pair agreeing on everything but the given name is more likely twins than one person. A register
without households (FEBRL, a list of adults) is the opposite: there a pair agreeing on
everything but the given name is almost always one person whose given name was mis-keyed.

The records themselves say which kind they are. Two records sharing family name, postcode and
address whose given names are unrelated and whose years of birth differ (a sibling, a parent),
or whose given names agree but are a generation apart (a same-name parent), are different people
of one household: no keying error changes both the given name and the year of birth of one
record at once, often. When more than HOUSEHOLD_SHARE of the records have such a housemate, the
household guard is on (model.comparison_levels(household_safe=True)).

Measured (benchmarks/linkage_synthetic.py, linkage_febrl4.py): FEBRL4 0.08% of records, the
synthetic area at 50,000 people 63%.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jellyfish

from vigil.core.linkage.model import (
    DOB_COMPATIBLE_EDITS,
    GENERATION_YEARS,
    PLACEHOLDER_DAYS,
    SHORT_FORM_MIN_PREFIX,
    SHORT_FORM_MIN_SUFFIX,
)

# Share of records with a clear housemate above which the data is taken to hold households.
# Far from both measured kinds of data (0.08% and 63%); a few households in a register are
# enough to make its twin-looking pairs ambiguous, so it is set low.
HOUSEHOLD_SHARE = 0.01
# Given names this similar (Jaro-Winkler) could be one name mis-keyed: not a sibling's.
GIVEN_COMPATIBLE_JW = 0.88
# Years of birth at least this far apart are not a keying error of one another.
SIBLING_YEARS = 2
# Pairs compared within one address: a hostel or a care home can hold many records, and a
# few dozen members already show whether the address is a household.
MAX_MEMBERS_COMPARED = 30


@dataclass(frozen=True)
class HouseholdEvidence:
    """What the records say about households, for the linkage decision and its explanation."""

    records: int
    with_housemate: int  # records sharing family name and address with a clearly different person
    household_safe: bool  # the decision: guard against the household trap
    reason: str = "decided from the records"  # or "asked for", "too few records to tell"

    @property
    def share(self) -> float:
        return self.with_housemate / self.records if self.records else 0.0

    def describe(self) -> str:
        verdict = "household guard on" if self.household_safe else "household guard off"
        return (
            f"{self.with_housemate:,} of {self.records:,} records ({self.share:.2%}) share a "
            f"family name and address with a person of another given name or generation; "
            f"{verdict} ({self.reason})"
        )


def is_short_form(short: str, long: str) -> bool:
    """Python twin of model.short_form_sql: `short` is the start or the end of `long`."""
    if len(long) <= len(short):
        return False
    return (len(short) >= SHORT_FORM_MIN_PREFIX and long.startswith(short)) or (
        len(short) >= SHORT_FORM_MIN_SUFFIX and long.endswith(short)
    )


def dobs_compatible(a: str, b: str) -> bool:
    """Python twin of model._dob_compatible, on standardised dates (YYYY-MM-DD): the same
    date, day and month transposed, up to two keystrokes apart but not a generation apart,
    or one a placeholder in the other's year. Anything else is two people's dates."""
    if a == b:
        return True
    if len(a) != 10 or len(b) != 10:
        return False
    same_year = a[:4] == b[:4]
    if same_year and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    if same_year and (a[5:] in PLACEHOLDER_DAYS or b[5:] in PLACEHOLDER_DAYS):
        return True
    if jellyfish.damerau_levenshtein_distance(a, b) > DOB_COMPATIBLE_EDITS:
        return False
    if a[:4].isdigit() and b[:4].isdigit():
        return abs(int(a[:4]) - int(b[:4])) < GENERATION_YEARS
    return True


def _given_compatible(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    first_a, first_b = a["given_first"], b["given_first"]
    if first_a == first_b:
        return True
    if set(a["given_variants"] or ()) & set(b["given_variants"] or ()):
        return True
    if jellyfish.jaro_winkler_similarity(first_a, first_b) >= GIVEN_COMPATIBLE_JW:
        return True
    if is_short_form(first_a, first_b) or is_short_form(first_b, first_a):
        return True
    return bool(jellyfish.damerau_levenshtein_distance(first_a, first_b) <= 1)


def housemates(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when two standardised records at one address with one family name are clearly
    two people: a sibling (another given name and year of birth) or a same-name parent."""
    year_a, year_b = a["dob_year"], b["dob_year"]
    if not (year_a and year_b and year_a.isdigit() and year_b.isdigit()):
        return False
    years_apart = abs(int(year_a) - int(year_b))
    if _given_compatible(a, b):
        return years_apart >= GENERATION_YEARS
    return years_apart >= SIBLING_YEARS


def household_evidence(
    rows: Sequence[Mapping[str, Any]] | Iterable[Mapping[str, Any]],
    *,
    threshold: float = HOUSEHOLD_SHARE,
) -> HouseholdEvidence:
    """Count records with a clear housemate among standardised rows (standardise_record)."""
    at_address: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    total = 0
    for row in rows:
        total += 1
        if row["family_name"] and row["postcode"] and row["address"] and row["given_first"]:
            key = (row["family_name"], row["postcode"], row["address"])
            at_address.setdefault(key, []).append(row)
    found: set[str] = set()
    for members in at_address.values():
        for a, b in itertools.combinations(members[:MAX_MEMBERS_COMPARED], 2):
            if housemates(a, b):
                found.add(a["unique_id"])
                found.add(b["unique_id"])
    share = len(found) / total if total else 0.0
    return HouseholdEvidence(total, len(found), household_safe=share > threshold)
