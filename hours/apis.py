from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies import approvals
from agencies.models import Employee
from agencies.roles import own_employee, roles_of, scope_by_agency
from ledger.models import LedgerEntry
from policy import dates
from policy.params import MAX_ID, year_param
from policy.selectors import policy_params

from . import selectors, services
from .filters import LeaveRequestFilter, LedgerFilter, PersonalHoursFilter
from .models import LeaveRequest, PersonalHours
from .serializers import (
    ApproveSerializer,
    BadRequestSerializer,
    BalanceSerializer,
    BulkApproveResponseSerializer,
    BulkApproveSerializer,
    ErrorSerializer,
    LeaveRequestSerializer,
    LedgerEntrySerializer,
    OptionalReasonSerializer,
    PersonalHoursSerializer,
    ReasonSerializer,
    VerifySerializer,
)

RULE_ERRORS = {
    400: OpenApiResponse(
        BadRequestSerializer,
        description="A field is malformed, or a policy rule is broken (code names the rule).",
    ),
    403: OpenApiResponse(description="Your role does not allow this action."),
    404: OpenApiResponse(description="Not found, or outside your reach."),
    409: OpenApiResponse(
        ErrorSerializer, description="The item is not in a state that allows this."
    ),
}
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Calendar year (default: this year).")


def _scoped(queryset, request, action: str | None, *, team: bool = False):
    return approvals.scope_by_reach(queryset, request.user, team=team, many=action == "list")


def _is_an_id(value) -> bool:
    """Whether a path's id can be a row's (a positive integer within the keys' range)."""
    return (
        isinstance(value, str) and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID
    )


def _with_employee(manager, action: str | None):
    """Actions on one entry need its employee (who may act on it); a list shows only the id,
    so it skips the join."""
    return manager.all() if action == "list" else manager.select_related("employee")


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Entries are listed, read and made here; their changes are the actions below."""


class PersonalHoursViewSet(EntryViewSet):
    """Personal mentoring hours: logged by the employee, verified or rejected by a coordinator."""

    serializer_class = PersonalHoursSerializer
    filterset_class = PersonalHoursFilter

    def get_queryset(self):
        return _scoped(
            _with_employee(PersonalHours.objects, self.action), self.request, self.action
        )

    @extend_schema(responses={201: PersonalHoursSerializer, **RULE_ERRORS})
    def create(self, request, *args, **kwargs):
        own_employee(request.user)  # who may log comes before what they sent: 403 before 400
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.personal_hours_log(
            employee=own_employee(self.request.user),
            by=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(
        request=VerifySerializer, responses={200: PersonalHoursSerializer, **RULE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        entry = self.get_object()
        services.check_may_decide(employee=entry.employee, by=request.user, action="verify")
        body = VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.personal_hours_verify(entry=entry, by=request.user, **body.validated_data)
        return Response(PersonalHoursSerializer(entry).data)

    @extend_schema(
        request=ReasonSerializer, responses={200: PersonalHoursSerializer, **RULE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        entry = self.get_object()
        services.check_may_decide(employee=entry.employee, by=request.user, action="reject")
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.personal_hours_reject(entry=entry, by=request.user, **body.validated_data)
        return Response(PersonalHoursSerializer(entry).data)


class LeaveRequestViewSet(EntryViewSet):
    """Paid mentoring-leave requests and their approval."""

    serializer_class = LeaveRequestSerializer
    filterset_class = LeaveRequestFilter

    def get_queryset(self):
        return _scoped(
            _with_employee(LeaveRequest.objects, self.action), self.request, self.action, team=True
        )

    @extend_schema(responses={201: LeaveRequestSerializer, **RULE_ERRORS})
    def create(self, request, *args, **kwargs):
        own_employee(request.user)  # who may request comes before what they sent: 403 before 400
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.leave_request_create(
            employee=own_employee(self.request.user),
            by=self.request.user,
            **serializer.validated_data,
        )

    def _act(self, request, service, body_class, *, action: str):
        leave = self.get_object()
        # Who may act comes before what they sent: 403 (or self_approval) before a field error.
        if action == "cancel":
            services.check_may_cancel(request=leave, by=request.user)
        elif action in ("approve", "deny") and services.decides_as_supervisor(
            request=leave, by=request.user
        ):
            services.check_may_decide_as_supervisor(
                employee=leave.employee, by=request.user, action=action
            )
        else:
            services.check_may_decide(employee=leave.employee, by=request.user, action=action)
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        leave = service(request=leave, by=request.user, **body.validated_data)
        return Response(LeaveRequestSerializer(leave).data)

    @extend_schema(
        request=ApproveSerializer, responses={200: LeaveRequestSerializer, **RULE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        # A coordinator approving a pending request of their agency: found by its id under the
        # year's lock, one statement fewer. Anything else (a body with an error, someone else's
        # request, a supervisor's or a delegate's step) goes the ordinary way, which answers.
        body = ApproveSerializer(data=request.data)
        if body.is_valid() and _is_an_id(pk):
            leave = services.leave_request_approve_by_id(
                pk=int(pk), by=request.user, **body.validated_data
            )
            if leave is not None:
                return Response(LeaveRequestSerializer(leave).data)
        return self._act(
            request, services.leave_request_approve, ApproveSerializer, action="approve"
        )

    @extend_schema(request=ReasonSerializer, responses={200: LeaveRequestSerializer, **RULE_ERRORS})
    @action(detail=True, methods=["post"])
    def deny(self, request, pk=None):
        return self._act(request, services.leave_request_deny, ReasonSerializer, action="deny")

    @extend_schema(
        request=OptionalReasonSerializer, responses={200: LeaveRequestSerializer, **RULE_ERRORS}
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(
            request, services.leave_request_cancel, OptionalReasonSerializer, action="cancel"
        )

    @extend_schema(request=ReasonSerializer, responses={200: LeaveRequestSerializer, **RULE_ERRORS})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        return self._act(
            request, services.leave_request_reverse, ReasonSerializer, action="reverse"
        )

    @extend_schema(
        request=BulkApproveSerializer,
        responses={200: BulkApproveResponseSerializer, **RULE_ERRORS},
        description="Approve several requests; each is checked on its own. Ids outside your "
        "reach are reported as not found.",
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request):
        services.check_may_bulk_approve(by=request.user)  # 403 before a field error
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcome = services.leave_requests_approve_ids(
            ids=body.validated_data["ids"], by=request.user
        )
        return Response(
            {
                "approved": outcome.approved,
                "refused": outcome.refused,
                "results": [result.as_dict() for result in outcome.results],
            }
        )


def _balance_row(employee, figures) -> dict:
    return {
        "employee_id": employee.pk,
        "employee_number": employee.employee_number,
        "name": employee.user.get_full_name(),
        "agency": employee.agency.code,
        **{
            name: getattr(figures, name)
            for name in (
                "year",
                "cap",
                "paid_approved",
                "paid_pending",
                "paid_awaiting_supervisor",
                "personal_verified",
                "personal_awaiting_verification",
                "paid_available",
                "in_match",
            )
        },
    }


class BalanceViewSet(viewsets.GenericViewSet):
    """Each employee's year: cap, paid approved and pending, personal verified and awaiting
    verification, paid hours available now, and whether the year is in match."""

    serializer_class = BalanceSerializer

    def get_queryset(self):
        queryset = Employee.objects.all()
        return scope_by_agency(
            queryset, roles_of(self.request.user), agency_path="agency_id", employee_path="id"
        )

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("agency", OpenApiTypes.STR, description="Agency code"),
        ],
        responses={200: BalanceSerializer(many=True), 400: RULE_ERRORS[400]},
    )
    def list(self, request):
        year = year_param(request.query_params, default=dates.today().year)
        queryset = selectors.employees_with_year(self.get_queryset(), year=year).order_by(
            "agency__code", "employee_number"
        )
        agency = request.query_params.get("agency")
        if agency:
            queryset = queryset.filter(agency__code=agency)
        params = policy_params(year)
        page = self.paginate_queryset(queryset)
        rows = [_balance_row(e, selectors.figures_of(e, year=year, params=params)) for e in page]
        return self.get_paginated_response(BalanceSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[YEAR],
        responses={200: BalanceSerializer, 400: RULE_ERRORS[400], 403: RULE_ERRORS[403]},
    )
    @action(detail=False, methods=["get"])
    def me(self, request):
        year = year_param(request.query_params, default=dates.today().year)
        employee = own_employee(request.user)
        figures = selectors.balance_for(employee_id=employee.pk, year=year)
        return Response(BalanceSerializer(_balance_row(employee, figures)).data)


class LedgerViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail: every state change, who made it, when and why. Read-only."""

    serializer_class = LedgerEntrySerializer
    filterset_class = LedgerFilter

    def get_queryset(self):
        queryset = LedgerEntry.objects.select_related("agency", "actor")
        return scope_by_agency(
            queryset,
            roles_of(self.request.user),
            agency_path="agency_id",
            employee_path="employee_id",
        )
