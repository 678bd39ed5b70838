"""Offence finder: which offences the recorded facts and ages may amount to.

Pure: no Django, no clock, no I/O beyond reading the versioned policy file
`vigil/core/policy/offences.json`, which holds each offence's section, title, elements in plain
English, age limits, penalty rules and defences, citing the Act as amended. This module holds
the few rules that read more clearly as code: how ages on the incident date are worked out,
that penetration is sexual touching, how a reasonable belief about age defeats an offence, and
the notes an officer or lawyer needs alongside the list.

The finder lists every offence whose elements the facts meet; it does not choose a charge.
Intent, sexual purpose and the absence of a reasonable belief remain matters of evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from vigil.core.dates import age_on, parse_iso_date
from vigil.core.policy import load_policy

# The facts an officer can record, with the plain-English label the web form shows beside each
# checkbox. The keys are the JSON contract of `vigil offences --json` (issue 8): exactly these.
FACTS: Mapping[str, str] = MappingProxyType(
    {
        "penile_penetration": (
            "The suspect penetrated the victim's vagina, anus or mouth with his penis"
        ),
        "other_penetration": (
            "The suspect penetrated the victim's vagina or anus with a part of their body "
            "or an object"
        ),
        "sexual_touching": "The suspect touched the victim sexually",
        "caused_or_incited_sexual_activity": (
            "The suspect made, or tried to get, the victim to take part in sexual activity"
        ),
        "sexual_activity_in_presence_of_child": (
            "The suspect did something sexual where the child could see it or was aware of it, "
            "for their own sexual gratification"
        ),
        "caused_child_to_watch_sexual_act": (
            "The suspect made the child watch a sexual act or look at sexual images, "
            "for their own sexual gratification"
        ),
        "arranged_or_facilitated_child_sex_offence": (
            "The suspect arranged or helped bring about sexual activity with the child, "
            "by themselves or by someone else"
        ),
        "met_or_travelled_to_meet_child": (
            "The suspect met the child, arranged to meet, or one of them travelled to meet "
            "the other, with the suspect intending sexual activity"
        ),
        "prior_meeting_or_communication": (
            "Before that, the suspect had met or been in contact with the child at least once "
            "(online, by phone or in person)"
        ),
        "position_of_trust": (
            "The suspect was in a position of trust towards the child, such as a teacher, "
            "care or residential worker, sports coach or faith leader"
        ),
        "family_relationship": (
            "The suspect is a member of the child's family, or lives or has lived with the "
            "child in a family or caring role"
        ),
        "paid_for_sexual_services": (
            "The suspect obtained sexual acts from the child after payment was made or "
            "promised (money, gifts, drugs, alcohol, a place to stay, favours)"
        ),
        "caused_or_incited_sexual_exploitation": (
            "The suspect made or encouraged the child to sell sex or to have indecent images "
            "of them recorded or streamed"
        ),
        "controlled_child_in_sexual_exploitation": (
            "The suspect controlled what the child did in being sexually exploited"
        ),
        "arranged_or_facilitated_sexual_exploitation": (
            "The suspect arranged or helped bring about the child's sexual exploitation"
        ),
        "arranged_or_facilitated_travel_for_exploitation": (
            "The suspect arranged or helped the victim's travel, including within the UK, "
            "so that the victim could be exploited"
        ),
        "believed_victim_16_or_over": "The suspect reasonably believed the victim was 16 or over",
        "believed_victim_18_or_over": "The suspect reasonably believed the victim was 18 or over",
        "victim_did_not_consent": (
            "The victim did not consent, and the suspect did not reasonably believe they did"
        ),
        "victim_intoxicated_or_drugged": "The victim was drunk, drugged, asleep or unconscious",
        "violence_or_threat_used": (
            "Violence was used or threatened against the victim or someone else"
        ),
        "sexual_communication": (
            "The suspect sent the child sexual messages or tried to get sexual messages or "
            "images from them"
        ),
        "made_or_took_indecent_image": (
            "The suspect took or made an indecent image of the child (including saving, "
            "downloading or screenshotting one)"
        ),
        "distributed_indecent_image": (
            "The suspect shared, showed or sent on an indecent image of the child"
        ),
        "possessed_indecent_image": "The suspect had an indecent image of the child",
    }
)

# The facts that only ever take an offence away (a reasonable belief about age is a defence
# element, never an ingredient of guilt).
BELIEF_FACTS: frozenset[str] = frozenset(
    {"believed_victim_16_or_over", "believed_victim_18_or_over"}
)

PENETRATION_FACTS: frozenset[str] = frozenset({"penile_penetration", "other_penetration"})

# s15(1)(a): an earlier meeting or communication, then a meeting, arrangement or travel.
GROOMING_FACTS: frozenset[str] = frozenset(
    {"prior_meeting_or_communication", "met_or_travelled_to_meet_child"}
)

IMAGE_FACTS: frozenset[str] = frozenset(
    {"made_or_took_indecent_image", "distributed_indecent_image", "possessed_indecent_image"}
)

REQUEST_FIELDS: tuple[str, ...] = (
    "victim_date_of_birth",
    "suspect_date_of_birth",
    "incident_date",
    "facts",
)

# Children and Young Persons Act 1933 s50: a child under 10 cannot be guilty of any offence.
AGE_OF_CRIMINAL_RESPONSIBILITY = 10


@dataclass(frozen=True)
class OffenceRequest:
    """What the officer recorded: three dates and the facts."""

    victim_date_of_birth: date
    suspect_date_of_birth: date
    incident_date: date
    facts: frozenset[str]


@dataclass(frozen=True)
class Offence:
    """One offence the facts may amount to, with the maximum for these ages and facts."""

    act: str
    section: str
    title: str
    max_penalty: str
    defences: tuple[str, ...]
    why: str
    url: str

    def to_json(self) -> dict[str, Any]:
        """The contract shape of issue 8 (`url` is for screens, not the CLI contract)."""
        return {
            "act": self.act,
            "section": self.section,
            "title": self.title,
            "max_penalty": self.max_penalty,
            "defences": list(self.defences),
            "why": self.why,
        }


@dataclass(frozen=True)
class OffenceFinding:
    """The finder's answer: ages on the incident date, offences most serious first, notes."""

    victim_age: int
    suspect_age: int
    offences: tuple[Offence, ...]
    notes: tuple[str, ...]
    policy_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "victim_age": self.victim_age,
            "suspect_age": self.suspect_age,
            "offences": [offence.to_json() for offence in self.offences],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Context:
    victim_age: int
    suspect_age: int
    facts: frozenset[str]


# Named conditions the policy file's penalty rules and defences may use ("when": [...]).
CONDITIONS: Mapping[str, Callable[[_Context], bool]] = MappingProxyType(
    {
        "penetration": lambda c: bool(c.facts & PENETRATION_FACTS),
        "victim_under_13": lambda c: c.victim_age < 13,
        "victim_under_16": lambda c: c.victim_age < 16,
        "victim_16_or_over": lambda c: c.victim_age >= 16,
        "suspect_18_or_over": lambda c: c.suspect_age >= 18,
        "made_or_took_indecent_image": lambda c: "made_or_took_indecent_image" in c.facts,
        "distributed_indecent_image": lambda c: "distributed_indecent_image" in c.facts,
    }
)


def parse_request(obj: object) -> OffenceRequest:
    """Validate the JSON contract of `vigil offences --json`.

    Raises ValueError whose message starts with the offending field's name.
    """
    if not isinstance(obj, dict):
        raise ValueError("input: expected a JSON object with " + ", ".join(REQUEST_FIELDS))
    for field in REQUEST_FIELDS:
        if field not in obj:
            raise ValueError(f"{field}: missing")
    for field in obj:
        if field not in REQUEST_FIELDS:
            raise ValueError(f"{field}: unknown field")
    victim_dob = parse_iso_date(obj["victim_date_of_birth"], "victim_date_of_birth")
    suspect_dob = parse_iso_date(obj["suspect_date_of_birth"], "suspect_date_of_birth")
    incident = parse_iso_date(obj["incident_date"], "incident_date")
    facts = obj["facts"]
    if not isinstance(facts, list):
        raise ValueError("facts: expected a list of fact names")
    for index, fact in enumerate(facts):
        if not isinstance(fact, str):
            raise ValueError(f"facts[{index}]: expected a fact name (string)")
        if fact not in FACTS:
            raise ValueError(f"facts[{index}]: unknown fact {fact!r}")
    request = OffenceRequest(victim_dob, suspect_dob, incident, frozenset(facts))
    _check_dates(request.victim_date_of_birth, request.suspect_date_of_birth, incident)
    return request


def _check_dates(victim_dob: date, suspect_dob: date, incident: date) -> None:
    if victim_dob > incident:
        raise ValueError("victim_date_of_birth: after incident_date")
    if suspect_dob > incident:
        raise ValueError("suspect_date_of_birth: after incident_date")


def find_offences(
    victim_date_of_birth: date,
    suspect_date_of_birth: date,
    incident_date: date,
    facts: frozenset[str],
) -> OffenceFinding:
    """Every offence whose elements the facts meet, most serious first, with notes.

    Ages are taken on the incident date (a person reaches an age on the birthday).
    """
    _check_dates(victim_date_of_birth, suspect_date_of_birth, incident_date)
    unknown = sorted(set(facts) - FACTS.keys())
    if unknown:
        raise ValueError(f"facts: unknown fact {unknown[0]!r}")
    policy = load_policy("offences")
    context = _Context(
        victim_age=age_on(victim_date_of_birth, incident_date),
        suspect_age=age_on(suspect_date_of_birth, incident_date),
        facts=_implied(frozenset(facts)),
    )
    found: list[tuple[int, int, Offence]] = []
    if context.suspect_age >= AGE_OF_CRIMINAL_RESPONSIBILITY:
        for order, rule in enumerate(policy["offences"]):
            offence = _assess(rule, context, incident_date)
            if offence is not None:
                found.append((-_penalty_rank(offence.max_penalty), order, offence))
    # Most serious first: life, then the longest term; ties keep the Act's section order.
    found.sort(key=lambda item: (item[0], item[1]))
    offences = tuple(offence for _, _, offence in found)
    return OffenceFinding(
        victim_age=context.victim_age,
        suspect_age=context.suspect_age,
        offences=offences,
        notes=tuple(_notes(context, facts, offences)),
        policy_version=str(policy["version"]),
    )


def find_offences_for(request: OffenceRequest) -> OffenceFinding:
    """`find_offences` over a parsed request (the CLI and API entry point)."""
    return find_offences(
        request.victim_date_of_birth,
        request.suspect_date_of_birth,
        request.incident_date,
        request.facts,
    )


def _implied(facts: frozenset[str]) -> frozenset[str]:
    # Whoever reasonably believes the victim is 18 or over necessarily believes 16 or over.
    if "believed_victim_18_or_over" in facts:
        return facts | {"believed_victim_16_or_over"}
    return facts


def _assess(rule: Mapping[str, Any], c: _Context, incident: date) -> Offence | None:
    """The offence in `rule` if its elements are met, else None."""
    victim_under = rule.get("victim_under")
    if victim_under is not None and c.victim_age >= victim_under:
        return None
    suspect_at_least = rule.get("suspect_at_least")
    if suspect_at_least is not None and c.suspect_age < suspect_at_least:
        return None
    suspect_under = rule.get("suspect_under")
    if suspect_under is not None and c.suspect_age >= suspect_under:
        return None
    needs_all = rule.get("needs_all", [])
    needs_any = rule.get("needs_any", [])
    if not set(needs_all) <= c.facts:
        return None
    if needs_any and not set(needs_any) & c.facts:
        return None

    defences: list[str] = []
    belief_clause = ""
    belief = rule.get("age_belief")
    if belief is not None:
        irrelevant_under = belief["irrelevant_under"]
        if irrelevant_under is not None and c.victim_age < irrelevant_under:
            # e.g. s9(1)(c)(ii), s16(1)(e)(ii): under 13, belief about age does not matter.
            belief_clause = (
                f" The victim was under {irrelevant_under}, so any belief about age is irrelevant."
            )
        elif belief["fact"] in c.facts:
            return None
        else:
            defences.append(belief["defence"])
            belief_clause = (
                " No reasonable belief that the victim was "
                f"{_belief_age(belief['fact'])} or over is recorded."
            )
    defences.extend(d["text"] for d in rule.get("defences", []) if _holds(d.get("when", []), c))

    penalty = next(p for p in rule["penalties"] if _holds(p.get("when", []), c))
    matched = [f for f in (*needs_all, *needs_any) if f in c.facts]
    why = (
        f"{rule['elements']} On {incident.isoformat()} the victim was {c.victim_age} and "
        f"the suspect {c.suspect_age}. Recorded: "
        + "; ".join(FACTS[f].lower() for f in matched)
        + "."
        + belief_clause
        + f" Maximum {penalty['max']}"
        + (f" because {penalty['because']}" if "because" in penalty else "")
        + f" ({penalty['cite']})."
    )
    return Offence(
        act=rule["act"],
        section=rule["section"],
        title=rule["title"],
        max_penalty=penalty["max"],
        defences=tuple(defences),
        why=why,
        url=rule["url"],
    )


def _holds(conditions: list[str], c: _Context) -> bool:
    return all(CONDITIONS[name](c) for name in conditions)


def _belief_age(fact: str) -> int:
    return 18 if fact == "believed_victim_18_or_over" else 16


def _penalty_rank(max_penalty: str) -> int:
    """Life outranks any term; terms rank by years ("14 years" -> 14)."""
    if max_penalty == "life":
        return 1000
    years, unit = max_penalty.split()
    if unit != "years":
        raise ValueError(f"policy: unrecognised penalty {max_penalty!r}")
    return int(years)


def _notes(c: _Context, recorded: frozenset[str], offences: tuple[Offence, ...]) -> list[str]:
    """What the reader needs beside the list: why offences are absent, presumptions, caveats."""
    notes: list[str] = []
    facts = c.facts
    if c.suspect_age < AGE_OF_CRIMINAL_RESPONSIBILITY:
        notes.append(
            f"The suspect was {c.suspect_age} on the incident date: a child under 10 cannot be "
            "guilty of any offence (Children and Young Persons Act 1933 s50). The victim still "
            "needs safeguarding, and any older person involved should be assessed separately."
        )
    if c.victim_age >= 18:
        notes.append(
            f"The victim was {c.victim_age} on the incident date, an adult: no child sexual "
            "offence applies. Offences without consent (Sexual Offences Act 2003 ss1-4) and "
            "human trafficking (Modern Slavery Act 2015 s2) can still apply."
        )
    elif c.victim_age >= 16:
        notes.append(
            f"The victim was {c.victim_age}: still a child (Children Act 1989 s105). The under-16 "
            "offences (ss9-15A) do not apply, but abuse of trust (ss16-19), familial offences "
            "(ss25-26), sexual exploitation (ss47-50) and indecent images do. Sexual activity "
            "with a 16 or 17-year-old that is not an offence may still be exploitation and harm."
        )
    elif c.victim_age < 13:
        notes.append(
            f"The victim was {c.victim_age}, under 13: not legally capable of consenting to any "
            "sexual activity; ss5-8 apply whatever the consent or the suspect's belief about age."
        )
    if c.victim_age < 16 and 10 <= c.suspect_age < 18:
        notes.append(
            f"The suspect was {c.suspect_age}, under 18: s13 takes the place of ss9-12 (maximum "
            "5 years); ss15, 15A and 16-19 need a suspect aged 18 or over. Mutual activity "
            "between young people of similar age is not normally prosecuted unless it involves "
            "abuse or exploitation; assess both children's welfare."
        )
    if recorded & BELIEF_FACTS:
        if "believed_victim_18_or_over" in recorded:
            notes.append(
                "A reasonable belief that the victim was 18 or over includes a belief that they "
                "were 16 or over; both age defences are treated as raised."
            )
        if c.victim_age < 13:
            notes.append(
                "Belief about age is no answer where the victim was under 13 (ss5-14, 16-19, "
                "25-26 and 47-50); it can defeat only ss15 and 15A."
            )
        notes.append(
            "Whether a belief about age was reasonable is for the court on all the evidence; "
            "the belief recorded here removes the offences that it defeats."
        )
    if "violence_or_threat_used" in facts:
        notes.append(
            "s75(2)(a)-(b): where violence was used or threatened against the victim or another "
            "at or immediately before the act, and the suspect knew, the victim is taken not to "
            "have consented, and the suspect not to have reasonably believed it, unless "
            "sufficient evidence is adduced to raise the issue (ss1-4)."
        )
    if "victim_intoxicated_or_drugged" in facts:
        notes.append(
            "s75(2)(d), (f): where the victim was asleep or unconscious, or had been given a "
            "stupefying substance without consenting to it, and the suspect knew, the same "
            "presumption of no consent applies (ss1-4). Voluntary drink or drugs raise no "
            "presumption, but a person who has lost the capacity to choose does not consent "
            "(s74)."
        )
    if (facts & {"violence_or_threat_used", "victim_intoxicated_or_drugged"}) and (
        "victim_did_not_consent" not in facts
    ):
        notes.append(
            "The absence of consent is not recorded, so ss1-4 are not listed; consider them if "
            "the s75 presumption, or the evidence, shows the victim did not consent."
        )
    if "penile_penetration" in facts and "other_penetration" not in facts:
        notes.append(
            "Penile penetration of the vagina or anus is also penetration with a part of the "
            "body (ss2, 6); those sections are listed only when other penetration is recorded."
        )
    if c.victim_age < 16 and len(facts & GROOMING_FACTS) == 1:
        notes.append(
            "s15 needs both an earlier meeting or communication (one is enough since 13 April "
            "2015, Criminal Justice and Courts Act 2015 s36) and a later meeting, arrangement "
            "or travel with intent to commit a sexual offence."
        )
    if facts & IMAGE_FACTS and c.victim_age < 18:
        notes.append(
            "The image offences turn on whether the person in the image was under 18 when it was "
            "taken (Protection of Children Act 1978 ss2(3), 7(6)); the incident date is used here."
        )
    if facts - BELIEF_FACTS and not offences and c.suspect_age >= AGE_OF_CRIMINAL_RESPONSIBILITY:
        notes.append("No offence's elements are met by the recorded facts and ages.")
    if not facts:
        notes.append("No facts are recorded, so no offence can be identified.")
    return notes
