"""Tags for missing-episode screens: the risk level and interview state as GOV.UK tags."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import Context
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


# --- Pages of a list (GOV.UK pagination) ------------------------------------------------------


@register.simple_tag(takes_context=True)
def page_query(context: Context, number: int) -> str:
    """The current query string (the list's filters) with `page` set to `number`."""
    query = context["request"].GET.copy()
    query["page"] = str(number)
    return str(query.urlencode())


@register.filter
def page_items(page: Any) -> list[int | None]:
    """The page numbers to offer: the first, the last and those around the current page, with
    None where a run is left out (shown as an ellipsis)."""
    wanted = {1, page.num_pages, page.number - 1, page.number, page.number + 1}
    items: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= page.num_pages):
        if items and items[-1] is not None and number - items[-1] > 1:
            items.append(None)
        items.append(number)
    return items


@register.filter
def thousands(value: int) -> str:
    """1234 -> '1,234' (GOV.UK style for counts)."""
    return f"{value:,}"
