"""Fast password hashing (as tests/people) and no kept graphs per test: the network graph and
analysis are kept per user, and a test must never see another test's records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.factories import (
    EventFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    VehicleFactory,
)
from vigil.networks import selectors


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_kept_graphs() -> Any:
    selectors.clear_caches()
    yield
    selectors.clear_caches()


LONDON = ZoneInfo("Europe/London")
CHILD_BORN = date(date.today().year - 14, 1, 1)  # a child whenever the tests run
ADULT_BORN = date(1990, 6, 1)


@pytest.fixture
def planted(investigator: Any) -> dict[str, Any]:
    """A small group: two associated suspects who share a car, and a child found with them at
    a hotel; plus an unrelated adult."""
    child = PersonFactory(
        acting_user=investigator, given_names="Kayla", family_name="Child", date_of_birth=CHILD_BORN
    )
    first = PersonFactory(
        acting_user=investigator,
        given_names="Sam",
        family_name="Suspect",
        date_of_birth=ADULT_BORN,
        flags=["suspect"],
    )
    second = PersonFactory(
        acting_user=investigator,
        given_names="Alex",
        family_name="Suspect",
        date_of_birth=ADULT_BORN,
        flags=["suspect"],
    )
    bystander = PersonFactory(
        acting_user=investigator,
        given_names="Bob",
        family_name="Bystander",
        date_of_birth=ADULT_BORN,
    )
    car = VehicleFactory(acting_user=investigator, vrm="AB12 CDE")
    hotel = LocationFactory(acting_user=investigator, name="Station Hotel")
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=first,
        target_entity=second,
        first_seen=date(2024, 1, 1),
        last_seen=date(2024, 3, 1),
    )
    LinkFactory(
        acting_user=investigator, link_type="drives_vehicle", source_entity=first, target_entity=car
    )
    LinkFactory(
        acting_user=investigator,
        link_type="drives_vehicle",
        source_entity=second,
        target_entity=car,
    )
    EventFactory(
        acting_user=investigator,
        event_type="incident",
        occurred_at=datetime(2024, 2, 10, 1, 30, tzinfo=LONDON),
        summary="Child found at hotel with two men",
        people=[(child, "victim"), (first, "suspect"), (second, "suspect")],
        objects=[(car, "travelled_in")],
        locations=[(hotel, "found_at")],
    )
    return {
        "child": child,
        "first": first,
        "second": second,
        "bystander": bystander,
        "car": car,
        "hotel": hotel,
    }
