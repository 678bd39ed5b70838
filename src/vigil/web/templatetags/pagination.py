"""The one pagination for long lists: `{% pagination page noun="children" %}` draws GOV.UK
pagination (previous and next links, numbered pages with ellipses, `aria-current` on this page)
and "Showing 1 to 50 of 1,234 children" under a list, keeping the list's filters in every link.
`page` is a Django `Page` (see vigil.web.pagination)."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.humanize.templatetags import humanize
from django.core.paginator import Page
from django.http import QueryDict
from django.template import Context

from vigil.web.pagination import page_items

register = template.Library()


def _href(query: QueryDict, param: str, number: int) -> str:
    """The current query string (the list's filters) with the page set to `number`."""
    query = query.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@register.inclusion_tag("web/_pagination.html", takes_context=True)
def pagination(
    context: Context,
    page: Page[Any],
    noun: str = "results",
    previous_label: str = "Previous",
    next_label: str = "Next",
    link_suffix: str = " page",
    param: str = "page",
    more_than: bool = False,
) -> dict[str, Any]:
    """`previous_label`/`next_label` name the links where "Previous"/"Next" would mislead (a
    newest-first log: "Newer"/"Older"); `link_suffix` is read out after them by screen readers
    only (GOV.UK: "Previous<span class="govuk-visually-hidden"> page</span>"). `more_than` says
    the list was counted only so far ("of more than 200 people")."""
    query = context["request"].GET
    items = [
        {"number": n, "href": _href(query, param, n), "current": n == page.number}
        if n is not None
        else None
        for n in page_items(page)
    ]
    return {
        "page": page,
        "noun": noun,
        "total": ("more than " if more_than else "") + intcomma(page.paginator.count),
        "previous": page.has_previous() and _href(query, param, page.previous_page_number()),
        "next": page.has_next() and _href(query, param, page.next_page_number()),
        "previous_label": previous_label,
        "next_label": next_label,
        "link_suffix": link_suffix,
        "items": items,
    }


@register.filter
def intcomma(value: int) -> str:
    """1234 -> '1,234' (GOV.UK style for counts): django.contrib.humanize's own filter, without
    installing the whole app for it."""
    return str(humanize.intcomma(value))
