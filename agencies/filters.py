from __future__ import annotations

import django_filters
from django.db.models import Q

from policy.params import MAX_ID

from .models import Employee, Enrollment, Pilot


class PilotFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", label="Agency code")

    class Meta:
        model = Pilot
        fields = ["agency", "status"]


class EmployeeFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__code", label="Agency code")
    search = django_filters.CharFilter(method="filter_search", label="Name or employee number")

    class Meta:
        model = Employee
        fields = ["agency", "bargaining_unit", "appointment", "employee_number"]

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(employee_number__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
        )


class EnrollmentFilter(django_filters.FilterSet):
    employee = django_filters.NumberFilter(field_name="employee_id", min_value=1, max_value=MAX_ID)
    pilot = django_filters.NumberFilter(field_name="pilot_id", min_value=1, max_value=MAX_ID)
    agency = django_filters.CharFilter(field_name="pilot__agency__code", label="Agency code")

    class Meta:
        model = Enrollment
        fields = ["agency", "pilot", "organization", "status", "employee"]
