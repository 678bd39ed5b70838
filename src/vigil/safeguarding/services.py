"""Every write about warning signs and screening. Each function takes `acting_user`, runs in one
transaction, validates before saving and writes its audit entry in the same transaction.

Screening is re-run here whenever something it depends on changes: an observation recorded,
imported or withdrawn, a professional judgement raised, approved, rejected or withdrawn. Other
apps whose records feed derived observations (missing episodes, links, flags) call
`rescreen_person(person, acting_user, reason)` after their own write.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.access import can_see_record, works_with_cases
from vigil.accounts.models import Role
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core import screening as core
from vigil.core.dates import age_on
from vigil.core.taxonomy import load_taxonomy
from vigil.errors import ApplicationError, StaleVersionError
from vigil.people.models import Location, Person, PoleObject
from vigil.safeguarding.derived import (
    DerivedObservation,
    derive_observations,
    home_area,
    household_children,
)
from vigil.safeguarding.models import (
    AdviceAction,
    Observation,
    ObservationImport,
    ObservationSource,
    Override,
    ScreeningResult,
    ScreeningTask,
)

Entity = Person | PoleObject | Location

# Files larger than this are refused before parsing: a CSV of observations is a few KB a row.
MAX_IMPORT_BYTES = 2_000_000
MAX_IMPORT_ROWS = 5_000
IMPORT_COLUMNS = ("child", "code", "observed_on", "source", "note")


class ScreeningRefused(ApplicationError):
    """This person cannot be screened: an adult, or no date of birth. `field` names why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, extra={"field": field})
        self.field = field


def today() -> date:
    return timezone.localdate()


def _require_case_worker(acting_user: Any) -> None:
    if not works_with_cases(acting_user):
        raise PermissionDenied("You cannot record safeguarding information.")


def _require_can_see(acting_user: Any, record: Any) -> None:
    if not can_see_record(acting_user, record):
        raise PermissionDenied("You cannot see this record.")


def require_screenable(child: Person, on: date | None = None) -> int:
    """The child's age on `on`, or ScreeningRefused. CSE screening is for under-18s only
    (Children Act 1989; DOMAIN.md): an adult gets a clear refusal, never a score."""
    on = on or today()
    dob = child.date_of_birth
    if dob is None:
        raise ScreeningRefused(
            "date_of_birth",
            f"{child.full_name}'s date of birth is not recorded. Screening depends on age: "
            "record it (an estimate will do) before screening.",
        )
    if dob > on:
        raise ScreeningRefused("date_of_birth", "The date of birth is after today.")
    age = age_on(dob, on)
    if age >= core.ADULT_AGE:
        raise ScreeningRefused(
            "date_of_birth",
            f"{child.full_name} is {age}. CSE screening applies to children under "
            f"{core.ADULT_AGE} only, so no level is given. If you are worried about an adult, "
            "follow your adult safeguarding procedures.",
        )
    return age


# --- Computing a screening --------------------------------------------------------------------


@dataclass(frozen=True)
class Computed:
    result: core.ScreeningResult
    advice: tuple[core.Advice, ...]
    derived: tuple[DerivedObservation, ...]
    override: Override | None

    def signature(self) -> tuple[Any, ...]:
        """What makes two screenings the same, leaving out the date they were run on."""
        reasons = [
            (r.rule, r.rank, r.text, tuple(o.ref or o.code for o in r.observations))
            for r in self.result.reasons
        ]
        return (
            self.result.rank,
            self.result.rule_rank,
            self.result.policy_version,
            tuple(reasons),
            self.override.pk if self.override else None,
        )


def active_override(child: Person) -> Override | None:
    """The child's live professional judgement: applied, approved, or waiting for approval."""
    return (
        Override.objects.filter(
            child=child,
            status__in=[Override.Status.APPLIED, Override.Status.APPROVED, Override.Status.PENDING],
        )
        .select_related("decided_by")
        .order_by("-proposed_at", "-id")
        .first()
    )


def _core_override(row: Override | None) -> core.Override | None:
    if row is None:
        return None
    if row.status == Override.Status.APPROVED:
        approver = row.decided_by.get_full_name() or row.decided_by.get_username()  # type: ignore[union-attr]
        return core.Override(
            rank=row.rank,
            reason=row.reason,
            approved_by=approver,
            approved_rule_rank=row.rule_rank_at_proposal,
        )
    # A pending lowering is passed without approval: the core then explains that it is not
    # applied until a supervisor approves it.
    return core.Override(rank=row.rank, reason=row.reason)


def compute_screening(child: Person, on: date | None = None) -> Computed:
    """Screen the child from stored and derived observations, without saving anything."""
    on = on or today()
    require_screenable(child, on)
    dob = child.date_of_birth
    assert dob is not None
    stored = [
        core.Observation(code, observed_on, f"observation:{pk}")
        for pk, code, observed_on in Observation.objects.filter(
            child=child, withdrawn_at__isnull=True, observed_on__lte=on, observed_on__gte=dob
        ).values_list("pk", "code", "observed_on")
    ]
    derived = tuple(derive_observations(child, on))
    override = active_override(child)
    result = core.screen_child(
        date_of_birth=dob,
        assessed_on=on,
        observations=[*stored, *(core.Observation(d.code, d.observed_on, d.ref) for d in derived)],
        in_care=child.in_care,
        override=_core_override(override),
    )
    return Computed(result, core.advice_for(result), derived, override)


def _stored_signature(row: ScreeningResult) -> tuple[Any, ...]:
    reasons = [
        (
            r["rule"],
            r["rank"],
            r["text"],
            tuple(o.get("ref") or o["code"] for o in r["observations"]),
        )
        for r in row.reasons
    ]
    return (row.rank, row.rule_rank, row.policy_version, tuple(reasons), row.override_id)


def _store(
    child: Person,
    computed: Computed,
    *,
    acting_user: Any,
    trigger: str,
    only_if_changed: bool = False,
    cascade: bool = True,
) -> ScreeningResult:
    # Lock the child's row so two re-screens of one child cannot both become current.
    Person.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True).first()
    current = ScreeningResult.objects.filter(child=child, is_current=True).first()
    if (
        only_if_changed
        and current is not None
        and _stored_signature(current) == computed.signature()
    ):
        return current
    result = computed.result
    if current is not None:
        ScreeningResult.objects.filter(child=child, is_current=True).update(is_current=False)
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    row = ScreeningResult.objects.create(
        child=child,
        assessed_on=result.assessed_on,
        age=result.age,
        level=result.level,
        rank=result.rank,
        label=result.label,
        rule_level=result.rule_level,
        rule_rank=result.rule_rank,
        rule_label=result.rule_label,
        previous_rank=current.rank if current else None,
        reasons=[reason.to_dict() for reason in result.reasons],
        advice=[advice.to_dict() for advice in computed.advice],
        derived=[obs.to_dict() for obs in computed.derived],
        policy_version=result.policy_version,
        review_on=result.review_on,
        override=computed.override,
        triggered_by=user,
        trigger=trigger[:300],
        area=home_area(child),
        is_current=True,
    )
    # Screening combines records from several agencies into one finding (DPA 2018 s62).
    audit_log(
        acting_user=acting_user,
        action=Action.COMBINATION,
        object_type="screeningresult",
        object_id=row.pk,
        detail={
            "child": child.pk,
            "rank": row.rank,
            "rule_rank": row.rule_rank,
            "previous_rank": row.previous_rank,
            "trigger": row.trigger,
            "policy_version": row.policy_version,
        },
    )
    if core.siblings_need_screening(result):
        _create_sibling_tasks(child, row, crossed=current is None or not _meets(current.rank))
    if cascade and _meets(current.rank if current else 0) != _meets(row.rank):
        # Crossing medium changes whether the child's associates "associate with children at
        # risk"; re-screen them once (no further cascade), only recording real changes.
        _rescreen_associates(child, acting_user=acting_user)
    return row


def _meets(rank: int) -> bool:
    return rank >= core.load_screening_policy().siblings_from_rank


def _create_sibling_tasks(child: Person, row: ScreeningResult, *, crossed: bool) -> None:
    on = row.assessed_on
    for other, relation in household_children(child, on):
        existing = ScreeningTask.objects.filter(child=other, because_of=child)
        if existing.filter(status=ScreeningTask.Status.OPEN).exists():
            continue
        if existing.exists() and not crossed:
            # Already considered since the child last reached this level.
            continue
        task = ScreeningTask.objects.create(
            child=other, because_of=child, because_screening=row, relation=relation
        )
        audit_log(
            acting_user=row.triggered_by,
            action=Action.COLLECTION,
            object_type="screeningtask",
            object_id=task.pk,
            detail={"child": other.pk, "because_of": child.pk, "relation": relation},
        )


def _rescreen_associates(child: Person, *, acting_user: Any) -> None:
    from django.db.models import Q

    from vigil.people.models import Link

    policy_types = ["associate_of"]
    for link in Link.objects.filter(
        Q(from_person=child, to_person__isnull=False)
        | Q(to_person=child, from_person__isnull=False),
        link_type__in=policy_types,
    ).select_related("from_person", "to_person"):
        other = link.to_person if link.from_person_id == child.pk else link.from_person
        if other is None:
            continue
        try:
            computed = compute_screening(other)
        except ScreeningRefused:
            continue
        _store(
            other,
            computed,
            acting_user=acting_user,
            trigger="An associate's screening level changed",
            only_if_changed=True,
            cascade=False,
        )


@transaction.atomic
def rescreen_person(person: Person, acting_user: Any, reason: str) -> ScreeningResult | None:
    """Re-screen a child after a change to something screening reads (for other apps: a missing
    episode, a link, a flag). Returns the current screening, or None for a person who cannot
    be screened (an adult, or no date of birth). A screening that would come out exactly as
    before is not stored again."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, person)
    try:
        computed = compute_screening(person)
    except ScreeningRefused:
        return None
    return _store(person, computed, acting_user=acting_user, trigger=reason, only_if_changed=True)


def ensure_current_screening(*, acting_user: Any, child: Person) -> ScreeningResult:
    """The child's screening as of today, re-screening first if records it depends on changed
    since it was stored (a new link, a missing episode, an observation passing its recency
    window). Raises ScreeningRefused for a person who cannot be screened. When nothing changed
    (the usual case on a record page) this only reads: no transaction, no write lock."""
    _require_can_see(acting_user, child)
    computed = compute_screening(child)
    current = ScreeningResult.objects.filter(child=child, is_current=True).first()
    if current is None or _stored_signature(current) != computed.signature():
        trigger = (
            "First screening" if current is None else "Records changed since the last screening"
        )
        with transaction.atomic():
            current = _store(
                child, computed, acting_user=acting_user, trigger=trigger, only_if_changed=True
            )
    # The live judgement (perhaps pending) was read to compute: hand it on, not read again.
    current.live_override = computed.override  # type: ignore[attr-defined]
    return current


def store_if_changed(child: Person, computed: Computed, *, acting_user: Any, trigger: str) -> bool:
    """Store `computed` as the child's screening unless it is the same as the stored one (run
    inside a transaction). True when a new screening was stored."""
    before = ScreeningResult.objects.filter(child=child, is_current=True).first()
    row = _store(child, computed, acting_user=acting_user, trigger=trigger, only_if_changed=True)
    return before is None or row.pk != before.pk


def _rescreen(child: Person, acting_user: Any, trigger: str) -> ScreeningResult:
    return _store(child, compute_screening(child), acting_user=acting_user, trigger=trigger)


# --- Observations -----------------------------------------------------------------------------


def _recordable_codes() -> set[str]:
    # Derived items are computed from records, never ticked (taxonomy.json: derived).
    return {item.code for item in load_taxonomy() if not item.derived}


def _validate_observation(
    child: Person, *, codes: Sequence[str], observed_on: date | None, source: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        require_screenable(child)
    except ScreeningRefused as refused:
        errors["child"] = refused.message
    taxonomy = load_taxonomy()
    recordable = _recordable_codes()
    if not codes:
        errors["codes"] = "Select at least one warning sign or vulnerability"
    else:
        for code in codes:
            if code not in taxonomy:
                errors["codes"] = f"'{code}' is not a warning sign or vulnerability code"
                break
            if code not in recordable:
                errors["codes"] = (
                    f"'{taxonomy.get(code).label}' is worked out from records; it cannot be "
                    "recorded by hand"
                )
                break
    if observed_on is None:
        errors["observed_on"] = "Enter the date it was seen"
    elif observed_on > today():
        errors["observed_on"] = "The date it was seen must be today or in the past"
    elif child.date_of_birth and observed_on < child.date_of_birth:
        errors["observed_on"] = "The date it was seen must be after the child's date of birth"
    if source not in ObservationSource.values:
        errors["source"] = "Select who saw it"
    return errors


@transaction.atomic
def observations_record(
    *,
    acting_user: Any,
    child: Person,
    codes: Sequence[str],
    observed_on: date | None,
    source: str,
    note: str = "",
    involved: Sequence[Entity] = (),
    access_level: str = "standard",
    rescreen: bool = True,
) -> list[Observation]:
    """Record a concern: one observation per ticked item, then re-screen the child."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, child)
    errors = _validate_observation(child, codes=codes, observed_on=observed_on, source=source)
    if errors:
        raise ValidationError(errors)
    assert observed_on is not None  # _validate_observation refuses a missing date
    for record in involved:
        if record == child:
            raise ValidationError({"involved": "The child is already the subject of the concern"})
        if not can_see_record(acting_user, record):
            raise ValidationError({"involved": "You cannot see one of the records you named"})
    created = []
    for code in dict.fromkeys(codes):
        row = Observation(
            child=child,
            code=code,
            observed_on=observed_on,
            source=source,
            note=note.strip(),
            owning_agency_id=acting_user.agency_id,
            access_level=access_level,
            created_by=acting_user,
            updated_by=acting_user,
        )
        row.full_clean()
        row.save()
        row.involved_people.set([r for r in involved if isinstance(r, Person)])
        row.involved_objects.set([r for r in involved if isinstance(r, PoleObject)])
        row.involved_locations.set([r for r in involved if isinstance(r, Location)])
        created.append(row)
    audit_log_many(
        acting_user=acting_user,
        action=Action.COLLECTION,
        objects=[("observation", row.pk) for row in created],
        detail={"child": child.pk, "codes": [row.code for row in created]},
    )
    if rescreen:
        labels = ", ".join(row.label for row in created)
        _rescreen(child, acting_user, f"Concern recorded: {labels}")
    return created


@transaction.atomic
def observation_withdraw(
    *, acting_user: Any, observation: Observation, reason: str, expected_version: int
) -> Observation:
    """Withdraw an observation recorded in error (kept, not deleted), then re-screen."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, observation)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the observation is being withdrawn"})
    current = Observation.objects.select_for_update().get(pk=observation.pk)
    if current.version != expected_version:
        raise StaleVersionError(expected=expected_version, current=current)
    if current.withdrawn_at is not None:
        raise ValidationError({"reason": "This observation is already withdrawn"})
    current.withdrawn_at = timezone.now()
    current.withdrawn_reason = reason.strip()
    current.version += 1
    current.updated_by = acting_user
    current.save()
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="observation",
        object_id=current.pk,
        detail={"withdrawn": True, "version": current.version},
    )
    child = current.child
    if _screenable(child):
        _rescreen(child, acting_user, f"Observation withdrawn: {current.label}")
    return current


def _screenable(child: Person) -> bool:
    try:
        require_screenable(child)
    except ScreeningRefused:
        return False
    return True


# --- CSV import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ImportRow:
    child: Person
    code: str
    observed_on: date
    source: str
    note: str


def _parse_date(text: str) -> date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse_child(acting_user: Any, text: str, cache: dict[str, Person | None]) -> Person | None:
    key = text.strip().upper().replace(" ", "")
    if key in cache:
        return cache[key]
    number = key[2:] if key.startswith("P-") else key
    person = None
    if number.isdigit():
        person = Person.objects.filter(pk=int(number)).first()
        if person is not None and not can_see_record(acting_user, person):
            person = None  # the same answer as "no such person": existence is not disclosed
    cache[key] = person
    return person


@transaction.atomic
def observations_import(*, acting_user: Any, file_name: str, content: bytes) -> ObservationImport:
    """Import a CSV of observations, all or nothing: every row is checked first, and one bad
    row rejects the whole file (nothing saved but the report of what was wrong, row by row).
    Columns: child (P-42), code, observed_on (YYYY-MM-DD or DD/MM/YYYY), source, note."""
    _require_case_worker(acting_user)
    errors: list[dict[str, Any]] = []
    rows: list[_ImportRow] = []

    def reject(row: int, field: str, message: str) -> None:
        errors.append({"row": row, "field": field, "message": message})

    text = ""
    if len(content) > MAX_IMPORT_BYTES:
        reject(0, "file", f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            reject(0, "file", "The file must be a CSV saved as UTF-8")
    if text:
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
        missing = [name for name in IMPORT_COLUMNS[:4] if name not in header]
        if missing:
            reject(1, "header", f"Missing column(s): {', '.join(missing)}")
        else:
            reader.fieldnames = header
            people: dict[str, Person | None] = {}
            for number, raw in enumerate(reader, start=2):
                if number - 1 > MAX_IMPORT_ROWS:
                    reject(number, "file", f"More than {MAX_IMPORT_ROWS} rows: split the file")
                    break
                values = {k: (v or "").strip() for k, v in raw.items() if k}
                if not any(values.values()):
                    continue
                child = _parse_child(acting_user, values.get("child", ""), people)
                observed_on = _parse_date(values.get("observed_on", ""))
                code = values.get("code", "").upper()
                source = values.get("source", "").lower()
                if child is None:
                    reject(number, "child", "No person you can see has this reference")
                    continue
                if observed_on is None:
                    reject(number, "observed_on", "Enter a date like 2026-03-14 or 14/03/2026")
                    continue
                problems = _validate_observation(
                    child, codes=[code], observed_on=observed_on, source=source
                )
                for field, message in problems.items():
                    # Name the file's column ("code"), not the form's field ("codes").
                    reject(number, "code" if field == "codes" else field, message)
                if not problems:
                    rows.append(
                        _ImportRow(child, code, observed_on, source, values.get("note", ""))
                    )
            if not rows and not errors:
                reject(1, "file", "The file has no rows")

    batch = ObservationImport.objects.create(
        file_name=file_name[:200],
        uploaded_by=acting_user,
        agency_id=acting_user.agency_id,
        status=ObservationImport.Status.REJECTED if errors else ObservationImport.Status.ACCEPTED,
        row_count=len(rows) if not errors else 0,
        errors=errors,
    )
    if errors:
        return batch
    by_child: dict[int, list[_ImportRow]] = {}
    for row in rows:
        by_child.setdefault(row.child.pk, []).append(row)
    for group in by_child.values():
        child = group[0].child
        created = []
        for row in group:
            record = Observation(
                child=child,
                code=row.code,
                observed_on=row.observed_on,
                source=row.source,
                note=row.note,
                imported_from=batch,
                owning_agency_id=acting_user.agency_id,
                created_by=acting_user,
                updated_by=acting_user,
            )
            record.full_clean()
            record.save()
            created.append(record)
        audit_log_many(
            acting_user=acting_user,
            action=Action.COLLECTION,
            objects=[("observation", record.pk) for record in created],
            detail={"child": child.pk, "import": batch.pk},
        )
        _rescreen(child, acting_user, f"Observations imported from {batch.file_name}")
    return batch


# --- Professional judgement -------------------------------------------------------------------


def _supersede_live_overrides(child: Person) -> None:
    Override.objects.filter(
        child=child,
        status__in=[Override.Status.APPLIED, Override.Status.APPROVED, Override.Status.PENDING],
    ).update(status=Override.Status.SUPERSEDED)


@transaction.atomic
def override_propose(*, acting_user: Any, child: Person, rank: int, reason: str) -> Override:
    """Professional judgement. At or above the rule result it applies at once; below it, it
    waits for a supervisor's approval (DOMAIN.md: Risk levels). Either way the child is
    re-screened, so the judgement appears in the reasons beside the rule result."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, child)
    top = len(core.levels()) - 1
    errors: dict[str, str] = {}
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= top:
        errors["rank"] = "Select a level"
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason for your judgement"
    try:
        require_screenable(child)
    except ScreeningRefused as refused:
        errors["child"] = refused.message
    if errors:
        raise ValidationError(errors)
    rule_rank = compute_screening(child).result.rule_rank
    _supersede_live_overrides(child)
    status = Override.Status.APPLIED if rank >= rule_rank else Override.Status.PENDING
    row = Override.objects.create(
        child=child,
        rank=rank,
        reason=reason.strip(),
        rule_rank_at_proposal=rule_rank,
        status=status,
        proposed_by=acting_user,
    )
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION,
        object_type="override",
        object_id=row.pk,
        detail={"child": child.pk, "rank": rank, "rule_rank": rule_rank, "status": status},
    )
    level = core.levels()[rank].label
    verb = "raised to" if rank > rule_rank else "lowering to" if rank < rule_rank else "agrees:"
    _rescreen(child, acting_user, f"Professional judgement {verb} {level}: {reason.strip()}")
    return row


def can_approve(user: Any, override: Override) -> bool:
    """A supervisor other than the proposer: lowering needs a second person (DOMAIN.md)."""
    return bool(
        works_with_cases(user)
        and user.role == Role.SUPERVISOR
        and user.pk != override.proposed_by_id
        and can_see_record(user, override.child)
    )


@transaction.atomic
def override_decide(
    *, acting_user: Any, override: Override, approve: bool, note: str = ""
) -> Override:
    """A supervisor approves or rejects a pending lowering; the child is re-screened."""
    current = Override.objects.select_for_update().select_related("child").get(pk=override.pk)
    if not can_approve(acting_user, current):
        raise PermissionDenied("Only a supervisor other than the proposer can decide this.")
    if current.status != Override.Status.PENDING:
        raise ValidationError({"decision": "This judgement is no longer waiting for approval"})
    if not approve and not note.strip():
        raise ValidationError({"note": "Enter why the lowering is not approved"})
    current.status = Override.Status.APPROVED if approve else Override.Status.REJECTED
    current.decided_by = acting_user
    current.decided_at = timezone.now()
    current.decision_note = note.strip()
    current.save()
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="override",
        object_id=current.pk,
        detail={"status": current.status},
    )
    verb = "approved" if approve else "not approved"
    _rescreen(current.child, acting_user, f"Lowering {verb} by a supervisor")
    return current


@transaction.atomic
def override_withdraw(*, acting_user: Any, child: Person, reason: str) -> None:
    """End the child's professional judgement; the rule result stands again."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, child)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the judgement is being withdrawn"})
    live = active_override(child)
    if live is None:
        raise ValidationError({"reason": "There is no professional judgement to withdraw"})
    _supersede_live_overrides(child)
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="override",
        object_id=live.pk,
        detail={"status": Override.Status.SUPERSEDED, "withdrawn": True},
    )
    _rescreen(child, acting_user, f"Professional judgement withdrawn: {reason.strip()}")


# --- What to do next --------------------------------------------------------------------------


@transaction.atomic
def advice_action_set(
    *, acting_user: Any, child: Person, advice_id: str, status: str, note: str = ""
) -> AdviceAction:
    """Mark a suggested action done, not needed (with a reason), referred, or back to do."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, child)
    known = {row.id for row in core.load_screening_policy().advice}
    errors: dict[str, str] = {}
    if advice_id not in known:
        errors["advice_id"] = "This is not one of the suggested actions"
    if status not in AdviceAction.Status.values:
        errors["status"] = "Select what happened"
    elif status == AdviceAction.Status.NOT_NEEDED and not note.strip():
        errors["note"] = "Enter why this action is not needed"
    if errors:
        raise ValidationError(errors)
    row, created = AdviceAction.objects.select_for_update().get_or_create(
        child=child,
        advice_id=advice_id,
        defaults={"status": status, "note": note.strip(), "updated_by": acting_user},
    )
    if not created:
        row.status = status
        row.note = note.strip()
        row.updated_by = acting_user
        row.version += 1
        row.save()
    audit_log(
        acting_user=acting_user,
        action=Action.COLLECTION if created else Action.ALTERATION,
        object_type="adviceaction",
        object_id=row.pk,
        detail={"child": child.pk, "advice_id": advice_id, "status": status},
    )
    return row


@transaction.atomic
def screening_tasks_close(
    *, acting_user: Any, child: Person, status: str, note: str = ""
) -> list[ScreeningTask]:
    """Close the child's open "consider screening" tasks: screened, or not needed (say why)."""
    _require_case_worker(acting_user)
    _require_can_see(acting_user, child)
    if status not in (ScreeningTask.Status.DONE, ScreeningTask.Status.NOT_NEEDED):
        raise ValidationError({"status": "Select what happened"})
    if status == ScreeningTask.Status.NOT_NEEDED and not note.strip():
        raise ValidationError({"note": "Enter why screening is not needed"})
    tasks = list(
        ScreeningTask.objects.select_for_update().filter(
            child=child, status=ScreeningTask.Status.OPEN
        )
    )
    if not tasks:
        raise ValidationError({"status": "There is no open task to close"})
    for task in tasks:
        task.status = status
        task.note = note.strip()
        task.closed_by = acting_user
        task.closed_at = timezone.now()
        task.save()
    audit_log_many(
        acting_user=acting_user,
        action=Action.ALTERATION,
        objects=[("screeningtask", task.pk) for task in tasks],
        detail={"status": status, "child": child.pk},
    )
    return tasks


# --- Disclosures ------------------------------------------------------------------------------


def log_disclosure(
    *,
    acting_user: Any,
    objects: Iterable[tuple[str, object]],
    recipients: str,
    justification: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """A PDF or CSV leaving Vigil is a disclosure (DPA 2018 s62): who, what, to whom, why."""
    audit_log_many(
        acting_user=acting_user,
        action=Action.DISCLOSURE,
        objects=list(objects),
        recipients=recipients,
        justification=justification,
        detail=detail or {},
    )


def week_ago() -> datetime:
    return timezone.now() - timedelta(days=7)


def rescreen_all(*, reason: str = "Scheduled re-screen", workers: int = 1) -> tuple[int, int]:
    """Re-screen every child (for a nightly job: recency windows pass, review dates come,
    records other apps changed). Returns (children checked, screenings stored). Run by the
    system, so the audit entries carry no user.

    With `workers` > 1 the children are shared between that many processes (each with its
    own database connection; a child's screening is stored in its own short transaction, so
    they only wait for one another while writing)."""
    from dateutil.relativedelta import relativedelta

    oldest = today() - relativedelta(years=core.ADULT_AGE) - timedelta(days=1)
    ids = list(
        Person.objects.filter(date_of_birth__gte=oldest).order_by("pk").values_list("pk", flat=True)
    )
    if workers <= 1 or len(ids) < 2 * RESCREEN_CHUNK:
        return _rescreen_ids(ids, reason)
    import multiprocessing

    from django.db import connections

    connections.close_all()  # each process opens its own connection
    shares = [ids[i::workers] for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.starmap(_rescreen_ids, [(share, reason) for share in shares])
    return sum(checked for checked, _ in results), sum(stored for _, stored in results)


RESCREEN_CHUNK = 500


def _rescreen_ids(ids: Sequence[int], reason: str) -> tuple[int, int]:
    checked = stored = 0
    for start in range(0, len(ids), RESCREEN_CHUNK):
        for child in Person.objects.filter(pk__in=ids[start : start + RESCREEN_CHUNK]):
            try:
                computed = compute_screening(child)
            except ScreeningRefused:
                continue
            checked += 1
            with transaction.atomic():
                stored += store_if_changed(child, computed, acting_user=None, trigger=reason)
    return checked, stored
