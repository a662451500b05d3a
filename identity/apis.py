"""`me/`: the signed-in user reads their roles and profile, and changes their own name and
email (identity.services)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.models import Agency
from agencies.roles import employee_of, roles_of
from agencies.serializers import EmployeeSerializer, MeSerializer

from . import services
from .serializers import MeUpdatedSerializer, MeUpdateSerializer


def _me(request, user) -> dict:
    roles = roles_of(user)
    employee = employee_of(user)
    coordinated = Agency.objects.filter(Q(pk__in=roles.coordinator_agency_ids)).values_list(
        "code", flat=True
    )
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": roles.names,
        "coordinator_of": list(coordinated),
        "employee": EmployeeSerializer(employee, context={"request": request}).data
        if employee
        else None,
        "agency": employee.agency.code if employee else None,
    }


class MeApi(APIView):
    """The signed-in user: roles, employee profile and agency."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(_me(request, request.user))

    @extend_schema(request=MeUpdateSerializer, responses=MeUpdatedSerializer)
    def patch(self, request):
        """Change one's own first and last name (at once) and email (through a confirmation
        link sent to the new address)."""
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.own_profile_update(user=request.user, **serializer.validated_data)
        return Response(
            {**_me(request, change.user), "email_confirmation_sent_to": change.email_link_sent_to}
        )
