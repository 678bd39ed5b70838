"""Every read of screening and observation data. Access goes through the one permission layer
(`vigil.accounts.access`); each case record shown is logged as a consultation."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.accounts.access import can_see_record, visibility_q, visible_records
from vigil.accounts.models import Role
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core import screening as core
from vigil.core.taxonomy import CATEGORIES, load_taxonomy
from vigil.missing.models import MissingEpisode
from vigil.people.models import Event, Link, Location, Person, PersonFlag, PoleObject
from vigil.safeguarding.models import (
    AdviceAction,
    Observation,
    ObservationImport,
    Override,
    ScreeningResult,
    ScreeningTask,
)

REF_PREFIX = {
    "person": "P",
    "poleobject": "O",
    "location": "L",
    "event": "E",
    "link": "K",
    "missingepisode": "MP",
}
URL_NAMES = {
    "person": "person_detail",
    "poleobject": "object_detail",
    "location": "location_detail",
    "event": "event_detail",
    "missingepisode": "missing_episode",
}
_MODELS: dict[str, Any] = {
    "person": Person,
    "poleobject": PoleObject,
    "location": Location,
    "event": Event,
    "link": Link,
    "missingepisode": MissingEpisode,
}


def get_observation(user: Any, pk: int | str) -> Observation:
    """One observation the user may see, or 404 (the same whether missing or hidden)."""
    try:
        row = Observation.objects.select_related("child", "created_by", "owning_agency").get(pk=pk)
    except (Observation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_see_record(user, row) or not can_see_record(user, row.child):
        raise Http404
    audit_log_many(acting_user=user, action=Action.CONSULTATION, objects=[("observation", row.pk)])
    return row


def observations_for(user: Any, child: Person, *, audit: bool = True) -> list[Observation]:
    """The child's observations the user may see, newest first (withdrawn ones included)."""
    rows = list(
        visible_records(user, Observation.objects.filter(child=child))
        .select_related("created_by", "owning_agency")
        .prefetch_related("involved_people", "involved_objects", "involved_locations")
    )
    if audit and rows:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("observation", row.pk) for row in rows],
            detail={"via": "screening panel"},
        )
    return rows


# --- Explaining a screening -------------------------------------------------------------------


@dataclass
class ShownRecord:
    ref: str
    label: str
    url_name: str | None
    pk: int
    visible: bool


@dataclass
class ShownObservation:
    code: str
    label: str
    observed_on: date
    kind: str  # recorded, derived, flag, hidden
    explanation: str = ""
    source: str = ""
    recorded_by: str = ""
    agency: str = ""
    note: str = ""
    records: list[ShownRecord] = field(default_factory=list)


@dataclass
class ShownIndicator:
    """One taxonomy item behind a reason, however many times it was seen."""

    code: str
    label: str
    count: int
    latest: date


@dataclass
class ShownReason:
    rule: str
    level: str
    rank: int
    text: str
    rationale: str
    cites: list[str]
    indicators: list[ShownIndicator]


@dataclass
class Evidence:
    """Everything seen of one indicator, newest first."""

    code: str
    label: str
    observations: list[ShownObservation]


@dataclass
class Explanation:
    """A screening explained: professional judgement beside the rules that set the level,
    lower rules also met, and the evidence once per indicator (not once per rule)."""

    judgement: ShownReason | None
    deciding: list[ShownReason]
    also_met: list[ShownReason]
    nothing_recorded: ShownReason | None
    not_counted: list[ShownObservation]
    evidence: list[Evidence]


def explain(user: Any, result: ScreeningResult, observations: list[Observation]) -> Explanation:
    """The result's reasons with each observation resolved to what the user may see of it:
    who recorded it and why for a recorded one, the records behind a derived one."""
    by_ref = {f"observation:{row.pk}": row for row in observations}
    derived = {item["ref"]: item for item in result.derived}
    wanted: dict[str, set[int]] = defaultdict(set)
    for item in result.derived:
        for record in item["records"]:
            wanted[record["type"]].add(record["id"])
    visible: dict[str, set[int]] = {}
    for kind, ids in wanted.items():
        model = _MODELS.get(kind)
        visible[kind] = (
            set(
                visible_records(user, model.objects.filter(pk__in=ids)).values_list("pk", flat=True)
            )
            if model
            else set()
        )

    def shown(obs: dict[str, Any]) -> ShownObservation:
        ref = obs.get("ref") or ""
        when = date.fromisoformat(obs["observed_on"])
        item = ShownObservation(obs["code"], obs["label"], when, "hidden")
        if ref in by_ref:
            row = by_ref[ref]
            item.kind = "recorded"
            item.source = row.get_source_display()
            item.recorded_by = row.created_by.get_full_name() or row.created_by.get_username()
            item.agency = str(row.owning_agency)
            item.note = row.note
        elif ref in derived:
            item.kind = "derived"
            records = derived[ref]["records"]
            if all(r["id"] in visible.get(r["type"], set()) for r in records):
                item.explanation = derived[ref]["explanation"]
            else:
                # The explanation names people and places; only someone who may see every
                # record behind it reads it. Others see that records exist and whose to ask.
                item.explanation = "Worked out from records you cannot all see."
            for record in records:
                seen = record["id"] in visible.get(record["type"], set())
                item.records.append(
                    ShownRecord(
                        ref=f"{REF_PREFIX.get(record['type'], 'R')}-{record['id']}",
                        label=record["label"] if seen else "a record you cannot see",
                        url_name=URL_NAMES.get(record["type"]) if seen else None,
                        pk=record["id"],
                        visible=seen,
                    )
                )
        elif ref == core.IN_CARE_REF:
            item.kind = "flag"
            item.explanation = f"Person record flag: {PersonFlag.IN_CARE.label}"
        else:
            # Recorded by an agency whose records this user cannot see: the sign counts and
            # is named (so the level can be explained); its details stay with that agency.
            item.explanation = "Recorded by another agency; ask them for the details"
        return item

    judgement = nothing = None
    deciding: list[ShownReason] = []
    also_met: list[ShownReason] = []
    not_counted: list[ShownObservation] = []
    evidence: dict[str, dict[str, ShownObservation]] = {}
    for reason in result.reasons:
        indicators: dict[str, ShownIndicator] = {}
        for obs in reason["observations"]:
            when = date.fromisoformat(obs["observed_on"])
            found = indicators.get(obs["code"])
            if found is None:
                indicators[obs["code"]] = ShownIndicator(obs["code"], obs["label"], 1, when)
            else:
                found.count += 1
                found.latest = max(found.latest, when)
        row = ShownReason(
            rule=reason["rule"],
            level=reason["level"],
            rank=reason["rank"],
            text=reason["text"],
            rationale=reason.get("rationale", ""),
            cites=reason.get("cites", []),
            indicators=sorted(indicators.values(), key=lambda i: (-i.count, i.label)),
        )
        if reason["rule"] == core.OVERRIDE_RULE:
            judgement = row
        elif reason["rule"] == core.NOT_COUNTED_RULE:
            not_counted = [shown(obs) for obs in reason["observations"]]
        elif not reason["observations"]:
            nothing = row
        else:
            (deciding if reason["rank"] == result.rule_rank else also_met).append(row)
            for obs in reason["observations"]:
                key = obs.get("ref") or f"{obs['code']}:{obs['observed_on']}"
                evidence.setdefault(obs["code"], {}).setdefault(key, shown(obs))
    grouped = [
        Evidence(
            code=code,
            label=next(iter(items.values())).label,
            observations=sorted(items.values(), key=lambda o: o.observed_on, reverse=True),
        )
        for code, items in evidence.items()
    ]
    grouped.sort(key=lambda e: (-len(e.observations), e.label))
    return Explanation(judgement, deciding, also_met, nothing, not_counted, grouped)


@dataclass
class ShownAdvice:
    id: str
    action: str
    rationale: str
    cites: list[str]
    triggered_by: list[str]
    status: str
    status_label: str
    note: str
    updated_by: str
    updated_at: Any


def advice_with_actions(result: ScreeningResult) -> list[ShownAdvice]:
    taxonomy = load_taxonomy()
    if not result.advice:
        return []
    actions = {
        row.advice_id: row
        for row in AdviceAction.objects.filter(child_id=result.child_id).select_related(
            "updated_by"
        )
    }
    out = []
    for advice in result.advice:
        row = actions.get(advice["id"])
        status = row.status if row else AdviceAction.Status.TO_DO
        out.append(
            ShownAdvice(
                id=advice["id"],
                action=advice["action"],
                rationale=advice["rationale"],
                cites=advice["cites"],
                triggered_by=[
                    taxonomy.get(code).label if code in taxonomy else code
                    for code in advice["triggered_by"]
                ],
                status=status,
                status_label=AdviceAction.Status(status).label,
                note=row.note if row else "",
                updated_by=(row.updated_by.get_full_name() or row.updated_by.get_username())
                if row
                else "",
                updated_at=row.updated_at if row else None,
            )
        )
    return out


def history(child: Person, limit: int = 20) -> list[ScreeningResult]:
    return list(
        ScreeningResult.objects.filter(child=child)
        .select_related("triggered_by")
        .order_by("-screened_at", "-id")[:limit]
    )


def _name_because(user: Any, tasks: list[ScreeningTask]) -> list[ScreeningTask]:
    """Name the child whose level caused each task only to a user who may see that child."""
    seen = set(
        visible_records(
            user, Person.objects.filter(pk__in={task.because_of_id for task in tasks})
        ).values_list("pk", flat=True)
    )
    for task in tasks:
        task.because_visible = task.because_of_id in seen
        task.because_name = (
            task.because_of.full_name if task.because_of_id in seen else "(a record you cannot see)"
        )
    return tasks


def open_tasks_for(user: Any, child: Person) -> list[ScreeningTask]:
    return _name_because(
        user,
        list(
            ScreeningTask.objects.filter(
                child=child, status=ScreeningTask.Status.OPEN
            ).select_related("because_of", "because_screening")
        ),
    )


def has_history(child: Person) -> bool:
    return ScreeningResult.objects.filter(child=child).exists()


def live_override(child: Person) -> Override | None:
    from vigil.safeguarding.services import active_override

    return active_override(child)


# --- Caseload ---------------------------------------------------------------------------------


@dataclass
class CaseloadFilters:
    levels: list[int] = field(default_factory=list)
    view: str = "all"  # all, raised, overdue
    area: str = ""
    team: int | None = None
    agency: int | None = None


def caseload(user: Any, filters: CaseloadFilters) -> QuerySet[ScreeningResult]:
    """Children's current screenings the user may see, highest level first."""
    today = timezone.localdate()
    rows = ScreeningResult.objects.filter(is_current=True).filter(visibility_q(user, "child__"))
    if filters.levels:
        rows = rows.filter(rank__in=filters.levels)
    if filters.view == "raised":
        # Newly raised this week: a screening in the last seven days put the level up.
        raised = ScreeningResult.objects.filter(
            child_id=OuterRef("child_id"),
            screened_at__gte=timezone.now() - timedelta(days=7),
            previous_rank__isnull=False,
            rank__gt=F("previous_rank"),
        )
        first_time = Q(previous_rank__isnull=True, screened_at__gte=timezone.now() - timedelta(7))
        rows = rows.filter(Q(Exists(raised)) | (first_time & Q(rank__gt=0)))
    elif filters.view == "overdue":
        rows = rows.filter(review_on__lt=today)
    if filters.area:
        rows = rows.filter(area__iexact=filters.area)
    if filters.team:
        rows = rows.filter(child__created_by__team_id=filters.team)
    if filters.agency:
        rows = rows.filter(child__owning_agency_id=filters.agency)
    return rows.select_related("child", "child__owning_agency", "triggered_by").order_by(
        "-rank", "review_on", "child__family_name", "child__given_names"
    )


def caseload_areas(user: Any) -> list[str]:
    return sorted(
        set(
            ScreeningResult.objects.filter(is_current=True)
            .filter(visibility_q(user, "child__"))
            .exclude(area="")
            .values_list("area", flat=True)
        )
    )


def log_people_shown(user: Any, people: list[Person], via: str) -> None:
    if people:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("person", person.pk) for person in people],
            detail={"via": via},
        )


def tasks_for_user(user: Any) -> QuerySet[ScreeningTask]:
    return (
        ScreeningTask.objects.filter(status=ScreeningTask.Status.OPEN)
        .filter(visibility_q(user, "child__"))
        .select_related("child", "because_of", "because_screening")
        .order_by("-created_at", "-id")
    )


def open_tasks(user: Any, limit: int = 200) -> list[ScreeningTask]:
    return _name_because(user, list(tasks_for_user(user)[:limit]))


def pending_approvals(user: Any) -> QuerySet[Override]:
    """Lowerings waiting for a supervisor: shown to supervisors only."""
    if getattr(user, "role", "") != Role.SUPERVISOR:
        return Override.objects.none()
    return (
        Override.objects.filter(status=Override.Status.PENDING)
        .filter(visibility_q(user, "child__"))
        .exclude(proposed_by=user)
        .select_related("child", "proposed_by")
    )


def imports_for(user: Any) -> QuerySet[ObservationImport]:
    return ObservationImport.objects.filter(uploaded_by=user)


def get_import(user: Any, pk: int | str | None) -> ObservationImport | None:
    """One of the user's own imports (a report is shown only to whoever uploaded it)."""
    if not pk:
        return None
    try:
        return ObservationImport.objects.get(pk=pk, uploaded_by=user)
    except (ObservationImport.DoesNotExist, ValueError, TypeError):
        return None


# --- Cohort -----------------------------------------------------------------------------------


@dataclass
class CohortMonth:
    month: date
    by_rank: list[int]  # children at each rank at the end of the month
    indicators: dict[str, int]  # observations recorded in the month, by category or kind

    @property
    def total(self) -> int:
        return sum(self.by_rank)


def _month_starts(end: date, months: int) -> list[date]:
    starts = []
    year, month = end.year, end.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


INDICATOR_GROUPS: tuple[str, ...] = (*CATEGORIES, "vulnerability", "other")


def _group(taxonomy: Any, code: str) -> str:
    item = taxonomy.get(code) if code in taxonomy else None
    if item is not None and item.category:
        return str(item.category)
    if item is not None and item.kind == "vulnerability":
        return "vulnerability"
    return "other"


def cohort(user: Any, *, months: int = 12, on: date | None = None) -> list[CohortMonth]:
    """Month by month: how many children were at each level at the month's end (their latest
    screening by then) and how many indicators were seen in the month, by guidance heading
    (recorded by hand, and derived from records). Three queries whatever the cohort's size."""
    on = on or timezone.localdate()
    starts = _month_starts(on, months)
    first = starts[0]
    ranks = len(core.levels())
    rows = (
        ScreeningResult.objects.filter(visibility_q(user, "child__"))
        .order_by("screened_at", "id")
        .values_list("child_id", "rank", "screened_at")
    )
    latest: dict[int, int] = {}
    out = []
    iterator = iter(rows)
    pending = next(iterator, None)
    taxonomy = load_taxonomy()
    counts: dict[date, Counter[str]] = defaultdict(Counter)
    for code, observed_on in (
        Observation.objects.filter(visibility_q(user), withdrawn_at__isnull=True)
        .filter(visibility_q(user, "child__"), observed_on__gte=first, observed_on__lte=on)
        .values_list("code", "observed_on")
    ):
        counts[date(observed_on.year, observed_on.month, 1)][_group(taxonomy, code)] += 1
    # Derived observations (worked out from records) count too, once each, from the children's
    # current screenings.
    seen: set[str] = set()
    for derived in (
        ScreeningResult.objects.filter(is_current=True)
        .filter(visibility_q(user, "child__"))
        .values_list("derived", flat=True)
    ):
        for item in derived or []:
            observed_on = date.fromisoformat(item["observed_on"])
            if item["ref"] in seen or not first <= observed_on <= on:
                continue
            seen.add(item["ref"])
            counts[date(observed_on.year, observed_on.month, 1)][
                _group(taxonomy, item["code"])
            ] += 1
    for start in starts:
        end = _next_month(start)
        while pending is not None and timezone.localtime(pending[2]).date() < end:
            latest[pending[0]] = pending[1]
            pending = next(iterator, None)
        by_rank = [0] * ranks
        for rank in latest.values():
            by_rank[rank] += 1
        out.append(
            CohortMonth(
                month=start,
                by_rank=by_rank,
                indicators={group: counts[start][group] for group in INDICATOR_GROUPS},
            )
        )
    return out
