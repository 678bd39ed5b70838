"""`POST /api/offences/`: the offence finder over JSON, with exactly the contract of
`vigil offences --json` (issue 8). Input is validated by the core's `parse_request`, so the API
and the CLI give the same messages; the serializers below only document the shapes."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.accounts.access import works_with_cases
from vigil.core.offences import FACTS, find_offences_for, parse_request


class WorksWithCases(BasePermission):
    """Only case roles may use the finder (the same predicate as the screen)."""

    message = "You do not have permission to do this."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(works_with_cases(request.user))


class OffenceQuerySerializer(serializers.Serializer):
    victim_date_of_birth = serializers.DateField(help_text="YYYY-MM-DD")
    suspect_date_of_birth = serializers.DateField(help_text="YYYY-MM-DD")
    incident_date = serializers.DateField(help_text="YYYY-MM-DD; ages are worked out on this date")
    facts = serializers.ListField(child=serializers.ChoiceField(choices=list(FACTS)))


class OffenceSerializer(serializers.Serializer):
    act = serializers.ChoiceField(
        choices=[
            "Sexual Offences Act 2003",
            "Modern Slavery Act 2015",
            "Protection of Children Act 1978",
            "Criminal Justice Act 1988",
        ]
    )
    section = serializers.CharField(help_text='The section number, e.g. "9", "15A", "160"')
    title = serializers.CharField()
    max_penalty = serializers.CharField(help_text='"life" or "<N> years", on indictment')
    defences = serializers.ListField(child=serializers.CharField())
    why = serializers.CharField()


class OffenceFindingSerializer(serializers.Serializer):
    victim_age = serializers.IntegerField()
    suspect_age = serializers.IntegerField()
    offences = OffenceSerializer(many=True, help_text="Most serious first")
    notes = serializers.ListField(child=serializers.CharField())


class OffenceFinderErrorSerializer(serializers.Serializer):
    """Documents the error body for the schema; never used to validate input."""

    detail = serializers.CharField()
    # The body's key is "errors", which shadows Serializer.errors on this schema-only class.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field name (absent on 401 and 403)",
    )


class OffenceFinderApi(APIView):
    """Which offences the ages and facts may amount to. Reads no case record."""

    permission_classes = [WorksWithCases]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="offences_find",
        summary="Find the offences the ages and facts may amount to",
        description=(
            "Sexual Offences Act 2003, Modern Slavery Act 2015 s2, Protection of Children Act "
            "1978 s1 and Criminal Justice Act 1988 s160. Lists every offence whose elements the "
            "facts meet, most serious first, with ages on the incident date. The same contract "
            "as `vigil offences --json`; unknown fields or facts are errors."
        ),
        request=OffenceQuerySerializer,
        responses={
            200: OffenceFindingSerializer,
            400: OffenceFinderErrorSerializer,
            403: OffenceFinderErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Victim 12, suspect 30",
                request_only=True,
                value={
                    "victim_date_of_birth": "2012-03-27",
                    "suspect_date_of_birth": "1994-08-14",
                    "incident_date": "2024-11-03",
                    "facts": ["penile_penetration"],
                },
            )
        ],
        tags=["offences"],
    )
    def post(self, request: Request) -> Response:
        try:
            body = request.data
        except (ParseError, UnsupportedMediaType) as error:
            return _bad_input(str(error.detail), status_code=error.status_code)
        try:
            query = parse_request(body)
        except ValueError as error:
            return _bad_input(str(error))
        return Response(find_offences_for(query).to_json())


def _bad_input(message: str, *, status_code: int = status.HTTP_400_BAD_REQUEST) -> Response:
    """The one API error shape, keyed by the field the message names ("facts[2]: …" is
    "facts"; a problem with the whole body is "non_field_errors")."""
    field, sep, _ = message.partition(": ")
    field = field.split("[", 1)[0] if sep else ""
    if not field or field == "input" or " " in field:
        field = "non_field_errors"
    return Response({"detail": message, "errors": {field: [message]}}, status=status_code)
