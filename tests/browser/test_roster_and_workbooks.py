"""The roster import and the workbook downloads, in a real browser."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from agencies.models import Employee
from hours import services

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = (
    "employee_number,first_name,last_name,email,bargaining_unit,appointment,pilot,"
    "organization,commitment_starts_on,commitment_ends_on,status"
)


def test_coordinator_imports_a_roster_with_a_bad_row_and_sees_it_named(
    coordinator, employee, dot_pilot, org, today, signed_in
):
    year = today.year
    rows = [
        HEADER,
        f"700001,Ana,Reyes,ana.reyes@example.ca.gov,1,permanent,DOT Pilot,Friends for Youth,"
        f"{year}-01-01,{year}-12-31,active",
        f"700002,Ben,Ortiz,ben.ortiz@example.ca.gov,6,permanent,DOT Pilot,Friends for Youth,"
        f"{year}-01-01,{year}-12-31,active",
    ]
    page = signed_in(coordinator)
    page.goto("/coordinator/roster/")
    page.get_by_label("Roster file (.xlsx or .csv)").set_input_files(
        files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": "\n".join(rows).encode()}]
    )
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state()
    errors = page.get_by_test_id("row-error")
    assert errors.count() == 1
    assert errors.first.inner_text().startswith("Row 3")
    assert "not covered" in errors.first.inner_text()
    assert page.evaluate("document.activeElement.id") == "import-errors"
    assert not Employee.objects.filter(employee_number__in=["700001", "700002"]).exists()
    screenshot(page, "coordinator-roster-import-error")

    with page.expect_download() as download:
        page.get_by_role("link", name=f"DOT workbook {year} (.xlsx)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "Summary" in workbook.sheetnames


def test_workgroup_sees_adoption_and_downloads_the_adoption_workbook(
    workgroup, employee, other_employee, coordinator, org, verified_hours, today, signed_in
):
    # A year of mentoring spread over the months so far, and paid leave approved on them.
    days_so_far = today.timetuple().tm_yday - 1
    for n in sorted({min(n, days_so_far) for n in range(0, 360, 45)}):
        verified_hours(employee, 2, n)
    leave = services.leave_request_create(
        employee=employee, by=employee.user, date=today, hours=Decimal("2"), organization=org
    )
    services.leave_request_approve(request=leave, by=coordinator)
    page = signed_in(workgroup)
    assert page.url.endswith("/workgroup/")
    assert page.locator("svg.chart").count() == 1
    screenshot(page, "workgroup-adoption")
    with page.expect_download() as download:
        page.locator("#adoption-workbook").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert {"Summary", "DOT", "DPH"} <= set(workbook.sheetnames)
