"""REST API for missing episodes, under /api/missing/. Reads go through the selectors
(need-to-know, audited); writes through the services. Writes to an episode or an interview must
send the `version` they read (409 on a stale one)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.accounts.access import works_with_cases
from vigil.accounts.models import Agency
from vigil.core.missing import HOW_RETURNED, REPORTED_BY, RHI_STATUSES, missing_policy, uk_time
from vigil.missing import selectors, services
from vigil.missing.models import MissingEpisode, ReturnHomeInterview
from vigil.people import selectors as people_selectors
from vigil.people.models import AccessLevel, Location, Person, PoleObject


class WorksWithCases(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(works_with_cases(request.user))


def _risk_choices() -> list[tuple[str, str]]:
    return missing_policy().risk_choices


# --- Shapes -----------------------------------------------------------------------------------


class InterviewSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField(help_text="due, due_soon, overdue or the status")
    due_at_uk = serializers.SerializerMethodField(help_text="Due time in UK local time")

    class Meta:
        model = ReturnHomeInterview
        fields = [
            "id",
            "episode",
            "status",
            "state",
            "due_at",
            "due_at_uk",
            "offered_by",
            "interviewer",
            "offered_at",
            "completed_at",
            "declined_at",
            "not_possible_at",
            "version",
        ]

    def get_state(self, interview: ReturnHomeInterview) -> str:
        from django.utils import timezone

        from vigil.core.missing import rhi_state

        return rhi_state(interview.status, interview.due_at, timezone.now()).state

    def get_due_at_uk(self, interview: ReturnHomeInterview) -> str:
        return uk_time(interview.due_at).isoformat()


class EpisodeSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="ref", read_only=True)
    found_with = serializers.SerializerMethodField()
    vehicles = serializers.SerializerMethodField()
    return_interview = serializers.SerializerMethodField()

    class Meta:
        model = MissingEpisode
        fields = [
            "id",
            "reference",
            "event",
            "child",
            "reported_missing_at",
            "reported_by_kind",
            "reported_by_name",
            "missing_from",
            "area",
            "risk_level",
            "police_actions",
            "external_reference",
            "returned_at",
            "how_returned",
            "found_at",
            "found_with",
            "vehicles",
            "injuries",
            "intoxicated",
            "intoxication_details",
            "account",
            "return_interview",
            "access_level",
            "owning_agency",
            "version",
        ]

    def get_found_with(self, episode: MissingEpisode) -> list[int]:
        return [p.pk for p in episode.found_with.all()]

    def get_vehicles(self, episode: MissingEpisode) -> list[int]:
        return [v.pk for v in episode.vehicles.all()]

    def get_return_interview(self, episode: MissingEpisode) -> dict[str, Any] | None:
        interview = getattr(episode, "return_interview", None)
        return InterviewSerializer(interview).data if interview else None


class ReportInput(serializers.Serializer):
    child = serializers.IntegerField()
    reported_missing_at = serializers.DateTimeField()
    reported_by_kind = serializers.ChoiceField(choices=REPORTED_BY)
    reported_by_name = serializers.CharField(required=False, allow_blank=True, default="")
    missing_from = serializers.IntegerField(required=False, allow_null=True, default=None)
    area = serializers.CharField(required=False, allow_blank=True, default="")
    risk_level = serializers.ChoiceField(choices=_risk_choices())
    risk_reason = serializers.CharField()
    grading_officer = serializers.CharField(max_length=200)
    police_actions = serializers.CharField(required=False, allow_blank=True, default="")
    external_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=60
    )
    access_level = serializers.ChoiceField(choices=AccessLevel.choices, default="standard")


class RegradeInput(serializers.Serializer):
    version = serializers.IntegerField()
    risk_level = serializers.ChoiceField(choices=_risk_choices())
    reason = serializers.CharField()
    grading_officer = serializers.CharField(max_length=200)


class ReturnInput(serializers.Serializer):
    version = serializers.IntegerField()
    returned_at = serializers.DateTimeField()
    how_returned = serializers.ChoiceField(choices=HOW_RETURNED)
    found_at = serializers.IntegerField(required=False, allow_null=True, default=None)
    found_with = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    vehicles = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, help_text="Object ids"
    )
    injuries = serializers.CharField(required=False, allow_blank=True, default="")
    intoxicated = serializers.BooleanField(required=False, default=False)
    intoxication_details = serializers.CharField(required=False, allow_blank=True, default="")
    account = serializers.CharField(required=False, allow_blank=True, default="")
    rhi_offered_by = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Agency id"
    )


class InterviewStatusInput(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[c for c in RHI_STATUSES if c[0] != "due"])
    at = serializers.DateTimeField()
    offered_by = serializers.IntegerField(required=False, allow_null=True, default=None)
    interviewer = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RepeatRowSerializer(serializers.Serializer):
    child = serializers.IntegerField(source="child.pk")
    name = serializers.CharField(source="child.full_name")
    episodes = serializers.IntegerField(source="count")
    previous_window = serializers.IntegerField(source="trend.previous")
    trend = serializers.CharField(source="trend.direction")
    last_reported = serializers.DateTimeField()
    missing_now = serializers.BooleanField(source="open_episode")


class WhereFoundRowSerializer(serializers.Serializer):
    location = serializers.IntegerField(source="location.pk")
    name = serializers.CharField(source="location.__str__")
    premises_type = serializers.CharField(source="location.premises_type")
    children = serializers.SerializerMethodField()
    children_count = serializers.IntegerField()
    episodes = serializers.IntegerField()
    found_with = serializers.SerializerMethodField()
    last_found = serializers.DateTimeField()

    def get_children(self, row: selectors.WhereFoundRow) -> list[int]:
        return [child.pk for child in row.children]

    def get_found_with(self, row: selectors.WhereFoundRow) -> list[dict[str, int]]:
        return [{"person": person.pk, "episodes": n} for person, n in row.found_with]


class InterviewRowSerializer(serializers.Serializer):
    interview = InterviewSerializer()
    child = serializers.IntegerField(source="interview.episode.child_id")
    state = serializers.CharField(source="state.state")


# --- Helpers ----------------------------------------------------------------------------------


def _visible(user: Any, model: Any, pk: int | None) -> Any:
    return None if pk is None else people_selectors.get_visible(user, model, pk, audit=False)


def _agency(pk: int | None) -> Agency | None:
    if pk is None:
        return None
    agency = Agency.objects.filter(pk=pk).first()
    if agency is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"offered_by": f"No agency {pk}"})
    return agency


def _episode_out(user: Any, pk: int) -> dict[str, Any]:
    episode = (
        selectors.episodes(user)
        .select_related("return_interview")
        .prefetch_related(selectors.visible_people(user), selectors.visible_vehicles(user))
        .get(pk=pk)
    )
    return dict(EpisodeSerializer(episode).data)


# --- Views ------------------------------------------------------------------------------------


class EpisodeListApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_episodes_list",
        summary="Missing episodes the user may see, newest first",
        parameters=[
            OpenApiParameter("child", int, description="Only this child's episodes"),
            OpenApiParameter("open", bool, description="true: only children still missing"),
        ],
        responses=EpisodeSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        from django.core.exceptions import ValidationError

        queryset = (
            selectors.episodes(request.user)
            .select_related("return_interview")
            .prefetch_related(
                selectors.visible_people(request.user), selectors.visible_vehicles(request.user)
            )
        )
        child = request.query_params.get("child")
        if child:
            if not child.isdigit():
                raise ValidationError({"child": f"'{child[:40]}' is not a valid child id"})
            queryset = queryset.filter(child_id=int(child))
        if request.query_params.get("open") in ("true", "1"):
            queryset = queryset.filter(returned_at__isnull=True)
        rows = list(queryset.order_by("-reported_missing_at", "-id")[:500])
        selectors.audit_shown(
            request.user,
            [("missingepisode", e.pk) for e in rows] + [("person", e.child_id) for e in rows],
            "api list",
        )
        return Response(EpisodeSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="missing_episodes_report",
        summary="Report a child missing",
        request=ReportInput,
        responses={201: EpisodeSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        child = _visible(request.user, Person, fields.pop("child"))
        missing_from = _visible(request.user, Location, fields.pop("missing_from"))
        episode = services.episode_report(
            acting_user=request.user, child=child, missing_from=missing_from, **fields
        )
        return Response(_episode_out(request.user, episode.pk), status=status.HTTP_201_CREATED)


class EpisodeDetailApi(APIView):
    # A page about one episode: whoever may not see it gets the same 404 as for one that does
    # not exist, never a 403 that tells them it does.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="missing_episodes_retrieve",
        summary="One missing episode",
        responses=EpisodeSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        # `request`: a sensitive episode needs the caller's reason (X-Vigil-Justification).
        selectors.get_episode(request.user, pk, request=request)
        return Response(_episode_out(request.user, pk))


class EpisodeRegradeApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_episodes_regrade",
        summary="Re-grade the missing-person risk (the earlier grading stays as history)",
        request=RegradeInput,
        responses=EpisodeSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        episode = selectors.get_episode(request.user, pk)
        data = RegradeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        services.episode_regrade(
            acting_user=request.user,
            episode=episode,
            expected_version=fields.pop("version"),
            **fields,
        )
        return Response(_episode_out(request.user, episode.pk))


class EpisodeReturnApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_episodes_return",
        summary="Record the return: writes POLE links and opens the return home interview",
        request=ReturnInput,
        responses=EpisodeSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        episode = selectors.get_episode(request.user, pk)
        data = ReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        user = request.user
        services.episode_record_return(
            acting_user=user,
            episode=episode,
            expected_version=fields.pop("version"),
            found_at=_visible(user, Location, fields.pop("found_at")),
            found_with=[_visible(user, Person, p) for p in fields.pop("found_with")],
            vehicles=[_visible(user, PoleObject, v) for v in fields.pop("vehicles")],
            rhi_offered_by=_agency(fields.pop("rhi_offered_by")),
            **fields,
        )
        return Response(_episode_out(user, episode.pk))


class InterviewListApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_interviews_list",
        summary="Return home interviews: due and overdue by default",
        parameters=[
            OpenApiParameter("show", str, enum=list(selectors.RHI_FILTERS)),
            OpenApiParameter("agency", int, description="Offered by this agency"),
            OpenApiParameter("area", str),
        ],
        responses=InterviewRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        from django.core.exceptions import ValidationError

        show = request.query_params.get("show", "open")
        if show not in selectors.RHI_FILTERS:
            raise ValidationError({"show": f"'{show[:40]}' is not one of the filters"})
        agency = request.query_params.get("agency", "")
        if agency and not agency.isdigit():
            raise ValidationError({"agency": f"'{agency[:40]}' is not a valid agency id"})
        rows = selectors.interviews(
            request.user,
            show=show,
            agency_id=int(agency) if agency else None,
            area=request.query_params.get("area", ""),
        )
        return Response(InterviewRowSerializer(rows, many=True).data)


class InterviewStatusApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_interviews_status",
        summary="Move an episode's return home interview on (offered, completed, ...)",
        request=InterviewStatusInput,
        responses=InterviewSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        interview = selectors.get_interview(request.user, pk)
        data = InterviewStatusInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        updated = services.rhi_set_status(
            acting_user=request.user,
            interview=interview,
            expected_version=fields.pop("version"),
            offered_by=_agency(fields.pop("offered_by")),
            **fields,
        )
        return Response(InterviewSerializer(updated).data)


class RepeatMissingApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_repeat_list",
        summary="Children missing at least N times in the rolling window (policy data)",
        responses=RepeatRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(RepeatRowSerializer(selectors.repeat_missing(request.user), many=True).data)


class WhereFoundApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="missing_where_found_list",
        summary="Places children are found, by distinct children then episodes",
        responses=WhereFoundRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(
            WhereFoundRowSerializer(selectors.where_found(request.user), many=True).data
        )
