"""Network writes: exporting a flagged group for i2, Gephi or a spreadsheet. An export is a
disclosure (Data Protection Act 2018 s62): it is logged, with its recipients and
justification, for every record it contains, in the same transaction that produces it."""

from __future__ import annotations

import csv
import io
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.core.networks import write_graphml
from vigil.networks import selectors
from vigil.networks.models import CommunityAnalysis

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
    analysis, group = selectors.group_for(acting_user, key, audit=False)
    graph = analysis.graph  # the group's records as the user may see them
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


# Runs kept after a new one (the newest is used; older ones show what was found when).
RUNS_KEPT = 5

# Called on commit after each run with the previous run's candidates and the new run's, so
# other areas (screening) can act on groups newly flagged or no longer flagged.
AnalysisHook = Callable[[list[dict[str, Any]], list[dict[str, Any]]], object]
_analysis_hooks: list[AnalysisHook] = []


def register_analysis_hook(hook: AnalysisHook) -> None:
    """Call `hook(previous_candidates, new_candidates)` after every analysis run commits."""
    if hook not in _analysis_hooks:
        _analysis_hooks.append(hook)


def network_analyse(*, acting_user: Any | None = None) -> CommunityAnalysis:
    """Run the search for group-based CSE over every record and keep its candidate groups
    (`selectors.community_candidates`), for every user's Groups view and record pages to
    check in what they may see. Reads no more than it keeps: no one is shown anything here,
    so nothing is logged as consulted; the run records who asked for it."""
    started = time.perf_counter()
    stamp = selectors.change_stamp()  # before reading: an edit during the run marks it stale
    candidates, figures = selectors.community_candidates()
    with transaction.atomic():
        previous = CommunityAnalysis.objects.order_by("-analysed_at", "-pk").first()
        run = CommunityAnalysis.objects.create(
            analysed_at=timezone.now(),
            requested_by=acting_user if getattr(acting_user, "pk", None) else None,
            change_stamp=stamp,
            candidates=candidates,
            seconds=round(time.perf_counter() - started, 3),
            **figures,
        )
        old = CommunityAnalysis.objects.order_by("-analysed_at", "-pk")[RUNS_KEPT:]
        CommunityAnalysis.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
        before = list(previous.candidates) if previous is not None else []
        after = list(run.candidates)
        if before != after:  # the same groups as last time: nothing for anyone to act on
            for hook in _analysis_hooks:
                transaction.on_commit(partial(hook, before, after))
    return run


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
