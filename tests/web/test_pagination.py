"""The one pagination for long lists (web/_pagination.html, `{% pagination page %}`): GOV.UK
markup with numbered pages and ellipses, `aria-current` on this page, "Showing X to Y of Z",
links that keep the list's filters, and pages built on Django's Paginator."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory

from vigil.web.pagination import page_items, paginate

ITEM = re.compile(r'<li class="govuk-pagination__item([^"]*)">(.*?)</li>', re.S)


def render(page: Any, url: str = "/list", options: str = "") -> str:
    request = RequestFactory().get(url)
    template = Template("{% load pagination %}{% pagination page " + options + " %}")
    return template.render(Context({"page": page, "request": request}))


def items(html: str) -> list[str]:
    """The numbered items as read: '…' for an ellipsis, '[n]' for the current page."""
    out = []
    for css, body in ITEM.findall(html):
        if "ellipses" in css:
            out.append("…")
            continue
        number = re.search(r">(\d+)</a>", body)
        assert number, body
        current = "--current" in css
        assert current == ('aria-current="page"' in body)
        out.append(f"[{number[1]}]" if current else number[1])
    return out


def page_of_100(number: int) -> Any:
    return Paginator(range(1, 101), 10).get_page(number)


def test_the_first_page_offers_next_but_not_previous() -> None:
    html = render(page_of_100(1))
    assert items(html) == ["[1]", "2", "…", "10"]
    assert 'rel="prev"' not in html
    assert 'href="?page=2" rel="next"' in html
    assert 'Next<span class="govuk-visually-hidden"> page</span>' in html
    assert 'id="list-count">Showing <b>1</b> to <b>10</b> of <b>100</b> results</p>' in html
    assert '<nav class="govuk-pagination vigil-no-print" aria-label="Pages of results">' in html


def test_a_middle_page_elides_on_both_sides() -> None:
    html = render(page_of_100(5))
    assert items(html) == ["1", "…", "4", "[5]", "6", "…", "10"]
    assert 'href="?page=4" rel="prev"' in html and 'href="?page=6" rel="next"' in html
    assert 'aria-label="Page 5" aria-current="page"' in html
    assert "Showing <b>41</b> to <b>50</b> of <b>100</b>" in html


def test_the_last_page_offers_previous_but_not_next() -> None:
    html = render(page_of_100(10))
    assert items(html) == ["1", "…", "9", "[10]"]
    assert 'href="?page=9" rel="prev"' in html and 'rel="next"' not in html
    assert "Showing <b>91</b> to <b>100</b> of <b>100</b>" in html


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # An ellipsis never stands for a single page: 1 2 3 [4] 5 rather than 1 … 3 [4] 5.
        (3, ["1", "2", "[3]", "4", "…", "10"]),
        (4, ["1", "2", "3", "[4]", "5", "…", "10"]),
        (6, ["1", "…", "5", "[6]", "7", "…", "10"]),
        (7, ["1", "…", "6", "[7]", "8", "9", "10"]),
    ],
)
def test_ellipses_near_the_ends(number: int, expected: list[str]) -> None:
    assert items(render(page_of_100(number))) == expected


def test_a_few_pages_are_all_numbered() -> None:
    page = Paginator(range(40), 10).get_page(2)
    assert page_items(page) == [1, 2, 3, 4]
    assert items(render(page)) == ["1", "[2]", "3", "4"]


def test_the_links_keep_the_lists_filters() -> None:
    html = render(page_of_100(3), "/list?show=open&area=North+East&level=1&level=2&page=3")
    assert 'href="?show=open&amp;area=North+East&amp;level=1&amp;level=2&amp;page=4"' in html
    assert 'href="?show=open&amp;area=North+East&amp;level=1&amp;level=2&amp;page=2"' in html
    # Another parameter can carry the page number (two lists on one page).
    other = render(page_of_100(3), "/list?q=smith", 'param="p"')
    assert 'href="?q=smith&amp;p=4" rel="next"' in other


def test_labels_and_noun_can_be_named_for_the_list() -> None:
    html = render(
        page_of_100(2),
        options='noun="entries" previous_label="Newer" next_label="Older" link_suffix=" entries"',
    )
    assert 'rel="prev"><svg' in html
    assert 'Newer<span class="govuk-visually-hidden"> entries</span>' in html
    assert 'Older<span class="govuk-visually-hidden"> entries</span>' in html
    assert 'aria-label="Pages of entries"' in html and "of <b>100</b> entries" in html


def test_one_page_shows_the_count_without_links_and_an_empty_list_shows_nothing() -> None:
    one = render(Paginator(range(3), 10).get_page(1))
    assert "Showing <b>1</b> to <b>3</b> of <b>3</b> results" in one
    assert "govuk-pagination" not in one
    assert render(Paginator([], 10).get_page(1)).strip() == ""


def test_counts_are_grouped_in_thousands() -> None:
    html = render(Paginator(range(1_234_567), 50).get_page(2))
    assert "Showing <b>51</b> to <b>100</b> of <b>1,234,567</b>" in html
    assert Template("{% load pagination %}{{ n|intcomma }}").render(Context({"n": 12345})) == (
        "12,345"
    )


def test_paginate_builds_only_the_pages_rows() -> None:
    built: list[list[int]] = []

    def build(rows: list[int]) -> list[str]:
        built.append(rows)
        return [f"row {n}" for n in rows]

    page = paginate(list(range(1, 8)), "2", 3, build)
    assert list(page) == ["row 4", "row 5", "row 6"] and built == [[4, 5, 6]]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (2, 7, 3)
    assert (page.start_index(), page.end_index(), page.has_next()) == (4, 6, True)
    # Django's get_page: not a number gives the first page, past the end the last.
    assert list(paginate(list(range(1, 8)), "x", 3, build)) == ["row 1", "row 2", "row 3"]
    assert list(paginate(list(range(1, 8)), 99, 3, build)) == ["row 7"]
    assert items(render(paginate(list(range(1, 8)), 3, 3, build))) == ["1", "2", "[3]"]
