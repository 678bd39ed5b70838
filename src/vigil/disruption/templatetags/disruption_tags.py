"""Template helpers for the disruption screens."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from vigil.disruption.access import can_see_record
from vigil.disruption.models import HotelInformationNotice, ReturnTaskOutcome

register = template.Library()

_STATE_TAGS = {
    "on_time": "govuk-tag--green",
    "late": "govuk-tag--orange",
    "missing": "govuk-tag--red",
    "due": "govuk-tag--yellow",
    "upcoming": "govuk-tag--grey",
}


@register.simple_tag
def return_task_outcomes() -> list[tuple[str, str]]:
    """What an officer may record to close a follow-up task (a received return closes its own)."""
    return [
        (value, str(label))
        for value, label in ReturnTaskOutcome.choices
        if value != ReturnTaskOutcome.RETURN_RECEIVED
    ]


@register.filter
def cawn_status(cawn: Any, today: date) -> str:
    return str(cawn.status(today))


@register.filter
def state_tag(state: str) -> str:
    """The GOV.UK tag colour for a return's compliance state."""
    return _STATE_TAGS.get(state, "govuk-tag--grey")


@register.filter
def tool_title(record: Any, user: Any) -> str:
    """A tool as lists name it. A hotel notice names its premises only for a user who may see
    them (the notice can be visible when its premises are restricted)."""
    if isinstance(record, HotelInformationNotice) and not can_see_record(user, record.premises):
        return f"{record.code}: hotel information notice"
    return str(record)


@register.filter
def visible_to(record: Any, user: Any) -> bool:
    """Whether `user` may see a record a tool names besides its subject (need-to-know)."""
    return record is not None and bool(can_see_record(user, record))
