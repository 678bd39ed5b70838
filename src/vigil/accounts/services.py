"""Every write about access: sharing decisions, restrictions, second factors and sessions.
Each takes `acting_user`, checks the one permission layer, and writes its audit entry in the
same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts.access import (
    active_restriction,
    active_sharing,
    can_lift_restriction,
    can_restrict_record,
    can_share_record,
    record_label,
)
from vigil.accounts.models import Agency, AgencyKind, RecordRestriction, SharingDecision, Team, User
from vigil.audit.models import Action
from vigil.audit.services import audit_log
from vigil.core.policy import load_policy


def lawful_bases() -> dict[str, str]:
    return {
        basis["code"]: basis["label"]
        for basis in load_policy("information_sharing")["lawful_bases"]
    }


def handling_conditions(record: Any) -> str | None:
    """The conditions of a handling-code C intelligence report (APP Intelligence management,
    3x5x2), or None when the record carries none."""
    report = getattr(record, "intelligence", None) if hasattr(record, "event_type") else None
    if report is None and record_label(record) == "people.intelligencereport":
        report = record
    if report is not None and report.handling_code == "C":
        return report.handling_conditions or "Conditions apply (not stated)"
    return None


def _object_type(record: Any) -> str:
    return str(record._meta.model_name)


@transaction.atomic
def share_record(
    *,
    acting_user: Any,
    record: Any,
    agency: Agency,
    lawful_basis: str,
    scope: str,
    within_conditions: bool = False,
) -> SharingDecision:
    """Record a decision to share `record` with `agency` (a disclosure under DPA 2018 s62)."""
    if not can_share_record(acting_user, record):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if agency.pk == record.owning_agency_id:
        errors["agency"] = "Choose another agency: this agency owns the record"
    elif agency.kind == AgencyKind.PREMISES_OPERATOR:
        # Hotel and premises operators see only their own notices and returns, never case records.
        errors["agency"] = "Case records are never shared with a hotel or premises operator"
    elif active_sharing(record).filter(agency=agency).exists():
        errors["agency"] = f"This record is already shared with {agency}"
    if lawful_basis not in lawful_bases():
        errors["lawful_basis"] = "Select the lawful basis for sharing"
    if not scope.strip():
        errors["scope"] = "Enter what you are sharing and why they need it"
    if active_restriction(record) is not None or getattr(record, "access_level", "") != "standard":
        errors["__all__"] = (
            "This record is restricted: it cannot be shared until the restriction is lifted"
        )
    conditions = handling_conditions(record)
    if conditions is not None and not within_conditions:
        # Handling code C: dissemination only within the stated conditions.
        errors["within_conditions"] = (
            "Confirm that sharing with this agency is within the handling conditions"
        )
    if errors:
        raise ValidationError(errors)
    decision = SharingDecision(
        record_type=record_label(record),
        record_id=record.pk,
        agency=agency,
        lawful_basis=lawful_basis,
        scope=scope.strip(),
        conditions=conditions or "",
        decided_by=acting_user,
        decided_at=timezone.now(),
    )
    decision.full_clean()
    decision.save()
    audit_log(
        acting_user=acting_user,
        action=Action.DISCLOSURE,
        object_type=_object_type(record),
        object_id=record.pk,
        justification=f"{lawful_bases()[lawful_basis]}. {decision.scope}",
        recipients=str(agency),
        detail={"sharing_decision": decision.pk, "lawful_basis": lawful_basis},
    )
    return decision


@transaction.atomic
def withdraw_sharing(*, acting_user: Any, decision: SharingDecision, reason: str) -> None:
    record = decision_record(decision)
    if record is None or not can_share_record(acting_user, record):
        raise PermissionDenied
    if decision.withdrawn_at is not None:
        raise ValidationError("This sharing decision was already withdrawn")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the sharing is being withdrawn"})
    decision.withdrawn_at = timezone.now()
    decision.withdrawn_by = acting_user
    decision.withdrawal_reason = reason.strip()
    decision.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type=_object_type(record),
        object_id=record.pk,
        justification=decision.withdrawal_reason,
        recipients=str(decision.agency),
        detail={"sharing_withdrawn": decision.pk},
    )


def decision_record(decision: SharingDecision | RecordRestriction) -> Any:
    from django.apps import apps

    model = apps.get_model(decision.record_type)
    return model._default_manager.filter(pk=decision.record_id).first()


@transaction.atomic
def restrict_record(
    *,
    acting_user: Any,
    record: Any,
    reason: str,
    users: Iterable[User] = (),
    teams: Iterable[Team] = (),
) -> RecordRestriction:
    """Restrict `record` to the named people and teams (the person restricting it always
    stays named, so a record is never left with nobody able to see it)."""
    if not can_restrict_record(acting_user, record):
        raise PermissionDenied
    if active_restriction(record) is not None:
        raise ValidationError("This record is already restricted")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this record must be restricted"})
    named = {acting_user.pk: acting_user, **{user.pk: user for user in users}}
    return _restrict(acting_user, record, reason.strip(), list(named.values()), list(teams))


def _restrict(
    acting_user: Any, record: Any, reason: str, users: list[User], teams: list[Team]
) -> RecordRestriction:
    """Store and audit an active restriction of `record` to `users` and `teams`."""
    restriction = RecordRestriction.objects.create(
        record_type=record_label(record),
        record_id=record.pk,
        reason=reason,
        restricted_by=acting_user,
        restricted_at=timezone.now(),
    )
    restriction.users.set(users)
    restriction.teams.set(teams)
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type=_object_type(record),
        object_id=record.pk,
        justification=reason,
        detail={
            "restricted_to": sorted(user.get_username() for user in users),
            "teams": sorted(str(team) for team in teams),
        },
    )
    return restriction


def restricted_ids(records: Iterable[Any]) -> set[int]:
    """The ids of those `records` (all of one model) under an active restriction: one query."""
    records = list(records)
    if not records:
        return set()
    return set(
        RecordRestriction.objects.filter(
            record_type=record_label(records[0]),
            record_id__in=[record.pk for record in records],
            lifted_at=None,
        ).values_list("record_id", flat=True)
    )


@transaction.atomic
def carry_restriction(*, acting_user: Any, source: Any, records: Iterable[Any]) -> None:
    """Records written about a restricted record (an episode or an event on a restricted
    child's timeline) are restricted to the same people and teams, so they do not tell anyone
    else what the source's restriction hides. Nothing happens for an unrestricted source."""
    restriction = active_restriction(source)
    if restriction is None:
        return
    users, teams = list(restriction.users.all()), list(restriction.teams.all())
    reason = f"Follows the restriction on {record_label(source)} {source.pk}: {restriction.reason}"
    for record in records:
        if active_restriction(record) is None:
            _restrict(acting_user, record, reason, users, teams)


@transaction.atomic
def lift_restriction(*, acting_user: Any, record: Any, reason: str) -> None:
    if not can_lift_restriction(acting_user, record):
        raise PermissionDenied
    restriction = active_restriction(record)
    if restriction is None:
        raise ValidationError("This record is not restricted")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the restriction is being lifted"})
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = acting_user
    restriction.save(update_fields=["lifted_at", "lifted_by"])
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type=_object_type(record),
        object_id=record.pk,
        justification=reason.strip(),
        detail={"restriction_lifted": restriction.pk},
    )


# --- Sign-in -----------------------------------------------------------------------------------


def totp_device_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing any unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the new authenticator with a code from it; the user's older ones are removed."""
    if device.user_id != user.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_log(
        acting_user=user,
        action=Action.ALTERATION,
        object_type="user",
        object_id=user.pk,
        detail={"second_factor": "enrolled"},
    )
    return True


@transaction.atomic
def sign_out_everywhere(*, acting_user: Any, user: User) -> None:
    """End every session of `user` at once (lost device, suspected misuse, leaving post)."""
    if acting_user.pk != user.pk and not acting_user.is_superuser:
        raise PermissionDenied
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="user",
        object_id=user.pk,
        detail={"sessions": "signed out everywhere"},
    )
