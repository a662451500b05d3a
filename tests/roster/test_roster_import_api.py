"""Importing good roster files through the API: employees, accounts and roster lines are
created or updated with their ledger entries, and a second import of the same file changes
nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from agencies.models import Employee, Enrollment
from agencies.roster import EXAMPLE_ROW
from ledger.models import LedgerEntry

from .conftest import ENDS, STARTS, make_row, roster_file, roster_state, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_coordinator_imports_new_employees_and_roster_lines(
    roster_world, post_roster, dot, dot_pilot, org, kind
):
    response = post_roster(roster_world, roster_file([make_row(1), make_row(2)], kind))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["errors"] == []
    assert (body["rows"], body["employees_created"], body["enrollments_created"]) == (2, 2, 2)
    employee = Employee.objects.select_related("user").get(employee_number="700001")
    assert employee.agency == dot
    assert (employee.bargaining_unit, employee.appointment) == ("1", "permanent")
    assert employee.user.username == "700001"
    assert employee.user.first_name == "Ana1"
    assert employee.user.email == "ana.reyes1@example.ca.gov"
    assert not employee.user.has_usable_password()
    line = Enrollment.objects.get(employee=employee)
    assert (line.pilot, line.organization, line.status) == (dot_pilot, org, "active")
    assert (line.commitment_starts_on, line.commitment_ends_on) == (STARTS, ENDS)


def test_import_writes_the_ledger_entries_of_the_services(roster_world, post_roster, dot):
    post_roster(roster_world, roster_file([make_row(1)]))

    entries = LedgerEntry.objects.filter(agency=dot).exclude(actor=None)
    kinds = sorted(entries.values_list("kind", flat=True))
    assert kinds == ["employee.created", "enrollment.created", "roster.imported"]
    created = entries.get(kind="employee.created")
    employee = Employee.objects.get(employee_number="700001")
    assert created.actor == roster_world
    assert (created.subject_type, created.subject_id, created.employee) == (
        "employee",
        employee.pk,
        employee,
    )
    assert created.data == {
        "employee_number": "700001",
        "bargaining_unit": "1",
        "appointment": "permanent",
    }
    enrolled = entries.get(kind="enrollment.created")
    assert enrolled.data == {
        "pilot": "DOT Pilot",
        "organization": "Friends for Youth",
        "commitment_starts_on": "2026-09-01",
        "commitment_ends_on": "2027-06-30",
        "status": "active",
    }
    imported = entries.get(kind="roster.imported")
    assert (imported.subject_type, imported.subject_id) == ("agency", dot.pk)
    assert imported.data["rows"] == 1


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    roster_world, post_roster, kind
):
    rows = [make_row(n) for n in range(1, 4)]
    assert post_roster(roster_world, roster_file(rows, kind)).status_code == 200
    before = roster_state()

    response = post_roster(roster_world, roster_file(rows, kind))

    assert response.status_code == 200
    body = response.json()
    assert body["rows_unchanged"] == 3
    assert body["employees_created"] == body["employees_updated"] == 0
    assert body["enrollments_created"] == body["enrollments_updated"] == 0
    assert roster_state() == before


def test_a_changed_row_updates_the_employee_and_the_roster_line(
    roster_world, post_roster, dot_pilot, employee
):
    # A coordinator changes the email only of an account never used to sign in.
    employee.user.set_unusable_password()
    employee.user.save()
    other = make_row(
        9,
        employee_number=employee.employee_number,
        first_name="Renamed",
        email="renamed@example.ca.gov",
        bargaining_unit="12",
        commitment_ends_on=ENDS.replace(month=8),
        status="withdrawn",
    )
    header = [*make_row(0), "status"]

    response = post_roster(roster_world, roster_file([other], header=header))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["employees_updated"], body["enrollments_updated"]) == (1, 1)
    assert (body["employees_created"], body["enrollments_created"]) == (0, 0)
    employee.refresh_from_db()
    employee.user.refresh_from_db()
    assert (employee.user.first_name, employee.user.email) == ("Renamed", "renamed@example.ca.gov")
    assert employee.user.username == "dot.employee"
    assert employee.bargaining_unit == "12"
    line = Enrollment.objects.get(employee=employee, pilot=dot_pilot)
    assert (line.status, line.commitment_ends_on) == ("withdrawn", ENDS.replace(month=8))
    updated = LedgerEntry.objects.get(kind="employee.updated", employee=employee)
    assert updated.data["bargaining_unit"] == ["1", "12"]
    assert updated.data["first_name"][1] == "Renamed"
    line_entry = LedgerEntry.objects.get(kind="enrollment.updated", employee=employee)
    assert line_entry.data["status"] == ["active", "withdrawn"]


def test_an_empty_status_keeps_an_existing_lines_status(roster_world, post_roster, employee):
    line = employee.enrollments.get()
    line.status = "withdrawn"
    line.save()
    row = make_row(
        1,
        employee_number=employee.employee_number,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
        email=employee.user.email,
        commitment_starts_on=line.commitment_starts_on,
        commitment_ends_on=line.commitment_ends_on,
        status="",
    )
    before = roster_state()

    response = post_roster(roster_world, roster_file([row], header=[*make_row(0), "status"]))

    assert response.status_code == 200, response.json()
    assert response.json()["rows_unchanged"] == 1
    assert roster_state() == before


def test_dry_run_reports_the_counts_and_saves_nothing(roster_world, post_roster):
    before = roster_state()

    response = post_roster(roster_world, roster_file([make_row(1), make_row(2)]), dry_run=1)

    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True
    assert (body["employees_created"], body["enrollments_created"]) == (2, 2)
    assert "Nothing was saved" in body["detail"]
    assert roster_state() == before


def test_dry_run_of_a_bad_file_gives_the_same_report_as_the_import(roster_world, post_roster):
    rows = [make_row(1), make_row(2, bargaining_unit="99")]

    checked = post_roster(roster_world, roster_file(rows), dry_run=1)
    imported = post_roster(roster_world, roster_file(rows))

    assert checked.status_code == imported.status_code == 400
    assert checked.json()["errors"] == imported.json()["errors"]


def test_spaces_around_values_and_headers_are_trimmed(roster_world, post_roster):
    row = {
        key: f"  {value}  " if isinstance(value, str) else value
        for key, value in make_row(1).items()
    }
    header = [f" {name} " for name in make_row(0)]
    row = {f" {key} ": value for key, value in row.items()}

    response = post_roster(roster_world, roster_file([row], header=header))

    assert response.status_code == 200, response.json()
    employee = Employee.objects.select_related("user").get(employee_number="700001")
    assert employee.user.first_name == "Ana1"
    assert employee.user.email == "ana.reyes1@example.ca.gov"


def test_labels_case_and_numbers_are_read_as_the_template_explains(roster_world, post_roster):
    row = make_row(
        1,
        employee_number=700001,
        bargaining_unit=7,
        appointment="Permanent",
        pilot="dot pilot",
        organization="FRIENDS FOR YOUTH",
    )
    header = [name.upper().replace("_", " ") for name in make_row(0)]
    row = dict(zip(header, row.values(), strict=True))

    response = post_roster(roster_world, roster_file([row], header=header))

    assert response.status_code == 200, response.json()
    employee = Employee.objects.get(employee_number="700001")
    assert (employee.bargaining_unit, employee.appointment) == ("7", "permanent")


def test_the_template_example_row_left_unchanged_is_skipped(roster_world, post_roster):
    header = list(EXAMPLE_ROW)

    response = post_roster(roster_world, roster_file([EXAMPLE_ROW, make_row(1)], header=header))

    assert response.status_code == 200, response.json()
    assert response.json()["rows"] == 1
    assert not Employee.objects.filter(employee_number="000000").exists()


def test_text_starting_with_equals_in_a_text_cell_stays_a_name(roster_world, post_roster):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = list(make_row(0))
    sheet.append(header)
    sheet.append(list(make_row(1).values()))
    sheet["C2"] = "=Reyes"
    sheet["C2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = post_roster(roster_world, upload(buffer.getvalue()))

    assert response.status_code == 200, response.json()
    assert Employee.objects.get(employee_number="700001").user.last_name == "=Reyes"
