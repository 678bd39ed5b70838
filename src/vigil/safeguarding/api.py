"""REST API for warning signs and screening under /api/safeguarding/. Reads go through the
selectors (need-to-know, audited); writes through the services (validated, audited, and each
re-screens the child). Errors have the one shape `{"detail", "errors": {field: [...]}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.accounts.access import visible_records, works_with_cases
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.people import selectors as people_selectors
from vigil.people.models import AccessLevel, Location, Person, PoleObject
from vigil.safeguarding import selectors, services
from vigil.safeguarding.models import Observation, ObservationSource, Override, ScreeningResult


class WorksWithCases(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(works_with_cases(request.user))


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    # The API's one error shape names this field "errors", which DRF's Serializer also uses
    # for its validation errors; this serializer only documents the response (never validates).
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


# --- Observations -----------------------------------------------------------------------------


class ObservationSerializer(serializers.ModelSerializer):
    # The observation's taxonomy label (a model property), not DRF's Field.label.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    recorded_by = serializers.SerializerMethodField()
    involved_people: serializers.PrimaryKeyRelatedField[Person] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    involved_objects: serializers.PrimaryKeyRelatedField[PoleObject] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    involved_locations: serializers.PrimaryKeyRelatedField[Location] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )

    class Meta:
        model = Observation
        fields = [
            "id",
            "child",
            "code",
            "label",
            "observed_on",
            "source",
            "note",
            "involved_people",
            "involved_objects",
            "involved_locations",
            "recorded_by",
            "owning_agency",
            "access_level",
            "withdrawn_at",
            "withdrawn_reason",
            "created_at",
            "version",
        ]
        read_only_fields = fields

    def get_recorded_by(self, row: Observation) -> str:
        return row.created_by.get_full_name() or row.created_by.get_username()


class ObservationInputSerializer(serializers.Serializer):
    child = serializers.IntegerField(help_text="The child's person id")
    codes = serializers.ListField(
        child=serializers.CharField(max_length=60),
        min_length=1,
        help_text="Taxonomy codes (`vigil taxonomy --json`); derived codes are refused",
    )
    observed_on = serializers.DateField(help_text="YYYY-MM-DD, today or earlier")
    # The observation's source (school, RHI...), not DRF's Field.source attribute path.
    source = serializers.ChoiceField(choices=ObservationSource.choices)  # type: ignore[assignment]
    note = serializers.CharField(required=False, allow_blank=True, default="")
    involved_people = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    involved_objects = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    involved_locations = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )
    access_level = serializers.ChoiceField(
        choices=AccessLevel.choices, required=False, default=AccessLevel.STANDARD
    )


class ScreeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningResult
        fields = [
            "id",
            "child",
            "assessed_on",
            "age",
            "level",
            "rank",
            "label",
            "rule_level",
            "rule_rank",
            "rule_label",
            "previous_rank",
            "reasons",
            "advice",
            "derived",
            "policy_version",
            "review_on",
            "trigger",
            "screened_at",
        ]
        read_only_fields = fields


class RecordedSerializer(serializers.Serializer):
    observations = ObservationSerializer(many=True)
    screening = ScreeningSerializer()


def _visible(user: Any, model: Any, pk: int, field: str) -> Any:
    try:
        return people_selectors.get_visible(user, model, pk, audit=False)
    except Http404:
        raise ValidationError({field: f"There is no record {pk} you can see"}) from None


class ObservationListCreateApi(generics.GenericAPIView):
    """List the observations you may see (filter by `child`), or record a concern."""

    permission_classes = [WorksWithCases]
    serializer_class = ObservationSerializer

    def get_queryset(self) -> QuerySet[Observation]:
        if getattr(self, "swagger_fake_view", False):
            return Observation.objects.none()
        rows = visible_records(self.request.user, Observation.objects.all()).select_related(
            "created_by"
        )
        child = self.request.query_params.get("child")
        if child:
            if not child.isdigit():
                raise ValidationError({"child": f"'{child[:40]}' is not a person id"})
            rows = rows.filter(child_id=int(child))
        return rows.prefetch_related(
            "involved_people", "involved_objects", "involved_locations"
        ).order_by("-observed_on", "-id")

    @extend_schema(
        operation_id="safeguarding_observations_list",
        parameters=[OpenApiParameter("child", int, description="Only this child's")],
        responses={200: ObservationSerializer(many=True)},
        tags=["safeguarding"],
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        if rows:
            audit_log_many(
                acting_user=request.user,
                action=Action.CONSULTATION,
                objects=[("observation", row.pk) for row in rows],
                detail={"via": "api list"},
            )
        data = ObservationSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        operation_id="safeguarding_observations_create",
        request=ObservationInputSerializer,
        responses={201: RecordedSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        tags=["safeguarding"],
    )
    def post(self, request: Request) -> Response:
        payload = ObservationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        user = request.user
        child = people_selectors.get_visible(user, Person, data["child"], audit=False)
        involved = [
            *(_visible(user, Person, pk, "involved_people") for pk in data["involved_people"]),
            *(
                _visible(user, PoleObject, pk, "involved_objects")
                for pk in data["involved_objects"]
            ),
            *(
                _visible(user, Location, pk, "involved_locations")
                for pk in data["involved_locations"]
            ),
        ]
        try:
            created = services.observations_record(
                acting_user=user,
                child=child,
                codes=data["codes"],
                observed_on=data["observed_on"],
                source=data["source"],
                note=data["note"],
                involved=involved,
                access_level=data["access_level"],
            )
        except services.ScreeningRefused as refused:
            raise ValidationError({"child": refused.message}) from None
        screening = ScreeningResult.objects.get(child=child, is_current=True)
        body = {
            "observations": ObservationSerializer(created, many=True).data,
            "screening": ScreeningSerializer(screening).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(min_value=1, help_text="The version you read")


class ObservationWithdrawApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="safeguarding_observations_withdraw",
        request=WithdrawInputSerializer,
        responses={200: ObservationSerializer, 400: ErrorSerializer, 409: ErrorSerializer},
        tags=["safeguarding"],
    )
    def post(self, request: Request, pk: int) -> Response:
        observation = selectors.get_observation(request.user, pk)
        payload = WithdrawInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.observation_withdraw(
            acting_user=request.user,
            observation=observation,
            reason=payload.validated_data["reason"],
            expected_version=payload.validated_data["version"],
        )
        return Response(ObservationSerializer(row).data)


# --- Screening --------------------------------------------------------------------------------


def _refused(refused: services.ScreeningRefused) -> Response:
    return Response(
        {"detail": refused.message, "errors": {refused.field: [refused.message]}},
        status=status.HTTP_400_BAD_REQUEST,
    )


class ChildScreeningApi(APIView):
    """The child's current screening (re-screened first if records changed)."""

    # A page about one child: anyone who may not see the child gets the same 404 as for a
    # child that does not exist (get_visible), never a 403 that tells them it does.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="safeguarding_screening_retrieve",
        responses={200: ScreeningSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        tags=["safeguarding"],
    )
    def get(self, request: Request, pk: int) -> Response:
        # `request`: a sensitive child needs the caller's reason (X-Vigil-Justification).
        child = people_selectors.get_visible(request.user, Person, pk, request=request)
        try:
            result = services.ensure_current_screening(acting_user=request.user, child=child)
        except services.ScreeningRefused as refused:
            return _refused(refused)
        return Response(ScreeningSerializer(result).data)


class OverrideInputSerializer(serializers.Serializer):
    rank = serializers.IntegerField(min_value=0, help_text="0 no indicators recorded .. 3 high")
    reason = serializers.CharField()


class OverrideSerializer(serializers.ModelSerializer):
    class Meta:
        model = Override
        fields = [
            "id",
            "child",
            "rank",
            "reason",
            "rule_rank_at_proposal",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class OverrideResultSerializer(serializers.Serializer):
    override = OverrideSerializer()
    screening = ScreeningSerializer()


class LiveOverrideSerializer(serializers.Serializer):
    override = OverrideSerializer(allow_null=True)


class ChildOverrideApi(APIView):
    """Professional judgement: raising applies at once; lowering below the rule result waits
    for a supervisor's approval (status `pending`)."""

    # A page about one child: anyone who may not see the child gets the same 404 as for a
    # child that does not exist (get_visible), never a 403 that tells them it does.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="safeguarding_judgement_retrieve",
        responses={200: LiveOverrideSerializer, 404: ErrorSerializer},
        tags=["safeguarding"],
    )
    def get(self, request: Request, pk: int) -> Response:
        child = people_selectors.get_visible(request.user, Person, pk, request=request)
        live = selectors.live_override(child)
        return Response({"override": OverrideSerializer(live).data if live else None})

    @extend_schema(
        operation_id="safeguarding_judgement_create",
        request=OverrideInputSerializer,
        responses={201: OverrideResultSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        tags=["safeguarding"],
    )
    def post(self, request: Request, pk: int) -> Response:
        child = people_selectors.get_visible(request.user, Person, pk, audit=False)
        payload = OverrideInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = services.override_propose(
            acting_user=request.user,
            child=child,
            rank=payload.validated_data["rank"],
            reason=payload.validated_data["reason"],
        )
        screening = ScreeningResult.objects.get(child=child, is_current=True)
        return Response(
            {
                "override": OverrideSerializer(row).data,
                "screening": ScreeningSerializer(screening).data,
            },
            status=status.HTTP_201_CREATED,
        )
