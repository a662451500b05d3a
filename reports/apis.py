"""Workbook downloads. Coordinators get their own agency's workbook, the workgroup and admins
any; employees none. An agency outside the user's reach answers 404, like an unknown code."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from agencies.models import Agency
from agencies.roles import roles_of
from agencies.roster import XLSX_CONTENT_TYPE
from policy.params import year_param

from .workbooks import (
    adoption_filename,
    agency_filename,
    build_adoption_workbook,
    build_agency_workbook,
)

YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    required=True,
    description="Calendar year of the workbook, 1996 to 2100.",
)
CODE = OpenApiParameter(
    "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Agency code, e.g. DOT."
)
ERRORS = {
    400: OpenApiResponse(description="The year is missing, not a number or out of range."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Your role does not download this workbook."),
}


class JsonErrorsAnyAccept(BaseContentNegotiation):
    """Serve the workbook whatever the client accepts; errors are always JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class WorkbookApi(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonErrorsAnyAccept


class AgencyWorkbookApi(WorkbookApi):
    """The agency workbook (xlsx): Summary, Employees, Monthly (with a chart), Requests and
    Definitions sheets for one agency and year."""

    @extend_schema(
        operation_id="reports_agency_workbook",
        parameters=[CODE, YEAR],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook, as an attachment."
            ),
            **ERRORS,
            404: OpenApiResponse(description="No such agency, or not yours."),
        },
    )
    def get(self, request, code: str):
        roles = roles_of(request.user)
        if not (roles.reads_everything or roles.is_coordinator):
            raise PermissionDenied("Only coordinators and the workgroup download workbooks.")
        agency = Agency.objects.filter(code=code.upper()).first()
        if agency is None or not (roles.reads_everything or roles.coordinates(agency.pk)):
            raise NotFound("No such agency within your reach.")
        year = year_param(request.query_params)
        return _download(build_agency_workbook(agency, year), agency_filename(agency, year))


class AdoptionWorkbookApi(WorkbookApi):
    """The workgroup's adoption workbook (xlsx): one row per agency with totals, a monthly
    trend chart, a sheet per agency and a sheet defining every column."""

    @extend_schema(
        operation_id="reports_adoption_workbook",
        parameters=[YEAR],
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook, as an attachment."
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        if not roles_of(request.user).reads_everything:
            raise PermissionDenied("Only the workgroup downloads the adoption workbook.")
        year = year_param(request.query_params)
        return _download(build_adoption_workbook(year), adoption_filename(year))
