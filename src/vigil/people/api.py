"""REST API over the POLE store. Reads go through selectors (need-to-know, audited); writes
through services (validated, versioned, audited). Updates must send the `version` they read."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from vigil.accounts.access import visible_records
from vigil.audit.models import Action
from vigil.audit.services import audit_log_many
from vigil.people import selectors, services
from vigil.people.models import (
    Event,
    HandlingCode,
    IntelligenceAssessment,
    Link,
    Location,
    Person,
    PersonIdentifier,
    PersonName,
    PoleObject,
    SourceEvaluation,
)

# --- Serializers (shape only; rules live in services) -----------------------------------------


class PersonNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonName
        fields = ["id", "name_type", "given_names", "family_name", "source"]


class PersonIdentifierSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonIdentifier
        fields = ["id", "scheme", "value", "issuer"]


class PersonSerializer(serializers.ModelSerializer):
    other_names = PersonNameSerializer(many=True, read_only=True)
    identifiers = PersonIdentifierSerializer(many=True, read_only=True)
    languages = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    flags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Person
        fields = [
            "id",
            "given_names",
            "family_name",
            "date_of_birth",
            "date_of_birth_precision",
            "gender",
            "ethnicity",
            "nationality",
            "languages",
            "flags",
            "notes",
            "access_level",
            "other_names",
            "identifiers",
            "owning_agency",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["owning_agency", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}


class ObjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = PoleObject
        fields = [
            "id",
            "kind",
            "vrm",
            "make",
            "model",
            "colour",
            "phone_number",
            "imei",
            "platform",
            "handle",
            "description",
            "access_level",
            "owning_agency",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["owning_agency", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "premises_type",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "latitude",
            "longitude",
            "access_level",
            "owning_agency",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["owning_agency", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}


class ParticipantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    people = serializers.SerializerMethodField()
    objects = serializers.SerializerMethodField()
    locations = serializers.SerializerMethodField()
    add_people = ParticipantSerializer(many=True, write_only=True, required=False)
    add_objects = ParticipantSerializer(many=True, write_only=True, required=False)
    add_locations = ParticipantSerializer(many=True, write_only=True, required=False)

    class Meta:
        model = Event
        fields = [
            "id",
            "event_type",
            "occurred_at",
            "ended_at",
            "summary",
            "description",
            "reference",
            "access_level",
            "people",
            "objects",
            "locations",
            "add_people",
            "add_objects",
            "add_locations",
            "owning_agency",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["owning_agency", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}}

    def get_people(self, event: Event) -> list[dict[str, Any]]:
        return [{"id": row.person_id, "role": row.role} for row in event.involved_people.all()]

    def get_objects(self, event: Event) -> list[dict[str, Any]]:
        return [
            {"id": row.pole_object_id, "role": row.role} for row in event.involved_objects.all()
        ]

    def get_locations(self, event: Event) -> list[dict[str, Any]]:
        return [{"id": row.location_id, "role": row.role} for row in event.involved_locations.all()]


class EndpointSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "object", "location"])
    id = serializers.IntegerField()


class LinkSerializer(serializers.ModelSerializer):
    source_record = serializers.SerializerMethodField()
    target_record = serializers.SerializerMethodField()
    from_record = EndpointSerializer(write_only=True, required=False)
    to_record = EndpointSerializer(write_only=True, required=False)

    class Meta:
        model = Link
        fields = [
            "id",
            "link_type",
            "source_record",
            "target_record",
            "from_record",
            "to_record",
            "first_seen",
            "last_seen",
            "source",
            "notes",
            "owning_agency",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["owning_agency", "created_at", "updated_at"]
        extra_kwargs = {"version": {"required": False}, "link_type": {"required": False}}

    def get_source_record(self, link: Link) -> dict[str, Any]:
        entity = link.source_entity
        return {"kind": services.entity_kind(entity), "id": entity.pk}

    def get_target_record(self, link: Link) -> dict[str, Any]:
        entity = link.target_entity
        return {"kind": services.entity_kind(entity), "id": entity.pk}


class IntelligenceReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    event = serializers.IntegerField(read_only=True, source="event_id")
    subjects = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    occurred_at = serializers.DateTimeField()
    summary = serializers.CharField(max_length=200)
    text = serializers.CharField()
    source_evaluation = serializers.ChoiceField(choices=SourceEvaluation.choices)
    intelligence_assessment = serializers.ChoiceField(choices=IntelligenceAssessment.choices)
    handling_code = serializers.ChoiceField(choices=HandlingCode.choices)
    handling_conditions = serializers.CharField(required=False, allow_blank=True, default="")
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    grading = serializers.CharField(read_only=True)


# --- Views ------------------------------------------------------------------------------------

ENTITY_MODELS: dict[str, type[Model]] = {
    "person": Person,
    "object": PoleObject,
    "location": Location,
}


class ServiceWritesMixin:
    """perform_create / perform_update for a viewset whose writes go through one create and
    one update service: `create_service(acting_user=, **arguments)` and
    `update_service(acting_user=, <record_argument>=record, expected_version=, **arguments)`.
    An update must send the `version` it read (a stale one is a 409 from the service)."""

    request: Any  # the viewset's DRF Request
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    record_argument: str

    def create_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        """The create service's arguments from the validated input (default: as they are)."""
        return data

    def update_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        """The update service's arguments from the validated input (default: as they are)."""
        return data

    def perform_create(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        service = type(self).create_service
        serializer.instance = service(acting_user=self.request.user, **self.create_arguments(data))

    def perform_update(self, serializer: serializers.BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        service = type(self).update_service
        serializer.instance = service(
            acting_user=self.request.user,
            expected_version=version,
            **{self.record_argument: serializer.instance},
            **self.update_arguments(data),
        )

    def _expected_version(self, data: dict[str, Any]) -> int:
        if "version" not in data:
            from django.core.exceptions import ValidationError

            raise ValidationError({"version": "Send the version you read (no lost updates)"})
        return int(data.pop("version"))


class CaseRecordViewSet(
    ServiceWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update one kind of case record; no deletes (records are
    kept under MoPI review and retention, not removed by a click). Writes go through the
    services named by the subclass, with the version the caller read."""

    model: type[Model]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model._default_manager.none()
        return visible_records(self.request.user, self.model._default_manager.all())

    def get_object(self) -> Any:
        # `request`: a sensitive record needs the caller's reason (X-Vigil-Justification).
        return selectors.get_visible(
            self.request.user, self.model, self.kwargs["pk"], request=self.request
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        if rows:
            audit_log_many(
                acting_user=request.user,
                action=Action.CONSULTATION,
                objects=[(self.model._meta.model_name or "", row.pk) for row in rows],
                detail={"via": "api list"},
            )
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


def _filter(
    queryset: QuerySet[Any],
    request: Request,
    fields: list[str],
    lookups: dict[str, str] | None = None,
) -> QuerySet[Any]:
    """Filter on query parameters (`fields` by their own name, `lookups` param -> lookup);
    a value of the wrong type is a 400 naming the parameter, not a 500."""
    from django.core.exceptions import ValidationError

    wanted = {name: name for name in fields} | (lookups or {})
    for param, lookup in wanted.items():
        value = request.query_params.get(param)
        if value:
            try:
                queryset = queryset.filter(**{lookup: value})
            except (ValueError, TypeError, ValidationError):
                raise ValidationError(
                    {param: f"'{value[:40]}' is not a valid {param.replace('_', ' ')}"}
                ) from None
    return queryset


@extend_schema(
    parameters=[
        OpenApiParameter("q", str, description="Name search (aliases, nicknames, typos)"),
        OpenApiParameter("family_name", str),
        OpenApiParameter("date_of_birth", str, description="YYYY-MM-DD"),
    ]
)
class PersonViewSet(CaseRecordViewSet):
    model = Person
    serializer_class = PersonSerializer
    create_service = services.person_create
    update_service = services.person_update
    record_argument = "person"

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset().prefetch_related("other_names", "identifiers")
        if getattr(self, "swagger_fake_view", False):
            return queryset
        queryset = _filter(queryset, self.request, ["family_name", "date_of_birth"])
        text = self.request.query_params.get("q", "").strip()
        if text:
            results = selectors.search(self.request.user, text=text, page_size=1000, audit=False)
            queryset = queryset.filter(pk__in=[hit.person.pk for hit in results.people])
        return queryset.order_by("family_name", "given_names", "id")


class ObjectViewSet(CaseRecordViewSet):
    model = PoleObject
    serializer_class = ObjectSerializer
    create_service = services.object_create
    update_service = services.object_update
    record_argument = "pole_object"

    def get_queryset(self) -> QuerySet[Any]:
        return _filter(super().get_queryset(), self.request, ["kind", "search_key"]).order_by("id")


class LocationViewSet(CaseRecordViewSet):
    model = Location
    serializer_class = LocationSerializer
    create_service = services.location_create
    update_service = services.location_update
    record_argument = "location"

    def get_queryset(self) -> QuerySet[Any]:
        queryset = _filter(super().get_queryset(), self.request, ["premises_type", "town"])
        postcode = self.request.query_params.get("postcode")
        if postcode:
            queryset = queryset.filter(postcode_key=postcode.replace(" ", "").upper())
        return queryset.order_by("id")


def _participants(user: Any, rows: list[dict[str, Any]], model: type[Model]) -> list[Any]:
    return [
        (selectors.get_visible(user, model, row["id"], audit=False), row["role"]) for row in rows
    ]


class EventViewSet(CaseRecordViewSet):
    model = Event
    serializer_class = EventSerializer
    create_service = services.event_create
    update_service = services.event_update
    record_argument = "event"

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        queryset = _filter(
            super().get_queryset(),
            self.request,
            ["event_type"],
            {"person": "involved_people__person_id"},
        )
        if self.request.query_params.get("person"):
            queryset = queryset.distinct()  # one row per event, whatever the person's roles
        return queryset.prefetch_related(
            "involved_people", "involved_objects", "involved_locations"
        ).order_by("-occurred_at", "-id")

    def _split(self, data: dict[str, Any]) -> dict[str, Any]:
        user = self.request.user
        return {
            "people": _participants(user, data.pop("add_people", []), Person),
            "objects": _participants(user, data.pop("add_objects", []), PoleObject),
            "locations": _participants(user, data.pop("add_locations", []), Location),
        }

    def create_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        return {**self._split(data), **data}

    def update_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        parts = self._split(data)
        return {
            "add_people": parts["people"],
            "add_objects": parts["objects"],
            "add_locations": parts["locations"],
            **data,
        }


class LinkViewSet(CaseRecordViewSet):
    model = Link
    serializer_class = LinkSerializer
    create_service = services.link_create
    update_service = services.link_update
    record_argument = "link"

    def get_queryset(self) -> QuerySet[Any]:
        return _filter(super().get_queryset(), self.request, ["link_type"]).order_by("id")

    def create_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        from django.core.exceptions import ValidationError

        errors = {
            name: "This field is required."
            for name in ("link_type", "from_record", "to_record", "source")
            if not data.get(name)
        }
        if errors:
            raise ValidationError(errors)
        user = self.request.user
        ends = [
            selectors.get_visible(user, ENTITY_MODELS[end["kind"]], end["id"], audit=False)
            for end in (data["from_record"], data["to_record"])
        ]
        return {
            "link_type": data["link_type"],
            "source_entity": ends[0],
            "target_entity": ends[1],
            "source": data["source"],
            "first_seen": data.get("first_seen"),
            "last_seen": data.get("last_seen"),
            "notes": data.get("notes", ""),
        }

    def update_arguments(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            k: v for k, v in data.items() if k in ("first_seen", "last_seen", "source", "notes")
        }


class IntelligenceReportViewSet(viewsets.GenericViewSet, mixins.CreateModelMixin):
    """Record a 3x5x2-graded intelligence report about one or more people."""

    serializer_class = IntelligenceReportSerializer

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        user = self.request.user
        subjects = [
            selectors.get_visible(user, Person, pk, audit=False) for pk in data.pop("subjects")
        ]
        report = services.intelligence_report_create(acting_user=user, subjects=subjects, **data)
        # The serializer reads the report with its event's fields alongside.
        serializer.instance = SimpleNamespace(
            id=report.pk,
            event_id=report.event_id,
            subjects=[p.pk for p in subjects],
            occurred_at=report.event.occurred_at,
            summary=report.event.summary,
            text=report.text,
            source_evaluation=report.source_evaluation,
            intelligence_assessment=report.intelligence_assessment,
            handling_code=report.handling_code,
            handling_conditions=report.handling_conditions,
            reference=report.event.reference,
            grading=report.grading,
        )
