"""Factories for POLE records. Case records are built through the services (validated,
versioned and audited like any real write), never saved raw: pass `acting_user`.

    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import factory

from vigil.people import services
from vigil.people.models import (
    Event,
    EventType,
    IntelligenceReport,
    Link,
    Location,
    ObjectKind,
    Person,
    PoleObject,
    PremisesType,
)

LONDON = ZoneInfo("Europe/London")


class ServiceFactory(factory.Factory):
    """Creates through `service(acting_user=..., **fields)` instead of `Model.objects.create`."""

    class Meta:
        abstract = True

    @classmethod
    def service(cls, **kwargs: Any) -> Any:  # pragma: no cover - each subclass names its own
        raise NotImplementedError

    @classmethod
    def _create(cls, model_class: type, *args: Any, acting_user: Any, **kwargs: Any) -> Any:
        return cls.service(acting_user=acting_user, **kwargs)


class PersonFactory(ServiceFactory):
    class Meta:
        model = Person

    given_names = factory.Sequence(lambda n: f"Given{chr(65 + n % 26)}{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = date(2010, 3, 14)
    gender = "female"

    @classmethod
    def service(cls, **kwargs: Any) -> Person:
        return services.person_create(**kwargs)


class VehicleFactory(ServiceFactory):
    class Meta:
        model = PoleObject

    kind = ObjectKind.VEHICLE
    vrm = "AB12 CDE"
    make = "Ford"
    model = "Focus"
    colour = "Silver"

    @classmethod
    def service(cls, **kwargs: Any) -> PoleObject:
        return services.object_create(**kwargs)


class PhoneFactory(VehicleFactory):
    kind = ObjectKind.PHONE
    vrm = ""
    make = ""
    model = ""
    colour = ""
    phone_number = factory.Sequence(lambda n: f"07700 9{n % 100000:05d}")


class LocationFactory(ServiceFactory):
    class Meta:
        model = Location

    name = "Station Hotel"
    premises_type = PremisesType.HOTEL
    address_line_1 = factory.Sequence(lambda n: f"{n + 1} Station Road")
    town = "Leeds"
    postcode = "LS1 1AA"

    @classmethod
    def service(cls, **kwargs: Any) -> Location:
        return services.location_create(**kwargs)


class EventFactory(ServiceFactory):
    class Meta:
        model = Event

    event_type = EventType.CONCERN
    occurred_at = factory.Sequence(lambda n: datetime(2024, 1, 1 + n % 28, 12, tzinfo=LONDON))
    summary = factory.Sequence(lambda n: f"Concern number {n}")

    @classmethod
    def service(cls, **kwargs: Any) -> Event:
        return services.event_create(**kwargs)


class IntelligenceReportFactory(ServiceFactory):
    class Meta:
        model = IntelligenceReport

    occurred_at = datetime(2024, 5, 1, 9, tzinfo=LONDON)
    summary = "Seen getting into a silver car"
    text = "Source reports the subject was collected from school by an adult male."
    source_evaluation = "2"
    intelligence_assessment = "B"
    handling_code = "P"

    @classmethod
    def service(cls, **kwargs: Any) -> IntelligenceReport:
        return services.intelligence_report_create(**kwargs)


class LinkFactory(ServiceFactory):
    class Meta:
        model = Link

    link_type = "associate_of"
    source = "Stop check 12/03"

    @classmethod
    def service(cls, **kwargs: Any) -> Link:
        return services.link_create(**kwargs)
