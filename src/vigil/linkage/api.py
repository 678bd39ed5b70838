"""`GET /api/linkage/already-known/`: who a person being added may already be (issue 11).

Used by linkage/static/linkage/already_known.mjs as the user types; answers only with people the
user may see, and audits each suggestion as a consultation."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.accounts.access import works_with_cases
from vigil.linkage import selectors


class WorksWithCases(BasePermission):
    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(works_with_cases(request.user))


class AlreadyKnownQuerySerializer(serializers.Serializer):
    given_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    family_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="YYYY-MM-DD, only once complete"
    )
    postcode = serializers.CharField(max_length=16, required=False, allow_blank=True)


class EvidenceSerializer(serializers.Serializer):
    comparison = serializers.CharField(help_text="given_name, date_of_birth, family_name, location")
    level = serializers.CharField(help_text='What the model found, e.g. "DOB exact"')
    kind = serializers.ChoiceField(choices=["agree", "similar", "differ", "missing"])


class SuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="e.g. P-42")
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    url = serializers.CharField(help_text="The person's page")
    match_probability = serializers.FloatField()
    evidence = EvidenceSerializer(many=True)


class AlreadyKnownSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)


class AlreadyKnownApi(APIView):
    permission_classes = [WorksWithCases]

    @extend_schema(
        operation_id="linkage_already_known",
        summary="People the person being added may already be",
        description=(
            "Scores the people sharing a blocking key with what has been typed (name, date of "
            "birth, postcode) with the record-linkage model; returns at most 5 the user may "
            "see, most likely first. Each suggestion is audited as a consultation."
        ),
        parameters=[AlreadyKnownQuerySerializer],
        responses={200: AlreadyKnownSerializer},
        tags=["linkage"],
    )
    def get(self, request: Request) -> Response:
        query = AlreadyKnownQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = selectors.already_known(request.user, **query.validated_data)
        return Response(
            {
                "suggestions": [
                    {
                        "id": s.person.pk,
                        "reference": f"P-{s.person.pk}",
                        "name": s.person.full_name,
                        "date_of_birth": s.person.date_of_birth,
                        "url": f"/people/{s.person.pk}/",
                        "match_probability": round(s.match_probability, 4),
                        "evidence": s.evidence,
                    }
                    for s in found
                ]
            }
        )
