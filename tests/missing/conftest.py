"""Fast password hashing (as in tests/people) and a small police-owned world for missing
episodes: a child in care, her placement, an adult, a hotel and a car."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.factories import LocationFactory, PersonFactory, VehicleFactory
from vigil.missing import services

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(investigator: Any) -> dict[str, Any]:
    child = PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=date(2011, 5, 1),
        flags=["in_care"],
    )
    adult = PersonFactory(
        acting_user=investigator,
        given_names="Lee",
        family_name="Marsh",
        date_of_birth=date(1996, 2, 2),
        gender="male",
    )
    home = LocationFactory(
        acting_user=investigator,
        name="Oakfield House",
        premises_type="childrens_home",
        address_line_1="14 Oakfield Road",
        town="Northam",
        postcode="NE1 4AB",
    )
    hotel = LocationFactory(
        acting_user=investigator,
        name="Station Hotel",
        premises_type="hotel",
        address_line_1="1 Station Approach",
        town="Northam",
        postcode="NE1 1AA",
    )
    car = VehicleFactory(acting_user=investigator, vrm="AB12 CDE")
    return {"child": child, "adult": adult, "home": home, "hotel": hotel, "car": car}


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def report(user: Any, child: Any, when: datetime, **extra: Any) -> Any:
    fields: dict[str, Any] = {
        "reported_by_kind": "childrens_home",
        "risk_level": "medium",
        "risk_reason": "Known CSE concerns; seen with older males",
        "grading_officer": "PS 1234 Hale",
    }
    fields.update(extra)
    return services.episode_report(
        acting_user=user, child=child, reported_missing_at=when, **fields
    )


def record_return(user: Any, episode: Any, when: datetime, **extra: Any) -> Any:
    fields: dict[str, Any] = {"how_returned": "found_by_police"}
    fields.update(extra)
    return services.episode_record_return(
        acting_user=user,
        episode=episode,
        expected_version=episode.version,
        returned_at=when,
        **fields,
    )
