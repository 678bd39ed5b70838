"""Missing episodes: the pure rules. No Django here; the missing app calls these.

- Return home interviews are due a fixed number of *elapsed* hours after the return (DfE
  statutory guidance on children who run away or go missing from home or care: 72 hours).
  Arithmetic is done on absolute instants, so a clock change in between never moves the
  deadline by an hour; times are shown in UK local time (Europe/London).
- Repeat missing: at least N episodes reported in the rolling window of D days ending on a day
  (policy data, e.g. 3 in 90 days). A report exactly D days before the end is outside.
- Derived indicators for screening (repeat missing, found at a location of concern, found with
  an adult, found out of area, returning late regularly), each explained by its episodes.
- Missing together: children whose episodes overlap in time and share a place, companion or
  vehicle.
- The force missing-persons export (CSV): columns, and the row parser that names every fault.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from vigil.core.dates import age_on
from vigil.core.policy import load_policy
from vigil.core.screening import Observation

LONDON = ZoneInfo("Europe/London")

# --- Vocabularies (models build their choices from these, so the CSV parser and the screens
# accept exactly the same codes) ---------------------------------------------------------------

REPORTED_BY: tuple[tuple[str, str], ...] = (
    ("parent", "Parent"),
    ("carer", "Carer or foster carer"),
    ("childrens_home", "Children's home"),
    ("school", "School"),
    ("other", "Other"),
)

HOW_RETURNED: tuple[tuple[str, str], ...] = (
    ("returned_self", "Returned of their own accord"),
    ("found_by_police", "Found by police"),
    ("brought_back_by_carer", "Brought back by parent or carer"),
    ("found_by_other", "Found or brought back by someone else"),
    ("other", "Other"),
)

RHI_STATUSES: tuple[tuple[str, str], ...] = (
    ("due", "Due"),
    ("offered", "Offered"),
    ("completed", "Completed"),
    ("declined", "Declined by the child"),
    ("not_possible", "Not possible"),
)
RHI_OPEN = frozenset({"due", "offered"})
# A completed interview is final; a declined or impossible one may be offered again (the
# statutory guidance expects a further offer where the child refused).
RHI_TRANSITIONS: dict[str, frozenset[str]] = {
    "due": frozenset({"offered", "completed", "declined", "not_possible"}),
    "offered": frozenset({"completed", "declined", "not_possible"}),
    "declined": frozenset({"offered", "completed"}),
    "not_possible": frozenset({"offered", "completed"}),
    "completed": frozenset(),
}

# --- Policy -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskLevel:
    code: str
    rank: int
    label: str
    meaning: str


@dataclass(frozen=True)
class MissingPolicy:
    version: str
    risk_levels: tuple[RiskLevel, ...]
    rhi_due_hours: int
    rhi_due_soon_hours: int
    repeat_episodes: int
    repeat_window_days: int
    late_max_hours: int
    late_episodes: int
    late_window_days: int
    out_of_area_km: float
    adult_age: int
    together_min_shared: int
    together_lookback_days: int
    indicator_codes: dict[str, str]

    def risk_level(self, code: str) -> RiskLevel:
        for level in self.risk_levels:
            if level.code == code:
                return level
        raise KeyError(code)

    @property
    def risk_choices(self) -> list[tuple[str, str]]:
        return [(level.code, level.label) for level in self.risk_levels]


@cache
def missing_policy() -> MissingPolicy:
    data = load_policy("missing")
    rhi, repeat, late = data["return_home_interview"], data["repeat_missing"], data["late_return"]
    return MissingPolicy(
        version=data["version"],
        risk_levels=tuple(
            RiskLevel(row["code"], row["rank"], row["label"], row["meaning"])
            for row in sorted(data["risk_levels"], key=lambda row: row["rank"])
        ),
        rhi_due_hours=int(rhi["due_within_hours"]),
        rhi_due_soon_hours=int(rhi["due_soon_hours"]),
        repeat_episodes=int(repeat["episodes"]),
        repeat_window_days=int(repeat["window_days"]),
        late_max_hours=int(late["max_hours"]),
        late_episodes=int(late["episodes"]),
        late_window_days=int(late["window_days"]),
        out_of_area_km=float(data["found_out_of_area"]["min_distance_km"]),
        adult_age=int(data["found_with_adult"]["adult_age"]),
        together_min_shared=int(data["missing_together"]["min_shared_episodes"]),
        together_lookback_days=int(data["missing_together"]["lookback_days"]),
        indicator_codes=dict(data["derived_indicators"]),
    )


# --- Time -------------------------------------------------------------------------------------


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone")


def rhi_due_at(returned_at: datetime, hours: int | None = None) -> datetime:
    """When the return home interview is due: `hours` elapsed hours after the return (policy:
    72). Done in UTC, so across a clock change the interval is still exactly 72 real hours."""
    _require_aware(returned_at, "returned_at")
    hours = missing_policy().rhi_due_hours if hours is None else hours
    return returned_at.astimezone(UTC) + timedelta(hours=hours)


def uk_time(moment: datetime) -> datetime:
    """The instant in UK local time (GMT or BST), for display."""
    _require_aware(moment, "moment")
    return moment.astimezone(LONDON)


def elapsed_hours(start: datetime, end: datetime) -> float:
    _require_aware(start, "start")
    _require_aware(end, "end")
    return (end - start).total_seconds() / 3600


def describe_duration(hours: float) -> str:
    """'3 days 4 hours', '5 hours', 'under an hour' — how long a child has been missing."""
    whole = int(hours)
    days, rest = divmod(whole, 24)
    if days == 0 and rest == 0:
        return "under an hour"
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if rest:
        parts.append(f"{rest} hour{'s' if rest != 1 else ''}")
    return " ".join(parts)


@dataclass(frozen=True)
class RhiState:
    """Where an interview stands now: 'overdue' and 'due' while open, else its closed status."""

    state: str
    hours_left: float | None

    @property
    def is_open(self) -> bool:
        return self.state in ("due", "due_soon", "overdue")


def rhi_state(status: str, due_at: datetime, now: datetime) -> RhiState:
    if status not in RHI_OPEN:
        return RhiState(status, None)
    left = elapsed_hours(now, due_at)
    if left < 0:
        return RhiState("overdue", left)
    if left <= missing_policy().rhi_due_soon_hours:
        return RhiState("due_soon", left)
    return RhiState("due", left)


def check_rhi_transition(current: str, new: str) -> str | None:
    """None if the status may change from `current` to `new`, else why not."""
    labels = dict(RHI_STATUSES)
    if new not in labels:
        return f"'{new}' is not a return home interview status"
    if new == current:
        return f"The interview is already {labels[new].lower()}"
    if new not in RHI_TRANSITIONS.get(current, frozenset()):
        return f"An interview that is {labels[current].lower()} cannot become {labels[new].lower()}"
    return None


# --- Repeat missing ---------------------------------------------------------------------------


def episodes_in_window(reported: Iterable[datetime], end: datetime, window_days: int) -> int:
    """Episodes reported in the `window_days` days ending at `end`: start < t <= end, where
    start = end - window_days (so a report exactly window_days before `end` is outside)."""
    start = end - timedelta(days=window_days)
    return sum(1 for moment in reported if start < moment <= end)


def is_repeat_missing(
    reported: Iterable[datetime],
    end: datetime,
    *,
    episodes: int | None = None,
    window_days: int | None = None,
) -> bool:
    policy = missing_policy()
    return episodes_in_window(reported, end, window_days or policy.repeat_window_days) >= (
        episodes or policy.repeat_episodes
    )


@dataclass(frozen=True)
class Trend:
    current: int
    previous: int

    @property
    def direction(self) -> str:
        if self.current > self.previous:
            return "rising"
        if self.current < self.previous:
            return "falling"
        return "steady"


def missing_trend(reported: Sequence[datetime], now: datetime, window_days: int) -> Trend:
    """Episodes in the current window and in the window of the same length before it."""
    return Trend(
        current=episodes_in_window(reported, now, window_days),
        previous=episodes_in_window(reported, now - timedelta(days=window_days), window_days),
    )


def repeat_windows(
    reported: Sequence[datetime], *, episodes: int, window_days: int
) -> list[tuple[datetime, list[datetime]]]:
    """Each report at which the child had been reported missing at least `episodes` times in
    the window ending there, with the reports in that window."""
    ordered = sorted(reported)
    out = []
    for moment in ordered:
        start = moment - timedelta(days=window_days)
        inside = [other for other in ordered if start < other <= moment]
        if len(inside) >= episodes:
            out.append((moment, inside))
    return out


# --- Derived indicators -----------------------------------------------------------------------


@dataclass(frozen=True)
class Companion:
    ref: str
    date_of_birth: date | None


@dataclass(frozen=True)
class EpisodeFacts:
    """What the rules need of one episode. `ref` names it in explanations (e.g. 'MP-12')."""

    ref: str
    reported_at: datetime
    returned_at: datetime | None = None
    how_returned: str = ""
    found_at_of_concern: bool = False
    found_at_label: str = ""
    found_at_town: str = ""
    found_at_point: tuple[float, float] | None = None
    missing_from_town: str = ""
    missing_from_point: tuple[float, float] | None = None
    found_with: tuple[Companion, ...] = ()


@dataclass(frozen=True)
class DerivedIndicator:
    """A derived observation for screening, with the episodes that produced it."""

    key: str
    code: str
    observed_on: date
    refs: tuple[str, ...]
    explanation: str

    def as_observation(self) -> Observation:
        return Observation(code=self.code, observed_on=self.observed_on, ref=", ".join(self.refs))


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def is_out_of_area(facts: EpisodeFacts, min_km: float) -> bool:
    if facts.found_at_point and facts.missing_from_point:
        return distance_km(facts.found_at_point, facts.missing_from_point) >= min_km
    if facts.found_at_town and facts.missing_from_town:
        return facts.found_at_town.strip().lower() != facts.missing_from_town.strip().lower()
    return False


def adults_found_with(facts: EpisodeFacts, adult_age: int) -> list[str]:
    """Companions who were adults on the day the child was found (age on the event date)."""
    on = uk_time(facts.returned_at or facts.reported_at).date()
    adults = []
    for companion in facts.found_with:
        dob = companion.date_of_birth
        if dob is not None and dob <= on and age_on(dob, on) >= adult_age:
            adults.append(companion.ref)
    return adults


def _day(moment: datetime) -> date:
    return uk_time(moment).date()


def derive_indicators(
    episodes: Sequence[EpisodeFacts], *, policy: MissingPolicy | None = None
) -> list[DerivedIndicator]:
    """The derived observations a child's episodes produce, each dated on its latest episode
    and naming every episode behind it."""
    policy = policy or missing_policy()
    codes = policy.indicator_codes
    out: list[DerivedIndicator] = []
    by_time = sorted(episodes, key=lambda e: e.reported_at)
    ref_at = {e.reported_at: e.ref for e in by_time}

    windows = repeat_windows(
        [e.reported_at for e in by_time],
        episodes=policy.repeat_episodes,
        window_days=policy.repeat_window_days,
    )
    if windows:
        moment, inside = windows[-1]
        out.append(
            DerivedIndicator(
                "repeat_missing",
                codes["repeat_missing"],
                _day(moment),
                tuple(ref_at[m] for m in inside),
                f"{len(inside)} missing episodes in {policy.repeat_window_days} days "
                f"(policy: {policy.repeat_episodes} or more)",
            )
        )

    def single(key: str, matching: list[EpisodeFacts], explain: str) -> None:
        if matching:
            latest = matching[-1]
            out.append(
                DerivedIndicator(
                    key,
                    codes[key],
                    _day(latest.returned_at or latest.reported_at),
                    tuple(e.ref for e in matching),
                    explain,
                )
            )

    concern = [e for e in by_time if e.found_at_of_concern]
    single(
        "found_at_location_of_concern",
        concern,
        "Found at a location of concern: "
        + "; ".join(sorted({e.found_at_label for e in concern if e.found_at_label})),
    )
    with_adult = [e for e in by_time if adults_found_with(e, policy.adult_age)]
    single(
        "found_with_adult",
        with_adult,
        f"Found with an adult (aged {policy.adult_age} or over on the day) "
        f"in {len(with_adult)} episode{'s' if len(with_adult) != 1 else ''}",
    )
    away = [e for e in by_time if is_out_of_area(e, policy.out_of_area_km)]
    single(
        "found_out_of_area",
        away,
        f"Found away from where they went missing from ({policy.out_of_area_km:g} km or more, "
        "or another town)",
    )
    late = [
        e
        for e in by_time
        if e.returned_at is not None
        and e.how_returned == "returned_self"
        and elapsed_hours(e.reported_at, e.returned_at) <= policy.late_max_hours
    ]
    late_windows = repeat_windows(
        [e.reported_at for e in late],
        episodes=policy.late_episodes,
        window_days=policy.late_window_days,
    )
    if late_windows:
        moment, inside = late_windows[-1]
        out.append(
            DerivedIndicator(
                "late_return",
                codes["late_return"],
                _day(moment),
                tuple(ref_at[m] for m in inside),
                f"Came back late of their own accord {len(inside)} times in "
                f"{policy.late_window_days} days (within {policy.late_max_hours} hours)",
            )
        )
    return out


# --- Missing together -------------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeSpan:
    ref: str
    child: str
    start: datetime
    end: datetime | None
    places: frozenset[str] = frozenset()
    companions: frozenset[str] = frozenset()
    vehicles: frozenset[str] = frozenset()


@dataclass
class TogetherPair:
    children: tuple[str, str]
    episodes: list[tuple[str, str]] = field(default_factory=list)
    shared: set[str] = field(default_factory=set)


def _overlaps(a: EpisodeSpan, b: EpisodeSpan, now: datetime) -> bool:
    return a.start < (b.end or now) and b.start < (a.end or now)


def _sharing_candidates(ordered: Sequence[EpisodeSpan], now: datetime) -> list[tuple[int, int]]:
    """Index pairs (i < j) of start-ordered spans that share a place, companion or vehicle and
    overlap, or where one child was found with the other: only these can be missing together.
    Indexed by what they share, so a force's year of episodes is not compared all against all
    (most overlapping episodes share nothing)."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_child: dict[str, list[int]] = defaultdict(list)
    for index, span in enumerate(ordered):
        by_child[span.child].append(index)
        for place in span.places:
            by_key["place", place].append(index)
        for companion in span.companions:
            by_key["with", companion].append(index)
        for vehicle in span.vehicles:
            by_key["vehicle", vehicle].append(index)
    starts = [span.start for span in ordered]
    ends = [span.end or now for span in ordered]
    found: set[tuple[int, int]] = set()
    for indexes in by_key.values():
        count = len(indexes)
        for position in range(count - 1):
            i = indexes[position]
            end = ends[i]
            for later in range(position + 1, count):
                j = indexes[later]
                if starts[j] >= end:
                    break  # in start order: no later span with this key can overlap
                found.add((i, j))
    for i, span in enumerate(ordered):
        for companion in span.companions:
            for j in by_child.get(companion, ()):
                if i != j and _overlaps(span, ordered[j], now):
                    found.add((min(i, j), max(i, j)))
    return sorted(found)


# An open episode's end for stored links: it may overlap anything that starts later, so links
# are kept for every "now" and the reader checks the overlap at its own "now".
OPEN_ENDED = datetime.max.replace(tzinfo=UTC)

# What two episodes shared: "place:ID", "with:ID" (a companion both were found with),
# "vehicle:ID", or "each other" (one child was found with the other).
EACH_OTHER = "each other"


def together_links(
    spans: Sequence[EpisodeSpan], now: datetime
) -> list[tuple[EpisodeSpan, EpisodeSpan, frozenset[str]]]:
    """Pairs of episodes of different children that overlap in time (open ones running to
    `now`) and share a place found, a companion (including each other) or a vehicle, with
    what they shared; the earlier to start first."""
    ordered = sorted(spans, key=lambda s: s.start)
    links = []
    for i, j in _sharing_candidates(ordered, now):
        a, b = ordered[i], ordered[j]
        if a.child == b.child or not _overlaps(a, b, now):
            continue
        shared = {f"place:{p}" for p in a.places & b.places}
        shared |= {f"with:{c}" for c in a.companions & b.companions}
        shared |= {f"vehicle:{v}" for v in a.vehicles & b.vehicles}
        if b.child in a.companions or a.child in b.companions:
            shared.add(EACH_OTHER)
        if shared:
            links.append((a, b, frozenset(shared)))
    return links


def together_pairs(
    links: Iterable[tuple[str, str, str, str, Iterable[str]]],
) -> list[TogetherPair]:
    """Children missing together from their linked episodes (earlier ref, its child, later
    ref, its child, what they shared), in start order: one pair per two children, most shared
    episodes first."""
    pairs: dict[tuple[str, str], TogetherPair] = {}
    for a_ref, a_child, b_ref, b_child, shared in links:
        key = (a_child, b_child) if a_child <= b_child else (b_child, a_child)
        pair = pairs.setdefault(key, TogetherPair(children=key))
        refs = (a_ref, b_ref) if a_child == key[0] else (b_ref, a_ref)
        if not pair.episodes or pair.episodes[-1] != refs:  # one row per shared thing
            pair.episodes.append(refs)
        pair.shared |= set(shared)
    return sorted(pairs.values(), key=lambda p: (-len(p.episodes), p.children))


def missing_together(spans: Sequence[EpisodeSpan], now: datetime) -> list[TogetherPair]:
    """Pairs of children whose episodes overlap in time and share a place found, a companion
    (including each other) or a vehicle. Sorted: most shared episodes first."""
    return together_pairs(
        (a.ref, a.child, b.ref, b.child, shared) for a, b, shared in together_links(spans, now)
    )


def peer_groups(pairs: Sequence[TogetherPair], min_shared: int) -> list[list[str]]:
    """Connected groups of children joined by pairs missing together at least `min_shared`
    times; largest first."""
    graph: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        if len(pair.episodes) >= min_shared:
            a, b = pair.children
            graph[a].add(b)
            graph[b].add(a)
    seen: set[str] = set()
    groups = []
    for start in sorted(graph):
        if start in seen:
            continue
        stack, group = [start], []
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            group.append(node)
            stack.extend(graph[node] - seen)
        groups.append(sorted(group))
    return sorted(groups, key=lambda g: (-len(g), g))


# --- The force missing-persons export (CSV) ---------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    name: str
    required: bool
    meaning: str


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn(
        "external_reference",
        True,
        "The force's missing-person record number, unique per episode (e.g. MIS/0412). "
        "A row whose reference was imported before is not imported again.",
    ),
    ExportColumn("child_given_names", True, "The child's given names."),
    ExportColumn("child_family_name", True, "The child's family name."),
    ExportColumn("child_date_of_birth", False, "YYYY-MM-DD or DD/MM/YYYY. Used to find the child."),
    ExportColumn(
        "child_pnc_id",
        False,
        "PNC ID. When given, the child is matched on it first; otherwise on name and date of "
        "birth. A child not yet on Vigil is added.",
    ),
    ExportColumn(
        "reported_missing_at",
        True,
        "When reported missing, UK local time: 2026-03-14 21:30 or 14/03/2026 21:30.",
    ),
    ExportColumn("reported_by", True, "One of: " + ", ".join(code for code, _ in REPORTED_BY)),
    ExportColumn("reported_by_name", False, "Who reported, e.g. the home's manager."),
    ExportColumn("missing_from_name", False, "Name of the home or placement."),
    ExportColumn(
        "missing_from_premises_type",
        False,
        "Premises type code (e.g. home, childrens_home, foster_placement); default other.",
    ),
    ExportColumn("missing_from_address", False, "First line of the address missing from."),
    ExportColumn("missing_from_town", False, "Town (required with an address)."),
    ExportColumn("missing_from_postcode", False, "Postcode."),
    ExportColumn(
        "area",
        False,
        "Local authority or policing area responsible (default: the town missing from).",
    ),
    ExportColumn(
        "risk_level",
        True,
        "no_apparent_risk (or absent), low, medium or high (APP Missing persons).",
    ),
    ExportColumn("risk_reason", True, "Why that risk level."),
    ExportColumn("grading_officer", True, "Name and number of the officer who graded it."),
    ExportColumn("police_actions", False, "Actions taken to find the child."),
    ExportColumn(
        "returned_at",
        False,
        "When found or returned, UK local time; blank while still missing.",
    ),
    ExportColumn(
        "how_returned",
        False,
        "Required with returned_at. One of: " + ", ".join(code for code, _ in HOW_RETURNED),
    ),
    ExportColumn("found_at_name", False, "Name of the place found, e.g. the hotel's name."),
    ExportColumn(
        "found_at_premises_type",
        False,
        "Premises type code (e.g. hotel, takeaway, park, car_park); default other.",
    ),
    ExportColumn("found_at_address", False, "First line of the address found at."),
    ExportColumn("found_at_town", False, "Town (required with an address)."),
    ExportColumn("found_at_postcode", False, "Postcode."),
    ExportColumn(
        "found_with",
        False,
        "People found with the child, separated by ';', each 'Given Family' optionally "
        "followed by a date of birth: 'Lee Marsh 1997-04-02; Chloe Turner'.",
    ),
    ExportColumn("vehicles", False, "Registration marks separated by ';': 'AB12 CDE; XY66 ZZZ'."),
    ExportColumn("injuries", False, "Injuries seen on return."),
    ExportColumn("intoxicated", False, "yes or no (blank: no)."),
    ExportColumn("account", False, "The child's account of the episode."),
)
COLUMN_NAMES = tuple(column.name for column in EXPORT_COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in EXPORT_COLUMNS if column.required)


@dataclass(frozen=True)
class PlaceData:
    name: str
    premises_type: str
    address: str
    town: str
    postcode: str


@dataclass(frozen=True)
class CompanionData:
    given_names: str
    family_name: str
    date_of_birth: date | None


@dataclass(frozen=True)
class ExportRow:
    line: int
    external_reference: str
    child_given_names: str
    child_family_name: str
    child_date_of_birth: date | None
    child_pnc_id: str
    reported_missing_at: datetime
    reported_by: str
    reported_by_name: str
    missing_from: PlaceData | None
    area: str
    risk_level: str
    risk_reason: str
    grading_officer: str
    police_actions: str
    returned_at: datetime | None
    how_returned: str
    found_at: PlaceData | None
    found_with: tuple[CompanionData, ...]
    vehicles: tuple[str, ...]
    injuries: str
    intoxicated: bool
    account: str


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ParsedExport:
    rows: list[ExportRow]
    errors: list[RowError]
    row_count: int = 0  # data rows read, good or bad (blank lines not counted)


_DATE_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_uk_local(text: str) -> datetime:
    """A UK local date-time to an aware instant. A time skipped when the clocks go forward is
    refused; a repeated one (clocks back) is read as the first (BST) occurrence."""
    value = text.strip()
    for fmt in _DATE_TIME_FORMATS:
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        local = naive.replace(tzinfo=LONDON, fold=0)
        if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
            raise ValueError(
                f"{value} does not exist in UK time (the clocks went forward); check the time"
            )
        return local
    raise ValueError(f"'{value[:40]}' is not a date and time like 2026-03-14 21:30")


def parse_day(text: str) -> date:
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value[:40]}' is not a date like 2010-03-14")


_COMPANION = re.compile(r"^(?P<name>.+?)(?:\s+(?P<dob>\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}))?$")


def parse_companions(text: str) -> tuple[CompanionData, ...]:
    people = []
    for part in text.split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        match = _COMPANION.match(part)
        assert match is not None  # the pattern matches any non-empty text
        names = match.group("name").split(" ")
        if len(names) < 2:
            raise ValueError(f"'{part[:40]}': give a given name and a family name")
        dob = parse_day(match.group("dob")) if match.group("dob") else None
        people.append(CompanionData(" ".join(names[:-1]), names[-1], dob))
    return tuple(people)


def _place(
    cells: dict[str, str], prefix: str, premises_types: frozenset[str], errors: list[str]
) -> PlaceData | None:
    name = cells.get(f"{prefix}_name", "")
    address = cells.get(f"{prefix}_address", "")
    town = cells.get(f"{prefix}_town", "")
    postcode = cells.get(f"{prefix}_postcode", "")
    premises = cells.get(f"{prefix}_premises_type", "") or "other"
    if not (name or address or town or postcode):
        return None
    if not address:
        errors.append(f"{prefix}_address|Enter the first line of the address")
    if not town:
        errors.append(f"{prefix}_town|Enter the town")
    if premises not in premises_types:
        errors.append(f"{prefix}_premises_type|'{premises[:30]}' is not a premises type")
    return PlaceData(name, premises, address, town, postcode)


def parse_row(
    cells: dict[str, str], line: int, *, premises_types: frozenset[str], now: datetime
) -> tuple[ExportRow | None, list[RowError]]:
    """Validate one export row. Returns the row, or None and every fault in it."""
    cells = {key: (value or "").strip() for key, value in cells.items()}
    faults: list[str] = []  # "column|message"
    for name in REQUIRED_COLUMNS:
        if not cells.get(name):
            faults.append(f"{name}|Enter {name.replace('_', ' ')}")

    def when(column: str) -> datetime | None:
        if not cells.get(column):
            return None
        try:
            moment = parse_uk_local(cells[column])
        except ValueError as error:
            faults.append(f"{column}|{error}")
            return None
        if moment > now:
            faults.append(f"{column}|{cells[column]} is in the future")
        return moment

    reported = when("reported_missing_at")
    returned = when("returned_at")
    if reported and returned and returned < reported:
        faults.append("returned_at|The return must be after the report")

    dob = None
    if cells.get("child_date_of_birth"):
        try:
            dob = parse_day(cells["child_date_of_birth"])
        except ValueError as error:
            faults.append(f"child_date_of_birth|{error}")
    reported_by = cells.get("reported_by", "").lower()
    if reported_by and reported_by not in dict(REPORTED_BY):
        faults.append(f"reported_by|'{reported_by[:30]}' is not one of the reporter codes")
    risk = cells.get("risk_level", "").lower()
    risk = "no_apparent_risk" if risk == "absent" else risk
    if risk and risk not in {level.code for level in missing_policy().risk_levels}:
        faults.append(f"risk_level|'{risk[:30]}' is not a risk level")
    how = cells.get("how_returned", "").lower()
    if returned and not how:
        faults.append("how_returned|Enter how the child returned")
    if how and how not in dict(HOW_RETURNED):
        faults.append(f"how_returned|'{how[:30]}' is not one of the codes")
    if how and not cells.get("returned_at"):
        faults.append("returned_at|Enter when the child returned (how_returned is given)")
    intoxicated_text = cells.get("intoxicated", "").lower()
    if intoxicated_text not in ("", "yes", "no", "y", "n", "true", "false"):
        faults.append("intoxicated|Enter yes or no")
    try:
        companions = parse_companions(cells.get("found_with", ""))
    except ValueError as error:
        faults.append(f"found_with|{error}")
        companions = ()
    vehicles = tuple(v.strip() for v in cells.get("vehicles", "").split(";") if v.strip())
    missing_from = _place(cells, "missing_from", premises_types, faults)
    found_at = _place(cells, "found_at", premises_types, faults)
    if (found_at or companions or vehicles) and not cells.get("returned_at"):
        faults.append("returned_at|Enter when the child returned (return details are given)")

    errors = [RowError(line, *fault.split("|", 1)) for fault in faults]
    if errors:
        return None, errors
    assert reported is not None
    return (
        ExportRow(
            line=line,
            external_reference=cells["external_reference"],
            child_given_names=cells["child_given_names"],
            child_family_name=cells["child_family_name"],
            child_date_of_birth=dob,
            child_pnc_id=cells.get("child_pnc_id", "").upper().replace(" ", ""),
            reported_missing_at=reported,
            reported_by=reported_by,
            reported_by_name=cells.get("reported_by_name", ""),
            missing_from=missing_from,
            area=cells.get("area", "") or (missing_from.town if missing_from else ""),
            risk_level=risk,
            risk_reason=cells["risk_reason"],
            grading_officer=cells["grading_officer"],
            police_actions=cells.get("police_actions", ""),
            returned_at=returned,
            how_returned=how,
            found_at=found_at,
            found_with=companions,
            vehicles=vehicles,
            injuries=cells.get("injuries", ""),
            intoxicated=intoxicated_text in ("yes", "y", "true"),
            account=cells.get("account", ""),
        ),
        [],
    )


def parse_export(
    text: str, *, premises_types: Iterable[str], now: datetime, max_rows: int = 20_000
) -> ParsedExport:
    """Parse and validate a whole export. Every row is checked (not just up to the first bad
    one), so the error report lists every fault; duplicate references in one file are faults."""
    kinds = frozenset(premises_types)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMN_NAMES]
    errors: list[RowError] = []
    if not header:
        return ParsedExport([], [RowError(1, "", "The file is empty or has no header row")])
    if missing:
        errors.append(RowError(1, ", ".join(missing), "Required column missing"))
    if unknown:
        errors.append(RowError(1, ", ".join(unknown), "Unknown column (see the list of columns)"))
    if errors:
        return ParsedExport([], errors)
    reader.fieldnames = header
    rows: list[ExportRow] = []
    first_line: dict[str, int] = {}
    row_count = 0
    for index, raw in enumerate(reader):
        line = index + 2  # the header is line 1
        if index >= max_rows:
            errors.append(RowError(line, "", f"More than {max_rows} rows: split the file"))
            break
        if None in raw:
            errors.append(RowError(line, "", "More cells than columns in this row"))
            continue
        cells: dict[str, Any] = {key: value for key, value in raw.items() if key}
        if not any((value or "").strip() for value in cells.values()):
            continue  # a blank line
        row_count += 1
        reference = (cells.get("external_reference") or "").strip()
        if reference in first_line:
            errors.append(
                RowError(
                    line,
                    "external_reference",
                    f"{reference} is also on line {first_line[reference]}",
                )
            )
            continue
        if reference:
            first_line[reference] = line
        row, row_errors = parse_row(cells, line, premises_types=kinds, now=now)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(1, "", "The file has no rows"))
    return ParsedExport(rows, errors, row_count)
