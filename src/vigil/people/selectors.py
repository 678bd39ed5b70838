"""Every read of POLE case data goes through here: each function checks need-to-know first and
writes a consultation entry to the audit log for each record it shows."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection
from django.db.models import Count, Model, Prefetch, Q, QuerySet, Value, Window
from django.http import Http404, HttpRequest

from vigil.accounts.access import can_see_record, visibility_q, visible_records
from vigil.accounts.justification import justification_for
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.identifiers import (
    is_valid_postcode,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
)
from vigil.core.links import link_types
from vigil.core.names import EXACT_WEIGHT, name_tokens
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    Link,
    Location,
    Person,
    PoleObject,
)
from vigil.people.name_index import NameQuery

M = TypeVar("M", bound=Model)


def get_visible(
    user: Any,
    model: type[M],
    pk: object,
    *,
    justification: str = "",
    audit: bool = True,
    request: HttpRequest | None = None,
) -> M:
    """Fetch one case record the user may see, or 404 — the same 404 whether it does not exist
    or is hidden, so an unauthorised user does not learn that it exists.

    Pages pass `request`: a sensitive record then needs the session's answer to "why are you
    looking?" (raises JustificationRequired until given), which becomes the justification."""
    try:
        record = model._default_manager.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not can_see_record(user, record):
        raise Http404
    if request is not None and not justification:
        justification = justification_for(request, record)
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


SHOWN_ON_ANOTHER_PAGE = "shown on "


def audit_people_shown(user: Any, person_ids: Iterable[int], *, via: str) -> None:
    """A page about one record that names other people (an event's people, a record's links)
    consults them too: one entry per person, so "who has looked at this person?" finds it
    (DPA 2018 s62)."""
    shown = sorted(set(person_ids))
    if shown:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("person", pk) for pk in shown],
            detail={"via": SHOWN_ON_ANOTHER_PAGE + via},
        )


def links_of(
    user: Any, entity: Person | PoleObject | Location, *, audit: bool = True
) -> EntityLinks:
    """The entity's links the user may see, grouped by how they read from the entity's side;
    a link whose other end the user may not see is left out entirely. The people at the other
    ends are audited as consulted (the page names them)."""
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
    if audit:
        audit_people_shown(
            user,
            (
                view.other.pk
                for views in groups.values()
                for view in views
                if view.other_kind == "person" and view.other is not None
            ),
            via=f"links of {kind} {entity.pk}",
        )
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
        # Not the people only named on another record's page (audit_people_shown).
        .filter(Q(detail__via__isnull=True) | ~Q(detail__via__startswith=SHOWN_ON_ANOTHER_PAGE))
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
    # True when there are more people than `people_total` (PEOPLE_COUNT_LIMIT): a common name
    # is counted only so far ("more than 200 found").
    people_total_is_lower_bound: bool = False

    @property
    def people_found(self) -> str:
        """'23 found', 'more than 200 found'."""
        if self.people_total_is_lower_bound:
            return f"more than {self.people_total:,} found"
        return f"{self.people_total:,} found"


# Name matches are counted up to here ("more than 200 found"; 8 pages): counting all 23,845
# matches of 'William Williams' at a million records costs more than the search, and a name
# that common needs a date of birth or an age range to narrow it. Up to this many matches are
# also ranked in one query; more are paged a score at a time (NameQuery.levels).
PEOPLE_COUNT_LIMIT = 200


def _page(
    people: QuerySet[Person], score: Any, page: int, page_size: int
) -> tuple[list[Person], int]:
    """One page of people, best first then oldest record first, each with `search_score`, and
    the total: one query, the database counting the matches as it ranks them."""
    offset = (page - 1) * page_size
    found: list[Person] = list(
        people.annotate(search_score=score, search_total=Window(Count("pk"))).order_by(
            "-search_score", "pk"
        )[offset : offset + page_size]
    )
    if found:
        return found, int(getattr(found[0], "search_total"))  # noqa: B009 - an annotation
    return [], people.count() if page > 1 else 0


def _name_page(
    people: QuerySet[Person], query: NameQuery, page: int, page_size: int
) -> tuple[list[Person], int, bool]:
    """One page of the people in `people` (need-to-know applied) whose names match, best score
    first then oldest record first, with how many were found (counted up to PEOPLE_COUNT_LIMIT;
    the flag says there are more).

    Two phases. First the index alone gives the ids of up to PEOPLE_COUNT_LIMIT + 1 matches
    (close matches first: a common name has more of those than the limit, and they come from
    short index entries), and need-to-know counts those. If that is every match, they are
    ranked in one query. Otherwise (a common name) the page is taken a score at a time, each
    score an index query of its own read in id order only as far as the page needs: the exact
    full-name matches come first and tens of thousands of near matches are never ranked."""
    vendor = connection.vendor
    limit = PEOPLE_COUNT_LIMIT

    def shown(ids: list[int]) -> int:
        return people.filter(pk__in=ids).order_by().count()

    close = query.first_ids(vendor, limit + 1, level=query.close_matches())
    if len(close) > limit and shown(close) > limit:
        total, more = limit, True
    else:
        ids = query.first_ids(vendor, limit + 1)
        if len(ids) <= limit:
            # Every match: ranked (and counted) in one query.
            found, total = _page(people.filter(pk__in=ids), query.score(), page, page_size)
            return found, total, False
        total = shown(ids)
        if total <= limit:
            # Most of the first matches are hidden from this user: count all they may see.
            matching = people.filter(query.matches_by_join(vendor)).order_by()
            total = matching.values("pk")[: limit + 1].count()
        more = total > limit
        total = min(total, limit)
    offset = (page - 1) * page_size
    levels = query.levels()
    if levels is None:
        ranked = people.filter(query.matches(vendor)).annotate(search_score=query.score())
        found = list(ranked.order_by("-search_score", "pk")[offset : offset + page_size])
        return found, total, more
    wanted = offset + page_size
    in_order: list[tuple[Any, int]] = []  # (person, or its id past the first page; score)
    for level in levels:
        at_level = people.filter(query.matches(vendor, level=level)).order_by("pk")
        rows = at_level if offset == 0 else at_level.values_list("pk", flat=True)
        in_order += [(row, level.score) for row in rows[: wanted - len(in_order)]]
        if len(in_order) >= wanted:
            break
    on_page = in_order[offset:wanted]
    if offset:
        by_id = Person.objects.in_bulk([pk for pk, _ in on_page])
        on_page = [(by_id[pk], score) for pk, score in on_page if pk in by_id]
    found = []
    for person, score in on_page:
        person.search_score = score
        found.append(person)
    return found, total, more


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _postcode_prefix(prefix: str) -> Q:
    """Postcodes starting with `prefix` as an index range (a LIKE cannot use the index on
    SQLite, where LIKE ignores case)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(postcode_key__gte=prefix, postcode_key__lt=upper)


def _name_matched_on(person: Person, name: NameQuery) -> list[str]:
    """Why a person is in a name search's results, in the user's words: every word is in
    their name; every word is, exactly, in another name recorded for them (an alias, a former
    name); or a word only resembles theirs (a nickname, another spelling, a sound-alike)."""
    own = set(name_tokens(f"{person.given_names} {person.family_name}"))
    words = name.token_texts
    if all(word in own for word in words):
        return ["name"]
    if int(getattr(person, "search_score")) >= EXACT_WEIGHT * len(words):  # noqa: B009
        return ["another recorded name"]
    return ["a similar name (nickname, spelling or sound)"]


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
    VRM, handle) and locations (postcode). Every person shown is logged as consulted.

    Each lookup is one indexed query with need-to-know (`visible_records`) inside it: names
    through the full-text index (people.name_index), identifiers through their normalised
    keys. A name search counts the matches up to a limit and ranks a page of them without
    ranking every match (`_name_page`), whatever the number of people."""
    # Control characters (a pasted NUL) can match nothing, and PostgreSQL refuses NUL.
    text = _CONTROL.sub(" ", text).strip()
    objects: list[PoleObject] = []
    locations: list[Location] = []
    people: QuerySet[Person] | None = None
    name: NameQuery | None = None
    matched_on: list[str] = []

    compact = re.sub(r"\s+", "", text)
    phone = normalise_phone(text) if re.fullmatch(r"[+\d\s()-]{7,}", text) else ""
    if phone:
        objects = list(
            visible_records(user, PoleObject.objects.filter(search_key=phone))[:page_size]
        )
        # The phone's users, through links the user may see (a hidden link reveals nobody).
        # A link is visible when it is and so are both its ends: its phone is one of
        # `objects` (visible) and its person is checked by `people` below, so the link's own
        # check of its ends (21 subqueries to compile) is left out.
        person_ids = (
            list(
                Link.objects.filter(
                    visibility_q(user, ends=False),
                    to_object__in=[obj.pk for obj in objects],
                    from_person__isnull=False,
                ).values_list("from_person_id", flat=True)
            )
            if objects
            else []
        )
        people = visible_records(user, Person.objects.filter(pk__in=person_ids))
        matched_on = ["phone"]
    elif text:
        # A registration mark and an online handle are both exact keys of PoleObject: one
        # lookup for both.
        keys = {normalise_handle(text)}
        maybe_identifier = (
            compact
            and len(compact) <= 8
            and compact.isalnum()
            and any(c.isdigit() for c in compact)
        )
        if maybe_identifier:
            keys.add(normalise_vrm(text))
            postcode = normalise_postcode(text)
            # Stored postcodes are valid ones (people.services checks them), so a registration
            # mark or a handle needs no exact postcode lookup: one round trip fewer.
            if is_valid_postcode(text):
                locations = list(
                    visible_records(user, Location.objects.filter(postcode_key=postcode))[
                        :page_size
                    ]
                )
            if not locations and len(compact) <= 4:
                locations = list(
                    visible_records(user, Location.objects.filter(_postcode_prefix(postcode)))[
                        :page_size
                    ]
                )
        objects = list(
            visible_records(user, PoleObject.objects.filter(search_key__in=keys)).order_by("pk")[
                :page_size
            ]
        )
        name = NameQuery.parse(text)
        if name is not None:
            people = visible_records(user, Person.objects.all())
            if date_of_birth:
                people = people.filter(
                    date_of_birth__gte=date_of_birth.earliest,
                    date_of_birth__lte=date_of_birth.latest,
                )
    elif date_of_birth:
        people = visible_records(
            user,
            Person.objects.filter(
                date_of_birth__gte=date_of_birth.earliest, date_of_birth__lte=date_of_birth.latest
            ),
        )
        matched_on = ["date of birth"]

    shown: list[Person] = []
    total, more = 0, False
    if people is not None and name is not None:
        shown, total, more = _name_page(people, name, page, page_size)
    elif people is not None:
        shown, total = _page(people, Value(1), page, page_size)
    hits = [
        PersonHit(
            person=person,
            score=int(getattr(person, "search_score")),  # noqa: B009 - an annotation
            matched_on=_name_matched_on(person, name) if name is not None else list(matched_on),
        )
        for person in shown
    ]
    if audit and (hits or objects or locations):
        consulted = [("person", hit.person.pk) for hit in hits]
        consulted += [("poleobject", obj.pk) for obj in objects]
        consulted += [("location", loc.pk) for loc in locations]
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=consulted,
            detail={"via": "search", "query": text[:200]},
        )
    return SearchResults(
        people=hits,
        people_total=total,
        objects=objects,
        locations=locations,
        people_total_is_lower_bound=more,
    )


def timeline_events(user: Any, event_ids: list[int]) -> list[Event]:
    """Events by id with their participants, for display (already access-checked by caller)."""
    return list(
        visible_records(user, Event.objects.filter(pk__in=event_ids))
        .select_related("intelligence", "owning_agency", "created_by")
        .prefetch_related(*_participant_prefetches(user))
    )
