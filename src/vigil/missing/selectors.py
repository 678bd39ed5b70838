"""Every read about missing episodes. Each checks need-to-know through the access layer (an
episode is shown only if both it and its child are visible) and logs a consultation for each
child and record it shows (DPA 2018 s62)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Expression,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Collate, Concat, RowNumber, Trim
from django.http import Http404, HttpRequest
from django.utils import timezone

from vigil.accounts.access import can_see_record, visibility_q
from vigil.accounts.justification import justification_for
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.missing import (
    EACH_OTHER,
    Companion,
    DerivedIndicator,
    EpisodeFacts,
    RhiState,
    TogetherPair,
    Trend,
    derive_indicators,
    describe_duration,
    elapsed_hours,
    episodes_in_window,
    missing_policy,
    peer_groups,
    rhi_state,
    together_pairs,
)
from vigil.missing.models import (
    Disclosure,
    MissingEpisode,
    MissingTogetherLink,
    ReturnHomeInterview,
    RiskGrading,
    episode_ref,
)
from vigil.people import selectors as people_selectors
from vigil.people.models import LOCATIONS_OF_CONCERN, Location, Person, PoleObject
from vigil.web.pagination import PageNumber, paginate


def audit_shown(
    user: Any, shown: Iterable[tuple[str, object]], via: str, justification: str = ""
) -> None:
    rows = list(dict.fromkeys(shown))
    if rows:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=rows,
            justification=justification,
            detail={"via": via},
        )


def _reason(request: HttpRequest | None, *records: Any) -> str:
    """The session's answer to "why are you looking?" for a sensitive record (a victim, a
    restricted record), asked for by raising until given; '' when none is needed."""
    if request is None:
        return ""
    reasons = [justification_for(request, record) for record in records]
    return next((reason for reason in reasons if reason), "")


def get_child(user: Any, pk: int | str, *, request: HttpRequest | None = None) -> Person:
    """A child the user may see (404 otherwise), audited as consulted."""
    child = people_selectors.get_visible(user, Person, pk, audit=False)
    audit_shown(user, [("person", child.pk)], "missing episode", _reason(request, child))
    return child


def episodes(user: Any) -> QuerySet[MissingEpisode]:
    """The episodes `user` may see, with their child visible too."""
    return MissingEpisode.objects.filter(visibility_q(user), visibility_q(user, "child__"))


def visible_people(user: Any) -> Prefetch:
    return Prefetch("found_with", queryset=Person.objects.filter(visibility_q(user)))


def visible_vehicles(user: Any) -> Prefetch:
    return Prefetch("vehicles", queryset=PoleObject.objects.filter(visibility_q(user)))


def _visible_place(user: Any, place: Location | None) -> Location | None:
    return place if place is not None and can_see_record(user, place) else None


def _visible_place_ids(user: Any, places: Iterable[Location | None]) -> set[int]:
    """Which of these places the user may see, in one query (lists hide the others)."""
    ids = {place.pk for place in places if place is not None}
    if not ids:
        return set()
    return set(Location.objects.filter(visibility_q(user), pk__in=ids).values_list("pk", flat=True))


# --- Pages of a list -------------------------------------------------------------------------

# Long lists are read, audited and shown a page at a time (GOV.UK pattern: "Showing 1 to 50 of
# 1,234 results"), so a list page costs the same at a force's scale as in a small team.
PAGE_SIZE = 50

R = TypeVar("R")


def _paged(
    items: Any,
    number: PageNumber,
    build: Callable[[list[Any]], list[R]],
    per_page: int | None = None,
) -> Page[R]:
    """Page `number` of `items`, its rows (only those) read and audited by `build`."""
    return paginate(items, number, per_page or PAGE_SIZE, build)


# --- One episode ------------------------------------------------------------------------------


@dataclass
class EpisodeView:
    episode: MissingEpisode
    gradings: list[RiskGrading]
    interview: ReturnHomeInterview | None
    rhi: RhiState | None
    disclosures: list[Disclosure]
    found_with: list[Person]
    vehicles: list[PoleObject]
    found_at: Location | None
    missing_from: Location | None
    hours_missing: float
    duration: str


def get_episode(
    user: Any, pk: int | str, *, audit: bool = True, request: HttpRequest | None = None
) -> MissingEpisode:
    """One episode the user may see, or 404 (the same 404 whether missing or hidden)."""
    try:
        episode = (
            episodes(user)
            .select_related("child", "missing_from", "found_at", "event", "owning_agency")
            .get(pk=pk)
        )
    except (MissingEpisode.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if audit:
        audit_shown(
            user,
            [("missingepisode", episode.pk), ("person", episode.child_id)],
            "missing episode",
            _reason(request, episode.child, episode),
        )
    return episode


def episode_view(
    user: Any, pk: int | str, *, now: datetime | None = None, request: HttpRequest | None = None
) -> EpisodeView:
    now = now or timezone.now()
    episode = get_episode(user, pk, request=request)
    interview = (
        ReturnHomeInterview.objects.filter(episode=episode)
        .select_related("offered_by", "updated_by")
        .first()
    )
    found_with = list(episode.found_with.filter(visibility_q(user)))
    vehicles = list(episode.vehicles.filter(visibility_q(user)))
    end = episode.returned_at or now
    hours = elapsed_hours(episode.reported_missing_at, end)
    return EpisodeView(
        episode=episode,
        gradings=list(episode.gradings.select_related("recorded_by")),
        interview=interview,
        rhi=rhi_state(interview.status, interview.due_at, now) if interview else None,
        disclosures=(
            list(interview.disclosures.select_related("recorded_by", "intelligence_report__event"))
            if interview
            else []
        ),
        found_with=found_with,
        vehicles=vehicles,
        found_at=_visible_place(user, episode.found_at),
        missing_from=_visible_place(user, episode.missing_from),
        hours_missing=hours,
        duration=describe_duration(hours),
    )


def get_interview(
    user: Any, episode_pk: int | str, *, request: HttpRequest | None = None
) -> ReturnHomeInterview:
    episode = get_episode(user, episode_pk, request=request)
    interview = ReturnHomeInterview.objects.filter(episode=episode).first()
    if interview is None:
        raise Http404
    interview.episode = episode
    return interview


def get_disclosure(user: Any, pk: int | str, *, request: HttpRequest | None = None) -> Disclosure:
    try:
        disclosure = Disclosure.objects.select_related("interview").get(pk=pk)
    except (Disclosure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    disclosure.interview.episode = get_episode(
        user, disclosure.interview.episode_id, request=request
    )
    return disclosure


# --- Missing now ------------------------------------------------------------------------------


@dataclass
class MissingNowRow:
    episode: MissingEpisode
    hours: float
    duration: str


def _missing_now_queryset(user: Any) -> QuerySet[MissingEpisode]:
    return (
        episodes(user)
        .filter(returned_at__isnull=True)
        .select_related("child", "missing_from")
        .order_by("reported_missing_at", "id")
    )


def _missing_now_rows(
    user: Any, found: Sequence[MissingEpisode], now: datetime
) -> list[MissingNowRow]:
    """The rows shown, with places the user may not see left out; audited as consulted."""
    rows = [
        MissingNowRow(
            episode=episode,
            hours=elapsed_hours(episode.reported_missing_at, now),
            duration=describe_duration(elapsed_hours(episode.reported_missing_at, now)),
        )
        for episode in found
    ]
    seen = _visible_place_ids(user, (row.episode.missing_from for row in rows))
    for row in rows:
        if row.episode.missing_from_id not in seen:
            row.episode.missing_from = None
    audit_shown(
        user,
        [("person", row.episode.child_id) for row in rows]
        + [("missingepisode", row.episode.pk) for row in rows],
        "missing now",
    )
    return rows


def missing_now(user: Any, *, now: datetime | None = None) -> list[MissingNowRow]:
    """Children currently missing, longest first."""
    now = now or timezone.now()
    return _missing_now_rows(user, list(_missing_now_queryset(user)), now)


def missing_now_page(
    user: Any, *, page: PageNumber = 1, now: datetime | None = None
) -> Page[MissingNowRow]:
    """One page of `missing_now`: only its rows are read and audited."""
    moment = now or timezone.now()
    return _paged(
        _missing_now_queryset(user), page, lambda found: _missing_now_rows(user, found, moment)
    )


# --- Return home interviews -------------------------------------------------------------------

RHI_FILTERS = ("open", "overdue", "due", "completed", "declined", "not_possible", "all")


@dataclass
class RhiRow:
    interview: ReturnHomeInterview
    state: RhiState


def _interviews_queryset(
    user: Any, *, show: str, agency_id: int | None, area: str, now: datetime
) -> QuerySet[ReturnHomeInterview]:
    queryset = ReturnHomeInterview.objects.filter(
        visibility_q(user, "episode__"), visibility_q(user, "episode__child__")
    ).select_related("episode__child", "offered_by")
    open_statuses = ["due", "offered"]
    if show == "open":
        queryset = queryset.filter(status__in=open_statuses)
    elif show == "overdue":
        queryset = queryset.filter(status__in=open_statuses, due_at__lt=now)
    elif show == "due":
        queryset = queryset.filter(status__in=open_statuses, due_at__gte=now)
    elif show in ("completed", "declined", "not_possible"):
        queryset = queryset.filter(status=show)
    if agency_id:
        queryset = queryset.filter(offered_by_id=agency_id)
    if area:
        queryset = queryset.filter(episode__area__iexact=area)
    ordering = ["due_at", "id"] if show in ("open", "overdue", "due") else ["-due_at", "-id"]
    return queryset.order_by(*ordering)


def _interview_rows(user: Any, found: Sequence[ReturnHomeInterview], now: datetime) -> list[RhiRow]:
    rows = [
        RhiRow(interview=interview, state=rhi_state(interview.status, interview.due_at, now))
        for interview in found
    ]
    audit_shown(
        user,
        [("person", row.interview.episode.child_id) for row in rows]
        + [("returnhomeinterview", row.interview.pk) for row in rows],
        "return home interviews",
    )
    return rows


def interviews(
    user: Any,
    *,
    show: str = "open",
    agency_id: int | None = None,
    area: str = "",
    now: datetime | None = None,
    limit: int = 500,
) -> list[RhiRow]:
    """Return home interviews: open ones (due and overdue) by default, soonest due first."""
    now = now or timezone.now()
    queryset = _interviews_queryset(user, show=show, agency_id=agency_id, area=area, now=now)
    return _interview_rows(user, list(queryset[:limit]), now)


def interviews_page(
    user: Any,
    *,
    show: str = "open",
    agency_id: int | None = None,
    area: str = "",
    page: PageNumber = 1,
    now: datetime | None = None,
) -> Page[RhiRow]:
    """One page of `interviews`, filtered the same way."""
    moment = now or timezone.now()
    queryset = _interviews_queryset(user, show=show, agency_id=agency_id, area=area, now=moment)
    return _paged(queryset, page, lambda found: _interview_rows(user, found, moment))


def interview_areas(user: Any) -> list[str]:
    # Ordered by area: the model's default ordering would make DISTINCT per episode.
    return list(
        episodes(user)
        .exclude(area="")
        .order_by("area")
        .values_list("area", flat=True)
        .distinct()[:200]
    )


# --- Repeat missing ---------------------------------------------------------------------------


@dataclass
class RepeatRow:
    child: Person
    count: int
    trend: Trend
    last_reported: datetime
    open_episode: bool


def _repeat_queryset(
    user: Any, now: datetime, episodes_needed: int | None, window_days: int | None
) -> QuerySet[Any]:
    """One row per child with at least N episodes in the window ending `now`, counted in the
    database by the windows of `episodes_in_window` (start < reported <= end) and
    `missing_trend` (the window of the same length before), most episodes first."""
    policy = missing_policy()
    needed = episodes_needed or policy.repeat_episodes
    window = timedelta(days=window_days or policy.repeat_window_days)
    start = now - window
    return (
        episodes(user)
        .filter(reported_missing_at__gt=start - window, reported_missing_at__lte=now)
        .order_by()
        .values("child_id")
        .annotate(
            current=Count("id", filter=Q(reported_missing_at__gt=start)),
            previous=Count("id", filter=Q(reported_missing_at__lte=start)),
            last=Max("reported_missing_at"),
            open=Count("id", filter=Q(returned_at__isnull=True)),
        )
        .filter(current__gte=needed)
        .order_by("-current", "-last", "child_id")
    )


def _repeat_rows(user: Any, found: Sequence[dict[str, Any]]) -> list[RepeatRow]:
    children = Person.objects.in_bulk([entry["child_id"] for entry in found])
    rows = [
        RepeatRow(
            child=children[entry["child_id"]],
            count=entry["current"],
            trend=Trend(current=entry["current"], previous=entry["previous"]),
            last_reported=entry["last"],
            open_episode=entry["open"] > 0,
        )
        for entry in found
        if entry["child_id"] in children
    ]
    audit_shown(user, [("person", row.child.pk) for row in rows], "repeat missing")
    return rows


def repeat_missing(
    user: Any,
    *,
    now: datetime | None = None,
    episodes_needed: int | None = None,
    window_days: int | None = None,
) -> list[RepeatRow]:
    """Children with at least N episodes in the rolling window ending now (policy: 3 in 90
    days), with the count, the trend against the window before, most episodes first."""
    now = now or timezone.now()
    return _repeat_rows(user, list(_repeat_queryset(user, now, episodes_needed, window_days)))


def repeat_missing_page(
    user: Any, *, page: PageNumber = 1, now: datetime | None = None
) -> Page[RepeatRow]:
    """One page of `repeat_missing`."""
    queryset = _repeat_queryset(user, now or timezone.now(), None, None)
    return _paged(queryset, page, lambda found: _repeat_rows(user, found))


# --- Where found ------------------------------------------------------------------------------


@dataclass
class WhereFoundRow:
    location: Location
    episodes: int
    children: list[Person]
    found_with: list[tuple[Person, int]]
    last_found: datetime
    # How many different children were found there: `children` names the first
    # WHERE_FOUND_NAMES of them (by name); the place's page has the rest.
    children_count: int = 0
    # Likewise who they were found with: the WHERE_FOUND_NAMES seen most often, of this many.
    found_with_count: int = 0

    @property
    def more_children(self) -> int:
        return max(0, self.children_count - len(self.children))

    @property
    def more_found_with(self) -> int:
        return max(0, self.found_with_count - len(self.found_with))

    @property
    def of_concern(self) -> bool:
        return self.location.premises_type in LOCATIONS_OF_CONCERN


def _found_with_at(user: Any, place_ids: list[int], since: datetime | None) -> QuerySet[Any]:
    """Who the children were found with at these places: the episodes' found-with rows, as
    joins (an IN over the visible episodes is planned badly by SQLite)."""
    rows = MissingEpisode.found_with.through.objects.filter(
        visibility_q(user, "missingepisode__"),
        visibility_q(user, "missingepisode__child__"),
        visibility_q(user, "person__"),
        missingepisode__found_at_id__in=place_ids,
    )
    if since is not None:
        rows = rows.filter(missingepisode__returned_at__gte=since)
    return rows


# A hotspot can have hundreds of children found there over a year: the list names this many
# per place (and counts them all), so the page and its audit stay small at force scale; and
# shows this many places a page (each row names up to twice WHERE_FOUND_NAMES people). Five
# names and 15 places keep a page's audit to at most 165 consultations at a force's scale (ten
# names and 25 places made ~450, half the page's time); the place's own page names everyone.
WHERE_FOUND_NAMES = 5
WHERE_FOUND_PAGE_SIZE = 15


def _by_name(prefix: str) -> Expression:
    """A person's full name ("given family", as Person.full_name) compared code point by code
    point on every database, so lists cut in SQL agree with the names shown."""
    name = Trim(Concat(f"{prefix}given_names", Value(" "), f"{prefix}family_name"))
    return Collate(name, "C") if connection.vendor == "postgresql" else name


def _found(user: Any, since: datetime | None) -> QuerySet[MissingEpisode]:
    found = episodes(user).filter(found_at__isnull=False).filter(visibility_q(user, "found_at__"))
    return found.filter(returned_at__gte=since) if since is not None else found


def _where_found_ranked(user: Any, since: datetime | None) -> QuerySet[Any]:
    """Places ranked in the database by distinct children, then episodes (counts only: at a
    force's scale there are thousands of places, and the page needs more of just 15)."""
    return (
        _found(user, since)
        .order_by()
        .values("found_at_id")
        .annotate(n_children=Count("child_id", distinct=True), n_episodes=Count("id"))
        .order_by("-n_children", "-n_episodes", "found_at_id")
    )


_TOP_FOUND_WITH_SQL = """
WITH g(place, person, name, times) AS ({grouped})
SELECT place, person, times, how_many FROM (
    SELECT place, person, times,
        ROW_NUMBER() OVER (PARTITION BY place ORDER BY times DESC, name{collate}, person) AS n,
        COUNT(*) OVER (PARTITION BY place) AS how_many
    FROM g
) ranked WHERE n <= %s
"""


def _top_found_with(
    user: Any, place_ids: list[int], since: datetime | None
) -> list[tuple[int, int, int, int]]:
    """For each place, the WHERE_FOUND_NAMES people children were most often found with
    there (then by name): (place, person, times, how many people in all). Ranked over the
    grouped rows in SQL (a window over an aggregate needs the CTE)."""
    grouped = (
        _found_with_at(user, place_ids, since)
        .annotate(name=Trim(Concat("person__given_names", Value(" "), "person__family_name")))
        .values("missingepisode__found_at_id", "person_id", "name")
        .annotate(times=Count("id"))
        .order_by()
    )
    sql, params = grouped.query.sql_with_params()
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            _TOP_FOUND_WITH_SQL.format(grouped=sql, collate=collate),
            [*params, WHERE_FOUND_NAMES],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _where_found_rows(
    user: Any, ranked: Sequence[dict[str, Any]], since: datetime | None
) -> list[WhereFoundRow]:
    """The rows for these ranked places: each names its first WHERE_FOUND_NAMES children (by
    name) and the people they were most often found with, both cut in the database."""
    place_ids = [entry["found_at_id"] for entry in ranked]
    if not place_ids:
        return []
    places = Location.objects.in_bulk(place_ids)
    at_top = _found(user, since).filter(found_at_id__in=place_ids)
    # When each was last used, for the page's places only (the ranking reads every place).
    last = dict(
        at_top.order_by()
        .values("found_at_id")
        .annotate(last=Max("returned_at"))
        .values_list("found_at_id", "last")
    )
    # One episode per (place, child), then the first names at each place.
    firsts = at_top.order_by().values("found_at_id", "child_id").annotate(first=Min("id"))
    children_at: dict[int, list[int]] = defaultdict(list)
    for place_id, child_id in (
        MissingEpisode.objects.filter(pk__in=firsts.values("first"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("found_at_id")],
                order_by=[_by_name("child__").asc(), F("child_id").asc()],
            )
        )
        .filter(rank__lte=WHERE_FOUND_NAMES)
        .order_by("found_at_id", "rank")
        .values_list("found_at_id", "child_id")
    ):
        children_at[place_id].append(child_id)
    companions: dict[int, list[tuple[int, int]]] = defaultdict(list)
    companion_counts: dict[int, int] = {}
    for place_id, person_id, times, how_many in _top_found_with(user, place_ids, since):
        companions[place_id].append((person_id, times))
        companion_counts[place_id] = how_many
    people = Person.objects.in_bulk(
        {pk for ids in children_at.values() for pk in ids}
        | {pk for pairs in companions.values() for pk, _ in pairs}
    )
    rows = [
        WhereFoundRow(
            location=places[entry["found_at_id"]],
            episodes=entry["n_episodes"],
            children=[people[pk] for pk in children_at[entry["found_at_id"]]],
            children_count=entry["n_children"],
            found_with=sorted(
                ((people[pk], n) for pk, n in companions[entry["found_at_id"]]),
                key=lambda item: (-item[1], item[0].full_name, item[0].pk),
            ),
            found_with_count=companion_counts.get(entry["found_at_id"], 0),
            last_found=last[entry["found_at_id"]],
        )
        for entry in ranked
    ]
    shown: list[tuple[str, object]] = []
    for row in rows:
        shown.append(("location", row.location.pk))
        shown += [("person", child.pk) for child in row.children]
        shown += [("person", person.pk) for person, _ in row.found_with]
    audit_shown(user, shown, "where found")
    return rows


def where_found(
    user: Any, *, since: datetime | None = None, limit: int = 100
) -> list[WhereFoundRow]:
    """Places children are found, ranked by distinct children then episodes, with who they
    were found with: the start of a hotspot picture (guidance: Intelligence, 'targeting
    relevant premises')."""
    return _where_found_rows(user, list(_where_found_ranked(user, since)[:limit]), since)


def where_found_page(
    user: Any, *, page: PageNumber = 1, since: datetime | None = None
) -> Page[WhereFoundRow]:
    """One page of `where_found`. The ranking is read once (one row per place) and paged
    here: counting the places in SQL would group every episode a second time."""
    return _paged(
        list(_where_found_ranked(user, since)),
        page,
        lambda ranked: _where_found_rows(user, ranked, since),
        WHERE_FOUND_PAGE_SIZE,
    )


# --- Missing together -------------------------------------------------------------------------


@dataclass
class TogetherView:
    child: Person
    other: Person
    episodes: list[tuple[str, str]]
    shared: list[str]


@dataclass
class PeerGroup:
    children: list[Person]
    pairs: list[TogetherView] = field(default_factory=list)


def _together_links(user: Any, now: datetime, child: Person | None) -> QuerySet[Any]:
    """The stored links (vigil.missing.together) the user may see at `now`: both episodes and
    both children visible and in the look-back, overlapping at `now` (an open episode runs to
    it), and the place, companion or vehicle they shared visible (for "each other" the
    companion is the other child, visible already)."""
    since = now - timedelta(days=missing_policy().together_lookback_days)
    moment = Value(now, output_field=DateTimeField())

    def window(prefix: str) -> Q:
        return (
            visibility_q(user, prefix)
            & visibility_q(user, f"{prefix}child__")
            & (
                Q(**{f"{prefix}returned_at__isnull": True})
                | Q(**{f"{prefix}returned_at__gte": since})
            )
        )

    kind = MissingTogetherLink.Kind
    links = MissingTogetherLink.objects.filter(
        window("earlier__"),
        window("later__"),
        Q(earlier__reported_missing_at__lt=Coalesce("later__returned_at", moment)),
        Q(later__reported_missing_at__lt=Coalesce("earlier__returned_at", moment)),
        Q(kind=kind.EACH_OTHER)
        | (Q(kind=kind.PLACE) & visibility_q(user, "place__"))
        | (Q(kind=kind.WITH) & visibility_q(user, "person__"))
        | (Q(kind=kind.VEHICLE) & visibility_q(user, "vehicle__")),
    )
    if child is not None:
        links = links.filter(Q(earlier__child=child) | Q(later__child=child))
    return links


def _together_pairs(user: Any, now: datetime, child: Person | None = None) -> list[TogetherPair]:
    """Children missing together, from the stored links the user may see (one read), in the
    pure rule's terms: `missing_together` over the episodes they may see gives the same."""
    try:
        rows = list(
            _together_links(user, now, child)
            .order_by("earlier__reported_missing_at", "earlier_id", "later_id")
            .values_list(
                "earlier_id",
                "earlier__child_id",
                "later_id",
                "later__child_id",
                "kind",
                "place_id",
                "person_id",
                "vehicle_id",
            )
        )
    except EmptyResultSet:  # a user who sees no case records at all
        return []
    shared: dict[tuple[int, int], set[str]] = defaultdict(set)
    children: dict[tuple[int, int], tuple[int, int]] = {}
    for earlier, earlier_child, later, later_child, kind, place, person, vehicle in rows:
        children[earlier, later] = (earlier_child, later_child)
        shared[earlier, later].add(
            EACH_OTHER
            if kind == MissingTogetherLink.Kind.EACH_OTHER
            else f"place:{place}"
            if kind == MissingTogetherLink.Kind.PLACE
            else f"with:{person}"
            if kind == MissingTogetherLink.Kind.WITH
            else f"vehicle:{vehicle}"
        )
    return together_pairs(
        (episode_ref(a), str(children[a, b][0]), episode_ref(b), str(children[a, b][1]), items)
        for (a, b), items in shared.items()
    )


def _together_views(pairs: Sequence[TogetherPair]) -> list[TogetherView]:
    """The pairs with their children and what they shared named: only these pairs' people,
    places and vehicles are read (one query each)."""
    ids: dict[str, set[int]] = defaultdict(set)
    for pair in pairs:
        ids["with"].update(int(child) for child in pair.children)
        for item in pair.shared:
            kind, _, value = item.partition(":")
            if value.isdigit():
                ids[kind].add(int(value))
    people = Person.objects.in_bulk(list(ids["with"]))
    places = Location.objects.in_bulk(list(ids["place"])) if ids["place"] else {}
    vehicles = PoleObject.objects.in_bulk(list(ids["vehicle"])) if ids["vehicle"] else {}

    def label(item: str) -> str:
        kind, _, value = item.partition(":")
        if kind == "with":
            person = people.get(int(value))
            return f"found with {person.full_name if person else 'someone'}"
        if kind == "place":
            return f"found at {places.get(int(value), 'a place')}"
        if kind == "vehicle":
            return f"in vehicle {vehicles.get(int(value), 'a vehicle')}"
        return "found with each other"

    return [
        TogetherView(
            child=people[int(pair.children[0])],
            other=people[int(pair.children[1])],
            episodes=pair.episodes,
            shared=[label(item) for item in sorted(pair.shared)],
        )
        for pair in pairs
    ]


def _peer_groups(groups: Sequence[list[str]], pairs: Sequence[TogetherPair]) -> list[PeerGroup]:
    """These groups with their pairs (those naming one of the group's children first)."""
    members = {child for group in groups for child in group}
    listed = [pair for pair in pairs if pair.children[0] in members]
    made = _together_views(listed)
    by_first: dict[str, list[TogetherView]] = defaultdict(list)
    for pair, view in zip(listed, made, strict=True):
        by_first[pair.children[0]].append(view)
    people = {view.child.pk: view.child for view in made} | {v.other.pk: v.other for v in made}
    return [
        PeerGroup(
            children=[people[int(pk)] for pk in group],
            pairs=[view for pk in group for view in by_first[pk]],
        )
        for group in groups
    ]


# Peer groups a page: the largest groups at a force's scale join 10 to 35 children each, every
# one named and audited, so 50 groups put ~580 children (and ~700 pair lines) on the first page
# and their audit took half its time; 10 groups name ~200.
TOGETHER_PAGE_SIZE = 10


def missing_together_page(
    user: Any, *, page: PageNumber = 1, now: datetime | None = None
) -> Page[PeerGroup]:
    """One page of the peer groups who go missing together (largest first): every pair is
    found to make the groups, but only the page's children are read and audited."""
    now = now or timezone.now()
    pairs = _together_pairs(user, now)
    groups = peer_groups(pairs, missing_policy().together_min_shared)

    def build(on_page: list[list[str]]) -> list[PeerGroup]:
        made = _peer_groups(on_page, pairs)
        audit_shown(user, [("person", p.pk) for g in made for p in g.children], "missing together")
        return made

    return _paged(groups, page, build, TOGETHER_PAGE_SIZE)


def missing_together_groups(
    user: Any, *, now: datetime | None = None, child: Person | None = None, audit: bool = True
) -> tuple[list[PeerGroup], list[TogetherView]]:
    """Peer groups who go missing together, and (for `child`) the children they went missing
    with. Children are linked when their episodes overlap in time and share a place found, a
    companion or a vehicle (policy: missing_together). For `child` only the episodes that
    overlap theirs are compared, so no groups are given (they would be partial)."""
    now = now or timezone.now()
    pairs = _together_pairs(user, now, child)
    groups = (
        _peer_groups(peer_groups(pairs, missing_policy().together_min_shared), pairs)
        if child is None
        else []
    )
    mine = []
    if child is not None:
        key = str(child.pk)
        for view in _together_views([pair for pair in pairs if key in pair.children]):
            if view.child.pk == child.pk:
                mine.append(view)
            else:
                mine.append(TogetherView(view.other, view.child, view.episodes, view.shared))
    if audit:
        shown = (
            [("person", v.other.pk) for v in mine]
            if child is not None
            else [("person", p.pk) for g in groups for p in g.children]
        )
        audit_shown(user, shown, "missing together")
    return groups, mine


# --- The child's page -------------------------------------------------------------------------


@dataclass
class ChildEpisodeRow:
    episode: MissingEpisode
    duration: str
    found_with: list[Person]
    vehicles: list[PoleObject]
    found_at: Location | None
    rhi: RhiState | None
    interview: ReturnHomeInterview | None


@dataclass
class ChildMissingSummary:
    rows: list[ChildEpisodeRow]
    last_30: int
    last_90: int
    last_365: int
    repeat: bool
    open_episode: MissingEpisode | None
    last_found_at: Location | None
    latest_rhi: ReturnHomeInterview | None
    latest_rhi_state: RhiState | None
    together: list[TogetherView]
    indicators: list[DerivedIndicator]


def child_summary(user: Any, child: Person, *, now: datetime | None = None) -> ChildMissingSummary:
    """The missing panel on a child's page: counts in the last 30/90/365 days, last place
    found, the latest interview's status, the episode timeline and who they go missing with."""
    policy = missing_policy()
    now = now or timezone.now()
    found = list(
        episodes(user)
        .filter(child=child)
        .select_related("found_at", "missing_from", "return_interview__offered_by")
        .prefetch_related(visible_people(user), visible_vehicles(user))
        .order_by("-reported_missing_at", "-id")
    )
    rows = []
    seen = _visible_place_ids(user, [e.found_at for e in found] + [e.missing_from for e in found])
    for episode in found:
        if episode.missing_from_id not in seen:
            episode.missing_from = None
        interview = getattr(episode, "return_interview", None)
        end = episode.returned_at or now
        rows.append(
            ChildEpisodeRow(
                episode=episode,
                duration=describe_duration(elapsed_hours(episode.reported_missing_at, end)),
                found_with=list(episode.found_with.all()),
                vehicles=list(episode.vehicles.all()),
                found_at=episode.found_at if episode.found_at_id in seen else None,
                rhi=rhi_state(interview.status, interview.due_at, now) if interview else None,
                interview=interview,
            )
        )
    times = [episode.reported_missing_at for episode in found]
    returned = [row for row in rows if row.episode.returned_at]
    last_found = next((row.found_at for row in returned if row.found_at), None)
    latest_interview = next((row for row in rows if row.interview), None)
    _, together = missing_together_groups(user, now=now, child=child, audit=False)
    summary = ChildMissingSummary(
        rows=rows,
        last_30=episodes_in_window(times, now, 30),
        last_90=episodes_in_window(times, now, 90),
        last_365=episodes_in_window(times, now, 365),
        repeat=episodes_in_window(times, now, policy.repeat_window_days) >= policy.repeat_episodes,
        open_episode=next((e for e in found if e.returned_at is None), None),
        last_found_at=last_found,
        latest_rhi=latest_interview.interview if latest_interview else None,
        latest_rhi_state=latest_interview.rhi if latest_interview else None,
        together=together,
        indicators=derive_indicators([_facts(row) for row in rows]),
    )
    shown: list[tuple[str, object]] = [("missingepisode", e.pk) for e in found]
    shown += [("person", p.pk) for row in rows for p in row.found_with]
    shown += [("person", view.other.pk) for view in together]
    audit_shown(user, shown, "person page: missing episodes")
    return summary


def _point(place: Location | None) -> tuple[float, float] | None:
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return (float(place.latitude), float(place.longitude))


def _facts(row: ChildEpisodeRow) -> EpisodeFacts:
    episode = row.episode
    missing_from = episode.missing_from
    return EpisodeFacts(
        ref=episode.ref,
        reported_at=episode.reported_missing_at,
        returned_at=episode.returned_at,
        how_returned=episode.how_returned,
        found_at_of_concern=bool(row.found_at and row.found_at.is_location_of_concern),
        found_at_label=str(row.found_at) if row.found_at else "",
        found_at_town=row.found_at.town if row.found_at else "",
        found_at_point=_point(row.found_at),
        missing_from_town=missing_from.town if missing_from else "",
        missing_from_point=_point(missing_from),
        found_with=tuple(Companion(f"P-{p.pk}", p.date_of_birth) for p in row.found_with),
    )


def derived_indicators(user: Any, child: Person) -> list[DerivedIndicator]:
    """The derived observations the child's missing episodes produce (repeat missing, found at
    a location of concern, found with an adult, found out of area, returning late regularly),
    each naming its episodes: for screening to call. Audited as a consultation of each
    episode read."""
    return child_summary(user, child).indicators
