"""The figures behind the workbooks, read in a fixed number of queries whatever the data size.

Each employee's year comes from hours.selectors.employees_with_year() and
BalanceFigures.from_values() (what figures_of() calls), the same reads that serve the balances
API, so a workbook and the API cannot disagree. Monthly hours are grouped by agency and month in
the database. Nothing here queries per agency or per employee.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim, TruncDate

from agencies.models import Agency, Employee, Enrollment
from hours.models import LeaveRequest, PersonalHours
from hours.selectors import BalanceFigures, employees_with_year
from ledger.models import LedgerEntry
from policy import rules
from policy.dates import year_bounds

ZERO = Decimal("0.00")
MONTHS = range(1, 13)
PACIFIC = ZoneInfo("America/Los_Angeles")


@dataclass(frozen=True)
class EmployeeRow:
    """One employee's line: who, where they stand on the roster, and their year's figures."""

    agency_id: int
    employee_number: str
    name: str
    eligible: bool
    on_roster: bool
    enrolled: bool
    figures: BalanceFigures

    @property
    def active_mentor(self) -> bool:
        return self.figures.paid_approved > 0 or self.figures.personal_verified > 0

    @property
    def roster_status(self) -> str:
        if self.enrolled:
            return "Active"
        return "Withdrawn" if self.on_roster else "Not on roster"


@dataclass
class AgencyFigures:
    """An agency's year, summed from its employees' lines."""

    code: str
    name: str
    headcount: int
    cap: Decimal
    roster_size: int = 0
    enrolled: int = 0
    active_mentors: int = 0
    paid_approved: Decimal = ZERO
    paid_pending: Decimal = ZERO
    paid_awaiting_supervisor: Decimal = ZERO
    personal_verified: Decimal = ZERO
    personal_awaiting_verification: Decimal = ZERO
    out_of_match: int = 0
    employees: int = 0

    def add(self, row: EmployeeRow) -> None:
        figures = row.figures
        self.employees += 1
        self.roster_size += row.on_roster
        self.enrolled += row.enrolled
        self.active_mentors += row.active_mentor
        self.paid_approved += figures.paid_approved
        self.paid_pending += figures.paid_pending
        self.paid_awaiting_supervisor += figures.paid_awaiting_supervisor
        self.personal_verified += figures.personal_verified
        self.personal_awaiting_verification += figures.personal_awaiting_verification
        self.out_of_match += not figures.in_match

    def add_totals(self, other: AgencyFigures) -> None:
        for name in (
            "employees",
            "roster_size",
            "enrolled",
            "active_mentors",
            "paid_approved",
            "paid_pending",
            "paid_awaiting_supervisor",
            "personal_verified",
            "personal_awaiting_verification",
            "out_of_match",
            "headcount",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def adoption_rate(self) -> float | None:
        """Enrolled employees over the agency's headcount; None when no headcount is recorded."""
        return self.enrolled / self.headcount if self.headcount else None

    @property
    def share_of_cap_used(self) -> float | None:
        """Approved paid leave over what the enrolled employees could take in all."""
        available = self.cap * self.enrolled
        return float(self.paid_approved / available) if available else None

    @property
    def has_data(self) -> bool:
        return bool(
            self.roster_size
            or self.paid_approved
            or self.paid_pending
            or self.paid_awaiting_supervisor
            or self.personal_verified
            or self.personal_awaiting_verification
        )


@dataclass
class Monthly:
    """Approved paid leave and verified personal hours, month by month (1..12)."""

    paid: dict[int, Decimal] = field(default_factory=lambda: dict.fromkeys(MONTHS, ZERO))
    personal: dict[int, Decimal] = field(default_factory=lambda: dict.fromkeys(MONTHS, ZERO))

    def rows(self, year: int) -> list[tuple[dt.date, Decimal, Decimal]]:
        return [(dt.date(year, m, 1), self.paid[m], self.personal[m]) for m in MONTHS]


def _roster_flags(year: int) -> dict[str, Exists]:
    first, last = year_bounds(year)
    lines = Enrollment.objects.filter(
        employee=OuterRef("pk"),
        pilot__agency=OuterRef("agency"),
        commitment_starts_on__lte=last,
        commitment_ends_on__gte=first,
    )
    return {
        "on_roster": Exists(lines),
        "enrolled": Exists(lines.filter(status=Enrollment.Status.ACTIVE)),
    }


def employee_rows(
    year: int, *, params: rules.PolicyParams, agency: Agency | None = None
) -> Iterator[EmployeeRow]:
    """Every employee (of one agency, or all) with the year's figures, ordered by agency code
    and employee number. One query, streamed."""
    queryset: QuerySet[Employee] = Employee.objects.all()
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    rows = (
        employees_with_year(queryset.annotate(**_roster_flags(year)), year=year)
        .order_by("agency__code", "employee_number")
        .values_list(
            "pk",
            "agency_id",
            "employee_number",
            "user__first_name",
            "user__last_name",
            "bargaining_unit",
            "appointment",
            "on_roster",
            "enrolled",
            "paid_approved",
            "paid_pending",
            "personal_verified",
            "personal_logged",
            "paid_awaiting_supervisor",
        )
    )
    # Tuples, not models: the same figures as figures_of(), without building three models a row.
    eligible: dict[tuple[str, str], bool] = {}
    for (
        pk,
        agency_id,
        number,
        first_name,
        last_name,
        unit,
        appointment,
        on_roster,
        enrolled,
        paid_approved,
        paid_pending,
        personal_verified,
        personal_logged,
        awaiting,
    ) in rows.iterator(chunk_size=2000):
        if (unit, appointment) not in eligible:
            eligible[unit, appointment] = rules.eligibility(
                bargaining_unit=unit, appointment=appointment
            ).eligible
        yield EmployeeRow(
            agency_id=agency_id,
            employee_number=number,
            name=f"{first_name} {last_name}".strip(),
            eligible=eligible[unit, appointment],
            on_roster=on_roster,
            enrolled=enrolled,
            figures=BalanceFigures.from_values(
                employee_id=pk,
                year=year,
                params=params,
                paid_approved=paid_approved,
                paid_pending=paid_pending,
                personal_verified=personal_verified,
                personal_logged=personal_logged,
                paid_awaiting_supervisor=awaiting,
            ),
        )


def _entries_of_year(year: int, *, agency: Agency | None):
    first, last = year_bounds(year)
    for name, model, status in (
        ("paid", LeaveRequest, LeaveRequest.Status.APPROVED),
        ("personal", PersonalHours, PersonalHours.Status.VERIFIED),
    ):
        queryset = model.objects.filter(date__gte=first, date__lte=last)
        if agency is not None:
            queryset = queryset.filter(employee__agency=agency)
        # The status is a filter on the sum rather than on the rows, which lets SQLite read one
        # agency's entries through the employee index instead of every entry of the year.
        yield name, queryset, Sum("hours", filter=Q(status=status))


def monthly_totals(year: int, *, agency: Agency | None = None) -> Monthly:
    """Approved paid leave and verified personal hours by month, for one agency or all agencies
    together. Two grouped queries; the workbooks use this."""
    monthly = Monthly()
    for name, queryset, total in _entries_of_year(year, agency=agency):
        # Grouped by date and bucketed here (at most 366 rows): extracting the month would call
        # a Python function per row on SQLite.
        months = getattr(monthly, name)
        for on, hours in queryset.values_list("date").annotate(total=total).order_by():
            months[on.month] += hours or ZERO
    return monthly


def monthly_hours(year: int, *, agency: Agency | None = None) -> dict[int, Monthly]:
    """{agency id: Monthly}, agency by agency. Two grouped queries; slower than monthly_totals()
    when only the sum over agencies is wanted, as they join every entry to its employee."""
    by_agency: dict[int, Monthly] = {}
    for name, queryset, total in _entries_of_year(year, agency=agency):
        rows = queryset.values_list("employee__agency_id", "date").annotate(total=total).order_by()
        for agency_id, on, hours in rows:
            monthly = by_agency.setdefault(agency_id, Monthly())
            getattr(monthly, name)[on.month] += hours or ZERO
    return by_agency


def leave_requests_of_year(agency: Agency, year: int) -> QuerySet[LeaveRequest]:
    """Every paid-leave request of the agency dated in `year`, whatever its status, with who
    reversed it and when (`reversed_by`, `reversed_at`; from the ledger, as the request keeps its
    approver). One query."""
    first, last = year_bounds(year)
    reversal = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.LEAVE_REVERSED,
        subject_type=LeaveRequest._meta.model_name,
        subject_id=OuterRef("pk"),
    ).order_by("-at")
    reverser = reversal.annotate(
        name=Coalesce(
            NullIf(Trim(Concat("actor__first_name", Value(" "), "actor__last_name")), Value("")),
            "actor__username",
        )
    )
    reversed_only = Q(status=LeaveRequest.Status.REVERSED)
    return (
        LeaveRequest.objects.filter(employee__agency=agency, date__gte=first, date__lte=last)
        .annotate(
            # Only reversed requests look their reversal up.
            reversed_by=Case(
                When(reversed_only, then=Subquery(reverser.values("name")[:1])),
                output_field=CharField(),
            ),
            reversed_at=Case(
                When(reversed_only, then=Subquery(reversal.values("at")[:1])),
                output_field=DateTimeField(),
            ),
        )
        .order_by("date", "employee__employee_number", "id")
    )


REQUEST_ROW_FIELDS = (
    "date",
    "employee__employee_number",
    "employee__user__first_name",
    "employee__user__last_name",
    "hours",
    "status",
    "approver__first_name",
    "approver__last_name",
    "approver__username",
    "decided_on",
    "reversed_by",
    "reversed_on",
    "organization__name",
    "reason",
    "requested_on",
)


def request_rows_of_year(agency: Agency, year: int):
    """leave_requests_of_year() as tuples of REQUEST_ROW_FIELDS, with its moments as California
    dates worked out in the database: what a workbook writes, without building a model per row.
    One query, streamed."""
    return (
        leave_requests_of_year(agency, year)
        .annotate(
            decided_on=TruncDate("decided_at", tzinfo=PACIFIC),
            reversed_on=TruncDate("reversed_at", tzinfo=PACIFIC),
            requested_on=TruncDate("created_at", tzinfo=PACIFIC),
        )
        .values_list(*REQUEST_ROW_FIELDS)
        .iterator(chunk_size=2000)
    )


VERIFIED_ROW_FIELDS = (
    "date",
    "employee__employee_number",
    "employee__user__first_name",
    "employee__user__last_name",
    "hours",
    "organization__name",
    "verified_via",
    "verified_by_name",
    "verified_on",
    "reason",
)


def verified_rows_of_year(agency: Agency, year: int):
    """verified_hours_of_year() as tuples of VERIFIED_ROW_FIELDS, streamed: what the workbook
    writes. One query."""
    return (
        verified_hours_of_year(agency, year)
        .values_list(*VERIFIED_ROW_FIELDS)
        .iterator(chunk_size=2000)
    )


def verified_hours_of_year(agency: Agency, year: int) -> QuerySet[PersonalHours]:
    """The agency's personal hours verified and dated in `year`, with how each was verified.
    One query."""
    first, last = year_bounds(year)
    return (
        PersonalHours.objects.filter(
            employee__agency=agency,
            date__gte=first,
            date__lte=last,
            status=PersonalHours.Status.VERIFIED,
        )
        .select_related("employee__user", "organization")
        .order_by("date", "employee__employee_number", "id")
    )


def agencies() -> list[Agency]:
    return list(Agency.objects.order_by("code"))


def figures_for(agency: Agency, params: rules.PolicyParams) -> AgencyFigures:
    return AgencyFigures(
        code=agency.code, name=agency.name, headcount=agency.headcount, cap=params.cap_hours
    )


def total_of(figures: Iterable[AgencyFigures], *, cap: Decimal) -> AgencyFigures:
    """The agencies' figures summed into one (the totals row of the adoption figures)."""
    total = AgencyFigures(code="Total", name="All agencies", headcount=0, cap=cap)
    for item in figures:
        total.add_totals(item)
    return total


def adoption_figures(year: int, *, params: rules.PolicyParams) -> list[AgencyFigures]:
    """Every agency's year, summed from its employees' lines, ordered by agency code. Two
    queries, the employees streamed."""
    by_id = {agency.pk: figures_for(agency, params) for agency in agencies()}
    for row in employee_rows(year, params=params):
        by_id[row.agency_id].add(row)
    return list(by_id.values())


__all__ = [
    "AgencyFigures",
    "EmployeeRow",
    "Monthly",
    "adoption_figures",
    "agencies",
    "employee_rows",
    "figures_for",
    "leave_requests_of_year",
    "request_rows_of_year",
    "monthly_hours",
    "monthly_totals",
    "total_of",
    "verified_hours_of_year",
    "verified_rows_of_year",
]
