"""Every read of POLE case data goes through here: each function checks need-to-know first and
writes a consultation entry to the audit log for each record it shows."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from vigil.accounts.access import can_see_record, visibility_q, visible_records
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.identifiers import (
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
)
from vigil.core.links import link_types
from vigil.core.names import name_tokens, token_keys
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    Link,
    Location,
    NameKey,
    Person,
    PoleObject,
)

M = TypeVar("M", bound=Model)


def get_visible(
    user: Any, model: type[M], pk: object, *, justification: str = "", audit: bool = True
) -> M:
    """Fetch one case record the user may see, or 404 — the same 404 whether it does not exist
    or is hidden, so an unauthorised user does not learn that it exists."""
    try:
        record = model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_see_record(user, record):
        raise Http404
    if audit:
        audit_log(
            acting_user=user,
            action=Action.CONSULTATION,
            object_type=model._meta.model_name or "",
            object_id=record.pk,
            justification=justification,
        )
    return record


# --- Person page ------------------------------------------------------------------------------


@dataclass
class LinkView:
    link: Link
    label: str
    other: Person | PoleObject | Location | None
    other_kind: str


@dataclass
class EntityLinks:
    groups: dict[str, list[LinkView]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(items) for items in self.groups.values())


def _link_queryset(user: Any) -> QuerySet[Link]:
    return visible_records(user, Link.objects.all()).select_related(
        "from_person", "from_object", "from_location", "to_person", "to_object", "to_location"
    )


def links_of(user: Any, entity: Person | PoleObject | Location) -> EntityLinks:
    """The entity's links the user may see, grouped by how they read from the entity's side;
    a link whose other end the user may not see is left out entirely."""
    kind = {Person: "person", PoleObject: "object", Location: "location"}[type(entity)]
    links = _link_queryset(user).filter(Q(**{f"from_{kind}": entity}) | Q(**{f"to_{kind}": entity}))
    types = link_types()
    groups: dict[str, list[LinkView]] = defaultdict(list)
    for link in links:
        is_source = link.source_entity == entity
        other = link.target_entity if is_source else link.source_entity
        if not can_see_record(user, other):
            continue
        link_type = types.get(link.link_type)
        label = link_type.label_from(is_source) if link_type else link.link_type
        other_kind = {Person: "person", PoleObject: "object", Location: "location"}[type(other)]
        groups[label].append(LinkView(link=link, label=label, other=other, other_kind=other_kind))
    return EntityLinks(groups=dict(sorted(groups.items())))


def timeline(
    user: Any,
    entity: Person | PoleObject | Location,
    *,
    event_types: list[str] | None = None,
) -> QuerySet[Event]:
    """Every event the entity is in that the user may see, newest first."""
    if isinstance(entity, Person):
        in_event = Q(involved_people__person=entity)
    elif isinstance(entity, PoleObject):
        in_event = Q(involved_objects__pole_object=entity)
    else:
        in_event = Q(involved_locations__location=entity)
    events = visible_records(user, Event.objects.filter(in_event)).distinct()
    if event_types:
        events = events.filter(event_type__in=event_types)
    return (
        events.select_related("intelligence", "owning_agency")
        .prefetch_related(*_participant_prefetches(user))
        .order_by("-occurred_at", "-id")
    )


def _participant_prefetches(user: Any) -> list[Prefetch]:
    """An event's people, objects and locations, less those the user may not see."""
    return [
        Prefetch(
            "involved_people",
            queryset=EventPerson.objects.filter(visibility_q(user, "person__")).select_related(
                "person"
            ),
        ),
        Prefetch(
            "involved_objects",
            queryset=EventObject.objects.filter(visibility_q(user, "pole_object__")).select_related(
                "pole_object"
            ),
        ),
        Prefetch(
            "involved_locations",
            queryset=EventLocation.objects.filter(visibility_q(user, "location__")).select_related(
                "location"
            ),
        ),
    ]


def recent_records(user: Any, limit: int = 10) -> list[Any]:
    """The people the user last opened (from their own audit trail), most recent first."""
    from vigil.audit.models import AuditEntry

    ids: list[int] = []
    for object_id in (
        AuditEntry.objects.filter(
            user_id_at_time=user.pk, action=Action.CONSULTATION, object_type="person"
        )
        .order_by("-id")
        .values_list("object_id", flat=True)[:200]
    ):
        if object_id.isdigit() and int(object_id) not in ids:
            ids.append(int(object_id))
        if len(ids) == limit:
            break
    people = {p.pk: p for p in visible_records(user, Person.objects.filter(pk__in=ids))}
    return [people[pk] for pk in ids if pk in people]


# --- Search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateOfBirthQuery:
    """An exact date, a month or a year of birth, or an age range on a given day."""

    earliest: date
    latest: date


_DOB_FULL = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DOB_MONTH = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_DOB_YEAR = re.compile(r"^(\d{4})$")


def parse_date_of_birth_query(text: str) -> DateOfBirthQuery | None:
    """'14/03/2010' (an exact date), '03/2010' (a month), '2010' (a year), or ISO dates.
    Returns None when the text is not a date; raises ValueError for an impossible date."""
    value = text.strip()
    if match := _DOB_FULL.match(value):
        day, month, year = (int(part) for part in match.groups())
        exact = date(year, month, day)
        return DateOfBirthQuery(exact, exact)
    if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        exact = date.fromisoformat(value)
        return DateOfBirthQuery(exact, exact)
    if match := _DOB_MONTH.match(value):
        month, year = (int(part) for part in match.groups())
        start = date(year, month, 1)
        return DateOfBirthQuery(start, start + relativedelta(months=1, days=-1))
    if match := _DOB_YEAR.match(value):
        year = int(match.group(1))
        if 1900 <= year <= 2100:
            return DateOfBirthQuery(date(year, 1, 1), date(year, 12, 31))
    return None


def age_range_query(min_age: int | None, max_age: int | None, on: date) -> DateOfBirthQuery:
    """People aged between min_age and max_age (inclusive) on `on`."""
    earliest = on - relativedelta(years=(max_age if max_age is not None else 120) + 1, days=-1)
    latest = on - relativedelta(years=min_age or 0)
    return DateOfBirthQuery(earliest, latest)


@dataclass
class PersonHit:
    person: Person
    score: int
    matched_on: list[str]


@dataclass
class SearchResults:
    people: list[PersonHit]
    people_total: int
    objects: list[PoleObject]
    locations: list[Location]


def _name_candidates(text: str, limit: int) -> dict[int, tuple[int, list[str]]]:
    """person id -> (score, matched keys) for people matching every name token."""
    tokens = name_tokens(text)
    if not tokens:
        return {}
    scores: dict[int, int] | None = None
    how: dict[int, list[str]] = defaultdict(list)
    for token in tokens:
        keys = token_keys(token)
        best: dict[int, int] = {}
        for person_id, key in NameKey.objects.filter(key__in=list(keys)).values_list(
            "person_id", "key"
        )[: limit * 50]:
            weight = keys[key]
            if weight > best.get(person_id, 0):
                best[person_id] = weight
        # A short prefix ('kay' typed so far) also matches exact tokens that start with it.
        if len(token) >= 3:
            for person_id in NameKey.objects.filter(key__startswith=f"x:{token}").values_list(
                "person_id", flat=True
            )[: limit * 50]:
                best.setdefault(person_id, 1)
        if scores is None:
            scores = best
        else:
            scores = {pid: scores[pid] + w for pid, w in best.items() if pid in scores}
        for person_id in best:
            how[person_id].append(token)
        if not scores:
            return {}
    return {pid: (score, how[pid]) for pid, score in (scores or {}).items()}


def search(
    user: Any,
    *,
    text: str = "",
    date_of_birth: DateOfBirthQuery | None = None,
    page: int = 1,
    page_size: int = 25,
    audit: bool = True,
) -> SearchResults:
    """Search people (names incl. aliases and nicknames, tolerant of typos), objects (phone,
    VRM, handle) and locations (postcode). Every person shown is logged as consulted."""
    text = text.strip()
    people_qs = visible_records(user, Person.objects.all())
    hits: list[PersonHit] = []
    total = 0
    objects: list[PoleObject] = []
    locations: list[Location] = []

    compact = re.sub(r"\s+", "", text)
    phone = normalise_phone(text) if re.fullmatch(r"[+\d\s()-]{7,}", text) else ""
    if phone:
        objects = list(
            visible_records(user, PoleObject.objects.filter(search_key=phone))[:page_size]
        )
        person_ids = Link.objects.filter(
            visibility_q(user), to_object__in=objects, from_person__isnull=False
        ).values_list("from_person_id", flat=True)
        people_qs = people_qs.filter(pk__in=person_ids)
        ranked = [(pid, 1, ["phone"]) for pid in people_qs.values_list("pk", flat=True)]
    elif text:
        if (
            compact
            and len(compact) <= 8
            and compact.isalnum()
            and any(c.isdigit() for c in compact)
        ):
            objects = list(
                visible_records(user, PoleObject.objects.filter(search_key=normalise_vrm(text)))[
                    :page_size
                ]
            )
            locations = list(
                visible_records(
                    user, Location.objects.filter(postcode_key=normalise_postcode(text))
                )[:page_size]
            )
            if not locations and len(compact) <= 4:
                locations = list(
                    visible_records(
                        user,
                        Location.objects.filter(postcode_key__startswith=normalise_postcode(text)),
                    )[:page_size]
                )
        handle = normalise_handle(text)
        if text.startswith("@") or not objects:
            objects += list(
                visible_records(user, PoleObject.objects.filter(search_key=handle)).exclude(
                    pk__in=[o.pk for o in objects]
                )[:page_size]
            )
        candidates = _name_candidates(text, limit=page_size * page)
        people_qs = people_qs.filter(pk__in=list(candidates)) if candidates else people_qs.none()
        if date_of_birth:
            people_qs = people_qs.filter(
                date_of_birth__gte=date_of_birth.earliest, date_of_birth__lte=date_of_birth.latest
            )
        ranked = [
            (pid, candidates[pid][0], candidates[pid][1])
            for pid in people_qs.values_list("pk", flat=True)
        ]
    elif date_of_birth:
        people_qs = people_qs.filter(
            date_of_birth__gte=date_of_birth.earliest, date_of_birth__lte=date_of_birth.latest
        )
        ranked = [
            (pid, 1, ["date of birth"]) for pid in people_qs.values_list("pk", flat=True)[:1000]
        ]
    else:
        ranked = []

    ranked.sort(key=lambda row: (-row[1], row[0]))
    total = len(ranked)
    window = ranked[(page - 1) * page_size : page * page_size]
    by_id = {p.pk: p for p in Person.objects.filter(pk__in=[row[0] for row in window])}
    hits = [
        PersonHit(person=by_id[pid], score=score, matched_on=how)
        for pid, score, how in window
        if pid in by_id
    ]
    if audit and (hits or objects or locations):
        shown = [("person", hit.person.pk) for hit in hits]
        shown += [("poleobject", obj.pk) for obj in objects]
        shown += [("location", loc.pk) for loc in locations]
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=shown,
            detail={"via": "search", "query": text[:200]},
        )
    return SearchResults(people=hits, people_total=total, objects=objects, locations=locations)


def timeline_events(user: Any, event_ids: list[int]) -> list[Event]:
    """Events by id with their participants, for display (already access-checked by caller)."""
    return list(
        visible_records(user, Event.objects.filter(pk__in=event_ids))
        .select_related("intelligence", "owning_agency", "created_by")
        .prefetch_related(*_participant_prefetches(user))
    )
