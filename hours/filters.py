from __future__ import annotations

import django_filters

from ledger.models import LedgerEntry
from policy.params import MAX_ID, MAX_YEAR, MIN_YEAR

from .models import LeaveRequest, PersonalHours


class EntryFilter(django_filters.FilterSet):
    # A plain number, not a choice among all employees: an id outside one's reach then gives
    # an empty list, as any other, and does not reveal whether it exists.
    employee = django_filters.NumberFilter(field_name="employee_id", min_value=1, max_value=MAX_ID)
    agency = django_filters.CharFilter(field_name="employee__agency__code", label="Agency code")
    year = django_filters.NumberFilter(
        field_name="date__year", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")


class PersonalHoursFilter(EntryFilter):
    class Meta:
        model = PersonalHours
        fields = ["status", "employee", "organization", "agency", "year"]


class LeaveRequestFilter(EntryFilter):
    class Meta:
        model = LeaveRequest
        fields = ["status", "employee", "organization", "agency", "year"]


class LedgerFilter(django_filters.FilterSet):
    employee = django_filters.NumberFilter(field_name="employee_id", min_value=1, max_value=MAX_ID)
    year = django_filters.NumberFilter(min_value=MIN_YEAR, max_value=MAX_YEAR)
    subject_id = django_filters.NumberFilter(min_value=1, max_value=MAX_ID)
    agency = django_filters.CharFilter(field_name="agency__code", label="Agency code")
    date_after = django_filters.DateFilter(field_name="at__date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="at__date", lookup_expr="lte")

    class Meta:
        model = LedgerEntry
        fields = ["employee", "agency", "kind", "year", "subject_type", "subject_id"]
