"""A person's Network page: the chart's container (data from the API, no inline script), the
tables that list the same network, filters, the path between two people, and access."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.networks.conftest import ADULT_BORN

pytestmark = pytest.mark.django_db


def test_the_page_draws_from_the_api_and_lists_the_same_network(client, planted, investigator):
    client.force_login(investigator)
    response = client.get(reverse("person_network", args=[planted["child"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    api = reverse("api_network_neighbourhood", args=["person", planted["child"].pk])
    assert f'data-api="{api}"' in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style
    assert 'src="/static/vendor/cytoscape/cytoscape.min.js"' in html
    assert 'src="/static/networks/network-chart.mjs"' in html
    people = re.search(r'<table class="govuk-table" id="network-people">.*?</table>', html, re.S)
    assert people and "Sam Suspect" in people.group() and "Alex Suspect" in people.group()
    assert "Bob Bystander" not in html
    assert "Possible group-based CSE (group 1)" in html
    assert "AB12 CDE" in html and "Station Hotel" in html


def test_filters_narrow_the_network_and_bad_dates_are_named(client, planted, investigator):
    client.force_login(investigator)
    url = reverse("person_network", args=[planted["child"].pk])
    found_only = client.get(url, {"kind": "found_at"}).content.decode()
    assert "that match the filters" in found_only
    assert "found_at" in found_only  # the API URL carries the same filters
    bad = client.get(
        url,
        {
            "start_0": "1",
            "start_1": "5",
            "start_2": "2024",
            "end_0": "1",
            "end_1": "1",
            "end_2": "2024",
        },
    )
    html = bad.content.decode()
    assert "There is a problem" in html
    assert "Active until must be the same as or after active from" in html
    impossible = client.get(url, {"start_0": "31", "start_1": "2", "start_2": "2024"})
    assert "Active from must be a real date" in impossible.content.decode()


def test_the_path_to_another_person_with_the_evidence(client, planted, investigator):
    client.force_login(investigator)
    url = reverse("person_network", args=[planted["child"].pk])
    html = client.get(url, {"path_to": planted["second"].pk}).content.decode()
    path = re.search(
        r'<ol class="govuk-list govuk-list--number" id="network-path">.*?</ol>', html, re.S
    )
    assert path and "Alex Suspect" in path.group()
    assert "Child found at hotel with two men" in path.group()
    assert f'data-path="person:{planted["child"].pk} person:{planted["second"].pk}"' in html
    wrong = client.get(url, {"path_to": planted["bystander"].pk}).content.decode()
    assert "Choose a person from this network" in wrong


def test_the_path_between_two_other_people_and_keyboard_actions(client, planted, investigator):
    """Both ends can be chosen; every record in the tables carries the chart's actions
    (select, show connections) and people a path link, for keyboard users."""
    client.force_login(investigator)
    first, second = planted["first"], planted["second"]
    url = reverse("person_network", args=[planted["child"].pk])
    html = client.get(url, {"path_from": first.pk, "path_to": second.pk}).content.decode()
    path = re.search(
        r'<ol class="govuk-list govuk-list--number" id="network-path">.*?</ol>', html, re.S
    )
    assert path and "Sam Suspect" in path.group() and "Alex Suspect" in path.group()
    assert f'data-path="person:{first.pk} person:{second.pk}"' in html
    same = client.get(url, {"path_from": first.pk, "path_to": first.pk}).content.decode()
    assert "Choose two different people" in same
    for record in ("person", "object", "location"):
        node = {"person": second, "object": planted["car"], "location": planted["hotel"]}[record]
        assert f'data-network-action="expand" data-node="{record}:{node.pk}"' in html
        assert f'data-network-action="select" data-node="{record}:{node.pk}"' in html
    assert f"path_to={second.pk}#path-heading" in html


def test_access_follows_the_person_record(client, planted, investigator, partner, outsider):
    hidden = PersonFactory(
        acting_user=investigator, date_of_birth=ADULT_BORN, access_level="restricted"
    )
    for user in (partner, outsider):
        client.force_login(user)
        assert client.get(reverse("person_network", args=[planted["child"].pk])).status_code == 404
    client.force_login(investigator)
    assert client.get(reverse("person_network", args=[hidden.pk])).status_code == 200


def test_a_busy_place_is_drawn_but_not_followed(client, planted, investigator):
    """A hotel where many people have stayed is in the child's network, but its other guests
    are not pulled into the child's picture (a force's busy hotel has thousands)."""
    from vigil.networks.selectors import NETWORK_HUB_LIMIT, local_graph
    from vigil.people.services import NewLink, links_create_many, people_create_many

    guests = people_create_many(
        acting_user=investigator,
        people=[
            {"given_names": f"Guest{i}", "family_name": "Traveller", "date_of_birth": ADULT_BORN}
            for i in range(NETWORK_HUB_LIMIT + 1)
        ],
        detail={"test": "busy hotel"},
    )
    links_create_many(
        acting_user=investigator,
        links=[NewLink("stayed_at", guest, planted["hotel"], "Hotel register") for guest in guests],
        detail={"test": "busy hotel"},
    )
    child, hotel = planted["child"], planted["hotel"]
    graph = local_graph(investigator, f"person:{child.pk}", hops=2)
    assert f"location:{hotel.pk}" in graph.nodes
    assert f"location:{hotel.pk}" in graph.unexpanded
    assert not any(f"person:{guest.pk}" in graph.nodes for guest in guests)
    assert f"person:{planted['first'].pk}" in graph.nodes  # met at the hotel: still drawn
    everything = local_graph(investigator, f"person:{child.pk}", hops=2, hub_limit=None)
    assert all(f"person:{guest.pk}" in everything.nodes for guest in guests)

    client.force_login(investigator)
    for page in (
        reverse("person_network", args=[child.pk]),
        reverse("person_detail", args=[child.pk]),
    ):
        html = client.get(page).content.decode()
        assert "Not followed further, as each is linked to many records" in html
        assert "Guest1 Traveller" not in html
