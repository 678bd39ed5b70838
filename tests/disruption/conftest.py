"""Disruption fixtures: an inspector (who may issue hotel notices), hotel operator accounts for
two premises, a child and an adult, all built through the services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tests.factories import LocationFactory, PersonFactory
from vigil.accounts.models import Agency, AgencyKind, Rank, Role, User
from vigil.disruption import services
from vigil.disruption.models import HotelInformationNotice
from vigil.people.models import Location, Person


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def inspector(police: Agency) -> User:
    return make_user("inspector", police, Role.SUPERVISOR, rank=Rank.INSPECTOR)


@pytest.fixture
def constable(investigator: User) -> User:
    investigator.rank = Rank.CONSTABLE
    investigator.save()
    return investigator


@pytest.fixture
def operators_agency(db: Any) -> Agency:
    return Agency.objects.create(name="Hotel operators", kind=AgencyKind.PREMISES_OPERATOR)


@pytest.fixture
def operator(operators_agency: Agency) -> User:
    return make_user("stationhotel", operators_agency, Role.HOTEL_OPERATOR)


@pytest.fixture
def other_operator(operators_agency: Agency) -> User:
    return make_user("parkinn", operators_agency, Role.HOTEL_OPERATOR)


@pytest.fixture
def hotel(investigator: User) -> Location:
    return LocationFactory(acting_user=investigator, name="Station Hotel", postcode="NE1 1AA")


@pytest.fixture
def other_hotel(investigator: User) -> Location:
    return LocationFactory(acting_user=investigator, name="Park Inn", postcode="NE2 2BB")


@pytest.fixture
def child(investigator: User) -> Person:
    today = timezone.localdate()
    return PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=date(today.year - 14, 1, 1),
    )


@pytest.fixture
def adult(investigator: User) -> Person:
    return PersonFactory(
        acting_user=investigator,
        given_names="Lee",
        family_name="Marsh",
        date_of_birth=date(1995, 6, 1),
        gender="male",
    )


def issue_hotel_notice(
    *,
    drafter: User,
    issuer: User,
    premises: Location,
    issued_days_ago: int = 20,
    frequency: str = "weekly",
    serve: bool = True,
) -> HotelInformationNotice:
    issued_on = days_ago(issued_days_ago)
    notice = services.hotel_notice_draft(
        acting_user=drafter,
        premises=premises,
        recipient_name="Pat Owner",
        recipient_capacity="manager",
        grounds="Intelligence that girls from Oakfield House are taken to the hotel.",
        information_required=["guest_names", "guest_addresses", "vehicle_registration"],
        frequency=frequency,
        period_end=issued_on + timedelta(days=150),
    )
    notice = services.hotel_notice_issue(
        acting_user=issuer, notice=notice, expected_version=notice.version, issued_on=issued_on
    )
    if serve:
        notice = services.hotel_notice_serve(
            acting_user=drafter,
            notice=notice,
            expected_version=notice.version,
            served_on=issued_on,
            served_how="in_person",
        )
    return notice


@pytest.fixture
def notice(investigator: User, inspector: User, hotel: Location) -> HotelInformationNotice:
    return issue_hotel_notice(drafter=investigator, issuer=inspector, premises=hotel)


@pytest.fixture
def operator_with_access(operator: User, investigator: User, hotel: Location) -> User:
    services.operator_access_grant(acting_user=investigator, operator=operator, premises=hotel)
    return operator
