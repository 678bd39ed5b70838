"""Network writes: exporting a flagged group for i2, Gephi or a spreadsheet. An export is a
disclosure (Data Protection Act 2018 s62): it is logged, with its recipients and
justification, for every record it contains, in the same transaction that produces it."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction

from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.networks import write_graphml
from vigil.networks import selectors

FORMATS = {
    "graphml": ("application/graphml+xml", "graphml"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
CSV_COLUMNS = [
    "record",
    "link_type",
    "reads",
    "from_id",
    "from_name",
    "from_kind",
    "from_role",
    "to_id",
    "to_name",
    "to_kind",
    "to_role",
    "first_seen",
    "last_seen",
    "grading",
    "weight",
    "evidence",
]


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes
    records: int
    links: int


@transaction.atomic
def group_export(
    *,
    acting_user: Any,
    key: str,
    file_format: str,
    recipients: str,
    justification: str,
) -> ExportFile:
    """One flagged group, as the user may see it, as GraphML or CSV; logged as a disclosure of
    each person, object and location in it and of each record its links come from."""
    errors = {}
    if file_format not in FORMATS:
        errors["file_format"] = "Choose GraphML or CSV"
    if not recipients.strip():
        errors["recipients"] = "Enter who will receive it"
    if not justification.strip():
        errors["justification"] = "Enter why you are disclosing it"
    if errors:
        raise ValidationError(errors)
    _, group = selectors.group_for(acting_user, key, audit=False)
    graph = selectors.pole_graph(acting_user)
    view = graph.view()
    members = [m for m in group.members if m in graph.nodes]
    links = _links_among(view, members)
    content_type, extension = FORMATS[file_format]
    if file_format == "graphml":
        labels = {m: graph.nodes[m].label for m in members}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "group.graphml"
            write_graphml(view, path, members=members, labels=labels)
            content = path.read_bytes()
    else:
        content = _csv(graph, links).encode("utf-8")

    disclosed = [(graph.nodes[m].record_type, graph.nodes[m].pk) for m in members]
    sources = sorted({link.id for link in links if link.id})
    disclosed += [(source.split(":")[0], source.split(":")[1]) for source in sources]
    audit_log_many(
        acting_user=acting_user,
        action=Action.DISCLOSURE,
        objects=disclosed,
        recipients=recipients.strip(),
        justification=justification.strip(),
        detail={"via": "network group export", "group": key, "format": file_format},
    )
    return ExportFile(
        filename=f"vigil-group-{key}.{extension}",
        content_type=content_type,
        content=content,
        records=len(members),
        links=len(links),
    )


def _links_among(view: Any, members: list[str]) -> list[Any]:
    inside = np.zeros(view.node_count, dtype=bool)
    inside[[view.vertex(m) for m in members]] = True
    return [view.link(int(e)) for e in np.flatnonzero(inside[view.src] & inside[view.dst])]


def _cell(value: object) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ would run as a formula in Excel
    (CSV injection), so it is prefixed with an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(graph: selectors.PoleGraph, links: list[Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for link in links:
        source, target = graph.nodes[link.source], graph.nodes[link.target]
        evidence = graph.evidence.get(link.id or "")
        writer.writerow(
            [
                _cell(value)
                for value in (
                    link.id,
                    link.kind,
                    selectors.link_kind_label(link.kind),
                    source.id,
                    source.label,
                    source.kind,
                    source.role,
                    target.id,
                    target.label,
                    target.kind,
                    target.role,
                    link.first_seen.isoformat() if link.first_seen else "",
                    link.last_seen.isoformat() if link.last_seen else "",
                    link.grading,
                    f"{link.weight:g}",
                    evidence.label if evidence else "",
                )
            ]
        )
    return out.getvalue()
