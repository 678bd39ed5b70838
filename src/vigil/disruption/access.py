"""Who may use the disruption tools, built on the one permission layer
(`vigil.accounts.access`): police case workers issue and record; any case worker sees what
need-to-know allows; hotel operators see only notices served on their own premises and never a
case record (their role is outside CASE_ROLES, so `can_see_record` is always false for them)."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet

from vigil.accounts.access import can_change_record, can_see_record, works_with_cases
from vigil.accounts.models import AgencyKind, Role

__all__ = [
    "can_change_record",
    "can_see_record",
    "is_hotel_operator",
    "is_police_case_worker",
    "operator_can_see_notice",
    "operator_notices",
    "works_with_cases",
]


@rules.predicate
def is_police_case_worker(user: Any) -> bool:
    """CAWNs, order applications, police protection and hotel notices are police powers."""
    return bool(works_with_cases(user) and user.agency.kind == AgencyKind.POLICE)


@rules.predicate
def is_hotel_operator(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.HOTEL_OPERATOR
    )


def operator_premises_ids(user: Any) -> list[int]:
    from vigil.disruption.models import PremisesOperatorAccess

    if not is_hotel_operator(user):
        return []
    return list(
        PremisesOperatorAccess.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "premises_id", flat=True
        )
    )


def operator_notices(user: Any) -> QuerySet[Any]:
    """Notices an operator may see: issued (never drafts) to premises they act for."""
    from vigil.disruption.models import HotelInformationNotice, NoticeStage

    return HotelInformationNotice.objects.filter(
        premises_id__in=operator_premises_ids(user)
    ).exclude(stage=NoticeStage.DRAFT)


@rules.predicate
def operator_can_see_notice(user: Any, notice: Any) -> bool:
    if notice is None or notice.stage == "draft":
        return False
    return notice.premises_id in operator_premises_ids(user)


rules.add_perm("disruption.issue", is_police_case_worker)
rules.add_perm("disruption.operator_view_notice", operator_can_see_notice)
