"""The offence finder (issue 8), tested against the Acts as amended.

The truth table below was written from the sections themselves, not from the code: each row
names the ages on the incident date (with birthdays on, the day before and the day after each
boundary), the facts, the offences that must be listed and those that must not.
Offences are written "SOA 9" (Sexual Offences Act 2003), "MSA 2" (Modern Slavery Act 2015),
"PCA 1" (Protection of Children Act 1978) and "CJA 160" (Criminal Justice Act 1988).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.core.offences import (
    BELIEF_FACTS,
    CONDITIONS,
    FACTS,
    Offence,
    OffenceFinding,
    find_offences,
    parse_request,
)
from vigil.core.policy import load_policy

INCIDENT = date(2024, 6, 15)

ACT_CODES = {
    "Sexual Offences Act 2003": "SOA",
    "Modern Slavery Act 2015": "MSA",
    "Protection of Children Act 1978": "PCA",
    "Criminal Justice Act 1988": "CJA",
}


def born(years: int, birthday_in_days: int = 0) -> date:
    """Date of birth of someone whose `years`th birthday falls `birthday_in_days` days after
    INCIDENT: born(13, 1) is 12 on the day (13 tomorrow), born(13) is 13 that day, born(13, -1)
    turned 13 the day before."""
    birthday = INCIDENT + timedelta(days=birthday_in_days)
    return birthday.replace(year=birthday.year - years)


# Victims and suspects at each boundary.
V12_EVE_OF_13 = born(13, 1)
V13_ON_BIRTHDAY = born(13)
V13_DAY_AFTER = born(13, -1)
V14 = born(14, -100)
V15_EVE_OF_16 = born(16, 1)
V16_ON_BIRTHDAY = born(16)
V16_DAY_AFTER = born(16, -1)
V17_EVE_OF_18 = born(18, 1)
V18_ON_BIRTHDAY = born(18)
V18_DAY_AFTER = born(18, -1)
V8 = born(8, -30)
ADULT_30 = born(30, -200)
S17_EVE_OF_18 = born(18, 1)
S18_ON_BIRTHDAY = born(18)
S18_DAY_AFTER = born(18, -1)
S9 = born(10, 1)
S10_ON_BIRTHDAY = born(10)
S15 = born(15, -40)


def keys(finding: OffenceFinding) -> list[str]:
    return [f"{ACT_CODES[o.act]} {o.section}" for o in finding.offences]


def by_key(finding: OffenceFinding) -> dict[str, Offence]:
    return {f"{ACT_CODES[o.act]} {o.section}": o for o in finding.offences}


def run(victim: date, suspect: date, *facts: str) -> OffenceFinding:
    return find_offences(victim, suspect, INCIDENT, frozenset(facts))


TOUCH = ("sexual_touching",)
PENILE = ("penile_penetration",)
OTHER_PEN = ("other_penetration",)
CAUSE = ("caused_or_incited_sexual_activity",)
NO_CONSENT = ("victim_did_not_consent",)
B16 = ("believed_victim_16_or_over",)
B18 = ("believed_victim_18_or_over",)
TRUST = ("position_of_trust",)
FAMILY = ("family_relationship",)
PAID = ("paid_for_sexual_services",)
GROOM = ("prior_meeting_or_communication", "met_or_travelled_to_meet_child")
CHILD_SEX_OFFENCES = {"SOA 9", "SOA 10", "SOA 11", "SOA 12", "SOA 13", "SOA 14", "SOA 15"}
UNDER_13 = {"SOA 5", "SOA 6", "SOA 7", "SOA 8"}
UNDER_18 = {"SOA 16", "SOA 17", "SOA 18", "SOA 19", "SOA 25", "SOA 26", "SOA 47"}
UNDER_18 |= {"SOA 48", "SOA 49", "SOA 50", "PCA 1", "CJA 160"}
CHILD_ONLY = UNDER_13 | CHILD_SEX_OFFENCES | {"SOA 15A"} | UNDER_18

# (id, victim dob, suspect dob, facts, {present: max penalty or None}, {absent})
CASES: list[tuple[str, date, date, tuple[str, ...], dict[str, str | None], set[str]]] = [
    # --- victim 12, the day before the 13th birthday: ss5-8, strict liability ---------------
    ("u13-penile", V12_EVE_OF_13, ADULT_30, PENILE,
     {"SOA 5": "life", "SOA 7": "14 years", "SOA 9": "14 years"},
     {"SOA 1", "SOA 2", "SOA 3", "SOA 6", "SOA 8", "SOA 13"}),
    ("u13-other-penetration", V12_EVE_OF_13, ADULT_30, OTHER_PEN,
     {"SOA 6": "life", "SOA 7": "14 years", "SOA 9": "14 years"}, {"SOA 5", "SOA 2"}),
    ("u13-touching", V12_EVE_OF_13, ADULT_30, TOUCH,
     {"SOA 7": "14 years", "SOA 9": "14 years"}, {"SOA 5", "SOA 6", "SOA 3"}),
    ("u13-incite-no-penetration", V12_EVE_OF_13, ADULT_30, CAUSE,
     {"SOA 8": "14 years", "SOA 10": "14 years"}, {"SOA 4", "SOA 7", "SOA 26"}),
    ("u13-incite-with-penetration-s8-life", V12_EVE_OF_13, ADULT_30, CAUSE + PENILE,
     {"SOA 8": "life", "SOA 5": "life", "SOA 10": "14 years"}, {"SOA 4"}),
    ("u13-belief-16-irrelevant", V12_EVE_OF_13, ADULT_30, PENILE + B16,
     {"SOA 5": "life", "SOA 7": None, "SOA 9": None}, set()),
    ("u13-belief-18-irrelevant", V12_EVE_OF_13, ADULT_30, TOUCH + B18 + TRUST + FAMILY,
     {"SOA 7": None, "SOA 9": None, "SOA 16": "5 years", "SOA 25": "14 years"}, set()),
    ("u13-consent-irrelevant-no-s1-without-non-consent", V12_EVE_OF_13, ADULT_30, PENILE,
     {"SOA 5": None}, {"SOA 1"}),
    ("u13-non-consent-adds-s1-s3", V12_EVE_OF_13, ADULT_30, PENILE + NO_CONSENT,
     {"SOA 1": "life", "SOA 3": "10 years", "SOA 5": "life"}, set()),
    ("u13-presence", V12_EVE_OF_13, ADULT_30, ("sexual_activity_in_presence_of_child",),
     {"SOA 11": "10 years"}, {"SOA 7", "SOA 12"}),
    ("u13-watch", V12_EVE_OF_13, ADULT_30, ("caused_child_to_watch_sexual_act",),
     {"SOA 12": "10 years"}, {"SOA 7", "SOA 11"}),
    ("u13-s15A", V12_EVE_OF_13, ADULT_30, ("sexual_communication",),
     {"SOA 15A": "2 years"}, set()),
    # s15A(1)(c) and s15(1)(c)-(d) have no under-13 limb: the belief is open at any age.
    ("u13-s15A-belief-defeats", V12_EVE_OF_13, ADULT_30, ("sexual_communication", *B16),
     {}, {"SOA 15A"}),
    ("u13-s15-belief-defeats", V12_EVE_OF_13, ADULT_30, GROOM + B16, {}, {"SOA 15"}),
    ("u13-s14-belief-irrelevant", V12_EVE_OF_13, born(40),
     ("arranged_or_facilitated_child_sex_offence", *B16), {"SOA 14": "14 years"}, set()),
    ("u13-suspect-17-eve-of-18", V12_EVE_OF_13, S17_EVE_OF_18, PENILE,
     {"SOA 5": "life", "SOA 7": "14 years", "SOA 13": "5 years"}, {"SOA 9"}),
    ("u13-suspect-18-on-birthday", V12_EVE_OF_13, S18_ON_BIRTHDAY, PENILE,
     {"SOA 5": "life", "SOA 9": "14 years"}, {"SOA 13"}),
    ("u13-paid-with-penetration-life", V12_EVE_OF_13, ADULT_30, PAID + PENILE,
     {"SOA 47": "life"}, set()),
    ("u13-paid-no-penetration-14", V12_EVE_OF_13, ADULT_30, PAID, {"SOA 47": "14 years"}, set()),
    ("u13-family-suspect-17", V12_EVE_OF_13, S17_EVE_OF_18, TOUCH + FAMILY,
     {"SOA 7": "14 years", "SOA 13": "5 years", "SOA 25": "5 years"}, {"SOA 9", "SOA 16"}),
    ("u13-trust-suspect-17-no-s16", V12_EVE_OF_13, S17_EVE_OF_18, TOUCH + TRUST,
     {"SOA 13": None}, {"SOA 16"}),
    # --- victim 13 on the birthday: ss9-15 with belief in age ------------------------------
    ("13-on-birthday-touching", V13_ON_BIRTHDAY, ADULT_30, TOUCH,
     {"SOA 9": "14 years"}, {"SOA 5", "SOA 6", "SOA 7", "SOA 8"}),
    ("13-on-birthday-belief-16", V13_ON_BIRTHDAY, ADULT_30, TOUCH + B16, {}, CHILD_ONLY),
    ("13-on-birthday-penile", V13_ON_BIRTHDAY, ADULT_30, PENILE,
     {"SOA 9": "14 years"}, {"SOA 5", "SOA 1"}),
    ("13-penile-no-consent", V13_ON_BIRTHDAY, ADULT_30, PENILE + NO_CONSENT,
     {"SOA 1": "life", "SOA 3": "10 years", "SOA 9": None}, {"SOA 5", "SOA 2"}),
    ("13-incite-penetration", V13_ON_BIRTHDAY, ADULT_30, CAUSE + OTHER_PEN,
     {"SOA 10": "14 years", "SOA 9": "14 years"}, {"SOA 8", "SOA 6", "SOA 4"}),
    ("13-incite-penetration-no-consent-s4-life", V13_ON_BIRTHDAY, ADULT_30,
     CAUSE + OTHER_PEN + NO_CONSENT, {"SOA 4": "life", "SOA 2": "life"}, {"SOA 8"}),
    ("13-day-after-touching", V13_DAY_AFTER, ADULT_30, TOUCH, {"SOA 9": None}, UNDER_13),
    ("13-grooming", V13_ON_BIRTHDAY, ADULT_30, GROOM, {"SOA 15": "10 years"}, set()),
    ("13-grooming-earlier-contact-only", V13_ON_BIRTHDAY, ADULT_30,
     ("prior_meeting_or_communication",), {}, {"SOA 15"}),
    ("13-grooming-meeting-only", V13_ON_BIRTHDAY, ADULT_30,
     ("met_or_travelled_to_meet_child",), {}, {"SOA 15"}),
    ("13-grooming-belief", V13_ON_BIRTHDAY, ADULT_30, GROOM + B16, {}, {"SOA 15"}),
    ("13-grooming-suspect-17", V13_ON_BIRTHDAY, S17_EVE_OF_18, GROOM, {}, {"SOA 15"}),
    ("13-s15A", V13_ON_BIRTHDAY, ADULT_30, ("sexual_communication",),
     {"SOA 15A": "2 years"}, set()),
    ("13-s15A-suspect-17", V13_ON_BIRTHDAY, S17_EVE_OF_18, ("sexual_communication",),
     {}, {"SOA 15A", "SOA 13"}),
    ("13-s14", V13_ON_BIRTHDAY, S15, ("arranged_or_facilitated_child_sex_offence",),
     {"SOA 14": "14 years"}, set()),
    ("13-s14-belief", V13_ON_BIRTHDAY, ADULT_30,
     ("arranged_or_facilitated_child_sex_offence", *B16), {}, {"SOA 14"}),
    ("13-paid-penile-14-not-life", V13_ON_BIRTHDAY, ADULT_30, PAID + PENILE,
     {"SOA 47": "14 years"}, set()),
    ("13-paid-belief-16-is-no-s47-defence", V13_ON_BIRTHDAY, ADULT_30, PAID + B16,
     {"SOA 47": "14 years"}, set()),
    ("13-suspect-17-touching", V13_ON_BIRTHDAY, S17_EVE_OF_18, TOUCH,
     {"SOA 13": "5 years"}, {"SOA 9"}),
    ("13-suspect-17-belief", V13_ON_BIRTHDAY, S17_EVE_OF_18, TOUCH + B16, {}, {"SOA 13"}),
    ("14-suspect-18-day-after", V14, S18_DAY_AFTER, CAUSE, {"SOA 10": None}, {"SOA 13"}),
    # --- victim 15, the day before the 16th birthday ---------------------------------------
    ("15-eve-touching", V15_EVE_OF_16, ADULT_30, TOUCH, {"SOA 9": "14 years"}, set()),
    ("15-eve-belief", V15_EVE_OF_16, ADULT_30, TOUCH + B16, {}, {"SOA 9"}),
    ("15-eve-presence", V15_EVE_OF_16, ADULT_30, ("sexual_activity_in_presence_of_child",),
     {"SOA 11": "10 years"}, set()),
    ("15-eve-watch", V15_EVE_OF_16, ADULT_30, ("caused_child_to_watch_sexual_act",),
     {"SOA 12": "10 years"}, set()),
    ("15-eve-watch-belief", V15_EVE_OF_16, ADULT_30,
     ("caused_child_to_watch_sexual_act", *B16), {}, {"SOA 12"}),
    ("15-eve-suspect-17", V15_EVE_OF_16, S17_EVE_OF_18, CAUSE, {"SOA 13": "5 years"},
     {"SOA 10"}),
    ("15-eve-grooming", V15_EVE_OF_16, ADULT_30, GROOM, {"SOA 15": "10 years"}, set()),
    ("15-eve-s15A", V15_EVE_OF_16, ADULT_30, ("sexual_communication",), {"SOA 15A": None},
     set()),
    ("15-eve-paid", V15_EVE_OF_16, ADULT_30, PAID, {"SOA 47": "14 years"}, set()),
    ("15-eve-trust-belief-16-s16-stands", V15_EVE_OF_16, ADULT_30, TOUCH + TRUST + B16,
     {"SOA 16": "5 years"}, {"SOA 9"}),
    # --- victim 16 on the birthday: the under-16 offences fall away ------------------------
    ("16-on-birthday-touching", V16_ON_BIRTHDAY, ADULT_30, TOUCH, {}, CHILD_ONLY),
    ("16-on-birthday-trust", V16_ON_BIRTHDAY, ADULT_30, TOUCH + TRUST,
     {"SOA 16": "5 years"}, {"SOA 9", "SOA 13"}),
    ("16-trust-belief-16-is-no-defence", V16_ON_BIRTHDAY, ADULT_30, TOUCH + TRUST + B16,
     {"SOA 16": None}, set()),
    ("16-trust-belief-18", V16_ON_BIRTHDAY, ADULT_30, TOUCH + TRUST + B18, {}, {"SOA 16"}),
    ("16-trust-incite", V16_ON_BIRTHDAY, ADULT_30, TRUST + CAUSE, {"SOA 17": "5 years"},
     {"SOA 10", "SOA 16"}),
    ("16-trust-presence", V16_ON_BIRTHDAY, ADULT_30,
     ("position_of_trust", "sexual_activity_in_presence_of_child"), {"SOA 18": "5 years"},
     {"SOA 11"}),
    ("16-trust-watch", V16_ON_BIRTHDAY, ADULT_30,
     ("position_of_trust", "caused_child_to_watch_sexual_act"), {"SOA 19": "5 years"},
     {"SOA 12"}),
    ("16-trust-suspect-17", V16_ON_BIRTHDAY, S17_EVE_OF_18, TOUCH + TRUST, {}, {"SOA 16"}),
    ("16-trust-suspect-18-on-birthday", V16_ON_BIRTHDAY, S18_ON_BIRTHDAY, TOUCH + TRUST,
     {"SOA 16": None}, set()),
    ("16-family-adult", V16_ON_BIRTHDAY, ADULT_30, TOUCH + FAMILY, {"SOA 25": "14 years"},
     set()),
    ("16-family-suspect-17", V16_ON_BIRTHDAY, S17_EVE_OF_18, PENILE + FAMILY,
     {"SOA 25": "5 years"}, set()),
    ("16-family-suspect-18-on-birthday", V16_ON_BIRTHDAY, S18_ON_BIRTHDAY, TOUCH + FAMILY,
     {"SOA 25": "14 years"}, set()),
    ("16-family-incite", V16_ON_BIRTHDAY, ADULT_30, FAMILY + CAUSE, {"SOA 26": "14 years"},
     {"SOA 25"}),
    ("16-family-incite-suspect-17", V16_ON_BIRTHDAY, S17_EVE_OF_18, FAMILY + CAUSE,
     {"SOA 26": "5 years"}, set()),
    ("16-family-belief-18", V16_ON_BIRTHDAY, ADULT_30, TOUCH + FAMILY + B18, {}, {"SOA 25"}),
    ("16-paid-7", V16_ON_BIRTHDAY, ADULT_30, PAID + PENILE, {"SOA 47": "7 years"}, set()),
    ("16-day-after-paid-7", V16_DAY_AFTER, ADULT_30, PAID, {"SOA 47": "7 years"}, set()),
    ("16-paid-belief-18", V16_ON_BIRTHDAY, ADULT_30, PAID + B18, {}, {"SOA 47"}),
    ("16-exploitation", V16_ON_BIRTHDAY, born(25),
     ("caused_or_incited_sexual_exploitation", "controlled_child_in_sexual_exploitation",
      "arranged_or_facilitated_sexual_exploitation"),
     {"SOA 48": "14 years", "SOA 49": "14 years", "SOA 50": "14 years"}, set()),
    ("16-exploitation-belief-18", V16_ON_BIRTHDAY, born(25),
     ("caused_or_incited_sexual_exploitation", "controlled_child_in_sexual_exploitation",
      "arranged_or_facilitated_sexual_exploitation", *B18),
     {}, {"SOA 48", "SOA 49", "SOA 50"}),
    ("16-grooming-no-s15", V16_ON_BIRTHDAY, ADULT_30, (*GROOM, "sexual_communication"), {},
     {"SOA 15", "SOA 15A"}),
    ("16-images", V16_ON_BIRTHDAY, ADULT_30,
     ("made_or_took_indecent_image", "possessed_indecent_image"),
     {"PCA 1": "10 years", "CJA 160": "5 years"}, set()),
    ("16-images-belief-18-no-defence", V16_ON_BIRTHDAY, ADULT_30,
     ("distributed_indecent_image", *B18), {"PCA 1": "10 years"}, set()),
    # --- victim 17, the day before the 18th birthday --------------------------------------
    ("17-eve-trust", V17_EVE_OF_18, ADULT_30, TOUCH + TRUST, {"SOA 16": "5 years"}, set()),
    ("17-eve-paid", V17_EVE_OF_18, ADULT_30, PAID, {"SOA 47": "7 years"}, set()),
    ("17-eve-images", V17_EVE_OF_18, S17_EVE_OF_18,
     ("made_or_took_indecent_image", "possessed_indecent_image"),
     {"PCA 1": "10 years", "CJA 160": "5 years"}, set()),
    ("17-eve-trafficking", V17_EVE_OF_18, ADULT_30,
     ("arranged_or_facilitated_travel_for_exploitation",), {"MSA 2": "life"}, set()),
    ("17-eve-exploitation", V17_EVE_OF_18, ADULT_30,
     ("caused_or_incited_sexual_exploitation",), {"SOA 48": "14 years"}, set()),
    # --- victim 18 on the birthday and after: an adult ------------------------------------
    ("18-on-birthday-trust", V18_ON_BIRTHDAY, ADULT_30, TOUCH + TRUST + FAMILY, {}, CHILD_ONLY),
    ("18-on-birthday-paid", V18_ON_BIRTHDAY, ADULT_30, PAID + PENILE, {}, {"SOA 47"}),
    ("18-on-birthday-images", V18_ON_BIRTHDAY, ADULT_30,
     ("made_or_took_indecent_image", "distributed_indecent_image",
      "possessed_indecent_image"), {}, {"PCA 1", "CJA 160"}),
    ("18-on-birthday-exploitation", V18_ON_BIRTHDAY, ADULT_30,
     ("caused_or_incited_sexual_exploitation",), {}, {"SOA 48"}),
    ("18-rape", V18_ON_BIRTHDAY, ADULT_30, PENILE + NO_CONSENT,
     {"SOA 1": "life", "SOA 3": "10 years"}, CHILD_ONLY | {"SOA 2"}),
    ("18-trafficking", V18_ON_BIRTHDAY, ADULT_30,
     ("arranged_or_facilitated_travel_for_exploitation",), {"MSA 2": "life"}, CHILD_ONLY),
    ("18-day-after-assault-by-penetration", V18_DAY_AFTER, ADULT_30,
     OTHER_PEN + NO_CONSENT, {"SOA 2": "life", "SOA 3": "10 years"}, {"SOA 1"}),
    ("18-day-after-causing-without-consent", V18_DAY_AFTER, ADULT_30, CAUSE + NO_CONSENT,
     {"SOA 4": "10 years"}, {"SOA 10", "SOA 17"}),
    ("18-day-after-causing-penetration-without-consent", V18_DAY_AFTER, ADULT_30,
     CAUSE + PENILE + NO_CONSENT, {"SOA 4": "life", "SOA 1": "life"}, set()),
    ("adult-touching-no-consent-suspect-17", ADULT_30, S17_EVE_OF_18, TOUCH + NO_CONSENT,
     {"SOA 3": "10 years"}, CHILD_ONLY),
    ("adult-consensual-touching", ADULT_30, ADULT_30, TOUCH, {}, CHILD_ONLY | {"SOA 3"}),
    # --- suspects at the age of criminal responsibility (CYPA 1933 s50) --------------------
    ("suspect-9", V8, S9, TOUCH + NO_CONSENT, {}, {"SOA 7", "SOA 13", "SOA 3"}),
    ("suspect-10-on-birthday", V8, S10_ON_BIRTHDAY, TOUCH,
     {"SOA 7": "14 years", "SOA 13": "5 years"}, {"SOA 9"}),
    # --- many facts at once ---------------------------------------------------------------
    ("14-everything", V14, ADULT_30, PENILE + NO_CONSENT + TRUST + FAMILY + PAID,
     {"SOA 1": "life", "SOA 3": "10 years", "SOA 9": "14 years", "SOA 16": "5 years",
      "SOA 25": "14 years", "SOA 47": "14 years"}, UNDER_13 | {"SOA 13"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("victim", "suspect", "facts", "present", "absent"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_truth_table(
    victim: date,
    suspect: date,
    facts: tuple[str, ...],
    present: dict[str, str | None],
    absent: set[str],
) -> None:
    finding = run(victim, suspect, *facts)
    found = by_key(finding)
    for key, penalty in present.items():
        assert key in found, f"{key} missing from {keys(finding)}"
        if penalty is not None:
            assert found[key].max_penalty == penalty, key
    assert not (absent & found.keys()), f"{absent & found.keys()} should be absent"
    assert len(keys(finding)) == len(set(keys(finding)))


def test_truth_table_is_big_enough() -> None:
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (V12_EVE_OF_13, 12),
        (V13_ON_BIRTHDAY, 13),
        (V13_DAY_AFTER, 13),
        (V15_EVE_OF_16, 15),
        (V16_ON_BIRTHDAY, 16),
        (V17_EVE_OF_18, 17),
        (V18_ON_BIRTHDAY, 18),
    ],
)
def test_ages_are_on_the_incident_date(dob: date, expected: int) -> None:
    assert run(dob, ADULT_30).victim_age == expected
    assert run(ADULT_30, dob).suspect_age == expected


def test_most_serious_first_then_section_order() -> None:
    finding = run(V14, ADULT_30, *PENILE, *NO_CONSENT, *TRUST, *FAMILY, *PAID)
    assert keys(finding) == ["SOA 1", "SOA 9", "SOA 25", "SOA 47", "SOA 3", "SOA 16"]


def test_life_offences_across_acts_keep_policy_order() -> None:
    finding = run(
        V12_EVE_OF_13,
        ADULT_30,
        *PENILE,
        *OTHER_PEN,
        *CAUSE,
        *PAID,
        "arranged_or_facilitated_travel_for_exploitation",
    )
    life = [k for k, o in by_key(finding).items() if o.max_penalty == "life"]
    assert life == ["SOA 5", "SOA 6", "SOA 8", "SOA 47", "MSA 2"]
    assert keys(finding)[: len(life)] == life


def test_under_13_offences_list_no_defence_and_say_strict_liability() -> None:
    finding = run(V12_EVE_OF_13, ADULT_30, *PENILE, *B16)
    offences = by_key(finding)
    assert offences["SOA 5"].defences == ()
    assert offences["SOA 9"].defences == ()
    assert "irrelevant" in offences["SOA 9"].why


def test_belief_defence_listed_for_13_to_15() -> None:
    offence = by_key(run(V14, ADULT_30, *TOUCH))["SOA 9"]
    assert any("16 or over" in d for d in offence.defences)


def test_marriage_exception_only_from_16() -> None:
    under = by_key(run(V15_EVE_OF_16, ADULT_30, *TOUCH, *TRUST))["SOA 16"]
    over = by_key(run(V16_ON_BIRTHDAY, ADULT_30, *TOUCH, *TRUST))["SOA 16"]
    assert not any("(s23)" in d for d in under.defences)
    assert any("(s23)" in d for d in over.defences)


def test_why_gives_ages_date_and_penalty_reason() -> None:
    offence = by_key(run(V12_EVE_OF_13, ADULT_30, *CAUSE, *PENILE))["SOA 8"]
    assert "2024-06-15" in offence.why
    assert "victim was 12" in offence.why
    assert "penetration" in offence.why
    assert "s8(2)" in offence.why


def test_adult_victim_note() -> None:
    finding = run(V18_ON_BIRTHDAY, ADULT_30, *TOUCH, *TRUST)
    assert finding.offences == ()
    assert any("adult" in n and "s2" in n for n in finding.notes)


def test_s75_notes() -> None:
    finding = run(ADULT_30, ADULT_30, *PENILE, "violence_or_threat_used")
    assert any(n.startswith("s75(2)(a)") for n in finding.notes)
    assert any("ss1-4 are not listed" in n for n in finding.notes)
    drugged = run(ADULT_30, ADULT_30, *PENILE, *NO_CONSENT, "victim_intoxicated_or_drugged")
    assert any("s75(2)(d), (f)" in n for n in drugged.notes)
    assert "SOA 1" in keys(drugged)


def test_s15_note_when_only_one_grooming_fact() -> None:
    finding = run(V14, ADULT_30, "prior_meeting_or_communication")
    assert any("Criminal Justice and Courts Act 2015" in n for n in finding.notes)


def test_suspect_under_10_note() -> None:
    finding = run(V8, S9, *TOUCH)
    assert finding.offences == ()
    assert any("Children and Young Persons Act 1933 s50" in n for n in finding.notes)


def test_no_facts() -> None:
    finding = run(V14, ADULT_30)
    assert finding.offences == ()
    assert finding.notes


def test_json_shape_matches_contract() -> None:
    data = run(V14, ADULT_30, *PENILE).to_json()
    assert set(data) == {"victim_age", "suspect_age", "offences", "notes"}
    for offence in data["offences"]:
        assert set(offence) == {"act", "section", "title", "max_penalty", "defences", "why"}
        assert isinstance(offence["defences"], list)


# --- the vocabulary and the policy file -------------------------------------------------


def test_facts_vocabulary_is_exactly_the_contract() -> None:
    assert set(FACTS) == {
        "penile_penetration", "other_penetration", "sexual_touching",
        "caused_or_incited_sexual_activity", "sexual_activity_in_presence_of_child",
        "caused_child_to_watch_sexual_act", "arranged_or_facilitated_child_sex_offence",
        "met_or_travelled_to_meet_child", "prior_meeting_or_communication", "position_of_trust",
        "family_relationship", "paid_for_sexual_services",
        "caused_or_incited_sexual_exploitation", "controlled_child_in_sexual_exploitation",
        "arranged_or_facilitated_sexual_exploitation",
        "arranged_or_facilitated_travel_for_exploitation", "believed_victim_16_or_over",
        "believed_victim_18_or_over", "victim_did_not_consent", "victim_intoxicated_or_drugged",
        "violence_or_threat_used", "sexual_communication", "made_or_took_indecent_image",
        "distributed_indecent_image", "possessed_indecent_image",
    }  # fmt: skip
    assert all(label and label[0].isupper() for label in FACTS.values())


def test_policy_file_is_consistent() -> None:
    policy = load_policy("offences")
    assert policy["version"] and policy["source"]
    seen = set()
    for rule in policy["offences"]:
        assert rule["act"] in ACT_CODES
        key = (rule["act"], rule["section"])
        assert key not in seen
        seen.add(key)
        for fact in (*rule.get("needs_all", []), *rule.get("needs_any", [])):
            assert fact in FACTS
        assert rule["penalties"] and "when" not in rule["penalties"][-1]
        for item in (*rule["penalties"], *rule.get("defences", [])):
            assert set(item.get("when", [])) <= CONDITIONS.keys()
        for penalty in rule["penalties"]:
            assert re.fullmatch(r"life|\d+ years", penalty["max"])
        if "age_belief" in rule:
            assert rule["age_belief"]["fact"] in BELIEF_FACTS
    covered = {f"{ACT_CODES[a]} {s}" for a, s in seen}
    required = {f"SOA {n}" for n in [*range(1, 20), "15A", 25, 26, 47, 48, 49, 50]}
    assert required | {"MSA 2", "PCA 1", "CJA 160"} <= covered


# --- parse_request ------------------------------------------------------------------------


def valid_request() -> dict[str, object]:
    return {
        "victim_date_of_birth": "2010-03-01",
        "suspect_date_of_birth": "1990-01-01",
        "incident_date": "2024-06-15",
        "facts": ["sexual_touching"],
    }


def test_parse_request_accepts_the_contract() -> None:
    request = parse_request(valid_request())
    assert request.victim_date_of_birth == date(2010, 3, 1)
    assert request.facts == frozenset({"sexual_touching"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"victim_date_of_birth": "2010-02-30"}, "victim_date_of_birth"),
        ({"suspect_date_of_birth": "01/01/1990"}, "suspect_date_of_birth"),
        ({"incident_date": 20240615}, "incident_date"),
        ({"victim_date_of_birth": "2024-06-16"}, "victim_date_of_birth"),
        ({"suspect_date_of_birth": "2025-01-01"}, "suspect_date_of_birth"),
        ({"facts": "sexual_touching"}, "facts"),
        ({"facts": ["sexual_touching", "kissing"]}, "facts[1]"),
        ({"facts": [3]}, "facts[0]"),
        ({"extra": 1}, "extra"),
    ],
)
def test_parse_request_names_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=re.escape(field)):
        parse_request({**valid_request(), **change})


@pytest.mark.parametrize(
    "field", ["victim_date_of_birth", "suspect_date_of_birth", "incident_date", "facts"]
)
def test_parse_request_missing_field(field: str) -> None:
    obj = valid_request()
    del obj[field]
    with pytest.raises(ValueError, match=f"^{field}: missing"):
        parse_request(obj)


def test_parse_request_refuses_non_object() -> None:
    with pytest.raises(ValueError, match=r"^input:"):
        parse_request(["not", "an", "object"])


def test_find_offences_refuses_unknown_fact_and_victim_born_after() -> None:
    with pytest.raises(ValueError, match="facts"):
        find_offences(V14, ADULT_30, INCIDENT, frozenset({"kissing"}))
    with pytest.raises(ValueError, match="victim_date_of_birth"):
        find_offences(INCIDENT + timedelta(days=1), ADULT_30, INCIDENT, frozenset())


# --- properties ------------------------------------------------------------------------------

ALL_FACTS = sorted(FACTS)
NON_BELIEF = sorted(set(FACTS) - BELIEF_FACTS)

ages_in_days = st.integers(min_value=0, max_value=70 * 366)
incidents = st.dates(min_value=date(2005, 1, 1), max_value=date(2035, 12, 31))
fact_sets = st.frozensets(st.sampled_from(ALL_FACTS))


def offence_keys(finding: OffenceFinding) -> set[tuple[str, str]]:
    return {(o.act, o.section) for o in finding.offences}


@settings(max_examples=300)
@given(incidents, ages_in_days, ages_in_days, fact_sets, st.sampled_from(sorted(BELIEF_FACTS)))
def test_a_belief_never_adds_an_offence(
    incident: date, victim_days: int, suspect_days: int, facts: frozenset[str], belief: str
) -> None:
    victim, suspect = incident - timedelta(victim_days), incident - timedelta(suspect_days)
    without = find_offences(victim, suspect, incident, facts - {belief})
    with_belief = find_offences(victim, suspect, incident, facts | {belief})
    assert offence_keys(with_belief) <= offence_keys(without)


@settings(max_examples=300)
@given(incidents, ages_in_days, ages_in_days, st.integers(1, 20 * 366), fact_sets)
def test_an_older_victim_never_gains_an_under_13_offence(
    incident: date, victim_days: int, suspect_days: int, older_by: int, facts: frozenset[str]
) -> None:
    victim, suspect = incident - timedelta(victim_days), incident - timedelta(suspect_days)
    older = victim - timedelta(older_by)
    under_13 = {("Sexual Offences Act 2003", s) for s in ("5", "6", "7", "8")}
    young = offence_keys(find_offences(victim, suspect, incident, facts)) & under_13
    old = find_offences(older, suspect, incident, facts)
    assert offence_keys(old) & under_13 <= young
    if old.victim_age >= 13:
        assert not offence_keys(old) & under_13


@settings(max_examples=300)
@given(incidents, ages_in_days, ages_in_days, fact_sets, st.frozensets(st.sampled_from(NON_BELIEF)))
def test_more_facts_never_remove_an_offence(
    incident: date, victim_days: int, suspect_days: int, facts: frozenset[str], more: frozenset[str]
) -> None:
    victim, suspect = incident - timedelta(victim_days), incident - timedelta(suspect_days)
    fewer = find_offences(victim, suspect, incident, facts)
    extra = find_offences(victim, suspect, incident, facts | more)
    assert offence_keys(fewer) <= offence_keys(extra)


def _rank(penalty: str) -> int:
    return 1000 if penalty == "life" else int(penalty.split()[0])


@settings(max_examples=300)
@given(incidents, ages_in_days, ages_in_days, fact_sets)
def test_output_is_most_serious_first_and_deterministic(
    incident: date, victim_days: int, suspect_days: int, facts: frozenset[str]
) -> None:
    victim, suspect = incident - timedelta(victim_days), incident - timedelta(suspect_days)
    finding = find_offences(victim, suspect, incident, facts)
    order = [(rule["act"], rule["section"]) for rule in load_policy("offences")["offences"]]
    sort_keys = [(-_rank(o.max_penalty), order.index((o.act, o.section))) for o in finding.offences]
    assert sort_keys == sorted(sort_keys)
    assert find_offences(victim, suspect, incident, frozenset(sorted(facts))) == finding
    for offence in finding.offences:
        assert offence.act in ACT_CODES
        assert re.fullmatch(r"life|\d+ years", offence.max_penalty)
    if finding.victim_age >= 18:
        assert offence_keys(finding) <= {
            ("Sexual Offences Act 2003", s) for s in ("1", "2", "3", "4")
        } | {("Modern Slavery Act 2015", "2")}
