"""Who a user is in the program, and what they may see.

A user may hold several roles at once: an employee profile, coordinator of one or more
agencies, workgroup member, admin (Django superuser). Each queryset is narrowed to the user's
reach before anything else happens, so an object outside it answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, FilteredRelation, Q, QuerySet


@dataclass(frozen=True)
class Roles:
    user_id: int | None
    is_admin: bool
    is_workgroup: bool
    coordinator_agency_ids: frozenset[int]
    employee_id: int | None
    employee_agency_id: int | None

    @property
    def reads_everything(self) -> bool:
        return self.is_admin or self.is_workgroup

    @property
    def is_coordinator(self) -> bool:
        return bool(self.coordinator_agency_ids)

    def coordinates(self, agency_id: int) -> bool:
        return self.is_admin or agency_id in self.coordinator_agency_ids

    @property
    def names(self) -> list[str]:
        names = []
        if self.employee_id:
            names.append("employee")
        if self.coordinator_agency_ids:
            names.append("coordinator")
        if self.is_workgroup:
            names.append("workgroup")
        if self.is_admin:
            names.append("admin")
        return names


ANONYMOUS = Roles(None, False, False, frozenset(), None, None)


def roles_of(user) -> Roles:
    """The user's roles, read once per request and kept on the user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_program_roles", None)
    if cached is not None:
        return cached
    from django.contrib.auth import get_user_model

    # One read: the user with their employee profile (and its agency) joined, one row per role
    # (a single row without a role).
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .select_related("employee__agency")
        # Only active roles count: a deactivated role is kept for the record, and ignored.
        .annotate(
            active_roles=FilteredRelation("roles", condition=Q(roles__active=True)),
            role_kind=F("active_roles__kind"),
            role_agency_id=F("active_roles__agency_id"),
        )
        .order_by()
    )
    employee = None
    kinds = []
    for row in rows:
        employee = getattr(row, "employee", None)
        kinds.append((row.role_kind, row.role_agency_id))
    return remember_roles(user, employee=employee, kinds=kinds)


def remember_roles(user, *, employee, kinds: list[tuple[str | None, int | None]]) -> Roles:
    """Keep on `user` the roles read with it: its employee profile (or None) and the
    (kind, agency id) of each role (None, None on the row of a user without one)."""
    from .models import Role

    is_workgroup = False
    agencies: set[int] = set()
    for kind, agency_id in kinds:
        if kind == Role.Kind.WORKGROUP:
            is_workgroup = True
        elif agency_id is not None:
            agencies.add(agency_id)
    if employee is not None:
        employee.user = user  # the same object: no second read of the user
    roles = Roles(
        user_id=user.pk,
        is_admin=bool(user.is_superuser),
        is_workgroup=is_workgroup,
        coordinator_agency_ids=frozenset(agencies),
        employee_id=employee.pk if employee else None,
        employee_agency_id=employee.agency_id if employee else None,
    )
    user._program_roles = roles
    user._program_employee = employee
    return roles


def employee_of(user):
    """The user's own Employee profile (with its agency), or None; read with their roles."""
    roles_of(user)
    return getattr(user, "_program_employee", None)


def own_employee(user):
    """The user's own Employee profile, for what only an employee does for themselves (log
    hours, request leave, see their year); 403 (PermissionDenied, which DRF answers too) for
    a user without one."""
    employee = employee_of(user)
    if employee is None:
        raise PermissionDenied(
            "Only a state employee with a profile can log hours or request leave."
        )
    return employee


def scope_by_agency(
    queryset: QuerySet, roles: Roles, *, agency_path: str, employee_path: str | None
) -> QuerySet:
    """Narrow `queryset` to what `roles` may read.

    `agency_path` leads from the model to its agency id (e.g. "employee__agency_id"),
    `employee_path` to its employee id, or None where an employee sees nothing of it.
    """
    if roles.reads_everything:
        return queryset
    condition = Q(**{f"{agency_path}__in": roles.coordinator_agency_ids})
    if employee_path and roles.employee_id:
        condition |= Q(**{employee_path: roles.employee_id})
    if not roles.coordinator_agency_ids and not (employee_path and roles.employee_id):
        return queryset.none()
    return queryset.filter(condition)
