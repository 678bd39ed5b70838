"""The generator: deterministic, exactly N people, streaming, and plausible UK records."""

from __future__ import annotations

import re
import tracemalloc
from collections import Counter
from dataclasses import asdict

from tests.synthetic.conftest import AS_OF, Area, generate
from vigil.core.dates import age_on
from vigil.core.identifiers import is_plausible_phone, is_uk_vrm, is_valid_postcode
from vigil.core.links import check_link
from vigil.core.taxonomy import load_taxonomy
from vigil.people.models import (
    DateOfBirthPrecision,
    Ethnicity,
    EventLocation,
    EventObject,
    EventPerson,
    EventType,
    Gender,
    IdentifierScheme,
    NameType,
    PersonFlag,
    PremisesType,
)
from vigil.synthetic.generator import AreaGenerator
from vigil.synthetic.records import AGENCIES


def fingerprint(area: Area) -> list[dict]:
    return [asdict(batch) for batch in area.batches]


def test_the_same_seed_gives_the_same_area():
    assert fingerprint(generate(1_500, seed=3)) == fingerprint(generate(1_500, seed=3))


def test_another_seed_gives_another_area():
    first, second = generate(1_500, seed=3), generate(1_500, seed=4)
    assert [p.given_names for p in first.all("people")] != [
        p.given_names for p in second.all("people")
    ]


def test_batch_size_does_not_change_the_area():
    small = generate(1_500, seed=3, batch_size=97)
    large = generate(1_500, seed=3, batch_size=100_000)
    for kind in ("people", "links", "events", "locations", "objects"):
        assert small.all(kind) == large.all(kind), kind
    assert len(small.batches) > len(large.batches)


def test_switching_events_off_keeps_the_same_population():
    with_events = generate(1_500, seed=3)
    without = generate(1_500, seed=3, events=False)
    assert without.all("events") == []
    assert with_events.all("people") == without.all("people")
    assert with_events.all("links") == without.all("links")


def test_exactly_the_people_asked_for():
    for people in (0, 1, 7, 399, 400, 2_999, 3_000, 4_321):
        assert len(generate(people).all("people")) == people, people


def test_no_scenarios_in_a_tiny_area_and_small_ones_in_a_small_area():
    assert generate(300).truth.networks == []
    small = generate(1_000).truth.networks
    assert {n.size for n in small} == {"small"}
    assert len(small) == 5


def test_a_million_streams_in_flat_memory():
    """Peak memory while streaming does not grow with the number of people (batches are
    dropped as they go; only a few small tables and the ground truth stay)."""

    def peak(people: int) -> int:
        tracemalloc.start()
        for _ in AreaGenerator(people, 1, AS_OF, batch_size=2_000).batches():
            pass
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    assert peak(40_000) < 1.6 * peak(10_000)


def test_ids_are_unique_and_references_resolve(area: Area):
    ids: dict[str, set[int]] = {}
    for kind in ("people", "locations", "objects", "events", "links", "names", "identifiers"):
        records = area.all(kind)
        ids[kind] = {r.id for r in records}
        assert len(ids[kind]) == len(records), kind
    table = {"person": ids["people"], "object": ids["objects"], "location": ids["locations"]}
    for link in area.all("links"):
        assert link.from_id in table[link.from_kind] and link.to_id in table[link.to_kind]
        assert check_link(link.link_type, link.from_kind, link.to_kind) is None, link
        assert not (link.first_seen and link.last_seen and link.first_seen > link.last_seen)
    for event in area.all("events"):
        assert all(pid in ids["people"] for pid, _ in event.people)
        assert all(oid in ids["objects"] for oid, _ in event.objects)
        assert all(lid in ids["locations"] for lid, _ in event.locations)
    for record in area.all("names") + area.all("identifiers"):
        assert record.person in ids["people"]


def test_records_use_the_stores_vocabularies(area: Area):
    for p in area.all("people"):
        assert p.agency in AGENCIES
        assert p.gender in Gender.values and p.ethnicity in Ethnicity.values
        assert p.date_of_birth_precision in DateOfBirthPrecision.values
        assert set(p.flags) <= set(PersonFlag.values)
    assert {n.name_type for n in area.all("names")} <= set(NameType.values)
    assert {i.scheme for i in area.all("identifiers")} <= set(IdentifierScheme.values)
    assert {loc.premises_type for loc in area.all("locations")} <= set(PremisesType.values)
    for event in area.all("events"):
        assert event.event_type in EventType.values
        assert {role for _, role in event.people} <= set(EventPerson.Role.values)
        assert {role for _, role in event.objects} <= set(EventObject.Role.values)
        assert {role for _, role in event.locations} <= set(EventLocation.Role.values)


def test_postcodes_registrations_phones_and_nhs_numbers_are_well_formed(area: Area):
    postcodes = [loc.postcode for loc in area.all("locations") if loc.postcode]
    assert postcodes and all(is_valid_postcode(pc) for pc in postcodes)
    vehicles = [o for o in area.all("objects") if o.kind == "vehicle"]
    phones = [o for o in area.all("objects") if o.kind == "phone"]
    assert vehicles and all(is_uk_vrm(v.vrm) for v in vehicles)
    assert len({v.vrm for v in vehicles}) == len(vehicles)
    assert phones and all(is_plausible_phone(p.phone_number) for p in phones)
    assert len({p.phone_number for p in phones}) == len(phones)
    for identifier in area.all("identifiers"):
        if identifier.scheme == "nhs":
            digits = [int(d) for d in identifier.value]
            check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
            assert (0 if check == 11 else check) == digits[9]
        if identifier.scheme == "upn":
            assert re.fullmatch(r"[A-Z]\d{12}", identifier.value)


def test_the_population_looks_like_a_county(area: Area):
    people = area.all("people")
    ages = [age_on(p.date_of_birth, AS_OF) for p in people if p.date_of_birth]
    assert min(ages) == 0 and max(ages) >= 85
    assert 0.15 < sum(age < 18 for age in ages) / len(ages) < 0.4
    # Common names repeat; many origins.
    family = Counter(p.family_name for p in people)
    assert family.most_common(1)[0][0] == "Smith"
    assert {"Khan", "Nowak", "Okafor", "Murphy"} & set(family)
    assert len({p.ethnicity for p in people}) >= 8
    premises = Counter(loc.premises_type for loc in area.all("locations"))
    for kind in (
        "school",
        "childrens_home",
        "foster_placement",
        "hotel",
        "bed_and_breakfast",
        "takeaway",
        "shisha_bar",
        "park",
        "car_park",
        "taxi_rank",
        "transport_hub",
        "shopping_centre",
        "party_house",
    ):
        assert premises[kind], kind
    kinds = Counter(o.kind for o in area.all("objects"))
    assert kinds["vehicle"] and kinds["phone"] and kinds["online_account"]
    links = Counter(link.link_type for link in area.all("links"))
    for link_type in (
        "parent_of",
        "sibling_of",
        "step_parent_of",
        "lives_at",
        "attends",
        "placed_at",
        "uses_phone",
        "owns_vehicle",
        "drives_vehicle",
    ):
        assert links[link_type], link_type


def test_two_years_of_mixed_events_with_noise(area: Area):
    events = area.all("events")
    assert all(
        AS_OF.toordinal() - 731 <= e.occurred_at.date().toordinal() <= AS_OF.toordinal()
        for e in events
    )
    assert {e.event_type for e in events} == set(EventType.values)
    graded = [e for e in events if e.event_type == "intelligence_report"]
    assert graded and all(e.intelligence for e in graded)
    assert {e.intelligence.handling_code for e in graded} == {"P", "C"}
    # Noise: warning signs recorded about children who are in no planted case.
    planted = set(area.truth.victims) | set(area.truth.at_risk)
    planted |= {pid for group in area.truth.same_person for pid in group if group[0] in planted}
    noise = [e for e in events if e.taxonomy_codes and not {p for p, _ in e.people} & planted]
    assert noise
    taxonomy = load_taxonomy()
    assert all(code in taxonomy for e in events for code in e.taxonomy_codes)
