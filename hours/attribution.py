"""Which agency an hours entry (personal hours, a leave request) belongs to: the employee's
agency on the entry's date.

For almost everyone that is the employee's current agency. An employee who transferred
(Employee.transferred_on is set) has entries dated before that day: those belong to the agency
they were in then, the sending agency of the first transfer that took effect after the date.
Written as one SQL expression, whose lookup of the transfers runs only for those entries
(a CASE evaluates only the branch it takes), so the workbooks keep their one grouped query.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When

from agencies.models import Agency, Employee, Transfer


def entry_agency_id() -> Case:
    """The id of the agency an entry belongs to, over a PersonalHours or LeaveRequest query."""
    agency_then = (
        Transfer.objects.filter(
            employee_id=OuterRef("employee_id"),
            status=Transfer.Status.DONE,
            effective_on__gt=OuterRef("date"),
        )
        .order_by("effective_on")
        .values("from_agency_id")[:1]
    )
    return Case(
        When(
            Q(employee__transferred_on__isnull=True) | Q(date__gte=F("employee__transferred_on")),
            then=F("employee__agency_id"),
        ),
        default=Subquery(agency_then),
        output_field=IntegerField(),
    )


def moved_out_of(agency: Agency | int) -> QuerySet:
    """Employee ids that left `agency` by a transfer (their earlier entries may still be its)."""
    return Transfer.objects.filter(from_agency=agency, status=Transfer.Status.DONE).values(
        "employee_id"
    )


def belonging_to(queryset: QuerySet, agency: Agency | int) -> QuerySet:
    """The entries of `queryset` that belong to `agency`.

    The employees to look at are the agency's and those who left it, as one UNION, so the
    database still reads the entries through their employee: an OR of the two conditions
    would read every entry of the year (about ten times slower on PostgreSQL)."""
    agency_id = agency.pk if isinstance(agency, Agency) else agency
    employees = (
        Employee.objects.filter(agency_id=agency_id)
        .values("pk")
        .order_by()
        .union(moved_out_of(agency_id).order_by())
    )
    return (
        queryset.filter(employee_id__in=employees)
        .alias(entry_agency_id=entry_agency_id())
        .filter(entry_agency_id=agency_id)
    )
