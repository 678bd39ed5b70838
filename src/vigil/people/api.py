"""REST API over the POLE store. Reads go through selectors (need-to-know, audited); writes
through services (validated, versioned, audited). Updates must send the `version` they read."""

from __future__ import annotations

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


class CaseRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create and update one kind of case record; no deletes (records are
    kept under MoPI review and retention, not removed by a click)."""

    model: type[Model]

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return self.model.objects.none()
        return visible_records(self.request.user, self.model.objects.all())

    def get_object(self) -> Any:
        return selectors.get_visible(self.request.user, self.model, self.kwargs["pk"])

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

    def _expected_version(self, data: dict[str, Any]) -> int:
        if "version" not in data:
            from django.core.exceptions import ValidationError

            raise ValidationError({"version": "Send the version you read (no lost updates)"})
        return int(data.pop("version"))


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

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.person_create(acting_user=self.request.user, **data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        serializer.instance = services.person_update(
            acting_user=self.request.user,
            person=serializer.instance,
            expected_version=version,
            **data,
        )


class ObjectViewSet(CaseRecordViewSet):
    model = PoleObject
    serializer_class = ObjectSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return _filter(super().get_queryset(), self.request, ["kind", "search_key"]).order_by("id")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.object_create(acting_user=self.request.user, **data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        serializer.instance = services.object_update(
            acting_user=self.request.user,
            pole_object=serializer.instance,
            expected_version=version,
            **data,
        )


class LocationViewSet(CaseRecordViewSet):
    model = Location
    serializer_class = LocationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        queryset = _filter(super().get_queryset(), self.request, ["premises_type", "town"])
        postcode = self.request.query_params.get("postcode")
        if postcode:
            queryset = queryset.filter(postcode_key=postcode.replace(" ", "").upper())
        return queryset.order_by("id")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.location_create(acting_user=self.request.user, **data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        serializer.instance = services.location_update(
            acting_user=self.request.user,
            location=serializer.instance,
            expected_version=version,
            **data,
        )


def _participants(user: Any, rows: list[dict[str, Any]], model: type[Model]) -> list[Any]:
    return [
        (selectors.get_visible(user, model, row["id"], audit=False), row["role"]) for row in rows
    ]


class EventViewSet(CaseRecordViewSet):
    model = Event
    serializer_class = EventSerializer

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

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        parts = self._split(data)
        serializer.instance = services.event_create(acting_user=self.request.user, **parts, **data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        parts = self._split(data)
        serializer.instance = services.event_update(
            acting_user=self.request.user,
            event=serializer.instance,
            expected_version=version,
            add_people=parts["people"],
            add_objects=parts["objects"],
            add_locations=parts["locations"],
            **data,
        )


class LinkViewSet(CaseRecordViewSet):
    model = Link
    serializer_class = LinkSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return _filter(super().get_queryset(), self.request, ["link_type"]).order_by("id")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        from django.core.exceptions import ValidationError

        data = dict(serializer.validated_data)
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
        serializer.instance = services.link_create(
            acting_user=user,
            link_type=data["link_type"],
            source_entity=ends[0],
            target_entity=ends[1],
            source=data["source"],
            first_seen=data.get("first_seen"),
            last_seen=data.get("last_seen"),
            notes=data.get("notes", ""),
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        version = self._expected_version(data)
        changes = {
            k: v for k, v in data.items() if k in ("first_seen", "last_seen", "source", "notes")
        }
        serializer.instance = services.link_update(
            acting_user=self.request.user,
            link=serializer.instance,
            expected_version=version,
            **changes,
        )


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
        report.subjects = [p.pk for p in subjects]
        report.occurred_at = report.event.occurred_at
        report.summary = report.event.summary
        report.reference = report.event.reference
        serializer.instance = report
