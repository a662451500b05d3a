"""The roster as a spreadsheet over the API: the template, the export and the import.

Coordinators work on their own agency; an administrator, or for downloads a workgroup member,
names the agency with ?agency=CODE. The import is agencies.roster.import_roster(), the same
service as the command line and the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import roster
from .models import Agency
from .roles import Roles, roles_of

# A multipart body carries a little more than the file: its boundaries and part headers.
MULTIPART_OVERHEAD = 64 * 1024


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The roster: an Excel workbook (.xlsx) or a CSV file in the template's columns."
    )


class RosterErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="Spreadsheet row (the header is row 1); null for the file."
    )
    column = serializers.CharField(allow_null=True)
    code = serializers.CharField(help_text="invalid, required, formula, duplicate, a rule code…")
    message = serializers.CharField()


class RosterImportSerializer(serializers.Serializer):
    detail = serializers.CharField()
    agency = serializers.CharField()
    dry_run = serializers.BooleanField()
    rows = serializers.IntegerField()
    employees_created = serializers.IntegerField()
    employees_updated = serializers.IntegerField()
    enrollments_created = serializers.IntegerField()
    enrollments_updated = serializers.IntegerField()
    rows_unchanged = serializers.IntegerField()
    errors = RosterErrorSerializer(many=True)


class RosterRefusedSerializer(serializers.Serializer):
    """Every refusal of the import: why, and each problem with its row and column. The report's
    counts come along once the file has been read; a body over the server's request limit
    answers {code, detail}."""

    detail = serializers.CharField()
    errors = RosterErrorSerializer(many=True, required=False)
    code = serializers.CharField(required=False)
    agency = serializers.CharField(required=False)
    dry_run = serializers.BooleanField(required=False)
    rows = serializers.IntegerField(required=False)
    employees_created = serializers.IntegerField(required=False)
    employees_updated = serializers.IntegerField(required=False)
    enrollments_created = serializers.IntegerField(required=False)
    enrollments_updated = serializers.IntegerField(required=False)
    rows_unchanged = serializers.IntegerField(required=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


AGENCY_PARAMETER = OpenApiParameter(
    "agency",
    str,
    description="Agency code, e.g. DOT. A coordinator of one agency may leave it out.",
)
FORBIDDEN = OpenApiResponse(DetailSerializer, description="The user's role may not do this.")
BAD_AGENCY = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Unknown agency, or an agency is needed: {'agency': [...]}."
)


class FileDownloadNegotiation(DefaultContentNegotiation):
    """?format= chooses the file type of a download, not a renderer; errors answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _agency(request, roles: Roles, *, reading: bool, required: bool = True) -> Agency | None:
    """The agency a roster request is about: ?agency=CODE, or the one agency the user
    coordinates. Writes need a coordinator of it (or an administrator); reading also lets the
    workgroup in."""
    code = (request.query_params.get("agency") or "").strip().upper()
    if not code:
        if len(roles.coordinator_agency_ids) == 1:
            return Agency.objects.get(pk=next(iter(roles.coordinator_agency_ids)))
        if not required:
            return None
        raise ValidationError({"agency": "Name the agency, e.g. ?agency=DOT."})
    agency = Agency.objects.filter(code=code[:12]).first()
    if agency is None:
        raise ValidationError({"agency": f"No agency has the code {code[:20]!r}."})
    if not (roles.coordinates(agency.pk) or (reading and roles.is_workgroup)):
        # Outside the user's reach, as another agency's workbook: 404, not 403.
        raise NotFound(f"No roster of {agency.code} within your reach.")
    return agency


def _check_reader(roles: Roles) -> None:
    if not (roles.is_admin or roles.is_coordinator or roles.is_workgroup):
        raise PermissionDenied("Only coordinators, the workgroup and administrators see rosters.")


def _flag(request, name: str) -> bool:
    raw = (request.query_params.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ValidationError({name: f"Use ?{name}=1 or ?{name}=0."})


def _refused(field_errors: dict) -> Response:
    """A refused request parameter, in the shape of every other refusal of the import."""
    errors = [
        {"row": None, "column": name, "code": "invalid", "message": str(message)}
        for name, message in field_errors.items()
    ]
    detail = f"The roster was not imported: {errors[0]['message']} Nothing was changed."
    return Response({"detail": detail, "errors": errors}, status=400)


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RosterImportApi(APIView):
    """Import a roster file into the agency: every row or none."""

    # The project's multipart parser (settings), which also refuses control characters.
    parser_classes = [
        parser
        for parser in api_settings.DEFAULT_PARSER_CLASSES
        if issubclass(parser, MultiPartParser)
    ]

    @extend_schema(
        operation_id="enrollments_import",
        tags=["enrollments"],
        summary="Import a roster spreadsheet (xlsx or csv): all rows or none",
        description=(
            "Adds or changes the agency's employees (and their accounts, with no usable "
            "password) and their roster lines, under the same rules as the enrollments API. "
            "Any bad row and nothing changes: the 400 answer lists every problem with its row "
            "(the header is row 1), column and reason. `?dry_run=1` checks and counts without "
            "saving. Importing the same file again changes nothing."
        ),
        parameters=[
            AGENCY_PARAMETER,
            OpenApiParameter(
                "dry_run", bool, description="1: check and count, save nothing.", default=False
            ),
        ],
        request={"multipart/form-data": RosterUploadSerializer},
        responses={
            200: OpenApiResponse(RosterImportSerializer, description="Imported, or checked."),
            400: OpenApiResponse(
                RosterRefusedSerializer,
                description="Not imported: a bad file, bad rows or a bad parameter, each in "
                "errors with its row (the header is row 1; null for the file) and column.",
            ),
            403: FORBIDDEN,
            409: OpenApiResponse(
                RosterRefusedSerializer, description="The roster changed during the import."
            ),
            413: OpenApiResponse(
                RosterRefusedSerializer,
                description="The file is over the size limit (ROSTER_UPLOAD_MAX_BYTES).",
            ),
        },
    )
    def post(self, request):
        roles = roles_of(request.user)
        if not (roles.is_admin or roles.is_coordinator):
            raise PermissionDenied("Only a pilot coordinator of the agency can import its roster.")
        try:
            agency = _agency(request, roles, reading=False)
            dry_run = _flag(request, "dry_run")
        except ValidationError as exc:
            return _refused(exc.detail)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ROSTER_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD:
            # Refused before the body is read.
            result = roster.refused_as_too_large(agency=agency, dry_run=dry_run)
            return Response(result.as_dict(), status=result.status)
        upload = request.FILES.get("file")
        if upload is None:
            return _refused({"file": "Attach the roster file as the form field `file`."})
        result = roster.import_roster(
            agency=agency, by=request.user, uploaded_file=upload, dry_run=dry_run
        )
        return Response(result.as_dict(), status=result.status)


class RosterExportApi(APIView):
    """The agency's roster in the import's format."""

    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(
        operation_id="enrollments_export",
        tags=["enrollments"],
        summary="Download the agency's roster (xlsx, or csv), ready to edit and import back",
        parameters=[
            AGENCY_PARAMETER,
            OpenApiParameter(
                "format", str, enum=["xlsx", "csv"], default="xlsx", description="File type."
            ),
        ],
        responses={
            (200, roster.XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="xlsx"
            ),
            (200, roster.CSV_TYPE): OpenApiResponse(OpenApiTypes.STR, description="csv"),
            400: BAD_AGENCY,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        roles = roles_of(request.user)
        _check_reader(roles)
        agency = _agency(request, roles, reading=True)
        file_format = (request.query_params.get("format") or "xlsx").strip().lower()
        if file_format not in ("xlsx", "csv"):
            raise ValidationError({"format": "Use ?format=xlsx or ?format=csv."})
        content = roster.export_roster(agency, file_format=file_format)
        stamp = timezone.localdate().isoformat()
        return _download(
            content,
            filename=f"roster-{agency.code}-{stamp}.{file_format}",
            content_type=roster.XLSX_CONTENT_TYPE if file_format == "xlsx" else roster.CSV_TYPE,
        )


class RosterTemplateApi(APIView):
    """The blank roster workbook: header, example row, and notes on every column."""

    content_negotiation_class = FileDownloadNegotiation

    @extend_schema(
        operation_id="enrollments_template",
        tags=["enrollments"],
        summary="Download the roster template (xlsx)",
        parameters=[AGENCY_PARAMETER],
        responses={
            (200, roster.XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="xlsx"
            ),
            400: BAD_AGENCY,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        roles = roles_of(request.user)
        _check_reader(roles)
        agency = _agency(request, roles, reading=True, required=False)
        return _download(
            roster.roster_template(agency),
            filename="roster-template.xlsx",
            content_type=roster.XLSX_CONTENT_TYPE,
        )
