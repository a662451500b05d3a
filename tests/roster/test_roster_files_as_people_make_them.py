"""Roster files as people really make them: saved by a spreadsheet program that dropped the
leading zeros, CalHR's notation for bargaining units, workbooks with hidden or cover sheets,
CSV files in a mixed encoding or separated by semicolons; and what a dry run lists."""

from __future__ import annotations

import io

import openpyxl
import pytest

from agencies.models import Employee, Enrollment
from ledger.models import LedgerEntry
from tests.factories import EmployeeFactory, OrganizationFactory, UserFactory

from .conftest import TEMPLATE_URL, csv_bytes, make_row, roster_file, roster_state, upload

pytestmark = pytest.mark.django_db

HEADER = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "bargaining_unit",
    "appointment",
    "pilot",
    "organization",
    "commitment_starts_on",
    "commitment_ends_on",
]


def refused(post_roster, user, file) -> dict:
    before = roster_state()
    response = post_roster(user, file)
    assert response.status_code == 400, response.content[:500]
    assert roster_state() == before
    return response.json()


# --- Leading zeros ------------------------------------------------------------------------------


def test_a_number_that_lost_its_leading_zeros_is_refused_with_the_row_named(
    roster_world, post_roster, dot
):
    EmployeeFactory(
        agency=dot,
        employee_number="000123",
        user=UserFactory(
            username="000123", first_name="Ana", last_name="Reyes", email="ana.reyes@ca.gov"
        ),
    )
    rows = [
        make_row(1),
        make_row(
            2, employee_number="123", first_name="Ana", last_name="Reyes", email="ANA.REYES@ca.gov"
        ),
    ]
    employees_before = Employee.objects.count()

    body = refused(post_roster, roster_world, roster_file(rows, "csv"))

    [error] = body["errors"]
    assert (error["row"], error["column"], error["code"]) == (
        3,
        "employee_number",
        "leading_zeros_lost",
    )
    assert "already on file as employee 000123, not 123" in error["message"]
    assert "Leading zeros were probably lost" in error["message"]
    assert Employee.objects.count() == employees_before


def test_the_same_name_and_email_under_an_unrelated_number_is_refused_too(
    roster_world, post_roster, dot
):
    EmployeeFactory(
        agency=dot,
        employee_number="555000",
        user=UserFactory(first_name="Ana", last_name="Reyes", email="ana.reyes@ca.gov"),
    )
    row = make_row(1, first_name="Ana", last_name="Reyes", email="ana.reyes@ca.gov")

    [error] = refused(post_roster, roster_world, roster_file([row]))["errors"]
    assert error["code"] == "same_person"
    assert "already on file as employee 555000" in error["message"]


def test_a_namesake_with_another_email_is_a_new_employee(roster_world, post_roster, dot):
    EmployeeFactory(
        agency=dot,
        employee_number="000123",
        user=UserFactory(first_name="Ana", last_name="Reyes", email="ana.reyes@ca.gov"),
    )
    row = make_row(1, first_name="Ana", last_name="Reyes", email="ana.reyes2@ca.gov")
    employees_before = Employee.objects.count()

    response = post_roster(roster_world, roster_file([row]))

    assert response.status_code == 200, response.json()
    assert Employee.objects.count() == employees_before + 1
    assert (
        Employee.objects.filter(user__email__in=["ana.reyes@ca.gov", "ana.reyes2@ca.gov"]).count()
        == 2
    )


# --- Bargaining units ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_calhr_notations_of_bargaining_units_are_accepted(roster_world, post_roster, kind):
    rows = [
        make_row(1, bargaining_unit="R01"),
        make_row(2, bargaining_unit="01"),
        make_row(3, bargaining_unit="BU 12"),
        make_row(4, bargaining_unit="bu12"),
        make_row(5, bargaining_unit="Unit 7"),
    ]

    response = post_roster(roster_world, roster_file(rows, kind))

    assert response.status_code == 200, response.json()
    units = dict(
        Employee.objects.filter(employee_number__startswith="70000").values_list(
            "employee_number", "bargaining_unit"
        )
    )
    assert units == {"700001": "1", "700002": "1", "700003": "12", "700004": "12", "700005": "7"}


def test_a_notation_of_a_unit_that_does_not_exist_is_still_refused(roster_world, post_roster):
    body = refused(post_roster, roster_world, roster_file([make_row(1, bargaining_unit="R99")]))
    [error] = body["errors"]
    assert (error["column"], error["code"]) == ("bargaining_unit", "invalid")


# --- Which sheet --------------------------------------------------------------------------------


def workbook_bytes(sheets: list[tuple[str, list[list], str]]) -> bytes:
    """sheets: (title, rows, state) in order; state is visible or hidden."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows, state in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_rows(*rows: dict) -> list[list]:
    return [HEADER, *([row[name] for name in HEADER] for row in rows)]


def test_a_hidden_first_sheet_is_passed_over_for_the_visible_roster(roster_world, post_roster):
    data = workbook_bytes(
        [
            ("Lookup", [["unit", "name"], ["1", "Administrative"]], "hidden"),
            ("Mentors", roster_rows(make_row(1)), "visible"),
        ]
    )
    response = post_roster(roster_world, upload(data))
    assert response.status_code == 200, response.json()
    assert Employee.objects.filter(employee_number="700001").exists()


def test_a_cover_sheet_is_passed_over_for_the_first_sheet_with_the_headings(
    roster_world, post_roster
):
    data = workbook_bytes(
        [
            ("Read me", [["DOT mentoring roster, fall 2026"], ["Prepared by HR"]], "visible"),
            ("Sheet2", roster_rows(make_row(1), make_row(2)), "visible"),
        ]
    )
    response = post_roster(roster_world, upload(data))
    assert response.status_code == 200, response.json()
    assert response.json()["employees_created"] == 2


def test_the_sheet_named_roster_wins_wherever_it_is(roster_world, post_roster):
    data = workbook_bytes(
        [
            ("Old", roster_rows(make_row(1)), "visible"),
            ("Roster", roster_rows(make_row(2)), "visible"),
        ]
    )
    response = post_roster(roster_world, upload(data))
    assert response.status_code == 200, response.json()
    assert list(
        Employee.objects.filter(employee_number__startswith="7000").values_list(
            "employee_number", flat=True
        )
    ) == ["700002"]


def test_every_error_names_the_sheet_it_was_read_from(roster_world, post_roster):
    data = workbook_bytes(
        [
            ("Lookup", [["x"]], "hidden"),
            ("Mentors", roster_rows(make_row(1, email="x"), make_row(2, pilot="Nope")), "visible"),
        ]
    )
    body = refused(post_roster, roster_world, upload(data))
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [
        ("Mentors", 2, "email"),
        ("Mentors", 3, "pilot"),
    ]
    assert "on the sheet Mentors" in body["detail"]


def test_a_workbook_without_a_roster_sheet_names_the_sheet_it_read(roster_world, post_roster):
    data = workbook_bytes([("Budget", [["item", "cost"], ["paper", 3]], "visible")])
    body = refused(post_roster, roster_world, upload(data))
    assert {e["sheet"] for e in body["errors"]} == {"Budget"}
    assert "on the sheet Budget" in body["detail"]


# --- CSV encodings and separators ----------------------------------------------------------------


def test_a_csv_with_a_utf8_mark_but_windows_1252_bytes_is_refused_and_explained(
    roster_world, post_roster
):
    good = csv_bytes([make_row(1)]).decode()
    lines = good.splitlines()
    bad_row = csv_bytes([make_row(2, first_name="José")]).decode().splitlines()[1]
    data = b"\xef\xbb\xbf" + "\r\n".join([*lines, ""]).encode() + bad_row.encode("cp1252")

    [error] = refused(post_roster, roster_world, upload(data, "roster.csv"))["errors"]
    assert error["code"] == "mixed_encoding"
    assert "row 3" in error["message"]
    assert "Windows-1252" in error["message"]
    assert "CSV UTF-8" in error["message"]


def test_a_windows_1252_csv_without_the_mark_is_still_read(roster_world, post_roster):
    data = csv_bytes([make_row(1, first_name="José")]).decode().encode("cp1252")
    response = post_roster(roster_world, upload(data, "roster.csv"))
    assert response.status_code == 200, response.json()
    assert Employee.objects.get(employee_number="700001").user.first_name == "José"


def test_a_csv_separated_by_semicolons_is_refused_and_explained(roster_world, post_roster):
    data = csv_bytes([make_row(1)]).decode().replace(",", ";").encode()
    [error] = refused(post_roster, roster_world, upload(data, "roster.csv"))["errors"]
    assert error["code"] == "semicolon_separated"
    assert "separated by semicolons" in error["message"]


# --- Dry run and the ledger ---------------------------------------------------------------------


def test_a_dry_run_lists_the_rows_it_would_add_or_change_and_what_changes(
    roster_world, post_roster, employee, org
):
    other = OrganizationFactory(name="Be A Mentor")
    line = employee.enrollments.get()
    # An account never used to sign in: a coordinator's file may still change its email.
    employee.user.set_unusable_password()
    employee.user.save()
    same = make_row(
        0,
        employee_number=employee.employee_number,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
        email=employee.user.email,
        commitment_starts_on=line.commitment_starts_on,
        commitment_ends_on=line.commitment_ends_on,
    )
    changed = {**same, "email": "new.address@ca.gov", "organization": other.name}
    coordinator_row = make_row(
        9,
        employee_number=roster_world.employee.employee_number,
        first_name=roster_world.first_name,
        last_name=roster_world.last_name,
        email=roster_world.email,
        bargaining_unit="excluded",
        commitment_starts_on=line.commitment_starts_on,
        commitment_ends_on=line.commitment_ends_on,
    )
    before = roster_state()

    response = post_roster(
        roster_world, roster_file([make_row(1), changed, coordinator_row]), dry_run=1
    )

    assert response.status_code == 200, response.json()
    assert roster_state() == before
    body = response.json()
    assert body["rows_unchanged"] == 1
    assert body["changes"] == [
        {
            "row": 2,
            "employee_number": "700001",
            "name": "Ana1 Reyes1",
            "adds": ["employee", "roster line on DOT Pilot"],
            "changes": {},
        },
        {
            "row": 3,
            "employee_number": employee.employee_number,
            "name": f"{employee.user.first_name} {employee.user.last_name}",
            "adds": [],
            "changes": {
                "email": [employee.user.email, "new.address@ca.gov"],
                "organization": ["Friends for Youth", "Be A Mentor"],
            },
        },
    ]


def test_a_changed_roster_line_is_in_the_ledger_by_organization_name(
    roster_world, post_roster, employee, org
):
    OrganizationFactory(name="Be A Mentor")
    line = employee.enrollments.get()
    row = make_row(
        0,
        employee_number=employee.employee_number,
        first_name=employee.user.first_name,
        last_name=employee.user.last_name,
        email=employee.user.email,
        organization="Be A Mentor",
        commitment_starts_on=line.commitment_starts_on,
        commitment_ends_on=line.commitment_ends_on,
    )

    response = post_roster(roster_world, roster_file([row]))

    assert response.status_code == 200, response.json()
    entry = LedgerEntry.objects.get(kind="enrollment.updated", employee=employee)
    assert entry.data == {"organization": ["Friends for Youth", "Be A Mentor"]}
    assert Enrollment.objects.get(pk=line.pk).organization.name == "Be A Mentor"


# --- The template's Notes sheet ------------------------------------------------------------------


def test_the_templates_notes_wrap_so_that_nothing_is_cut_off(roster_world, client_for):
    response = client_for(roster_world).get(TEMPLATE_URL)
    notes = openpyxl.load_workbook(io.BytesIO(response.content))["Notes"]

    long_cells = [
        cell
        for row in notes.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
        if len(cell.value) > 60
    ]
    assert long_cells
    assert all(cell.alignment.wrap_text for cell in long_cells)
    assert "A2:C2" in {str(area) for area in notes.merged_cells.ranges}
    # The merged introduction and the long explanations get the height of their lines.
    assert notes.row_dimensions[2].height >= 30
    employee_number_row = next(cell.row for cell in notes["A"] if cell.value == "employee_number")
    assert notes.row_dimensions[employee_number_row].height >= 45
    assert "R01, BU 01 and 01" in "".join(str(c.value) for c in notes["C"])
