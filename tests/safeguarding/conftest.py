"""Fast password hashing (as in tests/people), dates relative to today (screening is always
as of today), and a small police-owned family: Kayleigh (14, in care at Oakfield House), her
brother Tyler (12, at home), another child placed at Oakfield House, their mother, and an adult
suspect."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.conftest import make_user
from tests.factories import LinkFactory, LocationFactory, PersonFactory
from vigil.accounts.models import Role

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def today() -> date:
    return timezone.localdate()


def years_ago(years: int, days: int = 0) -> date:
    return today() - relativedelta(years=years) - timedelta(days=days)


def days_ago(days: int, hour: int = 12) -> datetime:
    day = today() - timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.fixture
def supervisor(police: Any) -> Any:
    return make_user("supervisor", police, Role.SUPERVISOR, rank="inspector")


@pytest.fixture
def second_supervisor(police: Any) -> Any:
    return make_user("supervisor2", police, Role.SUPERVISOR, rank="inspector")


@pytest.fixture
def family(investigator: Any) -> dict[str, Any]:
    kayleigh = PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=years_ago(14, 40),
    )
    tyler = PersonFactory(
        acting_user=investigator,
        given_names="Tyler",
        family_name="Smith",
        date_of_birth=years_ago(12, 100),
        gender="male",
    )
    housemate = PersonFactory(
        acting_user=investigator,
        given_names="Chloe",
        family_name="Turner",
        date_of_birth=years_ago(15, 10),
    )
    mother = PersonFactory(
        acting_user=investigator,
        given_names="Donna",
        family_name="Smith",
        date_of_birth=years_ago(36),
    )
    suspect = PersonFactory(
        acting_user=investigator,
        given_names="Lee",
        family_name="Marsh",
        date_of_birth=years_ago(29),
        gender="male",
        flags=["suspect"],
    )
    home = LocationFactory(
        acting_user=investigator,
        name="Oakfield House",
        premises_type="childrens_home",
        town="Northam",
    )
    LinkFactory(
        acting_user=investigator,
        link_type="sibling_of",
        source_entity=kayleigh,
        target_entity=tyler,
    )
    LinkFactory(
        acting_user=investigator, link_type="parent_of", source_entity=mother, target_entity=tyler
    )
    LinkFactory(
        acting_user=investigator, link_type="placed_at", source_entity=kayleigh, target_entity=home
    )
    LinkFactory(
        acting_user=investigator, link_type="placed_at", source_entity=housemate, target_entity=home
    )
    return {
        "kayleigh": kayleigh,
        "tyler": tyler,
        "housemate": housemate,
        "mother": mother,
        "suspect": suspect,
        "home": home,
    }
