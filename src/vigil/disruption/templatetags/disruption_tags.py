"""Template helpers for the disruption screens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from vigil.disruption.access import can_see_record

register = template.Library()

_STATE_TAGS = {
    "on_time": "govuk-tag--green",
    "late": "govuk-tag--orange",
    "missing": "govuk-tag--red",
    "due": "govuk-tag--yellow",
    "upcoming": "govuk-tag--grey",
}


@register.filter
def cawn_status(cawn: Any, today: date) -> str:
    return str(cawn.status(today))


@register.filter
def state_tag(state: str) -> str:
    """The GOV.UK tag colour for a return's compliance state."""
    return _STATE_TAGS.get(state, "govuk-tag--grey")


@register.filter
def visible_to(record: Any, user: Any) -> bool:
    """Whether `user` may see a record a tool names besides its subject (need-to-know)."""
    return record is not None and bool(can_see_record(user, record))
