"""The synthetic force area: a population of Northshire, two years of what agencies record
about it, planted exploitation cases, and duplicates across agencies, streamed in batches.

Deterministic: the same seed and `as_of` give the same records (a different `as_of` moves every
date by the same amount). Pure Python, no Django, nothing held but the current batch and a few
small tables (venues, streets), so a million people stream in constant memory.

    area = AreaGenerator(people=50_000, seed=1)
    for batch in area.batches():
        ...
    area.truth  # complete once the stream is exhausted

Two random streams: one for who exists (people, places, objects, links), one for what happened
(events). Switching events off (the search benchmark) leaves the population unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate, pairwise
from zoneinfo import ZoneInfo

from vigil.core.dates import age_on
from vigil.core.taxonomy import load_taxonomy
from vigil.synthetic import tables as T
from vigil.synthetic.records import (
    Batch,
    EventRecord,
    GroundTruth,
    IdentifierRecord,
    IntelligenceRecord,
    LinkRecord,
    LocationRecord,
    NameRecord,
    Network,
    ObjectRecord,
    PersonRecord,
)
from vigil.synthetic.scenarios import (
    SCENARIOS,
    SIGN_EVENTS,
    TYPE_SIGNS,
    ScenarioSpec,
    VictimProfile,
)

LONDON = ZoneInfo("Europe/London")
WINDOW_DAYS = 730  # two years of events before `as_of`
# A planted set of all fifteen scenarios per this many people (at least one set).
PEOPLE_PER_SCENARIO_SET = 50_000
# Below this many people only the small size of each type is planted, and below the second
# number none (the hand-shaped demo alone: `vigil demo --people 0`).
FULL_SET_MIN_PEOPLE = 3_000
SMALL_SET_MIN_PEOPLE = 400

_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the inward code's letters (no C, I, K, M, O, V)
_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"
_BACKGROUND_AGENCIES = T.table("police 40, health 25, education 20, social_care 15")


def _pick(rng: random.Random, tab: T.Table) -> str:
    return rng.choices(tab.names, cum_weights=tab.cum_weights)[0]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@dataclass(slots=True)
class _Street:
    town: T.Town
    hood: str
    name: str
    postcode: str
    next_number: int = 1
    households: int = 0
    capacity: int = 15


@dataclass(slots=True)
class _Address:
    line_1: str
    line_2: str
    town: str
    postcode: str


@dataclass(slots=True)
class _Individual:
    """One real (synthetic) human; an agency's record of them is a PersonRecord."""

    given: str
    family: str
    dob: date
    gender: str
    origin: str
    ethnicity: str
    nationality: str
    languages: list[str]
    address: _Address
    home: int
    agency: str
    serial: int = 0  # which human: the same in every agency's record of them
    record: int = 0
    phone: str = ""
    phone_object: int = 0
    records: dict[str, int] = field(default_factory=dict)  # agency -> person record id


class AreaGenerator:
    def __init__(
        self,
        people: int,
        seed: int,
        as_of: date | None = None,
        *,
        events: bool = True,
        batch_size: int = 5_000,
    ) -> None:
        if people < 0:
            raise ValueError("people: must be 0 or more")
        self.target = people
        self.seed = seed
        self.as_of = as_of or date.today()
        self.with_events = events
        self.batch_size = max(1, batch_size)
        self.rng = random.Random(f"vigil-synthetic:{seed}:population")
        self.erng = random.Random(f"vigil-synthetic:{seed}:events")
        self.truth = GroundTruth(seed=seed, people=people, as_of=self.as_of)
        self._ids = {
            "person": 0,
            "name": 0,
            "identifier": 0,
            "object": 0,
            "location": 0,
            "link": 0,
            "event": 0,
        }
        self._batch = Batch()
        self._people = 0
        self._streets: dict[str, _Street] = {}
        self._postcodes: dict[str, int] = {}
        self._venues: dict[tuple[str, str], list[int]] = {}
        self._venue_names: dict[int, str] = {}
        self._taxonomy = load_taxonomy()
        self._humans = 0
        self._pending_confusable: list[tuple[str, _Individual, _Individual]] = []
        # Person records without a date of birth: nobody can record a warning sign on one
        # (screening needs an age), so an agency holding only such a record writes on the
        # child's primary record instead.
        self._undated: set[int] = set()
        self._window_start = self.as_of - timedelta(days=WINDOW_DAYS)

    # --- Stream ----------------------------------------------------------------------------

    def batches(self) -> Iterator[Batch]:
        if self.target == 0:
            return
        self._build_venues()
        self._plant_scenarios()
        yield self._take()
        while self._people < self.target:
            self._household()
            if len(self._batch.people) >= self.batch_size:
                yield self._take()
        if self._batch.people or self._batch.locations:
            yield self._take()

    def _take(self) -> Batch:
        batch, self._batch = self._batch, Batch()
        return batch

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    @property
    def _remaining(self) -> int:
        return self.target - self._people

    # --- Record builders --------------------------------------------------------------------

    def _location(self, agency: str, premises_type: str, address: _Address, name: str = "") -> int:
        loc = LocationRecord(
            id=self._next("location"),
            agency=agency,
            premises_type=premises_type,
            name=name,
            address_line_1=address.line_1,
            address_line_2=address.line_2,
            town=address.town,
            postcode=address.postcode,
        )
        self._batch.locations.append(loc)
        return loc.id

    def _person(
        self,
        ind: _Individual,
        agency: str,
        *,
        given: str | None = None,
        family: str | None = None,
        dob: date | bool | None = True,
        precision: str = "exact",
        flags: list[str] | None = None,
        access_level: str = "standard",
        home: int | None = None,
    ) -> int:
        record = PersonRecord(
            id=self._next("person"),
            agency=agency,
            given_names=ind.given if given is None else given,
            family_name=ind.family if family is None else family,
            date_of_birth=ind.dob if dob is True else (dob or None),
            date_of_birth_precision=precision if dob is not None else "unknown",
            gender=ind.gender,
            ethnicity=ind.ethnicity,
            nationality=ind.nationality,
            languages=list(ind.languages),
            flags=sorted(set(flags or [])),
            access_level=access_level,
            home_location=ind.home if home is None else home,
            phone=ind.phone,
        )
        self._batch.people.append(record)
        self._people += 1
        if record.date_of_birth is None:
            self._undated.add(record.id)
        ind.records.setdefault(agency, record.id)
        if not ind.record:
            ind.record = record.id
        self._identifier(record, ind)
        return record.id

    def _name(
        self, person: int, agency: str, name_type: str, given: str, family: str, source: str
    ) -> None:
        self._batch.names.append(
            NameRecord(self._next("name"), person, agency, name_type, given, family, source)
        )

    def _identifier(self, record: PersonRecord, ind: _Individual) -> None:
        """Each agency's own reference for the person: NHS number (health), Unique Pupil
        Number (schools, ages 4-18), local-authority child ID (children's services, under-18s)
        and PNC ID (police, for about a third of adults)."""
        age = age_on(ind.dob, self.as_of)
        # The same human keeps the same NHS number and UPN in every agency that records it;
        # an affine permutation of their serial keeps numbers unique and unsequential.
        key = (ind.serial * 48_271 + self.seed * 9_973) % 10**8
        scheme, value, issuer = "", "", ""
        if record.agency == "health":
            scheme, value, issuer = "nhs", _nhs_number(key), ""
        elif record.agency == "education" and 4 <= age <= 18:
            scheme, value, issuer = "upn", _upn(key, ind.dob), "Northshire Council"
        elif record.agency == "social_care" and age < 18:
            scheme, value, issuer = (
                "la_child",
                f"NS-{key % 900_000 + 100_000}",
                ("Northshire Council"),
            )
        elif record.agency == "police" and age >= 16 and key % 3 == 0:
            scheme, value = "pnc", _pnc(key, ind.dob)
        if scheme:
            self._batch.identifiers.append(
                IdentifierRecord(
                    self._next("identifier"), record.id, record.agency, scheme, value, issuer
                )
            )

    def _object(self, agency: str, kind: str, **fields: str) -> int:
        obj = ObjectRecord(id=self._next("object"), agency=agency, kind=kind, **fields)
        self._batch.objects.append(obj)
        return obj.id

    def _phone(self, agency: str) -> tuple[int, str]:
        number = _phone_number(self._ids["object"] + 1, self.seed)
        return self._object(agency, "phone", phone_number=number), number

    def _vehicle(self, agency: str, rng: random.Random) -> int:
        make_model = _pick(rng, T.VEHICLES)
        make, _, model = make_model.partition(" ")
        return self._object(
            agency,
            "vehicle",
            vrm=_vrm(self._ids["object"] + 1, self.seed),
            make=make,
            model=model,
            colour=_pick(rng, T.COLOURS),
        )

    def _account(self, agency: str, given: str, rng: random.Random) -> int:
        base = "".join(ch for ch in given.lower() if ch.isalpha())[:8]
        decoration = rng.choice(["_x", "xo", "_", "__", "_baby", "_official", "x"])
        handle = f"{base}{decoration}{self._ids['object'] + 1}"
        return self._object(
            agency, "online_account", platform=_pick(rng, T.PLATFORMS), handle=handle
        )

    def _link(
        self,
        agency: str,
        link_type: str,
        source: tuple[str, int],
        target: tuple[str, int],
        source_text: str,
        first: date | None = None,
        last: date | None = None,
        notes: str = "",
    ) -> None:
        if first and last and first > last:
            first, last = last, first
        self._batch.links.append(
            LinkRecord(
                self._next("link"),
                agency,
                link_type,
                source[0],
                source[1],
                target[0],
                target[1],
                first,
                last,
                source_text,
                notes,
            )
        )

    def _event(
        self,
        agency: str,
        event_type: str,
        when: datetime,
        summary: str,
        people: list[tuple[int, str]],
        *,
        description: str = "",
        objects: list[tuple[int, str]] | None = None,
        locations: list[tuple[int, str]] | None = None,
        reference: str = "",
        ended_at: datetime | None = None,
        codes: list[str] | None = None,
        intelligence: IntelligenceRecord | None = None,
        access_level: str = "standard",
    ) -> None:
        if not self.with_events:
            return
        event_id = self._next("event")
        if codes:
            labels = "; ".join(f"{code} ({self._taxonomy.get(code).label})" for code in codes)
            description = f"{description}\nWarning signs: {labels}.".strip()
        self._batch.events.append(
            EventRecord(
                id=event_id,
                agency=agency,
                event_type=event_type,
                occurred_at=when,
                ended_at=ended_at,
                summary=summary[:200],
                description=description,
                reference=reference.replace("{id}", f"{event_id:06d}"),
                people=list(dict.fromkeys(people)),
                objects=list(dict.fromkeys(objects or [])),
                locations=list(dict.fromkeys(locations or [])),
                taxonomy_codes=list(codes or []),
                intelligence=intelligence,
                access_level=access_level,
            )
        )

    # --- Places -----------------------------------------------------------------------------

    def _postcode(self, town: T.Town) -> str:
        """A unit postcode not yet used in the town: district, sector, then a scrambled pair
        of unit letters (37 is coprime with 400, so each (district, sector) gets 400)."""
        k = self._postcodes.get(town.name, 0)
        self._postcodes[town.name] = k + 1
        district = 1 + k % town.districts
        sector = 1 + (k // town.districts) % 9
        unit = (k // (town.districts * 9) * 37 + 11 * sector + district) % 400
        letters = _UNIT_LETTERS[unit // 20] + _UNIT_LETTERS[unit % 20]
        return f"{town.area}{district} {sector}{letters}"

    def _street(self, town: T.Town, fresh: bool = False) -> _Street:
        street = self._streets.get(town.name)
        if fresh or street is None or street.households >= street.capacity:
            rng = self.rng
            name = f"{rng.choice(T.STREET_STEMS)} {_pick(rng, T.STREET_SUFFIXES)}"
            street = _Street(
                town=town,
                hood=rng.choice(town.neighbourhoods),
                name=name,
                postcode=self._postcode(town),
                next_number=rng.choice((1, 2, 3, 5, 11)),
                capacity=rng.randint(8, 24),
            )
            self._streets[town.name] = street
        return street

    def _address(self, town: T.Town, fresh: bool = False) -> _Address:
        """The next address on the town's current street; `fresh` starts a new street (a
        venue, so schools and hotels do not all share one postcode)."""
        street = self._street(town, fresh)
        number = street.next_number
        street.next_number += self.rng.choice((1, 2, 2, 2))
        street.households += 1
        return _Address(f"{number} {street.name}", street.hood, town.name, street.postcode)

    def _build_venues(self) -> None:
        """Schools, children's homes, hotels, takeaways and the other places of the guidance's
        'Locations', per town, more of them in a bigger area."""
        rng = self.rng
        scale = max(1, round(self.target / 25_000))
        for town in T.TOWNS:
            weight = town.share / 100 if town.in_area else 0.15
            for premises_type, base, patterns in T.VENUES:
                if not town.in_area and premises_type not in (
                    "childrens_home",
                    "hotel",
                    "bed_and_breakfast",
                    "takeaway",
                    "park",
                    "transport_hub",
                    "shisha_bar",
                ):
                    continue
                count = max(1, round(base * scale * weight * 2.5))
                for n in range(count):
                    name = patterns[n % len(patterns)].format(
                        town=town.name,
                        hood=rng.choice(town.neighbourhoods),
                        stem=rng.choice(T.STREET_STEMS),
                        saint=rng.choice(T.SAINTS),
                    )
                    if n >= len(patterns):
                        name = f"{name} ({rng.choice(town.neighbourhoods)})"
                    agency = {
                        "school": "education",
                        "childrens_home": "social_care",
                        "supported_accommodation": "social_care",
                    }.get(premises_type, "police")
                    address = self._address(town, fresh=True)
                    loc = self._location(agency, premises_type, address, name)
                    self._venues.setdefault((town.name, premises_type), []).append(loc)
                    self._venue_names[loc] = name
            # Foster placements are ordinary homes.
            for _ in range(max(1, round(4 * scale * weight * 2.5))):
                loc = self._location("social_care", "foster_placement", self._address(town))
                self._venues.setdefault((town.name, "foster_placement"), []).append(loc)
                self._venue_names[loc] = "foster placement"

    def _venue(self, town: str, premises_type: str, rng: random.Random) -> int:
        options = self._venues.get((town, premises_type))
        if not options:
            options = self._venues[("Northam", premises_type)]
        return rng.choice(options)

    # --- People -----------------------------------------------------------------------------

    def _individual(
        self,
        gender: str,
        age: int,
        origin: str,
        address: _Address,
        home: int,
        agency: str,
        *,
        family: str | None = None,
        given: str | None = None,
        dob: date | None = None,
    ) -> _Individual:
        rng = self.rng
        spec = T.ORIGIN_BY_KEY[origin]
        born = dob or self.as_of - timedelta(days=age * 365 + rng.randint(0, 364) + age // 4)
        self._humans += 1
        cohort = "young" if born.year >= 1995 else "old"
        table_key = (origin, gender, cohort)
        if table_key not in T.GIVEN:
            table_key = (origin, gender, "")
        given_name = given or _pick(rng, T.GIVEN[table_key])
        family_name = family or _pick(rng, T.FAMILY[origin])
        if origin == "eastern_european" and gender == "female" and family_name.endswith("ski"):
            family_name = family_name[:-1] + "a"  # Polish: Kowalski, Kowalska
        return _Individual(
            given=given_name,
            family=family_name,
            dob=born,
            gender=gender,
            origin=origin,
            ethnicity=_pick(rng, spec.ethnicities),
            nationality=_pick(rng, spec.nationalities),
            languages=list(spec.languages),
            address=address,
            home=home,
            agency=agency,
            serial=self._humans,
        )

    def _venue_ids_of(self, premises_types: tuple[str, ...]) -> set[int]:
        return {
            loc
            for (_, premises_type), locs in self._venues.items()
            if premises_type in premises_types
            for loc in locs
        }

    def _household(self) -> None:
        """One household of the background population: a family, a single parent with
        children, a step-family, a single adult or a couple; with their home, the school the
        children attend, phones, cars and accounts, family links and what agencies record."""
        rng = self.rng
        town = _pick_town(rng)
        origin = _pick(rng, T.ORIGIN_TABLE)
        agency = _pick(rng, _BACKGROUND_AGENCIES)
        kind = rng.choices(
            ("family", "single_parent", "step_family", "single", "couple", "older"),
            (16, 7, 4, 33, 24, 16),
        )[0]
        if self._remaining < 5:
            kind = "single"
        address = self._address(town)
        home = self._location(agency, "home", address)
        members: list[_Individual] = []
        parents: list[_Individual] = []
        step_parent: _Individual | None = None
        children: list[_Individual] = []

        def adult(gender: str, lo: int, hi: int, family: str | None = None) -> _Individual:
            return self._individual(
                gender, rng.randint(lo, hi), origin, address, home, agency, family=family
            )

        if kind == "single":
            members.append(adult(rng.choice(("female", "male")), 18, 90))
        elif kind in ("couple", "older"):
            lo, hi = (20, 64) if kind == "couple" else (65, 90)
            first = adult("male", lo, hi)
            second = adult(
                "female", max(18, lo - 3), hi, family=first.family if rng.random() < 0.7 else ""
            )
            members += [first, second]
        else:
            mother = adult("female", 22, 52)
            parents.append(mother)
            father: _Individual | None = None
            if kind == "family":
                father = adult("male", 24, 56, family=mother.family if rng.random() < 0.8 else "")
                parents.append(father)
            children_family = (
                father.family
                if father
                else (mother.family if rng.random() < 0.5 else _pick(rng, T.FAMILY[origin]))
            )
            youngest_parent = min(age_on(p.dob, self.as_of) for p in parents)
            n_children = rng.choices((1, 2, 3, 4), (38, 38, 17, 7))[0]
            for i in range(n_children):
                age = rng.randint(0, max(0, min(17, youngest_parent - 18)))
                gender = rng.choice(("female", "male"))
                given = None
                # Father and son with the same name: a classic false match.
                if father and gender == "male" and i == 0 and rng.random() < 0.06:
                    given = father.given
                kid = self._individual(
                    gender, age, origin, address, home, agency, family=children_family, given=given
                )
                children.append(kid)
                if given and father is not None:
                    self._note_confusable("father_and_son", father, kid)
            # Twins: same surname, same date of birth, same address.
            if len(children) >= 2 and rng.random() < 0.04:
                children[1].dob = children[0].dob
                children[1].family = children[0].family
                if children[1].given == children[0].given:
                    # Parents do not give twins one name: the next name in the twin's table
                    # (no draw from rng, so the rest of the area is unchanged).
                    names = T.GIVEN[_given_table(children[1])].names
                    at = names.index(children[1].given) if children[1].given in names else -1
                    children[1].given = names[(at + 1) % len(names)]
                self._note_confusable("twins", children[0], children[1])
            if kind == "step_family":
                step_parent = adult("male", 24, 56)
                if rng.random() < 0.5:
                    half = self._individual(
                        rng.choice(("female", "male")),
                        rng.randint(0, 6),
                        origin,
                        address,
                        home,
                        agency,
                        family=step_parent.family,
                    )
                    children.append(half)
                members.append(step_parent)
            members = parents + members + children
        # Never overshoot the requested number of people.
        members = members[: max(1, self._remaining)]
        for ind in members:
            self._add_phone(ind, agency)
        for ind in members:
            self._person(ind, agency)
            self._other_names(ind, agency)
            self._link(
                agency,
                "lives_at",
                ("person", ind.record),
                ("location", home),
                "Address on record",
                self.as_of - timedelta(days=rng.randint(30, 4000)),
            )
            if ind.phone_object:
                self._link(
                    agency,
                    "uses_phone",
                    ("person", ind.record),
                    ("object", ind.phone_object),
                    "Contact details",
                )
        self._family_links(
            agency,
            [p for p in parents if p in members],
            [c for c in children if c in members],
            step_parent,
        )
        for kind_, a, b in self._pending_confusable:
            if a.record and b.record:
                self.truth.confusable.append({"kind": kind_, "records": [a.record, b.record]})
        self._pending_confusable = []
        for ind in members:
            self._school(ind, agency, town)
            self._vehicles_and_accounts(ind, agency)
        for ind in members:
            self._maybe_duplicate(ind)
        if self.with_events:
            self._background_events(agency, town, members, home)

    def _note_confusable(self, kind: str, a: _Individual, b: _Individual) -> None:
        # Records get their ids when written: remember the pair until then.
        self._pending_confusable.append((kind, a, b))

    def _other_names(self, ind: _Individual, agency: str) -> None:
        """Names the person is also known by: a birth surname, the short form they go by,
        another spelling of their name, or (police records) an alias."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.05 and ind.given in T.SHORT_FORMS:
            self._name(
                ind.record,
                agency,
                "nickname",
                rng.choice(T.SHORT_FORMS[ind.given]),
                "",
                "Known as, per family",
            )
        elif roll < 0.09 and ind.given in T.SPELLINGS:
            self._name(
                ind.record,
                agency,
                "transliteration",
                rng.choice(T.SPELLINGS[ind.given]),
                ind.family,
                "Spelling on passport",
            )
        elif roll < 0.15 and ind.gender == "female" and age_on(ind.dob, self.as_of) >= 25:
            self._name(
                ind.record,
                agency,
                "previous",
                ind.given,
                _pick(rng, T.FAMILY[ind.origin]),
                "Birth surname",
            )
        elif roll < 0.17 and agency == "police" and age_on(ind.dob, self.as_of) >= 16:
            alias_given = _pick(rng, T.GIVEN[_given_table(ind)])
            self._name(ind.record, agency, "alias", alias_given, ind.family, "Name given on arrest")

    def _add_phone(self, ind: _Individual, agency: str) -> None:
        rng = self.rng
        age = age_on(ind.dob, self.as_of)
        if (age >= 18 and rng.random() < 0.45) or (12 <= age < 18 and rng.random() < 0.55):
            ind.phone_object, ind.phone = self._phone(agency)

    def _vehicles_and_accounts(self, ind: _Individual, agency: str) -> None:
        rng = self.rng
        age = age_on(ind.dob, self.as_of)
        if 18 <= age <= 80 and rng.random() < 0.35:
            car = self._vehicle(agency, rng)
            self._link(
                agency, "owns_vehicle", ("person", ind.record), ("object", car), "DVLA keeper check"
            )
        if 12 <= age < 25 and rng.random() < 0.4:
            account = self._account(agency, ind.given, rng)
            self._link(
                agency,
                "uses_account",
                ("person", ind.record),
                ("object", account),
                "Open source check",
            )

    def _family_links(
        self,
        agency: str,
        parents: list[_Individual],
        children: list[_Individual],
        step_parent: _Individual | None,
    ) -> None:
        src = "Children's services records" if agency == "social_care" else "Family details"
        for parent in parents:
            for child in children:
                self._link(
                    agency, "parent_of", ("person", parent.record), ("person", child.record), src
                )
        if step_parent is not None:
            for child in children:
                relation = "parent_of" if child.family == step_parent.family else "step_parent_of"
                self._link(
                    agency, relation, ("person", step_parent.record), ("person", child.record), src
                )
        for i, a in enumerate(children):
            for b in children[i + 1 :]:
                self._link(agency, "sibling_of", ("person", a.record), ("person", b.record), src)

    def _school(self, ind: _Individual, agency: str, town: T.Town) -> None:
        age = age_on(ind.dob, self.as_of)
        if not 4 <= age <= 16:
            return
        school = self._venue(town.name, "school", self.rng)
        self._link(agency, "attends", ("person", ind.record), ("location", school), "School census")

    # --- Duplicates across agencies -------------------------------------------------------------

    def _maybe_duplicate(
        self, ind: _Individual, *, chance: float | None = None, same_agency: bool = False
    ) -> list[int]:
        """Other agencies' records of the same human, with the differences real records have:
        short forms and nicknames, spelling and transliteration variants, typos, day and month
        swapped, transposed digits, a changed surname, a moved address, missing fields."""
        rng = self.rng
        age = age_on(ind.dob, self.as_of)
        if chance is None:
            chance = 0.10 if age < 18 else 0.04
        if rng.random() >= chance or self._remaining < 1:
            return []
        others = [
            a
            for a in ("police", "health", "education", "social_care")
            if a != ind.agency and (a != "education" or 4 <= age <= 18)
        ]
        extra = min(len(others), 1 if rng.random() < 0.7 else 2, self._remaining)
        agencies = [ind.agency] if same_agency else rng.sample(others, extra)
        group = [ind.record]
        for agency in agencies:
            group.append(self._variant_record(ind, agency))
        self.truth.same_person.append(group)
        return group[1:]

    def _variant_record(self, ind: _Individual, agency: str) -> int:
        rng = self.rng
        given, family = ind.given, ind.family
        dob: date | None = ind.dob
        precision = "exact"
        address = ind.address
        changes = rng.sample(
            (
                "short_form",
                "spelling",
                "typo",
                "swap_day_month",
                "transpose",
                "surname",
                "moved",
                "no_dob",
                "approximate_dob",
                "no_postcode",
            ),
            rng.choice((1, 1, 2, 2, 3)),
        )
        for change in changes:
            if change == "short_form" and given in T.SHORT_FORMS:
                given = rng.choice(T.SHORT_FORMS[given])
            elif change == "spelling":
                if given in T.SPELLINGS:
                    given = rng.choice(T.SPELLINGS[given])
                elif family in T.SPELLINGS:
                    family = rng.choice(T.SPELLINGS[family])
            elif change == "typo":
                if rng.random() < 0.5:
                    given = _typo(given, rng)
                else:
                    family = _typo(family, rng)
            elif change == "swap_day_month" and dob and dob.day <= 12 and dob.day != dob.month:
                dob = date(dob.year, dob.day, dob.month)
            elif change == "transpose" and dob:
                dob = _transpose_day(dob)
            elif change == "surname":
                family = (
                    f"{family}-{_pick(rng, T.FAMILY[ind.origin])}"
                    if rng.random() < 0.3
                    else _pick(rng, T.FAMILY[ind.origin])
                )
            elif change == "moved":
                town = _pick_town(rng)
                address = self._address(town)
            elif change == "no_dob":
                dob = None
            elif change == "approximate_dob" and dob:
                dob, precision = date(dob.year, 7, 1), "approximate"
            elif change == "no_postcode":
                address = _Address(address.line_1, address.line_2, address.town, "")
        if dob and dob > self.as_of:
            dob = ind.dob  # a keying error cannot put a birth in the future: no record takes it
        home = self._location(agency, "home", address)
        record = self._person(
            ind, agency, given=given, family=family, dob=dob, precision=precision, home=home
        )
        self._link(agency, "lives_at", ("person", record), ("location", home), "Address on record")
        return record

    # --- Background events ----------------------------------------------------------------

    def _background_events(
        self, agency: str, town: T.Town, members: list[_Individual], home: int
    ) -> None:
        """What agencies record about ordinary households over two years: mostly nothing to
        do with exploitation (attendance, A&E visits, neighbour disputes, burglaries), and a
        few concerns that look like warning signs but are not (noise for screening)."""
        rng = self.erng
        count = rng.choices((0, 1, 2, 3, 4), (52, 25, 12, 7, 4))[0]
        children = [m for m in members if age_on(m.dob, self.as_of) < 18]
        adults = [m for m in members if m not in children]
        for _ in range(count):
            day = self._window_start + timedelta(days=rng.randint(0, WINDOW_DAYS - 1))
            template = rng.choices(_BACKGROUND, [t[0] for t in _BACKGROUND])[0]
            _, event_type, owner, who, summary, description, codes, place = template
            pool = children if who == "child" else adults if who == "adult" else members
            if not pool:
                continue
            subject = rng.choice(pool)
            role = "victim" if event_type == "crime_report" else "subject"
            people = [(subject.record, role)]
            if who == "child" and adults and rng.random() < 0.5:
                people.append((rng.choice(adults).record, "reporter"))
            locations: list[tuple[int, str]] = [(home, "occurred_at")]
            if place:
                locations = [(self._venue(town.name, place, rng), "occurred_at")]
            ended = None
            if event_type == "missing_episode":
                ended = _at(day, 23, 30) + timedelta(hours=rng.randint(2, 20))
                locations = [(home, "reported_from")]
            intelligence = None
            if event_type == "intelligence_report":
                intelligence = _grading(rng, description.format(name=subject.given))
            self._event(
                owner or agency,
                event_type,
                _at(day, rng.randint(8, 22), rng.choice((0, 10, 15, 30, 45))),
                summary.format(name=subject.given, town=town.name),
                people,
                description=description.format(name=subject.given),
                locations=locations,
                reference=_reference(event_type),
                ended_at=ended,
                codes=list(codes),
                intelligence=intelligence,
            )

    # --- Planted scenarios -----------------------------------------------------------------

    def _plant_scenarios(self) -> None:
        if self.target < SMALL_SET_MIN_PEOPLE:
            return
        if self.target < FULL_SET_MIN_PEOPLE:
            specs = [spec for spec in SCENARIOS if spec.size == "small"]
        else:
            sets = max(1, self.target // PEOPLE_PER_SCENARIO_SET)
            specs = [spec for _ in range(sets) for spec in SCENARIOS]
        for number, spec in enumerate(specs, start=1):
            _Planter(self, spec, f"N{number:03d}").plant()


class _Planter:
    """Plants one network: offenders and their associations, vehicles, phones and places; the
    children they exploit with their families; and the trail over months that such a case
    leaves in police, school, health and children's services records."""

    def __init__(self, area: AreaGenerator, spec: ScenarioSpec, network_id: str) -> None:
        self.area = area
        self.spec = spec
        self.rng = area.rng
        self.erng = area.erng
        self.net = Network(network_id, spec.type, spec.size)
        start_offset = self.rng.randint(240, WINDOW_DAYS - 10)
        self.start = area.as_of - timedelta(days=start_offset)
        self.end = area.as_of - timedelta(days=self.rng.randint(3, 45))
        self.town = _pick_town(self.rng)
        self.offenders: list[_Individual] = []
        self.victims: list[_Individual] = []
        self.placements: dict[int, tuple[int, str]] = {}  # victim record -> (location, label)
        self.places: list[int] = []
        self.vehicles: list[int] = []
        self.offender_phones: list[int] = []

    def day(self, fraction: float) -> date:
        span = (self.end - self.start).days
        return self.start + timedelta(days=int(span * min(max(fraction, 0.0), 1.0)))

    def plant(self) -> None:
        self._places()
        self._offenders()
        self._victims()
        self._network_events()
        area = self.area
        area.truth.networks.append(self.net)
        area.truth.victims.extend(self.net.victims)

    # Places the network uses: venues of the types in the spec, a 'party house' (a private
    # flat), and for organised networks a hotel in a town outside the force area.
    def _places(self) -> None:
        rng = self.rng
        area = self.area
        for premises_type in self.spec.places:
            self.places.append(area._venue(self.town.name, premises_type, rng))
        if self.spec.party_house:
            address = area._address(self.town)
            flat = area._location("police", "party_house", address, "Flat used for 'parties'")
            area._venue_names[flat] = f"a flat at {address.line_1}"
            self.places.append(flat)
        if self.spec.out_of_area:
            other = rng.choice([t for t in T.TOWNS if not t.in_area])
            self.places.append(area._venue(other.name, "hotel", rng))
            self.away_town = other.name
        else:
            self.away_town = rng.choice([t.name for t in T.TOWNS if t.in_area and t != self.town])
        self.net.locations = list(dict.fromkeys(self.places))

    def _offenders(self) -> None:
        rng, area, spec = self.rng, self.area, self.spec
        lo, hi = spec.offender_ages
        for i in range(spec.offenders):
            town = self.town if not spec.out_of_area or i % 3 else rng.choice(T.TOWNS)
            address = area._address(town, fresh=True)
            home = area._location("police", "home", address)
            gender = spec.offender_gender if i == 0 else "male"
            ind = area._individual(
                gender, rng.randint(lo, hi), _pick(rng, T.ORIGIN_TABLE), address, home, "police"
            )
            ind.phone_object, ind.phone = area._phone("police")
            flags = ["suspect"] if (spec.crime_report or rng.random() < 0.6) else []
            record = area._person(ind, "police", flags=flags)
            self.offenders.append(ind)
            self.net.offenders.append(record)
            self.net.phones.append(ind.phone_object)
            self.offender_phones.append(ind.phone_object)
            area._link(
                "police",
                "lives_at",
                ("person", record),
                ("location", home),
                "Custody record",
                self.start - timedelta(days=400),
            )
            area._link(
                "police",
                "uses_phone",
                ("person", record),
                ("object", ind.phone_object),
                "Phone seized on arrest" if flags else "Subscriber check",
                self.start,
                self.end,
            )
            if rng.random() < 0.55 or (spec.type in ("gang_associated", "organised_network")):
                street = rng.choice(T.STREET_NAMES)
                area._name(record, "police", "nickname", street, "", "Intelligence report")
            if spec.accounts:
                account = area._account("police", ind.given, rng)
                area._link(
                    "police",
                    "uses_account",
                    ("person", record),
                    ("object", account),
                    "Open source check",
                    self.start,
                    self.end,
                )
                self.net.accounts.append(account)
            # Police hold a second record of some offenders under a variant name or date of
            # birth (an alias, or a different spelling on a later arrest).
            if age_on(ind.dob, area.as_of) >= 18:
                area._maybe_duplicate(ind, chance=0.3, same_agency=True)
        offenders = [o.record for o in self.offenders]
        # Associations: a ring through the group, plus its organiser to everyone.
        for a, b in pairwise(offenders):
            area._link(
                "police",
                "associate_of",
                ("person", a),
                ("person", b),
                "Stop checks and intelligence",
                self.start,
                self.end,
            )
        if spec.type == "organised_network":
            for other in offenders[2:]:
                area._link(
                    "police",
                    "associate_of",
                    ("person", offenders[0]),
                    ("person", other),
                    "Call data",
                    self.start,
                    self.end,
                )
        if spec.shared_phone and len(offenders) >= 2:
            phone, _ = area._phone("police")
            for person in offenders[: max(2, len(offenders) // 2)]:
                area._link(
                    "police",
                    "uses_phone",
                    ("person", person),
                    ("object", phone),
                    "Call data: handset shared between several users",
                    self.start,
                    self.end,
                )
            self.net.phones.append(phone)
            self.offender_phones.append(phone)
        for n in range(spec.vehicles):
            car = area._vehicle("police", rng)
            driver = offenders[n % len(offenders)]
            area._link(
                "police",
                "drives_vehicle",
                ("person", driver),
                ("object", car),
                "ANPR and stop checks",
                self.start,
                self.end,
            )
            self.vehicles.append(car)
            self.net.vehicles.append(car)
        # Where organised offenders work: the takeaway, the taxi rank, the hotel.
        work_places = {
            loc for loc in self.places if loc in area._venue_ids_of(("takeaway", "taxi_rank"))
        }
        for n, person in enumerate(offenders[1:]):
            if spec.type == "organised_network" and work_places and n % 2 == 0:
                place = sorted(work_places)[n % len(work_places)]
                area._link(
                    "police",
                    "works_at",
                    ("person", person),
                    ("location", place),
                    "Licensing records",
                    self.start - timedelta(days=300),
                )
        for place in self.places:
            area._link(
                "police",
                "seen_at",
                ("person", rng.choice(offenders)),
                ("location", place),
                "Patrol sightings",
                self.start,
                self.end,
            )

    def _victims(self) -> None:
        rng, area, spec = self.rng, self.area, self.spec
        friends_of: list[_Individual] = []
        pets = {
            "female": rng.sample(T.PET_NAMES_FEMALE, len(T.PET_NAMES_FEMALE)),
            "male": rng.sample(T.PET_NAMES_MALE, len(T.PET_NAMES_MALE)),
        }
        for index, profile in enumerate(spec.victims):
            victim = self._victim_household(profile)
            self.victims.append(victim)
            self.net.victims.append(victim.record)
            pet = pets[victim.gender].pop()
            area._name(
                victim.record,
                victim.agency,
                "nickname",
                pet,
                "",
                "Friends, per school safeguarding lead",
            )
            area.truth.nicknames[victim.record] = pet
            # The child's own phone, sometimes bought by an offender, in contact with theirs.
            phone, number = area._phone(victim.agency)
            victim.phone = number
            area._link(
                victim.agency,
                "uses_phone",
                ("person", victim.record),
                ("object", phone),
                "Disclosed by the child's carer",
                self.day(0.2),
            )
            if spec.type != "peer_on_peer":
                area._link(
                    "police",
                    "called",
                    ("object", phone),
                    ("object", rng.choice(self.offender_phones)),
                    "Call data",
                    self.day(0.2),
                    self.day(0.9),
                )
            if spec.accounts:
                account = area._account(victim.agency, victim.given, rng)
                area._link(
                    victim.agency,
                    "uses_account",
                    ("person", victim.record),
                    ("object", account),
                    "Screenshots shown by a friend",
                )
            # Links to the offenders.
            offender = self.offenders[index % len(self.offenders)]
            if spec.type in ("boyfriend_model", "inappropriate_relationship"):
                area._link(
                    "police",
                    "partner_of",
                    ("person", victim.record),
                    ("person", self.offenders[0].record),
                    "Disclosure to a residential worker",
                    self.day(0.1),
                    self.day(0.9),
                )
            area._link(
                "police",
                "seen_with",
                ("person", victim.record),
                ("person", offender.record),
                "Patrol sightings",
                self.day(0.3),
                self.day(0.8),
            )
            if index:
                area._link(
                    victim.agency,
                    "associate_of",
                    ("person", victim.record),
                    ("person", self.victims[index - 1].record),
                    "School safeguarding lead",
                    self.day(0.0),
                )
            # Other agencies' records of the same child (the school's, the GP's).
            area._maybe_duplicate(victim, chance=1.0)
            self._warning_signs(victim)
            self._missing_episodes(victim)
            if index == 0 and len(spec.victims) >= 2:
                friends_of.append(victim)
        # A friend of the victims, seen once with an offender, not (yet) a victim: at risk.
        for victim in friends_of:
            self._friend_at_risk(victim)

    def _victim_household(self, profile: VictimProfile) -> _Individual:
        """The child, their mother and any siblings at home (siblings of a victim are at
        increased risk: guidance, 'families'), and a placement if they are in care."""
        rng, area = self.rng, self.area
        origin = _pick(rng, T.ORIGIN_TABLE)
        in_care = rng.random() < self.spec.in_care_share
        agency = "social_care" if in_care else rng.choice(("police", "education", "social_care"))
        address = area._address(self.town, fresh=True)
        home = area._location(agency, "home", address)
        age = rng.randint(profile.min_age, profile.max_age)
        victim = area._individual(profile.gender, age, origin, address, home, agency)
        mother = area._individual(
            "female", age + rng.randint(18, 32), origin, address, home, agency, family=victim.family
        )
        siblings = [
            area._individual(
                rng.choice(("female", "male")),
                max(0, age + rng.randint(-6, 4)),
                origin,
                address,
                home,
                agency,
                family=victim.family,
            )
            for _ in range(rng.choice((0, 1, 1, 2)))
        ]
        flags = ["in_care"] if in_care else []
        if self.spec.crime_report:
            flags.append("victim")
        area._person(victim, agency, flags=flags)
        area._person(mother, agency)
        for sibling in siblings:
            area._person(sibling, agency)
            area.truth.at_risk.append(sibling.record)
            area._link(
                agency,
                "sibling_of",
                ("person", victim.record),
                ("person", sibling.record),
                "Children's services records",
            )
            area._link(
                agency,
                "parent_of",
                ("person", mother.record),
                ("person", sibling.record),
                "Children's services records",
            )
            area._link(
                agency,
                "lives_at",
                ("person", sibling.record),
                ("location", home),
                "Address on record",
            )
        area._link(
            agency,
            "parent_of",
            ("person", mother.record),
            ("person", victim.record),
            "Children's services records",
        )
        area._link(
            agency, "lives_at", ("person", mother.record), ("location", home), "Address on record"
        )
        if in_care:
            out_of_area = rng.random() < 0.4
            town = rng.choice([t for t in T.TOWNS if not t.in_area]) if out_of_area else self.town
            kind = "childrens_home" if rng.random() < 0.7 else "foster_placement"
            placement = area._venue(town.name, kind, rng)
            label = area._venue_names.get(placement, "placement")
            self.placements[victim.record] = (placement, label)
            area._link(
                "social_care",
                "placed_at",
                ("person", victim.record),
                ("location", placement),
                "Placement record",
                self.start - timedelta(days=rng.randint(30, 400)),
            )
        else:
            self.placements[victim.record] = (home, "home")
            area._link(
                agency,
                "lives_at",
                ("person", victim.record),
                ("location", home),
                "Address on record",
            )
        if 4 <= age <= 16:
            school = area._venue(self.town.name, "school", rng)
            area._link(
                agency, "attends", ("person", victim.record), ("location", school), "School census"
            )
        return victim

    def _friend_at_risk(self, victim: _Individual) -> None:
        rng, area = self.rng, self.area
        age = age_on(victim.dob, area.as_of)
        address = area._address(self.town, fresh=True)
        home = area._location("education", "home", address)
        friend = area._individual(
            rng.choice(("female", "female", "male")),
            age,
            _pick(rng, T.ORIGIN_TABLE),
            address,
            home,
            "education",
        )
        area._person(friend, "education")
        area._link(
            "education",
            "lives_at",
            ("person", friend.record),
            ("location", home),
            "Address on record",
        )
        area._link(
            "education",
            "associate_of",
            ("person", friend.record),
            ("person", victim.record),
            "School safeguarding lead",
            self.day(0.5),
        )
        area.truth.at_risk.append(friend.record)
        offender = rng.choice(self.offenders)
        place_name = area._venue_names.get(self.places[0], "the town centre")
        area._event(
            "police",
            "concern",
            _at(self.day(0.7), 21, 40),
            f"{friend.given} seen with {victim.given} and an adult male at night",
            [(friend.record, "subject"), (victim.record, "victim"), (offender.record, "suspect")],
            description=f"Patrol saw {friend.given} ({age}) with {victim.given} and "
            f"{offender.given} {offender.family} near {place_name}.",
            locations=[(self.places[0], "occurred_at")],
            codes=["WS-FAM-RISKY-ADULTS"],
            reference="CON/{id}",
        )

    def _record_for(self, victim: _Individual, agency: str) -> int:
        """The record the agency holds of the child: its own if it has one (so a GP's concern
        sits on the health record and only linkage joins it to the police one)."""
        record = victim.records.get(agency, victim.record)
        return victim.record if record in self.area._undated else record

    def _warning_signs(self, victim: _Individual) -> None:
        rng, area = self.erng, self.area
        core, extra = TYPE_SIGNS[self.spec.type]
        codes = list(core) + rng.sample(extra, rng.choice((1, 2)))
        area.truth.warning_signs[victim.record] = sorted(codes)
        words = _pronouns(victim.gender)
        offender = self.offenders[0]
        partner = "girlfriend" if offender.gender == "female" else "boyfriend"
        for n, code in enumerate(codes):
            sign = SIGN_EVENTS[code]
            fraction = 0.1 + 0.8 * n / len(codes) + rng.uniform(-0.08, 0.08)
            when = _at(self.day(fraction), rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
            place = rng.choice(self.places)
            fill = {
                "name": victim.given,
                "partner": partner,
                "town": self.away_town,
                "place": area._venue_names.get(place, "a flat"),
                **words,
            }
            description = sign.description.format(**fill)
            summary = sign.summary.format(**fill)
            record = self._record_for(victim, sign.agency)
            people = [(record, "victim")]
            # An agency writes on a record it can see: its own, or (police) any standard one;
            # otherwise the concern reaches the records through the child's lead agency.
            agency = sign.agency
            if record == victim.record and agency not in ("police", victim.agency):
                agency = victim.agency
            locations = []
            if code in ("WS-FAM-RISKY-ADULTS", "WS-FAM-FOUND-AWAY-FROM-AREA"):
                locations = [(place, "occurred_at")]
            area._event(
                agency,
                "concern",
                when,
                summary[:1].upper() + summary[1:],
                people,
                description=description[:1].upper() + description[1:],
                locations=locations,
                codes=[code],
                reference="CON/{id}",
            )
        # A referral to the MASH once concerns build up, naming siblings as at risk too.
        area._event(
            rng.choice(("education", "police")),
            "referral",
            _at(self.day(0.55), 10, 0),
            "Referral to MASH: child sexual exploitation concerns",
            [(victim.record, "victim")],
            description=f"Concerns about {victim.given}: "
            + "; ".join(self.area._taxonomy.get(code).label.lower() for code in codes[:3])
            + ".",
            reference="REF/{id}",
        )

    def _missing_episodes(self, victim: _Individual) -> None:
        rng, area, spec = self.erng, self.area, self.spec
        count = rng.randint(*spec.missing_episodes)
        area.truth.missing_episodes[victim.record] = count
        placement, label = self.placements[victim.record]
        for n in range(count):
            start = _at(
                self.day(0.25 + 0.7 * n / max(count, 1)),
                rng.randint(18, 23),
                rng.choice((0, 20, 40)),
            )
            found = start + timedelta(hours=rng.randint(5, 52))
            place = self.places[n % len(self.places)]
            place_name = area._venue_names.get(place, "a flat")
            people = [(victim.record, "victim")]
            objects: list[tuple[int, str]] = []
            with_whom = ""
            if rng.random() < 0.5:
                offender = rng.choice(self.offenders)
                people.append((offender.record, "found_with"))
                with_whom = f" with {offender.given} {offender.family}"
            if self.vehicles and rng.random() < 0.4:
                objects.append((rng.choice(self.vehicles), "travelled_in"))
            area._event(
                "police",
                "missing_episode",
                start,
                f"Missing from {'home' if label == 'home' else label}",
                people,
                description=f"Reported missing by {'mother' if label == 'home' else 'carers'}; "
                f"found {found:%d/%m %H:%M} at {place_name}{with_whom}.",
                objects=objects,
                locations=[(placement, "reported_from"), (place, "found_at")],
                reference="MIS/{id}",
                ended_at=found,
            )

    def _network_events(self) -> None:
        """Stop checks of the network's vehicles with a child inside, incidents at each place,
        graded intelligence on the offenders and, for some, a crime report."""
        rng, area, spec = self.erng, self.area, self.spec
        for n, car in enumerate(self.vehicles):
            victim = self.victims[n % len(self.victims)]
            driver = self.offenders[n % len(self.offenders)]
            place = self.places[n % len(self.places)]
            age = age_on(victim.dob, area.as_of)
            area._event(
                "police",
                "stop_check",
                _at(self.day(0.4 + 0.1 * n), rng.randint(21, 23), rng.choice((5, 25, 50))),
                f"Vehicle stop: {'girl' if victim.gender == 'female' else 'boy'} of about "
                f"{age} in the car with an adult",
                [(victim.record, "victim"), (driver.record, "suspect")],
                description=f"Vehicle stopped near {area._venue_names.get(place, 'a flat')}; "
                f"driver {driver.given} {driver.family}. {victim.given} in the passenger seat, "
                "gave a false name at first. Returned home.",
                objects=[(car, "travelled_in")],
                locations=[(place, "occurred_at")],
                reference="SC/{id}",
            )
        for n, place in enumerate(self.places):
            victim = self.victims[n % len(self.victims)]
            offender = self.offenders[n % len(self.offenders)]
            area._event(
                "police",
                "incident",
                _at(self.day(0.5 + 0.05 * n), rng.randint(19, 23), 0),
                f"Staff concerned: young person with older males at "
                f"{area._venue_names.get(place, 'a flat')}",
                [(victim.record, "victim"), (offender.record, "suspect")],
                description="Caller reports a child who looked about "
                f"{age_on(victim.dob, area.as_of)} with adult males; police attended.",
                locations=[(place, "occurred_at")],
                reference="INC/{id}",
            )
        reports = {"small": 1, "medium": 2, "large": 3}[spec.size]
        for n in range(reports):
            subjects = rng.sample(self.offenders, min(len(self.offenders), 1 + n))
            victim = rng.choice(self.victims)
            place = rng.choice(self.places)
            first = subjects[0]
            text = (
                f"Source reports that {first.given} {first.family} meets "
                f"{'children' if len(self.victims) > 1 else 'a child'} at "
                f"{area._venue_names.get(place, 'a flat')} and gives them alcohol and cannabis; "
                f"{victim.given} has been seen there late at night."
            )
            grading = _grading(rng, text)
            area._event(
                "police",
                "intelligence_report",
                _at(self.day(0.6 + 0.1 * n), 9, 30),
                f"{first.given} {first.family} meeting children at "
                f"{area._venue_names.get(place, 'a flat')}",
                [(s.record, "subject") for s in subjects] + [(victim.record, "subject")],
                objects=[(obj, "seen") for obj in self.vehicles[:1] + self.offender_phones[:1]],
                locations=[(place, "occurred_at")],
                intelligence=grading,
                reference="IR/{id}",
                access_level="restricted" if grading.handling_code == "C" else "standard",
            )
        if spec.crime_report:
            area._event(
                "police",
                "crime_report",
                _at(self.day(0.95), 14, 0),
                f"Crime report: {spec.crime_report}",
                [(v.record, "victim") for v in self.victims]
                + [(o.record, "suspect") for o in self.offenders],
                description="Investigation opened after disclosures by the children.",
                locations=[(place, "occurred_at") for place in self.places[:2]],
                reference="CR/{id}",
            )


# --- Pure helpers -----------------------------------------------------------------------------

_TOWN_TABLE = T.Table(
    tuple(t.name for t in T.TOWNS if t.in_area),
    tuple(accumulate(t.share for t in T.TOWNS if t.in_area)),
)
_TOWNS_BY_NAME = {t.name: t for t in T.TOWNS}


def _pick_town(rng: random.Random) -> T.Town:
    return _TOWNS_BY_NAME[_pick(rng, _TOWN_TABLE)]


def _given_table(ind: _Individual) -> tuple[str, str, str]:
    cohort = "young" if ind.dob.year >= 1995 else "old"
    key = (ind.origin, ind.gender, cohort)
    return key if key in T.GIVEN else (ind.origin, ind.gender, "")


def _pronouns(gender: str) -> dict[str, str]:
    if gender == "male":
        return {"they": "he", "them": "him", "their": "his"}
    return {"they": "she", "them": "her", "their": "her"}


def _typo(word: str, rng: random.Random) -> str:
    """One keying error: two letters swapped, one dropped, one doubled or a vowel changed."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    kind = rng.randint(0, 3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    vowels = "aeiou"
    for j in range(i, len(word)):
        if word[j] in vowels:
            return word[:j] + rng.choice(vowels.replace(word[j], "")) + word[j + 1 :]
    return word[:i] + word[i] + word[i:]


def _transpose_day(dob: date) -> date:
    """12 -> 21: the day's digits keyed the wrong way round, when that is still a date."""
    day = f"{dob.day:02d}"
    try:
        return date(dob.year, dob.month, int(day[::-1]))
    except ValueError:
        return dob


def _nhs_number(key: int) -> str:
    """A 10-digit number with a valid modulus-11 check digit, starting 9 (not issued to
    patients in England), so it cannot be a real person's."""
    base = 900_000_000 + key % 100_000_000
    while True:
        digits = [int(d) for d in str(base)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{base}{check}"
        base += 1


def _upn(key: int, dob: date) -> str:
    """Unique Pupil Number: check letter, LA code, school number, year, serial (DfE)."""
    body = f"{870 + key % 9:03d}{1000 + key % 9000:04d}{(dob.year + 4) % 100:02d}{key % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, range(2, 14), strict=True))
    return _UPN_CHECK[total % 23] + body


def _pnc(key: int, dob: date) -> str:
    year = (dob.year + 16 + key % 10) % 100
    serial = key % 1_000_000
    return f"{year:02d}/{serial:06d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[(year * 1_000_000 + serial) % 23]}"


def _phone_number(k: int, seed: int) -> str:
    """A unique UK mobile number for the k-th object: an affine permutation of k over the
    10^8 numbers after a mobile prefix, so numbers never repeat and never look sequential."""
    n = (k * 7_777_777 + seed * 104_729) % 100_000_000
    prefix = ("074", "075", "077", "078", "079")[(k + seed) % 5]
    digits = f"{prefix}{n:08d}"
    return f"{digits[:5]} {digits[5:]}"


def _vrm(k: int, seed: int) -> str:
    """A unique current-format registration mark (AB12 CDE) for the k-th object."""
    radix = (len(T.VRM_REGIONS), len(T.VRM_LETTERS), 47, 24, 24, 24)
    space = 1
    for r in radix:
        space *= r
    n = (k * 1_000_003 + seed * 7_919) % space
    parts = []
    for r in reversed(radix):
        parts.append(n % r)
        n //= r
    r3, r2, r1, age, office, region = parts
    year = 2 + age if age < 23 else 51 + (age - 23)  # 02-24 (March) and 51-74 (September)
    return (
        f"{T.VRM_REGIONS[region]}{T.VRM_LETTERS[office]}{year:02d} "
        f"{T.VRM_RANDOM[r1]}{T.VRM_RANDOM[r2]}{T.VRM_RANDOM[r3]}"
    )


def _reference(event_type: str) -> str:
    prefix = {
        "concern": "CON",
        "incident": "INC",
        "intelligence_report": "IR",
        "stop_check": "SC",
        "missing_episode": "MIS",
        "referral": "REF",
        "crime_report": "CR",
    }[event_type]
    return f"{prefix}/{{id}}"


_GRADINGS = (
    ("2", "B", 30),
    ("2", "C", 25),
    ("1", "B", 10),
    ("3", "C", 10),
    ("1", "A", 5),
    ("2", "A", 10),
    ("3", "D", 5),
    ("1", "C", 5),
)


def _grading(rng: random.Random, text: str) -> IntelligenceRecord:
    source, assessment, _ = rng.choices(_GRADINGS, [g[2] for g in _GRADINGS])[0]
    code = "C" if rng.random() < 0.2 else "P"
    conditions = (
        "Not to be disclosed outside the CSE team without the source handler's agreement."
        if code == "C"
        else ""
    )
    return IntelligenceRecord(source, assessment, code, conditions, text)


# Background templates: (weight, type, owning agency or "" for the household's, who,
# summary, description, warning-sign codes, premises type of where it happened or "").
_BACKGROUND: tuple[tuple[int, str, str, str, str, str, tuple[str, ...], str], ...] = (
    (10, "concern", "education", "child", "Attendance below 90% this term",
     "{name} has missed days with illness notes; parents engaging with school.", (), ""),
    (4, "concern", "education", "child", "Truanting with friends",
     "{name} seen in town during school hours with classmates.", ("WS-EDU-TRUANCY",),
     "shopping_centre"),
    (6, "concern", "health", "any", "A&E attendance: sports injury",
     "{name} treated for a sprained wrist after football.", (), ""),
    (4, "concern", "health", "child", "GP: anxiety and low mood",
     "{name} seen by GP with exam stress; referred to school counsellor.",
     ("WS-EMO-MOOD-CHANGES",), ""),
    (3, "concern", "social_care", "child", "Parent asks for help with behaviour at home",
     "Parent reports arguments about screen time and curfew.", (), ""),
    (2, "concern", "", "child", "Staying out late with friends",
     "Parent reports {name} came home after 11pm twice this month; was at a friend's.",
     ("WS-FAM-MISSING-OR-LATE-HOME",), ""),
    (8, "incident", "police", "adult", "Neighbour dispute over parking",
     "Words exchanged; advice given to both parties.", (), ""),
    (5, "incident", "police", "child", "Youths causing annoyance in the park",
     "Group of teenagers moved on; names taken.", (), "park"),
    (3, "incident", "police", "child", "Shoplifting at the shopping centre",
     "{name} detained by security for theft of make-up; community resolution.",
     ("WS-EMO-PETTY-CRIME",), "shopping_centre"),
    (5, "incident", "police", "adult", "Domestic incident: verbal argument",
     "Verbal argument, no offences disclosed; DASH risk standard.", (), ""),
    (6, "stop_check", "police", "adult", "Vehicle stop: no insurance",
     "{name} stopped; vehicle seized under s165 Road Traffic Act 1988.", (), "car_park"),
    (4, "intelligence_report", "police", "adult", "Cannabis supplied from address",
     "Source reports {name} sells cannabis from the address to local adults.", (), ""),
    (2, "missing_episode", "police", "child", "Missing overnight, found at a friend's house",
     "{name} did not come home; found next morning at a school friend's house.", (), ""),
    (6, "crime_report", "police", "adult", "Burglary at home address",
     "Rear door forced; television and laptop taken.", (), ""),
    (3, "crime_report", "police", "adult", "Theft from motor vehicle",
     "Window smashed overnight; tools taken.", (), ""),
    (3, "referral", "", "child", "Referral to MASH: neglect concerns",
     "Concerns about home conditions and school uniform; early help offered.", (), ""),
    (3, "referral", "", "child", "Referral to MASH: domestic abuse in the household",
     "Child present during a domestic incident; Operation Encompass notification.", (), ""),
)  # fmt: skip
