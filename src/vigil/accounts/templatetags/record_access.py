"""`{% record_access_summary kind record %}`: who can see a record and, for its owning agency,
the way to share it with a partner agency or restrict it, on any record's page (person,
object, location, event). The links are offered through the one permission layer; the pages
behind them check again."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.accounts.access import (
    active_restriction,
    active_sharing,
    can_restrict_record,
    can_share_record,
)

register = template.Library()


def access_summary(user: Any, kind: str, record: Any) -> dict[str, Any]:
    """What `accounts/_access_summary.html` shows about `record` to `user`."""
    restriction = active_restriction(record)
    return {
        "kind": kind,
        "record": record,
        "restriction": restriction,
        "shared_with": [str(decision.agency) for decision in active_sharing(record)],
        "may_share": restriction is None and bool(can_share_record(user, record)),
        "may_restrict": restriction is None and bool(can_restrict_record(user, record)),
    }


@register.inclusion_tag("accounts/_access_summary.html", takes_context=True)
def record_access_summary(context: template.Context, kind: str, record: Any) -> dict[str, Any]:
    return access_summary(context["request"].user, kind, record)
