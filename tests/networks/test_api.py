"""The network API: a record's neighbourhood (the chart's data, and "expand"), the path between
two people, and the flagged groups; need-to-know, audit and the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.networks.conftest import ADULT_BORN
from vigil.audit.models import Action, AuditEntry

pytestmark = pytest.mark.django_db


def _url(kind: str, pk: int) -> str:
    return reverse("api_network_neighbourhood", args=[kind, pk])


def test_a_persons_network_for_the_chart(client, planted, investigator):
    client.force_login(investigator)
    response = client.get(_url("person", planted["child"].pk))
    assert response.status_code == 200
    data = response.json()
    child = f"person:{planted['child'].pk}"
    assert data["centre"] == child
    nodes = {node["id"]: node for node in data["nodes"]}
    assert nodes[child]["hops"] == 0 and nodes[child]["role"] == "at_risk"
    first = nodes[f"person:{planted['first'].pk}"]
    assert first == {
        "id": f"person:{planted['first'].pk}",
        "kind": "person",
        "role": "suspect",
        "label": "Sam Suspect",
        "url": f"/people/{planted['first'].pk}/",
        "expand": _url("person", planted["first"].pk),
        "hops": 1,
    }
    assert f"person:{planted['bystander'].pk}" not in nodes
    link = next(x for x in data["links"] if x["kind"] == "associate_of")
    assert link["grading"] == "recorded fact"
    assert link["first_seen"] == "2024-01-01"
    assert link["evidence"]["label"].startswith("Link:")
    assert len({x["id"] for x in data["links"]}) == len(data["links"])
    [group] = data["groups"]
    assert group["children"] == [child]
    assert set(group["suspects"]) == {
        f"person:{planted['first'].pk}",
        f"person:{planted['second'].pk}",
    }
    # every record shown is logged as consulted
    consulted = AuditEntry.objects.filter(action=Action.CONSULTATION, detail__via="network")
    assert consulted.filter(object_type="person", object_id=str(planted["first"].pk)).exists()


def test_expanding_an_object_returns_its_neighbourhood(client, planted, investigator):
    client.force_login(investigator)
    data = client.get(_url("object", planted["car"].pk), {"hops": 1}).json()
    ids = {node["id"] for node in data["nodes"]}
    assert ids == {
        f"object:{planted['car'].pk}",
        f"person:{planted['first'].pk}",
        f"person:{planted['second'].pk}",
        f"person:{planted['child'].pk}",
        f"location:{planted['hotel'].pk}",
    }


def test_filters_and_hops_are_validated_with_the_one_error_shape(client, planted, investigator):
    client.force_login(investigator)
    url = _url("person", planted["child"].pk)
    bad = client.get(url, {"hops": 9})
    assert bad.status_code == 400
    assert set(bad.json()) == {"detail", "errors"} and "hops" in bad.json()["errors"]
    backwards = client.get(
        url, {"start_0": 1, "start_1": 3, "start_2": 2024, "end_0": 1, "end_1": 1, "end_2": 2024}
    )
    assert backwards.status_code == 400
    assert "end" in backwards.json()["errors"]
    unknown = client.get(url, {"kind": "teleported_to"})
    assert unknown.status_code == 400 and "kind" in unknown.json()["errors"]
    only = client.get(url, {"kind": "found_at"}).json()
    assert {x["kind"] for x in only["links"]} == {"found_at"}
    assert client.get(_url("vehicle", planted["car"].pk)).status_code == 404


def test_path_between_two_people_with_evidence(client, planted, investigator):
    client.force_login(investigator)
    url = reverse("api_network_path", args=[planted["child"].pk])
    data = client.get(url, {"to": planted["second"].pk}).json()
    assert data["connected"] is True
    [hop] = data["hops"]
    assert hop["source"]["label"] == "Kayla Child" and hop["target"]["label"] == "Alex Suspect"
    assert hop["links"][0]["evidence"]["label"].endswith("Child found at hotel with two men")
    apart = client.get(url, {"to": planted["bystander"].pk}).json()
    assert apart == {
        "source": f"person:{planted['child'].pk}",
        "target": f"person:{planted['bystander'].pk}",
        "connected": False,
        "hops": [],
    }
    missing = client.get(url)
    assert missing.status_code == 400 and "to" in missing.json()["errors"]


def test_hidden_records_are_404_and_outsiders_see_nothing(
    client, planted, investigator, other_force_officer, outsider
):
    hidden = PersonFactory(
        acting_user=investigator, date_of_birth=ADULT_BORN, access_level="restricted"
    )
    client.force_login(other_force_officer)
    assert client.get(_url("person", hidden.pk)).status_code == 404
    path = reverse("api_network_path", args=[planted["child"].pk])
    assert client.get(path, {"to": hidden.pk}).status_code == 404
    client.force_login(outsider)
    assert client.get(_url("person", planted["child"].pk)).status_code == 404
    assert client.get(reverse("api_network_groups")).status_code == 403


def test_groups_api(client, planted, investigator):
    client.force_login(investigator)
    data = client.get(reverse("api_network_groups")).json()
    assert data["records_changed_since"] is False
    [group] = data["groups"]
    assert group["children"] == [f"person:{planted['child'].pk}"]
    assert group["url"] == reverse("network_group", args=[group["key"]])


def test_the_schema_documents_the_network_api(client, investigator: Any):
    client.force_login(investigator)
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    assert "/api/networks/{kind}/{id}/" in schema["paths"]
    assert "/api/networks/people/{id}/path/" in schema["paths"]
