"""The ground truth is exact: everything it says was planted is really in the records."""

from __future__ import annotations

import json
import re
from collections import Counter

from tests.synthetic.conftest import AS_OF, Area
from vigil.core.dates import age_on
from vigil.core.names import name_keys
from vigil.synthetic.scenarios import SCENARIOS, TYPE_SIGNS

CODE = re.compile(r"\b(WS-[A-Z-]+[A-Z])\b")


def group_of(area: Area, record: int) -> list[int]:
    """The primary record and every other agency's record of the same child."""
    for group in area.truth.same_person:
        if record in group:
            return group
    return [record]


def events_of(area: Area, record: int) -> list:
    return [e for pid in group_of(area, record) for e in area.events_of.get(pid, [])]


def links(area: Area) -> set[tuple[str, int, int]]:
    return {
        (link.link_type, link.from_id, link.to_id)
        for link in area.all("links")
        if link.from_kind == link.to_kind == "person"
    }


def test_every_type_at_every_size_is_planted(area: Area):
    planted = {(n.type, n.size) for n in area.truth.networks}
    assert planted == {(spec.type, spec.size) for spec in SCENARIOS}


def test_boys_and_16_17_year_olds_are_among_the_victims(area: Area):
    victims = [area.people[v] for v in area.truth.victims]
    ages = [age_on(v.date_of_birth, AS_OF) for v in victims]
    assert any(v.gender == "male" for v in victims)
    assert any(age in (16, 17) for age in ages)
    assert all(10 <= age <= 17 for age in ages)
    # Every type has 16- or 17-year-old victims at some size.
    for kind in {net.type for net in area.truth.networks}:
        victims = [v for net in area.truth.networks if net.type == kind for v in net.victims]
        assert any(age_on(area.people[v].date_of_birth, AS_OF) >= 16 for v in victims), kind


def test_every_victim_has_the_warning_signs_the_truth_names(area: Area):
    for network in area.truth.networks:
        core, _ = TYPE_SIGNS[network.type]
        for victim in network.victims:
            expected = area.truth.warning_signs[victim]
            assert set(core) <= set(expected)
            recorded = {
                code
                for event in events_of(area, victim)
                if event.event_type == "concern"
                for code in event.taxonomy_codes
            }
            described = {
                code
                for event in events_of(area, victim)
                if event.event_type == "concern"
                for code in CODE.findall(event.description)
            }
            assert set(expected) <= recorded, (network.id, victim)
            assert set(expected) <= described, (network.id, victim)


def test_every_victim_has_their_missing_episodes(area: Area):
    for victim in area.truth.victims:
        episodes = [
            e
            for e in area.events_of.get(victim, [])
            if e.event_type == "missing_episode" and (victim, "victim") in e.people
        ]
        assert len(episodes) == area.truth.missing_episodes[victim], victim
        for episode in episodes:
            roles = {role for _, role in episode.locations}
            assert roles == {"reported_from", "found_at"}
            assert episode.ended_at > episode.occurred_at
    repeat = [v for v, n in area.truth.missing_episodes.items() if n >= 3]
    assert repeat, "repeat missing episodes are a key indicator: some victims must have them"


def test_offenders_are_associated_and_tied_to_the_victims(area: Area):
    person_links = links(area)
    for net in area.truth.networks:
        offenders, victims = set(net.offenders), set(net.victims)
        if len(offenders) > 1:
            for offender in offenders:
                assert any(
                    kind == "associate_of" and {a, b} <= offenders and offender in (a, b)
                    for kind, a, b in person_links
                ), (net.id, offender)
        for victim in victims:
            tied = any(a == victim and b in offenders for _, a, b in person_links)
            together = any(
                {p for p, _ in e.people} & offenders for e in area.events_of.get(victim, [])
            )
            assert tied and together, (net.id, victim)


def test_the_networks_vehicles_phones_and_places_are_in_the_records(area: Area):
    all_links = area.all("links")
    for net in area.truth.networks:
        offenders, victims = set(net.offenders), set(net.victims)
        events = [e for v in victims for e in area.events_of.get(v, [])]
        for car in net.vehicles:
            assert any(
                link.link_type == "drives_vehicle"
                and link.from_id in offenders
                and link.to_id == car
                for link in all_links
            )
            assert any((car, "travelled_in") in e.objects for e in events), (net.id, car)
        for phone in net.phones:
            assert any(
                link.link_type == "uses_phone" and link.from_id in offenders and link.to_id == phone
                for link in all_links
            )
        for place in net.locations:
            assert any(place in {loc for loc, _ in e.locations} for e in events), (net.id, place)
        if net.type != "peer_on_peer":
            called = {link.to_id for link in all_links if link.link_type == "called"}
            assert called & set(net.phones), net.id
        if net.type == "organised_network":
            towns = {loc.town for loc in area.all("locations") if loc.id in set(net.locations)}
            assert {"Marbury", "Eastwick"} & towns, "moved between towns"


def test_siblings_and_friends_at_risk_are_linked_to_a_victim(area: Area):
    person_links = links(area)
    victims = set(area.truth.victims)
    assert area.truth.at_risk
    assert not set(area.truth.at_risk) & victims
    for child in area.truth.at_risk:
        assert any(
            kind in ("sibling_of", "associate_of") and {a, b} & victims and child in (a, b)
            for kind, a, b in person_links
        ), child


def test_same_person_records_are_other_agencies_versions_with_realistic_differences(
    area: Area,
):
    groups = area.truth.same_person
    assert len(groups) > 50
    differences = Counter()
    for group in groups:
        first = area.people[group[0]]
        first_keys = name_keys(first.given_names, first.family_name)
        for other_id in group[1:]:
            other = area.people[other_id]
            # Something still ties the records: a name key or the date of birth.
            assert (
                name_keys(other.given_names, other.family_name) & first_keys
                or other.date_of_birth == first.date_of_birth
            )
            if other.given_names != first.given_names:
                differences["given name"] += 1
            if other.family_name != first.family_name:
                differences["family name"] += 1
            if other.date_of_birth is None:
                differences["no date of birth"] += 1
            elif other.date_of_birth != first.date_of_birth:
                differences["date of birth"] += 1
                assert other.date_of_birth.year == first.date_of_birth.year
            if other.agency != first.agency:
                differences["agency"] += 1
    for kind in ("given name", "family name", "no date of birth", "date of birth", "agency"):
        assert differences[kind] >= 5, differences
    # Every planted victim is known to more than one agency.
    assert all(len(group_of(area, v)) >= 2 for v in area.truth.victims)


def test_confusable_records_are_different_people(area: Area):
    kinds = Counter(item["kind"] for item in area.truth.confusable)
    assert kinds["twins"] and kinds["father_and_son"]
    same = {frozenset(g) for g in area.truth.same_person}
    for item in area.truth.confusable:
        a, b = (area.people[r] for r in item["records"])
        assert a.family_name == b.family_name
        assert not any({a.id, b.id} <= group for group in same)
        if item["kind"] == "twins":
            assert a.date_of_birth == b.date_of_birth and a.given_names != b.given_names
        else:
            assert a.given_names == b.given_names
            assert b.date_of_birth.year - a.date_of_birth.year >= 18


def test_the_truth_file_has_the_documented_shape(area: Area):
    data = json.loads(json.dumps(area.truth.to_json()))
    assert {"seed", "people", "same_person", "networks", "victims", "at_risk"} <= set(data)
    assert data["people"] == 3_000 and data["seed"] == 11
    for network in data["networks"]:
        assert {"id", "type", "offenders", "victims", "locations", "vehicles", "phones"} <= set(
            network
        )
    assert set(data["warning_signs"]) == {str(v) for v in data["victims"]}
    shifted = area.truth.to_json(id_of={"person": 1000, "location": 10, "object": 5})
    assert shifted["victims"] == [v + 1000 for v in data["victims"]]
    assert shifted["networks"][0]["vehicles"] == [v + 5 for v in data["networks"][0]["vehicles"]]
