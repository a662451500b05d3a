"""transfers/: moving an employee to another agency on a date.

The sending agency's coordinator starts one (POST), the receiving agency's coordinator accepts
it (`{id}/accept/`); an administrator's transfer, or one started by someone who coordinates both
agencies, is done at once. Either agency's coordinator cancels a proposed one (`{id}/cancel/`).
Everyone reads the transfers within reach: their own, their agencies', or all (workgroup, admin).
"""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from agencies.models import Agency, Employee, Transfer
from agencies.roles import roles_of

from .apis import RULE_ERRORS
from .services import transfers


class TransferSerializer(serializers.ModelSerializer):
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.none())
    employee_number = serializers.CharField(source="employee.employee_number", read_only=True)
    from_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())

    class Meta:
        model = Transfer
        fields = [
            "id",
            "employee",
            "employee_number",
            "from_agency",
            "to_agency",
            "effective_on",
            "status",
            "started_by",
            "started_at",
            "accepted_by",
            "accepted_at",
            "cancelled_by",
            "cancelled_at",
        ]
        # The service checks one transfer per date, and names effective_on when it refuses.
        validators = []
        read_only_fields = [
            "status",
            "started_by",
            "started_at",
            "accepted_by",
            "accepted_at",
            "cancelled_by",
            "cancelled_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        # Only employees of an agency the user coordinates can be named: any other answers
        # "does not exist", as it would outside the user's reach.
        request = self.context.get("request")
        if request is not None:
            roles = roles_of(request.user)
            employees = Employee.objects.select_related("agency", "user")
            if not roles.is_admin:
                employees = employees.filter(agency_id__in=roles.coordinator_agency_ids)
            fields["employee"].queryset = employees
        return fields


class TransferOutcomeSerializer(TransferSerializer):
    enrolled = serializers.BooleanField(
        allow_null=True,
        help_text="Once done: whether the employee is enrolled on the new agency's roster "
        "(null while the transfer awaits the receiving agency).",
    )
    notice = serializers.CharField(help_text="What the transfer means for the employee's roster.")

    class Meta(TransferSerializer.Meta):
        fields = [*TransferSerializer.Meta.fields, "enrolled", "notice"]


def _outcome(outcome: transfers.TransferOutcome, request) -> dict:
    data = TransferSerializer(outcome.transfer, context={"request": request}).data
    notice = outcome.notice
    if outcome.transfer.status == Transfer.Status.PROPOSED:
        notice = f"Awaiting a coordinator of {outcome.transfer.to_agency.code}, who accepts it."
    return {**data, "enrolled": outcome.enrolled, "notice": notice}


class TransferViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Transfers of employees between agencies."""

    serializer_class = TransferSerializer
    filterset_fields = ["employee", "status"]

    def get_queryset(self):
        roles = roles_of(self.request.user)
        queryset = Transfer.objects.select_related("employee", "from_agency", "to_agency")
        if roles.reads_everything:
            return queryset
        agencies = roles.coordinator_agency_ids
        return queryset.filter(
            Q(from_agency_id__in=agencies)
            | Q(to_agency_id__in=agencies)
            | Q(employee_id=roles.employee_id or 0)
        )

    @extend_schema(responses={201: TransferOutcomeSerializer, **RULE_ERRORS})
    def create(self, request, *args, **kwargs):
        """Start a transfer (a coordinator of the employee's agency, or an administrator, who
        does it at once)."""
        roles = roles_of(request.user)
        if not (roles.is_admin or roles.is_coordinator):
            raise PermissionDenied("Only a coordinator or an administrator transfers employees.")
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = transfers.transfer_start(by=request.user, **body.validated_data)
        return Response(_outcome(outcome, request), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: TransferOutcomeSerializer, **RULE_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The receiving agency's coordinator accepts: the transfer takes effect."""
        outcome = transfers.transfer_accept(by=request.user, transfer=self.get_object())
        return Response(_outcome(outcome, request))

    @extend_schema(request=None, responses={200: TransferSerializer, **RULE_ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Either agency's coordinator cancels a proposed transfer."""
        transfer = transfers.transfer_cancel(by=request.user, transfer=self.get_object())
        return Response(TransferSerializer(transfer, context={"request": request}).data)
