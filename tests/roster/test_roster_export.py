"""The template and the export: the import's own format, so that a coordinator can download
the roster, edit it and import it back; unchanged, it changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from agencies.models import Enrollment
from agencies.roster import COLUMN_NAMES, EXAMPLE_ROW, XLSX_CONTENT_TYPE

from .conftest import EXPORT_URL, TEMPLATE_URL, make_row, roster_file, roster_state, upload

pytestmark = pytest.mark.django_db


def workbook_of(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_template_has_a_header_an_example_row_and_notes(roster_world, client_for):
    response = client_for(roster_world).get(TEMPLATE_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "roster-template.xlsx" in response["Content-Disposition"]
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["Roster", "Notes"]
    sheet = workbook["Roster"]
    assert [cell.value for cell in sheet[1]] == list(COLUMN_NAMES)
    assert sheet["A2"].value == EXAMPLE_ROW["employee_number"]
    assert sheet["I2"].value == dt.datetime(2026, 9, 1)
    assert sheet.freeze_panes == "A2"
    assert len(sheet.data_validations.dataValidation) == 3
    notes = [row[0] for row in workbook["Notes"].iter_rows(values_only=True)]
    assert set(COLUMN_NAMES) <= set(notes)
    assert "DOT Pilot" in notes  # the coordinator's agency's pilots
    assert "Friends for Youth" in notes
    assert "Peacemakers Inc." not in notes  # not qualified


def test_the_template_imported_as_it_is_changes_nothing(roster_world, client_for, post_roster):
    template = client_for(roster_world).get(TEMPLATE_URL).content
    before = roster_state()

    response = post_roster(roster_world, upload(template))

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "no_rows"
    assert roster_state() == before


def test_the_template_filled_in_imports(roster_world, client_for, post_roster):
    workbook = openpyxl.load_workbook(
        io.BytesIO(client_for(roster_world).get(TEMPLATE_URL).content)
    )
    sheet = workbook["Roster"]
    sheet.delete_rows(2)
    row = make_row(1, status="active")
    sheet.append([row.get(name) for name in COLUMN_NAMES])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = post_roster(roster_world, upload(buffer.getvalue()))

    assert response.status_code == 200, response.json()
    assert response.json()["enrollments_created"] == 1


def test_export_lists_the_agencys_roster_with_real_dates(
    roster_world, employee, other_employee, client_for
):
    response = client_for(roster_world).get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="roster-DOT-' in response["Content-Disposition"]
    sheet = workbook_of(response)["Roster"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMN_NAMES)
    numbers = [row[0] for row in rows[1:]]
    # The coordinator is a DOT employee on the roster too.
    assert sorted(numbers) == sorted(
        [employee.employee_number, roster_world.employee.employee_number]
    )
    assert other_employee.employee_number not in numbers  # DPH's
    line = dict(zip(COLUMN_NAMES, rows[1 + numbers.index(employee.employee_number)], strict=True))
    assert line["pilot"] == "DOT Pilot"
    assert isinstance(line["commitment_starts_on"], dt.datetime)
    assert line["status"] == "active"
    assert line["withdrawn_on"] is None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:N{len(rows)}"


def test_export_as_csv(roster_world, employee, client_for):
    response = client_for(roster_world).get(EXPORT_URL + "?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMN_NAMES)
    assert employee.employee_number in [row[0] for row in rows[1:]]


def test_export_refuses_an_unknown_format(roster_world, client_for):
    response = client_for(roster_world).get(EXPORT_URL + "?format=pdf")
    assert response.status_code == 400
    assert "format" in response.json()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_round_trip_export_then_import_changes_nothing(
    roster_world, employee, post_roster, client_for, file_format
):
    # Names that a spreadsheet would take for formulas, and a withdrawn line.
    employee.user.last_name = "=Reyes"
    employee.user.first_name = "+Ana"
    employee.user.save()
    post_roster(roster_world, roster_file([make_row(1), make_row(2)]))
    Enrollment.objects.filter(employee__employee_number="700002").update(status="withdrawn")
    exported = client_for(roster_world).get(EXPORT_URL + f"?format={file_format}").content
    before = roster_state()

    response = post_roster(roster_world, upload(exported, f"roster.{file_format}"))

    assert response.status_code == 200, response.json()["errors"]
    body = response.json()
    assert body["rows"] == body["rows_unchanged"] == 4
    assert roster_state() == before


def test_an_exported_roster_edited_and_imported_changes_just_the_edit(
    roster_world, employee, post_roster, client_for
):
    workbook = workbook_of(client_for(roster_world).get(EXPORT_URL))
    sheet = workbook["Roster"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == employee.employee_number:
            row[1].value = "Edited"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = post_roster(roster_world, upload(buffer.getvalue()))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["employees_updated"], body["rows_unchanged"]) == (1, 1)
    employee.user.refresh_from_db()
    assert employee.user.first_name == "Edited"
