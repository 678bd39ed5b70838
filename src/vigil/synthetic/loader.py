"""Load the synthetic area into the POLE store, fast.

The services write one record per transaction with its checks; fifty thousand people that way
take many minutes. This loader writes the same rows in bulk: the same normalised values (VRMs,
postcodes, identifiers, object search keys), the same versions (a person's version counts the
names and identifiers added to them, as `person_name_add` would), the same name-search rows
(NameKey and PersonNameIndex), and the same audit entries (a collection per record, an
alteration per added name or identifier, through `audit_log_many`). It also keeps what the
services' hooks would: the "already known?" index of every person loaded (the linkage bulk
build) and the episodes' "missing together" links (one refresh for all of them). tests/synthetic
checks the rows against the services' and runs every model's `full_clean()` over a loaded area.

Records are created by invented staff of each agency (no usable password: nobody signs in as
them), so the audit shows who in which agency recorded what.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.models import Max, Model
from django.utils import timezone

from vigil.accounts.models import Agency, AgencyKind, Role, User
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.dates import age_on
from vigil.core.identifiers import format_postcode, format_vrm, normalise_postcode
from vigil.core.names import name_keys
from vigil.core.taxonomy import load_taxonomy
from vigil.linkage.services import index_all_people
from vigil.missing.together import together_links_deferred
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    IntelligenceReport,
    Link,
    Location,
    NameKey,
    Person,
    PersonIdentifier,
    PersonName,
    PersonNameIndex,
    PoleObject,
)
from vigil.people.name_index import document
from vigil.people.services import object_search_key
from vigil.safeguarding.models import Observation, ObservationSource
from vigil.synthetic.generator import AreaGenerator
from vigil.synthetic.missing import PendingEpisode, load_missing_episodes, pending_episode
from vigil.synthetic.models import SyntheticArea
from vigil.synthetic.records import AGENCIES, Batch, EventRecord

AGENCY_KINDS = {
    "police": AgencyKind.POLICE,
    "social_care": AgencyKind.CHILDRENS_SERVICES,
    "health": AgencyKind.HEALTH,
    "education": AgencyKind.EDUCATION,
}

# (username, first name, last name, agency key, role)
STAFF: tuple[tuple[str, str, str, str, str], ...] = (
    ("pc.hartley", "Dan", "Hartley", "police", Role.CSE_INVESTIGATOR),
    ("ds.begum", "Ruksana", "Begum", "police", Role.CSE_INVESTIGATOR),
    ("pc.owusu", "Kojo", "Owusu", "police", Role.CSE_INVESTIGATOR),
    ("ia.nowak", "Marta", "Nowak", "police", Role.INTELLIGENCE_ANALYST),
    ("sw.campbell", "Denise", "Campbell", "social_care", Role.MASH_PRACTITIONER),
    ("sw.murphy", "Ciaran", "Murphy", "social_care", Role.MASH_PRACTITIONER),
    ("hv.patel", "Nisha", "Patel", "health", Role.PARTNER_PRACTITIONER),
    ("sn.doyle", "Orla", "Doyle", "health", Role.PARTNER_PRACTITIONER),
    ("dsl.wright", "Helen", "Wright", "education", Role.PARTNER_PRACTITIONER),
    ("dsl.ahmed", "Imran", "Ahmed", "education", Role.PARTNER_PRACTITIONER),
)

ID_KINDS: dict[str, type[Model]] = {
    "person": Person,
    "name": PersonName,
    "identifier": PersonIdentifier,
    "object": PoleObject,
    "location": Location,
    "link": Link,
    "event": Event,
}
# Tables whose ids the loader sets itself: PostgreSQL's sequences move past them afterwards.
SEQUENCED: tuple[type[Model], ...] = (
    *ID_KINDS.values(),
    NameKey,
    EventPerson,
    EventObject,
    EventLocation,
    IntelligenceReport,
    Observation,
)

# Who saw a warning sign, by the agency that recorded it (safeguarding ObservationSource).
OBSERVATION_SOURCE = {
    "police": ObservationSource.POLICE_PATROL,
    "health": ObservationSource.HEALTH,
    "education": ObservationSource.SCHOOL,
    "social_care": ObservationSource.SOCIAL_CARE,
}
# Screening is for under-18s: a person record is remembered while it may still be a child's.
CHILD_YEARS = 19


LINK_ENDS = (
    "from_person_id",
    "from_object_id",
    "from_location_id",
    "to_person_id",
    "to_object_id",
    "to_location_id",
)


def _insert(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]], using: str
) -> None:
    """Write rows to the model's table: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
    if not rows:
        return
    conn = connections[using]
    quote = conn.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            # Names come from the models, never from input; values are streamed as data.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        head = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from the models
        one = f"({', '.join(['%s'] * len(columns))})"
        # SQLite allows 32766 parameters per statement; stay well below.
        per_statement = max(1, 8000 // len(columns))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])


_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.ForeignKey,
    models.BooleanField,
)


def _save(objs: Sequence[Model], using: str) -> None:
    """The rows `bulk_create(objs)` would write (each field's own conversion for the database,
    `auto_now` timestamps set), without its per-value overhead."""
    if not objs:
        return
    conn = connections[using]
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and objs[0].pk is None)]
    now = timezone.now()
    plans = []
    for f in fields:
        stamped = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        # JSON, dates and times need the field's conversion; text and numbers go as they are.
        plain = isinstance(f, _PLAIN_FIELDS) and not isinstance(f, models.JSONField)
        plans.append((f, f.attname, stamped, plain))
    rows = []
    for obj in objs:
        row = []
        for f, attname, stamped, plain in plans:
            if stamped:
                setattr(obj, attname, now)
            value = getattr(obj, attname)
            row.append(value if plain else f.get_db_prep_save(value, conn))
        rows.append(tuple(row))
    _insert(model, tuple(str(f.column) for f in fields), rows, using)


def truth_path() -> Path:
    return Path(settings.VAR_DIR) / "synthetic-truth.json"


def loaded_area() -> SyntheticArea | None:
    return SyntheticArea.objects.order_by("-loaded_at").first()


def ensure_agencies_and_staff(
    using: str = "default",
) -> tuple[dict[str, Agency], dict[str, list[User]]]:
    agencies = {
        key: Agency.objects.using(using).get_or_create(
            name=name, defaults={"kind": AGENCY_KINDS[key]}
        )[0]
        for key, name in AGENCIES.items()
    }
    staff: dict[str, list[User]] = defaultdict(list)
    for username, first, last, agency, role in STAFF:
        user = User.objects.using(using).filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, role=role)
            user.agency = agencies[agency]
            user.set_unusable_password()
            user.save(using=using)
        staff[agency].append(user)
    return agencies, dict(staff)


@dataclass
class LoadProgress:
    people: int
    seconds: float


@transaction.atomic
def load_synthetic_area(
    *,
    people: int,
    seed: int,
    as_of: date | None = None,
    batch_size: int = 5_000,
    progress: Callable[[LoadProgress], None] | None = None,
) -> SyntheticArea:
    """Generate and load an area of `people` person records (see AreaGenerator), store its
    ground truth (with database ids) in SyntheticArea and in var/synthetic-truth.json."""
    started = time.perf_counter()
    agencies, staff = ensure_agencies_and_staff()
    offsets = {
        kind: model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        for kind, model in ID_KINDS.items()
    }
    area = AreaGenerator(people, seed, as_of, batch_size=batch_size)
    writer = BulkWriter(agencies, staff, offsets)
    loaded = 0
    for batch in area.batches():
        writer.write(batch)
        loaded += len(batch.people)
        if progress:
            progress(LoadProgress(loaded, time.perf_counter() - started))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(SEQUENCED)):
                cursor.execute(sql)
    # The episodes' "missing together" links once for all of them, not twice per episode.
    with together_links_deferred():
        load_missing_episodes(
            writer.missing, police=staff["police"], social_care=agencies["social_care"]
        )
    # "Already known?" finds the area's people at once: the rows the people services' index
    # hook writes for a person saved one at a time, built in bulk (one process: the loader
    # already keeps a core busy, and starting workers costs more than it saves here).
    index_all_people(after=offsets["person"], workers=1)
    truth = area.truth.to_json(id_of=offsets)
    record = SyntheticArea.objects.create(
        seed=seed,
        people=people,
        as_of=area.as_of,
        seconds=round(time.perf_counter() - started, 2),
        truth=truth,
    )
    path = truth_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, indent=1), encoding="utf-8")
    return record


class BulkWriter:
    """Writes one Batch as the rows the services would write, with their audit entries."""

    def __init__(
        self,
        agencies: dict[str, Agency],
        staff: dict[str, list[User]],
        offsets: dict[str, int],
        *,
        using: str = "default",
        audit: bool = True,
        name_keys: bool = True,
        missing_episodes: bool = True,
    ) -> None:
        # `audit` and `name_keys` off: the search benchmark's shortcut (tables search never
        # reads); the demo and every test write both.
        self.using = using
        self.with_audit = audit
        self.with_name_keys = name_keys
        self.agency_ids = {key: agency.pk for key, agency in agencies.items()}
        self.staff = staff
        self.offsets = offsets
        self._audit: dict[tuple[int, str, str], list[tuple[str, int]]] = defaultdict(list)
        self._users = {user.pk: user for users in staff.values() for user in users}
        self.with_missing_episodes = missing_episodes
        self.missing: list[PendingEpisode] = []
        self._today = timezone.localdate()
        self._recordable = {item.code for item in load_taxonomy() if not item.derived}
        # Person records that may be children's: pk -> (date of birth, agency, access level).
        self._children: dict[int, tuple[date | None, str, str]] = {}
        self._observation_id = Observation.objects.using(using).aggregate(top=Max("pk"))["top"] or 0

    def _user(self, agency: str, record_id: int) -> User:
        users = self.staff[agency]
        return users[record_id % len(users)]

    def _case(self, record: Model, agency: str, user: User, version: int = 1) -> None:
        record.owning_agency_id = self.agency_ids[agency]  # type: ignore[attr-defined]
        record.created_by = user  # type: ignore[attr-defined]
        record.updated_by = user  # type: ignore[attr-defined]
        record.version = version  # type: ignore[attr-defined]

    def _log(
        self, user: User, action: str, object_type: str, pk: int, detail: dict[str, Any] | None
    ) -> None:
        if self.with_audit:
            key = (user.pk, action, json.dumps(detail or {}, sort_keys=True))
            self._audit[key].append((object_type, pk))

    def write(self, batch: Batch) -> None:
        off = self.offsets
        p, loc_off, obj_off = off["person"], off["location"], off["object"]
        collection = Action.COLLECTION
        using = self.using
        ops = connections[using].ops
        now = ops.adapt_datetimefield_value(timezone.now())

        def day(value: date | None) -> Any:
            return ops.adapt_datefield_value(value)

        locations = []
        for r in batch.locations:
            user = self._user(r.agency, r.id)
            loc = Location(
                id=loc_off + r.id,
                name=r.name,
                premises_type=r.premises_type,
                address_line_1=r.address_line_1,
                address_line_2=r.address_line_2,
                town=r.town,
                postcode=format_postcode(r.postcode) if r.postcode else "",
                postcode_key=normalise_postcode(r.postcode),
            )
            self._case(loc, r.agency, user)
            locations.append(loc)
            self._log(user, collection, "location", loc.id, None)
        _save(locations, using)

        names_of: dict[int, list[Any]] = defaultdict(list)
        for n in batch.names:
            names_of[n.person].append(n)
        identifiers_of: dict[int, list[Any]] = defaultdict(list)
        for i in batch.identifiers:
            identifiers_of[i.person].append(i)
        people, key_rows, index_rows = [], [], []
        key_id = NameKey.objects.using(using).aggregate(top=Max("pk"))["top"] or 0
        for pr in batch.people:
            user = self._user(pr.agency, pr.id)
            pk = p + pr.id
            names = names_of.get(pr.id, [])
            identifiers = identifiers_of.get(pr.id, [])
            person = Person(
                id=pk,
                given_names=pr.given_names,
                family_name=pr.family_name,
                date_of_birth=pr.date_of_birth,
                date_of_birth_precision=pr.date_of_birth_precision,
                gender=pr.gender,
                ethnicity=pr.ethnicity,
                nationality=pr.nationality,
                languages=pr.languages,
                flags=pr.flags,
                access_level=pr.access_level,
            )
            # Each name or identifier added after creation bumps the version (services._touch).
            self._case(person, pr.agency, user, version=1 + len(names) + len(identifiers))
            people.append(person)
            self._log(user, collection, "person", pk, None)
            dob = pr.date_of_birth
            if dob is None or age_on(dob, self._today) < CHILD_YEARS:
                self._children[pk] = (dob, pr.agency, pr.access_level)
            all_names = [pr.given_names, pr.family_name]
            for n in names:
                all_names += [n.given_names, n.family_name]
                detail = {"added": "name", "name_type": n.name_type}
                self._log(self._user(n.agency, n.id), Action.ALTERATION, "person", pk, detail)
            for i in identifiers:
                detail = {"added": "identifier", "scheme": i.scheme}
                self._log(self._user(i.agency, i.id), Action.ALTERATION, "person", pk, detail)
            keys = name_keys(*all_names)
            if self.with_name_keys:
                for key in sorted(keys):
                    key_id += 1
                    key_rows.append((key_id, key[:80], pk))
            index_rows.append((pk, document(keys)))
        _save(people, using)
        _insert(NameKey, ("id", "key", "person_id"), key_rows, using)
        _insert(PersonNameIndex, ("person_id", "keys"), index_rows, using)
        _insert(
            PersonName,
            ("id", "person_id", "name_type", "given_names", "family_name", "source",
             "recorded_by_agency_id", "created_at"),
            [
                (off["name"] + n.id, p + n.person, n.name_type, n.given_names.strip(),
                 n.family_name.strip(), n.source.strip(), self.agency_ids[n.agency], now)
                for n in batch.names
            ],
            using,
        )  # fmt: skip
        _insert(
            PersonIdentifier,
            ("id", "person_id", "scheme", "value", "issuer", "recorded_by_agency_id",
             "created_at"),
            [
                (off["identifier"] + i.id, p + i.person, i.scheme,
                 i.value.strip().upper().replace(" ", ""), i.issuer.strip(),
                 self.agency_ids[i.agency], now)
                for i in batch.identifiers
            ],
            using,
        )  # fmt: skip

        objects = []
        for ob in batch.objects:
            user = self._user(ob.agency, ob.id)
            obj = PoleObject(
                id=obj_off + ob.id,
                kind=ob.kind,
                vrm=format_vrm(ob.vrm) if ob.kind == "vehicle" else ob.vrm,
                make=ob.make,
                model=ob.model,
                colour=ob.colour,
                phone_number=ob.phone_number,
                platform=ob.platform,
                handle=ob.handle,
                description=ob.description,
            )
            obj.search_key = object_search_key(obj)
            self._case(obj, ob.agency, user)
            objects.append(obj)
            self._log(user, collection, "poleobject", obj.id, None)
        _save(objects, using)

        kind_offset = {"person": p, "object": obj_off, "location": loc_off}
        link_rows = []
        for lk in batch.links:
            user = self._user(lk.agency, lk.id)
            pk = off["link"] + lk.id
            ends = dict.fromkeys(LINK_ENDS)
            ends[f"from_{lk.from_kind}_id"] = kind_offset[lk.from_kind] + lk.from_id
            ends[f"to_{lk.to_kind}_id"] = kind_offset[lk.to_kind] + lk.to_id
            link_rows.append(
                (pk, self.agency_ids[lk.agency], "standard", now, user.pk, now, user.pk, 1,
                 lk.link_type, *ends.values(), day(lk.first_seen), day(lk.last_seen),
                 lk.source.strip(), lk.notes.strip())
            )  # fmt: skip
            self._log(user, collection, "link", pk, None)
        _insert(
            Link,
            ("id", "owning_agency_id", "access_level", "created_at", "created_by_id",
             "updated_at", "updated_by_id", "version", "link_type", *LINK_ENDS, "first_seen",
             "last_seen", "source", "notes"),
            link_rows,
            using,
        )  # fmt: skip

        events, people_rows, object_rows, location_rows, reports = [], [], [], [], []
        for ev in batch.events:
            if ev.event_type == "missing_episode" and self.with_missing_episodes:
                # Recorded through the missing app's services once everything is in
                # (vigil.synthetic.missing): the episode writes its own event.
                self.missing.append(pending_episode(ev, p, obj_off, loc_off))
                continue
            user = self._user(ev.agency, ev.id)
            pk = off["event"] + ev.id
            event = Event(
                id=pk,
                event_type=ev.event_type,
                occurred_at=ev.occurred_at,
                ended_at=ev.ended_at,
                summary=ev.summary,
                description=ev.description,
                reference=ev.reference,
                access_level=ev.access_level,
            )
            self._case(event, ev.agency, user)
            events.append(event)
            self._log(user, collection, "event", pk, None)
            people_rows += [(pk, p + pid, role) for pid, role in ev.people]
            object_rows += [(pk, obj_off + oid, role) for oid, role in ev.objects]
            location_rows += [(pk, loc_off + lid, role) for lid, role in ev.locations]
            if ev.intelligence:
                g = ev.intelligence
                reports.append(
                    IntelligenceReport(
                        event_id=pk,
                        source_evaluation=g.source_evaluation,
                        intelligence_assessment=g.intelligence_assessment,
                        handling_code=g.handling_code,
                        handling_conditions=g.handling_conditions if g.handling_code == "C" else "",
                        text=g.text.strip(),
                    )
                )
        _save(events, using)
        _insert(EventPerson, ("event_id", "person_id", "role"), people_rows, using)
        _insert(EventObject, ("event_id", "pole_object_id", "role"), object_rows, using)
        _insert(EventLocation, ("event_id", "location_id", "role"), location_rows, using)
        _save(reports, using)
        self._observations(batch.events)
        self._flush_audit()

    def _observations(self, events: list[EventRecord]) -> None:
        """Each warning sign an event records, as the safeguarding Observation that
        `observations_record` writes for it (one per code, the child being the event's first
        person), with its collection audit entry. Left out where that service would refuse:
        a child it cannot screen today (no date of birth, or 18 by now), or a record the
        recording agency cannot see (partners see only their own)."""
        rows, places = [], []
        for r in events:
            codes = [code for code in dict.fromkeys(r.taxonomy_codes) if code in self._recordable]
            if not codes or not r.people:
                continue
            pk = self.offsets["person"] + r.people[0][0]
            child = self._children.get(pk)
            if child is None:
                continue
            dob, owner, access_level = child
            observed_on = timezone.localtime(r.occurred_at).date()
            if dob is None or age_on(dob, self._today) >= 18:
                continue
            if not dob <= observed_on <= self._today:
                continue
            visible = owner == r.agency or (r.agency == "police" and access_level == "standard")
            if not visible:
                continue
            user = self._user(r.agency, r.id)
            note = r.description.split("\nWarning signs:")[0].strip() or r.summary
            created = []
            for code in codes:
                self._observation_id += 1
                row = Observation(
                    id=self._observation_id,
                    child_id=pk,
                    code=code,
                    observed_on=observed_on,
                    source=OBSERVATION_SOURCE[r.agency],
                    note=note,
                )
                self._case(row, r.agency, user)
                rows.append(row)
                created.append(row)
                if r.agency == "police":
                    places += [(row.pk, self.offsets["location"] + lid) for lid, _ in r.locations]
            detail = {"child": pk, "codes": [row.code for row in created]}
            for row in created:
                self._log(user, Action.COLLECTION, "observation", row.pk, detail)
        _save(rows, self.using)
        through = Observation.involved_locations.through
        _insert(through, ("observation_id", "location_id"), places, self.using)

    def _flush_audit(self) -> None:
        for (user_id, action, detail), objects in sorted(self._audit.items()):
            audit_log_many(
                acting_user=self._users[user_id],
                action=action,
                objects=objects,
                detail=json.loads(detail) or None,
            )
        self._audit.clear()


# --- `vigil demo` -------------------------------------------------------------------------------

DEFAULT_PEOPLE = 50_000
DEFAULT_SEED = 2026


def load_demo_area(out: Any, *, people: int, seed: int) -> SyntheticArea | None:
    """Load the synthetic force area once (a second `vigil demo` leaves it as it is), printing
    progress, the rate and where to start looking."""
    if people <= 0:
        return None
    existing = loaded_area()
    if existing is not None:
        if (existing.seed, existing.people) != (seed, people):
            out.write(
                f"A synthetic area is already loaded (seed {existing.seed}, "
                f"{existing.people:,} people); keeping it. Start from an empty database "
                "to load another."
            )
        area = existing
    else:
        out.write(f"Loading the synthetic force area: {people:,} people, seed {seed} ...")
        step = max(people // 5, 1)
        shown = [0]

        def report(progress: LoadProgress) -> None:
            if progress.people - shown[0] >= step or progress.people == people:
                shown[0] = progress.people
                out.write(f"  {progress.people:>9,} people  {progress.seconds:6.1f} s")

        area = load_synthetic_area(people=people, seed=seed, progress=report)
        rate = people / area.seconds if area.seconds else 0
        out.write(
            f"Loaded in {area.seconds:.1f} s ({rate:,.0f} people a second). "
            f"Ground truth: {truth_path()}"
        )
    for line in demo_hints(area.truth):
        out.write(line)
    return area


def demo_hints(truth: dict[str, Any], limit: int = 3) -> list[str]:
    """A few planted children to search for by nickname, one per exploitation type."""
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=[int(k) for k in truth["nicknames"]])
    }
    lines: list[str] = []
    seen_types: set[str] = set()
    for network in truth["networks"]:
        if network["type"] in seen_types or len(lines) >= limit:
            continue
        victim = people.get(network["victims"][0])
        if victim is None:
            continue
        seen_types.add(network["type"])
        nickname = truth["nicknames"][str(victim.pk)]
        lines.append(
            f"  search '{nickname} {victim.family_name}' ({network['type'].replace('_', ' ')}"
            f", network {network['id']})"
        )
    return ["Planted cases to try:", *lines] if lines else []
