"""Every read about missing episodes. Each checks need-to-know through the access layer (an
episode is shown only if both it and its child are visible) and logs a consultation for each
child and record it shows (DPA 2018 s62)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone

from vigil.accounts.access import can_see_record, visibility_q
from vigil.accounts.justification import justification_for
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.missing import (
    Companion,
    DerivedIndicator,
    EpisodeFacts,
    EpisodeSpan,
    RhiState,
    Trend,
    derive_indicators,
    describe_duration,
    elapsed_hours,
    episodes_in_window,
    missing_policy,
    missing_together,
    missing_trend,
    peer_groups,
    rhi_state,
)
from vigil.missing.models import Disclosure, MissingEpisode, ReturnHomeInterview, RiskGrading
from vigil.people import selectors as people_selectors
from vigil.people.models import LOCATIONS_OF_CONCERN, Location, Person, PoleObject


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


def missing_now(user: Any, *, now: datetime | None = None) -> list[MissingNowRow]:
    """Children currently missing, longest first."""
    now = now or timezone.now()
    rows = [
        MissingNowRow(
            episode=episode,
            hours=elapsed_hours(episode.reported_missing_at, now),
            duration=describe_duration(elapsed_hours(episode.reported_missing_at, now)),
        )
        for episode in episodes(user)
        .filter(returned_at__isnull=True)
        .select_related("child", "missing_from")
        .order_by("reported_missing_at", "id")
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


# --- Return home interviews -------------------------------------------------------------------

RHI_FILTERS = ("open", "overdue", "due", "completed", "declined", "not_possible", "all")


@dataclass
class RhiRow:
    interview: ReturnHomeInterview
    state: RhiState


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
    rows = [
        RhiRow(interview=interview, state=rhi_state(interview.status, interview.due_at, now))
        for interview in queryset.order_by(*ordering)[:limit]
    ]
    audit_shown(
        user,
        [("person", row.interview.episode.child_id) for row in rows]
        + [("returnhomeinterview", row.interview.pk) for row in rows],
        "return home interviews",
    )
    return rows


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


def repeat_missing(
    user: Any,
    *,
    now: datetime | None = None,
    episodes_needed: int | None = None,
    window_days: int | None = None,
) -> list[RepeatRow]:
    """Children with at least N episodes in the rolling window ending now (policy: 3 in 90
    days), with the count, the trend against the window before, most episodes first."""
    policy = missing_policy()
    now = now or timezone.now()
    needed = episodes_needed or policy.repeat_episodes
    window = window_days or policy.repeat_window_days
    since = now - timedelta(days=2 * window)
    reported: dict[int, list[datetime]] = defaultdict(list)
    open_children: set[int] = set()
    for child_id, moment, returned in (
        episodes(user)
        .filter(reported_missing_at__gt=since, reported_missing_at__lte=now)
        .values_list("child_id", "reported_missing_at", "returned_at")
    ):
        reported[child_id].append(moment)
        if returned is None:
            open_children.add(child_id)
    qualifying = {
        child_id: times
        for child_id, times in reported.items()
        if episodes_in_window(times, now, window) >= needed
    }
    children = Person.objects.in_bulk(list(qualifying))
    rows = [
        RepeatRow(
            child=children[child_id],
            count=episodes_in_window(times, now, window),
            trend=missing_trend(times, now, window),
            last_reported=max(times),
            open_episode=child_id in open_children,
        )
        for child_id, times in qualifying.items()
        if child_id in children
    ]
    rows.sort(key=lambda r: (-r.count, -r.last_reported.timestamp(), r.child.pk))
    audit_shown(user, [("person", row.child.pk) for row in rows], "repeat missing")
    return rows


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

    @property
    def more_children(self) -> int:
        return max(0, self.children_count - len(self.children))

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
# per place (and counts them all), so the page and its audit stay small at force scale.
WHERE_FOUND_NAMES = 25


def where_found(
    user: Any, *, since: datetime | None = None, limit: int = 100
) -> list[WhereFoundRow]:
    """Places children are found, ranked by distinct children then episodes, with who they
    were found with: the start of a hotspot picture (guidance: Intelligence, 'targeting
    relevant premises')."""
    found = episodes(user).filter(found_at__isnull=False).filter(visibility_q(user, "found_at__"))
    if since is not None:
        found = found.filter(returned_at__gte=since)
    # Rank the places in the database; only the top `limit` places' details are read.
    ranked = list(
        found.order_by()
        .values("found_at_id")
        .annotate(
            n_children=Count("child_id", distinct=True),
            n_episodes=Count("id"),
            last=Max("returned_at"),
        )
        .order_by("-n_children", "-n_episodes", "found_at_id")[:limit]
    )
    place_ids = [entry["found_at_id"] for entry in ranked]
    places = Location.objects.in_bulk(place_ids)
    at_top = found.filter(found_at_id__in=place_ids)
    children_at: dict[int, list[int]] = defaultdict(list)
    for place_id, child_id in at_top.order_by().values_list("found_at_id", "child_id").distinct():
        children_at[place_id].append(child_id)
    companions: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for place_id, person_id, times in (
        _found_with_at(user, place_ids, since)
        .values_list("missingepisode__found_at_id", "person_id")
        .annotate(times=Count("id"))
        .order_by()
    ):
        companions[place_id].append((person_id, times))
    people = Person.objects.in_bulk(
        {pk for ids in children_at.values() for pk in ids}
        | {pk for pairs in companions.values() for pk, _ in pairs}
    )
    rows = [
        WhereFoundRow(
            location=places[entry["found_at_id"]],
            episodes=entry["n_episodes"],
            children=sorted(
                (people[pk] for pk in children_at[entry["found_at_id"]]),
                key=lambda p: (p.full_name, p.pk),
            )[:WHERE_FOUND_NAMES],
            children_count=entry["n_children"],
            found_with=sorted(
                ((people[pk], n) for pk, n in companions[entry["found_at_id"]]),
                key=lambda item: (-item[1], item[0].full_name),
            ),
            last_found=entry["last"],
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


_TOGETHER_SQL = """
WITH v(id, child_id, start_at, end_at, place_id) AS ({spans}),
     l(id, child_id, start_at, end_at, place_id) AS ({left}),
     c(ep, who) AS ({companions}),
     h(ep, what) AS ({vehicles})
SELECT a.id, b.id FROM l a JOIN v b
    ON a.place_id = b.place_id AND {pair}
    AND a.start_at < b.end_at AND b.start_at < a.end_at
UNION
SELECT a.id, b.id FROM l a JOIN c ca ON ca.ep = a.id
    JOIN c cb ON cb.who = ca.who AND cb.ep <> ca.ep JOIN v b ON b.id = cb.ep
    WHERE {pair} AND a.start_at < b.end_at AND b.start_at < a.end_at
UNION
SELECT a.id, b.id FROM l a JOIN h ha ON ha.ep = a.id
    JOIN h hb ON hb.what = ha.what AND hb.ep <> ha.ep JOIN v b ON b.id = hb.ep
    WHERE {pair} AND a.start_at < b.end_at AND b.start_at < a.end_at
UNION
SELECT a.id, b.id FROM c JOIN l a ON a.id = c.ep JOIN v b ON b.child_id = c.who
    WHERE a.child_id <> b.child_id AND a.start_at < b.end_at AND b.start_at < a.end_at
UNION
SELECT a.id, b.id FROM c JOIN v b ON b.id = c.ep JOIN l a ON a.child_id = c.who
    WHERE a.child_id <> b.child_id AND a.start_at < b.end_at AND b.start_at < a.end_at
"""


def _together_candidates(
    user: Any, window: QuerySet[MissingEpisode], now: datetime, child: Person | None
) -> set[int]:
    """The episodes in `window` that overlap another child's and share a visible place found,
    a visible companion or vehicle, or each other: found in the database with range joins, so
    only these are read. The pure rule (`missing_together`) then decides and explains."""
    spans = (
        window.order_by()
        .annotate(
            end_at=Coalesce("returned_at", Value(now, output_field=DateTimeField())),
            place=Case(
                When(
                    found_at_id__in=Location.objects.filter(visibility_q(user)).values("pk"),
                    then=F("found_at_id"),
                ),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .values_list("id", "child_id", "reported_missing_at", "end_at", "place")
    )
    left = spans.filter(child=child) if child is not None else spans
    window_ids = window.order_by().values("pk")
    companions = (
        MissingEpisode.found_with.through.objects.filter(
            missingepisode_id__in=window_ids,
            person_id__in=Person.objects.filter(visibility_q(user)).values("pk"),
        )
        .order_by()
        .values_list("missingepisode_id", "person_id")
    )
    vehicles = (
        MissingEpisode.vehicles.through.objects.filter(
            missingepisode_id__in=window_ids,
            poleobject_id__in=PoleObject.objects.filter(visibility_q(user)).values("pk"),
        )
        .order_by()
        .values_list("missingepisode_id", "poleobject_id")
    )
    try:
        parts = [q.query.sql_with_params() for q in (spans, left, companions, vehicles)]
    except EmptyResultSet:  # a user who sees no case records at all
        return set()
    sql = _TOGETHER_SQL.format(
        spans=parts[0][0],
        left=parts[1][0],
        companions=parts[2][0],
        vehicles=parts[3][0],
        pair="a.child_id <> b.child_id" if child is not None else "a.child_id < b.child_id",
    )
    params = [param for _, part_params in parts for param in part_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for row in cursor.fetchall() for pk in row}


def _spans(
    user: Any, now: datetime, child: Person | None = None
) -> tuple[list[EpisodeSpan], dict[int, Person]]:
    since = now - timedelta(days=missing_policy().together_lookback_days)
    window = episodes(user).filter(Q(returned_at__isnull=True) | Q(returned_at__gte=since))
    if child is not None:
        # Only episodes overlapping one of this child's can link to them.
        theirs = list(window.filter(child=child).values_list("reported_missing_at", "returned_at"))
        if not theirs:
            return [], {}
        overlapping = Q()
        for start, end in theirs:
            overlapping |= Q(reported_missing_at__lt=end or now) & (
                Q(returned_at__isnull=True) | Q(returned_at__gt=start)
            )
        window = window.filter(overlapping)
    candidates = _together_candidates(user, window, now, child)
    rows = list(
        window.filter(pk__in=candidates)
        .select_related("child", "found_at")
        .prefetch_related(visible_people(user), visible_vehicles(user))
    )
    children = {episode.child_id: episode.child for episode in rows}
    seen = _visible_place_ids(user, (episode.found_at for episode in rows))
    spans = []
    for episode in rows:
        place = episode.found_at if episode.found_at_id in seen else None
        spans.append(
            EpisodeSpan(
                ref=episode.ref,
                child=str(episode.child_id),
                start=episode.reported_missing_at,
                end=episode.returned_at,
                places=frozenset({f"{place.pk}:{place}"} if place else set()),
                companions=frozenset(str(p.pk) for p in episode.found_with.all()),
                vehicles=frozenset(f"{v.pk}:{v}" for v in episode.vehicles.all()),
            )
        )
    return spans, children


def _shared_labels(shared: Iterable[str], people: dict[int, Person]) -> list[str]:
    labels = []
    for item in sorted(shared):
        kind, _, value = item.partition(":")
        if kind == "with" and value.isdigit():
            person = people.get(int(value)) or Person.objects.filter(pk=int(value)).first()
            labels.append(f"found with {person.full_name if person else 'someone'}")
        elif kind == "place":
            labels.append(f"found at {value.partition(':')[2]}")
        elif kind == "vehicle":
            labels.append(f"in vehicle {value.partition(':')[2]}")
        else:
            labels.append("found with each other")
    return labels


def missing_together_groups(
    user: Any, *, now: datetime | None = None, child: Person | None = None, audit: bool = True
) -> tuple[list[PeerGroup], list[TogetherView]]:
    """Peer groups who go missing together, and (for `child`) the children they went missing
    with. Children are linked when their episodes overlap in time and share a place found, a
    companion or a vehicle (policy: missing_together)."""
    now = now or timezone.now()
    spans, children = _spans(user, now, child)
    pairs = missing_together(spans, now)
    people: dict[int, Person] = dict(children)
    companion_ids = {int(c) for span in spans for c in span.companions if int(c) not in people}
    people.update(Person.objects.in_bulk(list(companion_ids)))
    views = [
        TogetherView(
            child=people[int(pair.children[0])],
            other=people[int(pair.children[1])],
            episodes=pair.episodes,
            shared=_shared_labels(pair.shared, people),
        )
        for pair in pairs
    ]
    groups = [
        PeerGroup(
            children=[people[int(pk)] for pk in group],
            pairs=[v for v in views if str(v.child.pk) in group],
        )
        for group in peer_groups(pairs, missing_policy().together_min_shared)
    ]
    mine = []
    if child is not None:
        for view in views:
            if view.child.pk == child.pk:
                mine.append(view)
            elif view.other.pk == child.pk:
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
