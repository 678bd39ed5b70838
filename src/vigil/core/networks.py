"""Network analysis over POLE records: communities, key players, paths and group-based CSE.

Analysts draw these charts by hand today (issue 10). This core finds them in data already
recorded: people, phones, vehicles, online accounts and locations are nodes; the links and
co-occurrences in events and intelligence (found with, seen with, travelled in, called, stayed
at) are weighted, dated, graded edges.

Pure and data-in data-out: no Django. The Django layer decides who may see what and passes that
in (`Network.view(hidden_nodes=..., may_see_restricted=...)`).

Built for a force-sized graph (1,000,000 nodes, 5,000,000 links): nodes and links are held as
numpy columns with integer ids, every whole-graph step is one vectorised numpy or igraph call,
and Python loops run only over the few things a person will read (flagged communities, a path,
the top key players). `Link` records are rebuilt from the columns only when shown as evidence.

Usage:
    network = build_network(nodes, links)
    view = network.view(window=(date(2024, 1, 1), None), minimum_grade="2B")
    analysis = analyse(view, seed=0)
    for summary in analysis.summaries(): ...
"""

from __future__ import annotations

import os
import random
import re
import threading
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from math import isfinite
from pathlib import Path
from typing import Any

# igraph's bundled OpenMP runtime busy-waits in its worker threads; on a shared server (web
# workers, jobs) they burn the CPU other work needs: on a loaded 2-CPU machine key players at
# 100,000 nodes took 30 s with OpenMP's default threads and 3.9 s with one. One thread per
# process unless the operator sets OMP_NUM_THREADS; read when igraph loads, so set it first.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import igraph as ig
import numpy as np

NODE_KINDS: tuple[str, ...] = ("person", "phone", "vehicle", "account", "location")
# The order is the integer code held in `Network.node_role`; "none" must stay 0.
ROLES: tuple[str, ...] = ("none", "suspect", "victim", "at_risk")
# Things two suspects can share that associate them (issue 10: "through a shared phone,
# vehicle or location"; an online account is the same kind of shared tool).
SHARED_OBJECT_KINDS: frozenset[str] = frozenset({"phone", "vehicle", "account", "location"})
CHILD_ROLES: frozenset[str] = frozenset({"victim", "at_risk"})
# The link types named in issue 10, plus the plain "associate" of intelligence and "uses" for a
# person's phone or account. A suggested vocabulary for callers (the chart styles edges by
# type); the core accepts any non-blank kind so new event types need no code change here.
LINK_KINDS: tuple[str, ...] = (
    "associate",
    "found_with",
    "seen_with",
    "travelled_in",
    "called",
    "stayed_at",
    "uses",
)
RECORDED_FACT = "recorded fact"

_PERSON = NODE_KINDS.index("person")
_SUSPECT = ROLES.index("suspect")
_CHILD_CODES = np.array([ROLES.index(r) for r in sorted(CHILD_ROLES)], dtype=np.int8)
_OBJECT_CODES = np.array([NODE_KINDS.index(k) for k in sorted(SHARED_OBJECT_KINDS)], dtype=np.int8)
_ASSESSMENTS = "ABCDE"
_GRADE_RE = re.compile(r"^([123])([A-E])([PC])$")


class NetworkInputError(ValueError):
    """A node or link record is unusable. `record` is "node" or "link" and `index` its
    0-based position in the input, so a front end can name the row."""

    def __init__(self, record: str, index: int, message: str) -> None:
        super().__init__(f"{record} {index}: {message}")
        self.record = record
        self.index = index
        self.message = message


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A POLE entity. `role` applies to people only; anything else has role "none"."""

    id: str
    kind: str
    role: str = "none"


@dataclass(frozen=True, slots=True)
class Link:
    """An edge and the evidence for it. `grading` is "recorded fact" for police-recorded events
    or the 3x5x2 grade of the intelligence report ("1A P", "2C C"); `id` names the record it
    came from so a chart can open it. Undirected."""

    source: str
    target: str
    kind: str
    weight: float = 1.0
    first_seen: date | None = None
    last_seen: date | None = None
    grading: str = RECORDED_FACT
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Grade:
    """3x5x2 grading (APP Intelligence management). `source` 1-3 and `assessment` A-E are None
    for a recorded fact; `handling` is "P" (no restriction) or "C" (conditions apply)."""

    source: int | None
    assessment: str | None
    handling: str

    @property
    def recorded_fact(self) -> bool:
        return self.source is None

    def __str__(self) -> str:
        if self.recorded_fact:
            return RECORDED_FACT
        return f"{self.source}{self.assessment} {self.handling}"


def parse_grade(text: str | None) -> Grade:
    """Read a grading: blank or "recorded fact" -> a recorded fact; "1A P", "1AP", "1/A/P",
    "2c c" -> graded intelligence. Raises ValueError otherwise."""
    if text is None or not text.strip() or text.strip().lower() == RECORDED_FACT:
        return Grade(None, None, "P")
    match = _GRADE_RE.match(re.sub(r"[\s/\-]", "", text).upper())
    if not match:
        raise ValueError(f"grading {text!r} is not 'recorded fact' or a 3x5x2 grade like '1A P'")
    return Grade(int(match.group(1)), match.group(2), match.group(3))


def _minimum_grade_codes(text: str) -> tuple[int, int]:
    """(source, assessment) ceilings as codes; recorded facts are (0, 0) so they pass any
    minimum. "2B" keeps sources 1-2 assessed A-B; "recorded fact" keeps recorded facts only."""
    if text.strip().lower() == RECORDED_FACT:
        return 0, 0
    match = re.match(r"^([123])([A-E])$", re.sub(r"[\s/\-]", "", text).upper())
    if not match:
        raise ValueError(f"minimum grade {text!r} is not 'recorded fact' or like '2B'")
    return int(match.group(1)), _ASSESSMENTS.index(match.group(2)) + 1


# --- the network -----------------------------------------------------------------------------


class Network:
    """All nodes and links as columns. Node i has id `node_ids[i]`; link j joins nodes
    `sources[j]` and `targets[j]`. Dates are proleptic ordinals, 0 when unknown; grade codes
    are 0 for a recorded fact, else source 1-3 and assessment 1-5 (A-E). Treat as immutable."""

    def __init__(
        self,
        *,
        node_ids: Sequence[str],
        node_kind: np.ndarray,
        node_role: np.ndarray,
        sources: np.ndarray,
        targets: np.ndarray,
        link_kind: np.ndarray,
        link_kind_names: Sequence[str],
        weight: np.ndarray | None = None,
        first_seen: np.ndarray | None = None,
        last_seen: np.ndarray | None = None,
        grade_source: np.ndarray | None = None,
        grade_assessment: np.ndarray | None = None,
        handling_c: np.ndarray | None = None,
        link_ids: Sequence[str | None] | None = None,
    ) -> None:
        n_links = len(sources)
        self.node_ids: list[str] = list(node_ids)
        self.node_kind = np.asarray(node_kind, dtype=np.int8)
        self.node_role = np.asarray(node_role, dtype=np.int8)
        self.sources = np.asarray(sources, dtype=np.int32)
        self.targets = np.asarray(targets, dtype=np.int32)
        self.link_kind = np.asarray(link_kind, dtype=np.int32)
        self.link_kind_names: tuple[str, ...] = tuple(link_kind_names)
        self.weight = _column(weight, n_links, np.float64, 1.0)
        self.first_seen = _column(first_seen, n_links, np.int32, 0)
        self.last_seen = _column(last_seen, n_links, np.int32, 0)
        self.grade_source = _column(grade_source, n_links, np.int8, 0)
        self.grade_assessment = _column(grade_assessment, n_links, np.int8, 0)
        self.handling_c = _column(handling_c, n_links, np.bool_, False)
        self.link_ids = link_ids
        self._validate()
        self.index: dict[str, int] = {node_id: i for i, node_id in enumerate(self.node_ids)}
        if len(self.index) != len(self.node_ids):
            seen: set[str] = set()
            for i, node_id in enumerate(self.node_ids):
                if node_id in seen:
                    raise NetworkInputError("node", i, f"id {node_id!r} appears twice")
                seen.add(node_id)

    def _validate(self) -> None:
        n = len(self.node_ids)
        if len(self.node_kind) != n or len(self.node_role) != n:
            raise ValueError("node columns differ in length")
        _first_bad("node", (self.node_kind < 0) | (self.node_kind >= len(NODE_KINDS)), "bad kind")
        _first_bad("node", (self.node_role < 0) | (self.node_role >= len(ROLES)), "bad role")
        _first_bad(
            "node",
            (self.node_kind != _PERSON) & (self.node_role != 0),
            "only a person can have a role",
        )
        m = len(self.sources)
        for name in ("targets", "link_kind"):
            if len(getattr(self, name)) != m:
                raise ValueError(f"link column {name} differs in length")
        if self.link_ids is not None and len(self.link_ids) != m:
            raise ValueError("link ids differ in length")
        out = (self.sources < 0) | (self.sources >= n) | (self.targets < 0) | (self.targets >= n)
        _first_bad("link", out, "names a node that is not in the network")
        _first_bad("link", self.sources == self.targets, "links a node to itself")
        _first_bad(
            "link",
            (self.link_kind < 0) | (self.link_kind >= len(self.link_kind_names)),
            "bad kind",
        )
        _first_bad("link", ~np.isfinite(self.weight) | (self.weight <= 0), "weight must be > 0")
        _first_bad(
            "link",
            (self.first_seen > 0) & (self.last_seen > 0) & (self.first_seen > self.last_seen),
            "first seen is after last seen",
        )

    @property
    def node_count(self) -> int:
        return len(self.node_ids)

    @property
    def link_count(self) -> int:
        return len(self.sources)

    def node(self, i: int) -> Node:
        return Node(self.node_ids[i], NODE_KINDS[self.node_kind[i]], ROLES[self.node_role[i]])

    def link(self, j: int) -> Link:
        """The record for link j, rebuilt from the columns (only for evidence shown)."""
        first, last = int(self.first_seen[j]), int(self.last_seen[j])
        source = int(self.grade_source[j])
        grade = (
            Grade(None, None, "P")
            if source == 0
            else Grade(
                source,
                _ASSESSMENTS[int(self.grade_assessment[j]) - 1],
                "C" if self.handling_c[j] else "P",
            )
        )
        return Link(
            source=self.node_ids[self.sources[j]],
            target=self.node_ids[self.targets[j]],
            kind=self.link_kind_names[self.link_kind[j]],
            weight=float(self.weight[j]),
            first_seen=date.fromordinal(first) if first else None,
            last_seen=date.fromordinal(last) if last else None,
            grading=str(grade),
            id=None if self.link_ids is None else self.link_ids[j],
        )

    def view(
        self,
        *,
        window: tuple[date | None, date | None] | None = None,
        include_undated: bool = False,
        link_kinds: Collection[str] | None = None,
        minimum_grade: str | None = None,
        may_see_restricted: Callable[[Link], bool] | Collection[str] | None = None,
        hidden_nodes: Collection[str] = (),
    ) -> NetworkView:
        """The graph one person may see, restricted as asked.

        - `window` (from, to), either end open: keep links whose first..last seen overlaps
          it. Undated links cannot be shown to fall in a window, so they are dropped unless
          `include_undated`.
        - `link_kinds`: keep only these link types.
        - `minimum_grade` "2B": keep recorded facts and intelligence graded source 1-2 and
          assessment A-B; "recorded fact" keeps recorded facts only.
        - `may_see_restricted`: which handling-code C links this viewer is within the
          conditions of, as a predicate on the `Link` or a set of link record ids. By default
          none: a C source never becomes an edge for someone outside its conditions (APP
          Intelligence management), so forgetting to pass it fails safe.
        - `hidden_nodes`: ids the viewer may not see; they and their links are not drawn and
          not counted.
        """
        keep = np.ones(self.link_count, dtype=bool)
        if window is not None:
            start, end = window
            first = np.where(self.first_seen > 0, self.first_seen, self.last_seen)
            last = np.where(self.last_seen > 0, self.last_seen, self.first_seen)
            dated = first > 0
            in_window = dated.copy()
            if start is not None:
                in_window &= last >= start.toordinal()
            if end is not None:
                in_window &= first <= end.toordinal()
            keep &= in_window | (~dated if include_undated else False)
        if link_kinds is not None:
            kinds = set(link_kinds)
            wanted = [i for i, k in enumerate(self.link_kind_names) if k in kinds]
            keep &= np.isin(self.link_kind, np.array(wanted, dtype=np.int32))
        if minimum_grade is not None:
            max_source, max_assessment = _minimum_grade_codes(minimum_grade)
            keep &= (self.grade_source <= max_source) & (self.grade_assessment <= max_assessment)
        restricted = np.flatnonzero(keep & self.handling_c)
        if len(restricted):
            if may_see_restricted is None:
                keep[restricted] = False
            elif callable(may_see_restricted):
                for j in restricted:
                    keep[j] = bool(may_see_restricted(self.link(int(j))))
            else:
                allowed = set(may_see_restricted)
                for j in restricted:
                    link_id = None if self.link_ids is None else self.link_ids[int(j)]
                    keep[j] = link_id is not None and link_id in allowed
        visible = np.ones(self.node_count, dtype=bool)
        for node_id in hidden_nodes:
            i = self.index.get(node_id)
            if i is not None:
                visible[i] = False
        keep &= visible[self.sources] & visible[self.targets]
        return NetworkView(self, np.flatnonzero(visible), np.flatnonzero(keep))


def _column(values: object, n: int, dtype: type, default: object) -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=dtype)
    array: np.ndarray = np.asarray(values, dtype=dtype)
    if len(array) != n:
        raise ValueError("link columns differ in length")
    return array


def _first_bad(record: str, bad: np.ndarray, message: str) -> None:
    if bad.any():
        raise NetworkInputError(record, int(np.argmax(bad)), message)


def build_network(nodes: Iterable[Node], links: Iterable[Link]) -> Network:
    """Build a network from records, validating each. Raises NetworkInputError naming the
    first bad record (unknown kind or role, role on a non-person, duplicate id, link to an
    unknown node or to itself, blank link kind, weight not > 0, bad dates or grading).

    For millions of links, `Network(...)` takes the columns directly and skips the records."""
    node_ids: list[str] = []
    kinds: list[int] = []
    roles: list[int] = []
    index: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if not node.id:
            raise NetworkInputError("node", i, "id is blank")
        if node.id in index:
            raise NetworkInputError("node", i, f"id {node.id!r} appears twice")
        if node.kind not in NODE_KINDS:
            raise NetworkInputError(
                "node", i, f"kind {node.kind!r} is not one of {', '.join(NODE_KINDS)}"
            )
        if node.role not in ROLES:
            raise NetworkInputError(
                "node", i, f"role {node.role!r} is not one of {', '.join(ROLES)}"
            )
        if node.kind != "person" and node.role != "none":
            raise NetworkInputError("node", i, f"a {node.kind} cannot have role {node.role!r}")
        index[node.id] = i
        node_ids.append(node.id)
        kinds.append(NODE_KINDS.index(node.kind))
        roles.append(ROLES.index(node.role))

    kind_codes: dict[str, int] = {}
    columns: dict[str, list[Any]] = {
        k: [] for k in ("src", "dst", "kind", "weight", "first", "last", "gs", "ga", "c", "ids")
    }
    for j, link in enumerate(links):
        try:
            src, dst = (
                _endpoint(index, link.source, "source"),
                _endpoint(index, link.target, "target"),
            )
            if src == dst:
                raise ValueError("source and target are the same node")
            kind = link.kind.strip() if isinstance(link.kind, str) else ""
            if not kind:
                raise ValueError("kind is blank")
            weight = float(link.weight)
            if not isfinite(weight) or weight <= 0:
                raise ValueError(f"weight {link.weight!r} must be a number > 0")
            if link.first_seen and link.last_seen and link.first_seen > link.last_seen:
                raise ValueError("first seen is after last seen")
            grade = parse_grade(link.grading)
        except (ValueError, TypeError) as error:
            raise NetworkInputError("link", j, str(error)) from None
        columns["src"].append(src)
        columns["dst"].append(dst)
        columns["kind"].append(kind_codes.setdefault(kind, len(kind_codes)))
        columns["weight"].append(weight)
        columns["first"].append(link.first_seen.toordinal() if link.first_seen else 0)
        columns["last"].append(link.last_seen.toordinal() if link.last_seen else 0)
        columns["gs"].append(grade.source or 0)
        columns["ga"].append(_ASSESSMENTS.index(grade.assessment) + 1 if grade.assessment else 0)
        columns["c"].append(grade.handling == "C")
        columns["ids"].append(link.id)
    return Network(
        node_ids=node_ids,
        node_kind=np.array(kinds, dtype=np.int8),
        node_role=np.array(roles, dtype=np.int8),
        sources=np.array(columns["src"], dtype=np.int32),
        targets=np.array(columns["dst"], dtype=np.int32),
        link_kind=np.array(columns["kind"], dtype=np.int32),
        link_kind_names=list(kind_codes),
        weight=np.array(columns["weight"], dtype=np.float64),
        first_seen=np.array(columns["first"], dtype=np.int32),
        last_seen=np.array(columns["last"], dtype=np.int32),
        grade_source=np.array(columns["gs"], dtype=np.int8),
        grade_assessment=np.array(columns["ga"], dtype=np.int8),
        handling_c=np.array(columns["c"], dtype=bool),
        link_ids=columns["ids"],
    )


def _endpoint(index: dict[str, int], node_id: str, field_name: str) -> int:
    i = index.get(node_id)
    if i is None:
        raise ValueError(f"{field_name} {node_id!r} is not a known node")
    return i


class NetworkView:
    """What one viewer sees: an undirected igraph multigraph whose vertex v is network node
    `nodes[v]` and whose edge e is network link `links[e]` (parallel links are kept, so every
    edge is one piece of evidence)."""

    def __init__(self, network: Network, nodes: np.ndarray, links: np.ndarray) -> None:
        self.network = network
        self.nodes = nodes.astype(np.int64)
        self.links = links.astype(np.int64)
        # network node index -> view vertex, -1 where hidden
        position = np.full(network.node_count, -1, dtype=np.int32)
        position[self.nodes] = np.arange(len(self.nodes), dtype=np.int32)
        self.src = position[network.sources[self.links]]
        self.dst = position[network.targets[self.links]]
        self.graph = ig.Graph(n=len(self.nodes), directed=False)
        self.graph.add_edges(np.column_stack([self.src, self.dst]).astype(np.int32))
        self.kind = network.node_kind[self.nodes]
        self.role = network.node_role[self.nodes]
        self.weight = network.weight[self.links]
        self._position = position

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def link_count(self) -> int:
        return len(self.links)

    def node_id(self, v: int) -> str:
        return str(self.network.node_ids[self.nodes[v]])

    def vertex(self, node_id: str) -> int:
        """The vertex for a node id; KeyError if unknown or not visible in this view."""
        i = self.network.index.get(node_id)
        if i is None or self._position[i] < 0:
            raise KeyError(node_id)
        return int(self._position[i])

    def link(self, e: int) -> Link:
        return self.network.link(int(self.links[e]))

    def ids(self, vertices: Iterable[int]) -> list[str]:
        node_ids, nodes = self.network.node_ids, self.nodes
        return [node_ids[nodes[v]] for v in vertices]


# --- communities -----------------------------------------------------------------------------

# igraph draws from one process-wide generator; hold it while seeding so two analyses running
# in threads cannot interleave and lose determinism.
_RNG_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class Communities:
    """A partition of a view's vertices: `membership[v]` is vertex v's community. Ids run from
    0 in order of size, largest first, ties by earliest vertex, so they are stable for a given
    input and seed."""

    view: NetworkView
    membership: np.ndarray
    sizes: np.ndarray

    def __len__(self) -> int:
        return len(self.sizes)

    def vertices(self, community: int) -> np.ndarray:
        return np.flatnonzero(self.membership == community)

    def members(self, community: int) -> list[str]:
        return self.view.ids(self.vertices(community))

    def of(self, node_id: str) -> int:
        return int(self.membership[self.view.vertex(node_id)])

    def all_vertices(self) -> list[np.ndarray]:
        """Vertices of every community, in community order; one sort, not one scan each."""
        order = np.argsort(self.membership, kind="stable")
        return np.split(order, np.cumsum(self.sizes)[:-1]) if len(self.sizes) else []


def _renumbered(view: NetworkView, membership: Sequence[int] | np.ndarray) -> Communities:
    labels = np.asarray(membership, dtype=np.int64)
    if len(labels) == 0:
        return Communities(view, labels, np.zeros(0, dtype=np.int64))
    sizes = np.bincount(labels)
    first = np.full(len(sizes), len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels)))
    present = sizes > 0
    order = np.lexsort((first, -sizes))
    order = order[present[order]]
    new_id = np.full(len(sizes), -1, dtype=np.int64)
    new_id[order] = np.arange(len(order))
    return Communities(view, new_id[labels], sizes[order])


# Modularity compares a community's links with what chance would give across the WHOLE graph,
# so in a force-sized graph a group of five with one stray link into a town-sized cluster is
# merged into it (the resolution limit, Fortunato & Barthelemy 2007, PNAS 104:36). Above this
# total link weight the resolution rises in proportion, which judges each group as if the
# graph held this much: a group's community no longer depends on how big the database is.
MODULARITY_REFERENCE_WEIGHT = 50_000.0


def default_resolution(view: NetworkView) -> float:
    """1.0 (plain modularity) up to MODULARITY_REFERENCE_WEIGHT of total link weight, then
    rising with it."""
    return max(1.0, float(view.weight.sum()) / MODULARITY_REFERENCE_WEIGHT)


def find_communities(
    view: NetworkView, *, seed: int = 0, resolution: float | None = None, iterations: int = 2
) -> Communities:
    """Leiden communities maximising weighted modularity (Traag et al. 2019: communities are
    guaranteed connected, unlike Louvain). Deterministic for a given view and seed. Every
    vertex is in exactly one community; an isolated node is a community of one. `resolution`
    defaults to `default_resolution(view)`."""
    if resolution is None:
        resolution = default_resolution(view)
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            clustering = view.graph.community_leiden(
                objective_function="modularity",
                weights=view.weight.tolist(),
                resolution=resolution,
                n_iterations=iterations,
            )
        finally:
            ig.set_random_number_generator(random)
    return _renumbered(view, clustering.membership)


# --- tight groups: communities an analyst would recognise ------------------------------------

# How strongly each link type ties two things together when finding groups, relative to 1.0
# (types not listed). Shared tools and being found or travelling together are what offending
# networks leave; living at an address, attending a school, working somewhere or being on one
# referral form join whole households, classes and workplaces that have nothing to do with
# each other. Only the search for groups uses these: paths, key players and the chart keep
# every link as recorded.
LINK_KIND_STRENGTH: dict[str, float] = {
    "found_with": 3.0,
    "travelled_in": 3.0,
    "called": 3.0,
    "uses_phone": 3.0,
    "uses_account": 3.0,
    "drives_vehicle": 3.0,
    "owns_vehicle": 2.0,
    "used": 3.0,
    "seized": 2.0,
    "uses": 3.0,
    "associate": 2.0,
    "associate_of": 2.0,
    "partner_of": 2.0,
    "stayed_at": 2.0,
    "found_at": 2.0,
    "manages": 2.0,
    "seen_with": 1.5,
    "seen": 1.5,
    "seen_at": 1.0,
    "parent_of": 0.5,
    "carer_of": 0.5,
    "step_parent_of": 0.5,
    "sibling_of": 0.5,
    "relative_of": 0.5,
    "placed_at": 0.5,
    "works_at": 0.3,
    "lives_at": 0.3,
    "referred_together": 0.3,
    "attends": 0.1,
}
# A phone, vehicle, account or place linked to more distinct neighbours than this is a hub
# (a school, a shopping centre, a station, a block of flats): each of its links counts
# HUB_NEIGHBOURS / neighbours, so together they tie no more than a small group's party house.
HUB_NEIGHBOURS = 12
# One record (an event) that names many people makes a link between every pair of them; above
# this many links from one record each counts RECORD_LINKS / links, so a crowded incident ties
# its people no more than a small one does.
RECORD_LINKS = 15
# Communities larger than this that could be flagged are searched again on their own links,
# up to SPLIT_ROUNDS times: offending networks are 5-40 people (issue 10).
GROUP_SIZE_CAP = 60
SPLIT_ROUNDS = 3
SPLIT_RESOLUTION = 0.5
# A flagged group keeps its suspects and whatever is within this many links of them inside
# the community (their children, phones, cars and places, and the people those join).
TRIM_HOPS = 2
# ... and not the hubs it touches (a school, a shopping centre, a station), nor anyone it
# reaches only through one: being in the same place as hundreds of others is no association.
TRIM_HUB_NEIGHBOURS = 20


def community_weights(
    view: NetworkView,
    *,
    strength: Mapping[str, float] | None = None,
    hub_neighbours: int = HUB_NEIGHBOURS,
    record_links: int = RECORD_LINKS,
) -> np.ndarray:
    """Each link's weight for finding groups: its recorded weight x the strength of its type
    (`LINK_KIND_STRENGTH`), scaled down where it runs through a hub (a non-person node with
    more than `hub_neighbours` distinct neighbours) and where it is one of many links made
    from one record (more than `record_links` sharing a record id). Vectorised over links."""
    table = strength if strength is not None else LINK_KIND_STRENGTH
    network = view.network
    factors = np.array([table.get(k, 1.0) for k in network.link_kind_names] or [1.0])
    weights: np.ndarray = view.weight * factors[network.link_kind[view.links]]
    if len(weights) == 0:
        return weights
    src, dst = view.src, view.dst
    hub = np.where(view.kind != _PERSON, _neighbour_counts(view), 0)
    widest = np.maximum(hub[src], hub[dst])
    weights *= np.minimum(1.0, hub_neighbours / np.maximum(widest, 1))
    if network.link_ids is not None:
        ids = network.link_ids
        counts: dict[str | None, int] = {}
        chosen = [ids[j] for j in view.links.tolist()]
        for link_id in chosen:
            counts[link_id] = counts.get(link_id, 0) + 1
        counts.pop(None, None)
        if counts and max(counts.values()) > record_links:
            made = np.array([counts.get(link_id, 1) for link_id in chosen], dtype=np.float64)
            weights *= np.minimum(1.0, record_links / made)
    return weights


def _neighbour_counts(view: NetworkView) -> np.ndarray:
    """Distinct neighbours of every vertex (parallel links count once)."""
    n = view.node_count
    src, dst = view.src.astype(np.int64), view.dst.astype(np.int64)
    pairs = np.unique(np.minimum(src, dst) * n + np.maximum(src, dst))
    counts: np.ndarray = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)
    return counts


def _leiden(graph: ig.Graph, weights: np.ndarray, resolution: float, seed: int) -> np.ndarray:
    with _RNG_LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            clustering = graph.community_leiden(
                objective_function="modularity",
                weights=weights.tolist(),
                resolution=resolution,
                n_iterations=2,
            )
        finally:
            ig.set_random_number_generator(random)
    return np.asarray(clustering.membership, dtype=np.int64)


def _could_flag(view: NetworkView, membership: np.ndarray) -> np.ndarray:
    """Per community label: two or more suspects and a child (the counts the flag needs)."""
    k = int(membership.max(initial=-1)) + 1
    suspect = (view.kind == _PERSON) & (view.role == _SUSPECT)
    child = (view.kind == _PERSON) & np.isin(view.role, _CHILD_CODES)
    result: np.ndarray = (np.bincount(membership[suspect], minlength=k) >= 2) & (
        np.bincount(membership[child], minlength=k) >= 1
    )
    return result


def _grouped(
    view: NetworkView, membership: np.ndarray, wanted: np.ndarray
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """(community, its vertices, its inner links) for each `wanted` community, from one sort
    of the vertices and one of the links (not a scan of the graph per community)."""
    src, dst = view.src, view.dst
    chosen = np.zeros(int(membership.max(initial=-1)) + 1, dtype=bool)
    chosen[wanted] = True
    vertices = np.flatnonzero(chosen[membership])
    vertices = vertices[np.argsort(membership[vertices], kind="stable")]
    links = np.flatnonzero(chosen[membership[src]] & (membership[src] == membership[dst]))
    links = links[np.argsort(membership[src[links]], kind="stable")]
    v_labels, l_labels = membership[vertices], membership[src[links]]
    result = []
    for community in np.sort(wanted).tolist():
        v_lo, v_hi = np.searchsorted(v_labels, [community, community + 1])
        l_lo, l_hi = np.searchsorted(l_labels, [community, community + 1])
        result.append((community, vertices[v_lo:v_hi], links[l_lo:l_hi]))
    return result


def _subgraph(
    view: NetworkView, members: np.ndarray, inner: np.ndarray
) -> tuple[ig.Graph, np.ndarray, np.ndarray]:
    """The community's own graph, and its links' ends as positions in `members`."""
    local_src = np.searchsorted(members, view.src[inner])
    local_dst = np.searchsorted(members, view.dst[inner])
    part = ig.Graph(n=len(members), directed=False)
    part.add_edges(np.column_stack([local_src, local_dst]).astype(np.int32))
    return part, local_src, local_dst


def _rejoin(
    split: np.ndarray,
    anchored: np.ndarray,
    local_src: np.ndarray,
    local_dst: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Pieces of a split with no suspect in them go back to the piece with a suspect they are
    most strongly linked to: a community search inside a group can cut its children (and
    their places) off from its suspects, which would lose the group."""
    k = int(split.max()) + 1
    has_suspect = np.bincount(split[anchored], minlength=k) > 0
    a, b = split[local_src], split[local_dst]
    across = a != b
    # both directions: the piece without a suspect, the piece with one, the weight between
    piece = np.concatenate([a[across], b[across]])
    other = np.concatenate([b[across], a[across]])
    weight = np.concatenate([weights[across], weights[across]])
    wanted = ~has_suspect[piece] & has_suspect[other]
    if not wanted.any():
        return split
    keys, totals = np.unique(piece[wanted] * k + other[wanted], return_inverse=True)
    summed = np.bincount(totals.ravel(), weights=weight[wanted])
    target = np.arange(k)
    best = np.zeros(k)
    for key, total in zip(keys.tolist(), summed.tolist(), strict=True):
        p, q = divmod(key, k)
        if total > best[p]:
            best[p], target[p] = total, q
    rejoined: np.ndarray = target[split]
    return rejoined


def tight_communities(
    view: NetworkView,
    *,
    seed: int = 0,
    resolution: float | None = None,
    weights: np.ndarray | None = None,
    cap: int = GROUP_SIZE_CAP,
    rounds: int = SPLIT_ROUNDS,
    split_resolution: float = SPLIT_RESOLUTION,
    hops: int = TRIM_HOPS,
    trim_hub_neighbours: int = TRIM_HUB_NEIGHBOURS,
) -> Communities:
    """Communities close to the offending networks an analyst would draw (issue 10).

    1. Leiden on `community_weights` (strong ties count more; hubs, households, schools and
       crowded events less), at `resolution` (default: `default_resolution` of those weights).
    2. A community that could be flagged (two suspects and a child) but is larger than `cap`
       is searched again on its own links at resolution 1, up to `rounds` times.
       Pieces with no suspect rejoin the piece with a suspect they are most linked to.
    3. Such a community keeps only what is within `hops` links of its suspects along its own
       links, not counting hubs (non-person nodes with more than `trim_hub_neighbours`
       neighbours); everything else becomes a community of one.

    Only communities that could be flagged are split and trimmed, so the rest of the graph
    costs one Leiden run. Every vertex is in exactly one community; deterministic per seed."""
    if weights is None:
        weights = community_weights(view)
    if resolution is None:
        resolution = max(1.0, float(weights.sum()) / MODULARITY_REFERENCE_WEIGHT)
    if view.node_count == 0:
        return _renumbered(view, np.zeros(0, dtype=np.int64))
    membership = _leiden(view.graph, weights, resolution, seed)
    suspect = (view.kind == _PERSON) & (view.role == _SUSPECT)
    for _ in range(rounds):
        sizes = np.bincount(membership)
        big = np.flatnonzero(_could_flag(view, membership) & (sizes > cap))
        if not len(big):
            break
        next_label = int(membership.max()) + 1
        for _community, members, inner in _grouped(view, membership, big):
            part, local_src, local_dst = _subgraph(view, members, inner)
            split = _leiden(part, weights[inner], split_resolution, seed)
            if split.max(initial=0) > 0:
                split = _rejoin(split, suspect[members], local_src, local_dst, weights[inner])
            labels = np.unique(split)
            if len(labels) < 2:
                continue
            split = np.searchsorted(labels, split)  # 0, 1, 2...; piece 0 keeps the label
            moved = split > 0
            membership[members[moved]] = next_label + split[moved]
            next_label += len(labels)
    candidates = np.flatnonzero(_could_flag(view, membership))
    if len(candidates):
        next_label = int(membership.max()) + 1
        hub = (view.kind != _PERSON) & (_neighbour_counts(view) > trim_hub_neighbours)
        for _community, members, inner in _grouped(view, membership, candidates):
            inner = inner[~hub[view.src[inner]] & ~hub[view.dst[inner]]]
            part, _, _ = _subgraph(view, members, inner)
            near = np.zeros(len(members), dtype=bool)
            starts = np.flatnonzero(suspect[members]).tolist()
            for reached in part.neighborhood(starts, order=hops):
                near[reached] = True
            dropped = members[~near]
            membership[dropped] = next_label + np.arange(len(dropped))
            next_label += len(dropped)
    return _renumbered(view, membership)


def connected_components(view: NetworkView) -> Communities:
    """Connected components, numbered like communities."""
    return _renumbered(view, view.graph.connected_components().membership)


# --- paths -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path and every link (piece of evidence) joining its two ends."""

    from_id: str
    to_id: str
    links: tuple[Link, ...]


def shortest_path(view: NetworkView, from_id: str, to_id: str) -> list[Hop] | None:
    """The fewest-hops path between two nodes (typically two people), through any phones,
    vehicles, accounts or locations, with the evidence for each hop. None when they are not
    connected in this view; [] from a node to itself. KeyError if either is not visible."""
    start, end = view.vertex(from_id), view.vertex(to_id)
    if start == end:
        return []
    with warnings.catch_warnings():
        # igraph warns when the two are unconnected; that is an answer (None), not a fault
        warnings.simplefilter("ignore", RuntimeWarning)
        path = view.graph.get_shortest_path(start, end, output="vpath")
    if not path:
        return None
    return [
        Hop(
            view.node_id(u),
            view.node_id(v),
            tuple(view.link(e) for e in _links_between(view, u, v)),
        )
        for u, v in pairwise(path)
    ]


def _links_between(view: NetworkView, u: int, v: int) -> list[int]:
    return [e for e in view.graph.incident(u) if {int(view.src[e]), int(view.dst[e])} == {u, v}]


def neighbourhood(view: NetworkView, centre: str, *, hops: int = 2) -> tuple[list[str], list[Link]]:
    """A node's network to `hops` hops (the person page's Network tab): the node ids, centre
    first, and every link among them."""
    vertices = view.graph.neighborhood(view.vertex(centre), order=hops)
    inside = np.zeros(view.node_count, dtype=bool)
    inside[vertices] = True
    edges = np.flatnonzero(inside[view.src] & inside[view.dst])
    return view.ids(vertices), [view.link(int(e)) for e in edges]


# --- key players -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPlayer:
    """A person's standing inside their community. `betweenness` (brokerage: how many shortest
    paths between others run through them) is None where the community was too large to
    compute it; `pagerank` (weighted) is within the community, summing to 1 over its
    members; `degree` counts distinct neighbours in the community; `score` is the mean of the
    measures, each scaled to the community's highest."""

    id: str
    betweenness: float | None
    pagerank: float
    degree: int
    score: float


def rank_key_players(
    view: NetworkView,
    communities: Communities,
    *,
    top: int = 5,
    betweenness_for: Collection[int] = (),
    exact_betweenness_limit: int = 300,
    betweenness_sources: int = 64,
) -> dict[int, list[KeyPlayer]]:
    """The top people of every community, ranked within it by betweenness, PageRank and
    degree, computed only on links inside the community. Communities with no linked person
    are absent.

    Betweenness costs about size x links per community, so it is exact for communities of up
    to `exact_betweenness_limit` members; for larger communities listed in `betweenness_for`
    (pass the flagged ones) it is estimated from shortest paths out of `betweenness_sources`
    evenly spaced members, scaled up (Brandes & Pich 2007); elsewhere it is None."""
    n = view.node_count
    membership = communities.membership
    inner = np.flatnonzero(membership[view.src] == membership[view.dst])
    src, dst = view.src[inner], view.dst[inner]

    # degree: distinct neighbours, so twenty calls between the same pair count once
    low, high = np.minimum(src, dst).astype(np.int64), np.maximum(src, dst).astype(np.int64)
    pairs, pair_of = np.unique(low * n + high, return_inverse=True)
    degree = np.bincount(pairs // n, minlength=n) + np.bincount(pairs % n, minlength=n)

    # PageRank on the union of communities: each community is a separate component, so one
    # call ranks everyone within their own community; rescale so each community sums to 1.
    # Parallel links become one link carrying their summed weight (the same PageRank): PRPACK
    # is many times slower on a multigraph.
    pair_weight = np.bincount(pair_of.ravel(), weights=view.weight[inner], minlength=len(pairs))
    pair_graph = ig.Graph(n=n, directed=False)
    pair_graph.add_edges(np.column_stack([pairs // n, pairs % n]).astype(np.int32))
    pagerank = np.asarray(pair_graph.pagerank(weights=pair_weight.tolist()))
    del pair_graph
    inner_graph = ig.Graph(n=n, directed=False)
    inner_graph.add_edges(np.column_stack([src, dst]).astype(np.int32))
    totals = np.bincount(membership, weights=pagerank, minlength=len(communities))
    pagerank = pagerank / np.where(totals[membership] > 0, totals[membership], 1.0)

    betweenness = np.full(n, np.nan)
    small = (communities.sizes >= 3) & (communities.sizes <= exact_betweenness_limit)
    chosen = np.flatnonzero(small[membership])
    if len(chosen):
        betweenness[chosen] = inner_graph.induced_subgraph(chosen.tolist()).betweenness(
            directed=False
        )
    large = [c for c in betweenness_for if communities.sizes[c] > exact_betweenness_limit]
    if large:
        every = communities.all_vertices()
        for community in large:
            members = every[community]
            sources = np.linspace(0, len(members) - 1, betweenness_sources).astype(np.int64)
            sources = np.unique(sources)
            estimate = inner_graph.induced_subgraph(members.tolist()).betweenness(
                directed=False, sources=sources.tolist()
            )
            betweenness[members] = np.asarray(estimate) * (len(members) / len(sources))
    betweenness[communities.sizes[membership] < 3] = 0.0  # no one can broker in a pair

    score = _scaled(degree.astype(np.float64), membership, len(communities)) + _scaled(
        pagerank, membership, len(communities)
    )
    has_betweenness = ~np.isnan(betweenness)
    score += np.where(
        has_betweenness, _scaled(np.nan_to_num(betweenness), membership, len(communities)), 0.0
    )
    score /= np.where(has_betweenness, 3.0, 2.0)

    # Key players are people; a phone everyone shares is evidence, not a player.
    candidates = np.flatnonzero((view.kind == _PERSON) & (degree > 0))
    order = candidates[np.lexsort((candidates, -score[candidates], membership[candidates]))]
    groups = membership[order]
    starts = np.searchsorted(groups, groups, side="left")
    picked = order[np.arange(len(order)) - starts < top]

    result: dict[int, list[KeyPlayer]] = {}
    for v in picked.tolist():
        result.setdefault(int(membership[v]), []).append(
            KeyPlayer(
                id=view.node_id(v),
                betweenness=None if np.isnan(betweenness[v]) else float(betweenness[v]),
                pagerank=float(pagerank[v]),
                degree=int(degree[v]),
                score=float(score[v]),
            )
        )
    return result


def _scaled(values: np.ndarray, membership: np.ndarray, k: int) -> np.ndarray:
    highest = np.zeros(k)
    np.maximum.at(highest, membership, values)
    top = highest[membership]
    scaled: np.ndarray = np.divide(values, top, out=np.zeros_like(values), where=top > 0)
    return scaled


def key_players(
    view: NetworkView, communities: Communities, community: int, *, top: int = 5
) -> list[KeyPlayer]:
    """Key players of one community (betweenness always computed, estimated from a sample
    of sources when the community is large)."""
    ranked = rank_key_players(view, communities, top=top, betweenness_for=(community,))
    return ranked.get(community, [])


# --- group-based CSE -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Association:
    """Why suspects count as associated: a direct link between two of them (`via` None), or a
    phone, vehicle, account or location they share (`via` its id). `links` is the evidence."""

    suspects: tuple[str, ...]
    via: str | None
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class GroupFlag:
    """A community that meets the NPCC definition of group-based CSE: two or more associated
    individuals and a child who is a victim or at risk (DOMAIN.md). Names the associated
    suspects, the children, and the evidence: the associations between suspects and the
    children's links into the group. `evidence` is all of those links once each."""

    community: int
    suspects: tuple[str, ...]
    children: tuple[str, ...]
    associations: tuple[Association, ...]
    child_links: tuple[Link, ...]
    evidence: tuple[Link, ...]


def flag_group_based_cse(view: NetworkView, communities: Communities) -> dict[int, GroupFlag]:
    """Flag every community containing at least two suspects associated with each other
    (directly, or through a shared phone, vehicle, account or location, which may itself sit
    in another community) and at least one child who is a victim or at risk. Keyed by
    community id."""
    membership = communities.membership
    k = len(communities)
    suspect = (view.kind == _PERSON) & (view.role == _SUSPECT)
    child = (view.kind == _PERSON) & np.isin(view.role, _CHILD_CODES)
    shared_object = np.isin(view.kind, _OBJECT_CODES)
    candidate = (np.bincount(membership[suspect], minlength=k) >= 2) & (
        np.bincount(membership[child], minlength=k) >= 1
    )
    if not candidate.any():
        return {}
    src, dst = view.src, view.dst
    in_candidate = candidate[membership]

    associations: dict[int, list[tuple[tuple[int, ...], int | None, list[int]]]] = {}
    direct = np.flatnonzero(
        suspect[src] & suspect[dst] & in_candidate[src] & (membership[src] == membership[dst])
    )
    by_pair: dict[tuple[int, int], list[int]] = {}
    for e in direct.tolist():
        u, v = int(src[e]), int(dst[e])
        by_pair.setdefault((min(u, v), max(u, v)), []).append(e)
    for pair, edges in by_pair.items():
        associations.setdefault(int(membership[pair[0]]), []).append((pair, None, edges))

    # suspect-object links, then objects reached by two or more suspects of one community
    forward = suspect[src] & in_candidate[src] & shared_object[dst]
    backward = suspect[dst] & in_candidate[dst] & shared_object[src]
    shared = np.concatenate([np.flatnonzero(forward), np.flatnonzero(backward)])
    people = np.concatenate([src[forward], dst[backward]]).astype(np.int64)
    things = np.concatenate([dst[forward], src[backward]]).astype(np.int64)
    if len(shared):
        key = things * k + membership[people]
        order = np.lexsort((people, key))
        key, people, things, shared = key[order], people[order], things[order], shared[order]
        bounds = np.flatnonzero(np.diff(key)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(key)]])
        distinct = np.add.reduceat(
            np.concatenate([[1], (np.diff(people) != 0) | (np.diff(key) != 0)]).astype(np.int64),
            starts,
        )
        for s, t in zip(starts[distinct >= 2].tolist(), ends[distinct >= 2].tolist(), strict=True):
            group = tuple(dict.fromkeys(people[s:t].tolist()))
            community = int(membership[people[s]])
            associations.setdefault(community, []).append(
                (group, int(things[s]), shared[s:t].tolist())
            )

    # Children's links into their own flagged community, found in one pass over the links
    # and grouped by community, so the work per flag is only its own.
    flagged = np.zeros(k, dtype=bool)
    flagged[list(associations)] = True
    child_edges_all = np.flatnonzero(
        (child[src] | child[dst]) & (membership[src] == membership[dst]) & flagged[membership[src]]
    )
    child_edges_all = child_edges_all[np.argsort(membership[src[child_edges_all]], kind="stable")]
    edge_community = membership[src[child_edges_all]]
    every = communities.all_vertices()

    flags: dict[int, GroupFlag] = {}
    for community, found in sorted(associations.items()):
        members = every[community]
        children = np.sort(members[child[members]])
        lo, hi = np.searchsorted(edge_community, [community, community + 1])
        child_edges = child_edges_all[lo:hi]
        named = sorted({v for group, _, _ in found for v in group})
        evidence = sorted(
            {e for _, _, group_edges in found for e in group_edges} | set(child_edges.tolist())
        )
        flags[community] = GroupFlag(
            community=community,
            suspects=tuple(view.ids(named)),
            children=tuple(view.ids(children)),
            associations=tuple(
                Association(
                    suspects=tuple(view.ids(sorted(group))),
                    via=None if via is None else view.node_id(via),
                    links=tuple(view.link(e) for e in sorted(group_edges)),
                )
                for group, via, group_edges in sorted(found, key=lambda f: (f[1] is not None, f[0]))
            ),
            child_links=tuple(view.link(int(e)) for e in child_edges),
            evidence=tuple(view.link(e) for e in evidence),
        )
    return flags


# --- the whole analysis ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    """One community as the CLI and the Groups view show it."""

    id: int
    members: list[str]
    suspects: list[str]
    children: list[str]
    group_based_cse: bool
    key_players: list[str]


@dataclass(frozen=True)
class NetworkAnalysis:
    view: NetworkView
    communities: Communities
    flags: dict[int, GroupFlag]
    key_players: dict[int, list[KeyPlayer]]

    def summaries(self) -> list[CommunitySummary]:
        """Every community, in id order; members, suspects and children in input order."""
        view = self.view
        suspect = (view.kind == _PERSON) & (view.role == _SUSPECT)
        child = (view.kind == _PERSON) & np.isin(view.role, _CHILD_CODES)
        return [
            CommunitySummary(
                id=c,
                members=view.ids(vertices),
                suspects=view.ids(vertices[suspect[vertices]]),
                children=view.ids(vertices[child[vertices]]),
                group_based_cse=c in self.flags,
                key_players=[p.id for p in self.key_players.get(c, [])],
            )
            for c, vertices in enumerate(self.communities.all_vertices())
        ]


def analyse(
    view: NetworkView,
    *,
    seed: int = 0,
    top: int = 5,
    resolution: float | None = None,
    tight: bool = False,
) -> NetworkAnalysis:
    """Communities, group-based CSE flags, then key players (with betweenness for every
    flagged community, however large). `tight` finds the communities with
    `tight_communities` (weighted by link type, hubs discounted, large candidates split and
    trimmed to their suspects' surroundings) instead of plain `find_communities`."""
    if tight:
        communities = tight_communities(view, seed=seed, resolution=resolution)
    else:
        communities = find_communities(view, seed=seed, resolution=resolution)
    flags = flag_group_based_cse(view, communities)
    players = rank_key_players(view, communities, top=top, betweenness_for=flags.keys())
    return NetworkAnalysis(view, communities, flags, players)


# --- export ----------------------------------------------------------------------------------


def write_graphml(
    view: NetworkView,
    path: str | Path,
    *,
    communities: Communities | None = None,
    members: Collection[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> None:
    """Write the view, or just `members` and the links among them, as GraphML for i2 or
    Gephi. Nodes carry name, kind, role (and community if given); edges carry kind, weight,
    dates, grading and the record id (GraphML node ids are positional, n0, n1...; a node's Vigil
    id is its "name", and its "label" too unless `labels` gives a display name for it)."""
    if members is None:
        vertices = np.arange(view.node_count)
    else:
        vertices = np.array(sorted(view.vertex(m) for m in members), dtype=np.int64)
    inside = np.zeros(view.node_count, dtype=bool)
    inside[vertices] = True
    edges = np.flatnonzero(inside[view.src] & inside[view.dst])
    position = np.full(view.node_count, -1, dtype=np.int64)
    position[vertices] = np.arange(len(vertices))

    graph = ig.Graph(n=len(vertices), directed=False)
    graph.add_edges(
        np.column_stack([position[view.src[edges]], position[view.dst[edges]]]).astype(np.int32)
    )
    # "name" is igraph's vertex key on reading back; "label" is what Gephi and i2 display.
    graph.vs["name"] = view.ids(vertices)
    graph.vs["label"] = [(labels or {}).get(i, i) for i in graph.vs["name"]]
    graph.vs["kind"] = [NODE_KINDS[k] for k in view.kind[vertices]]
    graph.vs["role"] = [
        ROLES[r] if k == _PERSON else ""
        for k, r in zip(view.kind[vertices], view.role[vertices], strict=True)
    ]
    if communities is not None:
        graph.vs["community"] = communities.membership[vertices].tolist()
    links = [view.link(int(e)) for e in edges]
    graph.es["kind"] = [link.kind for link in links]
    graph.es["weight"] = [link.weight for link in links]
    graph.es["first_seen"] = [
        link.first_seen.isoformat() if link.first_seen else "" for link in links
    ]
    graph.es["last_seen"] = [link.last_seen.isoformat() if link.last_seen else "" for link in links]
    graph.es["grading"] = [link.grading for link in links]
    graph.es["record"] = [link.id or "" for link in links]
    graph.write_graphml(str(path))
