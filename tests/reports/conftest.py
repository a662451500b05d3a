"""A year of mentoring made through the services, with person-typed text that looks like
formulas, and helpers to read the workbooks back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from agencies import services as roster
from agencies.models import Enrollment
from hours import services
from hours.models import Balance
from reports.workbooks import HEADER_ROW

from ..factories import (
    AgencyFactory,
    EmployeeFactory,
    EnrollmentFactory,
    LeaveRequestFactory,
    OrganizationFactory,
    PersonalHoursFactory,
    UserFactory,
)

FORMULA_NAME = '=HYPERLINK("http://x","y")'
TRICKY_TEXT = [FORMULA_NAME, "+1", "-2", "@SUM(A1)", "=1+1"]


def _log(employee, on, hours, *, verify_by=None):
    entry = services.personal_hours_log(
        employee=employee,
        by=employee.user,
        date=on,
        hours=Decimal(hours),
        source="non_working_time",
        organization=employee.enrollments.first().organization,
    )
    if verify_by is not None:
        entry = services.personal_hours_verify(
            reason="Signed paper form", entry=entry, by=verify_by, verified_by_name="Program Office"
        )
    return entry


def _ask(employee, on, hours):
    return services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=on,
        hours=Decimal(hours),
        organization=employee.enrollments.first().organization,
    )


@pytest.fixture
def late(today):
    """late(n): the n-th day before December 31 of this year. Paid leave may be asked ahead,
    so it never shares a date with the personal hours of early January, whatever today is."""
    return lambda n: dt.date(today.year, 12, 31) - dt.timedelta(days=n)


@pytest.fixture
def mentoring_year(
    employee,
    other_employee,
    coordinator,
    second_coordinator,
    other_coordinator,
    admin_user,
    dot,
    dot_pilot,
    dph,
    day,
    late,
):
    """DOT: an employee with approved, pending and denied leave; one out of match; the
    coordinator with verified hours; one withdrawn from the roster from its first day; one never
    enrolled.
    DPH: one employee with approved leave. Names, an organization and reasons that a person
    typed look like formulas."""
    roster.employee_update(
        by=admin_user, employee=employee, first_name=FORMULA_NAME, last_name="+1"
    )
    _log(employee, day(0), "4", verify_by=coordinator)
    _log(employee, day(1), "2", verify_by=coordinator)
    _log(employee, day(2), "1.5")
    approved = _ask(employee, late(1), "3")
    services.leave_request_approve(request=approved, by=coordinator, note="-2")
    _ask(employee, late(2), "2")
    denied = _ask(employee, late(3), "1")
    services.leave_request_deny(request=denied, by=coordinator, reason="@SUM(A1)")

    odd_org = OrganizationFactory(name="=1+1 Mentors")
    out_of_match = EmployeeFactory(
        agency=dot, user=UserFactory(username="dot.late", first_name="-2", last_name="Lee")
    )
    EnrollmentFactory(employee=out_of_match, pilot=dot_pilot, organization=odd_org)
    verified = _log(out_of_match, day(0), "4", verify_by=coordinator)
    leave = _ask(out_of_match, late(4), "4")
    services.leave_request_approve(request=leave, by=coordinator)
    services.personal_hours_reject(
        entry=verified, by=coordinator, reason="=1+1 the organization has no record"
    )

    coordinator_employee = coordinator.employee
    _log(coordinator_employee, day(0), "2.25", verify_by=second_coordinator)

    withdrawn = EmployeeFactory(agency=dot, user=UserFactory(username="dot.withdrawn"))
    line = EnrollmentFactory(employee=withdrawn, pilot=dot_pilot)
    # Withdrawn from the commitment's first day: never enrolled this year.
    roster.enrollment_update(
        by=coordinator,
        enrollment=line,
        status=Enrollment.Status.WITHDRAWN,
        withdrawn_on=line.commitment_starts_on,
    )
    EmployeeFactory(agency=dot, user=UserFactory(username="dot.notenrolled"))

    _log(other_employee, day(0), "3", verify_by=other_coordinator)
    leave = _ask(other_employee, late(1), "2")
    services.leave_request_approve(request=leave, by=other_coordinator)
    return {"year": day(0).year, "dot": dot, "dph": dph}


@pytest.fixture
def open_workbook():
    def read(content: bytes):
        return openpyxl.load_workbook(io.BytesIO(content))

    return read


def table(ws) -> list[dict]:
    """The data rows under the header row, as {header: cell}, up to the first empty row."""
    headers = [cell.value for cell in ws[HEADER_ROW]]
    rows = []
    for cells in ws.iter_rows(min_row=HEADER_ROW + 1):
        if all(cell.value is None for cell in cells):
            break
        rows.append(dict(zip(headers, cells, strict=False)))
    return rows


def hours(cell) -> Decimal:
    assert cell.data_type == "n" and cell.number_format == "#,##0.00", cell
    return Decimal(str(cell.value)).quantize(Decimal("0.01"))


@pytest.fixture
def more_of_everything(dot, today):
    """more_of_everything(n): n more agencies, and n more DOT employees with hours and leave,
    to show that the number of queries does not grow with the data."""

    def grow(n: int) -> None:
        for index in range(n):
            agency = AgencyFactory()
            for owner_agency in (dot, agency):
                person = EmployeeFactory(agency=owner_agency)
                EnrollmentFactory(employee=person, pilot__agency=owner_agency)
                for month in (1, 2):
                    on = dt.date(today.year, month, 1 + index)
                    PersonalHoursFactory(employee=person, date=on, status="verified")
                    LeaveRequestFactory(
                        employee=person, date=on, status="approved", approver=person.user
                    )
                Balance.objects.create(
                    employee=person,
                    year=today.year,
                    paid_approved=Decimal("4.00"),
                    personal_verified=Decimal("4.00"),
                )

    return grow
