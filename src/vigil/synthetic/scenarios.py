"""What each planted exploitation scenario looks like: the five types in the guidance (Types of
exploitation, after Barnardo's 2011) at three sizes, and the warning signs each leaves in the
records of the children involved (Warning signs). Pure data; the generator plants it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VictimProfile:
    gender: str
    min_age: int
    max_age: int


@dataclass(frozen=True)
class ScenarioSpec:
    type: str
    size: str
    offenders: int
    offender_ages: tuple[int, int]
    victims: tuple[VictimProfile, ...]
    places: tuple[str, ...]  # premises types of venues the network uses
    vehicles: int = 0
    offender_gender: str = "male"
    accounts: bool = False  # contact through social media (peer-on-peer, gang)
    party_house: bool = False
    out_of_area: bool = False  # moves children between towns (organised networks)
    shared_phone: bool = False  # one phone used by several offenders
    in_care_share: float = 0.15
    missing_episodes: tuple[int, int] = (0, 1)
    crime_report: str = ""


F, M = "female", "male"


def _v(*profiles: tuple[str, int, int]) -> tuple[VictimProfile, ...]:
    return tuple(VictimProfile(*p) for p in profiles)


SCENARIOS: tuple[ScenarioSpec, ...] = (
    # 1. Inappropriate relationships: one offender with power over the child; a significant
    # age gap; the child may believe it is a loving relationship.
    ScenarioSpec("inappropriate_relationship", "small", 1, (26, 44), _v((F, 13, 15)),
                 ("park", "car_park"), vehicles=1, missing_episodes=(1, 2)),
    ScenarioSpec("inappropriate_relationship", "medium", 1, (29, 41), _v((M, 15, 16)),
                 ("cafe", "school"), vehicles=1, offender_gender=F, accounts=True,
                 missing_episodes=(1, 1),
                 crime_report="Abuse of position of trust: sexual activity with a child "
                              "(Sexual Offences Act 2003 s16)"),
    ScenarioSpec("inappropriate_relationship", "large", 1, (35, 52),
                 _v((F, 13, 14), (F, 16, 17)), ("bed_and_breakfast", "car_park"), vehicles=1,
                 missing_episodes=(1, 2),
                 crime_report="Sexual activity with a child (Sexual Offences Act 2003 s9)"),
    # 2. Boyfriend model: befriends and grooms the child into a 'relationship', then coerces
    # them into sex with friends or associates.
    ScenarioSpec("boyfriend_model", "small", 2, (19, 24), _v((F, 14, 15)),
                 ("takeaway", "park"), vehicles=1, in_care_share=0.35, missing_episodes=(2, 3)),
    ScenarioSpec("boyfriend_model", "medium", 3, (19, 27), _v((F, 13, 15), (F, 16, 17)),
                 ("takeaway", "hotel"), vehicles=1, party_house=True, in_care_share=0.35,
                 missing_episodes=(2, 4),
                 crime_report="Sexual activity with a child (Sexual Offences Act 2003 s9)"),
    ScenarioSpec("boyfriend_model", "large", 5, (20, 32),
                 _v((F, 13, 14), (F, 14, 15), (F, 15, 16), (F, 16, 17)),
                 ("takeaway", "hotel", "car_park"), vehicles=2, party_house=True,
                 in_care_share=0.35, missing_episodes=(2, 5),
                 crime_report="Causing or inciting child sexual exploitation "
                              "(Sexual Offences Act 2003 s48)"),
    # 3. Peer-on-peer: children coerced into sexual activity by peers or associates.
    ScenarioSpec("peer_on_peer", "small", 2, (15, 17), _v((F, 13, 14)), ("school", "park"),
                 accounts=True, missing_episodes=(0, 1)),
    ScenarioSpec("peer_on_peer", "medium", 3, (14, 17), _v((F, 13, 15), (F, 14, 15)),
                 ("school", "shopping_centre"), accounts=True, missing_episodes=(0, 1)),
    ScenarioSpec("peer_on_peer", "large", 5, (14, 17),
                 _v((F, 13, 14), (F, 14, 15), (M, 13, 14), (F, 16, 17)),
                 ("school", "park", "arcade"), accounts=True, missing_episodes=(0, 2),
                 crime_report="Distributing indecent images of a child "
                              "(Protection of Children Act 1978 s1)"),
    # 4. Gang-associated: sex as a weapon between gangs, punishment, or a means of status.
    ScenarioSpec("gang_associated", "small", 3, (16, 23), _v((M, 15, 16)), ("park",),
                 vehicles=1, party_house=True, accounts=True, shared_phone=True,
                 in_care_share=0.3, missing_episodes=(2, 3)),
    ScenarioSpec("gang_associated", "medium", 5, (16, 24), _v((F, 14, 16), (M, 16, 17)),
                 ("shisha_bar", "park"), vehicles=1, party_house=True, accounts=True,
                 shared_phone=True, in_care_share=0.3, missing_episodes=(2, 4)),
    ScenarioSpec("gang_associated", "large", 8, (16, 25),
                 _v((F, 14, 15), (F, 15, 16), (M, 15, 16), (F, 16, 17)),
                 ("shisha_bar", "car_park", "park"), vehicles=2, party_house=True,
                 accounts=True, shared_phone=True, in_care_share=0.3, missing_episodes=(2, 5),
                 crime_report="Rape (Sexual Offences Act 2003 s1)"),
    # 5. Organised or networked exploitation or trafficking: children passed through networks,
    # between towns, to 'parties'; victims may recruit others.
    ScenarioSpec("organised_network", "small", 4, (24, 50),
                 _v((F, 13, 14), (F, 14, 15), (F, 16, 17)),
                 ("takeaway", "taxi_rank", "hotel"), vehicles=2, out_of_area=True,
                 shared_phone=True, in_care_share=0.6, missing_episodes=(3, 5)),
    ScenarioSpec("organised_network", "medium", 7, (22, 55),
                 _v((F, 12, 13), (F, 13, 15), (F, 14, 15), (M, 14, 15), (F, 16, 17)),
                 ("takeaway", "taxi_rank", "hotel", "bed_and_breakfast"), vehicles=3,
                 out_of_area=True, party_house=True, shared_phone=True, in_care_share=0.6,
                 missing_episodes=(3, 6),
                 crime_report="Arranging or facilitating child sexual exploitation "
                              "(Sexual Offences Act 2003 s50)"),
    ScenarioSpec("organised_network", "large", 12, (22, 58),
                 _v((F, 12, 13), (F, 13, 14), (F, 13, 15), (F, 14, 15), (F, 14, 16),
                    (F, 15, 16), (M, 14, 15), (F, 16, 17), (F, 16, 17)),
                 ("takeaway", "taxi_rank", "hotel", "bed_and_breakfast", "shisha_bar"),
                 vehicles=4, out_of_area=True, party_house=True, shared_phone=True,
                 in_care_share=0.6, missing_episodes=(3, 7),
                 crime_report="Human trafficking (Modern Slavery Act 2015 s2)"),
)  # fmt: skip

EXPLOITATION_TYPE_CODES = {
    "inappropriate_relationship": "EXP-INAPPROPRIATE-RELATIONSHIP",
    "boyfriend_model": "EXP-BOYFRIEND-MODEL",
    "peer_on_peer": "EXP-PEER-ON-PEER",
    "gang_associated": "EXP-GANG-ASSOCIATED",
    "organised_network": "EXP-ORGANISED-NETWORKED",
}

# Warning signs each type leaves (taxonomy codes): every victim gets all the core signs and
# one or two of the others.
TYPE_SIGNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "inappropriate_relationship": (
        ("WS-EMO-EXPLOITED-PEERS-OR-OLDER-PARTNER", "WS-EMO-SECRETIVE", "WS-IDN-UNEXPLAINED-GIFTS"),
        ("WS-EDU-PERFORMANCE-CHANGE", "WS-FAM-MISSING-OR-LATE-HOME", "WS-FAM-HOSTILE-TO-FAMILY",
         "WS-EMO-MOOD-CHANGES"),
    ),
    "boyfriend_model": (
        ("WS-EMO-EXPLOITED-PEERS-OR-OLDER-PARTNER", "WS-IDN-UNEXPLAINED-GIFTS",
         "WS-FAM-VEHICLES-UNKNOWN-ADULTS"),
        ("WS-HLT-SUBSTANCE-USE", "WS-FAM-HOSTILE-TO-FAMILY", "WS-HLT-RECURRING-STI",
         "WS-EDU-TRUANCY", "WS-FAM-MISSING-OR-LATE-HOME", "WS-FAM-SHARED-BOYFRIEND"),
    ),
    "peer_on_peer": (
        ("WS-HLT-SEXUALISED-BEHAVIOUR", "WS-EMO-MOOD-CHANGES", "WS-EDU-TRUANCY"),
        ("WS-FAM-DETACHED-FROM-PEERS", "WS-HLT-SELF-HARM-SUICIDAL", "WS-EDU-PERFORMANCE-CHANGE"),
    ),
    "gang_associated": (
        ("WS-FAM-RISKY-ADULTS", "WS-HLT-SUBSTANCE-USE", "WS-EDU-TRUANCY"),
        ("WS-HLT-PHYSICAL-INJURIES", "WS-EMO-PETTY-CRIME", "WS-FAM-MISSING-OR-LATE-HOME",
         "WS-FAM-PHYSICALLY-AGGRESSIVE"),
    ),
    "organised_network": (
        ("WS-FAM-VEHICLES-UNKNOWN-ADULTS", "WS-FAM-FOUND-AWAY-FROM-AREA",
         "WS-FAM-CONTACT-FROM-UNKNOWN-ADULTS", "WS-HLT-SUBSTANCE-USE"),
        ("WS-HLT-RECURRING-STI", "WS-IDN-UNEXPLAINED-GIFTS", "WS-FAM-RECRUITING-OTHERS",
         "WS-HLT-SELF-HARM-SUICIDAL", "WS-IDN-APPEARANCE-CHANGE"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class SignEvent:
    agency: str
    summary: str
    description: str


# How each warning sign reaches the records: which agency sees it and what they write.
# {name} is the child's given name; {they}/{them}/{their} their pronouns; {partner} 'boyfriend'
# or 'girlfriend'; {place} and {town} a place the network uses.
SIGN_EVENTS: dict[str, SignEvent] = {
    "WS-EMO-MOOD-CHANGES": SignEvent(
        "education", "School: withdrawn, tearful, angry outbursts",
        "Form tutor reports {name} has become withdrawn and tearful, with angry outbursts in "
        "lessons since the start of term."),
    "WS-EMO-SECRETIVE": SignEvent(
        "social_care", "Carer: secretive about where {they} goes and who with",
        "{name} will not say where {they} goes in the evenings; deletes messages and keeps "
        "{their} phone locked and close."),
    "WS-EMO-EXPLOITED-PEERS-OR-OLDER-PARTNER": SignEvent(
        "education", "School: talks about an older {partner}",
        "{name} told a friend {their} {partner} is in their twenties and collects {them} "
        "after school; friend told the safeguarding lead."),
    "WS-EMO-PETTY-CRIME": SignEvent(
        "police", "Arrested for shoplifting with older youths",
        "{name} detained by store security with two older males; alcohol and vapes taken."),
    "WS-EDU-TRUANCY": SignEvent(
        "education", "Attendance has fallen sharply",
        "Attendance 58% this half-term; {name} is seen leaving at lunchtime and not "
        "returning."),
    "WS-EDU-PERFORMANCE-CHANGE": SignEvent(
        "education", "Sudden drop in school work",
        "Teachers report {name}'s work and predicted grades have fallen across subjects."),
    "WS-IDN-UNEXPLAINED-GIFTS": SignEvent(
        "education", "New phone, clothes and money {they} cannot explain",
        "Safeguarding lead reports {name} has a new iPhone, designer trainers and cash; "
        "{they} says a friend bought them."),
    "WS-IDN-APPEARANCE-CHANGE": SignEvent(
        "social_care", "Change in appearance and clothing",
        "Residential worker notes {name} now wears heavy make-up and clothes {they} could not "
        "afford, and changes before going out."),
    "WS-FAM-HOSTILE-TO-FAMILY": SignEvent(
        "social_care", "Parent reports sudden hostility at home",
        "Mother reports {name} has become hostile and abusive at home and refuses to say "
        "where {they} has been."),
    "WS-FAM-PHYSICALLY-AGGRESSIVE": SignEvent(
        "social_care", "Physically aggressive towards carers",
        "{name} pushed and struck a carer when stopped from going out late at night."),
    "WS-FAM-MISSING-OR-LATE-HOME": SignEvent(
        "social_care", "Regularly home after midnight",
        "Carers report {name} returns after midnight most weekends, smelling of alcohol."),
    "WS-FAM-RISKY-ADULTS": SignEvent(
        "police", "Seen with adults known to police",
        "Patrol saw {name} with adult males known for drug supply, at {place}."),
    "WS-FAM-FOUND-AWAY-FROM-AREA": SignEvent(
        "police", "Found in {town}, no known connection there",
        "{name} found by {town} officers late at night at {place}; no family or friends "
        "there; could not say how {they} travelled."),
    "WS-FAM-SHARED-BOYFRIEND": SignEvent(
        "education", "Friends say she 'shares' a boyfriend",
        "Peers report {name} and two friends have the same older 'boyfriend'."),
    "WS-FAM-VEHICLES-UNKNOWN-ADULTS": SignEvent(
        "education", "Seen getting into cars driven by adult men",
        "Staff saw {name} get into a car driven by an adult male outside school on several "
        "afternoons."),
    "WS-FAM-DETACHED-FROM-PEERS": SignEvent(
        "education", "Dropped out of clubs and friendship group",
        "{name} has left the netball team and {their} friendship group and eats alone."),
    "WS-FAM-CONTACT-FROM-UNKNOWN-ADULTS": SignEvent(
        "social_care", "Constant calls and messages from unknown adults",
        "Carers report {name}'s phone rings late at night from withheld and unknown numbers; "
        "{they} leaves the house after the calls."),
    "WS-FAM-RECRUITING-OTHERS": SignEvent(
        "education", "Bringing younger pupils to meet older males",
        "Year 8 pupils say {name} invited them to 'parties' with older men."),
    "WS-HLT-SUBSTANCE-USE": SignEvent(
        "health", "A&E: intoxicated with alcohol and cannabis",
        "{name} brought to A&E by ambulance, heavily intoxicated; would not say who {they} "
        "was with."),
    "WS-HLT-PHYSICAL-INJURIES": SignEvent(
        "health", "Unexplained bruising to arms and neck",
        "School nurse referral: bruising to {name}'s upper arms and neck; explanation "
        "inconsistent."),
    "WS-HLT-SELF-HARM-SUICIDAL": SignEvent(
        "health", "Self-harm: cuts to forearms",
        "{name} seen by CAMHS after self-harming; says {they} 'deserves it'."),
    "WS-HLT-RECURRING-STI": SignEvent(
        "health", "Sexual health clinic: second STI this year",
        "{name} attended the sexual health clinic with an adult male; second sexually "
        "transmitted infection in twelve months."),
    "WS-HLT-SEXUALISED-BEHAVIOUR": SignEvent(
        "education", "Sexual images shared; sexualised behaviour",
        "Images of {name} shared in a year-group chat; {they} has been sending sexual images "
        "on request from older pupils."),
}  # fmt: skip
