"""The roster file's optional withdrawn_on column: the day a withdrawal takes effect, under the
same rule as the API (a bad date is an error in its column, and nothing is written), exported,
explained in the template's Notes sheet, and a withdrawal by file cancels the pending requests it
leaves without an enrollment. Today is pinned to July 1, 2026."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from post_office.models import Email

from agencies.models import Enrollment
from agencies.roster import COLUMN_NAMES
from hours import services
from hours.models import LeaveRequest
from ledger.models import LedgerEntry

from .conftest import EXPORT_URL, TEMPLATE_URL, make_row, roster_file, roster_state, upload

pytestmark = pytest.mark.django_db

HEADER = [*make_row(0), "status", "withdrawn_on"]


def row_of(employee, **values) -> dict:
    """The employee's present roster line as a file row, with `values` changed."""
    line = employee.enrollments.get()
    return make_row(
        1,
        employee_number=employee.employee_number,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
        email=employee.user.email,
        bargaining_unit=employee.bargaining_unit,
        appointment=employee.appointment,
        organization=line.organization.name,
        commitment_starts_on=line.commitment_starts_on,
        commitment_ends_on=line.commitment_ends_on,
        **values,
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_withdraws_a_line_on_its_date(roster_world, post_roster, employee, kind):
    row = row_of(employee, status="withdrawn", withdrawn_on=dt.date(2026, 8, 1))

    response = post_roster(roster_world, roster_file([row], kind, header=HEADER))

    assert response.status_code == 200, response.json()
    line = employee.enrollments.get()
    assert (line.status, line.withdrawn_on) == ("withdrawn", dt.date(2026, 8, 1))
    entry = LedgerEntry.objects.get(kind="enrollment.updated", employee=employee)
    assert entry.data["withdrawn_on"] == ["None", "2026-08-01"]


def test_without_a_date_a_line_withdrawn_by_file_takes_today(roster_world, post_roster, employee):
    row = row_of(employee, status="withdrawn")

    response = post_roster(roster_world, roster_file([row], header=HEADER))

    assert response.status_code == 200, response.json()
    assert employee.enrollments.get().withdrawn_on == dt.date(2026, 7, 1)


def test_an_empty_date_keeps_a_withdrawn_lines_date(roster_world, post_roster, employee):
    Enrollment.objects.filter(employee=employee).update(
        status="withdrawn", withdrawn_on=dt.date(2026, 3, 2)
    )
    row = row_of(employee, status="withdrawn")

    response = post_roster(roster_world, roster_file([row], header=HEADER))

    assert response.status_code == 200, response.json()
    assert response.json()["rows_unchanged"] == 1
    assert employee.enrollments.get().withdrawn_on == dt.date(2026, 3, 2)


@pytest.mark.parametrize("date_left", [None, dt.date(2026, 3, 2)])
def test_back_to_active_by_file_clears_the_date(roster_world, post_roster, employee, date_left):
    """An exported row whose status is changed to active may keep the date: it is cleared."""
    Enrollment.objects.filter(employee=employee).update(
        status="withdrawn", withdrawn_on=dt.date(2026, 3, 2)
    )
    row = row_of(employee, status="active", withdrawn_on=date_left)

    response = post_roster(roster_world, roster_file([row], header=HEADER))

    assert response.status_code == 200, response.json()
    line = employee.enrollments.get()
    assert (line.status, line.withdrawn_on) == ("active", None)


@pytest.mark.parametrize(
    ("values", "code", "words"),
    [
        (
            {"status": "withdrawn", "withdrawn_on": dt.date(2025, 12, 1)},
            "withdrawal_date",
            "on or after the day the commitment starts",
        ),
        (
            {"status": "withdrawn", "withdrawn_on": dt.date(2027, 1, 4)},
            "withdrawal_date",
            "commitment's last day",
        ),
        ({"status": "active", "withdrawn_on": dt.date(2026, 8, 1)}, "withdrawal_date", "Only"),
        ({"withdrawn_on": dt.date(2026, 8, 1)}, "withdrawal_date", "Only"),  # an active line
        ({"status": "withdrawn", "withdrawn_on": "soon"}, "invalid", ""),
    ],
)
def test_a_bad_withdrawal_date_is_an_error_in_its_column(
    roster_world, post_roster, employee, values, code, words
):
    before = roster_state()

    response = post_roster(roster_world, roster_file([row_of(employee, **values)], header=HEADER))

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["column"], error["code"]) == (2, "withdrawn_on", code)
    assert words in error["message"]
    assert roster_state() == before


def test_a_withdrawal_by_file_cancels_the_pending_requests_from_its_date(
    roster_world, post_roster, employee, verified_hours
):
    verified_hours(employee, 8)
    made = {
        day: services.leave_request_create(
            employee=employee,
            by=employee.user,
            date=dt.date(2026, 7, day),
            hours=Decimal(2),
            organization=employee.enrollments.get().organization,
        )
        for day in (14, 15)
    }
    Email.objects.all().delete()
    row = row_of(employee, status="withdrawn", withdrawn_on=dt.date(2026, 7, 15))

    response = post_roster(roster_world, roster_file([row], header=HEADER))

    assert response.status_code == 200, response.json()
    statuses = {day: LeaveRequest.objects.get(pk=r.pk).status for day, r in made.items()}
    assert statuses == {14: "pending", 15: "cancelled"}
    cancelled = LedgerEntry.objects.get(kind=LedgerEntry.Kind.LEAVE_CANCELLED)
    assert (cancelled.actor, cancelled.d_paid_pending) == (roster_world, Decimal("-2"))
    assert "DOT Pilot roster" in cancelled.reason
    [message] = Email.objects.all()
    assert message.to == [employee.user.email]


def test_a_dry_run_withdraws_nothing_and_cancels_nothing(
    roster_world, post_roster, employee, verified_hours
):
    verified_hours(employee, 8)
    pending = services.leave_request_create(
        employee=employee,
        by=employee.user,
        date=dt.date(2026, 7, 20),
        hours=Decimal(2),
        organization=employee.enrollments.get().organization,
    )
    before = roster_state()
    row = row_of(employee, status="withdrawn", withdrawn_on=dt.date(2026, 7, 15))

    response = post_roster(roster_world, roster_file([row], header=HEADER), dry_run=1)

    assert response.status_code == 200, response.json()
    [change] = response.json()["changes"]  # what the import would change
    assert change["changes"]["withdrawn_on"] == ["None", "2026-07-15"]
    assert roster_state() == before
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_export_carries_the_date_and_imports_back_unchanged(
    roster_world, post_roster, employee, client_for
):
    Enrollment.objects.filter(employee=employee).update(
        status="withdrawn", withdrawn_on=dt.date(2026, 3, 2)
    )
    exported = client_for(roster_world).get(EXPORT_URL).content
    sheet = openpyxl.load_workbook(io.BytesIO(exported))["Roster"]
    rows = list(sheet.iter_rows(values_only=True))
    numbers = [row[0] for row in rows]
    line = dict(zip(COLUMN_NAMES, rows[numbers.index(employee.employee_number)], strict=True))
    assert line["status"] == "withdrawn"
    assert line["withdrawn_on"].date() == dt.date(2026, 3, 2)  # a real date cell
    before = roster_state()

    response = post_roster(roster_world, upload(exported))

    assert response.status_code == 200, response.json()
    assert roster_state() == before


def test_the_template_explains_the_column(roster_world, client_for):
    workbook = openpyxl.load_workbook(
        io.BytesIO(client_for(roster_world).get(TEMPLATE_URL).content)
    )
    header = [cell.value for cell in workbook["Roster"][1]]
    assert "withdrawn_on" in header
    notes = {row[0]: row for row in workbook["Notes"].iter_rows(values_only=True) if row}
    name, explains, allowed, required = notes["withdrawn_on"][:4]
    assert "the day the withdrawal takes effect" in explains
    assert "left empty, a line being withdrawn takes today" in allowed
    assert required == "no"
