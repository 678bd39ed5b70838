"""An analyst opens a demo victim's network, sees the planted group and its flag, selects a
suspect on the chart and opens his record; then finds the same group in the Groups view."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from vigil.people.models import Person
from vigil.synthetic.demo_area import build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _signed_in(page: Any, live_server: Any, user: Any) -> None:
    """Sign in as `user` through a test client (sign-in itself has its own journey) and hand
    the session to the browser."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _click_node(page: Any, node_id: str) -> None:
    """Click a node where Cytoscape drew it. Scroll first and let Cytoscape re-read where its
    container is (it caches that between scroll events, which a script's click outruns)."""
    chart = page.locator("#network-chart")
    chart.scroll_into_view_if_needed()
    position = page.evaluate(
        "(id) => { const cy = window.vigilNetworkChart; cy.resize();"
        " return cy.getElementById(id).renderedPosition(); }",
        node_id,
    )
    chart.click(position=position)


def test_victims_network_shows_the_group_and_opens_a_record(page: Any, live_server: Any) -> None:
    demo = build_demo_area()
    kayleigh = Person.objects.get(given_names="Kayleigh", family_name="Smith")
    lee = Person.objects.get(given_names="Lee", family_name="Marsh")
    _signed_in(page, live_server, demo["users"]["analyst"])

    page.goto(f"/people/{kayleigh.pk}/")
    panel = page.locator("#panel-network")
    expect(panel.get_by_text("Possible group-based CSE")).to_be_visible()
    panel.get_by_role("link", name="See Kayleigh Smith's network chart").click()

    expect(page.get_by_role("heading", name="Network of Kayleigh Smith")).to_be_visible()
    flag = page.locator(".vigil-group-flag")
    assert "associated suspects Jason Cole and Lee Marsh" in flag.inner_text()
    assert "Kayleigh Smith and Chloe Turner" in flag.inner_text()
    page.wait_for_selector("#network-chart[data-ready=true]")
    drawn = page.evaluate("() => window.vigilNetworkChart.nodes().map((n) => n.id())")
    assert f"person:{lee.pk}" in drawn

    _click_node(page, f"person:{lee.pk}")
    details = page.locator("#network-node-panel")
    details.get_by_role("heading", name="Lee Marsh").wait_for()
    assert "suspect" in details.locator("#network-node-what").inner_text()
    details.get_by_role("link", name="Open record").click()
    page.wait_for_url(f"**/people/{lee.pk}/")
    assert page.locator("#person-name").inner_text() == "Lee Marsh"


def test_expand_a_node_and_find_the_group_in_the_groups_view(page: Any, live_server: Any) -> None:
    demo = build_demo_area()
    tyler = Person.objects.get(given_names="Tyler", family_name="Smith")
    _signed_in(page, live_server, demo["users"]["analyst"])

    # Tyler's network to two links does not reach the phone Lee uses; expanding Lee does.
    page.goto(f"/people/{tyler.pk}/network/")
    page.wait_for_selector("#network-chart[data-ready=true]")
    lee = Person.objects.get(given_names="Lee", family_name="Marsh")
    before = page.evaluate("() => window.vigilNetworkChart.nodes().length")
    _click_node(page, f"person:{lee.pk}")
    page.get_by_role("button", name="Show its connections").click()
    page.wait_for_function(f"() => window.vigilNetworkChart.nodes().length > {before}")
    assert "more record" in page.locator("#network-node-status").inner_text()

    page.get_by_role("link", name="Networks").click()
    groups = page.locator("#network-groups")
    expect(groups.get_by_role("link", name="Lee Marsh")).to_be_visible()
    groups.get_by_role("link", name="Group 1").click()
    expect(page.get_by_role("heading", name="Group 1: possible group-based CSE")).to_be_visible()
    expect(
        page.locator("#group-summary").get_by_role("link", name="Kayleigh Smith")
    ).to_be_visible()


def test_the_chart_by_keyboard_filters_and_the_path_between_two_people(
    page: Any, live_server: Any
) -> None:
    """Everything the chart does can be done from the tables with a keyboard: select a record,
    show its connections, and find the path between two chosen people; filters redraw it."""
    demo = build_demo_area()
    tyler = Person.objects.get(given_names="Tyler", family_name="Smith")
    lee = Person.objects.get(given_names="Lee", family_name="Marsh")
    kayleigh = Person.objects.get(given_names="Kayleigh", family_name="Smith")
    _signed_in(page, live_server, demo["users"]["analyst"])

    page.goto(f"/people/{tyler.pk}/network/")
    page.wait_for_selector("#network-chart[data-ready=true]")
    chart_nodes = "() => window.vigilNetworkChart.nodes().length"
    before = page.evaluate(chart_nodes)

    people = page.locator("#network-people")
    people.get_by_role("button", name="Select Lee Marsh on the chart").focus()
    page.keyboard.press("Enter")
    title = page.locator("#network-node-title")
    expect(title).to_have_text("Lee Marsh")
    expect(title).to_be_focused()
    selected = page.evaluate("() => window.vigilNetworkChart.$('node:selected').id()")
    assert selected == f"person:{lee.pk}"
    page.keyboard.press("Tab")
    expect(page.locator("#network-node-open")).to_be_focused()

    people.get_by_role("button", name="Show connections of Lee Marsh").focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => window.vigilNetworkChart.nodes().length > {before}")
    added = page.locator("#network-added")
    expect(added.get_by_role("link").first).to_be_visible()
    expect(added.get_by_role("button").first).to_be_visible()

    # The path from Tyler to Lee, by keyboard from the table.
    people.get_by_role("link", name="Path from Tyler to Lee Marsh").focus()
    page.keyboard.press("Enter")
    path = page.locator("#network-path")
    expect(path.get_by_role("link", name="Lee Marsh").first).to_be_visible()
    page.wait_for_selector("#network-chart[data-ready=true]")
    on_path = page.evaluate("() => window.vigilNetworkChart.$('node.on-path').map((n) => n.id())")
    assert f"person:{lee.pk}" in on_path and f"person:{tyler.pk}" in on_path

    # The path between two other people chosen in the form.
    form = page.locator("#network-path-form")
    form.get_by_label("From").select_option(str(lee.pk))
    form.get_by_label("Show how they are connected to").select_option(str(kayleigh.pk))
    form.get_by_role("button", name="Show the path").click()
    expect(path).to_contain_text("Lee Marsh")
    expect(path).to_contain_text("Kayleigh Smith")

    # Links active only after 2099: only undated links (family) remain, so fewer nodes.
    page.goto(f"/people/{tyler.pk}/network/")
    page.wait_for_selector("#network-chart[data-ready=true]")
    page.locator("#network-filter-details summary").click()
    filters = page.locator("#network-filters")
    filters.locator("#id_start_0").fill("1")
    filters.locator("#id_start_1").fill("1")
    filters.locator("#id_start_2").fill("2099")
    filters.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#network-counts")).to_contain_text("that match the filters")
    page.wait_for_selector("#network-chart[data-ready=true]")
    assert page.evaluate(chart_nodes) < before
