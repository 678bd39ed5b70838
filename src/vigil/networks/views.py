"""Network screens: a person's network (chart, tables and paths), the Groups view of possible
group-based CSE, a group's evidence and its export. Each view parses input, calls selectors or
one service, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from vigil.accounts.access import works_with_cases
from vigil.networks import selectors, services
from vigil.networks.forms import ExportForm, NetworkFilterForm, PathForm
from vigil.people import selectors as people_selectors
from vigil.people.models import Person


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _filter_form(request: HttpRequest, graph: selectors.PoleGraph) -> NetworkFilterForm:
    bound = any(name in request.GET for name in NetworkFilterForm.filter_names())
    return NetworkFilterForm(request.GET if bound else None, link_kinds=graph.link_kinds())


@login_required
def person_network(request: HttpRequest, pk: int) -> HttpResponse:
    # A victim's network opens their record: the "why are you looking?" prompt applies.
    person = people_selectors.get_visible(request.user, Person, pk, request=request)
    graph = selectors.local_graph(request.user, f"person:{person.pk}", hops=2)
    form = _filter_form(request, graph)
    picture = selectors.person_network(request.user, person, form.filters(), graph=graph)
    people = [(node.pk, node.label) for node in sorted(picture.people, key=lambda n: n.label)]
    path_form = PathForm(
        request.GET if "path_to" in request.GET else None,
        people=people,
        centre=(person.pk, person.full_name),
    )
    path = None
    path_target = None
    path_source = picture.centre.id
    if path_form.is_bound and path_form.is_valid():
        path_target = f"person:{path_form.cleaned_data['path_to']}"
        if path_form.cleaned_data["path_from"] is None:
            # Everyone offered is within two links, so the two-link graph holds the path.
            path = selectors.path_between(
                request.user, path_source, path_target, form.filters(), graph=graph
            )
        else:
            # Between two others the shortest path may leave this network: search for it.
            path_source = f"person:{path_form.cleaned_data['path_from']}"
            path = selectors.path_between(request.user, path_source, path_target, form.filters())
    analysis = selectors.analysis_for_page(request.user, picture.centre.id)
    nodes = {node.id: node for node in picture.nodes}
    groups = analysis.named_groups(picture.centre.id) if analysis else []
    named_elsewhere = {
        node.id: node
        for group in groups
        for node in (*group.suspects, *group.children)
        if node.id not in nodes
    }
    selectors.audit_nodes_shown(request.user, named_elsewhere.values(), "network")
    filter_query = request.GET.copy()
    filter_query.pop("path_to", None)
    filter_query.pop("path_from", None)
    return render(
        request,
        "networks/person_network.html",
        {
            "person": person,
            "picture": picture,
            "associates": picture.associates(),
            "things": [(node, picture.hops.get(node.id, 0)) for node in picture.things],
            "link_rows": [
                (info, nodes[info.link.source], nodes[info.link.target]) for info in picture.links
            ],
            "filters_active": form.filters().active,
            "hubs": selectors.hubs_not_followed(graph),
            "form": form,
            "path_form": path_form,
            "path": path,
            "path_target": _label(picture, path_target),
            "path_source": _label(picture, path_source),
            "path_nodes": _path_nodes(path),
            "groups": groups,
            "analysis": analysis,
            "filter_query": filter_query,
            "api_url": reverse("api_network_neighbourhood", args=["person", person.pk]),
            "query_string": filter_query.urlencode(),
        },
    )


def _label(picture: selectors.NetworkPicture, node_id: str | None) -> str:
    if node_id is None:
        return ""
    return next((n.label for n in picture.nodes if n.id == node_id), "")


def _path_nodes(path: list[selectors.HopInfo] | None) -> str:
    if not path:
        return ""
    return " ".join([path[0].start.id, *(hop.end.id for hop in path)])


@login_required
def network_groups(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    analysis = selectors.force_analysis(request.user)
    selectors.audit_groups_shown(request.user, analysis)
    return render(
        request,
        "networks/groups.html",
        {
            "analysis": analysis,
            "groups": analysis.named_groups(),
            "stale": selectors.analysis_is_stale(request.user, analysis),
            "gone": "gone" in request.GET,
        },
    )


@login_required
def network_refresh(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    selectors.force_analysis(request.user, refresh=True)
    messages.success(request, "Network analysed again")
    return redirect("network_groups")


def _group_gone(request: HttpRequest) -> HttpResponse:
    """A group key that names no flagged group the user may see: it was never one, or after
    new records the community no longer meets the definition. Back to the list, saying so
    (the same answer either way, so a key reveals nothing)."""
    return redirect(reverse("network_groups") + "?gone=1")


@login_required
def network_group(request: HttpRequest, key: str) -> HttpResponse:
    _require_case_worker(request)
    try:
        analysis, group = selectors.group_for(request.user, key)
    except Http404:
        return _group_gone(request)
    return render(
        request,
        "networks/group_detail.html",
        {
            "analysis": analysis,
            "group": group,
            "named": analysis.named(group),
            **_group_tables(analysis, group),
        },
    )


def _group_tables(analysis: selectors.ForceAnalysis, group: selectors.GroupSummary) -> dict:
    ranks = {player.id: player for player in group.key_players}
    members = sorted(
        (analysis.nodes[m] for m in group.members),
        key=lambda n: (n.kind != "person", n.id not in ranks, n.label),
    )
    nodes = analysis.nodes

    def rows(infos: Any) -> list[tuple[selectors.LinkInfo, Any, Any]]:
        return [(info, nodes[info.link.source], nodes[info.link.target]) for info in infos]

    return {
        "members": [(node, ranks.get(node.id)) for node in members],
        "associations": [
            {
                "suspects": [nodes[i] for i in association.suspects],
                "via": nodes[association.via] if association.via else None,
                "links": rows(association.links),
            }
            for association in group.associations
        ],
        "child_links": rows(group.child_links),
        "evidence": rows(group.evidence),
        "conditions": sorted(
            {
                info.evidence.handling_conditions
                for info in group.evidence
                if info.evidence and info.evidence.handling_conditions
            }
        ),
    }


@login_required
def network_group_export(request: HttpRequest, key: str) -> HttpResponse:
    _require_case_worker(request)
    try:
        analysis, group = selectors.group_for(request.user, key, audit=False)
    except Http404:
        return _group_gone(request)
    tables = _group_tables(analysis, group)
    form = ExportForm(request.POST or None, has_conditions=bool(tables["conditions"]))
    if request.method == "POST" and form.is_valid():
        try:
            export = services.group_export(
                acting_user=request.user,
                key=key,
                file_format=form.cleaned_data["file_format"],
                recipients=form.cleaned_data["recipients"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            response = HttpResponse(export.content, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
            return response
    return render(
        request,
        "networks/group_export.html",
        {
            "analysis": analysis,
            "group": group,
            "named": analysis.named(group),
            "form": form,
            **tables,
        },
    )


def person_panel_context(request: HttpRequest, person: Any) -> dict[str, Any] | None:
    """The "Network" panel on a person's page: counts, group flags and the nearest associates
    (a summary; the chart is on the person's Network page)."""
    if not works_with_cases(request.user):
        return None
    graph = selectors.local_graph(request.user, f"person:{person.pk}", hops=2)
    picture = selectors.person_network(request.user, person, audit=False, graph=graph)
    analysis = selectors.analysis_for_page(request.user, picture.centre.id)
    associates = picture.associates()[:5]
    # Like the page's own links and timeline, the panel names related records in passing: the
    # consultation logged is of the person opened. The Network page logs each record it shows.
    named = analysis.named_groups(picture.centre.id) if analysis else []
    return {
        "picture": picture,
        "associates": associates,
        "groups": named,
        "analysis": analysis,
        "people": len(picture.people),
        "things": len(picture.things),
        "links": len(picture.links),
        "hubs": selectors.hubs_not_followed(graph),
    }
