"""Every read of the disruption tools: need-to-know first (the one permission layer), and a
consultation entry in the audit log for each record shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from vigil.accounts.access import visible_records
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core import disruption as rules
from vigil.disruption.access import is_hotel_operator, operator_can_see_notice, operator_notices
from vigil.disruption.models import (
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    HotelReturn,
    HotelReturnTask,
    NoticeStage,
    OrderProhibition,
    OrderStage,
    PoliceProtection,
    PreventionOrder,
    WarningOrInjunction,
)
from vigil.people.models import Person
from vigil.people.selectors import get_visible

M = TypeVar("M", bound=Model)

__all__ = ["get_visible"]


def visible(user: Any, model: type[M]) -> QuerySet[M]:
    return visible_records(user, model._default_manager.all())


def audit_shown(user: Any, records: list[Any], via: str) -> None:
    """A list shows case content (names, dates): each record shown is a consultation."""
    if records:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[(record._meta.model_name or "", record.pk) for record in records],
            detail={"via": via},
        )


# --- Lists ------------------------------------------------------------------------------------


@dataclass
class ToolLists:
    cawns: list[ChildAbductionWarningNotice] = field(default_factory=list)
    orders: list[PreventionOrder] = field(default_factory=list)
    warnings: list[WarningOrInjunction] = field(default_factory=list)
    protections: list[PoliceProtection] = field(default_factory=list)
    hotel_notices: list[HotelInformationNotice] = field(default_factory=list)

    @property
    def all(self) -> list[Any]:
        return [
            *self.cawns,
            *self.orders,
            *self.warnings,
            *self.protections,
            *self.hotel_notices,
        ]


def tool_lists(user: Any, *, person: Person | None = None, limit: int = 100) -> ToolLists:
    """The disruption records the user may see (for a person: as subject or protected child),
    newest first; every record shown is logged as consulted."""
    cawns = visible(user, ChildAbductionWarningNotice).select_related("subject", "child")
    orders = visible(user, PreventionOrder).select_related("subject")
    warnings = visible(user, WarningOrInjunction).select_related("subject", "protected_person")
    protections = visible(user, PoliceProtection).select_related("child")
    notices = visible(user, HotelInformationNotice).select_related("premises")
    if person is not None:
        cawns = cawns.filter(Q(subject=person) | Q(child=person))
        orders = orders.filter(Q(subject=person) | Q(protected_children=person)).distinct()
        warnings = warnings.filter(Q(subject=person) | Q(protected_person=person))
        protections = protections.filter(child=person)
        notices = notices.none()
    lists = ToolLists(
        cawns=list(cawns[:limit]),
        orders=list(orders[:limit]),
        warnings=list(warnings[:limit]),
        protections=list(protections[:limit]),
        hotel_notices=list(notices[:limit]),
    )
    audit_shown(user, lists.all, "disruption list" if person is None else "person panel")
    return lists


# --- Hotel notice compliance ------------------------------------------------------------------


@dataclass
class PeriodCompliance:
    period: rules.ReturnPeriod
    returns: list[HotelReturn]
    state: str

    @property
    def label(self) -> str:
        return {
            "upcoming": "Not yet due",
            "due": "Due",
            "on_time": "On time",
            "late": "Late",
            "missing": "Missing",
        }[self.state]


def compliance(notice: HotelInformationNotice, today: date | None = None) -> list[PeriodCompliance]:
    """Each return period of the notice with its returns and whether it came on time, late,
    or is missing (returns run from service; a notice no longer in force asks for no more)."""
    today = today or timezone.localdate()
    start = notice.returns_start
    if start is None or notice.stage == NoticeStage.DRAFT:
        return []
    by_period: dict[date, list[HotelReturn]] = {}
    for item in notice.returns.all():
        by_period.setdefault(item.period_start, []).append(item)
    rows = []
    for period in rules.return_periods(start, notice.period_end, notice.frequency):
        returns = by_period.get(period.start, [])
        first = min((r.received_date for r in returns), default=None)
        if notice.stage != NoticeStage.ISSUED and first is None:
            continue
        rows.append(PeriodCompliance(period, returns, rules.return_state(period, first, today)))
    return rows


@dataclass
class OverdueNotice:
    notice: HotelInformationNotice
    missing: list[PeriodCompliance]
    # Returns that came after their due date, received within the alert window.
    late: list[PeriodCompliance] = field(default_factory=list)


def _first_received(row: PeriodCompliance) -> date | None:
    return min((r.received_date for r in row.returns), default=None)


def overdue_returns(
    user: Any, today: date | None = None, *, with_late: bool = False
) -> list[OverdueNotice]:
    """Notices in force with returns past their due date and not received: the police's task
    list (a failure to comply may be an offence, ASBCPA 2014 s118). `with_late` also lists
    returns received late within the alert window (policy alerts.due_soon_days)."""
    today = today or timezone.localdate()
    since = today - timedelta(days=rules.policy()["alerts"]["due_soon_days"])
    notices = (
        visible(user, HotelInformationNotice)
        .filter(stage=NoticeStage.ISSUED)
        .select_related("premises")
        .prefetch_related(Prefetch("returns", queryset=HotelReturn.objects.order_by("id")))
    )
    overdue = []
    for notice in notices:
        rows = compliance(notice, today)
        missing = [row for row in rows if row.state == "missing"]
        late = [
            row
            for row in rows
            if with_late and row.state == "late" and (_first_received(row) or today) >= since
        ]
        if missing or late:
            overdue.append(OverdueNotice(notice, missing, late))
    audit_shown(user, [item.notice for item in overdue], "overdue returns")
    return overdue


def open_return_tasks(user: Any, *, notice: HotelInformationNotice | None = None) -> list[Any]:
    """Open follow-up tasks for late and missing returns on notices the user may see (each
    notice named is logged as consulted)."""
    tasks = HotelReturnTask.objects.filter(
        closed_at__isnull=True, notice__in=visible(user, HotelInformationNotice)
    ).select_related("notice")
    if notice is not None:
        tasks = tasks.filter(notice=notice)
    found = list(tasks.order_by("due_on", "id")[:200])
    if notice is None:
        audit_shown(user, list({t.notice_id: t.notice for t in found}.values()), "return tasks")
    return found


def get_return_task(user: Any, pk: int | str) -> HotelReturnTask:
    """A follow-up task on a notice the user may see, or 404 (audited as a consultation of
    the notice)."""
    try:
        task = HotelReturnTask.objects.select_related("notice").get(pk=pk)
    except (HotelReturnTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    task.notice = get_visible(user, HotelInformationNotice, task.notice_id)
    return task


@dataclass
class DashboardAlerts:
    """The home dashboard's disruption alerts: what ends or falls due soon (orders, notices,
    CAWN reviews, police protection) and hotel returns that are missing or came late."""

    due: list[DueItem]
    returns: list[OverdueNotice]
    tasks: list[Any]
    window: int

    @property
    def count(self) -> int:
        returns = sum(len(n.missing) + len(n.late) for n in self.returns)
        return len(self.due) + returns + len(self.tasks)


def dashboard_alerts(user: Any, today: date | None = None) -> DashboardAlerts:
    """The alerts a user may see (need-to-know through `visible`, each record shown logged)."""
    return DashboardAlerts(
        due=due_soon(user, today),
        returns=overdue_returns(user, today, with_late=True),
        tasks=open_return_tasks(user),
        window=rules.policy()["alerts"]["due_soon_days"],
    )


# --- Due soon ---------------------------------------------------------------------------------


@dataclass
class DueItem:
    on: date
    what: str
    record: Any
    overdue: bool = False
    # Needs action within hours, not days (a child in police protection now).
    urgent: bool = False


def due_soon(user: Any, today: date | None = None) -> list[DueItem]:
    """What ends or falls due in the next 30 days (policy) and what is overdue: CAWN reviews
    and ends, order prohibitions ending, warnings and injunctions ending, hotel notices ending
    (a further notice may follow), and children in police protection now."""
    today = today or timezone.localdate()
    window = rules.policy()["alerts"]["due_soon_days"]
    horizon = today + timedelta(days=window)
    items: list[DueItem] = []
    for cawn in (
        visible(user, ChildAbductionWarningNotice)
        .filter(withdrawn_on__isnull=True, expires_on__gt=today)
        .filter(Q(review_on__lte=horizon) | Q(expires_on__lte=horizon))
        .select_related("subject", "child")
    ):
        if cawn.review_on <= horizon and cawn.review_on < cawn.expires_on:
            overdue = cawn.review_on < today
            items.append(
                DueItem(
                    cawn.review_on, "Review overdue" if overdue else "Review due", cawn, overdue
                )
            )
        if cawn.expires_on <= horizon:
            items.append(DueItem(cawn.expires_on, "Ends (child reaches the age limit)", cawn))
    for prohibition in (
        OrderProhibition.objects.filter(
            order__in=visible(user, PreventionOrder).filter(stage=OrderStage.MADE),
            ended_on__isnull=True,
            until__gte=today,
            until__lte=horizon,
        )
        .select_related("order__subject")
        .order_by("until")
    ):
        assert prohibition.until is not None
        items.append(
            DueItem(
                prohibition.until,
                f"{prohibition.get_prohibition_type_display()} ends",
                prohibition.order,
            )
        )
    for warning in visible(user, WarningOrInjunction).filter(
        expires_on__gte=today, expires_on__lte=horizon
    ):
        assert warning.expires_on is not None
        items.append(DueItem(warning.expires_on, "Ends", warning))
    for notice in (
        visible(user, HotelInformationNotice)
        .filter(stage=NoticeStage.ISSUED, period_end__gte=today, period_end__lte=horizon)
        .select_related("premises")
    ):
        items.append(DueItem(notice.period_end, "Ends: consider a further notice", notice))
    for protection in visible(user, PoliceProtection).filter(ended_at__isnull=True):
        deadline = rules.police_protection_deadline(protection.taken_at)
        left = rules.time_left(deadline, timezone.now())
        items.append(
            DueItem(
                timezone.localtime(deadline).date(),
                left.text,
                protection,
                overdue=left.passed,
                urgent=True,
            )
        )
    items.sort(key=lambda item: (not item.overdue, not item.urgent, item.on))
    audit_shown(user, list({id(i.record): i.record for i in items}.values()), "due soon")
    return items


def protection_countdown(
    protection: PoliceProtection, now: datetime | None = None
) -> dict[str, Any]:
    """The 72-hour limit (Children Act 1989 s46(6)) as the page shows it, server-rendered."""
    deadline = rules.police_protection_deadline(protection.taken_at)
    end = protection.ended_at or now or timezone.now()
    left = rules.time_left(deadline, end)
    return {"deadline": deadline, "left": left, "ended": protection.ended_at is not None}


# --- Operator portal --------------------------------------------------------------------------


def operator_notice_list(user: Any) -> list[HotelInformationNotice]:
    notices = list(
        operator_notices(user)
        .select_related("premises", "issuing_officer")
        .prefetch_related("returns")
        .order_by("-issued_on", "-id")
    )
    audit_shown(user, notices, "operator portal")
    return notices


def get_operator_notice(user: Any, pk: int | str) -> HotelInformationNotice:
    """A notice served on the operator's own premises, or 404: the same 404 whether it does
    not exist or belongs to other premises."""
    if not is_hotel_operator(user):
        raise Http404
    try:
        notice = HotelInformationNotice.objects.select_related("premises").get(pk=pk)
    except (HotelInformationNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not operator_can_see_notice(user, notice):
        raise Http404
    audit_log(
        acting_user=user,
        action=Action.CONSULTATION,
        object_type="hotelinformationnotice",
        object_id=notice.pk,
        detail={"via": "operator portal"},
    )
    return notice


def get_visible_return(user: Any, pk: int | str) -> HotelReturn:
    """A return on a notice the (police) user may see, or 404; audited as a consultation of
    the notice."""
    try:
        item = HotelReturn.objects.select_related("notice").get(pk=pk)
    except (HotelReturn.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    item.notice = get_visible(user, HotelInformationNotice, item.notice_id)
    return item


def get_operator_return(user: Any, pk: int | str) -> HotelReturn:
    try:
        item = HotelReturn.objects.select_related("notice__premises").get(pk=pk)
    except (HotelReturn.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not is_hotel_operator(user) or not operator_can_see_notice(user, item.notice):
        raise Http404
    return item
