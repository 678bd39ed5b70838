"""Need-to-know: the one place that decides who may see and change case records.

Views, the API, search, exports and admin all ask here, through the `rules` predicates below
(object checks) or `visible_records` (querysets), which express the same policy.
"""

from __future__ import annotations

from typing import Any, TypeVar

import rules
from django.db.models import Model, Q, QuerySet

from vigil.accounts.models import AgencyKind, Role

M = TypeVar("M", bound=Model)

# Roles that work with case content. Auditors read the audit, administrators manage users and
# hotel operators see only their own notices: none of them sees case records by default.
CASE_ROLES = frozenset(
    {
        Role.CSE_INVESTIGATOR,
        Role.INTELLIGENCE_ANALYST,
        Role.SUPERVISOR,
        Role.MASH_PRACTITIONER,
        Role.PARTNER_PRACTITIONER,
    }
)


def _works_with_cases(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role in CASE_ROLES
        and user.agency_id
    )


def _is_police(user: Any) -> bool:
    return user.agency.kind == AgencyKind.POLICE


def visibility_q(user: Any, prefix: str = "") -> Q:
    """A filter selecting the case records `user` may see. `prefix` reaches a related record
    (e.g. 'event__')."""
    if not _works_with_cases(user):
        return Q(pk__in=[])
    own = Q(**{f"{prefix}owning_agency_id": user.agency_id})
    if _is_police(user):
        standard = Q(**{f"{prefix}access_level": "standard"})
        return standard | own
    # Partners see their own agency's records; sharing decisions widen this (access issue).
    return own


def visible_records(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset.filter(visibility_q(user))


@rules.predicate
def works_with_cases(user: Any) -> bool:
    return _works_with_cases(user)


@rules.predicate
def can_see_record(user: Any, record: Any) -> bool:
    if not _works_with_cases(user) or record is None:
        return False
    if record.owning_agency_id == user.agency_id:
        return True
    return _is_police(user) and record.access_level == "standard"


@rules.predicate
def can_change_record(user: Any, record: Any) -> bool:
    # Need-to-know for change equals need-to-know for sight until sharing scopes arrive.
    return bool(can_see_record(user, record))


rules.add_perm("people.view_record", can_see_record)
rules.add_perm("people.change_record", can_change_record)
rules.add_perm("people.add_record", works_with_cases)
