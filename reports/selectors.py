"""The figures behind the workbooks, read in a fixed number of queries whatever the data size.

Each employee's year comes from hours.selectors.employees_with_year() and
BalanceFigures.from_values() (what figures_of() calls), the same reads that serve the balances
API, so a workbook and the API cannot disagree. Monthly hours are grouped by agency and month in
the database. Nothing here queries per agency or per employee.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Trim, TruncDate

from agencies.models import Agency, Employee, Enrollment, Transfer
from hours.attribution import belonging_to, entry_agency_id
from hours.models import LeaveRequest, PersonalHours
from hours.selectors import BalanceFigures, employees_with_year, figures_of
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
    enrolled: bool  # on some day of the year
    active: bool  # an active roster line now
    figures: BalanceFigures

    @property
    def active_mentor(self) -> bool:
        return self.figures.paid_approved > 0 or self.figures.personal_verified > 0

    @property
    def roster_status(self) -> str:
        if self.active:
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
        "enrolled": Exists(lines.filter(_enrolled_in_year(first))),
        "active": Exists(lines.filter(status=Enrollment.Status.ACTIVE)),
    }


def _enrolled_in_year(first: dt.date) -> Q:
    """A roster line (overlapping the year) on which the employee was enrolled on some day of
    it: active, or withdrawn from a day after both the year's and the commitment's first day.
    A mentor withdrawn in June was enrolled that year, and the hours they took count against
    the cap of the enrolled."""
    return Q(status=Enrollment.Status.ACTIVE) | (
        Q(withdrawn_on__gt=first) & Q(withdrawn_on__gt=F("commitment_starts_on"))
    )


def employee_rows(
    year: int, *, params: rules.PolicyParams, agency: Agency | None = None
) -> Iterator[EmployeeRow]:
    """Every employee (of one agency, or all) with the year's figures, ordered by agency code
    and employee number. One query, streamed, and one more for transfers; an employee who moved
    between agencies during the year has a row in each, with the hours that belong there
    (five more queries when anyone moved, over those employees only)."""
    moved = _moved_employee_ids(year)
    queryset: QuerySet[Employee] = Employee.objects.exclude(pk__in=moved)
    if agency is not None:
        queryset = queryset.filter(agency=agency)
    rows = (
        employees_with_year(queryset.annotate(**_roster_flags(year)), year=year)
        .order_by("agency__code", "employee_number")
        .values_list(
            "pk",
            "agency_id",
            "agency__code",
            "employee_number",
            "user__first_name",
            "user__last_name",
            "bargaining_unit",
            "appointment",
            "on_roster",
            "enrolled",
            "active",
            "paid_approved",
            "paid_pending",
            "personal_verified",
            "personal_logged",
            "paid_awaiting_supervisor",
        )
    )
    split = _moved_rows(year, params=params, employee_ids=moved, agency=agency) if moved else []
    for _, row in heapq.merge(_rows_of(rows, year=year, params=params), split, key=lambda r: r[0]):
        yield row


def _rows_of(
    rows, *, year: int, params: rules.PolicyParams
) -> Iterator[tuple[tuple[str, str], EmployeeRow]]:
    """Each employee's line, keyed by (agency code, employee number) for the merge with the
    rows of those who moved. Tuples, not models: the same figures as figures_of(), without
    building three models a row."""
    eligible: dict[tuple[str, str], bool] = {}
    for (
        pk,
        agency_id,
        code,
        number,
        first_name,
        last_name,
        unit,
        appointment,
        on_roster,
        enrolled,
        active,
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
        yield (
            (code, number),
            EmployeeRow(
                agency_id=agency_id,
                employee_number=number,
                name=f"{first_name} {last_name}".strip(),
                eligible=eligible[unit, appointment],
                on_roster=on_roster,
                enrolled=enrolled,
                active=active,
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
            ),
        )


def _moved_employee_ids(year: int) -> list[int]:
    """Employees with a transfer that took effect after January 1 of `year`: their entries of
    the year may belong to more than one agency, or to one they have since left."""
    first, _ = year_bounds(year)
    return list(
        Transfer.objects.filter(status=Transfer.Status.DONE, effective_on__gt=first)
        .values_list("employee_id", flat=True)
        .distinct()
    )


def _moved_rows(
    year: int, *, params: rules.PolicyParams, employee_ids: list[int], agency: Agency | None
) -> list[tuple[tuple[str, str], EmployeeRow]]:
    """One row per agency the employee belonged to during the year, with the hours that belong
    to it (hours.attribution). The cap and the match are the person's: the share of the cap
    still available and whether the year is in match are those of the whole year."""
    first, last = year_bounds(year)
    employees = {
        e.pk: e
        for e in employees_with_year(Employee.objects.filter(pk__in=employee_ids), year=year)
    }
    codes = {e.agency_id: e.agency.code for e in employees.values()}
    agencies_in_year: dict[int, list[int]] = {}
    transfers = (
        Transfer.objects.filter(employee_id__in=employee_ids, status=Transfer.Status.DONE)
        .select_related("from_agency", "to_agency")
        .order_by("employee_id", "effective_on")
    )
    for transfer in transfers:
        codes[transfer.from_agency_id] = transfer.from_agency.code
        codes[transfer.to_agency_id] = transfer.to_agency.code
        seen = agencies_in_year.setdefault(transfer.employee_id, [])
        if transfer.effective_on > first and not seen:
            seen.append(transfer.from_agency_id)  # the agency on January 1
        if first < transfer.effective_on <= last and transfer.to_agency_id not in seen:
            seen.append(transfer.to_agency_id)
    for employee_id, employee in employees.items():
        if not agencies_in_year.get(employee_id):
            agencies_in_year[employee_id] = [employee.agency_id]

    parts: dict[tuple[int, int], dict[str, Decimal]] = {}
    slot = {
        (LeaveRequest, LeaveRequest.Status.APPROVED): "paid_approved",
        (LeaveRequest, LeaveRequest.Status.PENDING): "paid_pending",
        (LeaveRequest, LeaveRequest.Status.AWAITING_SUPERVISOR): "paid_awaiting_supervisor",
        (PersonalHours, PersonalHours.Status.VERIFIED): "personal_verified",
        (PersonalHours, PersonalHours.Status.LOGGED): "personal_awaiting_verification",
    }
    for model in (LeaveRequest, PersonalHours):
        sums = (
            model.objects.filter(employee_id__in=employee_ids, date__gte=first, date__lte=last)
            .annotate(entry_agency=entry_agency_id())
            .values_list("employee_id", "entry_agency", "status")
            .annotate(total=Sum("hours"))
            .order_by()
        )
        for employee_id, agency_id, status, total in sums:
            name = slot.get((model, status))
            if name is not None:
                part = parts.setdefault((employee_id, agency_id), {})
                part[name] = part.get(name, ZERO) + total

    lines = (
        Enrollment.objects.filter(
            employee_id__in=employee_ids,
            commitment_starts_on__lte=last,
            commitment_ends_on__gte=first,
        )
        .annotate(in_year=ExpressionWrapper(_enrolled_in_year(first), BooleanField()))
        .values_list("employee_id", "pilot__agency_id", "status", "in_year")
    )
    on_roster, enrolled, active = set(), set(), set()
    for employee_id, agency_id, status, in_year in lines:
        on_roster.add((employee_id, agency_id))
        if in_year:
            enrolled.add((employee_id, agency_id))
        if status == Enrollment.Status.ACTIVE:
            active.add((employee_id, agency_id))

    rows = []
    for employee_id, agency_ids in agencies_in_year.items():
        employee = employees[employee_id]
        whole = figures_of(employee, year=year, params=params)
        for agency_id in agency_ids:
            if agency is not None and agency_id != agency.pk:
                continue
            part = parts.get((employee_id, agency_id), {})
            figures = BalanceFigures(
                employee_id=employee_id,
                year=year,
                cap=whole.cap,
                paid_approved=part.get("paid_approved", ZERO),
                paid_pending=part.get("paid_pending", ZERO),
                paid_awaiting_supervisor=part.get("paid_awaiting_supervisor", ZERO),
                personal_verified=part.get("personal_verified", ZERO),
                personal_awaiting_verification=part.get("personal_awaiting_verification", ZERO),
                paid_available=whole.paid_available,
                in_match=whole.in_match,
            )
            key = (employee_id, agency_id)
            row = EmployeeRow(
                agency_id=agency_id,
                employee_number=employee.employee_number,
                name=employee.user.get_full_name(),
                eligible=employee.eligibility.eligible,
                on_roster=key in on_roster,
                # In an agency the employee has left, the transfer withdrew the line from its
                # day: enrolled that year if they were before it, no longer active.
                enrolled=key in enrolled,
                active=key in active,
                figures=figures,
            )
            rows.append(((codes[agency_id], employee.employee_number), row))
    return sorted(rows, key=lambda item: item[0])


def _entries_of_year(year: int, *, agency: Agency | None):
    first, last = year_bounds(year)
    for name, model, status in (
        ("paid", LeaveRequest, LeaveRequest.Status.APPROVED),
        ("personal", PersonalHours, PersonalHours.Status.VERIFIED),
    ):
        queryset = model.objects.filter(date__gte=first, date__lte=last)
        if agency is not None:
            queryset = belonging_to(queryset, agency)
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
        rows = (
            queryset.annotate(entry_agency=entry_agency_id())
            .values_list("entry_agency", "date")
            .annotate(total=total)
            .order_by()
        )
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
        belonging_to(LeaveRequest.objects.filter(date__gte=first, date__lte=last), agency)
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
    verified = PersonalHours.objects.filter(
        date__gte=first, date__lte=last, status=PersonalHours.Status.VERIFIED
    )
    return (
        belonging_to(verified, agency)
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
