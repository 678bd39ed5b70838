"""Every write to the POLE store. Each function takes `acting_user`, runs in one transaction,
validates with `full_clean()` before saving and writes its audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypedDict, TypeVar, Unpack, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from vigil.accounts.access import (
    can_change_record,
    can_see_record,
    visible_records,
    works_with_cases,
)
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.identifiers import (
    format_postcode,
    format_vrm,
    is_plausible_phone,
    is_valid_postcode,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
)
from vigil.core.links import check_link
from vigil.core.names import name_keys
from vigil.errors import StaleVersionError
from vigil.people.models import (
    CaseRecord,
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    EventType,
    IntelligenceReport,
    Link,
    Location,
    NameKey,
    ObjectKind,
    Person,
    PersonFlag,
    PersonIdentifier,
    PersonName,
    PersonNameIndex,
    PoleObject,
)
from vigil.people.name_index import document

R = TypeVar("R", bound=CaseRecord)
Entity = Person | PoleObject | Location


def _require_can_add(acting_user: Any) -> None:
    if not works_with_cases(acting_user):
        raise PermissionDenied("You cannot add case records.")


def _require_can_change(acting_user: Any, record: CaseRecord) -> None:
    if not can_change_record(acting_user, record):
        raise PermissionDenied("You cannot change this record.")


def _require_can_see(acting_user: Any, record: CaseRecord) -> None:
    if not can_see_record(acting_user, record):
        raise PermissionDenied("You cannot see one of the records you linked.")


def _require_can_see_all(acting_user: Any, records: Iterable[CaseRecord]) -> None:
    """`_require_can_see` for many records: one query per record type."""
    by_model: dict[type[CaseRecord], set[int]] = {}
    for record in records:
        by_model.setdefault(type(record), set()).add(record.pk)
    for model, pks in by_model.items():
        seen: set[int] = set()
        chunk = sorted(pks)
        for start in range(0, len(chunk), 500):
            queryset = model._default_manager.filter(pk__in=chunk[start : start + 500])
            seen.update(visible_records(acting_user, queryset).values_list("pk", flat=True))
        if seen != pks:
            raise PermissionDenied("You cannot see one of the records you linked.")


def save_new_record(record: R, acting_user: Any) -> R:
    """Store a new case record: the user's agency owns it, version 1, validated with
    `full_clean()`, and a collection entry in the audit log. Call inside the service's
    transaction after its own checks (who may add, what the fields mean)."""
    record.owning_agency_id = acting_user.agency_id
    record.created_by = acting_user
    record.updated_by = acting_user
    record.version = 1
    record.full_clean()
    record.save()
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type=record._meta.model_name or "",
        object_id=record.pk,
    )
    _records_changed(acting_user, record)
    return record


def save_changes(
    record: R, *, acting_user: Any, expected_version: int, changes: dict[str, Any]
) -> R:
    """Apply `changes` if nobody has changed the record since `expected_version` (else
    `StaleVersionError`, changing nothing): checks the user may change it, locks the row,
    validates, bumps the version and logs an alteration naming the changed fields. Unchanged
    values write nothing."""
    _require_can_change(acting_user, record)
    current = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if current.version != expected_version:
        raise StaleVersionError(expected=expected_version, current=current)
    changed = sorted(name for name, value in changes.items() if getattr(current, name) != value)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    if not changed:
        return current
    current.version += 1
    current.updated_by = acting_user
    current.save()
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type=current._meta.model_name or "",
        object_id=current.pk,
        detail={"fields": changed, "version": current.version},
    )
    _records_changed(acting_user, current)
    return current


def _held_relations(record: CaseRecord) -> list[str]:
    """The record's relations that already point at a row (we hold the object, fetched or
    created in this transaction), so checking that each exists would only repeat a query."""
    return [
        f.name
        for f in record._meta.concrete_fields
        if f.is_relation and getattr(record, f.attname) is not None
    ]


def save_new_records(records: Sequence[R], acting_user: Any, *, detail: dict[str, Any]) -> list[R]:
    """`save_new_record` for many records of one type at once (imports): the same ownership,
    version and field validation, one insert per 500 records and one collection entry per
    record (with `detail`, e.g. which file). The database checks the constraints; the caller
    has checked what a user needs told row by row."""
    if not records:
        return []
    for record in records:
        record.owning_agency_id = acting_user.agency_id
        record.created_by = acting_user
        record.updated_by = acting_user
        record.version = 1
        record.full_clean(exclude=_held_relations(record), validate_constraints=False)
    model = type(records[0])
    created = model._default_manager.bulk_create(records, batch_size=500)
    audit_log_many(
        acting_user=acting_user,
        action=Action.COLLECTION,
        objects=[(model._meta.model_name or "", record.pk) for record in created],
        detail=detail,
    )
    _records_changed(acting_user, *created)
    return created


def save_changes_many(
    records: Sequence[R], acting_user: Any, *, fields: Sequence[str], detail: dict[str, Any]
) -> None:
    """Store in-memory changes to `fields` of records the caller read, locked and checked in
    this transaction (imports): bump each version, validate, one update per 500 records and one
    alteration entry per record."""
    if not records:
        return
    for record in records:
        record.version += 1
        record.updated_by = acting_user
        record.full_clean(exclude=_held_relations(record), validate_constraints=False)
    model = type(records[0])
    model._default_manager.bulk_update(
        records, [*fields, "version", "updated_by", "updated_at"], batch_size=500
    )
    audit_log_many(
        acting_user=acting_user,
        action=Action.ALTERATION,
        objects=[(model._meta.model_name or "", record.pk) for record in records],
        detail={**detail, "fields": sorted(fields)},
    )
    _records_changed(acting_user, *records)


# --- People -----------------------------------------------------------------------------------


class PersonFields(TypedDict, total=False):
    given_names: str
    family_name: str
    date_of_birth: date | None
    date_of_birth_precision: str
    gender: str
    ethnicity: str
    nationality: str
    languages: list[str]
    flags: list[str]
    notes: str
    access_level: str


def _clean_person_fields(fields: PersonFields) -> PersonFields:
    cleaned = PersonFields(**fields)
    if "languages" in cleaned:
        cleaned["languages"] = [lang.strip() for lang in cleaned["languages"] if lang.strip()]
    if "flags" in cleaned:
        unknown = [flag for flag in cleaned["flags"] if flag not in PersonFlag.values]
        if unknown:
            raise ValidationError({"flags": f"Unknown flag: {', '.join(unknown)}"})
        # "Currently missing" is set and cleared by the missing episodes alone.
        cleaned["flags"] = sorted(set(cleaned["flags"]) - {PersonFlag.MISSING.value})
    dob = cleaned.get("date_of_birth")
    if dob is not None and dob > date.today():
        raise ValidationError({"date_of_birth": "Date of birth must be in the past"})
    return cleaned


# Other areas keep indexes derived from a person's details (e.g. linkage's "already known?"
# blocking keys). They register here rather than being imported by this module; each hook
# derives an index only: it writes no audit and reads no request.
_PERSON_INDEX_HOOKS: list[Callable[[Person], None]] = []
# Links that change what those indexes read (home address, placement, phone).
_INDEXED_LINK_TYPES = frozenset({"lives_at", "placed_at", "uses_phone"})


# The same hooks' versions for many people at once (bulk writes such as imports), if given.
_PEOPLE_INDEX_HOOKS: dict[Callable[[Person], None], Callable[[Sequence[Person]], None]] = {}


def register_person_index_hook(
    hook: Callable[[Person], None], *, many: Callable[[Sequence[Person]], None] | None = None
) -> None:
    """`hook(person)` runs after a person's details change; `many(people)`, if given, does
    the same for many people in one go."""
    if hook not in _PERSON_INDEX_HOOKS:
        _PERSON_INDEX_HOOKS.append(hook)
    if many is not None:
        _PEOPLE_INDEX_HOOKS[hook] = many


def _run_people_index_hooks(people: Sequence[Person]) -> None:
    if not people:
        return
    for hook in _PERSON_INDEX_HOOKS:
        many = _PEOPLE_INDEX_HOOKS.get(hook)
        if many is not None:
            many(people)
        else:
            for person in people:
                hook(person)


def _run_person_index_hooks(person: Person) -> None:
    for hook in _PERSON_INDEX_HOOKS:
        hook(person)


# Other areas derive facts from POLE records (screening's derived warning signs). They hear
# here which records were written, whoever wrote them; each hook only schedules its own work
# (screening re-screens the children concerned when the transaction commits).
_RECORD_CHANGE_HOOKS: list[Callable[[Any, Sequence[CaseRecord]], None]] = []


def register_record_change_hook(hook: Callable[[Any, Sequence[CaseRecord]], None]) -> None:
    """`hook(acting_user, records)` is called after each create, change or new participant."""
    if hook not in _RECORD_CHANGE_HOOKS:
        _RECORD_CHANGE_HOOKS.append(hook)


def _records_changed(acting_user: Any, *records: CaseRecord) -> None:
    for hook in _RECORD_CHANGE_HOOKS:
        hook(acting_user, records)


def reindex_person_names(person: Person) -> None:
    """Rebuild the person's search keys from their names, aliases and nicknames."""
    names = [person.given_names, person.family_name]
    for other in person.other_names.all():
        names.extend([other.given_names, other.family_name])
    keys = name_keys(*names)
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create([NameKey(person=person, key=key[:80]) for key in sorted(keys)])
    # The same keys as one document for the database's full-text index (name_index).
    PersonNameIndex.objects.update_or_create(person=person, defaults={"keys": document(keys)})
    _run_person_index_hooks(person)


@transaction.atomic
def person_create(*, acting_user: Any, **fields: Unpack[PersonFields]) -> Person:
    _require_can_add(acting_user)
    person = save_new_record(Person(**_clean_person_fields(fields)), acting_user)
    reindex_person_names(person)
    return person


def reindex_people_names(people: Sequence[Person]) -> None:
    """`reindex_person_names` for people just created in bulk (no other names yet)."""
    rows: list[NameKey] = []
    documents: list[PersonNameIndex] = []
    for person in people:
        keys = name_keys(person.given_names, person.family_name)
        rows.extend(NameKey(person=person, key=key[:80]) for key in sorted(keys))
        documents.append(PersonNameIndex(person=person, keys=document(keys)))
    NameKey.objects.bulk_create(rows, batch_size=1000)
    PersonNameIndex.objects.bulk_create(documents, batch_size=1000)
    _run_people_index_hooks(people)


@transaction.atomic
def people_create_many(
    *, acting_user: Any, people: Sequence[PersonFields], detail: dict[str, Any]
) -> list[Person]:
    """`person_create` for many people at once (imports): the same checks, in bulk."""
    _require_can_add(acting_user)
    created = save_new_records(
        [Person(**_clean_person_fields(fields)) for fields in people], acting_user, detail=detail
    )
    reindex_people_names(created)
    return created


@transaction.atomic
def person_update(
    *, acting_user: Any, person: Person, expected_version: int, **changes: Unpack[PersonFields]
) -> Person:
    cleaned = _clean_person_fields(changes)
    if "flags" in cleaned:
        # "Currently missing" follows the child's missing episodes (vigil.missing), never an
        # edit: keep whatever the record says now.
        stored = Person.objects.values_list("flags", flat=True).get(pk=person.pk)
        if PersonFlag.MISSING in stored:
            cleaned["flags"] = sorted({*cleaned["flags"], PersonFlag.MISSING.value})
    person = save_changes(
        person,
        acting_user=acting_user,
        expected_version=expected_version,
        changes=dict(cleaned),
    )
    reindex_person_names(person)
    return person


@transaction.atomic
def person_name_add(
    *,
    acting_user: Any,
    person: Person,
    name_type: str,
    given_names: str = "",
    family_name: str = "",
    source: str = "",
) -> PersonName:
    _require_can_change(acting_user, person)
    if not (given_names.strip() or family_name.strip()):
        raise ValidationError({"given_names": "Enter a given name, a family name or both"})
    name = PersonName(
        person=person,
        name_type=name_type,
        given_names=given_names.strip(),
        family_name=family_name.strip(),
        source=source.strip(),
        recorded_by_agency_id=acting_user.agency_id,
    )
    name.full_clean()
    name.save()
    touch(person, acting_user, detail={"added": "name", "name_type": name_type})
    reindex_person_names(person)
    return name


@transaction.atomic
def person_identifier_add(
    *, acting_user: Any, person: Person, scheme: str, value: str, issuer: str = ""
) -> PersonIdentifier:
    _require_can_change(acting_user, person)
    identifier = PersonIdentifier(
        person=person,
        scheme=scheme,
        value=value.strip().upper().replace(" ", ""),
        issuer=issuer.strip(),
        recorded_by_agency_id=acting_user.agency_id,
    )
    identifier.full_clean()
    identifier.save()
    touch(person, acting_user, detail={"added": "identifier", "scheme": scheme})
    return identifier


def touch(record: CaseRecord, acting_user: Any, *, detail: dict[str, Any]) -> None:
    """A change to a record's parts (a name, an identifier) is a change to the record: bump its
    version so an edit form opened before it cannot overwrite it unseen."""
    type(record)._default_manager.filter(pk=record.pk).update(
        version=record.version + 1, updated_by=acting_user
    )
    record.version += 1
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type=record._meta.model_name or "",
        object_id=record.pk,
        detail=detail,
    )


# --- Objects ----------------------------------------------------------------------------------


class ObjectFields(TypedDict, total=False):
    kind: str
    vrm: str
    make: str
    model: str
    colour: str
    phone_number: str
    imei: str
    platform: str
    handle: str
    description: str
    access_level: str


def _clean_object_fields(kind: str, fields: ObjectFields) -> ObjectFields:
    cleaned = cast(
        ObjectFields, {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    )
    errors: dict[str, str] = {}
    if kind == ObjectKind.VEHICLE:
        vrm = normalise_vrm(cleaned.get("vrm", ""))
        if not vrm:
            errors["vrm"] = "Enter the vehicle's registration mark, like AB12 CDE"
        cleaned["vrm"] = format_vrm(vrm)
    elif kind == ObjectKind.PHONE:
        number = cleaned.get("phone_number", "")
        imei = cleaned.get("imei", "").replace(" ", "")
        if not number and not imei:
            errors["phone_number"] = "Enter a phone number or an IMEI"
        elif number and not is_plausible_phone(number):
            errors["phone_number"] = "Enter a phone number, like 07700 900123 or +44 7700 900123"
        if imei and not (imei.isdigit() and len(imei) in (14, 15, 16, 17)):
            errors["imei"] = "Enter the IMEI as 15 digits"
        cleaned["imei"] = imei
    elif kind == ObjectKind.ONLINE_ACCOUNT:
        if not cleaned.get("platform"):
            errors["platform"] = "Enter the platform, like Snapchat or Instagram"
        if not normalise_handle(cleaned.get("handle", "")):
            errors["handle"] = "Enter the account's handle or username"
    elif not cleaned.get("description"):
        errors["description"] = "Describe the object"
    if errors:
        raise ValidationError(errors)
    return cleaned


def object_search_key(record: PoleObject) -> str:
    if record.kind == ObjectKind.VEHICLE:
        return normalise_vrm(record.vrm)
    if record.kind == ObjectKind.PHONE:
        return normalise_phone(record.phone_number) or record.imei
    if record.kind == ObjectKind.ONLINE_ACCOUNT:
        return normalise_handle(record.handle)
    return ""


@transaction.atomic
def object_create(*, acting_user: Any, **fields: Unpack[ObjectFields]) -> PoleObject:
    _require_can_add(acting_user)
    kind = fields.get("kind", "")
    if kind not in ObjectKind.values:
        raise ValidationError({"kind": "Choose what kind of object this is"})
    record = PoleObject(**_clean_object_fields(kind, fields))
    record.search_key = object_search_key(record)
    return save_new_record(record, acting_user)


@transaction.atomic
def objects_create_many(
    *, acting_user: Any, objects: Sequence[ObjectFields], detail: dict[str, Any]
) -> list[PoleObject]:
    """`object_create` for many objects at once (imports)."""
    _require_can_add(acting_user)
    records = []
    for fields in objects:
        kind = fields.get("kind", "")
        if kind not in ObjectKind.values:
            raise ValidationError({"kind": "Choose what kind of object this is"})
        record = PoleObject(**_clean_object_fields(kind, fields))
        record.search_key = object_search_key(record)
        records.append(record)
    return save_new_records(records, acting_user, detail=detail)


@transaction.atomic
def object_update(
    *,
    acting_user: Any,
    pole_object: PoleObject,
    expected_version: int,
    **changes: Unpack[ObjectFields],
) -> PoleObject:
    kind = changes.get("kind", pole_object.kind)
    merged = cast(
        ObjectFields, {name: getattr(pole_object, name) for name in ObjectFields.__annotations__}
    )
    merged.update(changes)
    cleaned = dict(_clean_object_fields(kind, merged))
    probe = PoleObject(**cleaned)
    cleaned["search_key"] = object_search_key(probe)
    return save_changes(
        pole_object, acting_user=acting_user, expected_version=expected_version, changes=cleaned
    )


# --- Locations --------------------------------------------------------------------------------


class LocationFields(TypedDict, total=False):
    name: str
    premises_type: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    latitude: Any
    longitude: Any
    access_level: str


def _clean_location_fields(fields: LocationFields) -> dict[str, Any]:
    cleaned: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    if "postcode" in cleaned:
        postcode = cleaned["postcode"]
        if postcode and not is_valid_postcode(postcode):
            raise ValidationError({"postcode": "Enter a real UK postcode, like LS1 1AA"})
        cleaned["postcode"] = format_postcode(postcode) if postcode else ""
        cleaned["postcode_key"] = normalise_postcode(postcode)
    return cleaned


@transaction.atomic
def location_create(*, acting_user: Any, **fields: Unpack[LocationFields]) -> Location:
    _require_can_add(acting_user)
    return save_new_record(Location(**_clean_location_fields(fields)), acting_user)


@transaction.atomic
def locations_create_many(
    *, acting_user: Any, locations: Sequence[LocationFields], detail: dict[str, Any]
) -> list[Location]:
    """`location_create` for many places at once (imports)."""
    _require_can_add(acting_user)
    records = [Location(**_clean_location_fields(fields)) for fields in locations]
    return save_new_records(records, acting_user, detail=detail)


@transaction.atomic
def location_update(
    *,
    acting_user: Any,
    location: Location,
    expected_version: int,
    **changes: Unpack[LocationFields],
) -> Location:
    return save_changes(
        location,
        acting_user=acting_user,
        expected_version=expected_version,
        changes=_clean_location_fields(changes),
    )


# --- Events -----------------------------------------------------------------------------------


class EventFields(TypedDict, total=False):
    event_type: str
    occurred_at: datetime
    ended_at: datetime | None
    summary: str
    description: str
    reference: str
    access_level: str


def _clean_event_fields(fields: EventFields, current: Event | None = None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    # On update, a change to one end of the period is checked against the stored other end.
    occurred = cleaned.get("occurred_at", current.occurred_at if current else None)
    ended = cleaned.get("ended_at", current.ended_at if current else None)
    if occurred and ended and ended < occurred:
        raise ValidationError({"ended_at": "The end must be after the start"})
    return cleaned


def _add_participants(
    event: Event,
    acting_user: Any,
    people: Iterable[tuple[Person, str]],
    objects: Iterable[tuple[PoleObject, str]],
    locations: Iterable[tuple[Location, str]],
) -> None:
    # A participant already on the event is left as it is (get_or_create), so the per-row
    # check validates the role only, not the uniqueness constraint.
    for person, role in people:
        _require_can_see(acting_user, person)
        person_row = EventPerson(event=event, person=person, role=role)
        person_row.full_clean(validate_unique=False, validate_constraints=False)
        EventPerson.objects.get_or_create(event=event, person=person, role=role)
    for pole_object, role in objects:
        _require_can_see(acting_user, pole_object)
        object_row = EventObject(event=event, pole_object=pole_object, role=role)
        object_row.full_clean(validate_unique=False, validate_constraints=False)
        EventObject.objects.get_or_create(event=event, pole_object=pole_object, role=role)
    for location, role in locations:
        _require_can_see(acting_user, location)
        location_row = EventLocation(event=event, location=location, role=role)
        location_row.full_clean(validate_unique=False, validate_constraints=False)
        EventLocation.objects.get_or_create(event=event, location=location, role=role)
    _records_changed(acting_user, event)


@transaction.atomic
def event_create(
    *,
    acting_user: Any,
    people: Sequence[tuple[Person, str]] = (),
    objects: Sequence[tuple[PoleObject, str]] = (),
    locations: Sequence[tuple[Location, str]] = (),
    **fields: Unpack[EventFields],
) -> Event:
    _require_can_add(acting_user)
    event = save_new_record(Event(**_clean_event_fields(fields)), acting_user)
    _add_participants(event, acting_user, people, objects, locations)
    return event


@dataclass
class NewEvent:
    """One event for `events_create_many`: its fields and who and what took part."""

    fields: EventFields
    people: list[tuple[Person, str]] = field(default_factory=list)
    objects: list[tuple[PoleObject, str]] = field(default_factory=list)
    locations: list[tuple[Location, str]] = field(default_factory=list)


def add_participants_many(
    acting_user: Any,
    people: Sequence[tuple[Event, Person, str]] = (),
    objects: Sequence[tuple[Event, PoleObject, str]] = (),
    locations: Sequence[tuple[Event, Location, str]] = (),
) -> None:
    """`event_update`'s participants for many events at once (imports): the user must see
    each participant; each role is checked; a participant already on the event is left."""
    _require_can_see_all(
        acting_user,
        [
            *(p for _, p, _ in people),
            *(o for _, o, _ in objects),
            *(loc for _, loc, _ in locations),
        ],
    )
    person_rows = [EventPerson(event=e, person=p, role=r) for e, p, r in people]
    object_rows = [EventObject(event=e, pole_object=o, role=r) for e, o, r in objects]
    location_rows = [EventLocation(event=e, location=loc, role=r) for e, loc, r in locations]
    for row in [*person_rows, *object_rows, *location_rows]:
        row.full_clean(
            exclude=_held_relations(row),  # type: ignore[arg-type]
            validate_unique=False,
            validate_constraints=False,
        )
    EventPerson.objects.bulk_create(person_rows, batch_size=500, ignore_conflicts=True)
    EventObject.objects.bulk_create(object_rows, batch_size=500, ignore_conflicts=True)
    EventLocation.objects.bulk_create(location_rows, batch_size=500, ignore_conflicts=True)
    _records_changed(
        acting_user, *{e.pk: e for e, _, _ in [*people, *objects, *locations]}.values()
    )


@transaction.atomic
def events_create_many(
    *, acting_user: Any, events: Sequence[NewEvent], detail: dict[str, Any]
) -> list[Event]:
    """`event_create` for many events at once (imports): the same checks, in bulk."""
    _require_can_add(acting_user)
    created = save_new_records(
        [Event(**_clean_event_fields(new.fields)) for new in events], acting_user, detail=detail
    )
    add_participants_many(
        acting_user,
        people=[(e, p, r) for e, new in zip(created, events, strict=True) for p, r in new.people],
        objects=[(e, o, r) for e, new in zip(created, events, strict=True) for o, r in new.objects],
        locations=[
            (e, loc, r) for e, new in zip(created, events, strict=True) for loc, r in new.locations
        ],
    )
    return created


@transaction.atomic
def event_update(
    *,
    acting_user: Any,
    event: Event,
    expected_version: int,
    add_people: Sequence[tuple[Person, str]] = (),
    add_objects: Sequence[tuple[PoleObject, str]] = (),
    add_locations: Sequence[tuple[Location, str]] = (),
    **changes: Unpack[EventFields],
) -> Event:
    event = save_changes(
        event,
        acting_user=acting_user,
        expected_version=expected_version,
        changes=_clean_event_fields(changes, current=event),
    )
    _add_participants(event, acting_user, add_people, add_objects, add_locations)
    return event


@transaction.atomic
def intelligence_report_create(
    *,
    acting_user: Any,
    subjects: Sequence[Person],
    occurred_at: datetime,
    summary: str,
    text: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
    reference: str = "",
    objects: Sequence[PoleObject] = (),
    locations: Sequence[Location] = (),
) -> IntelligenceReport:
    """Record a 3x5x2-graded report (APP Intelligence management). All three gradings are
    required; handling code C must state its conditions."""
    errors: dict[str, str] = {}
    if not subjects:
        errors["subjects"] = "Choose at least one person the report is about"
    if handling_code == "C" and not handling_conditions.strip():
        errors["handling_conditions"] = "Enter the conditions that apply to handling code C"
    if errors:
        raise ValidationError(errors)
    event = event_create(
        acting_user=acting_user,
        event_type=EventType.INTELLIGENCE_REPORT,
        occurred_at=occurred_at,
        summary=summary,
        reference=reference,
        people=[(person, EventPerson.Role.SUBJECT) for person in subjects],
        objects=[(item, EventObject.Role.SEEN) for item in objects],
        locations=[(place, EventLocation.Role.OCCURRED_AT) for place in locations],
    )
    report = IntelligenceReport(
        event=event,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions.strip() if handling_code == "C" else "",
        text=text.strip(),
    )
    report.full_clean()
    report.save()
    return report


# --- Links ------------------------------------------------------------------------------------


def entity_kind(entity: Entity) -> str:
    if isinstance(entity, Person):
        return "person"
    if isinstance(entity, PoleObject):
        return "object"
    return "location"


@transaction.atomic
def link_create(
    *,
    acting_user: Any,
    link_type: str,
    source_entity: Entity,
    target_entity: Entity,
    source: str,
    first_seen: date | None = None,
    last_seen: date | None = None,
    notes: str = "",
) -> Link:
    _require_can_add(acting_user)
    _require_can_see(acting_user, source_entity)
    _require_can_see(acting_user, target_entity)
    new = NewLink(link_type, source_entity, target_entity, source, first_seen, last_seen, notes)
    link = save_new_record(_new_link(new), acting_user)
    if link_type in _INDEXED_LINK_TYPES and isinstance(source_entity, Person):
        _run_person_index_hooks(source_entity)
    return link


@dataclass
class NewLink:
    """One link for `links_create_many`."""

    link_type: str
    source_entity: Entity
    target_entity: Entity
    source: str
    first_seen: date | None = None
    last_seen: date | None = None
    notes: str = ""


def _new_link(new: NewLink) -> Link:
    problem = check_link(
        new.link_type, entity_kind(new.source_entity), entity_kind(new.target_entity)
    )
    if problem:
        raise ValidationError({"link_type": problem})
    if new.source_entity == new.target_entity:
        raise ValidationError({"target": "A record cannot be linked to itself"})
    if new.first_seen and new.last_seen and new.first_seen > new.last_seen:
        raise ValidationError({"last_seen": "Last seen must be on or after first seen"})
    link = Link(
        link_type=new.link_type,
        source=new.source.strip(),
        first_seen=new.first_seen,
        last_seen=new.last_seen,
        notes=new.notes.strip(),
    )
    setattr(link, f"from_{entity_kind(new.source_entity)}", new.source_entity)
    setattr(link, f"to_{entity_kind(new.target_entity)}", new.target_entity)
    return link


@transaction.atomic
def links_create_many(
    *, acting_user: Any, links: Sequence[NewLink], detail: dict[str, Any]
) -> list[Link]:
    """`link_create` for many links at once (imports): the same checks, in bulk."""
    _require_can_add(acting_user)
    _require_can_see_all(
        acting_user, [end for new in links for end in (new.source_entity, new.target_entity)]
    )
    created = save_new_records([_new_link(new) for new in links], acting_user, detail=detail)
    reindex: dict[int, Person] = {
        new.source_entity.pk: new.source_entity
        for new in links
        if new.link_type in _INDEXED_LINK_TYPES and isinstance(new.source_entity, Person)
    }
    _run_people_index_hooks(list(reindex.values()))
    return created


class LinkFields(TypedDict, total=False):
    first_seen: date | None
    last_seen: date | None
    source: str
    notes: str


@transaction.atomic
def link_update(
    *, acting_user: Any, link: Link, expected_version: int, **changes: Unpack[LinkFields]
) -> Link:
    first = changes.get("first_seen", link.first_seen)
    last = changes.get("last_seen", link.last_seen)
    if first and last and first > last:
        raise ValidationError({"last_seen": "Last seen must be on or after first seen"})
    return save_changes(
        link, acting_user=acting_user, expected_version=expected_version, changes=dict(changes)
    )
