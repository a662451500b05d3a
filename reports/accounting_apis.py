"""Leave accounting for one agency: what is still to be sent for a month, sending it, and the
sent batches. Coordinators of the agency and administrators read and send; the workgroup reads;
an agency outside the user's reach answers 404, like an unknown code."""

from __future__ import annotations

from django.db import IntegrityError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounting import periods, selectors, services
from accounting.models import Batch
from agencies.models import Agency
from agencies.roles import roles_of
from agencies.roster import XLSX_CONTENT_TYPE

from . import leave_accounting as export_file
from .apis import CODE, WorkbookApi

FORMATS = ("xlsx", "csv", "json")
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(FORMATS),
    description="xlsx (the default), csv or json.",
)
PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    required=True,
    description="The pay period, a calendar month in Pacific time: YYYY-MM, e.g. 2026-11.",
)
NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The batch's number."
)
FILE = {
    (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The xlsx file."),
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The csv file."),
    (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description="The lines."),
}
ERRORS = {
    400: OpenApiResponse(description="The period or format is malformed, or out of range."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Your role does not read leave accounting."),
    404: OpenApiResponse(description="No such agency or batch, or not yours."),
}


def agency_in_reach(request, code: str, *, to_send: bool = False) -> Agency:
    roles = roles_of(request.user)
    if not (roles.reads_everything or roles.is_coordinator):
        raise PermissionDenied("Only coordinators and the workgroup read leave accounting.")
    agency = Agency.objects.filter(code=code.upper()).first()
    if agency is None or not (roles.reads_everything or roles.coordinates(agency.pk)):
        raise NotFound("No such agency within your reach.")
    if to_send and not roles.coordinates(agency.pk):
        raise PermissionDenied("Only the agency's coordinators send its leave to accounting.")
    return agency


def respond(request, export) -> HttpResponse | Response:
    kind = request.query_params.get("format") or "xlsx"
    if kind not in FORMATS:
        raise ValidationError({"format": f"Choose one of {', '.join(FORMATS)}."})
    if kind == "json":
        return Response(export_file.as_json(export))
    if kind == "csv":
        content, content_type = export_file.build_csv(export), export_file.CSV_CONTENT_TYPE
    else:
        content, content_type = export_file.build_xlsx(export), XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export_file.filename(export, kind)}"'
    response["Cache-Control"] = "private, no-store"
    return response


class LeaveAccountingApi(WorkbookApi):
    """What is still to be sent to leave accounting for one month: approved leave dated up to
    the month's end and never sent (late lines for earlier months), and negative lines for
    requests cancelled or reversed after they were sent. If the month is already sent, its
    batch."""

    @extend_schema(
        operation_id="reports_leave_accounting",
        parameters=[CODE, PERIOD, FORMAT],
        responses={**FILE, **ERRORS},
    )
    def get(self, request, code: str):
        agency = agency_in_reach(request, code)
        period = periods.parse_period(request.query_params.get("period"))
        batch = Batch.objects.filter(agency=agency, period=period).first()
        if batch is not None:
            return respond(request, selectors.batch_export(batch))
        return respond(request, selectors.unsent_export(agency=agency, period=period))


class SendSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM, e.g. 2026-11.")


class LeaveAccountingSendApi(WorkbookApi):
    """Send a month to leave accounting: its lines become the agency's next numbered batch,
    frozen. Sending the same month twice, or while a later month is sent, answers 400."""

    @extend_schema(
        operation_id="reports_leave_accounting_send",
        parameters=[CODE],
        request=SendSerializer,
        responses={
            201: OpenApiResponse(OpenApiTypes.OBJECT, description="The batch."),
            **ERRORS,
        },
    )
    def post(self, request, code: str):
        agency = agency_in_reach(request, code, to_send=True)
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = periods.parse_period(body.validated_data["period"])
        try:
            batch = services.batch_send(agency=agency, period=period, by=request.user)
        except IntegrityError:
            # Another sending committed first (the lock makes this rare; the constraint sure).
            raise ValidationError(
                {"period": f"{periods.label(period)} was just sent by someone else."}
            ) from None
        batch = selectors.batches_of(agency).get(pk=batch.pk)
        return Response(export_file.batch_json(batch), status=status.HTTP_201_CREATED)


class LeaveAccountingBatchesApi(WorkbookApi):
    """The agency's sent batches, newest first."""

    @extend_schema(
        operation_id="reports_leave_accounting_batches",
        parameters=[CODE],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT), **ERRORS},
    )
    def get(self, request, code: str):
        agency = agency_in_reach(request, code)
        rows = [export_file.batch_json(batch) for batch in selectors.batches_of(agency)]
        return Response({"agency": agency.code, "count": len(rows), "results": rows})


class LeaveAccountingBatchApi(WorkbookApi):
    """One sent batch, as it was sent: the same file at every download, but for the time of
    the download in its title."""

    @extend_schema(
        operation_id="reports_leave_accounting_batch",
        parameters=[CODE, NUMBER, FORMAT],
        responses={**FILE, **ERRORS},
    )
    def get(self, request, code: str, number: int):
        agency = agency_in_reach(request, code)
        batch = Batch.objects.filter(agency=agency, number=number).select_related("agency").first()
        if batch is None:
            raise NotFound("No such batch.")
        return respond(request, selectors.batch_export(batch))
