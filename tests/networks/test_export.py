"""Exporting a flagged group as GraphML (i2, Gephi) or CSV is a disclosure: it is logged with
its recipients and justification, for each record in it."""

from __future__ import annotations

import csv
import io
from typing import Any

import igraph as ig
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import IntelligenceReportFactory
from vigil.audit.models import Action, AuditEntry
from vigil.networks import selectors, services

pytestmark = pytest.mark.django_db


def _group_key(user: Any) -> str:
    [group] = selectors.force_analysis(user).groups
    return group.key


def test_graphml_export_is_logged_as_a_disclosure_of_each_record(
    client, planted, investigator, tmp_path
):
    key = _group_key(investigator)
    client.force_login(investigator)
    response = client.post(
        reverse("network_group_export", args=[key]),
        {
            "file_format": "graphml",
            "recipients": "DC Jones, Operation Beacon",
            "justification": "Strategy meeting 12/03",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/graphml+xml"
    assert f'filename="vigil-group-{key}.graphml"' in response["Content-Disposition"]
    path = tmp_path / "group.graphml"
    path.write_bytes(response.content)
    graph = ig.Graph.Read_GraphML(str(path))
    assert "Kayla Child" in graph.vs["label"]
    assert f"person:{planted['child'].pk}" in graph.vs["name"]
    assert f"person:{planted['bystander'].pk}" not in graph.vs["name"]

    disclosed = AuditEntry.objects.filter(action=Action.DISCLOSURE)
    assert disclosed.filter(object_type="person", object_id=str(planted["child"].pk)).exists()
    assert disclosed.filter(object_type="poleobject", object_id=str(planted["car"].pk)).exists()
    assert disclosed.filter(object_type="event").exists()
    entry = disclosed.first()
    assert entry.recipients == "DC Jones, Operation Beacon"
    assert entry.justification == "Strategy meeting 12/03"
    assert entry.detail == {"via": "network group export", "group": key, "format": "graphml"}


def test_csv_export_lists_the_links_with_their_evidence(planted, investigator):
    key = _group_key(investigator)
    export = services.group_export(
        acting_user=investigator,
        key=key,
        file_format="csv",
        recipients="Analyst team",
        justification="Chart for the investigation",
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert len(rows) == export.links
    kinds = {row["link_type"] for row in rows}
    assert {"associate_of", "drives_vehicle", "seen_with", "found_at"} <= kinds
    row = next(r for r in rows if r["link_type"] == "associate_of")
    assert {row["from_name"], row["to_name"]} == {"Sam Suspect", "Alex Suspect"}
    assert row["grading"] == "recorded fact"
    assert AuditEntry.objects.filter(
        action=Action.DISCLOSURE, recipients="Analyst team"
    ).count() == (export.records + len({r["record"] for r in rows}))


def test_a_cell_that_would_run_as_a_spreadsheet_formula_is_defused():
    assert services._cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert services._cell("@marshy_29 (Snapchat)") == "'@marshy_29 (Snapchat)"
    assert services._cell("Station Hotel") == "Station Hotel"


def test_an_export_needs_recipients_and_a_reason_and_logs_nothing_without(
    client, planted, investigator
):
    key = _group_key(investigator)
    client.force_login(investigator)
    response = client.post(reverse("network_group_export", args=[key]), {"file_format": "csv"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter who will receive it" in html
    assert "Enter why you are disclosing it" in html
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()
    with pytest.raises(ValidationError):
        services.group_export(
            acting_user=investigator, key=key, file_format="pdf", recipients="x", justification="y"
        )


def test_handling_code_c_evidence_needs_the_conditions_confirmed(client, planted, investigator):
    IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[planted["first"], planted["child"]],
        handling_code="C",
        handling_conditions="Not outside the CSE team",
    )
    key = _group_key(investigator)
    client.force_login(investigator)
    url = reverse("network_group_export", args=[key])
    page = client.get(url).content.decode()
    assert "Not outside the CSE team" in page
    data = {"file_format": "csv", "recipients": "DC Jones", "justification": "Case file"}
    refused = client.post(url, data)
    assert "Confirm you have checked the handling conditions" in refused.content.decode()
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()
    allowed = client.post(url, {**data, "conditions_checked": "on"})
    assert allowed["Content-Type"].startswith("text/csv")


def test_only_case_workers_may_export_and_only_groups_they_can_see(
    client, planted, investigator, outsider, partner
):
    key = _group_key(investigator)
    url = reverse("network_group_export", args=[key])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(partner)
    assert client.get(url).status_code == 302
    refused = client.post(url, {"file_format": "csv", "recipients": "x", "justification": "y"})
    assert refused.status_code == 302 and refused["Location"].endswith("?gone=1")
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()
