"""The stored "missing together" links (MissingTogetherLink): every two episodes of different
children that overlap in time and share a place found, a companion, a vehicle or each other.

Kept system-wide, whoever may see what: the reader (selectors) filters each link by
need-to-know. Refreshed in the writer's transaction by the services that report and return an
episode and by the CSV import, so a page never compares episodes; `rebuild_together_links`
(also `vigil missing rebuild-together --user NAME`) recomputes them all. A bulk load that
records many episodes through the services one by one (the synthetic area) wraps them in
`together_links_deferred()`: one refresh at the end instead of two per episode."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Q

from vigil.core.missing import EACH_OTHER, OPEN_ENDED, EpisodeSpan, together_links
from vigil.missing.models import MissingEpisode, MissingTogetherLink

# Refreshing more episodes than this at once (an import) recomputes every link instead: one
# sweep over all episodes costs less than the lookups, and no IN list grows unbounded.
REBUILD_ABOVE = 500
READ_ALL_ABOVE = 5000
# The episodes whose refresh is put off to the end of `together_links_deferred()`, if inside.
_deferred: ContextVar[set[int] | None] = ContextVar("together_links_deferred", default=None)


def _spans(episodes: Any, ids: set[int] | None) -> list[EpisodeSpan]:
    """These episodes (all when None) as the pure rule's spans, by id."""
    chosen = episodes.objects.order_by()
    through_people = episodes.found_with.through.objects.order_by()
    through_vehicles = episodes.vehicles.through.objects.order_by()
    if ids is not None:
        chosen = chosen.filter(pk__in=ids)
        through_people = through_people.filter(missingepisode_id__in=ids)
        through_vehicles = through_vehicles.filter(missingepisode_id__in=ids)
    companions: dict[int, set[str]] = defaultdict(set)
    for episode_id, person_id in through_people.values_list("missingepisode_id", "person_id"):
        companions[episode_id].add(str(person_id))
    vehicles: dict[int, set[str]] = defaultdict(set)
    for episode_id, vehicle_id in through_vehicles.values_list(
        "missingepisode_id", "poleobject_id"
    ):
        vehicles[episode_id].add(str(vehicle_id))
    return [
        EpisodeSpan(
            ref=str(pk),
            child=str(child_id),
            start=start,
            end=end,
            places=frozenset((str(place),)) if place is not None else frozenset(),
            companions=frozenset(companions.get(pk, ())),
            vehicles=frozenset(vehicles.get(pk, ())),
        )
        for pk, child_id, start, end, place in chosen.values_list(
            "id", "child_id", "reported_missing_at", "returned_at", "found_at_id"
        )
    ]


def _partners(episodes: Any, ids: set[int]) -> set[int]:
    """The episodes that could link to these: sharing their place, a companion or a vehicle,
    or one child found with the other."""
    mine = episodes.objects.filter(pk__in=ids).order_by()
    places = mine.exclude(found_at=None).values("found_at_id")
    children = mine.values("child_id")
    with_people = episodes.found_with.through.objects.filter(missingepisode_id__in=ids)
    companions = with_people.values("person_id")
    cars = episodes.vehicles.through.objects.filter(missingepisode_id__in=ids).values(
        "poleobject_id"
    )
    return (
        set(
            episodes.objects.filter(
                Q(found_at_id__in=places) | Q(child_id__in=companions)
            ).values_list("pk", flat=True)
        )
        | set(
            episodes.found_with.through.objects.filter(
                Q(person_id__in=companions) | Q(person_id__in=children)
            ).values_list("missingepisode_id", flat=True)
        )
        | set(
            episodes.vehicles.through.objects.filter(poleobject_id__in=cars).values_list(
                "missingepisode_id", flat=True
            )
        )
    )


def _rows(
    links: Any, found: Iterable[tuple[EpisodeSpan, EpisodeSpan, frozenset[str]]]
) -> list[Any]:
    made = []
    for a, b, shared in found:
        for item in sorted(shared):
            kind, _, value = item.partition(":")
            row = links(earlier_id=int(a.ref), later_id=int(b.ref))
            if item == EACH_OTHER:
                row.kind = MissingTogetherLink.Kind.EACH_OTHER
            elif kind == "place":
                row.kind, row.place_id = MissingTogetherLink.Kind.PLACE, int(value)
            elif kind == "with":
                row.kind, row.person_id = MissingTogetherLink.Kind.WITH, int(value)
            else:
                row.kind, row.vehicle_id = MissingTogetherLink.Kind.VEHICLE, int(value)
            made.append(row)
    return made


def rebuild_together_links(episodes: Any = MissingEpisode, links: Any = MissingTogetherLink) -> int:
    """Recompute every link (the models may be a migration's). Returns how many are stored."""
    links.objects.all().delete()
    made = _rows(links, together_links(_spans(episodes, None), OPEN_ENDED))
    links.objects.bulk_create(made, batch_size=1000)
    return len(made)


def refresh_together_links(episode_ids: Iterable[int]) -> None:
    """Recompute the links of these episodes (just reported, returned or imported), in the
    caller's transaction; inside `together_links_deferred()`, when it ends."""
    ids = set(episode_ids)
    if not ids:
        return
    deferred = _deferred.get()
    if deferred is not None:
        deferred |= ids
        return
    if len(ids) > REBUILD_ABOVE:
        rebuild_together_links()
        return
    MissingTogetherLink.objects.filter(Q(earlier_id__in=ids) | Q(later_id__in=ids)).delete()
    wanted = ids | _partners(MissingEpisode, ids)
    # A hotspot's thousands of episodes: read them all rather than name each in an IN list.
    spans = _spans(MissingEpisode, wanted if len(wanted) <= READ_ALL_ABOVE else None)
    refs = {str(pk) for pk in ids}
    found = [
        link
        for link in together_links(spans, OPEN_ENDED)
        if link[0].ref in refs or link[1].ref in refs
    ]
    MissingTogetherLink.objects.bulk_create(_rows(MissingTogetherLink, found), batch_size=1000)


@contextmanager
def together_links_deferred() -> Iterator[None]:
    """Within this block `refresh_together_links` only notes its episodes; on leaving it
    (without an error) they are refreshed at once, in the caller's transaction: the same
    links, because a refresh recomputes every link of the episodes it names from the records
    as they are by then (tests/synthetic checks the rows against one refresh per service call).
    Nested blocks refresh when the outermost ends."""
    if _deferred.get() is not None:
        yield
        return
    noted: set[int] = set()
    token = _deferred.set(noted)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh_together_links(noted)
