"""Who may change what. Reading is narrowed by each view's queryset (outside reach: 404);
these classes answer 403 for an action the user's role never allows."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import roles_of


class AdminWrites(BasePermission):
    """Reference data (agencies, organizations): everybody signed in reads, admins change."""

    message = "Only an administrator can change this."

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or roles_of(request.user).is_admin


class CoordinatorWrites(BasePermission):
    """Roster data: coordinators change their own agency's, admins anything; others read."""

    message = "Only a pilot coordinator of this agency can change this."

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        roles = roles_of(request.user)
        return roles.is_admin or roles.is_coordinator

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return roles_of(request.user).coordinates(view.agency_id_of(obj))
