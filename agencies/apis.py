from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from . import approvals, services
from .filters import EmployeeFilter, EnrollmentFilter, PilotFilter
from .models import Agency, Delegation, Employee, Enrollment, MentoringOrganization, Pilot
from .permissions import AdminWrites, CoordinatorWrites
from .roles import roles_of, scope_by_agency
from .serializers import (
    AgencySerializer,
    ApprovalChainSerializer,
    DelegationSerializer,
    EmployeeSerializer,
    EnrollmentSerializer,
    MentoringOrganizationSerializer,
    PilotSerializer,
)

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]


class AgencyViewSet(viewsets.ModelViewSet):
    """Agencies, by code. Everyone signed in reads them; administrators change them."""

    queryset = Agency.objects.all()
    serializer_class = AgencySerializer
    permission_classes = [AdminWrites]
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"
    http_method_names = WRITE_METHODS

    def get_permissions(self):
        if self.action == "approval_chain":
            return [IsAuthenticated()]  # the service lets in an admin or the agency's coordinator
        return super().get_permissions()

    @extend_schema(request=ApprovalChainSerializer, responses={200: AgencySerializer})
    @action(detail=True, methods=["post"], url_path="approval-chain")
    def approval_chain(self, request, code=None):
        """Who decides the agency's requests: `coordinator` or `supervisor_then_coordinator`."""
        agency = self.get_object()
        if not roles_of(request.user).coordinates(agency.pk):
            raise PermissionDenied(
                f"Only a coordinator of {agency.code} can change its approval chain."
            )
        body = ApprovalChainSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agency = approvals.agency_set_approval_chain(
            by=request.user, agency=agency, **body.validated_data
        )
        return Response(AgencySerializer(agency).data)


class MentoringOrganizationViewSet(viewsets.ModelViewSet):
    """Mentoring organizations and whether they meet the quality-assurance standards."""

    queryset = MentoringOrganization.objects.all()
    serializer_class = MentoringOrganizationSerializer
    permission_classes = [AdminWrites]
    filterset_fields = ["meets_quality_standards"]
    http_method_names = WRITE_METHODS


class RosterViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Base for roster data: read within reach, write as a coordinator of the agency."""

    permission_classes = [CoordinatorWrites]

    def agency_id_of(self, obj) -> int:
        raise NotImplementedError


class PilotViewSet(RosterViewSet):
    serializer_class = PilotSerializer
    filterset_class = PilotFilter

    def get_queryset(self):
        roles = roles_of(self.request.user)
        queryset = Pilot.objects.select_related("agency")
        if roles.reads_everything:
            return queryset
        agencies = set(roles.coordinator_agency_ids) | {roles.employee_agency_id}
        return queryset.filter(agency_id__in=agencies - {None})

    def agency_id_of(self, obj) -> int:
        return obj.agency_id

    def perform_create(self, serializer):
        serializer.instance = services.pilot_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.pilot_update(
            by=self.request.user, pilot=serializer.instance, **serializer.validated_data
        )


class EmployeeViewSet(RosterViewSet):
    """Employees, with their eligibility and, when not eligible, the rule and the reason."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter

    def get_queryset(self):
        queryset = Employee.objects.select_related("user", "agency")
        return scope_by_agency(
            queryset, roles_of(self.request.user), agency_path="agency_id", employee_path="id"
        )

    def agency_id_of(self, obj) -> int:
        return obj.agency_id

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        user_fields = data.pop("user")
        serializer.instance = services.employee_create(by=self.request.user, **data, **user_fields)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        user_fields = data.pop("user", {})
        if "agency" in data and data["agency"] != serializer.instance.agency:
            raise ValidationError(
                {"agency": "An employee moves to another agency through a transfer (transfers/)."}
            )
        serializer.instance = services.employee_update(
            by=self.request.user, employee=serializer.instance, **data, **user_fields
        )


class EnrollmentViewSet(RosterViewSet):
    """The pilot rosters."""

    serializer_class = EnrollmentSerializer
    filterset_class = EnrollmentFilter

    def get_queryset(self):
        queryset = Enrollment.objects.select_related("employee", "pilot", "organization")
        return scope_by_agency(
            queryset,
            roles_of(self.request.user),
            agency_path="employee__agency_id",
            employee_path="employee_id",
        )

    def agency_id_of(self, obj) -> int:
        return obj.employee.agency_id

    def perform_create(self, serializer):
        serializer.instance = services.enrollment_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.enrollment_update(
            by=self.request.user, enrollment=serializer.instance, **serializer.validated_data
        )


class DelegationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Delegations: while one runs, the delegate sees and decides the delegator's queue.

    Everyone reads the delegations they gave or hold; a coordinator reads the agency's."""

    serializer_class = DelegationSerializer
    filterset_fields = ["delegator", "delegate"]

    def get_queryset(self):
        roles = roles_of(self.request.user)
        queryset = Delegation.objects.select_related("agency")
        if roles.reads_everything:
            return queryset
        if not self.request.user.is_authenticated:
            return queryset.none()
        user = self.request.user
        return queryset.filter(
            Q(delegator=user) | Q(delegate=user) | Q(agency_id__in=roles.coordinator_agency_ids)
        )

    def perform_create(self, serializer):
        serializer.instance = approvals.delegation_create(
            by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the delegation early."""
        delegation = approvals.delegation_end(by=request.user, delegation=self.get_object())
        return Response(DelegationSerializer(delegation).data)
