"""Every write of the disruption tools. Each function takes `acting_user`, runs in one
transaction, checks the rules in `vigil.core.disruption` (policy data citing the statutes) and
writes its audit entry in the same transaction (through the POLE store's save helpers, so
versions and audit work exactly as they do for people and events)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import Role
from vigil.accounts.services import carry_restriction
from vigil.audit.models import Action
from vigil.audit.services import audit_log
from vigil.core import disruption as rules
from vigil.core.dates import age_on
from vigil.core.identifiers import normalise_postcode, normalise_vrm
from vigil.disruption.access import (
    can_change_record,
    can_see_record,
    is_hotel_operator,
    is_police_case_worker,
    operator_can_see_notice,
)
from vigil.disruption.models import (
    OFFICER_ENTRY_METHODS,
    Breach,
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    HotelReturn,
    HotelReturnGuest,
    HotelReturnTask,
    NoticeStage,
    OrderChange,
    OrderChangeKind,
    OrderProhibition,
    OrderStage,
    PoliceProtection,
    PremisesOperatorAccess,
    PreventionOrder,
    ProhibitionType,
    ReturnMethod,
    ReturnTaskOutcome,
    ReturnTaskReason,
    WarningOrInjunction,
)
from vigil.disruption.returns import GuestRow, RowProblems, clean_guest
from vigil.people import services as people
from vigil.people.models import (
    CaseRecord,
    Event,
    EventLocation,
    EventPerson,
    EventType,
    Location,
    ObjectKind,
    Person,
    PoleObject,
)

# The POLE store's save helpers: new records take the user's agency, version 1 and a
# collection entry; changes check the version the user started from and log an alteration.
_save_new = people.save_new_record
_save_changes = people.save_changes
_touch = people.touch


def _require_police(acting_user: Any) -> None:
    if not is_police_case_worker(acting_user):
        raise PermissionDenied("Only police case workers can record disruption tools.")


def _require_see(acting_user: Any, *records: CaseRecord | None) -> None:
    for record in records:
        if record is not None and not can_see_record(acting_user, record):
            raise PermissionDenied("You cannot see one of the records you chose.")


def _require_change(acting_user: Any, record: CaseRecord) -> None:
    _require_police(acting_user)
    if not can_change_record(acting_user, record):
        raise PermissionDenied("You cannot change this record.")


def _problems_to_error(problems: Sequence[rules.Problem], fields: dict[str, str]) -> None:
    """Raise the core's problems as a ValidationError on the form's field names."""
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(fields.get(problem.field, problem.field), []).append(problem.message)
        raise ValidationError(errors)


def _not_in_future(value: date | datetime | None, field: str, label: str) -> None:
    if value is None:
        return
    now = timezone.now()
    if (isinstance(value, datetime) and value > now) or (
        not isinstance(value, datetime) and value > timezone.localdate()
    ):
        raise ValidationError({field: f"{label} must be today or in the past"})


# --- Child abduction warning notices ----------------------------------------------------------


@transaction.atomic
def cawn_issue(
    *,
    acting_user: Any,
    subject: Person,
    child: Person,
    child_in_care: bool,
    agreed_by: str,
    agreed_by_name: str,
    issued_on: date,
    grounds: str = "",
    reference: str = "",
    evidence: Sequence[Event] = (),
) -> ChildAbductionWarningNotice:
    """Issue a CAWN to `subject` about `child`. The child must be under 16 (under 18 in
    local-authority care) on the issue date; it needs the parent's, carer's or LA's agreement."""
    _require_police(acting_user)
    _require_see(acting_user, subject, child, *evidence)
    if subject == child:
        raise ValidationError({"child": "The child and the person warned must be different"})
    if subject.date_of_birth and age_on(subject.date_of_birth, issued_on) < 18:
        raise ValidationError(
            {"subject": "A child abduction warning notice is given to an adult (18 or over)"}
        )
    _not_in_future(issued_on, "issued_on", "The issue date")
    _problems_to_error(
        rules.cawn_problems(
            child_date_of_birth=child.date_of_birth,
            child_in_care=child_in_care,
            issued_on=issued_on,
        ),
        {"child_date_of_birth": "child"},
    )
    if not agreed_by_name.strip():
        raise ValidationError({"agreed_by_name": "Enter who agreed to the notice"})
    assert child.date_of_birth is not None
    expires_on = rules.cawn_ends_on(child.date_of_birth, child_in_care)
    notice = _save_new(
        ChildAbductionWarningNotice(
            subject=subject,
            child=child,
            child_in_care=child_in_care,
            agreed_by=agreed_by,
            agreed_by_name=agreed_by_name.strip(),
            issuing_officer=acting_user,
            issued_on=issued_on,
            expires_on=expires_on,
            review_on=rules.cawn_review_on(issued_on, expires_on),
            grounds=grounds.strip(),
            reference=reference.strip(),
        ),
        acting_user,
    )
    notice.evidence.set(evidence)
    return notice


@transaction.atomic
def cawn_record_service(
    *,
    acting_user: Any,
    cawn: ChildAbductionWarningNotice,
    expected_version: int,
    served_on: date,
    served_how: str,
) -> ChildAbductionWarningNotice:
    _require_change(acting_user, cawn)
    if served_on < cawn.issued_on:
        raise ValidationError({"served_on": "The notice cannot be served before it was issued"})
    _not_in_future(served_on, "served_on", "The date served")
    return _save_changes(
        cawn,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"served_on": served_on, "served_how": served_how},
    )


@transaction.atomic
def cawn_review(
    *,
    acting_user: Any,
    cawn: ChildAbductionWarningNotice,
    expected_version: int,
    next_review_on: date,
    note: str,
) -> ChildAbductionWarningNotice:
    """Record a review and set the next one (on or before the notice's end)."""
    _require_change(acting_user, cawn)
    if next_review_on <= timezone.localdate():
        raise ValidationError({"next_review_on": "The next review must be in the future"})
    if next_review_on > cawn.expires_on:
        raise ValidationError(
            {"next_review_on": f"The notice ends on {cawn.expires_on:%d %B %Y}: review by then"}
        )
    if not note.strip():
        raise ValidationError({"note": "Say what the review found"})
    updated = _save_changes(
        cawn,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"review_on": next_review_on},
    )
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="childabductionwarningnotice",
        object_id=cawn.pk,
        detail={"review": note.strip()[:1000], "next_review_on": next_review_on.isoformat()},
    )
    return updated


@transaction.atomic
def cawn_withdraw(
    *,
    acting_user: Any,
    cawn: ChildAbductionWarningNotice,
    expected_version: int,
    withdrawn_on: date,
    reason: str,
) -> ChildAbductionWarningNotice:
    _require_change(acting_user, cawn)
    if withdrawn_on < cawn.issued_on:
        raise ValidationError({"withdrawn_on": "A notice cannot be withdrawn before its issue"})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the notice is withdrawn"})
    return _save_changes(
        cawn,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"withdrawn_on": withdrawn_on, "withdrawal_reason": reason.strip()},
    )


# --- SHPOs and SROs ---------------------------------------------------------------------------


@transaction.atomic
def order_draft_create(
    *,
    acting_user: Any,
    kind: str,
    subject: Person,
    grounds: str,
    court: str = "",
    evidence: Sequence[Event] = (),
    protected_children: Sequence[Person] = (),
) -> PreventionOrder:
    """Start an SHPO or SRO application as a draft, with the evidence that supports it."""
    _require_police(acting_user)
    _require_see(acting_user, subject, *evidence, *protected_children)
    rules.order_rules(kind)
    if not grounds.strip():
        raise ValidationError({"grounds": "Say why the order is necessary"})
    order = _save_new(
        PreventionOrder(kind=kind, subject=subject, grounds=grounds.strip(), court=court.strip()),
        acting_user,
    )
    order.evidence.set(evidence)
    order.protected_children.set(protected_children)
    return order


@transaction.atomic
def order_evidence_add(
    *, acting_user: Any, order: PreventionOrder, events: Sequence[Event]
) -> PreventionOrder:
    _require_change(acting_user, order)
    _require_see(acting_user, *events)
    if not events:
        raise ValidationError({"evidence": "Choose at least one event or intelligence report"})
    order.evidence.add(*events)
    _touch(order, acting_user, detail={"added": "evidence", "events": [e.pk for e in events]})
    return order


def _term(prohibition_type: str, until: date | None) -> rules.ProhibitionTerm:
    if prohibition_type == ProhibitionType.FOREIGN_TRAVEL:
        return rules.ProhibitionTerm("foreign_travel", until)
    return rules.ProhibitionTerm("general", until)


def _check_period(until: date | None, until_further_order: bool) -> None:
    if until is None and not until_further_order:
        raise ValidationError({"until": "Enter the end date, or choose until further order"})
    if until is not None and until_further_order:
        raise ValidationError(
            {"until": "Enter an end date or choose until further order, not both"}
        )


@transaction.atomic
def order_prohibition_add(
    *,
    acting_user: Any,
    order: PreventionOrder,
    prohibition_type: str,
    wording: str,
    until: date | None,
    until_further_order: bool,
) -> OrderProhibition:
    """Add a prohibition sought in the application (its period is checked when made)."""
    _require_change(acting_user, order)
    if order.stage not in (OrderStage.DRAFT, OrderStage.APPLIED):
        raise ValidationError(
            {"wording": "The order has been decided: change it by recording a variation"}
        )
    if not wording.strip():
        raise ValidationError({"wording": "Enter the prohibition's wording"})
    _check_period(until, until_further_order)
    prohibition = OrderProhibition(
        order=order,
        prohibition_type=prohibition_type,
        wording=wording.strip(),
        until=until,
        until_further_order=until_further_order,
    )
    prohibition.full_clean()
    prohibition.save()
    _touch(order, acting_user, detail={"added": "prohibition", "id": prohibition.pk})
    return prohibition


@transaction.atomic
def order_apply(
    *,
    acting_user: Any,
    order: PreventionOrder,
    expected_version: int,
    applied_on: date,
    court: str,
) -> PreventionOrder:
    _require_change(acting_user, order)
    if order.stage != OrderStage.DRAFT:
        raise ValidationError({"applied_on": "Only a draft application can be made"})
    if not order.prohibitions.exists():
        raise ValidationError({"applied_on": "Add the prohibitions you will ask the court for"})
    if not court.strip():
        raise ValidationError({"court": "Enter the court"})
    _not_in_future(applied_on, "applied_on", "The application date")
    return _save_changes(
        order,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"stage": OrderStage.APPLIED, "applied_on": applied_on, "court": court.strip()},
    )


@transaction.atomic
def order_make(
    *,
    acting_user: Any,
    order: PreventionOrder,
    expected_version: int,
    made_on: date,
    court: str,
    reference: str = "",
) -> PreventionOrder:
    """Record the order as made: every prohibition's period is checked from `made_on`
    (SHPO at least 5 years, SRO at least 2, foreign travel at most 5; policy data)."""
    _require_change(acting_user, order)
    if order.stage not in (OrderStage.DRAFT, OrderStage.APPLIED):
        raise ValidationError({"made_on": "This order has already been decided"})
    if order.applied_on and made_on < order.applied_on:
        raise ValidationError({"made_on": "An order cannot be made before it was applied for"})
    _not_in_future(made_on, "made_on", "The date made")
    if not court.strip():
        raise ValidationError({"court": "Enter the court that made the order"})
    prohibitions = list(order.prohibitions.filter(ended_on__isnull=True))
    if not prohibitions:
        raise ValidationError({"made_on": "An order needs at least one prohibition"})
    problems = rules.prohibition_problems(
        order.kind, made_on, [_term(p.prohibition_type, p.until) for p in prohibitions]
    )
    if problems:
        raise ValidationError(
            {
                "made_on": [
                    f"Prohibition {int(problem.field.split('[')[1].split(']')[0]) + 1}: "
                    f"{problem.message}"
                    for problem in problems
                ]
            }
        )
    OrderProhibition.objects.filter(pk__in=[p.pk for p in prohibitions]).update(runs_from=made_on)
    return _save_changes(
        order,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={
            "stage": OrderStage.MADE,
            "made_on": made_on,
            "court": court.strip(),
            "reference": reference.strip() or order.reference,
        },
    )


@transaction.atomic
def order_refuse(
    *, acting_user: Any, order: PreventionOrder, expected_version: int, refused_on: date
) -> PreventionOrder:
    _require_change(acting_user, order)
    if order.stage != OrderStage.APPLIED:
        raise ValidationError({"refused_on": "Only an application made to a court can be refused"})
    return _save_changes(
        order,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"stage": OrderStage.REFUSED, "refused_on": refused_on},
    )


@transaction.atomic
def order_prohibition_change(
    *,
    acting_user: Any,
    order: PreventionOrder,
    prohibition: OrderProhibition,
    kind: str,
    made_on: date,
    court: str,
    details: str,
    wording: str,
    until: date | None,
    until_further_order: bool,
) -> OrderProhibition:
    """A court's variation or renewal of one prohibition: the old one ends on `made_on` and
    its replacement runs from then, its period checked afresh (SOA 2003 ss103E, 122D)."""
    _require_change(acting_user, order)
    if order.stage != OrderStage.MADE:
        raise ValidationError({"made_on": "Only an order in force can be varied or renewed"})
    if prohibition.order_id != order.pk or prohibition.ended_on is not None:
        raise ValidationError({"made_on": "That prohibition is not in force"})
    if kind not in (OrderChangeKind.VARIATION, OrderChangeKind.RENEWAL):
        raise ValidationError({"kind": "Choose variation or renewal"})
    if prohibition.runs_from and made_on < prohibition.runs_from:
        raise ValidationError({"made_on": "The change cannot come before the prohibition began"})
    _not_in_future(made_on, "made_on", "The date of the change")
    if not court.strip():
        raise ValidationError({"court": "Enter the court"})
    if not wording.strip():
        raise ValidationError({"wording": "Enter the prohibition's wording"})
    _check_period(until, until_further_order)
    _problems_to_error(
        rules.prohibition_problems(
            order.kind, made_on, [_term(prohibition.prohibition_type, until)]
        ),
        {"prohibitions[0].until": "until"},
    )
    prohibition.ended_on = made_on
    prohibition.save(update_fields=["ended_on"])
    replacement = OrderProhibition(
        order=order,
        prohibition_type=prohibition.prohibition_type,
        wording=wording.strip(),
        runs_from=made_on,
        until=until,
        until_further_order=until_further_order,
        replaces=prohibition,
    )
    replacement.full_clean()
    replacement.save()
    OrderChange.objects.create(
        order=order,
        kind=kind,
        made_on=made_on,
        court=court.strip(),
        details=details.strip(),
        recorded_by=acting_user,
    )
    _touch(order, acting_user, detail={kind: prohibition.pk, "replacement": replacement.pk})
    return replacement


@transaction.atomic
def order_discharge(
    *,
    acting_user: Any,
    order: PreventionOrder,
    expected_version: int,
    discharged_on: date,
    court: str,
    details: str,
) -> PreventionOrder:
    _require_change(acting_user, order)
    if order.stage != OrderStage.MADE:
        raise ValidationError({"discharged_on": "Only an order in force can be discharged"})
    if order.made_on and discharged_on < order.made_on:
        raise ValidationError({"discharged_on": "Discharge cannot come before the order"})
    _not_in_future(discharged_on, "discharged_on", "The discharge date")
    if not court.strip():
        raise ValidationError({"court": "Enter the court"})
    order.prohibitions.filter(ended_on__isnull=True).update(ended_on=discharged_on)
    OrderChange.objects.create(
        order=order,
        kind=OrderChangeKind.DISCHARGE,
        made_on=discharged_on,
        court=court.strip(),
        details=details.strip(),
        recorded_by=acting_user,
    )
    return _save_changes(
        order,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"stage": OrderStage.DISCHARGED, "discharged_on": discharged_on},
    )


# --- Harassment warnings and ASBCPA 2014 tools ------------------------------------------------


@transaction.atomic
def warning_issue(
    *,
    acting_user: Any,
    kind: str,
    subject: Person,
    issued_on: date,
    terms: str,
    protected_person: Person | None = None,
    expires_on: date | None = None,
    court: str = "",
    written_warning_on: date | None = None,
    reference: str = "",
) -> WarningOrInjunction:
    _require_police(acting_user)
    _require_see(acting_user, subject, protected_person)
    if protected_person == subject:
        raise ValidationError({"protected_person": "Choose someone other than the subject"})
    _not_in_future(issued_on, "issued_on", "The issue date")
    if not terms.strip():
        raise ValidationError({"terms": "Enter the conduct to stop, or the requirements"})
    if kind == "civil_injunction" and not court.strip():
        raise ValidationError({"court": "Enter the court that granted the injunction"})
    _problems_to_error(
        rules.warning_problems(
            kind=kind,
            issued_on=issued_on,
            expires_on=expires_on,
            subject_date_of_birth=subject.date_of_birth,
            written_warning_on=written_warning_on,
        ),
        {},
    )
    return _save_new(
        WarningOrInjunction(
            kind=kind,
            subject=subject,
            protected_person=protected_person,
            issued_by=acting_user,
            issued_on=issued_on,
            court=court.strip(),
            written_warning_on=written_warning_on,
            terms=terms.strip(),
            expires_on=expires_on,
            reference=reference.strip(),
        ),
        acting_user,
    )


@transaction.atomic
def warning_record_service(
    *,
    acting_user: Any,
    warning: WarningOrInjunction,
    expected_version: int,
    served_on: date,
    served_how: str,
) -> WarningOrInjunction:
    _require_change(acting_user, warning)
    if served_on < warning.issued_on:
        raise ValidationError({"served_on": "It cannot be served before it was issued"})
    _not_in_future(served_on, "served_on", "The date served")
    return _save_changes(
        warning,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"served_on": served_on, "served_how": served_how},
    )


# --- Breaches ---------------------------------------------------------------------------------

Tool = ChildAbductionWarningNotice | PreventionOrder | WarningOrInjunction | HotelInformationNotice


def breach_offence(tool: Tool) -> str:
    """What a breach may amount to (policy data): the statute and maximum, or why it is
    evidence rather than an offence."""
    policy = rules.policy()
    if isinstance(tool, ChildAbductionWarningNotice):
        return str(policy["cawn"]["breach_note"])
    if isinstance(tool, PreventionOrder):
        breach = policy["orders"][tool.kind]["breach"]
        return f"Offence: {breach['cite']} (maximum {breach['max']})"
    if isinstance(tool, WarningOrInjunction):
        breach = policy["warnings"][tool.kind]["breach"]
        note = f" {breach['note']}" if breach.get("note") else ""
        return f"{breach['cite']} (maximum {breach['max']}).{note}"
    offence = policy["hotel_notice"]["offence"]
    return f"Offence: {offence['cite']} (fine up to {offence['max_fine']})"


def tool_label(tool: Tool) -> str:
    """The tool in words, as breaches and documents name it."""
    if isinstance(tool, ChildAbductionWarningNotice):
        return "child abduction warning notice"
    if isinstance(tool, PreventionOrder | WarningOrInjunction):
        return tool.get_kind_display().lower()
    return "hotel information notice (s118)"


def _tool_in_force(tool: Tool, on: date) -> bool:
    if isinstance(tool, ChildAbductionWarningNotice):
        return tool.issued_on <= on < tool.expires_on and not (
            tool.withdrawn_on and tool.withdrawn_on <= on
        )
    if isinstance(tool, PreventionOrder):
        return bool(
            tool.made_on
            and tool.made_on <= on
            and not (tool.discharged_on and tool.discharged_on <= on)
        )
    if isinstance(tool, WarningOrInjunction):
        return tool.issued_on <= on and not (tool.expires_on and tool.expires_on < on)
    return bool(tool.issued_on and tool.issued_on <= on and tool.stage == NoticeStage.ISSUED)


@transaction.atomic
def breach_record(
    *,
    acting_user: Any,
    tool: Tool,
    occurred_at: datetime,
    description: str,
    evidence: Sequence[Event] = (),
    reference: str = "",
) -> Breach:
    """Record a breach: an incident Event on the timelines of the people involved (the
    subject as suspect, the protected child as victim; the premises for a hotel notice),
    with the offence it may amount to and the evidence for it."""
    _require_change(acting_user, tool)
    _require_see(acting_user, *evidence)
    _not_in_future(occurred_at, "occurred_at", "The date of the breach")
    if not description.strip():
        raise ValidationError({"description": "Describe the breach"})
    if not _tool_in_force(tool, timezone.localtime(occurred_at).date()):
        raise ValidationError(
            {"occurred_at": f"The {tool_label(tool)} was not in force on that date"}
        )
    suspect, victim = EventPerson.Role.SUSPECT, EventPerson.Role.VICTIM
    people_in: list[tuple[Person, str]] = []
    places: list[tuple[Location, str]] = []
    if isinstance(tool, ChildAbductionWarningNotice):
        people_in = [(tool.subject, suspect), (tool.child, victim)]
    elif isinstance(tool, PreventionOrder):
        people_in = [(tool.subject, suspect)]
        people_in += [(child, victim) for child in tool.protected_children.all()]
    elif isinstance(tool, WarningOrInjunction):
        people_in = [(tool.subject, suspect)]
        if tool.protected_person:
            people_in.append((tool.protected_person, victim))
    else:
        places = [(tool.premises, EventLocation.Role.OCCURRED_AT)]
    people_in = [
        (person, role) for person, role in people_in if can_see_record(acting_user, person)
    ]
    event = people.event_create(
        acting_user=acting_user,
        event_type=EventType.INCIDENT,
        occurred_at=occurred_at,
        summary=f"Breach of {tool_label(tool)} {tool.code}"[:200],
        description=description.strip(),
        reference=(reference.strip() or tool.code)[:60],
        people=people_in,
        locations=places,
    )
    breach = Breach(
        occurred_at=occurred_at,
        description=description.strip(),
        offence=breach_offence(tool)[:300],
        event=event,
        recorded_by=acting_user,
    )
    field = {
        ChildAbductionWarningNotice: "cawn",
        PreventionOrder: "order",
        WarningOrInjunction: "warning",
        HotelInformationNotice: "hotel_notice",
    }[type(tool)]
    setattr(breach, field, tool)
    breach.full_clean(exclude=["event"])
    breach.save()
    breach.evidence.set(evidence)
    _touch(tool, acting_user, detail={"added": "breach", "breach": breach.pk, "event": event.pk})
    return breach


# --- Police protection ------------------------------------------------------------------------


@transaction.atomic
def police_protection_start(
    *,
    acting_user: Any,
    child: Person,
    taken_at: datetime,
    taken_from: str,
    taken_to: str,
    constable: str,
    designated_officer: str,
) -> PoliceProtection:
    """Children Act 1989 s46: record a child taken into police protection. The 72-hour limit
    runs from `taken_at`; the child's timeline shows it."""
    _require_police(acting_user)
    _require_see(acting_user, child)
    _not_in_future(taken_at, "taken_at", "The time the child was taken")
    if child.date_of_birth and age_on(child.date_of_birth, taken_at.date()) >= 18:
        raise ValidationError({"child": "Police protection is for a child under 18"})
    for name, value, label in (
        ("taken_from", taken_from, "where the child was found"),
        ("taken_to", taken_to, "where the child was taken"),
        ("constable", constable, "the constable who took the child"),
        ("designated_officer", designated_officer, "the designated officer"),
    ):
        if not value.strip():
            raise ValidationError({name: f"Enter {label}"})
    event = people.event_create(
        acting_user=acting_user,
        event_type=EventType.INCIDENT,
        occurred_at=taken_at,
        summary="Taken into police protection (Children Act 1989 s46)",
        description=f"From {taken_from.strip()} to {taken_to.strip()} by {constable.strip()}.",
        people=[(child, EventPerson.Role.SUBJECT)],
    )
    protection = _save_new(
        PoliceProtection(
            child=child,
            taken_at=taken_at,
            taken_from=taken_from.strip(),
            taken_to=taken_to.strip(),
            constable=constable.strip(),
            designated_officer=designated_officer.strip(),
            event=event,
        ),
        acting_user,
    )
    # A restricted child's protection and timeline event are restricted to the same people.
    carry_restriction(acting_user=acting_user, source=child, records=[event, protection])
    return protection


@transaction.atomic
def police_protection_record_informed(
    *,
    acting_user: Any,
    protection: PoliceProtection,
    expected_version: int,
    local_authority_informed_at: datetime | None,
    local_authority_contact: str,
    parents_informed_at: datetime | None,
    parents_informed_who: str,
) -> PoliceProtection:
    """s46(3)(a) and s46(4): the local authority and the parents told, and when."""
    _require_change(acting_user, protection)
    for field, moment in (
        ("local_authority_informed_at", local_authority_informed_at),
        ("parents_informed_at", parents_informed_at),
    ):
        if moment is not None and moment < protection.taken_at:
            raise ValidationError({field: "This cannot be before the child was taken"})
        _not_in_future(moment, field, "The time")
    if local_authority_informed_at and not local_authority_contact.strip():
        raise ValidationError({"local_authority_contact": "Enter who at the local authority"})
    if parents_informed_at and not parents_informed_who.strip():
        raise ValidationError({"parents_informed_who": "Enter who was told"})
    return _save_changes(
        protection,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={
            "local_authority_informed_at": local_authority_informed_at,
            "local_authority_contact": local_authority_contact.strip(),
            "parents_informed_at": parents_informed_at,
            "parents_informed_who": parents_informed_who.strip(),
        },
    )


@transaction.atomic
def police_protection_end(
    *,
    acting_user: Any,
    protection: PoliceProtection,
    expected_version: int,
    ended_at: datetime,
    outcome: str,
    outcome_notes: str = "",
) -> PoliceProtection:
    """End police protection with its outcome. An end after the 72-hour limit is recorded as
    it happened (and shown as exceeding the limit), never silently corrected."""
    _require_change(acting_user, protection)
    if protection.ended_at:
        raise ValidationError({"ended_at": "Police protection has already ended"})
    if ended_at < protection.taken_at:
        raise ValidationError({"ended_at": "The end cannot be before the child was taken"})
    _not_in_future(ended_at, "ended_at", "The end")
    return _save_changes(
        protection,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"ended_at": ended_at, "outcome": outcome, "outcome_notes": outcome_notes.strip()},
    )


# --- Hotel information notices ----------------------------------------------------------------


@transaction.atomic
def hotel_notice_draft(
    *,
    acting_user: Any,
    premises: Location,
    recipient_name: str,
    recipient_capacity: str,
    grounds: str,
    information_required: Sequence[str],
    frequency: str,
    period_end: date,
    further_information: str = "",
    return_form: str = "portal",
    evidence: Sequence[Event] = (),
    previous_notice: HotelInformationNotice | None = None,
) -> HotelInformationNotice:
    """Draft a notice (any police case worker); an inspector or above issues it."""
    _require_police(acting_user)
    _require_see(acting_user, premises, *evidence, previous_notice)
    hotel = rules.hotel_rules()
    if premises.premises_type not in hotel["premises_types"]:
        raise ValidationError(
            {
                "premises": "A hotel information notice is for a hotel, B&B, guest house or "
                "similar premises: this location is recorded as "
                f"'{premises.get_premises_type_display()}'"
            }
        )
    unknown = [item for item in information_required if item not in hotel["information_items"]]
    if unknown:
        raise ValidationError({"information_required": f"Unknown item: {', '.join(unknown)}"})
    missing = [item for item in hotel["required_information"] if item not in information_required]
    if missing:
        raise ValidationError(
            {
                "information_required": "The notice must require at least the guests' names "
                "and addresses (ASBCPA 2014 s116)"
            }
        )
    if frequency not in hotel["frequencies"]:
        raise ValidationError({"frequency": "Choose how often returns are due"})
    if not grounds.strip():
        raise ValidationError(
            {"grounds": "Say why you believe the premises are or will be used for CSE"}
        )
    if not recipient_name.strip():
        raise ValidationError({"recipient_name": "Enter the name of the person to be served"})
    notice = _save_new(
        HotelInformationNotice(
            premises=premises,
            recipient_name=recipient_name.strip(),
            recipient_capacity=recipient_capacity,
            grounds=grounds.strip(),
            information_required=[
                item for item in hotel["information_items"] if item in information_required
            ],
            further_information=further_information.strip(),
            frequency=frequency,
            return_form=return_form,
            period_end=period_end,
            previous_notice=previous_notice,
        ),
        acting_user,
    )
    notice.evidence.set(evidence)
    return notice


@transaction.atomic
def hotel_notice_issue(
    *,
    acting_user: Any,
    notice: HotelInformationNotice,
    expected_version: int,
    issued_on: date,
) -> HotelInformationNotice:
    """Issue the notice as its issuing officer. ASBCPA 2014 s116: the officer must be of at
    least inspector rank (User.rank, policy data), and the period at most 6 months."""
    _require_change(acting_user, notice)
    if notice.stage != NoticeStage.DRAFT:
        raise ValidationError({"issued_on": "This notice has already been issued"})
    _not_in_future(issued_on, "issued_on", "The issue date")
    if notice.previous_notice and notice.previous_notice.period_end > issued_on:
        raise ValidationError(
            {
                "issued_on": "A further notice follows the previous one's expiry, on "
                f"{notice.previous_notice.period_end:%d %B %Y}"
            }
        )
    _problems_to_error(
        rules.hotel_notice_problems(
            issuing_officer_rank=acting_user.rank or "",
            issued_on=issued_on,
            period_end=notice.period_end,
            premises_type=notice.premises.premises_type,
            information_required=notice.information_required,
            frequency=notice.frequency,
        ),
        {"issuing_officer_rank": "issuing_officer", "premises_type": "premises"},
    )
    return _save_changes(
        notice,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={
            "stage": NoticeStage.ISSUED,
            "issued_on": issued_on,
            "issuing_officer": acting_user,
        },
    )


@transaction.atomic
def hotel_notice_serve(
    *,
    acting_user: Any,
    notice: HotelInformationNotice,
    expected_version: int,
    served_on: date,
    served_how: str,
) -> HotelInformationNotice:
    _require_change(acting_user, notice)
    if notice.stage != NoticeStage.ISSUED or notice.issued_on is None:
        raise ValidationError({"served_on": "Only an issued notice can be served"})
    if served_on < notice.issued_on:
        raise ValidationError({"served_on": "The notice cannot be served before it was issued"})
    if served_on > notice.period_end:
        raise ValidationError({"served_on": "The notice's period has ended"})
    _not_in_future(served_on, "served_on", "The date served")
    return _save_changes(
        notice,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"served_on": served_on, "served_how": served_how},
    )


@transaction.atomic
def hotel_notice_record_appeal(
    *,
    acting_user: Any,
    notice: HotelInformationNotice,
    expected_version: int,
    lodged_on: date,
    outcome: str = "",
    decided_on: date | None = None,
) -> HotelInformationNotice:
    """ASBCPA 2014 s117: the recipient may appeal to a magistrates' court within 21 days of
    service. Record the lodging and, later, the outcome; a quashed notice is no longer in force."""
    _require_change(acting_user, notice)
    if notice.served_on is None:
        raise ValidationError({"lodged_on": "Record when the notice was served first"})
    deadline = rules.appeal_deadline(notice.served_on)
    if lodged_on < notice.served_on:
        raise ValidationError({"lodged_on": "An appeal cannot be lodged before service"})
    if lodged_on > deadline:
        raise ValidationError(
            {
                "lodged_on": f"An appeal must be lodged within 21 days of service, by "
                f"{deadline:%d %B %Y} (ASBCPA 2014 s117)"
            }
        )
    if bool(outcome) != bool(decided_on):
        raise ValidationError({"decided_on": "Enter both the outcome and the date of decision"})
    if decided_on and decided_on < lodged_on:
        raise ValidationError({"decided_on": "The decision cannot come before the appeal"})
    changes: dict[str, Any] = {
        "appeal_lodged_on": lodged_on,
        "appeal_outcome": outcome,
        "appeal_decided_on": decided_on,
    }
    if outcome == "quashed":
        changes["stage"] = NoticeStage.QUASHED
    return _save_changes(
        notice, acting_user=acting_user, expected_version=expected_version, changes=changes
    )


@transaction.atomic
def hotel_notice_withdraw(
    *, acting_user: Any, notice: HotelInformationNotice, expected_version: int
) -> HotelInformationNotice:
    _require_change(acting_user, notice)
    if notice.stage not in (NoticeStage.DRAFT, NoticeStage.ISSUED):
        raise ValidationError({"stage": "This notice is no longer in force"})
    return _save_changes(
        notice,
        acting_user=acting_user,
        expected_version=expected_version,
        changes={"stage": NoticeStage.WITHDRAWN},
    )


def record_document(*, acting_user: Any, record: CaseRecord, document: str, recipient: str) -> None:
    """A generated notice document is a disclosure (DPA 2018 s62): who made it, for whom."""
    audit_log(
        acting_user=acting_user,
        action=Action.DISCLOSURE,
        object_type=record._meta.model_name or "",
        object_id=record.pk,
        recipients=recipient,
        detail={"document": document},
    )


# --- Operator accounts ------------------------------------------------------------------------


@transaction.atomic
def operator_access_grant(
    *, acting_user: Any, operator: Any, premises: Location
) -> PremisesOperatorAccess:
    """Let a hotel operator account see notices on these premises and submit returns."""
    _require_change(acting_user, premises)
    if operator.role != Role.HOTEL_OPERATOR or not operator.is_active:
        raise ValidationError({"operator": "Choose an active hotel operator account"})
    existing = PremisesOperatorAccess.objects.filter(
        user=operator, premises=premises, revoked_at__isnull=True
    ).first()
    if existing:
        return existing
    access = PremisesOperatorAccess.objects.create(
        user=operator, premises=premises, granted_by=acting_user
    )
    audit_log(
        acting_user=acting_user,
        action=Action.DISCLOSURE,
        object_type="location",
        object_id=premises.pk,
        recipients=operator.get_username(),
        detail={"operator_access": "granted", "access": access.pk},
    )
    return access


@transaction.atomic
def operator_access_revoke(*, acting_user: Any, access: PremisesOperatorAccess) -> None:
    _require_change(acting_user, access.premises)
    access.revoked_at = timezone.now()
    access.save(update_fields=["revoked_at"])
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="location",
        object_id=access.premises_id,
        recipients=access.user.get_username(),
        detail={"operator_access": "revoked", "access": access.pk},
    )


# --- Returns ----------------------------------------------------------------------------------


def return_period_for(notice: HotelInformationNotice, period_start: date) -> rules.ReturnPeriod:
    start = notice.returns_start
    if start is None:
        raise ValidationError({"period": "This notice has not been issued"})
    for period in rules.return_periods(start, notice.period_end, notice.frequency):
        if period.start == period_start:
            return period
    raise ValidationError({"period": "Choose one of the notice's return periods"})


@dataclass
class ReturnRejected(Exception):
    """Nothing was saved: the rows' problems, by row (1 is the first guest)."""

    rows: list[RowProblems]
    message: str = "The return has problems: nothing has been saved"

    def messages(self) -> list[str]:
        return [message for row in self.rows for message in row.messages()]


@transaction.atomic
def hotel_return_submit(
    *,
    acting_user: Any,
    notice: HotelInformationNotice,
    period_start: date,
    guests: Sequence[dict[str, Any]],
    nil_return: bool = False,
    method: str = ReturnMethod.FORM,
    received_on: date | None = None,
) -> HotelReturn:
    """Submit one return: every guest row is checked first and, if any has a problem, nothing
    is saved (ReturnRejected lists each row's problems). Operators submit for their own
    premises; a police officer may enter a paper or emailed return for them (`method` paper
    or email, with the day it was received, on which compliance is judged)."""
    officer_entry = method in OFFICER_ENTRY_METHODS
    if is_hotel_operator(acting_user):
        if not operator_can_see_notice(acting_user, notice):
            raise PermissionDenied("You cannot submit returns for this notice.")
        if officer_entry:
            raise PermissionDenied("Only an officer enters a paper or emailed return.")
    else:
        _require_change(acting_user, notice)
    if notice.stage != NoticeStage.ISSUED:
        raise ValidationError({"period": "This notice is not in force"})
    period = return_period_for(notice, period_start)
    if period.start > timezone.localdate():
        raise ValidationError({"period": "This period has not started yet"})
    if officer_entry:
        if received_on is None:
            raise ValidationError({"received_on": "Enter the date the return was received"})
        _not_in_future(received_on, "received_on", "The date received")
        if received_on < period.start:
            raise ValidationError(
                {"received_on": "A return cannot be received before its period starts"}
            )
    elif received_on is not None:
        raise ValidationError({"received_on": "Only a paper or emailed return has a date received"})
    if nil_return and guests:
        raise ValidationError(
            {"nil_return": "You said there were no guests, but also listed guests"}
        )
    if not nil_return and not guests:
        raise ValidationError(
            {"nil_return": "Add at least one guest, or confirm there were no guests"}
        )
    cleaned: list[GuestRow] = []
    problems: list[RowProblems] = []
    for index, raw in enumerate(guests, start=1):
        result = clean_guest(raw, period, index)
        if isinstance(result, RowProblems):
            problems.append(result)
        else:
            cleaned.append(result)
    if problems:
        raise ReturnRejected(rows=problems)
    hotel_return = HotelReturn.objects.create(
        notice=notice,
        period_start=period.start,
        period_end=period.end,
        nil_return=nil_return,
        method=method,
        submitted_by=acting_user,
        received_on=received_on,
    )
    HotelReturnGuest.objects.bulk_create(
        [HotelReturnGuest(hotel_return=hotel_return, **row.__dict__) for row in cleaned]
    )
    _follow_up_return(notice, period, hotel_return.received_date)
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="hotelreturn",
        object_id=hotel_return.pk,
        detail={
            "notice": notice.pk,
            "guests": len(cleaned),
            "method": method,
            **({"received_on": received_on.isoformat()} if received_on else {}),
        },
    )
    return hotel_return


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    return " ".join(parts[:-1]), parts[-1]


def _guest_address(acting_user: Any, guest: HotelReturnGuest) -> Location:
    """The guest's home address: an existing location the user can see at the same postcode
    and first line, or a new one."""
    postcode_key = normalise_postcode(guest.postcode)
    if postcode_key:
        for place in Location.objects.filter(postcode_key=postcode_key):
            if place.address_line_1.lower() == guest.address.lower() and can_see_record(
                acting_user, place
            ):
                return place
    return people.location_create(
        acting_user=acting_user,
        premises_type="home",
        address_line_1=guest.address[:200],
        town=guest.town,
        postcode=guest.postcode,
    )


def _guest_vehicle(acting_user: Any, vrm: str) -> PoleObject:
    key = normalise_vrm(vrm)
    for vehicle in PoleObject.objects.filter(kind=ObjectKind.VEHICLE, search_key=key):
        if can_see_record(acting_user, vehicle):
            return vehicle
    return people.object_create(acting_user=acting_user, kind="vehicle", vrm=vrm)


@transaction.atomic
def hotel_return_import(*, acting_user: Any, hotel_return: HotelReturn) -> int:
    """Bring a return's guests into the POLE store, so they flow into search, linkage and
    networks: each guest a Person who 'stayed at' the premises (dated), 'lives at' their
    address, and 'travelled in' any vehicle, which was 'seen at' the premises. Only an
    officer's explicit action does this; it is audited as a collection. Returns the count."""
    notice = hotel_return.notice
    _require_change(acting_user, notice)
    premises = notice.premises
    _require_see(acting_user, premises)
    source = f"Hotel return {hotel_return.receipt} under notice {notice.code} (ASBCPA 2014 s116)"
    imported = 0
    for guest in hotel_return.guests.filter(imported_person__isnull=True):
        given, family = _split_name(guest.guest_name)
        person = people.person_create(
            acting_user=acting_user,
            given_names=given,
            family_name=family,
            date_of_birth=None,
            date_of_birth_precision="unknown",
            notes=f"From {source}.",
        )
        stay_end = guest.departed_on or guest.arrived_on
        notes = "; ".join(
            part
            for part in (
                f"Room {guest.room}" if guest.room else "",
                f"Booked by {guest.booked_by}" if guest.booked_by else "",
                guest.notes,
            )
            if part
        )
        people.link_create(
            acting_user=acting_user,
            link_type="stayed_at",
            source_entity=person,
            target_entity=premises,
            source=source,
            first_seen=guest.arrived_on,
            last_seen=stay_end,
            notes=notes,
        )
        people.link_create(
            acting_user=acting_user,
            link_type="lives_at",
            source_entity=person,
            target_entity=_guest_address(acting_user, guest),
            source=f"Address given to the hotel ({hotel_return.receipt})",
            first_seen=guest.arrived_on,
            last_seen=guest.arrived_on,
        )
        if guest.vehicle_registration:
            vehicle = _guest_vehicle(acting_user, guest.vehicle_registration)
            people.link_create(
                acting_user=acting_user,
                link_type="travelled_in",
                source_entity=person,
                target_entity=vehicle,
                source=source,
                first_seen=guest.arrived_on,
                last_seen=stay_end,
            )
            people.link_create(
                acting_user=acting_user,
                link_type="seen_at",
                source_entity=vehicle,
                target_entity=premises,
                source=source,
                first_seen=guest.arrived_on,
                last_seen=stay_end,
            )
        guest.imported_person = person
        guest.save(update_fields=["imported_person"])
        imported += 1
    hotel_return.imported_at = timezone.now()
    hotel_return.imported_by = acting_user
    hotel_return.save(update_fields=["imported_at", "imported_by"])
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="hotelreturn",
        object_id=hotel_return.pk,
        detail={"imported_to_pole": imported, "notice": notice.pk},
    )
    return imported


# --- Follow-up of late and missing returns ----------------------------------------------------


def _raise_task(
    notice: HotelInformationNotice, period: rules.ReturnPeriod, reason: str
) -> HotelReturnTask | None:
    """Raise the follow-up task once per period and reason (None if it already was)."""
    task, created = HotelReturnTask.objects.get_or_create(
        notice=notice,
        period_start=period.start,
        reason=reason,
        defaults={"period_end": period.end, "due_on": period.due_on},
    )
    if not created:
        return None
    audit_log(
        acting_user=None,  # raised by the system, not by a person
        action=Action.COLLECTION,
        object_type="hotelreturntask",
        object_id=task.pk,
        detail={"notice": notice.pk, "reason": reason, "period_start": period.start.isoformat()},
    )
    return task


def _follow_up_return(
    notice: HotelInformationNotice, period: rules.ReturnPeriod, received_on: date
) -> None:
    """A return has arrived: it closes an open 'missing' task for its period, and raises a
    'late' task if it came after its due date."""
    for task in HotelReturnTask.objects.filter(
        notice=notice,
        period_start=period.start,
        reason=ReturnTaskReason.MISSING,
        closed_at__isnull=True,
    ):
        task.closed_at = timezone.now()
        task.outcome = ReturnTaskOutcome.RETURN_RECEIVED
        task.save(update_fields=["closed_at", "outcome"])
    if rules.return_state(period, received_on, timezone.localdate()) == "late":
        _raise_task(notice, period, ReturnTaskReason.LATE)


@transaction.atomic
def hotel_return_tasks_raise(*, today: date | None = None) -> int:
    """Raise a 'missing' task for every return now past its due date without one, on every
    notice in force (run nightly: `vigil hotel-return-tasks`). Returns how many were raised."""
    from vigil.disruption.selectors import compliance

    today = today or timezone.localdate()
    raised = 0
    notices = HotelInformationNotice.objects.filter(stage=NoticeStage.ISSUED).prefetch_related(
        "returns"
    )
    for notice in notices:
        for row in compliance(notice, today):
            if row.state == "missing" and _raise_task(notice, row.period, ReturnTaskReason.MISSING):
                raised += 1
    return raised


@transaction.atomic
def hotel_return_task_close(
    *, acting_user: Any, task: HotelReturnTask, outcome: str, note: str = ""
) -> HotelReturnTask:
    """Close a follow-up task with what was done (a breach is recorded on the notice itself)."""
    _require_change(acting_user, task.notice)
    if task.closed_at is not None:
        raise ValidationError({"outcome": "This task is already closed"})
    if outcome not in ReturnTaskOutcome.values or outcome == ReturnTaskOutcome.RETURN_RECEIVED:
        raise ValidationError({"outcome": "Choose what was done"})
    if outcome == ReturnTaskOutcome.NO_FURTHER_ACTION and not note.strip():
        raise ValidationError({"note": "Say why no further action is needed"})
    task.closed_at = timezone.now()
    task.closed_by = acting_user
    task.outcome = outcome
    task.note = note.strip()
    task.save(update_fields=["closed_at", "closed_by", "outcome", "note"])
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="hotelreturntask",
        object_id=task.pk,
        detail={"notice": task.notice_id, "outcome": outcome},
    )
    return task
