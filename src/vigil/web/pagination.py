"""One page of a long list, for the one pagination partial (templates/web/_pagination.html,
drawn by `{% pagination page %}` from templatetags/pagination.py).

A page is Django's own `Page`: lists are counted and sliced by Django's `Paginator` (in the
database for a queryset). What is new here is only that a page's rows can be built from the
slice, so that a list reads and audits the rows it shows and nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.core.paginator import Page, Paginator

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

T = TypeVar("T")
R = TypeVar("R")

# As given in ?page=: anything that is not a page number means the first page, one past the end
# the last (Django's Paginator.get_page).
PageNumber = int | str | None


def paginate(
    items: _SupportsPagination[T],
    number: PageNumber,
    per_page: int,
    build: Callable[[list[T]], list[R]],
) -> Page[R]:
    """Page `number` of `items` (a queryset, counted and sliced in the database, or a list), its
    rows made from the slice by `build`."""
    page = Paginator(items, per_page).get_page(number)
    # The paginator counted `items`; the page holds the rows built from its slice of them.
    paginator = cast("Paginator[R]", page.paginator)
    return Page(build(list(page.object_list)), page.number, paginator)


def page_items(page: Page[Any]) -> list[int | None]:
    """The page numbers to offer as links: the first, the last and those either side of the
    current page, None where a run of pages is left out (GOV.UK: "1 … 6 [7] 8 … 42")."""
    paginator = page.paginator
    numbers = paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return [n if isinstance(n, int) else None for n in numbers]
