"""Explainable CSE screening (issue 6): rules, recency, overrides, advice, and the properties
the issue requires (monotone, order-free, deterministic, rank 0 when empty, under-18 only,
every contributing observation in the reasons)."""

import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.core.dates import age_on
from vigil.core.policy import load_policy
from vigil.core.screening import (
    NOT_COUNTED_RULE,
    OVERRIDE_RULE,
    Observation,
    Override,
    ScreeningInputError,
    advice_for,
    levels,
    load_screening_policy,
    screen_child,
    siblings_need_screening,
)
from vigil.core.taxonomy import load_taxonomy

GUIDANCE = Path("/work/shared/guidance/responding-to-cse.txt")
ON = date(2026, 2, 1)
DOB_14 = date(2011, 6, 15)  # 14 on ON
ALL_CODES = sorted(item.code for item in load_taxonomy())


def obs(code: str, days_ago: int = 10, ref: str | None = None) -> Observation:
    return Observation(code, ON - timedelta(days=days_ago), ref)


def screen(*observations: Observation, dob: date = DOB_14, **kwargs):
    return screen_child(date_of_birth=dob, assessed_on=ON, observations=observations, **kwargs)


def fired(result) -> set[str]:
    return {r.rule for r in result.reasons}


# --- levels -----------------------------------------------------------------------------------


def test_levels_are_ordered_with_no_indicators_recorded_at_the_bottom():
    assert [(lvl.rank, lvl.level) for lvl in levels()] == [
        (0, "no_indicators_recorded"),
        (1, "low"),
        (2, "medium"),
        (3, "high"),
    ]
    assert levels()[0].label == "no indicators recorded"
    assert all(lvl.meaning for lvl in levels())


def test_no_observations_is_rank_0_no_indicators_recorded():
    result = screen()
    assert (result.rank, result.level, result.label) == (
        0,
        "no_indicators_recorded",
        "no indicators recorded",
    )
    assert result.review_on is None
    assert result.reasons[0].rule == "no_indicators_recorded"
    assert advice_for(result) == ()


# --- rules ------------------------------------------------------------------------------------


def test_a_vulnerability_alone_is_low_never_more():
    result = screen(
        *(obs(c) for c in ["VUL-BULLIED", "VUL-HOMELESS", "VUL-POVERTY-SOCIAL-EXCLUSION"])
    )
    assert result.level == "low"
    assert "R-LOW-VULNERABILITY" in fired(result)


def test_in_care_counts_as_the_living_in_care_risk_factor():
    result = screen(in_care=True)
    assert result.level == "low"
    (reason,) = [r for r in result.reasons if r.rule == "R-LOW-VULNERABILITY"]
    assert reason.observations == (Observation("VUL-LIVING-IN-CARE", ON, "in_care"),)


def test_one_warning_sign_is_low_three_medium_five_high():
    signs = ["WS-EDU-TRUANCY", "WS-EMO-SECRETIVE", "WS-IDN-APPEARANCE-CHANGE"]
    signs += ["WS-HLT-SELF-HARM-SUICIDAL", "WS-FAM-ESTRANGED"]
    assert screen(obs(signs[0])).level == "low"
    assert screen(*(obs(c) for c in signs[:2])).level == "low"
    three = screen(*(obs(c) for c in signs[:3]))
    assert three.level == "medium"
    assert "R-MED-THREE-WARNING-SIGNS" in fired(three)
    five = screen(*(obs(c) for c in signs))
    assert five.level == "high"
    assert "R-HIGH-FIVE-WARNING-SIGNS" in fired(five)


def test_the_same_sign_twice_counts_once():
    result = screen(obs("WS-EDU-TRUANCY", 5), obs("WS-EDU-TRUANCY", 50), obs("WS-EMO-SECRETIVE"))
    assert result.level == "low"


def test_a_derived_observation_and_the_sign_it_counts_as_count_once():
    care = [obs("VUL-CARE-OR-TEMPORARY-ACCOMMODATION"), obs("VUL-LIVING-IN-CARE", ref="care")]
    two_signs = [obs("WS-EDU-TRUANCY"), obs("WS-EMO-SECRETIVE")]
    assert screen(*care, *two_signs).level == "low"  # one distinct vulnerability
    assert screen(*care, *two_signs, obs("VUL-BULLIED")).level == "medium"


@pytest.mark.parametrize(
    "code",
    [
        "WS-FAM-RISKY-ADULTS",
        "WS-FAM-VEHICLES-UNKNOWN-ADULTS",
        "WS-FAM-SEEN-IN-VEHICLES-OF-UNKNOWN-ADULTS",
        "WS-FAM-CONTACT-FROM-UNKNOWN-ADULTS",
        "WS-EMO-MUCH-OLDER-PARTNER",
        "WS-FAM-LINKED-TO-ADULT-SUSPECT",
    ],
)
def test_contact_with_risky_adults_is_medium_and_with_missing_high(code):
    assert screen(obs(code)).level == "medium"
    high = screen(obs(code), obs("WS-FAM-REPEAT-MISSING"))
    assert high.level == "high"
    assert "R-HIGH-MISSING-AND-ADULT-CONTACT" in fired(high)


@pytest.mark.parametrize("code", ["COE-PRESENTS", "ONL-HARASSMENT-BY-TEXT"])
def test_coercion_or_online_method_is_medium(code):
    assert screen(obs(code)).level == "medium"


def test_gifts_with_risky_adult_are_high():
    result = screen(obs("WS-IDN-UNEXPLAINED-GIFTS"), obs("WS-FAM-RISKY-ADULTS"))
    assert result.level == "high"
    assert "R-HIGH-GROOMING-AND-ADULT-CONTACT" in fired(result)


@pytest.mark.parametrize("code", [i.code for i in load_taxonomy().by_kind("exploitation_type")])
def test_an_identified_type_of_exploitation_is_high(code):
    assert screen(obs(code)).level == "high"


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2014, 1, 1), "high"),  # 12: cannot consent (guidance: Investigating CSE cases)
        (date(2011, 1, 1), "medium"),  # 15: sexual activity with a child under 16 is an offence
        (date(2009, 1, 1), "low"),  # 17: still a warning sign (guidance: Consent)
    ],
)
def test_sexual_activity_depends_on_age(dob, expected):
    assert screen(obs("WS-FAM-SEXUALLY-ACTIVE"), dob=dob).level == expected


def test_sibling_of_a_victim_with_a_sign_is_medium():
    assert screen(obs("VUL-SIBLING-OF-VICTIM")).level == "low"
    assert screen(obs("VUL-SIBLING-OF-VICTIM"), obs("WS-EMO-MOOD-CHANGES")).level == "medium"


def test_review_date_is_set_by_level():
    by_rank = {lvl.rank: lvl.review_after_days for lvl in levels()}
    result = screen(obs("EXP-BOYFRIEND-MODEL"))
    assert result.review_on == ON + timedelta(days=by_rank[3])
    assert by_rank[3] < by_rank[2] < by_rank[1]


# --- recency ----------------------------------------------------------------------------------


def test_a_warning_sign_older_than_its_window_is_not_counted_but_is_listed():
    window = load_policy("screening")["recency_days"]["by_kind"]["warning_sign"]
    assert screen(obs("WS-EDU-TRUANCY", window)).level == "low"
    old = screen(obs("WS-EDU-TRUANCY", window + 1))
    assert old.rank == 0
    (reason,) = [r for r in old.reasons if r.rule == NOT_COUNTED_RULE]
    assert reason.observations == (obs("WS-EDU-TRUANCY", window + 1),)


def test_a_history_of_abuse_never_expires():
    assert screen(obs("VUL-HISTORY-OF-ABUSE", 365 * 10), dob=date(2010, 1, 1)).level == "low"


# --- refusals ---------------------------------------------------------------------------------


def test_refuses_a_person_aged_18_on_the_assessment_date():
    eighteenth = date(ON.year - 18, ON.month, ON.day)
    with pytest.raises(ScreeningInputError) as info:
        screen(dob=eighteenth)
    assert info.value.field == "date_of_birth"
    assert screen(dob=eighteenth + timedelta(days=1)).rank == 0  # 17 until tomorrow


def test_refuses_a_date_of_birth_after_the_assessment():
    with pytest.raises(ScreeningInputError, match="date_of_birth"):
        screen(dob=ON + timedelta(days=1))


def test_refuses_an_unknown_code():
    with pytest.raises(ScreeningInputError) as info:
        screen(obs("WS-EDU-TRUANCY"), obs("WS-HUNCH"))
    assert info.value.field == "observations[1].code"


def test_refuses_an_observation_after_the_assessment_or_before_birth():
    with pytest.raises(ScreeningInputError) as info:
        screen(obs("WS-EDU-TRUANCY", -1))
    assert info.value.field == "observations[0].observed_on"
    with pytest.raises(ScreeningInputError, match=r"observations\[0\]\.observed_on"):
        screen(Observation("WS-EDU-TRUANCY", DOB_14 - timedelta(days=1)))


# --- professional judgement -------------------------------------------------------------------


def test_override_raises_with_its_reason_beside_the_rule_result():
    result = screen(obs("WS-EDU-TRUANCY"), override=Override(3, "disclosed to teacher"))
    assert (result.rank, result.rule_rank, result.rule_level) == (3, 1, "low")
    note = result.reasons[0]
    assert note.rule == OVERRIDE_RULE
    assert "disclosed to teacher" in note.text
    assert "R-LOW-WARNING-SIGN" in fired(result)


def test_override_below_the_rules_does_not_lower_and_says_so():
    result = screen(obs("EXP-PEER-ON-PEER"), override=Override(1, "settled now"))
    assert result.rank == 3
    assert "not applied" in result.reasons[0].text
    assert "supervisor" in result.reasons[0].text


def test_supervisor_approved_lowering_applies_until_the_rules_rise():
    approved = Override(1, "risk managed by plan", approved_by="DS Patel", approved_rule_rank=2)
    medium = screen(obs("COE-PRESENTS"), override=approved)
    assert (medium.rank, medium.rule_rank) == (1, 2)
    assert "DS Patel" in medium.reasons[0].text
    high = screen(obs("COE-PRESENTS"), obs("WS-FAM-RISKY-ADULTS"), override=approved)
    assert high.rank == 3
    assert "no longer applies" in high.reasons[0].text


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_needs_a_reason(reason):
    with pytest.raises(ScreeningInputError) as info:
        screen(override=Override(2, reason))
    assert info.value.field == "override.reason"


@pytest.mark.parametrize("rank", [-1, 4, True])
def test_override_rank_must_be_a_level(rank):
    with pytest.raises(ScreeningInputError, match=r"override\.rank"):
        screen(override=Override(rank, "why"))


# --- advice -----------------------------------------------------------------------------------


def test_advice_for_medium_with_missing_and_a_hotel():
    result = screen(obs("WS-FAM-REPEAT-MISSING"), obs("LOC-BUDGET-HOTEL"))
    assert result.level == "medium"
    advice = {a.id: a for a in advice_for(result)}
    assert {"ADV-REFER-SOCIAL-CARE", "ADV-RETURN-HOME-INTERVIEW", "ADV-HOTEL-NOTICE"} <= set(advice)
    assert "ADV-CAWN" in advice
    assert advice["ADV-HOTEL-NOTICE"].triggered_by == ("LOC-BUDGET-HOTEL",)
    assert "ADV-STRATEGY-DISCUSSION" not in advice


def test_advice_for_high_includes_strategy_discussion_and_isva():
    advice = {a.id for a in advice_for(screen(obs("EXP-ORGANISED-NETWORKED")))}
    assert {"ADV-STRATEGY-DISCUSSION", "ADV-ISVA-AND-SUPPORT", "ADV-SCREEN-SIBLINGS"} <= advice


def test_advice_for_education_signs_involves_the_school():
    advice = {a.id for a in advice_for(screen(obs("WS-EDU-TRUANCY")))}
    assert "ADV-SCHOOL-SAFEGUARDING-LEAD" in advice


def test_advice_for_sexual_activity_under_13():
    result = screen(obs("WS-FAM-SEXUALLY-ACTIVE"), dob=date(2015, 1, 1))
    assert "ADV-UNDER-13-OFFENCE" in {a.id for a in advice_for(result)}


def test_advice_follows_the_overridden_level():
    result = screen(obs("WS-EDU-TRUANCY"), override=Override(3, "disclosure"))
    assert "ADV-STRATEGY-DISCUSSION" in {a.id for a in advice_for(result)}


def test_siblings_task_from_medium():
    assert not siblings_need_screening(screen(obs("WS-EDU-TRUANCY")))
    assert siblings_need_screening(screen(obs("COE-BLACKMAIL")))


# --- the policy itself ------------------------------------------------------------------------


def test_every_rule_and_advice_row_has_a_rationale_citing_the_guidance():
    data = load_policy("screening")
    for row in data["rules"] + data["advice"]:
        assert row["rationale"].strip(), row["id"]
        assert row["cites"], row["id"]
        assert all(c["section"] and c["text"] for c in row["cites"]), row["id"]
    assert len(load_screening_policy().rules) == len(data["rules"])


@pytest.mark.skipif(not GUIDANCE.exists(), reason="guidance text not available")
def test_citations_quote_the_guidance_verbatim():
    guidance = re.sub(r"\s+", " ", GUIDANCE.read_text(encoding="utf-8"))
    data = load_policy("screening")
    for row in data["rules"] + data["advice"] + [data["siblings"]]:
        for cite in row["cites"]:
            if not cite["section"].startswith("DOMAIN.md"):
                assert re.sub(r"\s+", " ", cite["text"]) in guidance, cite["text"]


def test_every_kind_can_raise_a_child_above_rank_0():
    """So every counted observation contributes to some rule (and appears in the reasons)."""
    for code in ALL_CODES:
        assert screen(obs(code), dob=date(2010, 1, 1)).rank >= 1, code


def test_single_screen_is_well_under_5_ms():
    observations = [obs(code, days) for code, days in zip(ALL_CODES[::10], range(11), strict=False)]
    start = time.perf_counter()
    for _ in range(200):
        screen(*observations)
    assert (time.perf_counter() - start) / 200 < 0.005


# --- properties -------------------------------------------------------------------------------

observation = st.builds(
    Observation,
    code=st.sampled_from(ALL_CODES),
    observed_on=st.dates(min_value=DOB_14, max_value=ON),
    ref=st.none() | st.sampled_from(["r1", "r2"]),
)
observations = st.lists(observation, max_size=15)
overrides = st.none() | st.builds(
    Override,
    rank=st.integers(0, 3),
    reason=st.just("judgement"),
    approved_by=st.none() | st.just("DS Patel"),
    approved_rule_rank=st.none() | st.integers(0, 3),
)


@given(observations, observation, st.booleans(), overrides)
def test_adding_an_observation_never_lowers_the_result(before, extra, in_care, override):
    a = screen(*before, in_care=in_care, override=override)
    b = screen(*before, extra, in_care=in_care, override=override)
    assert b.rank >= a.rank
    assert b.rule_rank >= a.rule_rank


@given(observations, st.booleans(), overrides, st.randoms(use_true_random=False))
def test_the_order_of_observations_does_not_matter(items, in_care, override, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert screen(*items, in_care=in_care, override=override) == screen(
        *shuffled, in_care=in_care, override=override
    )


@given(observations, st.booleans(), overrides)
def test_the_same_input_gives_the_same_output(items, in_care, override):
    first = screen(*items, in_care=in_care, override=override)
    assert first == screen(*items, in_care=in_care, override=override)
    assert first.to_dict() == screen(*items, in_care=in_care, override=override).to_dict()


@given(st.dates(min_value=date(2008, 2, 2), max_value=ON))
def test_no_observations_is_always_rank_0(dob):
    result = screen(dob=dob)
    assert (result.rank, result.label) == (0, "no indicators recorded")


@given(st.dates(min_value=date(1900, 1, 1), max_value=ON), observations)
def test_under_18_only(dob, items):
    items = [o for o in items if o.observed_on >= dob]
    if age_on(dob, ON) >= 18:
        with pytest.raises(ScreeningInputError, match="date_of_birth"):
            screen(*items, dob=dob)
    else:
        assert 0 <= screen(*items, dob=dob).rank <= 3


@given(observations, st.booleans())
def test_every_contributing_observation_appears_in_the_reasons(items, in_care):
    result = screen(*items, in_care=in_care)
    rule_listed = [o for r in result.reasons if r.rule.startswith("R-") for o in r.observations]
    not_counted = [o for r in result.reasons if r.rule == NOT_COUNTED_RULE for o in r.observations]
    # Every observation is accounted for: counted under a fired rule, or listed as not counted.
    for o in items:
        assert o in rule_listed or o in not_counted
    if result.rule_rank:
        top = [r for r in result.reasons if r.rule.startswith("R-") and r.rank == result.rule_rank]
        assert top and all(r.observations for r in top)


@settings(max_examples=50)
@given(observations)
def test_label_and_level_agree_with_rank(items):
    result = screen(*items)
    lvl = levels()[result.rank]
    assert (result.level, result.label) == (lvl.level, lvl.label)
