"""The roster file's columns, its limits and the example row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from agencies.models import Employee
from policy import rules

User = get_user_model()

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"

# A roster is one agency's: 20,000 rows is far above the largest pilot and keeps one import
# within a request's time.
MAX_ROWS = 20_000
# A roster workbook has a dozen parts; its XML is rarely more than ten times the zipped size.
MAX_ZIP_ENTRIES = 200
UNZIPPED_PER_ZIPPED_BYTE = 20
# Columns read from a sheet; a cell further right than this is never looked at.
MAX_COLUMNS = 64
# Checked while the workbook's XML streams, before openpyxl builds anything (reading.py): a
# small file can unpack to millions of cells or strings, which would tie a worker up for a
# minute and gigabytes. A real roster is far inside each limit (20,000 rows of a dozen cells).
MAX_SHEET_ROWS = 2 * MAX_ROWS  # <row> elements in a sheet, and the last row its dimension claims
MAX_CELLS_PER_ROW = 1024  # <c> elements in one row, and the last column the dimension claims
MAX_CELLS = 500_000  # <c> elements in all the sheets
MAX_SHARED_STRINGS = 500_000  # <si> elements in the shared strings
MAX_SHEET_BYTES = 64 * 1024 * 1024  # one worksheet's XML, unpacked
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # the shared strings' XML, unpacked
MAX_OTHER_PART_BYTES = 8 * 1024 * 1024  # any other part (styles, workbook, relations), unpacked
SHEET_NAME = "Roster"


# --- The columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    explains: str
    allowed: str
    required: bool = True
    width: int = 18


def _bargaining_units() -> str:
    units = [code for code, _ in Employee.BARGAINING_UNIT_CHOICES]
    return (
        f"{', '.join(units)}. CalHR's R01, BU 01 and 01 are read as 1. "
        f"{rules.UNCOVERED_TEXT.capitalize()} are not covered by mentoring leave, so their "
        "employees cannot be enrolled."
    )


def _appointments() -> str:
    return "; ".join(
        f"{code} ({label}{'' if code in rules.ELIGIBLE_APPOINTMENTS else ', not eligible'})"
        for code, label in rules.APPOINTMENTS.items()
    )


COLUMNS = (
    Column(
        "employee_number",
        "The state employee number. It identifies the employee: a number already on file "
        "updates that employee, a new one adds the employee and their account (no password "
        "until they set one through the password-reset email).",
        "Up to 20 characters, e.g. 123456. Keep the column formatted as text so that leading "
        "zeros stay. Each employee once per file.",
    ),
    Column("first_name", "The employee's first name.", "Up to 150 characters."),
    Column("last_name", "The employee's last name.", "Up to 150 characters."),
    Column(
        "email",
        "Work email; the password-reset email goes there.",
        "An email address.",
        width=30,
    ),
    Column("bargaining_unit", "The employee's bargaining unit.", _bargaining_units()),
    Column("appointment", "The employee's appointment.", _appointments(), width=22),
    Column(
        "pilot",
        "The pilot whose roster the employee joins, by its name in the tracker.",
        "The name of one of your agency's pilots (listed below when the template was "
        "downloaded for an agency).",
        width=24,
    ),
    Column(
        "organization",
        "The mentoring organization the employee mentors through, by name.",
        "An organization recorded as meeting the mentoring quality-assurance standards "
        "(listed below).",
        width=30,
    ),
    Column(
        "commitment_starts_on",
        "First day of the commitment to mentor a K-12 youth.",
        "A date: a date cell, 2026-09-01, 09/01/2026, 9/1/2026 or Sept 1 2026 (month before day).",
        width=20,
    ),
    Column(
        "commitment_ends_on",
        "Last day of the commitment.",
        "A date at least one school year (9 months) after the start.",
        width=20,
    ),
    Column(
        "status",
        "The roster line's status.",
        "active or withdrawn. Optional: left empty, a new line is active and an existing "
        "line keeps its status.",
        required=False,
        width=12,
    ),
    Column(
        "withdrawn_on",
        "For a withdrawn line: the day the withdrawal takes effect. The employee stays enrolled "
        "before it and is not enrolled from it on; their pending requests for dates from that "
        "day on are cancelled, unless another roster line covers them.",
        "A date, as in the commitment columns: on or after the commitment's start and, ahead "
        "of today, not after its end. Optional: left empty, a line being withdrawn takes today "
        "(a commitment not started yet, its first day) and a withdrawn line keeps its date. "
        "Only for status withdrawn; a line going back to active has none.",
        required=False,
        width=16,
    ),
    Column(
        "supervisor_employee_number",
        "The employee number of the employee's supervisor, who decides first whether the "
        "office can spare the employee (where the agency's chain has the supervisor decide). "
        "Another employee of the agency, on file or in this file.",
        "An employee number of your agency, not the employee's own. Optional: with either "
        "supervisor column in the file, a row with both empty means no supervisor.",
        required=False,
        width=20,
    ),
    Column(
        "supervisor_email",
        "Instead of the number: the email of a supervisor who is not on a roster (a user of "
        "the agency: one of its employees or coordinators).",
        "An email address of a user of your agency. Optional; give the number or the email, "
        "not both.",
        required=False,
        width=30,
    ),
)
SUPERVISOR_COLUMNS = ("supervisor_employee_number", "supervisor_email")
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
DATE_COLUMNS = ("commitment_starts_on", "commitment_ends_on", "withdrawn_on")
EMPLOYEE_FIELDS = ("bargaining_unit", "appointment")
USER_FIELDS = ("first_name", "last_name", "email")  # on the employee's user account

# The template's example row, skipped by the import while it is left as it is.
EXAMPLE_ROW = {
    "employee_number": "000000",
    "first_name": "Maria",
    "last_name": "Lopez",
    "email": "maria.lopez@example.ca.gov",
    "bargaining_unit": "1",
    "appointment": "permanent",
    "pilot": "Example pilot",
    "organization": "Friends for Youth",
    "commitment_starts_on": dt.date(2026, 9, 1),
    "commitment_ends_on": dt.date(2027, 6, 30),
    "status": "active",
    "withdrawn_on": None,
    "supervisor_employee_number": None,
    "supervisor_email": None,
}
