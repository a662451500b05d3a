"""An employee's own view of leave accounting: for each approved request, whether it has been
sent and in which batch."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.roles import employee_of
from policy import dates
from policy.params import year_param

from . import periods, selectors


class BatchRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    period = serializers.SerializerMethodField()
    sent_at = serializers.DateTimeField()

    def get_period(self, batch) -> str:
        return periods.code(batch.period)


class RequestStatusSerializer(serializers.Serializer):
    request = serializers.IntegerField(source="request_id")
    date = serializers.DateField()
    hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    status = serializers.CharField()
    sent = serializers.BooleanField()
    sent_in = BatchRefSerializer(allow_null=True)
    undone_in = BatchRefSerializer(
        allow_null=True, help_text="The batch whose negative line undid it, if any."
    )


class MyLeaveAccountingSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    results = RequestStatusSerializer(many=True)


class MyLeaveAccountingApi(APIView):
    """Your own requests of the year that are approved or were sent to leave accounting."""

    @extend_schema(
        operation_id="balances_me_leave_accounting",
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.INT, description="Calendar year (default: this year)."
            )
        ],
        responses={200: MyLeaveAccountingSerializer},
    )
    def get(self, request):
        employee = employee_of(request.user)
        if employee is None:
            raise PermissionDenied("Only a state employee with a profile has leave to send.")
        year = year_param(request.query_params, default=dates.today().year)
        rows = selectors.request_statuses(employee_id=employee.pk, year=year)
        return Response({"year": year, "results": RequestStatusSerializer(rows, many=True).data})
