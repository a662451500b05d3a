"""The API: verification contacts (kept by administrators and coordinators) and the links
sent to them (read, and withdrawn, by the coordinators of the agencies they list)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from agencies.roles import roles_of

from . import selectors, services
from .models import VerificationContact
from .serializers import ConfirmationLinkSerializer, VerificationContactSerializer


class ProgramStaff(BasePermission):
    """Administrators, coordinators and (reading) the workgroup; never an employee alone."""

    def has_permission(self, request, view) -> bool:
        roles = roles_of(request.user)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return roles.is_admin or roles.is_coordinator or roles.is_workgroup
        return roles.is_admin or roles.is_coordinator


class VerificationContactViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The people at each mentoring organization who confirm hours. Never deleted: a contact
    who leaves is made inactive."""

    serializer_class = VerificationContactSerializer
    permission_classes = [ProgramStaff]
    filterset_fields = ["organization", "active"]

    def get_queryset(self):
        return VerificationContact.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.contact_save(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        contact = serializer.instance
        fields = {
            "organization": contact.organization,
            "name": contact.name,
            "email": contact.email,
            "active": contact.active,
            **serializer.validated_data,
        }
        serializer.instance = services.contact_save(by=self.request.user, contact=contact, **fields)


class ConfirmationLinkViewSet(viewsets.ReadOnlyModelViewSet):
    """Confirmation links sent to contacts: the token itself is never stored or shown."""

    serializer_class = ConfirmationLinkSerializer
    permission_classes = [ProgramStaff]

    def get_queryset(self):
        return selectors.links_reachable(roles_of(self.request.user)).prefetch_related("entries")

    @extend_schema(
        request=None,
        responses={
            200: ConfirmationLinkSerializer,
            403: OpenApiResponse(description="Your role does not allow this action."),
            404: OpenApiResponse(description="Not found, or outside your reach."),
        },
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        link = self.get_object()
        link = services.link_revoke(link=link, by=request.user)
        return Response(ConfirmationLinkSerializer(link).data)
