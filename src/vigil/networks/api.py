"""The network API (issue 10): a record's neighbourhood for the chart (and for "expand"), the
path between two people with the evidence on each hop, and the flagged groups. Every answer
holds only what the user may see, and every record in it is logged as consulted."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.accounts.access import works_with_cases
from vigil.networks import selectors
from vigil.networks.forms import HopsForm, NetworkFilterForm
from vigil.people import selectors as people_selectors
from vigil.people.models import Location, Person, PoleObject

RECORD_MODELS: dict[str, type[Person] | type[PoleObject] | type[Location]] = {
    "person": Person,
    "object": PoleObject,
    "location": Location,
}


class WorksWithCases(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(works_with_cases(request.user))


# --- shapes (documentation; the dicts are built below) ----------------------------------------


class NetworkNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='"person:12", "object:3" or "location:5"')
    kind = serializers.ChoiceField(choices=["person", "phone", "vehicle", "account", "location"])
    role = serializers.ChoiceField(choices=["suspect", "victim", "at_risk", "none"])
    label = serializers.CharField()  # type: ignore[assignment]  # an answer field
    url = serializers.CharField(help_text="The record's page")
    expand = serializers.CharField(help_text="This endpoint for the node, to expand it")
    hops = serializers.IntegerField(help_text="Hops from the centre")


class NetworkEvidenceSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # an answer field
    url = serializers.CharField()


class NetworkLinkSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Unique within the answer")
    record = serializers.CharField(help_text='The source record: "link:7" or "event:9"')
    source = serializers.CharField()  # type: ignore[assignment]  # an answer field
    target = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # an answer field
    first_seen = serializers.DateField(allow_null=True)
    last_seen = serializers.DateField(allow_null=True)
    grading = serializers.CharField(help_text='"recorded fact" or a 3x5x2 grade like "2B P"')
    evidence = NetworkEvidenceSerializer(allow_null=True)


class NetworkGroupBriefSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.CharField()
    size = serializers.IntegerField()
    suspects = serializers.ListField(child=serializers.CharField())
    children = serializers.ListField(child=serializers.CharField())
    key_players = serializers.ListField(child=serializers.CharField())
    newest_activity = serializers.DateField(allow_null=True)


class NetworkNeighbourhoodSerializer(serializers.Serializer):
    centre = serializers.CharField()
    nodes = NetworkNodeSerializer(many=True)
    links = NetworkLinkSerializer(many=True)
    groups = NetworkGroupBriefSerializer(
        many=True,
        help_text="Flagged groups the centre is in, as you may see them now (empty when the "
        "search for group-based CSE has never run: see /api/networks/groups/)",
    )


class NetworkHopSerializer(serializers.Serializer):
    source = NetworkNodeSerializer(source="start")  # type: ignore[assignment]  # an answer field
    target = NetworkNodeSerializer(source="end")
    links = NetworkLinkSerializer(many=True)


class NetworkPathSerializer(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]  # an answer field
    target = serializers.CharField()
    connected = serializers.BooleanField()
    hops = NetworkHopSerializer(many=True)


class NetworkGroupsSerializer(serializers.Serializer):
    analysed_at = serializers.DateTimeField()
    records_changed_since = serializers.BooleanField()
    communities = serializers.IntegerField(
        help_text="Flagged communities in the records you may see (the length of groups)"
    )
    groups = NetworkGroupBriefSerializer(many=True)


class NetworkErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]  # an answer field
        child=serializers.ListField(child=serializers.CharField())
    )


# --- answers -----------------------------------------------------------------------------------


def _node(node: selectors.NodeInfo, hops: int) -> dict[str, Any]:
    kind, pk = node.id.split(":")
    return {
        "id": node.id,
        "kind": node.kind,
        "role": node.role,
        "label": node.label,
        "url": node.url,
        "expand": reverse("api_network_neighbourhood", args=[kind, int(pk)]),
        "hops": hops,
    }


def _link(info: selectors.LinkInfo) -> dict[str, Any]:
    link = info.link
    return {
        "id": info.key,
        "record": link.id or "",
        "source": link.source,
        "target": link.target,
        "kind": link.kind,
        "label": info.label,
        "first_seen": link.first_seen.isoformat() if link.first_seen else None,
        "last_seen": link.last_seen.isoformat() if link.last_seen else None,
        "grading": link.grading,
        "evidence": (
            {"label": info.evidence.label, "url": info.evidence.url} if info.evidence else None
        ),
    }


def _group(group: selectors.GroupSummary) -> dict[str, Any]:
    return {
        "key": group.key,
        "url": reverse("network_group", args=[group.key]),
        "size": group.size,
        "suspects": list(group.suspects),
        "children": list(group.children),
        "key_players": [player.id for player in group.key_players],
        "newest_activity": group.newest_activity.isoformat() if group.newest_activity else None,
    }


def _bad_request(form: Any) -> Response:
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    first = next(iter(errors.values()))[0]
    return Response({"detail": first, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


FILTER_PARAMETERS = [
    OpenApiParameter("start_0", int, description="Active from: day"),
    OpenApiParameter("start_1", int, description="Active from: month"),
    OpenApiParameter("start_2", int, description="Active from: year"),
    OpenApiParameter("end_0", int, description="Active until: day"),
    OpenApiParameter("end_1", int, description="Active until: month"),
    OpenApiParameter("end_2", int, description="Active until: year"),
    OpenApiParameter("kind", str, many=True, description="Link types to keep (default all)"),
    OpenApiParameter("grade", str, description='Minimum grading, e.g. "2B", or "recorded fact"'),
]


def _filters(request: Request) -> tuple[NetworkFilterForm, selectors.NetworkFilters | None]:
    form = NetworkFilterForm(request.query_params, link_kinds=selectors.known_link_kinds())
    if not form.is_valid():
        return form, None
    return form, form.filters()


class NeighbourhoodApi(APIView):
    """A record's network: everyone and everything within `hops` of it."""

    @extend_schema(
        operation_id="networks_neighbourhood",
        summary="A record's network to a number of hops",
        description=(
            "Nodes and links within `hops` (1-3, default 2) of the person, object or location, "
            "as the user may see them: hidden records are neither drawn nor counted, and "
            "handling-code C intelligence appears only for users within its conditions. "
            "Each node's `expand` is this endpoint for that node."
        ),
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(RECORD_MODELS)),
            OpenApiParameter("hops", int, description="1 to 3; default 2"),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: NetworkNeighbourhoodSerializer,
            400: NetworkErrorSerializer,
            404: NetworkErrorSerializer,
        },
        tags=["networks"],
    )
    def get(self, request: Request, kind: str, pk: int) -> Response:
        model = RECORD_MODELS.get(kind)
        if model is None:
            raise Http404
        record = people_selectors.get_visible(request.user, model, pk)
        hops_form = HopsForm(request.query_params)
        if not hops_form.is_valid():
            return _bad_request(hops_form)
        hops = hops_form.cleaned_data["hops"] or 2
        form, filters = _filters(request)
        if filters is None:
            return _bad_request(form)
        if isinstance(record, Person):
            picture = selectors.person_network(request.user, record, filters, hops=hops)
        else:
            picture = selectors.node_neighbourhood(
                request.user, f"{kind}:{record.pk}", filters, hops=hops
            )
        analysis = selectors.analysis_for_page(request.user, picture.centre.id)
        groups = analysis.groups_of(picture.centre.id) if analysis else []
        return Response(
            {
                "centre": picture.centre.id,
                "nodes": [_node(n, picture.hops.get(n.id, 0)) for n in picture.nodes],
                "links": [_link(info) for info in picture.links],
                "groups": [_group(g) for g in groups],
            }
        )


class PathApi(APIView):
    """The fewest-hops path from one person to another, with the evidence on each hop."""

    @extend_schema(
        operation_id="networks_path",
        summary="The path between two people, with the evidence on each hop",
        description=(
            "Through any people, phones, vehicles, accounts and locations the user may see. "
            "`connected` is false (and `hops` empty) when there is no such path."
        ),
        parameters=[
            OpenApiParameter("to", int, required=True, description="The other person's id"),
            *FILTER_PARAMETERS,
        ],
        responses={
            200: NetworkPathSerializer,
            400: NetworkErrorSerializer,
            404: NetworkErrorSerializer,
        },
        tags=["networks"],
    )
    def get(self, request: Request, pk: int) -> Response:
        person = people_selectors.get_visible(request.user, Person, pk)
        to = request.query_params.get("to", "")
        if not to.isdigit():
            message = "Enter the id of the person to find a path to"
            return Response(
                {"detail": message, "errors": {"to": [message]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        other = people_selectors.get_visible(request.user, Person, int(to))
        form, filters = _filters(request)
        if filters is None:
            return _bad_request(form)
        source, target = f"person:{person.pk}", f"person:{other.pk}"
        hops = selectors.path_between(request.user, source, target, filters)
        return Response(
            {
                "source": source,
                "target": target,
                "connected": hops is not None,
                "hops": [
                    {
                        "source": _node(hop.start, i),
                        "target": _node(hop.end, i + 1),
                        "links": [_link(info) for info in hop.links],
                    }
                    for i, hop in enumerate(hops or [])
                ],
            }
        )


class GroupsApi(APIView):
    """Possible group-based CSE in the records the user may see."""

    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="networks_groups",
        summary="Communities flagged as possible group-based CSE",
        description=(
            "NPCC definition: two or more associated individuals involved in the sexual "
            "exploitation of a child. A community is flagged when it holds at least two "
            "suspects associated with each other (directly or through a shared phone, vehicle, "
            "account or location) and at least one child who is a victim or at risk. "
            "Communities come from the last run of the search (`vigil networks-analyse`, or "
            "POST /networks/analyse/); each is checked again in the records you may see now, "
            "so records you may not see are neither listed nor counted."
        ),
        responses={200: NetworkGroupsSerializer, 403: NetworkErrorSerializer},
        tags=["networks"],
    )
    def get(self, request: Request) -> Response:
        analysis = selectors.force_analysis(request.user)
        selectors.audit_groups_shown(request.user, analysis)
        return Response(
            {
                "analysed_at": analysis.analysed_at.isoformat(),
                "records_changed_since": selectors.analysis_is_stale(request.user, analysis),
                "communities": len(analysis.groups),
                "groups": [_group(g) for g in analysis.groups],
            }
        )
