"""Derived observations: each is computed from POLE records and names the records behind it."""

from __future__ import annotations

from typing import Any

from tests.factories import (
    EventFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    VehicleFactory,
)
from tests.safeguarding.conftest import days_ago, today, years_ago
from vigil.people import services as people_services
from vigil.safeguarding import services
from vigil.safeguarding.derived import derive_observations


def codes(child: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for obs in derive_observations(child, today()):
        found.setdefault(obs.code, []).append(obs)
    return found


def names(obs: Any) -> set[tuple[str, int]]:
    return {(record.type, record.id) for record in obs.records}


def test_found_at_a_location_of_concern_names_the_event_and_place(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel")
    event = EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(20),
        people=[(child, "victim")],
        locations=[(hotel, "found_at")],
    )
    found = codes(child)
    [obs] = found["WS-FAM-FOUND-AT-LOCATION-OF-CONCERN"]
    assert names(obs) == {("event", event.pk), ("location", hotel.pk)}
    assert obs.observed_on == days_ago(20).date()
    assert "Station Hotel" in obs.explanation
    # The place itself is also recorded as the guidance's location of concern.
    assert "LOC-PUB-CLUB-HOTEL" in found


def test_found_at_home_or_only_reported_from_a_hotel_is_not_a_location_of_concern(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel")
    EventFactory(
        acting_user=investigator,
        people=[(child, "victim")],
        occurred_at=days_ago(5),
        locations=[(family["home"], "found_at"), (hotel, "reported_from")],
    )
    assert "WS-FAM-FOUND-AT-LOCATION-OF-CONCERN" not in codes(child)


def test_an_adult_partner_several_years_older(investigator: Any, family: dict[str, Any]) -> None:
    child = family["kayleigh"]
    link = LinkFactory(
        acting_user=investigator,
        link_type="partner_of",
        source_entity=family["suspect"],
        target_entity=child,
        last_seen=today(),
    )
    [obs] = codes(child)["WS-EMO-MUCH-OLDER-PARTNER"]
    assert names(obs) == {("link", link.pk), ("person", family["suspect"].pk)}
    assert "15 years older" in obs.explanation


def test_a_partner_who_is_a_child_or_close_in_age_does_not_count(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]  # 14
    peer = PersonFactory(acting_user=investigator, date_of_birth=years_ago(17))
    young_adult = PersonFactory(acting_user=investigator, date_of_birth=years_ago(18, 5))
    for other in (peer, young_adult):
        LinkFactory(
            acting_user=investigator,
            link_type="partner_of",
            source_entity=child,
            target_entity=other,
        )
    assert "WS-EMO-MUCH-OLDER-PARTNER" not in codes(child)
    older_teen = PersonFactory(acting_user=investigator, date_of_birth=years_ago(16))
    adult = PersonFactory(acting_user=investigator, date_of_birth=years_ago(20))
    LinkFactory(
        acting_user=investigator,
        link_type="partner_of",
        source_entity=older_teen,
        target_entity=adult,
    )
    # 20 and 16: an adult, but only four years older than the local policy's five.
    assert "WS-EMO-MUCH-OLDER-PARTNER" not in codes(older_teen)


def test_linked_to_an_adult_suspect_by_a_link_or_an_event(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    link = LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=child,
        target_entity=family["suspect"],
    )
    other_adult = PersonFactory(acting_user=investigator, date_of_birth=years_ago(40))
    event = EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(3),
        people=[(child, "victim"), (other_adult, "suspect")],
    )
    found = codes(child)["WS-FAM-LINKED-TO-ADULT-SUSPECT"]
    assert {frozenset(names(obs)) for obs in found} == {
        frozenset({("link", link.pk), ("person", family["suspect"].pk)}),
        frozenset({("event", event.pk), ("person", other_adult.pk)}),
    }


def test_a_child_suspect_is_not_an_adult_suspect(investigator: Any, family: dict[str, Any]) -> None:
    child = family["tyler"]
    EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(3),
        people=[(child, "victim"), (family["housemate"], "suspect")],
    )
    assert "WS-FAM-LINKED-TO-ADULT-SUSPECT" not in codes(child)


def test_seen_in_the_vehicle_of_an_unknown_adult(investigator: Any, family: dict[str, Any]) -> None:
    child = family["kayleigh"]
    car = VehicleFactory(acting_user=investigator)
    drives = LinkFactory(
        acting_user=investigator,
        link_type="drives_vehicle",
        source_entity=family["suspect"],
        target_entity=car,
    )
    event = EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(8),
        people=[(child, "victim")],
        objects=[(car, "seen")],
    )
    [obs] = codes(child)["WS-FAM-SEEN-IN-VEHICLES-OF-UNKNOWN-ADULTS"]
    assert names(obs) == {
        ("event", event.pk),
        ("poleobject", car.pk),
        ("link", drives.pk),
        ("person", family["suspect"].pk),
    }


def test_a_parents_car_is_not_an_unknown_adults(investigator: Any, family: dict[str, Any]) -> None:
    child = family["tyler"]
    mother = family["mother"]
    people_services.person_update(
        acting_user=investigator, person=mother, expected_version=mother.version, flags=["suspect"]
    )
    car = VehicleFactory(acting_user=investigator)
    LinkFactory(
        acting_user=investigator,
        link_type="drives_vehicle",
        source_entity=mother,
        target_entity=car,
    )
    EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(8),
        people=[(child, "subject")],
        objects=[(car, "seen")],
    )
    assert "WS-FAM-SEEN-IN-VEHICLES-OF-UNKNOWN-ADULTS" not in codes(child)


def test_associates_with_a_child_at_risk(investigator: Any, family: dict[str, Any]) -> None:
    child, friend = family["tyler"], family["housemate"]
    link = LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=child,
        target_entity=friend,
    )
    assert "WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK" not in codes(child)
    # The friend is screened medium: three warning signs.
    services.observations_record(
        acting_user=investigator,
        child=friend,
        codes=["WS-EMO-SECRETIVE", "WS-EDU-TRUANCY", "WS-IDN-UNEXPLAINED-GIFTS"],
        observed_on=today(),
        source="school",
    )
    [obs] = codes(child)["WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK"]
    assert names(obs) == {("link", link.pk), ("person", friend.pk)}
    assert "screened medium" in obs.explanation


def test_associates_with_a_child_recorded_as_a_victim(
    investigator: Any, family: dict[str, Any]
) -> None:
    child, friend = family["tyler"], family["housemate"]
    people_services.person_update(
        acting_user=investigator, person=friend, expected_version=friend.version, flags=["victim"]
    )
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=friend,
        target_entity=child,
    )
    [obs] = codes(child)["WS-EMO-ASSOCIATES-WITH-CHILDREN-AT-RISK"]
    assert "recorded as a victim" in obs.explanation


def test_sibling_of_a_victim(investigator: Any, family: dict[str, Any]) -> None:
    sister = family["kayleigh"]
    people_services.person_update(
        acting_user=investigator, person=sister, expected_version=sister.version, flags=["victim"]
    )
    [obs] = codes(family["tyler"])["VUL-SIBLING-OF-VICTIM"]
    assert ("person", sister.pk) in names(obs)


def test_living_in_care_counts_from_the_flag(investigator: Any, family: dict[str, Any]) -> None:
    child = family["kayleigh"]
    assert services.compute_screening(child).result.rank == 0
    child = people_services.person_update(
        acting_user=investigator, person=child, expected_version=child.version, flags=["in_care"]
    )
    result = services.compute_screening(child).result
    assert result.level == "low"
    [reason] = [r for r in result.reasons if r.rule == "R-LOW-VULNERABILITY"]
    assert [(o.code, o.ref) for o in reason.observations] == [("VUL-LIVING-IN-CARE", "in_care")]


def test_future_events_are_not_known_yet(investigator: Any, family: dict[str, Any]) -> None:
    child = family["kayleigh"]
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel")
    EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(-3),
        people=[(child, "victim")],
        locations=[(hotel, "found_at")],
    )
    assert codes(child) == {}
