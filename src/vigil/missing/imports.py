"""Import episodes from a force's missing-persons export (CSV; columns in
`vigil.core.missing.EXPORT_COLUMNS`, documented on the import page).

- Every row is validated, and every fault reported with its line and column.
- All or nothing per file: one bad row and nothing is stored.
- Idempotent: each episode carries the force's reference; a row whose reference was imported
  before is left alone, except that a return recorded since the last import is added.
- The same rules as the screens (`services.check_report`, `check_return`, the people
  services' field checks), applied to the whole file first and then stored in bulk through
  the people services' `*_many` functions: one audit entry per record written, about one
  query per row (benchmarks/missing.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from vigil.accounts.access import can_change_record, visible_records, works_with_cases
from vigil.accounts.services import carry_restriction, restricted_ids
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.identifiers import normalise_postcode, normalise_vrm
from vigil.core.missing import (
    CompanionData,
    ExportRow,
    PlaceData,
    RowError,
    parse_export,
    rhi_due_at,
    uk_time,
)
from vigil.errors import StaleVersionError
from vigil.missing import services
from vigil.missing.models import MissingEpisode, ReturnHomeInterview, RhiStatusChange, RiskGrading
from vigil.missing.together import refresh_together_links
from vigil.people import services as people_services
from vigil.people.models import (
    EventLocation,
    EventObject,
    EventPerson,
    EventType,
    IdentifierScheme,
    Link,
    Location,
    ObjectKind,
    Person,
    PersonIdentifier,
    PoleObject,
    PremisesType,
)
from vigil.people.services import (
    EventFields,
    LocationFields,
    NewEvent,
    NewLink,
    ObjectFields,
    PersonFields,
)


@dataclass
class ImportResult:
    filename: str
    rows: int = 0
    created: int = 0
    returns_added: int = 0
    unchanged: int = 0
    people_added: int = 0
    places_added: int = 0
    vehicles_added: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"{self.filename}: {len(self.errors)} problems found; nothing was imported"
        return (
            f"{self.filename}: {self.rows} rows; {self.created} episodes added, "
            f"{self.returns_added} returns added, {self.unchanged} already imported; "
            f"{self.people_added} people, {self.places_added} places and "
            f"{self.vehicles_added} vehicles added"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "returns_added": self.returns_added,
            "unchanged": self.unchanged,
            "people_added": self.people_added,
            "places_added": self.places_added,
            "vehicles_added": self.vehicles_added,
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


class _RollBack(Exception):
    """Raised to undo the whole file when any row failed."""


# Service-error fields that are not export columns are reported against the nearest column.
_FIELD_TO_COLUMN = {
    "reported_by_kind": "reported_by",
    "text": "account",
    "target": "found_with",
}
_CHUNK = 500  # rows per lookup query (well under SQLite's variable limit)


def _fold(text: str) -> str:
    return text.strip().casefold()


@dataclass(eq=False)
class _NewPerson:
    """A person the file names whom nobody can find yet: added when the file is stored."""

    given_names: str
    family_name: str
    date_of_birth: date | None
    pnc_id: str = ""
    person: Person | None = None

    @property
    def names(self) -> tuple[str, str]:
        return _fold(self.given_names), _fold(self.family_name)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


@dataclass(eq=False)
class _NewPlace:
    data: PlaceData
    postcode_key: str
    location: Location | None = None


@dataclass(eq=False)
class _NewVehicle:
    mark: str
    vehicle: PoleObject | None = None


PersonRef = Person | _NewPerson
PlaceRef = Location | _NewPlace
VehicleRef = PoleObject | _NewVehicle


def _person(ref: PersonRef) -> Person:
    found = ref.person if isinstance(ref, _NewPerson) else ref
    assert found is not None
    return found


def _place(ref: PlaceRef | None) -> Location | None:
    if ref is None:
        return None
    found = ref.location if isinstance(ref, _NewPlace) else ref
    assert found is not None
    return found


def _vehicle(ref: VehicleRef) -> PoleObject:
    found = ref.vehicle if isinstance(ref, _NewVehicle) else ref
    assert found is not None
    return found


@dataclass
class _Planned:
    """What one row will store, with the records it names resolved."""

    row: ExportRow
    child: PersonRef
    existing: MissingEpisode | None  # an episode imported before that now has a return
    missing_from: PlaceRef | None = None
    found_at: PlaceRef | None = None
    found_with: list[PersonRef] = field(default_factory=list)
    vehicles: list[VehicleRef] = field(default_factory=list)
    episode: MissingEpisode | None = None


class _Importer:
    """Validates every row against the services' rules while resolving the people, places and
    vehicles it names (one lookup per distinct name, place or mark, never per row), then stores
    the whole file in bulk: a file of thousands of rows costs a few queries per row, not
    hundreds."""

    def __init__(self, user: Any, result: ImportResult) -> None:
        self.user = user
        self.result = result
        self.detail = {"import": result.filename[:100]}
        self.new_people: list[_NewPerson] = []
        self._new_by_names: dict[tuple[str, str], list[_NewPerson]] = {}
        self._new_by_pnc: dict[str, _NewPerson] = {}
        self.new_places: list[_NewPlace] = []
        self.new_vehicles: dict[str, _NewVehicle] = {}
        self._people_found: dict[tuple[str, str, date | None], list[Person]] = {}
        self._places_found: dict[tuple[str, str, str], Location | None] = {}
        self._by_pnc: dict[str, list[Person]] = {}
        self._vehicles_found: dict[str, PoleObject] = {}
        self.pnc_to_add: dict[int, tuple[Person, str]] = {}
        # Built once: resolving the need-to-know filter is the dear part of each lookup.
        self._visible_people = visible_records(user, Person.objects.all())
        self._visible_places = visible_records(user, Location.objects.all())

    # -- looking up, in bulk where the file says what it needs ---------------------------------

    def prefetch(self, rows: Sequence[ExportRow]) -> dict[str, MissingEpisode]:
        """The episodes imported before, the people with the file's PNC IDs and the vehicles
        with its marks, the user can see: one query per 500 values."""
        existing: dict[str, MissingEpisode] = {}
        refs = sorted({row.external_reference for row in rows})
        for chunk in _chunks(refs):
            for episode in MissingEpisode.objects.filter(
                owning_agency_id=self.user.agency_id, external_reference__in=chunk
            ).select_related("child", "event"):
                existing[episode.external_reference] = episode
        pncs = sorted({row.child_pnc_id for row in rows if row.child_pnc_id})
        for chunk in _chunks(pncs):
            for identifier in PersonIdentifier.objects.filter(
                scheme=IdentifierScheme.PNC, value__in=chunk, person__in=self._visible_people
            ).select_related("person"):
                holders = self._by_pnc.setdefault(identifier.value, [])
                if identifier.person not in holders:
                    holders.append(identifier.person)
        marks = sorted({normalise_vrm(mark) for row in rows for mark in row.vehicles} - {""})
        for chunk in _chunks(marks):
            vehicles = PoleObject.objects.filter(kind=ObjectKind.VEHICLE, search_key__in=chunk)
            for vehicle in visible_records(self.user, vehicles).order_by("-id"):
                self._vehicles_found[vehicle.search_key] = vehicle  # lowest id wins
        return existing

    def child(self, row: ExportRow) -> PersonRef:
        if row.child_pnc_id:
            holders: list[PersonRef] = [*self._by_pnc.get(row.child_pnc_id, [])]
            if row.child_pnc_id in self._new_by_pnc:
                holders.append(self._new_by_pnc[row.child_pnc_id])
            if len(holders) > 1:
                raise ValidationError(
                    {"child_pnc_id": f"More than one person has PNC ID {row.child_pnc_id}"}
                )
            if holders:
                return holders[0]
        ref = self.person(
            CompanionData(row.child_given_names, row.child_family_name, row.child_date_of_birth),
            column="child_family_name",
        )
        if row.child_pnc_id:
            if isinstance(ref, _NewPerson):
                if not ref.pnc_id:
                    ref.pnc_id = row.child_pnc_id
                    self._new_by_pnc[ref.pnc_id] = ref
            else:
                self.pnc_to_add.setdefault(ref.pk, (ref, row.child_pnc_id))
        return ref

    def person(self, who: CompanionData, *, column: str) -> PersonRef:
        """The one person the user can see with these names (and date of birth, if given),
        found or added earlier in this file; or a new person."""
        key = (_fold(who.given_names), _fold(who.family_name), who.date_of_birth)
        if key not in self._people_found:
            matches = self._visible_people.filter(
                given_names__iexact=who.given_names.strip(),
                family_name__iexact=who.family_name.strip(),
            )
            if who.date_of_birth:
                matches = matches.filter(date_of_birth=who.date_of_birth)
            self._people_found[key] = list(matches.order_by("id")[:2])
        found: list[PersonRef] = [*self._people_found[key]]
        found += [
            n
            for n in self._new_by_names.get(key[:2], [])
            if who.date_of_birth is None or n.date_of_birth == key[2]
        ]
        if len(found) > 1:
            raise ValidationError(
                {
                    column: f"More than one person is called {who.given_names} "
                    f"{who.family_name}{'' if who.date_of_birth else ' (give a date of birth)'}"
                }
            )
        if found:
            return found[0]
        new = _NewPerson(who.given_names.strip(), who.family_name.strip(), who.date_of_birth)
        self.new_people.append(new)
        self._new_by_names.setdefault(new.names, []).append(new)
        return new

    def place(self, place: PlaceData | None) -> PlaceRef | None:
        if place is None:
            return None
        postcode_key = normalise_postcode(place.postcode) if place.postcode else ""
        key = (_fold(place.address), _fold(place.town), postcode_key)
        if key not in self._places_found:
            matches = self._visible_places.filter(
                address_line_1__iexact=place.address.strip(), town__iexact=place.town.strip()
            )
            if postcode_key:
                matches = matches.filter(postcode_key=postcode_key)
            self._places_found[key] = matches.order_by("id").first()
        existing = self._places_found[key]
        if existing is not None:
            return existing
        for new in self.new_places:
            same = (_fold(new.data.address), _fold(new.data.town)) == key[:2]
            if same and (not postcode_key or new.postcode_key == postcode_key):
                return new
        added = _NewPlace(place, postcode_key)
        self.new_places.append(added)
        return added

    def vehicle(self, mark: str) -> VehicleRef:
        key = normalise_vrm(mark)
        if key in self._vehicles_found:
            return self._vehicles_found[key]
        return self.new_vehicles.setdefault(key, _NewVehicle(mark))

    # -- checking every row --------------------------------------------------------------------

    def plan(
        self, rows: Sequence[ExportRow], existing: dict[str, MissingEpisode]
    ) -> list[_Planned]:
        """Resolve and check each row, oldest first, as the services would one by one
        (`episode_report` then `episode_record_return`); faults go to the row report."""
        plans: list[_Planned] = []
        open_now: dict[Any, list[tuple[datetime, str]]] = {}
        for row in rows:
            try:
                planned = self._plan_row(row, existing.get(row.external_reference), open_now)
            except ValidationError as error:
                self.result.errors.extend(_row_errors(row.line, error))
            except PermissionDenied as error:
                self.result.errors.append(RowError(row.line, "", str(error)))
            else:
                if planned is not None:
                    plans.append(planned)
        return plans

    def _still_open(
        self, child: PersonRef, open_now: dict[Any, list[tuple[datetime, str]]]
    ) -> list[tuple[datetime, str]]:
        key: Any = child.pk if isinstance(child, Person) else id(child)
        if key not in open_now:
            open_now[key] = (
                [
                    (episode.reported_missing_at, episode.ref)
                    for episode in MissingEpisode.objects.filter(
                        child=child, returned_at__isnull=True
                    ).only("pk", "reported_missing_at")
                ]
                if isinstance(child, Person)
                else []
            )
        return open_now[key]

    def _plan_row(
        self,
        row: ExportRow,
        episode: MissingEpisode | None,
        open_now: dict[Any, list[tuple[datetime, str]]],
    ) -> _Planned | None:
        if episode is not None:
            if row.returned_at is None or episode.returned_at is not None:
                self.result.unchanged += 1
                return None
            services.require_can_change(self.user, episode)
            planned = _Planned(row=row, child=episode.child, existing=episode)
            self._plan_return(planned, episode.reported_missing_at)
            still = self._still_open(episode.child, open_now)
            still[:] = [item for item in still if item[1] != episode.ref]
            self.result.returns_added += 1
            return planned
        services.check_report(
            reported_missing_at=row.reported_missing_at,
            reported_by_kind=row.reported_by,
            risk_level=row.risk_level,
            risk_reason=row.risk_reason,
            grading_officer=row.grading_officer,
        )
        child = self.child(row)
        still = self._still_open(child, open_now)
        earlier = [ref for at, ref in still if at <= row.reported_missing_at]
        if earlier:
            raise services.still_missing_error(child.full_name, earlier[0])
        planned = _Planned(
            row=row,
            child=child,
            existing=None,
            missing_from=self.place(row.missing_from),
        )
        if row.returned_at is not None:
            self._plan_return(planned, row.reported_missing_at)
        else:
            still.append((row.reported_missing_at, row.external_reference))
        self.result.created += 1
        return planned

    def _plan_return(self, planned: _Planned, reported_missing_at: datetime) -> None:
        row = planned.row
        assert row.returned_at is not None
        planned.found_at = self.place(row.found_at)
        planned.found_with = list(
            dict.fromkeys(self.person(who, column="found_with") for who in row.found_with)
        )
        planned.vehicles = list(dict.fromkeys(self.vehicle(mark) for mark in row.vehicles))
        if any(ref is planned.child for ref in planned.found_with):
            raise ValidationError({"found_with": "The child cannot be found with themselves"})
        services.check_return(
            child_id=planned.child.pk if isinstance(planned.child, Person) else -1,
            reported_missing_at=reported_missing_at,
            returned_at=row.returned_at,
            how_returned=row.how_returned,
            found_with=[ref for ref in planned.found_with if isinstance(ref, Person)],
        )

    # -- storing the whole file ----------------------------------------------------------------

    def store(self, plans: Sequence[_Planned]) -> None:
        self._add_people_places_vehicles()
        new_plans = [p for p in plans if p.existing is None]
        returns = [p for p in plans if p.row.returned_at is not None]
        self._add_episodes(new_plans)
        self._add_returns([p for p in plans if p.existing is not None])
        self._link_found(returns)
        self._open_interviews(returns)
        services.sync_missing_flags(self.user, {_person(p.child).pk for p in plans})

    def _add_people_places_vehicles(self) -> None:
        user, detail = self.user, self.detail
        people = people_services.people_create_many(
            acting_user=user,
            people=[
                PersonFields(
                    given_names=n.given_names,
                    family_name=n.family_name,
                    date_of_birth=n.date_of_birth,
                    date_of_birth_precision="exact" if n.date_of_birth else "unknown",
                    notes="Added by the missing-persons import.",
                )
                for n in self.new_people
            ],
            detail=detail,
        )
        for new, person in zip(self.new_people, people, strict=True):
            new.person = person
            if new.pnc_id:
                self.pnc_to_add[person.pk] = (person, new.pnc_id)
        self.result.people_added = len(people)
        self._add_pnc_ids({n.person.pk for n in self.new_people if n.person})
        places = people_services.locations_create_many(
            acting_user=user,
            locations=[
                LocationFields(
                    name=n.data.name,
                    premises_type=n.data.premises_type,
                    address_line_1=n.data.address,
                    town=n.data.town,
                    postcode=n.data.postcode,
                )
                for n in self.new_places
            ],
            detail=detail,
        )
        for new_place, location in zip(self.new_places, places, strict=True):
            new_place.location = location
        self.result.places_added = len(places)
        new_vehicles = list(self.new_vehicles.values())
        vehicles = people_services.objects_create_many(
            acting_user=user,
            objects=[ObjectFields(kind=ObjectKind.VEHICLE, vrm=n.mark) for n in new_vehicles],
            detail=detail,
        )
        for new_vehicle, vehicle in zip(new_vehicles, vehicles, strict=True):
            new_vehicle.vehicle = vehicle
        self.result.vehicles_added = len(vehicles)

    def _add_pnc_ids(self, new_people: set[int]) -> None:
        """The child's PNC ID, where the person has none yet (as `person_identifier_add`)."""
        known: set[int] = set()
        candidates = sorted(self.pnc_to_add)
        for chunk in _chunks(candidates):
            known.update(
                PersonIdentifier.objects.filter(
                    person_id__in=chunk, scheme=IdentifierScheme.PNC
                ).values_list("person_id", flat=True)
            )
        rows = []
        for pk in candidates:
            person, value = self.pnc_to_add[pk]
            if pk in known:
                continue
            identifier = PersonIdentifier(
                person=person,
                scheme=IdentifierScheme.PNC,
                value=value.strip().upper().replace(" ", ""),
                issuer="Missing-persons import",
                recorded_by_agency_id=self.user.agency_id,
            )
            identifier.full_clean(exclude=["person", "recorded_by_agency"])
            rows.append(identifier)
        PersonIdentifier.objects.bulk_create(rows, batch_size=500)
        # Adding an identifier to a record that existed before is a change to it.
        changed = sorted(row.person_id for row in rows if row.person_id not in new_people)
        for chunk in _chunks(changed):
            Person.objects.filter(pk__in=chunk).update(
                version=F("version") + 1, updated_by=self.user, updated_at=timezone.now()
            )
        audit_log_many(
            acting_user=self.user,
            action=Action.ALTERATION,
            objects=[("person", pk) for pk in changed],
            detail={**self.detail, "added": "identifier", "scheme": IdentifierScheme.PNC},
        )

    def _add_episodes(self, plans: Sequence[_Planned]) -> None:
        user = self.user
        events = []
        for p in plans:
            row = p.row
            child, missing_from, found_at = _person(p.child), _place(p.missing_from), None
            description = services.report_description(
                reported_by_kind=row.reported_by,
                reported_by_name=row.reported_by_name,
                risk_level=row.risk_level,
                risk_reason=row.risk_reason,
                grading_officer=row.grading_officer,
            )
            fields = EventFields(
                event_type=EventType.MISSING_EPISODE,
                occurred_at=row.reported_missing_at,
                summary=services.report_summary(missing_from),
                reference=row.external_reference,
                access_level="standard",
            )
            new = NewEvent(fields=fields, people=[(child, EventPerson.Role.SUBJECT)])
            if missing_from is not None:
                new.locations.append((missing_from, EventLocation.Role.REPORTED_FROM))
            if row.returned_at is not None:
                found_at = _place(p.found_at)
                description += "\n" + self._return_line(p)
                fields["ended_at"] = row.returned_at
                new.people += [(_person(r), EventPerson.Role.FOUND_WITH) for r in p.found_with]
                new.objects += [(_vehicle(v), EventObject.Role.TRAVELLED_IN) for v in p.vehicles]
                if found_at is not None:
                    new.locations.append((found_at, EventLocation.Role.FOUND_AT))
            fields["description"] = description
            events.append(new)
        created_events = people_services.events_create_many(
            acting_user=user, events=events, detail=self.detail
        )
        episodes = []
        for p, event in zip(plans, created_events, strict=True):
            row = p.row
            missing_from = _place(p.missing_from)
            episode = MissingEpisode(
                event=event,
                child=_person(p.child),
                reported_missing_at=row.reported_missing_at,
                reported_by_kind=row.reported_by,
                reported_by_name=row.reported_by_name.strip(),
                missing_from=missing_from,
                area=row.area.strip() or (missing_from.town if missing_from else ""),
                risk_level=row.risk_level,
                police_actions=row.police_actions.strip(),
                external_reference=row.external_reference.strip(),
                access_level="standard",
            )
            if row.returned_at is not None:
                self._set_return(episode, p)
            episodes.append(episode)
        saved = people_services.save_new_records(episodes, user, detail=self.detail)
        restricted = restricted_ids([episode.child for episode in saved])
        for p, episode in zip(plans, saved, strict=True):
            p.episode = episode
            if episode.child_id in restricted:  # as episode_report does, one by one
                carry_restriction(
                    acting_user=user, source=episode.child, records=[episode.event, episode]
                )
        RiskGrading.objects.bulk_create(
            [
                RiskGrading(
                    episode=episode,
                    risk_level=p.row.risk_level,
                    grading_officer=p.row.grading_officer.strip(),
                    reason=p.row.risk_reason.strip(),
                    graded_at=p.row.reported_missing_at,
                    recorded_by=user,
                )
                for p, episode in zip(plans, saved, strict=True)
            ],
            batch_size=500,
        )
        self._add_found(plans)

    def _return_line(self, p: _Planned) -> str:
        assert p.row.returned_at is not None
        return services.return_description(
            returned_at=p.row.returned_at,
            how_returned=p.row.how_returned,
            found_at=_place(p.found_at),
            found_with=[_person(r) for r in p.found_with],
            vehicles=[_vehicle(v) for v in p.vehicles],
        )

    def _set_return(self, episode: MissingEpisode, p: _Planned) -> None:
        row = p.row
        episode.returned_at = row.returned_at
        episode.how_returned = row.how_returned
        episode.found_at = _place(p.found_at)
        episode.injuries = row.injuries.strip()
        episode.intoxicated = row.intoxicated
        episode.account = row.account.strip()

    def _add_found(self, plans: Sequence[_Planned]) -> None:
        """The episodes' own "found with" people and vehicles."""
        with_rows, vehicle_rows = [], []
        through_people = MissingEpisode.found_with.through
        through_vehicles = MissingEpisode.vehicles.through
        for p in plans:
            assert p.episode is not None
            for who in p.found_with:
                with_rows.append(through_people(missingepisode=p.episode, person=_person(who)))
            for car in p.vehicles:
                vehicle_rows.append(
                    through_vehicles(missingepisode=p.episode, poleobject=_vehicle(car))
                )
        through_people.objects.bulk_create(with_rows, batch_size=500, ignore_conflicts=True)
        through_vehicles.objects.bulk_create(vehicle_rows, batch_size=500, ignore_conflicts=True)

    def _add_returns(self, plans: Sequence[_Planned]) -> None:
        """Returns of episodes imported before (as `episode_record_return`)."""
        if not plans:
            return
        locked = {
            e.pk: e
            for e in MissingEpisode.objects.select_for_update().filter(
                pk__in=[p.existing.pk for p in plans if p.existing]
            )
        }
        episodes, events = [], []
        people, objects, locations = [], [], []
        for p in plans:
            assert p.existing is not None
            episode = locked[p.existing.pk]
            if episode.returned_at is not None or episode.version != p.existing.version:
                raise StaleVersionError(expected=p.existing.version, current=episode)
            self._set_return(episode, p)
            p.episode = episode
            episodes.append(episode)
            event = p.existing.event
            event.ended_at = p.row.returned_at
            event.description = f"{event.description}\n{self._return_line(p)}"
            events.append(event)
            people += [(event, _person(r), EventPerson.Role.FOUND_WITH) for r in p.found_with]
            objects += [(event, _vehicle(v), EventObject.Role.TRAVELLED_IN) for v in p.vehicles]
            found_at = _place(p.found_at)
            if found_at is not None:
                locations.append((event, found_at, EventLocation.Role.FOUND_AT))
        people_services.save_changes_many(
            episodes,
            self.user,
            fields=[
                "returned_at",
                "how_returned",
                "found_at",
                "injuries",
                "intoxicated",
                "account",
            ],
            detail={**self.detail, "returned": True},
        )
        people_services.save_changes_many(
            events, self.user, fields=["ended_at", "description"], detail=self.detail
        )
        people_services.add_participants_many(self.user, people, objects, locations)
        self._add_found(plans)

    def _link_found(self, plans: Sequence[_Planned]) -> None:
        """One link per child, type and record, its dates widened and its notes naming each
        episode (as the return service's `_link_found`)."""
        wanted: dict[tuple[int, str, str, int], tuple[Person, Any, list[tuple[date, str]]]] = {}
        for p in plans:
            assert p.episode is not None and p.row.returned_at is not None
            child = _person(p.child)
            day = uk_time(p.row.returned_at).date()
            source = services.found_link_source(p.episode)
            found_at = _place(p.found_at)
            targets: list[tuple[str, Any]] = [("found_with", _person(r)) for r in p.found_with]
            targets += [("found_at", found_at)] if found_at is not None else []
            targets += [("travelled_in", _vehicle(v)) for v in p.vehicles]
            for link_type, target in targets:
                kind = people_services.entity_kind(target)
                key = (child.pk, link_type, kind, target.pk)
                wanted.setdefault(key, (child, target, []))[2].append((day, source))
        existing: dict[tuple[int, str, str, int], Link] = {}
        children = sorted({key[0] for key in wanted})
        for chunk in _chunks(children):
            candidates = Link.objects.filter(
                from_person_id__in=chunk, link_type__in=["found_with", "found_at", "travelled_in"]
            )
            for found in visible_records(self.user, candidates).order_by("-id"):
                kind = next(
                    k for k in ("person", "object", "location") if getattr(found, f"to_{k}_id")
                )
                target_id: int = getattr(found, f"to_{kind}_id")
                known = (found.from_person_id or 0, found.link_type, kind, target_id)
                if known in wanted:
                    existing[known] = found  # lowest id wins
        widened, new_links = [], []
        for key, (child, target, seen) in wanted.items():
            days = [day for day, _ in seen]
            link = existing.get(key)
            if link is not None and can_change_record(self.user, link):
                link.first_seen = min(filter(None, [link.first_seen, *days]))
                link.last_seen = max(filter(None, [link.last_seen, *days]))
                link.notes = "\n".join(filter(None, [link.notes, *(s for _, s in seen)]))
                widened.append(link)
                continue
            new_links.append(
                NewLink(
                    link_type=key[1],
                    source_entity=child,
                    target_entity=target,
                    source=seen[0][1],
                    first_seen=min(days),
                    last_seen=max(days),
                    notes="\n".join(s for _, s in seen),
                )
            )
        people_services.save_changes_many(
            widened, self.user, fields=["first_seen", "last_seen", "notes"], detail=self.detail
        )
        people_services.links_create_many(
            acting_user=self.user, links=new_links, detail=self.detail
        )

    def _open_interviews(self, plans: Sequence[_Planned]) -> None:
        """A return home interview for each return, due 72 elapsed hours after it."""
        interviews, changes = [], []
        for p in plans:
            assert p.episode is not None and p.row.returned_at is not None
            interview = ReturnHomeInterview(
                episode=p.episode,
                due_at=rhi_due_at(p.row.returned_at),
                status="due",
                updated_by=self.user,
            )
            interviews.append(interview)
            changes.append(
                RhiStatusChange(
                    interview=interview, status="due", at=p.row.returned_at, recorded_by=self.user
                )
            )
        created = ReturnHomeInterview.objects.bulk_create(interviews, batch_size=500)
        RhiStatusChange.objects.bulk_create(changes, batch_size=500)
        audit_log_many(
            acting_user=self.user,
            action=Action.COLLECTION,
            objects=[("returnhomeinterview", interview.pk) for interview in created],
            detail=self.detail,
        )


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def import_missing_export(
    *, acting_user: Any, text: str, filename: str, now: datetime | None = None
) -> ImportResult:
    """Validate the whole file, then store it in one transaction, or store nothing."""
    if not works_with_cases(acting_user):
        raise PermissionDenied("You cannot import case records.")
    result = ImportResult(filename=filename)
    parsed = parse_export(text, premises_types=PremisesType.values, now=now or timezone.now())
    result.rows = parsed.row_count
    if parsed.errors:
        result.errors = parsed.errors
        return result
    importer = _Importer(acting_user, result)
    # Oldest first, so a child's earlier episode is closed before a later one opens.
    rows = sorted(parsed.rows, key=lambda r: (r.reported_missing_at, r.line))
    try:
        with transaction.atomic():
            plans = importer.plan(rows, importer.prefetch(rows))
            if result.errors:
                raise _RollBack
            try:
                importer.store(plans)
                refresh_together_links(p.episode.pk for p in plans if p.episode is not None)
            except ValidationError as error:  # a rule only the stored batch can break
                result.errors.extend(_row_errors(0, error))
                raise _RollBack from error
            audit_log(
                acting_user=acting_user,
                action=Action.COLLECTION,
                object_type="missing_import",
                object_id=filename[:100],
                detail={k: v for k, v in result.to_dict().items() if k != "errors"},
            )
    except _RollBack:
        result.errors.sort(key=lambda e: (e.line, e.column))
        result.created = result.returns_added = result.unchanged = 0
        result.people_added = result.places_added = result.vehicles_added = 0
    return result


def _row_errors(line: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(line, _FIELD_TO_COLUMN.get(name, name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(line, "", message) for message in error.messages]
