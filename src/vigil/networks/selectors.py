"""Network analysis reads (issue 10): the POLE store drawn as a graph for one user, a person's
network to two hops, the path between two people, and the whole-force search for group-based
CSE. The graph maths lives in `vigil.core.networks`; this module decides what goes in.

What becomes the graph (need-to-know first: only records `visible_records` lets the user see):

- Nodes: people, phones, vehicles, online accounts and locations ("other" objects have no node
  kind in the core and are left out). A record the user may not see is not a node, so it is
  neither drawn nor counted, and no link through it is drawn either.
- A person's role (`person_role`):
  * "suspect" when an officer has flagged them as a suspect;
  * "victim" when flagged as a known victim;
  * "at_risk" for a child (under 18 today, `vigil.core.dates.age_on`) named as "victim or
    person at risk" in any event the user may see, or as the subject of a concern or missing
    episode (the guidance's warning signs: going missing and concerns raised by partners);
  * otherwise "none". Roles come only from records the user may see.
- Links:
  * every `people.Link` (typed, dated, graded "recorded fact"); its id is "link:<pk>";
  * co-occurrence in an event: two people -> "seen_with" ("found_with" when either was found
    with the other; "referred_together" when the event is a referral, which puts people on one
    form, not in one place); person + object -> the object's role ("travelled_in", "used", "seen",
    "seized"); person + location -> "found_at", "stayed_at" or "seen_at" by the location's
    role; object + location -> "seen_at". A "reported by" person was not there and makes no
    link. Dated by the event, graded "recorded fact"; id "event:<pk>";
  * an intelligence report's event gives the same co-occurrence links graded with the
    report's 3x5x2 ("2B P"). A handling-code C report becomes links only for users within its
    conditions; until conditions are recorded as data, that means users of the agency that
    owns the report (APP Intelligence management: C material is shared only as its
    conditions allow).

Reading: a person's network, expanding a node and the path between two people read only the
records near them (`local_graph`, `_search_path`), so they cost the same in a pilot and a force.
The whole network a user may see (`pole_graph`, kept per user in this process, see `_Memo`) is
read only for an export fallback and a path too long to search from its ends.

The search for group-based CSE finds communities in every record (seconds at force scale), so
it runs as a job (`vigil networks-analyse`, nightly and after imports) or when an analyst asks,
and its candidate groups are kept (`CommunityAnalysis`). Whenever a user looks, each candidate
is checked again in what that user may see now (`_check_candidates`): a record they may not
see is neither shown nor counted, a flag resting on one is not shown, and an edit that breaks
a flag shows at once. The Groups screen says when records have changed since the run.

Communities: modularity judges a community against the whole graph, so in a small database (a
pilot, the demo) where one group is most of the records, plain modularity (resolution 1)
splits even a tight group, each suspect with his own phones and places. The core raises the
resolution above MODULARITY_REFERENCE_WEIGHT of links, judging each group as if the graph held
that much; below it we lower the resolution in proportion, to a floor of
`RESOLUTION_FLOOR` (below which a small database's communities become its connected
components). At force scale this is exactly the core's default.

The whole-force search finds tight groups (`vigil.core.networks.tight_communities`): links
weighted by type (shared phones, cars, found-with over lives-at and attends), hubs (schools,
shopping centres, stations) and crowded events discounted, candidate communities larger than
an offending network searched again, and each flagged group trimmed to its suspects and what is
within two links of them. On the 50,000-person demo its flagged groups are 6-95 records, not
hundreds (`benchmarks/networks_synthetic.py`).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from vigil.accounts.access import can_see_record, visibility_q
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.dates import age_on
from vigil.core.links import link_types
from vigil.core.networks import (
    MODULARITY_REFERENCE_WEIGHT,
    RECORDED_FACT,
    Communities,
    GroupFlag,
    Hop,
    KeyPlayer,
    Link,
    Network,
    NetworkView,
    Node,
    analyse,
    build_network,
    flag_group_based_cse,
    neighbourhood,
    rank_key_players,
    shortest_path,
)
from vigil.networks.models import CommunityAnalysis
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    EventType,
    HandlingCode,
    Location,
    ObjectKind,
    Person,
    PersonFlag,
    PoleObject,
)
from vigil.people.models import Link as PoleLink

# The graph is keyed by the data stamps, so this only bounds memory held for idle users.
GRAPH_SECONDS = 60 * 60
# The lowest Leiden resolution used (see the module docstring): at 0.5 a group of associated
# suspects and the children they share stays one community in a database of a few dozen links.
RESOLUTION_FLOOR = 0.5
# Up to this many records (people, objects, places, events and links) a page runs the community
# search itself when it has never run (well under a second); above it, pages wait for the job
# (`vigil networks-analyse`) or the Groups view to run it.
INLINE_ANALYSIS_RECORDS = 20_000

ADULT_AGE = 18  # Children Act 1989 s105: a child is a person under 18
# The object kinds the core draws (its NODE_KINDS); "other" objects have none.
OBJECT_NODE_KIND = {
    ObjectKind.VEHICLE: "vehicle",
    ObjectKind.PHONE: "phone",
    ObjectKind.ONLINE_ACCOUNT: "account",
}
RECORD_TYPE = {"person": "person", "object": "poleobject", "location": "location"}
# Events where a child named as the subject is a child at risk: the guidance's warning signs
# of going missing and of concerns raised by partners ("Identifying CSE").
AT_RISK_SUBJECT_EVENTS = frozenset({EventType.CONCERN, EventType.MISSING_EPISODE})

# How co-occurrence links read in the chart and tables (people.Link types read as the policy
# file says).
CO_OCCURRENCE_LABELS = {
    "seen_with": "seen with",
    "referred_together": "referred together",
    "found_with": "found with",
    "travelled_in": "travelled in",
    "used": "used",
    "seen": "seen with (object)",
    "seized": "had seized",
    "found_at": "found at",
    "stayed_at": "stayed at",
    "seen_at": "seen at",
}
LOCATION_ROLE_KIND: dict[str, str] = {
    EventLocation.Role.FOUND_AT: "found_at",
    EventLocation.Role.STAYED_AT: "stayed_at",
}
ROLE_LABELS = {
    "suspect": "Suspect",
    "victim": "Known victim",
    "at_risk": "Child at risk",
    "none": "",
}
KIND_LABELS = {
    "person": "Person",
    "phone": "Phone",
    "vehicle": "Vehicle",
    "account": "Online account",
    "location": "Location",
}
GRADE_CHOICES = [
    ("", "Any grading"),
    ("1A", "1A only"),
    ("1B", "1B or better"),
    ("2B", "2B or better"),
    ("2C", "2C or better"),
    (RECORDED_FACT, "Recorded facts only (no intelligence)"),
]


def known_link_kinds() -> list[tuple[str, str]]:
    """Every link kind the graph can hold, as (code, label): the policy's link types and the
    kinds made from events."""
    codes = [*link_types(), *CO_OCCURRENCE_LABELS]
    return sorted({(code, link_kind_label(code)) for code in codes}, key=_by_label)


def link_kind_label(kind: str) -> str:
    link_type = link_types().get(kind)
    if link_type is not None:
        return link_type.label
    return CO_OCCURRENCE_LABELS.get(kind, kind.replace("_", " "))


# --- the graph ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeInfo:
    """A node as people read it: what it is, who, and where its record is."""

    id: str
    kind: str
    role: str
    label: str
    url: str
    record_type: str
    pk: int
    restricted: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def is_child_at_risk(self) -> bool:
        return self.role in ("victim", "at_risk")


@dataclass(frozen=True)
class Evidence:
    """The record a link came from: a people.Link or an event (incl. intelligence)."""

    id: str
    label: str
    url: str
    handling_conditions: str = ""


@dataclass(frozen=True)
class NetworkFilters:
    """What the user asked to see. Links with no dates (family links, say) are always kept:
    they cannot be shown to fall outside a window."""

    start: date | None = None
    end: date | None = None
    link_kinds: tuple[str, ...] = ()
    minimum_grade: str = ""

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.link_kinds or self.minimum_grade)


@dataclass
class PoleGraph:
    """Everything one user may see as network records, with labels and evidence."""

    nodes: dict[str, NodeInfo]
    links: list[Link]
    evidence: dict[str, Evidence]
    restricted_allowed: frozenset[str]
    access_stamp: str
    change_stamp: str
    built_at: datetime
    _network: Network | None = field(default=None, repr=False, compare=False)
    # Hubs shown but not followed further (`local_graph`): node id -> its links and events.
    unexpanded: dict[str, int] = field(default_factory=dict)

    @property
    def network(self) -> Network:
        if self._network is None:
            self._network = build_network(
                (Node(n.id, n.kind, n.role) for n in self.nodes.values()), self.links
            )
        return self._network

    def view(self, filters: NetworkFilters | None = None) -> NetworkView:
        filters = filters or NetworkFilters()
        window = (filters.start, filters.end) if (filters.start or filters.end) else None
        return self.network.view(
            window=window,
            include_undated=True,
            link_kinds=filters.link_kinds or None,
            minimum_grade=filters.minimum_grade or None,
            may_see_restricted=self.restricted_allowed,
        )

    def link_kinds(self) -> list[tuple[str, str]]:
        """Link kinds present, as (code, label), for the filter."""
        return sorted(
            {(link.kind, link_kind_label(link.kind)) for link in self.links}, key=_by_label
        )


def _by_label(item: tuple[str, str]) -> str:
    return item[1]


class _Memo:
    """A small process-local store, least recently used out first, entries expiring. Not
    Django's cache: that pickles, and unpickling a force's graph (100,000+ records) takes
    longer than building it. Per process, as the default local-memory cache is."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, value: Any, seconds: float) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + seconds, value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# A force's graph is hundreds of megabytes: keep the few most recently used.
_GRAPHS = _Memo(size=4)


def clear_caches() -> None:
    """Forget every kept graph and run (tests; or after a bulk import)."""
    _GRAPHS.clear()
    _RUNS.clear()
    _TOTALS.clear()
    _SYSTEM_CHECKS.clear()


@dataclass(frozen=True)
class Stamps:
    """`access` changes when the set of records the user may see changes (added, removed,
    restricted or shared), `change` when any record is edited; `records` counts what they may
    see. Asking the one permission layer for the ids keeps the keys right whatever that
    policy becomes."""

    access: str
    change: str
    records: int


_STAMPED = (
    ("person", Person),
    ("object", PoleObject),
    ("location", Location),
    ("event", Event),
    ("link", PoleLink),
)


def data_stamps(user: Any | None) -> Stamps:
    """Two queries however many records: a person's page asks on every view."""
    visible = [
        _visible(user, model._default_manager.order_by()).values_list(_kind(kind), "pk")
        for kind, model in _STAMPED
    ]
    ids = sorted(visible[0].union(*visible[1:], all=True))
    access = hashlib.sha256(";".join(f"{kind}:{pk}" for kind, pk in ids).encode())
    return Stamps(access.hexdigest()[:16], change_stamp(), len(ids))


def change_stamp() -> str:
    """Changes when any network record is added or edited: one query (the newest edit of each
    kind of record)."""
    # Table and column names come from the models, never from input.
    quote = connection.ops.quote_name
    latest = " UNION ALL ".join(
        f"SELECT MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)}"  # noqa: S608
        for _, model in _STAMPED
    )
    with connection.cursor() as cursor:
        cursor.execute(latest)
        change = hashlib.sha256(repr(cursor.fetchall()).encode())
    return change.hexdigest()[:16]


# Person pages ask for the stamps on every view; reading every visible record id costs about a
# second at force scale, so a page reuses a user's stamps for a short while. A record that
# became visible in that window reaches the panel's flags a minute later at most.
PAGE_STAMPS_MAX_AGE_SECONDS = 60.0
_PAGE_STAMPS: dict[tuple[Any, ...], tuple[float, Stamps]] = {}


def recent_data_stamps(user: Any | None) -> Stamps:
    if user is None or not getattr(user, "pk", None):
        return data_stamps(user)
    now = time.monotonic()
    key = (user.pk, user.date_joined, user.agency_id)
    cached = _PAGE_STAMPS.get(key)
    if cached is not None and now - cached[0] < PAGE_STAMPS_MAX_AGE_SECONDS:
        return cached[1]
    stamps = data_stamps(user)
    _PAGE_STAMPS[key] = (now, stamps)
    return stamps


def _kind(kind: str) -> Value:
    return Value(kind, output_field=CharField())


def _viewer_key(user: Any | None, stamps: Stamps) -> str:
    """Two users who may see exactly the same records (the access stamp) in the same agency
    (which decides handling-code C) see the same graph, so they share it."""
    agency = "system" if user is None else f"a{user.agency_id}"
    return f"{agency}:{stamps.access}"


def pole_graph(user: Any | None, stamps: Stamps | None = None) -> PoleGraph:
    """The whole network `user` may see (None: every record, for system jobs; no
    handling-code C links then, as no one's conditions are known). Rebuilt whenever what the
    user may see, or any record, changes."""
    stamps = stamps or data_stamps(user)
    key = f"{_viewer_key(user, stamps)}:{stamps.change}"
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = _collect(user, stamps.access, stamps.change)
        _GRAPHS.set(key, graph, GRAPH_SECONDS)
    return graph


Scope = dict[str, set[int]]


# A place or thing with more links and events than this is shown in a person's network but
# not followed further: a hotel where hundreds of children have been found, a school or a
# station would otherwise pull thousands of unrelated records into one child's picture (and
# take tens of seconds). The same idea as the hubs the group search discounts.
NETWORK_HUB_LIMIT = 50


def local_graph(
    user: Any, centre: str, *, hops: int, hub_limit: int | None = NETWORK_HUB_LIMIT
) -> PoleGraph:
    """The records within `hops` of `centre` that `user` may see, and every link among them:
    what a person's network needs, without reading the whole force. Beyond the centre, a
    place or thing with more than `hub_limit` links and events is a node of the picture but is
    not followed further (None: follow everything); such hubs are in `graph.unexpanded`."""
    scope, hubs = _scope_around(user, centre, hops, hub_limit=hub_limit)
    followed: Scope = {kind: set(ids) for kind, ids in scope.items()}
    for node in hubs:
        kind, pk = node.split(":")
        followed[kind].discard(int(pk))
    graph = _collect(user, "", "", scope=scope, followed=followed)
    graph.unexpanded = {node: count for node, count in hubs.items() if node in graph.nodes}
    return graph


def hubs_not_followed(graph: PoleGraph) -> list[NodeInfo]:
    """The places and things `local_graph` drew but did not follow further, by name."""
    return sorted((graph.nodes[node] for node in graph.unexpanded), key=lambda n: n.label)


def _scope_around(
    user: Any, centre: str, hops: int, *, hub_limit: int | None = None
) -> tuple[Scope, dict[str, int]]:
    """Ids within `hops` links or shared events of `centre` (visibility is applied when the
    graph is built from them), and the hubs not followed (node id -> links and events)."""
    kind, pk = centre.split(":")
    scope: Scope = {"person": set(), "object": set(), "location": set()}
    scope[kind].add(int(pk))
    frontier: Scope = {"person": set(), "object": set(), "location": set()}
    frontier[kind].add(int(pk))
    hubs: dict[str, int] = {}
    for hop in range(hops):
        if hop and hub_limit is not None:
            for node_kind, node_pk, count in _hub_counts(frontier, hub_limit):
                frontier[node_kind].discard(node_pk)
                hubs[f"{node_kind}:{node_pk}"] = count
        found = _neighbour_ids(user, frontier)
        frontier = {k: found[k] - scope[k] for k in scope}
        if not any(frontier.values()):
            break
        for k in scope:
            scope[k] |= frontier[k]
    return scope, hubs


def _hub_counts(frontier: Scope, limit: int) -> list[tuple[str, int, int]]:
    """The places and things in `frontier` with more than `limit` links and event
    appearances, with that count (grouped counts over indexed columns; people are never
    hubs: a person's associates are what a network is for)."""
    tallies: list[QuerySet[Any]] = []
    for kind, participant, column in (
        ("object", EventObject, "pole_object_id"),
        ("location", EventLocation, "location_id"),
    ):
        ids = frontier[kind]
        if not ids:
            continue
        tallies.append(
            participant.objects.filter(**{f"{column}__in": ids})
            .order_by()
            .values_list(column)
            .annotate(n=Count("pk"), kind=Value(kind))
        )
        tallies.extend(
            PoleLink.objects.filter(**{f"{side}_{kind}_id__in": ids})
            .order_by()
            .values_list(f"{side}_{kind}_id")
            .annotate(n=Count("pk"), kind=Value(kind))
            for side in ("from", "to")
        )
    if not tallies:
        return []
    # One statement for every tally: a person's page pays one query for this, not six.
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for pk, n, kind in tallies[0].union(*tallies[1:], all=True):
        counts[(kind, pk)] += n
    return [(kind, pk, n) for (kind, pk), n in sorted(counts.items()) if n > limit]


def _neighbour_ids(user: Any, frontier: Scope) -> Scope:
    """Ids one link or shared event away from `frontier`, whether or not `user` may see them:
    a scope only says which records to read, and `_collect` reads only those the user may
    see (so the scope is a superset, which `_search_path` relies on). Leaving the
    permission filter to `_collect` keeps each step to two plain indexed queries."""
    found: Scope = {"person": set(), "object": set(), "location": set()}
    touching = Q(pk__in=[])
    for kind, ids in frontier.items():
        if ids:
            touching |= Q(**{f"from_{kind}_id__in": ids}) | Q(**{f"to_{kind}_id__in": ids})
    ends = ("person", "object", "location")
    for row in PoleLink.objects.filter(touching).values_list(
        *(f"{side}_{kind}_id" for side in ("from", "to") for kind in ends)
    ):
        for i, value in enumerate(row):
            if value is not None:
                found[ends[i % 3]].add(value)
    events = Event.objects.filter(_involving(frontier)).values("pk")
    parts = [
        model.objects.filter(event_id__in=events).order_by().values_list(_kind(kind), column)
        for model, column, kind in _PARTICIPANTS
    ]
    for kind, pk in parts[0].union(*parts[1:], all=True):
        found[kind].add(pk)
    return found


_PARTICIPANTS = (
    (EventPerson, "person_id", "person"),
    (EventObject, "pole_object_id", "object"),
    (EventLocation, "location_id", "location"),
)


def _involving(scope: Scope) -> Q:
    """Events with anyone or anything in `scope` in them (indexed subqueries, not joins)."""
    q = Q(pk__in=[])
    for model, column, kind in _PARTICIPANTS:
        if scope[kind]:
            rows = model.objects.filter(**{f"{column}__in": scope[kind]})
            q |= Q(pk__in=rows.values("event_id"))
    return q


def _visible(user: Any | None, queryset: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    if user is None:
        return queryset
    return queryset.filter(visibility_q(user, prefix))


def _collect(
    user: Any | None,
    access_stamp: str,
    change_stamp: str,
    *,
    scope: Scope | None = None,
    followed: Scope | None = None,
    every_condition: bool = False,
) -> PoleGraph:
    """The graph of what `user` may see (None: every record), within `scope` if given.
    `followed` (within `scope`; default all of it) are the records whose events are read: a
    hub's events reach it through the records followed, and its thousands of others are not
    read. `every_condition` lets every handling-code C report become links: only for the kept
    community search, whose candidates are checked again for each user before anyone sees
    them."""
    today = timezone.localdate()
    event_rows = Event.objects.all()
    if scope is not None:
        event_rows = Event.objects.filter(_involving(followed or scope))
    events = {
        row["pk"]: row
        for row in _visible(user, event_rows).values(
            "pk",
            "event_type",
            "occurred_at",
            "ended_at",
            "summary",
            "owning_agency_id",
            "intelligence__source_evaluation",
            "intelligence__intelligence_assessment",
            "intelligence__handling_code",
            "intelligence__handling_conditions",
        )
    }
    # Participants of the events above. Rows of events the user may not see are dropped
    # below, and participants the user may not see are not nodes, so make no links.
    in_events = Q(event_id__in=list(events)) if scope is not None else Q()
    parts = [
        model.objects.filter(in_events)
        .order_by()
        .values_list(_kind(kind), "event_id", column, "role")
        for model, column, kind in _PARTICIPANTS
    ]
    rows: dict[str, list[tuple[int, int, str]]] = {"person": [], "object": [], "location": []}
    for kind, event_id, pk, role in parts[0].union(*parts[1:], all=True):
        rows[kind].append((event_id, pk, role))
    people_rows, object_rows, location_rows = rows["person"], rows["object"], rows["location"]

    # Roles from events: who was named as a victim anywhere, or as the subject of a concern or
    # missing episode.
    at_risk_named: set[int] = set()
    for event_id, person_id, role in people_rows:
        event = events.get(event_id)
        if event is None:
            continue
        if role == EventPerson.Role.VICTIM or (
            role == EventPerson.Role.SUBJECT and event["event_type"] in AT_RISK_SUBJECT_EVENTS
        ):
            at_risk_named.add(person_id)

    # One reverse() per kind, not per record: a force holds hundreds of thousands.
    person_url, object_url, location_url, event_url = (
        _url_maker(name)
        for name in ("person_detail", "object_detail", "location_detail", "event_detail")
    )
    nodes: dict[str, NodeInfo] = {}

    def scoped(queryset: QuerySet[Any], kind: str) -> QuerySet[Any]:
        return queryset if scope is None else queryset.filter(pk__in=scope[kind])

    for person in _visible(user, scoped(Person.objects.all(), "person")).only(
        "pk", "given_names", "family_name", "date_of_birth", "flags", "access_level"
    ):
        node_id = f"person:{person.pk}"
        nodes[node_id] = NodeInfo(
            id=node_id,
            kind="person",
            role=person_role(person, named_at_risk=person.pk in at_risk_named, today=today),
            label=person.full_name,
            url=person_url(person.pk),
            record_type="person",
            pk=person.pk,
            restricted=person.access_level == "restricted",
        )
    for item in _visible(
        user, scoped(PoleObject.objects.filter(kind__in=list(OBJECT_NODE_KIND)), "object")
    ):
        node_id = f"object:{item.pk}"
        nodes[node_id] = NodeInfo(
            id=node_id,
            kind=OBJECT_NODE_KIND[item.kind],
            role="none",
            label=str(item),
            url=object_url(item.pk),
            record_type="poleobject",
            pk=item.pk,
            restricted=item.access_level == "restricted",
        )
    for place in _visible(user, scoped(Location.objects.all(), "location")):
        node_id = f"location:{place.pk}"
        nodes[node_id] = NodeInfo(
            id=node_id,
            kind="location",
            role="none",
            label=str(place),
            url=location_url(place.pk),
            record_type="location",
            pk=place.pk,
            restricted=place.access_level == "restricted",
        )

    links: list[Link] = []
    evidence: dict[str, Evidence] = {}
    types = link_types()
    link_rows = PoleLink.objects.all()
    if scope is not None:
        # Both ends in scope (a link leaving it has an end that is not a node: not drawn).
        for side in ("from", "to"):
            inside = Q(pk__in=[])
            for kind, ids in scope.items():
                if ids:
                    inside |= Q(**{f"{side}_{kind}_id__in": ids})
            link_rows = link_rows.filter(inside)
    # Plain rows, not model instances: a force holds hundreds of thousands of links.
    ends = [
        f"{side}_{kind}_id" for side in ("from", "to") for kind in ("person", "object", "location")
    ]
    for pk, link_type_code, first_seen, last_seen, told_by, *end_ids in _visible(
        user, link_rows
    ).values_list("pk", "link_type", "first_seen", "last_seen", "source", *ends):
        source = _end_id(end_ids[:3], pk)
        target = _end_id(end_ids[3:], pk)
        if source not in nodes or target not in nodes:
            continue  # an end the user may not see (or an "other" object): not drawn
        if source == target:
            continue  # refused by link_create, but an import could hold one: no edge
        link_id = f"link:{pk}"
        links.append(
            Link(
                source=source,
                target=target,
                kind=link_type_code,
                first_seen=first_seen,
                last_seen=last_seen,
                grading=RECORDED_FACT,
                id=link_id,
            )
        )
        link_type = types.get(link_type_code)
        reads = link_type.label if link_type else link_type_code
        evidence[link_id] = Evidence(
            id=link_id,
            label=f"Link: {nodes[source].label} {reads} {nodes[target].label}"
            + (f" (source: {told_by})" if told_by else ""),
            url=nodes[source].url,
        )

    by_event: dict[int, dict[str, list[tuple[str, str]]]] = defaultdict(
        lambda: {"people": [], "objects": [], "locations": []}
    )
    for event_id, person_id, role in people_rows:
        if role != EventPerson.Role.REPORTER:  # a reporter was not there
            by_event[event_id]["people"].append((f"person:{person_id}", role))
    for event_id, object_id, role in object_rows:
        by_event[event_id]["objects"].append((f"object:{object_id}", role))
    for event_id, location_id, role in location_rows:
        by_event[event_id]["locations"].append((f"location:{location_id}", role))

    restricted_allowed: set[str] = set()
    for event_id, named in by_event.items():
        event = events.get(event_id)
        if event is None:
            continue
        link_id = f"event:{event_id}"
        grading = _event_grading(event)
        if event["intelligence__handling_code"] == HandlingCode.C and (
            every_condition or (user is not None and event["owning_agency_id"] == user.agency_id)
        ):
            restricted_allowed.add(link_id)
        first = timezone.localtime(event["occurred_at"]).date()
        last = timezone.localtime(event["ended_at"]).date() if event["ended_at"] else first
        made = _co_occurrence_links(
            named, nodes, referral=event["event_type"] == EventType.REFERRAL
        )
        for source, target, kind in made:
            links.append(
                Link(
                    source=source,
                    target=target,
                    kind=kind,
                    first_seen=first,
                    last_seen=max(first, last),
                    grading=grading,
                    id=link_id,
                )
            )
        if made:
            what = EventType(event["event_type"]).label
            graded = "" if grading == RECORDED_FACT else f" graded {grading}"
            evidence[link_id] = Evidence(
                id=link_id,
                label=f"{what}{graded}, {first:%d/%m/%Y}: {event['summary']}",
                url=event_url(event_id),
                handling_conditions=event["intelligence__handling_conditions"] or "",
            )
    return PoleGraph(
        nodes=nodes,
        links=links,
        evidence=evidence,
        restricted_allowed=frozenset(restricted_allowed),
        access_stamp=access_stamp,
        change_stamp=change_stamp,
        built_at=timezone.now(),
    )


_URL_SENTINEL = 987654321


def _url_maker(name: str) -> Callable[[int], str]:
    head, tail = reverse(name, args=[_URL_SENTINEL]).split(str(_URL_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def person_role(person: Person, *, named_at_risk: bool, today: date) -> str:
    """The role a person plays in the network (see the module docstring)."""
    if PersonFlag.SUSPECT in person.flags:
        return "suspect"
    if PersonFlag.VICTIM in person.flags:
        return "victim"
    is_child = person.date_of_birth is not None and age_on(person.date_of_birth, today) < ADULT_AGE
    return "at_risk" if is_child and named_at_risk else "none"


def _end_id(ids: list[int | None], pk: int) -> str:
    """A link's end as a node id, from its (person, object, location) columns."""
    for kind, value in zip(("person", "object", "location"), ids, strict=True):
        if value is not None:
            return f"{kind}:{value}"
    raise ValueError(f"link {pk} has no end")  # pragma: no cover - a database constraint


def _event_grading(event: dict[str, Any]) -> str:
    if event["intelligence__source_evaluation"]:
        return (
            f"{event['intelligence__source_evaluation']}"
            f"{event['intelligence__intelligence_assessment']} "
            f"{event['intelligence__handling_code']}"
        )
    return RECORDED_FACT


def _co_occurrence_links(
    parts: dict[str, list[tuple[str, str]]], nodes: dict[str, NodeInfo], *, referral: bool
) -> list[tuple[str, str, str]]:
    """(source, target, kind) for everyone and everything named together in one event."""
    people: dict[str, set[str]] = defaultdict(set)
    for node_id, role in parts["people"]:
        if node_id in nodes:
            people[node_id].add(role)
    objects = [(node_id, role) for node_id, role in parts["objects"] if node_id in nodes]
    places = [(node_id, role) for node_id, role in parts["locations"] if node_id in nodes]
    made: set[tuple[str, str, str]] = set()
    for a, b in combinations(sorted(people), 2):
        if referral:
            made.add((a, b, "referred_together"))
        elif EventPerson.Role.FOUND_WITH in people[a] | people[b]:
            made.add((a, b, "found_with"))
        else:
            made.add((a, b, "seen_with"))
    for person in people:
        for thing, role in objects:
            made.add((person, thing, str(role)))
        for place, role in places:
            made.add((person, place, LOCATION_ROLE_KIND.get(role, "seen_at")))
    for thing, _ in objects:
        for place, _ in places:
            made.add((thing, place, "seen_at"))
    return sorted(made)


def network_view(user: Any, filters: NetworkFilters | None = None) -> tuple[PoleGraph, NetworkView]:
    graph = pole_graph(user)
    return graph, graph.view(filters)


# --- pictures: what a screen or the API draws ------------------------------------------------


@dataclass(frozen=True)
class LinkInfo:
    link: Link
    label: str
    evidence: Evidence | None

    @property
    def key(self) -> str:
        return f"{self.link.id}|{self.link.source}|{self.link.target}|{self.link.kind}"


@dataclass
class NetworkPicture:
    """Nodes and links to draw, with each node's distance in hops from the centre."""

    centre: NodeInfo
    nodes: list[NodeInfo]
    hops: dict[str, int]
    links: list[LinkInfo]

    def count(self, kind: str) -> int:
        return sum(1 for node in self.nodes if node.kind == kind and node.id != self.centre.id)

    @property
    def people(self) -> list[NodeInfo]:
        return [n for n in self.nodes if n.kind == "person" and n.id != self.centre.id]

    @property
    def things(self) -> list[NodeInfo]:
        return [n for n in self.nodes if n.kind != "person"]

    def links_of(self, node_id: str) -> list[LinkInfo]:
        return [i for i in self.links if node_id in (i.link.source, i.link.target)]

    def associates(self) -> list[Associate]:
        """People in the network, nearest and most connected first."""
        counts: dict[str, int] = defaultdict(int)
        newest: dict[str, date] = {}
        for info in self.links:
            for end in (info.link.source, info.link.target):
                counts[end] += 1
                seen = info.link.last_seen or info.link.first_seen
                if seen and (end not in newest or seen > newest[end]):
                    newest[end] = seen
        direct = {
            info.link.target if info.link.source == self.centre.id else info.link.source: info
            for info in self.links
            if self.centre.id in (info.link.source, info.link.target)
        }
        how: dict[str, list[str]] = defaultdict(list)
        for info in self.links:
            if self.centre.id in (info.link.source, info.link.target):
                other = info.link.target if info.link.source == self.centre.id else info.link.source
                if info.label not in how[other]:
                    how[other].append(info.label)
        rows = [
            Associate(
                node=node,
                hops=self.hops.get(node.id, 0),
                links=counts[node.id],
                how=how.get(node.id, []),
                last_seen=newest.get(node.id),
                direct=node.id in direct,
            )
            for node in self.people
        ]
        return sorted(rows, key=lambda a: (a.hops, -a.links, a.node.label))


@dataclass(frozen=True)
class Associate:
    node: NodeInfo
    hops: int
    links: int
    how: list[str]
    last_seen: date | None
    direct: bool


def _picture(graph: PoleGraph, view: NetworkView, centre: str, hops: int) -> NetworkPicture:
    ids, links = neighbourhood(view, centre, hops=hops)
    distances = view.graph.distances(source=[view.vertex(centre)], target=None)[0]
    hop_of = {}
    for node_id in ids:
        distance = distances[view.vertex(node_id)]
        hop_of[node_id] = int(distance) if np.isfinite(distance) else hops
    return NetworkPicture(
        centre=graph.nodes[centre],
        nodes=[graph.nodes[i] for i in ids],
        hops=hop_of,
        links=[
            LinkInfo(link, link_kind_label(link.kind), graph.evidence.get(link.id or ""))
            for link in links
        ],
    )


def audit_nodes_shown(user: Any, nodes: Iterable[NodeInfo], via: str) -> None:
    """Log a consultation of each record a screen or answer names."""
    shown = [(node.record_type, node.pk) for node in nodes]
    if shown:
        audit_log_many(
            acting_user=user, action=Action.CONSULTATION, objects=shown, detail={"via": via}
        )


def person_network(
    user: Any,
    person: Person,
    filters: NetworkFilters | None = None,
    *,
    hops: int = 2,
    audit: bool = True,
    graph: PoleGraph | None = None,
) -> NetworkPicture:
    """The person's network to `hops` hops as `user` may see it (pass the `local_graph` if
    already read). Every record shown is logged as consulted (the person themself was logged
    when fetched)."""
    if not can_see_record(user, person):
        raise Http404
    centre = f"person:{person.pk}"
    graph = graph or local_graph(user, centre, hops=hops)
    picture = _picture(graph, graph.view(filters), centre, hops)
    if audit:
        audit_nodes_shown(user, (n for n in picture.nodes if n.id != picture.centre.id), "network")
    return picture


def node_neighbourhood(
    user: Any, node_id: str, filters: NetworkFilters | None = None, *, hops: int = 1
) -> NetworkPicture:
    """Expand a node: its neighbourhood as `user` may see it; 404 if it is not visible."""
    graph = local_graph(user, node_id, hops=hops)
    if node_id not in graph.nodes:
        raise Http404
    picture = _picture(graph, graph.view(filters), node_id, hops)
    audit_nodes_shown(user, picture.nodes, "network")
    return picture


@dataclass(frozen=True)
class HopInfo:
    start: NodeInfo
    end: NodeInfo
    links: list[LinkInfo]


def path_between(
    user: Any,
    from_id: str,
    to_id: str,
    filters: NetworkFilters | None = None,
    *,
    graph: PoleGraph | None = None,
) -> list[HopInfo] | None:
    """The fewest-hops path between two nodes the user may see, with the evidence on each hop;
    None when they are not connected in what the user may see. 404 if either is hidden.
    Searches outwards from both ends (`_search_path`) unless given a graph (a `local_graph` of
    radius r holds every shortest path of up to r hops from its centre)."""
    if graph is None:
        graph, found = _search_path(user, from_id, to_id, filters)
    else:
        if from_id not in graph.nodes or to_id not in graph.nodes:
            raise Http404
        found = shortest_path(graph.view(filters), from_id, to_id)
    if found is None:
        return None
    hops = [
        HopInfo(
            start=graph.nodes[hop.from_id],
            end=graph.nodes[hop.to_id],
            links=[
                LinkInfo(link, link_kind_label(link.kind), graph.evidence.get(link.id or ""))
                for link in hop.links
            ],
        )
        for hop in found
    ]
    on_path = {hop.start.id: hop.start for hop in hops} | {hop.end.id: hop.end for hop in hops}
    audit_nodes_shown(user, on_path.values(), "network path")
    return hops


# Above this many records reached from the two ends, a path search reads the user's whole
# network instead (kept per user, see `pole_graph`): only a long path through busy places
# gets there.
PATH_SEARCH_RECORDS = 10_000


def _search_path(
    user: Any, from_id: str, to_id: str, filters: NetworkFilters | None
) -> tuple[PoleGraph, list[Hop] | None]:
    """The shortest path read from the database outwards from both ends, not from the whole
    force: each round widens the smaller side by one hop, until the two sides meet.

    Why the answer is the shortest: the sides are widened through every link and shared event
    (`_neighbour_ids`: visible links and events, before records are checked), so after a
    rounds from one end and b from the other they hold every record within a and b hops of
    the ends in what the user may see, and with it every node of every path of up to
    a + b + 1 hops. A path of that length found among them is therefore a shortest one. When
    a side stops growing, it holds all its end can reach, and the answer is exact either way."""
    ends = {"a": from_id, "b": to_id}
    scopes: dict[str, Scope] = {}
    frontiers: dict[str, Scope] = {}
    for side, node_id in ends.items():
        kind, pk = node_id.split(":")
        scopes[side] = {"person": set(), "object": set(), "location": set()}
        scopes[side][kind].add(int(pk))
        frontiers[side] = {k: set(v) for k, v in scopes[side].items()}
    rounds = {"a": 0, "b": 0}
    while True:
        exhausted = not any(frontiers["a"].values()) or not any(frontiers["b"].values())
        meet = any(scopes["a"][k] & scopes["b"][k] for k in scopes["a"])
        if meet or exhausted:
            scope = {k: scopes["a"][k] | scopes["b"][k] for k in scopes["a"]}
            graph = _collect(user, "", "", scope=scope)
            if from_id not in graph.nodes or to_id not in graph.nodes:
                raise Http404
            found = shortest_path(graph.view(filters), from_id, to_id)
            if exhausted or (found is not None and len(found) <= rounds["a"] + rounds["b"] + 1):
                return graph, found
        if sum(len(ids) for side in scopes.values() for ids in side.values()) > (
            PATH_SEARCH_RECORDS
        ):
            graph = pole_graph(user)
            if from_id not in graph.nodes or to_id not in graph.nodes:
                raise Http404
            return graph, shortest_path(graph.view(filters), from_id, to_id)
        side = min(("a", "b"), key=lambda s: sum(len(ids) for ids in frontiers[s].values()))
        found_ids = _neighbour_ids(user, frontiers[side])
        frontiers[side] = {k: found_ids[k] - scopes[side][k] for k in found_ids}
        for k, ids in frontiers[side].items():
            scopes[side][k] |= ids
        rounds[side] += 1


# --- whole-force analysis: group-based CSE -----------------------------------------------------


@dataclass(frozen=True)
class Association:
    suspects: tuple[str, ...]
    via: str | None
    links: tuple[LinkInfo, ...]


@dataclass(frozen=True)
class KeyPlayerInfo:
    id: str
    score: float
    degree: int
    betweenness: float | None


@dataclass(frozen=True)
class GroupSummary:
    """A community flagged as group-based CSE (NPCC definition: two or more associated
    individuals involved in the sexual exploitation of a child), with its evidence."""

    key: str
    number: int
    members: tuple[str, ...]
    suspects: tuple[str, ...]
    children: tuple[str, ...]
    key_players: tuple[KeyPlayerInfo, ...]
    newest_activity: date | None
    associations: tuple[Association, ...]
    child_links: tuple[LinkInfo, ...]
    evidence: tuple[LinkInfo, ...]
    inner_links: int

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class ForceAnalysis:
    """The flagged groups as one user may see them now: the kept run's candidates, each
    checked again in the records the user may see (`force_analysis`). `graph` holds those
    records (the candidates' members and the things their suspects share), `nodes` its
    nodes."""

    analysed_at: datetime
    change_stamp: str
    groups: list[GroupSummary]
    graph: PoleGraph

    @property
    def nodes(self) -> dict[str, NodeInfo]:
        return self.graph.nodes

    @property
    def node_count(self) -> int:
        """Records in the flagged groups the user may see."""
        return len({m for g in self.groups for m in g.members})

    def group(self, key: str) -> GroupSummary | None:
        return next((g for g in self.groups if g.key == key), None)

    def groups_of(self, node_id: str) -> list[GroupSummary]:
        return [g for g in self.groups if node_id in g.members]

    def named(self, group: GroupSummary) -> NamedGroup:
        """The group with its people as nodes (names, links to records) for display."""
        return NamedGroup(
            group=group,
            suspects=[self.nodes[i] for i in group.suspects],
            children=[self.nodes[i] for i in group.children],
            key_players=[(self.nodes[p.id], p) for p in group.key_players],
        )

    def named_groups(self, node_id: str | None = None) -> list[NamedGroup]:
        """Every flagged group, or those `node_id` is in, named for display."""
        found = self.groups if node_id is None else self.groups_of(node_id)
        return [self.named(group) for group in found]


@dataclass(frozen=True)
class NamedGroup:
    group: GroupSummary
    suspects: list[NodeInfo]
    children: list[NodeInfo]
    key_players: list[tuple[NodeInfo, KeyPlayerInfo]]


def group_key(suspects: Iterable[str], children: Iterable[str]) -> str:
    """A group's stable name: the same suspects and children give the same key whatever else
    joins the community, so a bookmarked group page keeps working."""
    text = ",".join(sorted(suspects)) + "/" + ",".join(sorted(children))
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def community_candidates() -> tuple[list[dict[str, list[str]]], dict[str, int]]:
    """Run the community search over every record, handling-code C intelligence included, and
    return the communities that meet the definition of group-based CSE as candidates (their
    members, and the shared things outside them their suspects are associated through), with
    the figures of the run. Seconds at force scale: a job (`vigil networks-analyse`) or an
    analyst's request runs it, through `services.network_analyse`, never a page view."""
    graph = _collect(None, "", "", every_condition=True)
    view = graph.view()
    result = analyse(view, seed=0, resolution=analysis_resolution(view), tight=True)
    candidates = []
    for community, flag in sorted(result.flags.items()):
        members = result.communities.members(community)
        inside = set(members)
        vias = sorted({a.via for a in flag.associations if a.via and a.via not in inside})
        candidates.append({"members": members, "via": vias})
    figures = {
        "records": view.node_count,
        "links": view.link_count,
        "communities": len(result.communities),
    }
    return candidates, figures


def latest_run() -> CommunityAnalysis | None:
    """The newest kept run. Screening asks for every child, so the run (its candidates can
    hold thousands of ids) is read once per process and then only its id is checked."""
    newest = (
        CommunityAnalysis.objects.order_by("-analysed_at", "-pk").values_list("pk", "analysed_at")
    ).first()
    if newest is None:
        return None
    key = f"{newest[0]}@{newest[1].isoformat()}"  # an id alone can come back after a rollback
    kept = _RUNS.get(key)
    if kept is None:
        kept = CommunityAnalysis.objects.get(pk=newest[0])
        _RUNS.set(key, kept, GRAPH_SECONDS)
    return kept


_RUNS = _Memo(size=2)
_TOTALS = _Memo(size=1)


def _records_total() -> int:
    """Records of every network kind (counted at most once a minute: screening asks per
    child while no run has been made)."""
    total = _TOTALS.get("total")
    if total is None:
        total = sum(model._default_manager.count() for _, model in _STAMPED)
        _TOTALS.set("total", total, PAGE_STAMPS_MAX_AGE_SECONDS)
    return int(total)


def _run_for(user: Any | None, *, refresh: bool = False, inline: bool = True) -> Any:
    """The kept run, or a new one: when asked (`refresh`); when there is none yet and
    `inline` allows one (the Groups view); and whenever records have changed since, if they
    are few enough to analyse at once (INLINE_ANALYSIS_RECORDS: a pilot or a small
    database is always current; a force relies on the job and the Groups view's button)."""
    from vigil.networks.services import network_analyse  # a write: the run is kept

    run = None if refresh else latest_run()
    if refresh:
        return network_analyse(acting_user=user)
    small = _records_total() <= INLINE_ANALYSIS_RECORDS
    if (run is None and (inline or small)) or (
        run is not None and small and run.change_stamp != change_stamp()
    ):
        run = network_analyse(acting_user=user)
    return run


def force_analysis(user: Any | None, *, refresh: bool = False) -> ForceAnalysis:
    """The groups flagged as possible group-based CSE, as `user` may see them now (None: every
    record but no handling-code C links, as no one's conditions are known; for system jobs).

    Communities come from the kept run (`CommunityAnalysis`; a new one is made if there is
    none, or if `refresh`). Each candidate is then checked in what the user may see now
    (`_check_candidates`), so a record they may not see is never shown or counted, a flag
    that rested on it is not shown, and one that no longer holds after edits disappears at
    once. New records join communities at the next run."""
    run = _run_for(user, refresh=refresh)
    return _check_candidates(user, run, run.candidates)


def analysis_for_page(user: Any | None, node_id: str) -> ForceAnalysis | None:
    """The groups `node_id` is in, for a record's page: only that record's candidates are
    checked (milliseconds). None when the search has not run and the records are too many to
    run it while a page opens (INLINE_ANALYSIS_RECORDS)."""
    run = _run_for(user, inline=False)
    if run is None:
        return None
    chosen = [(i, c) for i, c in enumerate(run.candidates) if node_id in c["members"]]
    if user is not None or not chosen:
        return _check_candidates(user, run, [c for _, c in chosen])
    # System reads (screening every child of a group in turn after a change) ask the same
    # question once per child: the answer holds while no network record changes.
    key = (run.pk, run.analysed_at, change_stamp(), tuple(i for i, _ in chosen))
    cached = _SYSTEM_CHECKS.get(key)
    if cached is None:
        if len(_SYSTEM_CHECKS) >= SYSTEM_CHECKS_KEPT:
            _SYSTEM_CHECKS.clear()
        cached = _SYSTEM_CHECKS[key] = _check_candidates(None, run, [c for _, c in chosen])
    return cached


# Candidate checks made for system jobs, by (run, change stamp, candidates); see above.
SYSTEM_CHECKS_KEPT = 64
_SYSTEM_CHECKS: dict[tuple[Any, ...], ForceAnalysis] = {}


def analysis_is_stale(user: Any | None, analysis: ForceAnalysis) -> bool:
    """True when records have been added or edited since the run read them."""
    return analysis.change_stamp != change_stamp()


def analysis_resolution(view: NetworkView) -> float:
    """Leiden resolution for the whole-force analysis (see the module docstring)."""
    return max(RESOLUTION_FLOOR, float(view.weight.sum()) / MODULARITY_REFERENCE_WEIGHT)


def _check_candidates(
    user: Any | None, run: CommunityAnalysis, candidates: list[dict[str, list[str]]]
) -> ForceAnalysis:
    """The candidates as `user` may see them now. Read only their records (and the things
    their suspects share); in that graph each candidate is a community, cut back to the
    members joined to its suspects and children by links the user may see (so no one is
    placed in a group by a link they may not see), and flagged only if it still meets the
    definition there. Key players are ranked in the same graph."""
    if not candidates:  # nothing to check (most records are in no flagged group): no reads
        empty = PoleGraph({}, [], {}, frozenset(), "", "", timezone.now())
        return ForceAnalysis(run.analysed_at, run.change_stamp, [], empty)
    scope: Scope = {"person": set(), "object": set(), "location": set()}
    for candidate in candidates:
        for node_id in (*candidate["members"], *candidate["via"]):
            kind, pk = node_id.split(":")
            scope[kind].add(int(pk))
    graph = _collect(user, "", "", scope=scope)
    view = graph.view()
    n = view.node_count
    count = len(candidates)
    membership = np.arange(n, dtype=np.int64) + count  # everyone alone to begin with
    for number, candidate in enumerate(candidates):
        for node_id in candidate["members"]:
            if node_id in graph.nodes:
                membership[view.vertex(node_id)] = number
    communities = _communities(view, membership)
    flags = flag_group_based_cse(view, communities)
    for number, flag in flags.items():
        candidate = candidates[number]
        within = [
            view.vertex(m) for m in (*candidate["members"], *candidate["via"]) if m in graph.nodes
        ]
        part = view.graph.induced_subgraph(within)
        anchors = {view.vertex(i) for i in (*flag.suspects, *flag.children)}
        for component in part.connected_components():
            vertices = [within[i] for i in component]
            if not anchors.intersection(vertices):
                for v in vertices:
                    if membership[v] == number:
                        membership[v] = count + v
    communities = _communities(view, membership)
    flags = flag_group_based_cse(view, communities)
    players = rank_key_players(view, communities, betweenness_for=flags.keys())
    return ForceAnalysis(
        analysed_at=run.analysed_at,
        change_stamp=run.change_stamp,
        groups=_summaries(graph, view, communities, flags, players),
        graph=graph,
    )


def _communities(view: NetworkView, membership: np.ndarray) -> Communities:
    sizes = np.bincount(membership, minlength=int(membership.max(initial=-1)) + 1)
    return Communities(view, membership, sizes)


def _summaries(
    graph: PoleGraph,
    view: NetworkView,
    communities: Communities,
    flags: dict[int, GroupFlag],
    players: dict[int, list[KeyPlayer]],
) -> list[GroupSummary]:
    membership = communities.membership
    # Newest activity per community: the latest date on any link inside it.
    dated = np.maximum(
        view.network.first_seen[view.links], view.network.last_seen[view.links]
    ).astype(np.int64)
    inner = membership[view.src] == membership[view.dst]
    newest = np.zeros(len(communities), dtype=np.int64)
    np.maximum.at(newest, membership[view.src[inner]], dated[inner])
    inner_counts = np.bincount(membership[view.src[inner]], minlength=len(communities))

    def info(link: Link) -> LinkInfo:
        return LinkInfo(link, link_kind_label(link.kind), graph.evidence.get(link.id or ""))

    groups = []
    for number, (community, flag) in enumerate(sorted(flags.items()), start=1):
        groups.append(
            GroupSummary(
                key=group_key(flag.suspects, flag.children),
                number=number,
                members=tuple(communities.members(community)),
                suspects=flag.suspects,
                children=flag.children,
                key_players=tuple(
                    KeyPlayerInfo(p.id, p.score, p.degree, p.betweenness)
                    for p in players.get(community, [])
                ),
                newest_activity=(
                    date.fromordinal(int(newest[community])) if newest[community] else None
                ),
                associations=tuple(
                    Association(a.suspects, a.via, tuple(info(link) for link in a.links))
                    for a in flag.associations
                ),
                child_links=tuple(info(link) for link in flag.child_links),
                evidence=tuple(info(link) for link in flag.evidence),
                inner_links=int(inner_counts[community]),
            )
        )
    # Most recent activity first: the group most likely to be harming a child now.
    groups.sort(key=lambda g: (g.newest_activity or date.min, g.size), reverse=True)
    return groups


def group_for(user: Any, key: str, *, audit: bool = True) -> tuple[ForceAnalysis, GroupSummary]:
    """One flagged group by key, as `user` may see it; 404 if there is none (or no longer)."""
    analysis = force_analysis(user)
    found = analysis.group(key)
    if found is None:
        raise Http404
    if audit:
        audit_nodes_shown(user, (analysis.nodes[m] for m in found.members), "network group")
    return analysis, found


def audit_groups_shown(user: Any, analysis: ForceAnalysis) -> None:
    """The Groups list names suspects, children and key players: log each as consulted."""
    shown: dict[str, NodeInfo] = {}
    for group in analysis.groups:
        for node_id in (*group.suspects, *group.children, *(p.id for p in group.key_players)):
            shown[node_id] = analysis.nodes[node_id]
    audit_nodes_shown(user, shown.values(), "network groups")


@dataclass(frozen=True)
class EvidenceRecord:
    """A record a flag rests on: `record` is "event:<pk>" (an incident, sighting, missing
    episode, intelligence report...) or "link:<pk>" (a recorded link between two records)."""

    record: str
    label: str
    url: str


@dataclass(frozen=True)
class PersonGroupFlag:
    """For screening (a derived observation): this person is in a community flagged as
    group-based CSE. Ids are people's primary keys; names as the records hold them."""

    group_key: str
    role: str  # "child" or "suspect" or "member"
    suspect_ids: tuple[int, ...]
    child_ids: tuple[int, ...]
    newest_activity: date | None
    evidence: tuple[str, ...]  # plain-language lines naming the evidence records
    url: str
    suspect_names: tuple[str, ...] = ()
    child_names: tuple[str, ...] = ()
    evidence_records: tuple[EvidenceRecord, ...] = ()


def group_flags_for_person(
    person: Person | int, *, user: Any | None = None
) -> list[PersonGroupFlag]:
    """The group-based CSE flags a person is part of, for the screening of a child (issue 10:
    the flag "feeds the screening of those children (a derived observation)"). Each names the
    associated suspects, the children, and the evidence records (the links and events that
    associate the suspects and tie the children to them); empty when the person is in no
    flagged group.

    Pass the viewing `user` whenever the result is shown to someone: the flags are then
    checked in only what they may see. Without a user they are checked in every record but
    no handling-code C intelligence (no one's conditions are known), as for a system job.

    Fast (tens of milliseconds at force scale): it reads the kept community run
    (`CommunityAnalysis`, made by `vigil networks-analyse`) and checks only this person's
    candidate groups against the records as they are now, so an edit that breaks a flag (a
    suspect flag removed, a link deleted) shows at once; new communities need the next run.
    When no run has been made and the records are too many to run one now
    (INLINE_ANALYSIS_RECORDS), there are no flags."""
    pk = person if isinstance(person, int) else person.pk
    node_id = f"person:{pk}"
    analysis = analysis_for_page(user, node_id)
    if analysis is None:
        return []
    flags = []
    for group in analysis.groups_of(node_id):
        role = (
            "child"
            if node_id in group.children
            else "suspect"
            if node_id in group.suspects
            else "member"
        )
        records = {
            info.evidence.id: EvidenceRecord(
                info.evidence.id, info.evidence.label, info.evidence.url
            )
            for info in group.evidence
            if info.evidence is not None
        }
        flags.append(
            PersonGroupFlag(
                group_key=group.key,
                role=role,
                suspect_ids=tuple(analysis.nodes[s].pk for s in group.suspects),
                child_ids=tuple(analysis.nodes[c].pk for c in group.children),
                newest_activity=group.newest_activity,
                evidence=tuple(record.label for record in records.values()),
                url=reverse("network_group", args=[group.key]),
                suspect_names=tuple(analysis.nodes[s].label for s in group.suspects),
                child_names=tuple(analysis.nodes[c].label for c in group.children),
                evidence_records=tuple(records.values()),
            )
        )
    return flags
