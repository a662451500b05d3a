"""Who a user is in the program, and what they may see.

A user may hold several roles at once: an employee profile, coordinator of one or more
agencies, workgroup member, admin (Django superuser). Each queryset is narrowed to the user's
reach before anything else happens, so an object outside it answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet


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
    from .models import Employee, Role

    is_workgroup = False
    agencies: set[int] = set()
    for kind, agency_id in Role.objects.filter(user=user, active=True).values_list(
        "kind", "agency_id"
    ):
        if kind == Role.Kind.WORKGROUP:
            is_workgroup = True
        elif agency_id is not None:
            agencies.add(agency_id)
    employee = Employee.objects.select_related("agency").filter(user=user).order_by().first()
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
