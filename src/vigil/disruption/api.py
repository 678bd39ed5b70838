"""REST API of the disruption tools: one small class per operation with its Input and Output
serializers (shape only: rules live in the services). Errors use the one error shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vigil.disruption import selectors, services
from vigil.disruption.access import is_hotel_operator, is_police_case_worker, works_with_cases
from vigil.disruption.models import (
    AgreedBy,
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    RecipientCapacity,
    ReturnForm,
    ReturnMethod,
)
from vigil.people.models import Event, Location, Person


def _require_case_worker(request: Request) -> None:
    # The lists are for people who work with cases: anyone else is refused (403), as on the
    # web pages; a record they may not see is still a 404.
    if not works_with_cases(request.user):
        raise PermissionDenied


def _visible(request: Request, model: type[Any], pk: object, field: str) -> Any:
    try:
        return selectors.get_visible(request.user, model, pk, audit=False)
    except Http404:
        raise ValidationError({field: [f"No {field} {pk}, or you cannot see it"]}) from None


# --- CAWNs ------------------------------------------------------------------------------------


class CawnOutput(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()
    evidence: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = ChildAbductionWarningNotice
        fields = [
            "id",
            "code",
            "subject",
            "child",
            "child_in_care",
            "agreed_by",
            "agreed_by_name",
            "issuing_officer",
            "issued_on",
            "served_on",
            "served_how",
            "expires_on",
            "review_on",
            "grounds",
            "reference",
            "evidence",
            "withdrawn_on",
            "status",
            "owning_agency",
            "version",
        ]

    def get_status(self, obj: ChildAbductionWarningNotice) -> str:
        return obj.status(timezone.localdate())


class CawnListCreateApi(APIView):
    class CawnIssueInput(serializers.Serializer):
        subject = serializers.IntegerField()
        child = serializers.IntegerField()
        child_in_care = serializers.BooleanField()
        agreed_by = serializers.ChoiceField(choices=AgreedBy.choices)
        agreed_by_name = serializers.CharField(max_length=200)
        issued_on = serializers.DateField()
        grounds = serializers.CharField(required=False, allow_blank=True, default="")
        reference = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=60
        )
        evidence = serializers.ListField(child=serializers.IntegerField(), required=False)

    @extend_schema(responses=CawnOutput(many=True), operation_id="disruption_cawns_list")
    def get(self, request: Request) -> Response:
        _require_case_worker(request)
        cawns = selectors.tool_lists(request.user).cawns
        return Response(CawnOutput(cawns, many=True).data)

    @extend_schema(
        request=CawnIssueInput, responses={201: CawnOutput}, operation_id="disruption_cawns_create"
    )
    def post(self, request: Request) -> Response:
        data = self.CawnIssueInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        cawn = services.cawn_issue(
            acting_user=request.user,
            subject=_visible(request, Person, values["subject"], "subject"),
            child=_visible(request, Person, values["child"], "child"),
            child_in_care=values["child_in_care"],
            agreed_by=values["agreed_by"],
            agreed_by_name=values["agreed_by_name"],
            issued_on=values["issued_on"],
            grounds=values["grounds"],
            reference=values["reference"],
            evidence=[
                _visible(request, Event, pk, "evidence") for pk in values.get("evidence", [])
            ],
        )
        return Response(CawnOutput(cawn).data, status=status.HTTP_201_CREATED)


class CawnDetailApi(APIView):
    @extend_schema(responses=CawnOutput, operation_id="disruption_cawns_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk, request=request)
        return Response(CawnOutput(cawn).data)


# --- Hotel information notices ----------------------------------------------------------------


class HotelNoticeOutput(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    evidence: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    information_required = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = HotelInformationNotice
        fields = [
            "id",
            "code",
            "stage",
            "premises",
            "recipient_name",
            "recipient_capacity",
            "grounds",
            "evidence",
            "information_required",
            "further_information",
            "frequency",
            "return_form",
            "issuing_officer",
            "issued_on",
            "period_end",
            "served_on",
            "served_how",
            "appeal_lodged_on",
            "appeal_outcome",
            "appeal_decided_on",
            "previous_notice",
            "owning_agency",
            "version",
        ]


class HotelNoticeListCreateApi(APIView):
    class HotelNoticeDraftInput(serializers.Serializer):
        premises = serializers.IntegerField()
        recipient_name = serializers.CharField(max_length=200)
        recipient_capacity = serializers.ChoiceField(choices=RecipientCapacity.choices)
        grounds = serializers.CharField()
        information_required = serializers.ListField(child=serializers.CharField(max_length=40))
        further_information = serializers.CharField(required=False, allow_blank=True, default="")
        frequency = serializers.CharField(max_length=20)
        return_form = serializers.ChoiceField(choices=ReturnForm.choices, default="portal")
        period_end = serializers.DateField()
        evidence = serializers.ListField(child=serializers.IntegerField(), required=False)

    @extend_schema(
        responses=HotelNoticeOutput(many=True), operation_id="disruption_hotel_notices_list"
    )
    def get(self, request: Request) -> Response:
        _require_case_worker(request)
        notices = selectors.tool_lists(request.user).hotel_notices
        return Response(HotelNoticeOutput(notices, many=True).data)

    @extend_schema(
        request=HotelNoticeDraftInput,
        responses={201: HotelNoticeOutput},
        operation_id="disruption_hotel_notices_create",
    )
    def post(self, request: Request) -> Response:
        data = self.HotelNoticeDraftInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["premises"] = _visible(request, Location, values["premises"], "premises")
        values["evidence"] = [
            _visible(request, Event, pk, "evidence") for pk in values.get("evidence", [])
        ]
        notice = services.hotel_notice_draft(acting_user=request.user, **values)
        return Response(HotelNoticeOutput(notice).data, status=status.HTTP_201_CREATED)


class HotelNoticeDetailApi(APIView):
    @extend_schema(responses=HotelNoticeOutput, operation_id="disruption_hotel_notices_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        notice = selectors.get_visible(request.user, HotelInformationNotice, pk, request=request)
        return Response(HotelNoticeOutput(notice).data)


class HotelNoticeIssueApi(APIView):
    """Issue a draft notice as its issuing officer (inspector rank or above, ASBCPA s116)."""

    class HotelNoticeIssueInput(serializers.Serializer):
        version = serializers.IntegerField(min_value=1)
        issued_on = serializers.DateField()

    @extend_schema(
        request=HotelNoticeIssueInput,
        responses=HotelNoticeOutput,
        operation_id="disruption_hotel_notices_issue",
    )
    def post(self, request: Request, pk: int) -> Response:
        notice = selectors.get_visible(request.user, HotelInformationNotice, pk, audit=False)
        data = self.HotelNoticeIssueInput(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.hotel_notice_issue(
            acting_user=request.user,
            notice=notice,
            expected_version=data.validated_data["version"],
            issued_on=data.validated_data["issued_on"],
        )
        return Response(HotelNoticeOutput(notice).data)


class GuestInput(serializers.Serializer):
    """One guest row; checked by the services (vigil.disruption.returns), not here."""

    guest_name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    town = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(required=False, allow_blank=True, default="")
    arrived_on = serializers.CharField(allow_blank=True)
    departed_on = serializers.CharField(required=False, allow_blank=True, default="")
    room = serializers.CharField(required=False, allow_blank=True, default="")
    booked_by = serializers.CharField(required=False, allow_blank=True, default="")
    vehicle_registration = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class HotelReturnSubmitApi(APIView):
    """Submit a return (operator for their own premises, or police for a paper return). All or
    nothing: any bad row rejects the whole return, naming each row."""

    class HotelReturnInput(serializers.Serializer):
        period_start = serializers.DateField()
        nil_return = serializers.BooleanField(default=False)
        guests = serializers.ListField(child=GuestInput(), required=False, max_length=2000)

    class HotelReturnReceipt(serializers.Serializer):
        receipt = serializers.CharField()
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        guests = serializers.IntegerField()
        submitted_at = serializers.DateTimeField()

    @extend_schema(
        request=HotelReturnInput,
        responses={201: HotelReturnReceipt},
        operation_id="disruption_hotel_returns_create",
    )
    def post(self, request: Request, pk: int) -> Response:
        if is_hotel_operator(request.user):
            notice = selectors.get_operator_notice(request.user, pk)
        elif is_police_case_worker(request.user):
            notice = selectors.get_visible(request.user, HotelInformationNotice, pk, audit=False)
        else:
            raise Http404
        data = self.HotelReturnInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            hotel_return = services.hotel_return_submit(
                acting_user=request.user,
                notice=notice,
                period_start=values["period_start"],
                nil_return=values["nil_return"],
                guests=values.get("guests", []),
                method=ReturnMethod.API,
            )
        except services.ReturnRejected as error:
            raise ValidationError({"guests": error.messages()}) from None
        return Response(
            self.HotelReturnReceipt(
                {
                    "receipt": hotel_return.receipt,
                    "period_start": hotel_return.period_start,
                    "period_end": hotel_return.period_end,
                    "guests": hotel_return.guests.count(),
                    "submitted_at": hotel_return.submitted_at,
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


# --- Due soon ---------------------------------------------------------------------------------


class DueSoonApi(APIView):
    class DueItemOutput(serializers.Serializer):
        on = serializers.DateField()
        what = serializers.CharField()
        overdue = serializers.BooleanField()
        record_type = serializers.CharField()
        record_id = serializers.IntegerField()
        code = serializers.CharField()

    @extend_schema(responses=DueItemOutput(many=True), operation_id="disruption_due_list")
    def get(self, request: Request) -> Response:
        _require_case_worker(request)
        rows = [
            {
                "on": item.on,
                "what": item.what,
                "overdue": item.overdue,
                "record_type": item.record._meta.model_name,
                "record_id": item.record.pk,
                "code": item.record.code,
            }
            for item in selectors.due_soon(request.user)
        ]
        return Response(self.DueItemOutput(rows, many=True).data)
