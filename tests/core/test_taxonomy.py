"""The warning-sign taxonomy (issue 6): complete against the guidance, stable codes, lookups."""

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from vigil.core.taxonomy import CATEGORIES, KINDS, load_taxonomy

GUIDANCE = Path("/work/shared/guidance/responding-to-cse.txt")
POLICY_FILES = ("taxonomy.json", "screening.json")

# Every code ever published. Codes are stable forever: add to this list, never remove from it.
PUBLISHED_CODES = [
    "COE-ALCOHOL",
    "COE-ATTENTION",
    "COE-BLACKMAIL",
    "COE-DRUGS-OR-DRUG-DEBT",
    "COE-FALSE-PROMISES-OF-LOVE",
    "COE-FALSE-PROMISES-OF-OPPORTUNITY",
    "COE-FEAR",
    "COE-FOOD-TREATS",
    "COE-INDECENT-IMAGES-PARTICIPATION",
    "COE-ISOLATION",
    "COE-MADE-TO-RECRUIT-OTHERS",
    "COE-MENTAL-MANIPULATION",
    "COE-PAYING-OFF-DEBT",
    "COE-PHYSICAL-VIOLENCE",
    "COE-PRESENTS",
    "COE-REWARDS",
    "EXP-BOYFRIEND-MODEL",
    "EXP-GANG-ASSOCIATED",
    "EXP-INAPPROPRIATE-RELATIONSHIP",
    "EXP-ORGANISED-NETWORKED",
    "EXP-PEER-ON-PEER",
    "LOC-ALCOHOL-OUTLET",
    "LOC-ARCADE",
    "LOC-BUDGET-HOTEL",
    "LOC-CAFE",
    "LOC-CAR-PARK",
    "LOC-PARTY-HOUSE",
    "LOC-PUB-CLUB-HOTEL",
    "LOC-PUBLIC-PARK",
    "LOC-SCHOOL",
    "LOC-SHEESHA-BAR",
    "LOC-SHOPPING-CENTRE",
    "LOC-TAKEAWAY",
    "LOC-TAXI-RANK",
    "LOC-TRANSPORT-HUB",
    "LOC-UNSUPERVISED-AREA",
    "LOC-YOUTH-CLUB",
    "ONL-DISTRIBUTING-PIN-LISTS",
    "ONL-EXTREME-PORNOGRAPHY",
    "ONL-FILMING-DISTRIBUTING-RAPE",
    "ONL-HARASSMENT-BY-TEXT",
    "ONL-IMAGE-GEOLOCATION",
    "ONL-IMAGES-AS-LEVERAGE",
    "ONL-IMAGES-WITH-RIVAL-GANG",
    "ONL-PHONES-BOUGHT-NUMBERS-SHARED",
    "ONL-RANDOM-CONTACT-SOCIAL-NETWORK",
    "ONL-TARGETING-VICTIMS-FRIENDS-LISTS",
    "VUL-BULLIED",
    "VUL-CARE-OR-TEMPORARY-ACCOMMODATION",
    "VUL-CHAOTIC-FAMILY",
    "VUL-DOMESTIC-ABUSE-IN-FAMILY",
    "VUL-EXCLUDED-FROM-EDUCATION",
    "VUL-FRIENDS-EXPLOITED",
    "VUL-GANG-ACTIVITY",
    "VUL-GANG-ASSOCIATIONS",
    "VUL-GANG-NEIGHBOURHOOD",
    "VUL-GOES-MISSING",
    "VUL-HISTORY-OF-ABUSE",
    "VUL-HOMELESS",
    "VUL-LIVING-IN-CARE",
    "VUL-LOW-SELF-ESTEEM",
    "VUL-MENTAL-ILL-HEALTH",
    "VUL-NO-SAME-AGE-FRIENDS",
    "VUL-PARENTAL-HEALTH-PROBLEMS",
    "VUL-PARENTAL-SUBSTANCE-MISUSE",
    "VUL-POVERTY-SOCIAL-EXCLUSION",
    "VUL-PROBLEMATIC-PARENTING",
    "VUL-RECENT-BEREAVEMENT",
    "VUL-SCHOOL-WITH-EXPLOITED-PEERS",
    "VUL-SEXUAL-ORIENTATION",
    "VUL-SIBLING-OF-VICTIM",
    "VUL-SOCIAL-LEARNING-DIFFICULTIES",
    "VUL-SUBSTANCE-MISUSE",
    "VUL-UNSUPERVISED-ONLINE",
    "VUL-YOUNG-CARER",
    "WS-EDU-PERFORMANCE-CHANGE",
    "WS-EDU-TRUANCY",
    "WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK",
    "WS-EMO-EXPLOITED-PEERS-OR-OLDER-PARTNER",
    "WS-EMO-MOOD-CHANGES",
    "WS-EMO-MUCH-OLDER-PARTNER",
    "WS-EMO-PETTY-CRIME",
    "WS-EMO-SECRETIVE",
    "WS-FAM-CONTACT-FROM-UNKNOWN-ADULTS",
    "WS-FAM-DETACHED-FROM-PEERS",
    "WS-FAM-ESTRANGED",
    "WS-FAM-FOUND-AT-LOCATION-OF-CONCERN",
    "WS-FAM-FOUND-AWAY-FROM-AREA",
    "WS-FAM-HOSTILE-TO-FAMILY",
    "WS-FAM-LINKED-TO-ADULT-SUSPECT",
    "WS-FAM-MISSING-OR-LATE-HOME",
    "WS-FAM-PHYSICALLY-AGGRESSIVE",
    "WS-FAM-RECRUITING-OTHERS",
    "WS-FAM-REPEAT-MISSING",
    "WS-FAM-RISKY-ADULTS",
    "WS-FAM-SEEN-IN-VEHICLES-OF-UNKNOWN-ADULTS",
    "WS-FAM-SEXUALLY-ACTIVE",
    "WS-FAM-SHARED-BOYFRIEND",
    "WS-FAM-VEHICLES-UNKNOWN-ADULTS",
    "WS-HLT-PHYSICAL-APPEARANCE-CHANGE",
    "WS-HLT-PHYSICAL-INJURIES",
    "WS-HLT-PREGNANCY-OR-ABORTION",
    "WS-HLT-RECURRING-STI",
    "WS-HLT-SELF-HARM-SUICIDAL",
    "WS-HLT-SEXUALISED-BEHAVIOUR",
    "WS-HLT-SUBSTANCE-USE",
    "WS-IDN-APPEARANCE-CHANGE",
    "WS-IDN-UNEXPLAINED-GIFTS",
]

DERIVED_CODES = {
    "WS-FAM-REPEAT-MISSING",
    "WS-FAM-FOUND-AT-LOCATION-OF-CONCERN",
    "WS-FAM-LINKED-TO-ADULT-SUSPECT",
    "WS-EMO-MUCH-OLDER-PARTNER",
    "WS-FAM-SEEN-IN-VEHICLES-OF-UNKNOWN-ADULTS",
    "WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK",
    "VUL-SIBLING-OF-VICTIM",
    "VUL-LIVING-IN-CARE",
    # Issue 10: a child in a network community flagged as group-based CSE.
    "WS-FAM-IN-FLAGGED-NETWORK-GROUP",
}

PREFIX = {
    "vulnerability": "VUL",
    "warning_sign": "WS",
    "location_of_concern": "LOC",
    "online_method": "ONL",
    "coercion_method": "COE",
    "exploitation_type": "EXP",
}
CATEGORY_PREFIX = {
    "emotional_behavioural": "WS-EMO-",
    "education": "WS-EDU-",
    "identity": "WS-IDN-",
    "family_social": "WS-FAM-",
    "health": "WS-HLT-",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _policy_text(name: str) -> str:
    return resources.files("vigil.core.policy").joinpath(name).read_text(encoding="utf-8")


def test_counts_match_the_guidance_lists():
    """The guidance lists 26 risk factors; warning signs 4 / 2 / 2 / 12 / 7 under its five
    headings; 13 locations; 8 online methods; 13 coercion methods; 5 types of exploitation."""
    items = [item for item in load_taxonomy() if not item.derived]
    by_kind = Counter(item.kind for item in items)
    by_category = Counter(item.category for item in items if item.kind == "warning_sign")
    assert by_kind["vulnerability"] == 26
    assert by_category == {
        "emotional_behavioural": 4,
        "education": 2,
        "identity": 2,
        "family_social": 12,
        "health": 7,
    }
    # The listed 13 plus schools, youth clubs (peer-on-peer) and party houses (Intelligence).
    assert by_kind["location_of_concern"] == 16
    # The listed 8 plus images used as leverage and geolocated photographs.
    assert by_kind["online_method"] == 10
    # The listed 13 plus indecent images, recruiting others and isolation.
    assert by_kind["coercion_method"] == 16
    assert by_kind["exploitation_type"] == 5


def test_five_types_of_exploitation():
    labels = [item.label for item in load_taxonomy().by_kind("exploitation_type")]
    assert labels == [
        "Inappropriate relationship",
        "Boyfriend model",
        "Peer-on-peer exploitation",
        "Gang-associated sexual exploitation",
        "Organised or networked sexual exploitation, or trafficking",
    ]


def test_published_codes_are_never_removed():
    codes = {item.code for item in load_taxonomy()}
    assert set(PUBLISHED_CODES) <= codes


def test_codes_are_unique_and_shaped_by_kind_and_category():
    taxonomy = load_taxonomy()
    codes = [item.code for item in taxonomy]
    assert len(codes) == len(set(codes))
    for item in taxonomy:
        assert re.fullmatch(r"[A-Z]+(-[A-Z0-9]+)+", item.code), item.code
        assert item.code.startswith(PREFIX[item.kind] + "-"), item.code
        assert item.kind in KINDS
        if item.kind == "warning_sign":
            assert item.category in CATEGORIES
            assert item.code.startswith(CATEGORY_PREFIX[item.category]), item.code
        else:
            assert item.category is None


def test_every_item_has_label_source_and_section():
    for item in load_taxonomy():
        assert item.label.strip() and item.source.strip() and item.section.strip(), item.code
        assert item.label[0].isupper(), item.code


@pytest.mark.skipif(not GUIDANCE.exists(), reason="guidance text not available")
def test_sources_are_the_guidance_wording_verbatim():
    guidance = _norm(GUIDANCE.read_text(encoding="utf-8"))
    for item in load_taxonomy():
        assert _norm(item.source) in guidance, item.code


@pytest.mark.skipif(not GUIDANCE.exists(), reason="guidance text not available")
def test_every_listed_warning_sign_and_risk_factor_is_present():
    """Walk the guidance's bullet lists and check each line appears in some item's source."""
    raw = GUIDANCE.read_text(encoding="utf-8").replace("\u00a0", " ")
    lines = (" ".join(line.split()) for line in raw.splitlines())
    text = "\n".join(line for line in lines if line)
    sources = " ".join(_norm(item.source) for item in load_taxonomy())
    sections = [
        ("These include children or young people who:", "This is not an exhaustive list"),
        ("Emotional and behavioural development\nSigns include:", "Locations of concern\n"),
        ("These\ninclude:", "This is not an exhaustive list. Depending"),
        ("in the following ways:", "The Thinkuknow website"),
        ("The following methods can also be used to coerce a victim:", "This is not an exhaustive"),
    ]
    checked = 0
    for start, end in sections:
        block = text[text.index(start) + len(start) :]
        block = block[: block.index(end)]
        for line in block.splitlines():
            line = line.strip()
            noise = ("Signs include", "Page ", "http", "18/02/2026", "public-protection", "sexual-")
            if (
                not line
                or line.startswith(noise)
                or line
                in {
                    "Education",
                    "Identity",
                    "Family and social relationships",
                    "Health",
                }
            ):
                continue
            # A wrapped line is a fragment of a longer bullet; its words are still verbatim.
            assert _norm(line) in sources, line
            checked += 1
    assert checked > 70


def test_derived_items_are_marked_and_count_as_a_known_item():
    taxonomy = load_taxonomy()
    derived = {item.code for item in taxonomy if item.derived}
    assert derived == DERIVED_CODES
    for code in derived:
        item = taxonomy.get(code)
        assert item.kind in ("warning_sign", "vulnerability")
        assert item.derived_from
        assert item.counts_as in taxonomy


def test_lookups():
    taxonomy = load_taxonomy()
    truancy = taxonomy.get("WS-EDU-TRUANCY")
    assert (truancy.kind, truancy.category) == ("warning_sign", "education")
    assert "WS-EDU-TRUANCY" in taxonomy
    assert "WS-NOPE" not in taxonomy
    with pytest.raises(KeyError):
        taxonomy.get("WS-NOPE")
    assert {item.code for item in taxonomy.by_category("identity")} == {
        "WS-IDN-UNEXPLAINED-GIFTS",
        "WS-IDN-APPEARANCE-CHANGE",
    }
    with pytest.raises(ValueError, match="kind"):
        taxonomy.by_kind("hunch")
    with pytest.raises(ValueError, match="category"):
        taxonomy.by_category("mood")


def test_recording_checkboxes_leave_out_derived_items():
    grouped = load_taxonomy().warning_signs_by_category()
    assert list(grouped) == list(CATEGORIES)
    assert not any(item.derived for items in grouped.values() for item in items)
    with_derived = load_taxonomy().warning_signs_by_category(include_derived=True)
    assert sum(map(len, with_derived.values())) == sum(map(len, grouped.values())) + 7


@pytest.mark.parametrize("name", POLICY_FILES)
def test_no_risk_appears_nowhere_in_the_policy_files(name):
    """The bottom level is "no indicators recorded", never "no risk" (DOMAIN.md)."""
    text = _policy_text(name)
    assert "no risk" not in text.lower()
    data = json.loads(text)
    labels = [item["label"] for item in data.get("items", [])]
    labels += [level["label"] for level in data.get("levels", [])]
    assert labels
    assert not any("no risk" in label.lower() for label in labels)


def test_taxonomy_cli_json(capsys):
    from vigil.commands.taxonomy import main

    assert main(["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["version"] == load_taxonomy().version
    assert len(out["items"]) == len(load_taxonomy())
    for item in out["items"]:
        assert {"code", "kind", "category", "label", "source"} <= set(item)
        assert item["kind"] in KINDS
        if item["kind"] == "warning_sign":
            assert item["category"] in CATEGORIES
        else:
            assert item["category"] is None


def test_taxonomy_cli_text_and_bad_arguments(capsys):
    from vigil.commands.taxonomy import main

    assert main([]) == 0
    assert "WS-EDU-TRUANCY" in capsys.readouterr().out
    assert main(["--yaml"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "arguments" in captured.err
