"""The coordinator's roster page: the roster, the spreadsheet import and its row errors."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agencies.models import Employee, Enrollment

pytestmark = pytest.mark.django_db

HEADER = (
    "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
    "organization,commitment_starts_on,commitment_ends_on,status"
)


def roster_csv(year: int, *rows: str) -> SimpleUploadedFile:
    lines = [HEADER, *rows]
    return SimpleUploadedFile("roster.csv", "\n".join(lines).encode(), content_type="text/csv")


def row(number: str, unit: str, year: int) -> str:
    return (
        f"{number},Ana,Reyes,ana{number}@example.ca.gov,{unit},permanent,DOT Pilot,"
        f"Friends for Youth,{year}-01-01,{year}-12-31,active"
    )


def test_coordinator_sees_the_roster_and_the_downloads(coordinator, employee, web_client, today):
    response = web_client(coordinator).get("/coordinator/roster/")
    assert response.status_code == 200
    assert employee.enrollments.get() in response.context["enrollments"]
    text = response.content.decode()
    assert f"/api/v1/reports/agency/DOT/?year={today.year}" in text
    assert 'enctype="multipart/form-data"' in text


def test_roster_is_for_coordinators_of_the_agency(
    coordinator, other_coordinator, employee, workgroup, web_client
):
    assert web_client(employee.user).get("/coordinator/roster/").status_code == 403
    assert web_client(workgroup).get("/coordinator/roster/").status_code == 403
    assert web_client(other_coordinator).get("/coordinator/roster/?agency=DOT").status_code == 404
    assert web_client(coordinator).get("/coordinator/roster/?agency=DOT").status_code == 200


def test_import_with_a_bad_row_names_the_row_and_saves_nothing(
    coordinator, dot_pilot, org, web_client, today
):
    upload = roster_csv(today.year, row("700001", "1", today.year), row("700002", "6", today.year))
    response = web_client(coordinator).post("/coordinator/roster/", {"file": upload})
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.row, e.code) for e in errors] == [(3, "not_eligible")]
    assert "Row 3" in response.content.decode()
    assert not Employee.objects.filter(employee_number__in=["700001", "700002"]).exists()


def test_import_of_good_rows_adds_them(coordinator, dot_pilot, org, web_client, today):
    upload = roster_csv(today.year, row("700001", "1", today.year))
    response = web_client(coordinator).post("/coordinator/roster/", {"file": upload})
    assert response.status_code == 200
    assert "Imported 1 row into DOT" in response.content.decode()
    assert Enrollment.objects.filter(employee__employee_number="700001").exists()


def test_import_by_another_agencys_coordinator_is_not_found(
    other_coordinator, dot_pilot, org, web_client, today
):
    upload = roster_csv(today.year, row("700001", "1", today.year))
    response = web_client(other_coordinator).post(
        "/coordinator/roster/?agency=DOT", {"file": upload}
    )
    assert response.status_code == 404
    assert not Employee.objects.filter(employee_number="700001").exists()


def test_import_without_a_file_names_the_field(coordinator, web_client):
    response = web_client(coordinator).post("/coordinator/roster/", {})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_a_dry_run_lists_the_rows_it_would_add_and_saves_nothing(
    coordinator, dot_pilot, org, web_client, today
):
    file = roster_csv(today.year, row("800001", "R01", today.year))
    response = web_client(coordinator).post("/coordinator/roster/", {"file": file, "dry_run": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="dry-run-changes"' in text
    assert "800001 Ana Reyes" in text
    assert "adds the employee; adds the roster line on DOT Pilot" in text
    assert not Employee.objects.filter(employee_number="800001").exists()


def test_a_row_error_of_a_workbook_names_its_sheet(coordinator, dot_pilot, org, web_client):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Mentors"
    workbook.active.append(HEADER.split(","))
    workbook.active.append(row("800002", "99", 2026).split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("roster.xlsx", buffer.getvalue())
    response = web_client(coordinator).post("/coordinator/roster/", {"file": file})
    assert response.status_code == 400
    assert "Sheet Mentors, row 2, column bargaining_unit:" in response.content.decode()
