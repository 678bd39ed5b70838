"""The synthetic area as plain records (no Django): what `vigil generate` writes to files and
what the loader turns into the POLE store's rows. Ids are the generator's own, counted from 1
per kind; the loader offsets them into the database's id space."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The agencies that record people in Northshire, by the key records carry. The names are the
# hand-shaped demo's agencies (demo_area.AGENCIES), so both live side by side.
AGENCIES: dict[str, str] = {
    "police": "Northshire Police",
    "social_care": "Northshire Council Children's Services",
    "health": "Northshire Health NHS Trust",
    "education": "Northshire Schools",
}


@dataclass(slots=True)
class PersonRecord:
    id: int
    agency: str
    given_names: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_precision: str
    gender: str
    ethnicity: str
    nationality: str
    languages: list[str]
    flags: list[str]
    access_level: str = "standard"
    # Not columns of Person: the address and phone this agency holds for the person, written
    # to the linkage file (`people.csv`). In the store they are `lives_at` / `uses_phone` links.
    home_location: int | None = None
    phone: str = ""


@dataclass(slots=True)
class NameRecord:
    id: int
    person: int
    agency: str
    name_type: str
    given_names: str
    family_name: str
    source: str


@dataclass(slots=True)
class IdentifierRecord:
    id: int
    person: int
    agency: str
    scheme: str
    value: str
    issuer: str


@dataclass(slots=True)
class ObjectRecord:
    id: int
    agency: str
    kind: str
    vrm: str = ""
    make: str = ""
    model: str = ""
    colour: str = ""
    phone_number: str = ""
    platform: str = ""
    handle: str = ""
    description: str = ""


@dataclass(slots=True)
class LocationRecord:
    id: int
    agency: str
    premises_type: str
    name: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str


@dataclass(slots=True)
class LinkRecord:
    id: int
    agency: str
    link_type: str
    from_kind: str  # person | object | location
    from_id: int
    to_kind: str
    to_id: int
    first_seen: date | None
    last_seen: date | None
    source: str
    notes: str = ""


@dataclass(slots=True)
class IntelligenceRecord:
    """A 3x5x2 grading (APP Intelligence management) and the report's text."""

    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str
    text: str


@dataclass(slots=True)
class EventRecord:
    id: int
    agency: str
    event_type: str
    occurred_at: datetime
    ended_at: datetime | None
    summary: str
    description: str
    reference: str
    people: list[tuple[int, str]]
    objects: list[tuple[int, str]] = field(default_factory=list)
    locations: list[tuple[int, str]] = field(default_factory=list)
    # Warning signs (taxonomy codes) the event records. There is no observation model yet, so
    # a concern carries its codes here and in its description ("Warning signs: WS-...").
    taxonomy_codes: list[str] = field(default_factory=list)
    intelligence: IntelligenceRecord | None = None
    access_level: str = "standard"


@dataclass
class Batch:
    """One slice of the stream, in an order that satisfies every reference: locations, people,
    objects, then what points at them. A record only refers to records in its own or an
    earlier batch."""

    locations: list[LocationRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    names: list[NameRecord] = field(default_factory=list)
    identifiers: list[IdentifierRecord] = field(default_factory=list)
    objects: list[ObjectRecord] = field(default_factory=list)
    links: list[LinkRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.people)


@dataclass
class Network:
    id: str
    type: str
    size: str
    offenders: list[int] = field(default_factory=list)
    victims: list[int] = field(default_factory=list)
    locations: list[int] = field(default_factory=list)
    vehicles: list[int] = field(default_factory=list)
    phones: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)


@dataclass
class GroundTruth:
    """What the generator planted, by record id. `same_person` groups start with the primary
    record (the one `networks`, `victims` and `at_risk` name)."""

    seed: int
    people: int
    as_of: date
    same_person: list[list[int]] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    victims: list[int] = field(default_factory=list)
    at_risk: list[int] = field(default_factory=list)
    warning_signs: dict[int, list[str]] = field(default_factory=dict)
    missing_episodes: dict[int, int] = field(default_factory=dict)
    confusable: list[dict[str, object]] = field(default_factory=list)
    nicknames: dict[int, str] = field(default_factory=dict)

    def to_json(self, id_of: dict[str, int] | None = None) -> dict[str, object]:
        """The documented JSON shape (docs/synthetic-area.md). `id_of` offsets ids per kind
        (person, location, object) when the area was loaded into a database."""
        offset = id_of or {}
        p, loc, obj = offset.get("person", 0), offset.get("location", 0), offset.get("object", 0)

        def people(ids: list[int]) -> list[int]:
            return [p + i for i in ids]

        return {
            "seed": self.seed,
            "people": self.people,
            "as_of": self.as_of.isoformat(),
            "same_person": [people(group) for group in self.same_person],
            "networks": [
                {
                    "id": net.id,
                    "type": net.type,
                    "size": net.size,
                    "offenders": people(net.offenders),
                    "victims": people(net.victims),
                    "locations": [loc + i for i in net.locations],
                    "vehicles": [obj + i for i in net.vehicles],
                    "phones": [obj + i for i in net.phones],
                    "accounts": [obj + i for i in net.accounts],
                }
                for net in self.networks
            ],
            "victims": people(self.victims),
            "at_risk": people(self.at_risk),
            "warning_signs": {str(p + k): v for k, v in self.warning_signs.items()},
            "missing_episodes": {str(p + k): v for k, v in self.missing_episodes.items()},
            "nicknames": {str(p + k): v for k, v in self.nicknames.items()},
            "confusable": [
                {"kind": item["kind"], "records": people(item["records"])}  # type: ignore[arg-type]
                for item in self.confusable
            ],
        }
