"""Template helpers for screening pages."""

from __future__ import annotations

from django import template

register = template.Library()

# GOV.UK tag colours by rank: grey for "no indicators recorded" (an absence of information,
# never reassurance), then yellow, orange, red.
_TAG = {0: "govuk-tag--grey", 1: "govuk-tag--yellow", 2: "govuk-tag--orange", 3: "govuk-tag--red"}
_STATUS = {
    "to_do": "govuk-tag--grey",
    "done": "govuk-tag--green",
    "not_needed": "govuk-tag--blue",
    "referred": "govuk-tag--purple",
    "open": "govuk-tag--grey",
    "pending": "govuk-tag--yellow",
}


@register.filter
def level_tag(rank: int | None) -> str:
    return _TAG.get(rank if rank is not None else 0, "govuk-tag--red")


@register.filter
def status_tag(status: str) -> str:
    return _STATUS.get(status, "govuk-tag--grey")


@register.filter
def at(values: list[object], index: int) -> object:
    return values[index]
