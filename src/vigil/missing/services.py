"""Every write about missing episodes. Each function takes `acting_user`, runs in one
transaction, validates before saving and writes its audit entry in the same transaction.

POLE writes go through `vigil.people.services` (the episode's Event, its participants, and the
"found with" / "found at" / "travelled in" links), so the timeline, networks and screening see
what a return found without knowing this app exists."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.access import can_change_record, can_see_record, works_with_cases
from vigil.accounts.models import Agency
from vigil.accounts.services import carry_restriction
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.identifiers import normalise_vrm
from vigil.core.missing import (
    HOW_RETURNED,
    REPORTED_BY,
    check_rhi_transition,
    missing_policy,
    rhi_due_at,
    uk_time,
)
from vigil.errors import ApplicationError, StaleVersionError
from vigil.missing.models import (
    Disclosure,
    MissingEpisode,
    ReturnHomeInterview,
    RhiStatusChange,
    RiskGrading,
)
from vigil.missing.together import refresh_together_links
from vigil.people import services as people_services
from vigil.people.models import (
    EventLocation,
    EventObject,
    EventPerson,
    EventType,
    IntelligenceReport,
    Link,
    Location,
    ObjectKind,
    Person,
    PersonFlag,
    PoleObject,
)

# A report time a few minutes ahead of the server clock is a clock skew, not the future.
_CLOCK_SKEW = timedelta(minutes=5)


def _require_can_add(acting_user: Any) -> None:
    if not works_with_cases(acting_user):
        raise PermissionDenied("You cannot add case records.")


def require_can_change(acting_user: Any, episode: MissingEpisode) -> None:
    if not can_change_record(acting_user, episode) or not can_see_record(
        acting_user, episode.child
    ):
        raise PermissionDenied("You cannot change this missing episode.")


def _require_can_see(acting_user: Any, record: Any) -> None:
    if not can_see_record(acting_user, record):
        raise PermissionDenied("You cannot see one of the records you named.")


def _check_moment(name: str, moment: datetime, label: str) -> None:
    if timezone.is_naive(moment):
        raise ValidationError({name: f"{label} must carry a time zone"})
    if moment > timezone.now() + _CLOCK_SKEW:
        raise ValidationError({name: f"{label} must be now or in the past"})


def _place_label(place: Location) -> str:
    return place.name or place.address_line_1


def _locked(episode: MissingEpisode, expected_version: int) -> MissingEpisode:
    current = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    if current.version != expected_version:
        raise StaleVersionError(expected=expected_version, current=current)
    return current


def _bump(episode: MissingEpisode, acting_user: Any, detail: dict[str, Any]) -> None:
    episode.version += 1
    episode.updated_by = acting_user
    episode.full_clean()
    episode.save()
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="missingepisode",
        object_id=episode.pk,
        detail={**detail, "version": episode.version},
    )


def check_report(
    *,
    reported_missing_at: datetime,
    reported_by_kind: str,
    risk_level: str,
    risk_reason: str,
    grading_officer: str,
) -> None:
    """The rules for a report's own fields (the screens and the import both apply them)."""
    _check_moment("reported_missing_at", reported_missing_at, "The time reported missing")
    _check_grading(risk_level, risk_reason, grading_officer)
    if reported_by_kind not in dict(REPORTED_BY):
        raise ValidationError({"reported_by_kind": "Select who reported the child missing"})


def still_missing_error(child_name: str, ref: str) -> ValidationError:
    return ValidationError(
        {"reported_missing_at": f"{child_name} is still missing in {ref}: record the return first"}
    )


def report_summary(missing_from: Location | None) -> str:
    return f"Missing from {_place_label(missing_from)}" if missing_from else "Reported missing"


def report_description(
    *,
    reported_by_kind: str,
    reported_by_name: str,
    risk_level: str,
    risk_reason: str,
    grading_officer: str,
) -> str:
    """The episode event's description on the child's timeline."""
    reporter = dict(REPORTED_BY)[reported_by_kind]
    level = missing_policy().risk_level(risk_level)
    by = f" ({reported_by_name.strip()})" if reported_by_name.strip() else ""
    return (
        f"Reported by {reporter}{by}. Risk: {level.label}, graded by "
        f"{grading_officer.strip()}: {risk_reason.strip()}"
    )


def check_return(
    *,
    child_id: int,
    reported_missing_at: datetime,
    returned_at: datetime,
    how_returned: str,
    found_with: Sequence[Person],
) -> None:
    """The rules for a return's own fields (the screens and the import both apply them)."""
    _check_moment("returned_at", returned_at, "The time of return")
    errors: dict[str, str] = {}
    if how_returned not in dict(HOW_RETURNED):
        errors["how_returned"] = "Select how the child returned"
    if returned_at < reported_missing_at:
        errors["returned_at"] = "The return must be after the time reported missing"
    if any(person.pk == child_id for person in found_with):
        errors["found_with"] = "The child cannot be found with themselves"
    if errors:
        raise ValidationError(errors)


def return_description(
    *,
    returned_at: datetime,
    how_returned: str,
    found_at: Location | None,
    found_with: Sequence[Person],
    vehicles: Sequence[PoleObject],
) -> str:
    """The line a return adds to the episode event's description."""
    found_bits = [dict(HOW_RETURNED)[how_returned]]
    if found_at:
        found_bits.append(f"found at {found_at}")
    if found_with:
        found_bits.append("with " + ", ".join(p.full_name for p in found_with))
    if vehicles:
        found_bits.append("vehicle " + ", ".join(str(v) for v in vehicles))
    return f"Returned {uk_time(returned_at):%d/%m/%Y %H:%M}: " + "; ".join(found_bits) + "."


def found_link_source(episode: MissingEpisode) -> str:
    """How a "found with/at" link names the episode it came from."""
    return f"Missing episode {episode.ref}" + (
        f" ({episode.external_reference})" if episode.external_reference else ""
    )


def sync_missing_flags(acting_user: Any, child_ids: Iterable[int]) -> None:
    """Keep each child's "Currently missing" flag true to their episodes: set while an episode
    is open, cleared on return. The flag is derived, so it changes no version (an edit form
    open on the person stays valid) but each change is audited."""
    ids = sorted(set(child_ids))
    if not ids:
        return
    missing = set(
        MissingEpisode.objects.filter(child_id__in=ids, returned_at__isnull=True).values_list(
            "child_id", flat=True
        )
    )
    changed: list[Person] = []
    for child in Person.objects.filter(pk__in=ids).only("pk", "flags"):
        has = PersonFlag.MISSING in child.flags
        if has == (child.pk in missing):
            continue
        flags = set(child.flags)
        flags.symmetric_difference_update({PersonFlag.MISSING})
        child.flags = sorted(flags)
        changed.append(child)
    if not changed:
        return
    Person.objects.bulk_update(changed, ["flags"], batch_size=500)
    for now_missing in (True, False):
        group = [c for c in changed if (PersonFlag.MISSING in c.flags) == now_missing]
        if group:
            audit_log_many(
                acting_user=acting_user,
                action=Action.ALTERATION,
                objects=[("person", c.pk) for c in group],
                detail={"flag": PersonFlag.MISSING, "set": now_missing},
            )


# --- Reporting and grading --------------------------------------------------------------------


def _check_grading(risk_level: str, reason: str, grading_officer: str) -> None:
    errors = {}
    if risk_level not in {level.code for level in missing_policy().risk_levels}:
        errors["risk_level"] = "Select the missing-person risk level"
    if not reason.strip():
        errors["risk_reason"] = "Enter why the child is graded at this risk level"
    if not grading_officer.strip():
        errors["grading_officer"] = "Enter the grading officer's name and number"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def episode_report(
    *,
    acting_user: Any,
    child: Person,
    reported_missing_at: datetime,
    reported_by_kind: str,
    risk_level: str,
    risk_reason: str,
    grading_officer: str,
    reported_by_name: str = "",
    missing_from: Location | None = None,
    area: str = "",
    police_actions: str = "",
    external_reference: str = "",
    access_level: str = "standard",
) -> MissingEpisode:
    """Report a child missing: the episode, its Event on the child's timeline and the first
    risk grading (APP Missing persons)."""
    _require_can_add(acting_user)
    _require_can_see(acting_user, child)
    if missing_from is not None:
        _require_can_see(acting_user, missing_from)
    check_report(
        reported_missing_at=reported_missing_at,
        reported_by_kind=reported_by_kind,
        risk_level=risk_level,
        risk_reason=risk_reason,
        grading_officer=grading_officer,
    )
    # A child cannot go missing again while an earlier episode is still open.
    still_open = MissingEpisode.objects.filter(
        child=child, returned_at__isnull=True, reported_missing_at__lte=reported_missing_at
    ).first()
    if still_open is not None:
        raise still_missing_error(child.full_name, still_open.ref)
    event = people_services.event_create(
        acting_user=acting_user,
        event_type=EventType.MISSING_EPISODE,
        occurred_at=reported_missing_at,
        summary=report_summary(missing_from),
        description=report_description(
            reported_by_kind=reported_by_kind,
            reported_by_name=reported_by_name,
            risk_level=risk_level,
            risk_reason=risk_reason,
            grading_officer=grading_officer,
        ),
        reference=external_reference.strip(),
        access_level=access_level,
        people=[(child, EventPerson.Role.SUBJECT)],
        locations=[(missing_from, EventLocation.Role.REPORTED_FROM)] if missing_from else [],
    )
    episode = MissingEpisode(
        event=event,
        child=child,
        reported_missing_at=reported_missing_at,
        reported_by_kind=reported_by_kind,
        reported_by_name=reported_by_name.strip(),
        missing_from=missing_from,
        area=area.strip() or (missing_from.town if missing_from else ""),
        risk_level=risk_level,
        police_actions=police_actions.strip(),
        external_reference=external_reference.strip(),
        access_level=access_level,
        owning_agency_id=acting_user.agency_id,
        created_by=acting_user,
        updated_by=acting_user,
        version=1,
    )
    episode.full_clean(exclude=["found_with", "vehicles"])
    episode.save()
    # A restricted child's episode and timeline event are restricted to the same people.
    carry_restriction(acting_user=acting_user, source=child, records=[event, episode])
    RiskGrading.objects.create(
        episode=episode,
        risk_level=risk_level,
        grading_officer=grading_officer.strip(),
        reason=risk_reason.strip(),
        graded_at=reported_missing_at,
        recorded_by=acting_user,
    )
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="missingepisode",
        object_id=episode.pk,
        detail={"child": child.pk, "risk_level": risk_level},
    )
    refresh_together_links([episode.pk])
    sync_missing_flags(acting_user, [child.pk])
    return episode


@transaction.atomic
def episode_regrade(
    *,
    acting_user: Any,
    episode: MissingEpisode,
    expected_version: int,
    risk_level: str,
    reason: str,
    grading_officer: str,
    graded_at: datetime | None = None,
) -> MissingEpisode:
    """Re-grade the risk. The earlier gradings stay as history (APP: the risk assessment is
    reviewed throughout the investigation)."""
    require_can_change(acting_user, episode)
    _check_grading(risk_level, reason, grading_officer)
    graded_at = graded_at or timezone.now()
    _check_moment("graded_at", graded_at, "The time of the grading")
    current = _locked(episode, expected_version)
    if graded_at < current.reported_missing_at:
        raise ValidationError({"graded_at": "A re-grading must be after the report"})
    previous = current.risk_level
    RiskGrading.objects.create(
        episode=current,
        risk_level=risk_level,
        grading_officer=grading_officer.strip(),
        reason=reason.strip(),
        graded_at=graded_at,
        recorded_by=acting_user,
    )
    current.risk_level = risk_level
    _bump(current, acting_user, {"regraded": {"from": previous, "to": risk_level}})
    return current


@transaction.atomic
def episode_update_actions(
    *, acting_user: Any, episode: MissingEpisode, expected_version: int, police_actions: str
) -> MissingEpisode:
    require_can_change(acting_user, episode)
    current = _locked(episode, expected_version)
    current.police_actions = police_actions.strip()
    _bump(current, acting_user, {"fields": ["police_actions"]})
    return current


# --- Return -----------------------------------------------------------------------------------


@transaction.atomic
def episode_record_return(
    *,
    acting_user: Any,
    episode: MissingEpisode,
    expected_version: int,
    returned_at: datetime,
    how_returned: str,
    found_at: Location | None = None,
    found_with: Sequence[Person] = (),
    vehicles: Sequence[PoleObject] = (),
    injuries: str = "",
    intoxicated: bool = False,
    intoxication_details: str = "",
    account: str = "",
    rhi_offered_by: Agency | None = None,
    new_place: people_services.LocationFields | None = None,
    vehicle_marks: Sequence[str] = (),
) -> MissingEpisode:
    """Record the return: where found, who with, vehicles, how, injuries, intoxication and the
    child's account; write them to the POLE store (event participants and links) and open the
    return home interview, due 72 elapsed hours after the return (DfE statutory guidance)."""
    require_can_change(acting_user, episode)
    check_return(
        child_id=episode.child_id,
        reported_missing_at=episode.reported_missing_at,
        returned_at=returned_at,
        how_returned=how_returned,
        found_with=found_with,
    )
    if intoxicated is False and intoxication_details.strip():
        intoxicated = True
    if new_place:
        if found_at is not None:
            raise ValidationError({"found_at": "Give a known place or a new one, not both"})
        found_at = people_services.location_create(acting_user=acting_user, **new_place)
    vehicles = [*vehicles, *(vehicle_for_mark(acting_user, mark)[0] for mark in vehicle_marks)]
    for record in [*found_with, *vehicles, *([found_at] if found_at else [])]:
        _require_can_see(acting_user, record)
    current = _locked(episode, expected_version)
    if current.returned_at is not None:
        raise ValidationError({"returned_at": f"The return for {current.ref} is already recorded"})

    current.returned_at = returned_at
    current.how_returned = how_returned
    current.found_at = found_at
    current.injuries = injuries.strip()
    current.intoxicated = intoxicated
    current.intoxication_details = intoxication_details.strip()
    current.account = account.strip()
    _bump(current, acting_user, {"returned": True})
    unique_people = list(dict.fromkeys(found_with))
    unique_vehicles = list(dict.fromkeys(vehicles))
    current.found_with.set(unique_people)
    current.vehicles.set(unique_vehicles)
    refresh_together_links([current.pk])

    child = current.child
    event = current.event
    line = return_description(
        returned_at=returned_at,
        how_returned=how_returned,
        found_at=found_at,
        found_with=unique_people,
        vehicles=unique_vehicles,
    )
    people_services.event_update(
        acting_user=acting_user,
        event=event,
        expected_version=event.version,
        ended_at=returned_at,
        description=f"{event.description}\n{line}",
        add_people=[(person, EventPerson.Role.FOUND_WITH) for person in unique_people],
        add_objects=[(vehicle, EventObject.Role.TRAVELLED_IN) for vehicle in unique_vehicles],
        add_locations=[(found_at, EventLocation.Role.FOUND_AT)] if found_at else [],
    )
    day = uk_time(returned_at).date()
    source = found_link_source(current)
    for link_type, target in (
        *(("found_with", person) for person in unique_people),
        *((("found_at", found_at),) if found_at else ()),
        *(("travelled_in", vehicle) for vehicle in unique_vehicles),
    ):
        _link_found(acting_user, link_type, child, target, source, day)

    interview = ReturnHomeInterview.objects.create(
        episode=current,
        due_at=rhi_due_at(returned_at),
        status="due",
        offered_by=rhi_offered_by,
        updated_by=acting_user,
    )
    RhiStatusChange.objects.create(
        interview=interview, status="due", at=returned_at, recorded_by=acting_user
    )
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="returnhomeinterview",
        object_id=interview.pk,
        detail={"episode": current.pk},
    )
    sync_missing_flags(acting_user, [child.pk])
    return current


def _link_found(
    acting_user: Any, link_type: str, child: Person, target: Any, source: str, day: date
) -> Link:
    """One link per child, type and record, its dates widened and its notes naming each
    episode, so a child found with the same adult five times has one link seen five times,
    not five links."""
    kind = people_services.entity_kind(target)
    # Candidates by plain filter, then the object check: cheaper than the visibility filter
    # for the one or two links a child has to one record.
    candidates = Link.objects.filter(
        link_type=link_type, from_person=child, **{f"to_{kind}": target}
    ).order_by("id")[:5]
    existing = next((c for c in candidates if can_change_record(acting_user, c)), None)
    if existing is None:
        return people_services.link_create(
            acting_user=acting_user,
            link_type=link_type,
            source_entity=child,
            target_entity=target,
            source=source,
            first_seen=day,
            last_seen=day,
            notes=source,
        )
    return people_services.link_update(
        acting_user=acting_user,
        link=existing,
        expected_version=existing.version,
        first_seen=min(filter(None, [existing.first_seen, day])),
        last_seen=max(filter(None, [existing.last_seen, day])),
        notes="\n".join(filter(None, [existing.notes, source])),
    )


def vehicle_for_mark(acting_user: Any, mark: str) -> tuple[PoleObject, bool]:
    """The vehicle with this registration mark the user can see, or a new one (and whether it
    was added)."""
    key = normalise_vrm(mark)
    candidates = PoleObject.objects.filter(kind=ObjectKind.VEHICLE, search_key=key).order_by("id")
    existing = next((c for c in candidates[:10] if can_see_record(acting_user, c)), None)
    if existing is not None:
        return existing, False
    return people_services.object_create(acting_user=acting_user, kind="vehicle", vrm=mark), True


# --- Return home interviews -------------------------------------------------------------------

_STATUS_DATE_FIELD = {
    "offered": "offered_at",
    "completed": "completed_at",
    "declined": "declined_at",
    "not_possible": "not_possible_at",
}


@transaction.atomic
def rhi_set_status(
    *,
    acting_user: Any,
    interview: ReturnHomeInterview,
    expected_version: int,
    status: str,
    at: datetime,
    offered_by: Agency | None = None,
    interviewer: str = "",
    note: str = "",
) -> ReturnHomeInterview:
    """Move the interview on (due -> offered -> completed, or declined / not possible), with the
    date each happened. A completed interview is final."""
    episode = interview.episode
    require_can_change(acting_user, episode)
    current = ReturnHomeInterview.objects.select_for_update().get(pk=interview.pk)
    if current.version != expected_version:
        raise StaleVersionError(expected=expected_version, current=current)
    problem = check_rhi_transition(current.status, status)
    if problem:
        raise ValidationError({"status": problem})
    _check_moment("at", at, "The date")
    if episode.returned_at and at < episode.returned_at:
        raise ValidationError({"at": "The date must be on or after the child's return"})
    if status == "not_possible" and not note.strip():
        raise ValidationError({"note": "Enter why an interview was not possible"})
    previous = current.status
    current.status = status
    setattr(current, _STATUS_DATE_FIELD[status], at)
    if offered_by is not None:
        current.offered_by = offered_by
    if interviewer.strip():
        current.interviewer = interviewer.strip()
    if note.strip():
        current.notes = "\n".join(filter(None, [current.notes, note.strip()]))
    current.version += 1
    current.updated_by = acting_user
    current.full_clean()
    current.save()
    RhiStatusChange.objects.create(
        interview=current, status=status, at=at, note=note.strip(), recorded_by=acting_user
    )
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="returnhomeinterview",
        object_id=current.pk,
        detail={"status": {"from": previous, "to": status}, "version": current.version},
    )
    return current


@transaction.atomic
def disclosure_add(*, acting_user: Any, interview: ReturnHomeInterview, text: str) -> Disclosure:
    require_can_change(acting_user, interview.episode)
    if not text.strip():
        raise ValidationError({"text": "Enter what the child disclosed"})
    disclosure = Disclosure(interview=interview, text=text.strip(), recorded_by=acting_user)
    disclosure.full_clean()
    disclosure.save()
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="disclosure",
        object_id=disclosure.pk,
        detail={"interview": interview.pk},
    )
    return disclosure


@transaction.atomic
def disclosure_to_intelligence(
    *,
    acting_user: Any,
    disclosure: Disclosure,
    summary: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    handling_conditions: str = "",
) -> IntelligenceReport:
    """Record the disclosure as a 3x5x2-graded intelligence report about the child (APP
    Intelligence management), once."""
    interview = disclosure.interview
    episode = interview.episode
    require_can_change(acting_user, episode)
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if locked.intelligence_report_id:
        raise ValidationError({"text": "This disclosure is already recorded as intelligence"})
    report = people_services.intelligence_report_create(
        acting_user=acting_user,
        subjects=[episode.child],
        occurred_at=interview.completed_at or timezone.now(),
        summary=summary.strip() or f"Return home interview disclosure ({episode.ref})",
        text=locked.text,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
        reference=episode.ref,
        locations=[episode.found_at] if episode.found_at else [],
    )
    locked.intelligence_report = report
    locked.save(update_fields=["intelligence_report"])
    disclosure.intelligence_report = report
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="disclosure",
        object_id=locked.pk,
        detail={"intelligence_report": report.pk},
    )
    return report


def observation_service() -> Callable[..., Any] | None:
    """The safeguarding app's observation-recording service (`observations_record`), or None
    where that app does not offer one: the screens then offer intelligence only."""
    try:
        from vigil.safeguarding import services as safeguarding_services
    except ImportError:  # pragma: no cover - the app is always installed in this repository
        return None
    return getattr(safeguarding_services, "observations_record", None)


@transaction.atomic
def disclosure_to_observation(
    *, acting_user: Any, disclosure: Disclosure, codes: Sequence[str], observed_on: date
) -> list[Any]:
    """Record the disclosure as screening observations of the chosen warning signs, seen in a
    return home interview, once. The safeguarding service validates the codes and re-screens
    the child."""
    record = observation_service()
    if record is None:
        raise ApplicationError("Observations cannot be recorded here yet")
    interview = disclosure.interview
    episode = interview.episode
    require_can_change(acting_user, episode)
    locked = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if locked.observation_ref:
        raise ValidationError({"codes": "This disclosure is already recorded as observations"})
    observations = record(
        acting_user=acting_user,
        child=episode.child,
        codes=list(codes),
        observed_on=observed_on,
        source="rhi",
        note=f"Return home interview ({episode.ref}): {locked.text}",
        access_level=episode.access_level,
    )
    locked.observation_ref = ",".join(f"observation-{row.pk}" for row in observations)[:200]
    locked.save(update_fields=["observation_ref"])
    disclosure.observation_ref = locked.observation_ref
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="disclosure",
        object_id=locked.pk,
        detail={"observations": [row.pk for row in observations]},
    )
    return observations
