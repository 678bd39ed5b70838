"""Warning signs derived from POLE records: found at a location of concern, an older partner, a
link to an adult suspect, a vehicle of an unknown adult, associating with children at risk, a
sibling of a victim; and those other apps contribute through `register_derived_source` (missing
episodes, network group flags: see `sources.py`). Each names the records that produced it, so a
practitioner can say where it came from.

Thresholds and the link types that count are policy data (`derived_observations.json`). These
reads are the system's own, made to screen a child (a combination under DPA 2018 s62, audited
by the screening service); what a user is shown of the named records is filtered for them at
display time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from vigil.core.dates import age_on
from vigil.core.policy import load_policy
from vigil.core.taxonomy import load_taxonomy
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    Link,
    Location,
    ObjectKind,
    Person,
)


@cache
def derived_policy() -> dict[str, Any]:
    data = load_policy("derived_observations")
    taxonomy = load_taxonomy()
    for key, section in data.items():
        if isinstance(section, dict) and "code" in section and section["code"] not in taxonomy:
            raise ValueError(f"derived_observations {key}: unknown code {section['code']!r}")
    for code in data["found_at_location_of_concern"]["location_codes"].values():
        if code not in taxonomy:
            raise ValueError(f"derived_observations: unknown location code {code!r}")
    return data


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record that produced a derived observation. `label` is what it said then."""

    type: str  # person, event, location, poleobject, link
    id: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "id": self.id, "label": self.label}


@dataclass(frozen=True, slots=True)
class DerivedObservation:
    code: str
    observed_on: date
    explanation: str
    records: tuple[RecordRef, ...]

    @property
    def ref(self) -> str:
        names = ",".join(f"{record.type}-{record.id}" for record in self.records)
        return f"derived:{self.code}:{names}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "observed_on": self.observed_on.isoformat(),
            "ref": self.ref,
            "explanation": self.explanation,
            "records": [record.to_dict() for record in self.records],
        }


def _local_date(moment: Any) -> date:
    return timezone.localtime(moment).date()


def _link_date(link: Link) -> date:
    return link.last_seen or link.first_seen or _local_date(link.created_at)


def _is_adult(person: Person, on: date, adult_age: int) -> bool:
    dob = person.date_of_birth
    return dob is not None and dob <= on and age_on(dob, on) >= adult_age


def _ref(record: Any) -> RecordRef:
    if isinstance(record, Event):
        label = f"{record.get_event_type_display()}: {record.summary}"
        return RecordRef("event", record.pk, label)
    if isinstance(record, Link):
        return RecordRef("link", record.pk, f"{record.link_type.replace('_', ' ')} link")
    model = record._meta.model_name
    return RecordRef(model, record.pk, str(record))


def _other_end(link: Link, child: Person) -> Person | None:
    if link.from_person_id == child.pk:
        return link.to_person
    return link.from_person


# --- Sources other apps contribute -----------------------------------------------------------

DerivedSource = Callable[[Person, date], Iterable[DerivedObservation]]
_SOURCES: dict[str, DerivedSource] = {}


def register_derived_source(key: str, source: DerivedSource) -> None:
    """Let another app contribute derived observations (called from its AppConfig.ready()).
    `source(child, on)` returns the observations its records give about the child as known on
    `on`; each must name the records that produced it. Registering a key again replaces it."""
    _SOURCES[key] = source


def derived_sources() -> dict[str, DerivedSource]:
    return dict(_SOURCES)


def derive_observations(child: Person, on: date) -> list[DerivedObservation]:
    """Every derived observation about `child` on the day `on`, oldest first: those worked out
    here from POLE records, then those of each registered source. A handful of queries
    whatever the size of the record."""
    out = _derive_from_pole(child, on)
    dob = child.date_of_birth
    # One fact found by two routes (a hotel recorded on the return's event and on the missing
    # episode) is explained once, by the first route.
    seen = {(obs.code, obs.observed_on) for obs in out}
    for key in sorted(_SOURCES):
        for obs in _SOURCES[key](child, on):
            if obs.observed_on > on or (dob is not None and obs.observed_on < dob):
                continue
            if not obs.records:
                raise ValueError(f"derived source {key!r}: {obs.code} names no records")
            if (obs.code, obs.observed_on) in seen:
                continue
            seen.add((obs.code, obs.observed_on))
            out.append(obs)
    out.sort(key=lambda obs: (obs.observed_on, obs.code, obs.ref))
    return out


def _derive_from_pole(child: Person, on: date) -> list[DerivedObservation]:
    policy = derived_policy()
    adult_age = int(policy["adult_age"])
    dob = child.date_of_birth
    out: list[DerivedObservation] = []

    def add(code: str, when: date, explanation: str, records: list[Any]) -> None:
        # Records dated after the assessment are not yet known on it; before birth is bad data.
        if when > on or (dob is not None and when < dob):
            return
        out.append(DerivedObservation(code, when, explanation, tuple(_ref(r) for r in records)))

    # --- the child's events and who and what else was in them -------------------------------
    roles_by_event: dict[int, set[str]] = defaultdict(set)
    events: dict[int, Event] = {}
    for row in EventPerson.objects.filter(person=child).select_related("event"):
        roles_by_event[row.event_id].add(row.role)
        events[row.event_id] = row.event
    event_ids = [pk for pk, event in events.items() if _local_date(event.occurred_at) <= on]

    # Found at a location of concern (guidance: Locations of concern).
    found = policy["found_at_location_of_concern"]
    concern_types = set(found["premises_types"])
    for at in EventLocation.objects.filter(
        event_id__in=event_ids,
        role__in=found["event_location_roles"],
        location__premises_type__in=concern_types,
    ).select_related("location"):
        event, place = events[at.event_id], at.location
        # Found at the end of the event (a missing episode's return), when that is recorded.
        when = _local_date(event.ended_at or event.occurred_at)
        what = place.get_premises_type_display().lower()
        add(found["code"], when, f"Found at {place} ({what}).", [event, place])
        location_code = found["location_codes"].get(place.premises_type)
        if location_code:
            add(location_code, when, f"Found at {place} ({what}).", [event, place])
    for link in Link.objects.filter(
        from_person=child,
        link_type__in=found["link_types"],
        to_location__premises_type__in=concern_types,
    ).select_related("to_location"):
        if link.to_location is None:
            continue
        place = link.to_location
        when = min(_link_date(link), on)
        what = place.get_premises_type_display().lower()
        add(found["code"], when, f"Found at {place} ({what}).", [link, place])
        location_code = found["location_codes"].get(place.premises_type)
        if location_code:
            add(location_code, when, f"Found at {place} ({what}).", [link, place])

    # Other people in the child's events: an adult suspect alongside the child.
    suspect = policy["adult_suspect"]
    co_suspects: dict[int, list[Person]] = defaultdict(list)
    for row in (
        EventPerson.objects.filter(event_id__in=event_ids, role=suspect["event_role"])
        .exclude(person=child)
        .select_related("person")
    ):
        co_suspects[row.event_id].append(row.person)
    for event_id, people in sorted(co_suspects.items()):
        event = events[event_id]
        when = _local_date(event.occurred_at)
        for person in people:
            if _is_adult(person, when, adult_age):
                add(
                    suspect["code"],
                    when,
                    f"{person.full_name}, an adult recorded as a suspect, was in this event "
                    "with the child.",
                    [event, person],
                )

    # Vehicles in the child's events driven or owned by an adult suspect who is not family.
    vehicle = policy["vehicle_of_unknown_adult"]
    vehicle_rows = [
        row
        for row in EventObject.objects.filter(
            event_id__in=event_ids, pole_object__kind=ObjectKind.VEHICLE
        ).select_related("pole_object")
        if roles_by_event[row.event_id] & set(vehicle["child_event_roles"])
    ]

    # --- the child's person links -------------------------------------------------------------
    person_links = list(
        Link.objects.filter(
            Q(from_person=child, to_person__isnull=False)
            | Q(to_person=child, from_person__isnull=False)
        ).select_related("from_person", "to_person")
    )
    family = {
        _other_end(link, child).pk  # type: ignore[union-attr]
        for link in person_links
        if link.link_type in vehicle["family_link_types"]
    }

    if vehicle_rows:
        vehicles = {row.pole_object_id for row in vehicle_rows}
        drivers: dict[int, list[tuple[Link, Person]]] = defaultdict(list)
        for link in Link.objects.filter(
            link_type__in=vehicle["driver_link_types"],
            to_object_id__in=vehicles,
            from_person__isnull=False,
        ).select_related("from_person"):
            if link.to_object_id is not None and link.from_person is not None:
                drivers[link.to_object_id].append((link, link.from_person))
        for seen in vehicle_rows:
            event, car = events[seen.event_id], seen.pole_object
            when = _local_date(event.occurred_at)
            on_event = {p.pk for p in co_suspects.get(seen.event_id, [])}
            for link, driver in drivers.get(car.pk, []):
                is_suspect = driver.pk in on_event or suspect["person_flag"] in (driver.flags or [])
                if (
                    is_suspect
                    and driver.pk != child.pk
                    and driver.pk not in family
                    and _is_adult(driver, when, adult_age)
                ):
                    add(
                        vehicle["code"],
                        when,
                        f"In {car}, a vehicle {driver.full_name} (an adult suspect, not family) "
                        f"is recorded as driving or owning.",
                        [event, car, link, driver],
                    )

    older = policy["older_partner"]
    associates = policy["associates_at_risk"]
    siblings = policy["sibling_of_victim"]
    associate_links: list[tuple[Link, Person]] = []
    for link in person_links:
        other = _other_end(link, child)
        if other is None:
            continue
        when = min(_link_date(link), on)
        # Linked to an adult suspect (any person link).
        if suspect["person_flag"] in (other.flags or []) and _is_adult(other, when, adult_age):
            add(
                suspect["code"],
                when,
                f"Linked ({link.link_type.replace('_', ' ')}) to {other.full_name}, an adult "
                "recorded as a suspect.",
                [link, other],
            )
        if (
            link.link_type in older["link_types"]
            and dob is not None
            and other.date_of_birth is not None
            and when >= dob
            and _is_adult(other, when, adult_age)
        ):
            other_age = age_on(other.date_of_birth, when)
            gap = other_age - age_on(dob, when)
            if gap >= int(older["min_age_gap_years"]):
                add(
                    older["code"],
                    when,
                    f"Boyfriend or girlfriend {other.full_name} is {gap} years older "
                    f"(aged {other_age}).",
                    [link, other],
                )
        if link.link_type in siblings["link_types"] and siblings["victim_flag"] in (
            other.flags or []
        ):
            add(
                siblings["code"],
                max(when, dob) if dob else when,
                f"Sibling of {other.full_name}, who is recorded as a victim.",
                [link, other],
            )
        if link.link_type in associates["link_types"]:
            associate_links.append((link, other))

    # Associates who are children at risk: a victim, or screened at medium or above.
    if associate_links:
        from vigil.safeguarding.models import ScreeningResult

        current = dict(
            ScreeningResult.objects.filter(
                is_current=True, child_id__in=[other.pk for _, other in associate_links]
            ).values_list("child_id", "rank")
        )
        levels = {lvl.rank: lvl.label for lvl in _levels()}
        for link, other in associate_links:
            when = min(_link_date(link), on)
            if other.date_of_birth is None or _is_adult(other, on, adult_age):
                continue
            rank = current.get(other.pk, 0)
            if associates["victim_flag"] in (other.flags or []):
                why = f"Associates with {other.full_name}, a child recorded as a victim."
            elif rank >= int(associates["min_rank"]):
                why = f"Associates with {other.full_name}, a child screened {levels[rank]}."
            else:
                continue
            add(associates["code"], when, why, [link, other])

    out.sort(key=lambda obs: (obs.observed_on, obs.code, obs.ref))
    return out


def _levels() -> Any:
    from vigil.core.screening import levels

    return levels()


def household_children(child: Person, on: date) -> list[tuple[Person, str]]:
    """The child's siblings and the other children at the same home or placement, with how
    they are related ('sibling' or 'household'), for "consider screening" tasks."""
    policy = derived_policy()["household"]
    adult_age = int(derived_policy()["adult_age"])
    found: dict[int, tuple[Person, str]] = {}
    for link in Link.objects.filter(
        Q(from_person=child, to_person__isnull=False)
        | Q(to_person=child, from_person__isnull=False),
        link_type__in=policy["sibling_link_types"],
    ).select_related("from_person", "to_person"):
        other = _other_end(link, child)
        if other is not None:
            found[other.pk] = (other, "sibling")
    homes = Link.objects.filter(
        from_person=child, link_type__in=policy["home_link_types"], to_location__isnull=False
    ).values_list("to_location_id", flat=True)
    for link in (
        Link.objects.filter(link_type__in=policy["home_link_types"], to_location_id__in=list(homes))
        .exclude(from_person=child)
        .select_related("from_person")
    ):
        other = link.from_person
        if other is not None and other.pk not in found:
            found[other.pk] = (other, "household")
    return [
        (person, relation)
        for person, relation in found.values()
        if person.date_of_birth is not None
        and person.date_of_birth <= on
        and not _is_adult(person, on, adult_age)
    ]


def home_area(child: Person) -> str:
    """The town of the child's current placement or home, for the caseload's area filter."""
    policy = derived_policy()["household"]
    link = (
        Link.objects.filter(
            from_person=child, link_type__in=policy["home_link_types"], to_location__isnull=False
        )
        .select_related("to_location")
        .order_by(
            F("last_seen").desc(nulls_last=True), F("first_seen").desc(nulls_last=True), "-id"
        )
        .first()
    )
    place: Location | None = link.to_location if link else None
    return place.town if place else ""
