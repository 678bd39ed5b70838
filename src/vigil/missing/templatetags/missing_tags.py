"""Tags for missing-episode screens: the risk level and interview state as GOV.UK tags."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from vigil.core.missing import RHI_STATUSES, RhiState, describe_duration, missing_policy

register = template.Library()

_RISK_COLOUR = {0: "grey", 1: "blue", 2: "orange", 3: "red"}
_STATE = {
    "overdue": ("Overdue", "red"),
    "due_soon": ("Due within a day", "orange"),
    "due": ("Due", "yellow"),
    "completed": ("Completed", "green"),
    "declined": ("Declined", "grey"),
    "not_possible": ("Not possible", "grey"),
    "offered": ("Offered", "blue"),
}


@register.filter
def risk_tag(code: str) -> SafeString:
    try:
        level = missing_policy().risk_level(code)
    except KeyError:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', code)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} vigil-risk vigil-risk--{}">{}</strong>',
        _RISK_COLOUR.get(level.rank, "grey"),
        level.code,
        level.label,
    )


@register.filter
def rhi_tag(state: RhiState | None) -> SafeString:
    if state is None:
        return format_html('<span class="vigil-muted">{}</span>', "Not yet due (still missing)")
    label, colour = _STATE.get(state.state, (dict(RHI_STATUSES).get(state.state, ""), "grey"))
    return format_html(
        '<strong class="govuk-tag govuk-tag--{} vigil-rhi vigil-rhi--{}">{}</strong>',
        colour,
        state.state,
        label,
    )


@register.filter
def hours_left(state: RhiState | None) -> str:
    """'in 5 hours', '3 hours overdue' for an open interview."""
    if state is None or state.hours_left is None:
        return ""
    span = describe_duration(abs(state.hours_left))
    return f"{span} overdue" if state.hours_left < 0 else f"in {span}"
