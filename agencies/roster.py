"""The pilot roster as a spreadsheet: the template, the export and the all-or-nothing import.

A roster file (xlsx or csv) has one row per employee: who they are, and their line on one of
the agency's pilot rosters. The import reads and checks every row before it writes anything,
with the API's own serializer fields and the same roster rules as the API
(agencies.services.check_enrollment over hours.policy), then writes everything in one
transaction with bulk statements and the same ledger entries the services write one at a
time. So a file of any length costs a fixed number of SQL queries, and a file with one bad row
changes nothing.

Public functions: import_roster(), export_roster(), roster_template().
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import difflib
import io
import os
import re
import secrets
import sqlite3
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from rest_framework import serializers

from hours import ledger, policy
from hours.errors import NotAllowed
from hours.models import LedgerEntry
from hours.selectors import policy_params_by_year
from leave_tracker.params import MAX_YEAR, MIN_YEAR

from . import services
from .models import Agency, Employee, Enrollment, MentoringOrganization, Pilot, Role
from .roles import roles_of
from .serializers import EmployeeSerializer, EnrollmentSerializer

User = get_user_model()

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv"

# A roster is one agency's: 20,000 rows is far above the largest pilot and keeps one import
# within a request's time.
MAX_ROWS = 20_000
# A roster workbook has a dozen parts; its XML is rarely more than ten times the zipped size.
MAX_ZIP_ENTRIES = 200
UNZIPPED_PER_ZIPPED_BYTE = 20
# Columns read from a sheet; a cell further right than this is never looked at.
MAX_COLUMNS = 64
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
        f"{', '.join(units)}. Units 6, 8 and 18 are not covered by mentoring leave, "
        "so their employees cannot be enrolled."
    )


def _appointments() -> str:
    return "; ".join(
        f"{code} ({label}{'' if code in policy.ELIGIBLE_APPOINTMENTS else ', not eligible'})"
        for code, label in policy.APPOINTMENTS.items()
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
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS = tuple(column.name for column in COLUMNS if column.required)
DATE_COLUMNS = ("commitment_starts_on", "commitment_ends_on")
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
}


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterError:
    """One problem: the spreadsheet row (the header is row 1), the column, and why."""

    row: int | None
    column: str | None
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


class RosterFileError(Exception):
    """The file as a whole cannot be read as a roster."""

    def __init__(self, errors: list[RosterError], status: int = 400) -> None:
        super().__init__(errors[0].message)
        self.errors = errors
        self.status = status


def _file_error(message: str, code: str = "invalid_file", status: int = 400) -> RosterFileError:
    return RosterFileError([RosterError(None, None, message, code)], status=status)


@dataclass
class ImportResult:
    agency: str
    dry_run: bool
    file_name: str = ""
    rows: int = 0
    employees_created: int = 0
    employees_updated: int = 0
    enrollments_created: int = 0
    enrollments_updated: int = 0
    rows_unchanged: int = 0
    errors: list[RosterError] = field(default_factory=list)
    # The HTTP answer: 200, 400 (bad file or rows), 409 (changed meanwhile), 413 (too large).
    status: int = 200

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(
            self.employees_created
            or self.employees_updated
            or self.enrollments_created
            or self.enrollments_updated
        )

    @property
    def detail(self) -> str:
        if self.errors:
            rows = {error.row for error in self.errors if error.row}
            if not rows:
                return f"The roster was not imported: {self.errors[0].message} Nothing was changed."
            count = f"{len(rows)} row has" if len(rows) == 1 else f"{len(rows)} rows have"
            return (
                f"The roster was not imported: {count} problems, listed in errors. "
                "Nothing was changed."
            )
        counts = (
            f"{_count(self.employees_created, 'employee')} added, "
            f"{self.employees_updated} changed; "
            f"{_count(self.enrollments_created, 'roster line')} added, "
            f"{self.enrollments_updated} changed; "
            f"{_count(self.rows_unchanged, 'row')} already up to date."
        )
        if self.dry_run:
            return (
                f"Checked {_count(self.rows, 'row')} for {self.agency}: no problems. "
                f"Importing would leave {counts} Nothing was saved (dry run)."
            )
        return f"Imported {_count(self.rows, 'row')} into {self.agency}: {counts}"

    def as_dict(self) -> dict[str, object]:
        return {
            "detail": self.detail,
            "agency": self.agency,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "employees_created": self.employees_created,
            "employees_updated": self.employees_updated,
            "enrollments_created": self.enrollments_created,
            "enrollments_updated": self.enrollments_updated,
            "rows_unchanged": self.rows_unchanged,
            "errors": [error.as_dict() for error in self.errors],
        }


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# --- Reading the file ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    formula: bool = False
    error: bool = False


@dataclass
class Sheet:
    """The rows of the file as read: (spreadsheet row number, cells)."""

    rows: list[tuple[int, list[Cell]]]


NOT_A_ROSTER = (
    "The file is not a roster spreadsheet: upload an Excel workbook (.xlsx) or a CSV file "
    "saved from the roster template."
)


def _too_large() -> RosterFileError:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    return _file_error(
        f"The file is larger than the {limit / 1024 / 1024:.3g} MB a roster file may be.",
        code="too_large",
        status=413,
    )


def refused_as_too_large(*, agency: Agency, dry_run: bool = False) -> ImportResult:
    """The answer to an upload whose announced length is already over the limit."""
    error = _too_large()
    return ImportResult(agency.code, dry_run, errors=error.errors, status=error.status)


def _read_upload(uploaded_file) -> tuple[str, bytes]:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    name = os.path.basename(str(getattr(uploaded_file, "name", "") or ""))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if not data.strip():
        raise _file_error("The file is empty.", code="empty_file")
    return name, data


def read_sheet(data: bytes, name: str = "") -> Sheet:
    """The rows of an xlsx or csv roster file, or RosterFileError. Decided by the content,
    not the name: a picture renamed roster.xlsx is still a picture."""
    lowered = name.lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_sheet(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            "The file is an old-style Excel .xls workbook: open it in Excel and save it as "
            "an Excel Workbook (.xlsx), or as CSV.",
            code="unsupported_format",
        )
    if lowered.endswith((".xlsx", ".xlsm")):
        raise _file_error(
            f"{name} is named like an Excel workbook but its content is not one. " + NOT_A_ROSTER,
            code="not_a_spreadsheet",
        )
    return _csv_sheet(data)


def _check_zip(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than its size (a zip bomb) before
    openpyxl opens it. zipfile never unpacks more than an entry's declared size, so the
    declared sizes are a real bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _file_error(
            f"The workbook has {len(entries):,} parts; a roster workbook has a few dozen at "
            "most. Save the roster in a new workbook.",
            code="unsafe_file",
        )
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > UNZIPPED_PER_ZIPPED_BYTE * settings.ROSTER_UPLOAD_MAX_BYTES:
        raise _file_error(
            f"The workbook unpacks to {unzipped / 1024 / 1024:,.0f} MB, far more than a roster "
            "needs; it was refused unopened.",
            code="unsafe_file",
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names:
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet")


def _xlsx_sheet(data: bytes) -> Sheet:
    _check_zip(data)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        # data_only=False: a formula cell shows its formula, so it can be refused by name.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    try:
        if SHEET_NAME in workbook.sheetnames:
            sheet = workbook[SHEET_NAME]
        elif workbook.worksheets:
            sheet = workbook.worksheets[0]
        else:
            raise _file_error("The workbook has no worksheet.", code="not_a_spreadsheet")
        # The stored dimensions may claim a million rows and columns; read only what is there.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            cells = [
                Cell(cell.value, formula=cell.data_type == "f", error=cell.data_type == "e")
                for cell in row
            ]
            while cells and cells[-1].value is None:
                cells.pop()
            if not _past_the_end(number, cells):
                rows.append((number, cells))
    except RosterFileError:
        raise
    except Exception:  # a damaged sheet fails while it streams
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet") from None
    finally:
        workbook.close()
    return Sheet(rows)


def _past_the_end(number: int, cells: list[Cell]) -> bool:
    """True for the blank rows after the last allowed one; a row with data there is refused."""
    if number <= MAX_ROWS + 1:
        return False
    if number > 2 * MAX_ROWS or any(_text(cell.value) for cell in cells):
        raise _file_error(
            f"The file has more than {MAX_ROWS:,} roster rows; split it into several files.",
            code="too_many_rows",
        )
    return True


def _csv_sheet(data: bytes) -> Sheet:
    if b"\x00" in data[:65536]:
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet")
    for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves CSV as cp1252
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(NOT_A_ROSTER, code="not_a_spreadsheet")
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cells = [_csv_cell(value) for value in record[:MAX_COLUMNS]]
            if not _past_the_end(number, cells):
                rows.append((number, cells))
    except csv.Error:
        raise _file_error(
            "The file could not be read as CSV (" + NOT_A_ROSTER[:-1].lower() + ").",
            code="not_a_spreadsheet",
        ) from None
    return Sheet(rows)


def _csv_cell(value: str) -> Cell:
    # The export writes text that starts with = + - @ behind an apostrophe, so that a
    # spreadsheet program does not run it as a formula; the import takes it off again.
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return Cell(value[1:])
    return Cell(value, formula=value.lstrip().startswith("="))


def _text(value) -> str:
    """A cell's value as the text a person sees, without surrounding spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- Dates --------------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_MONTH_FORMATS = ("%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y")
DATE_HINT = "write it as 2026-09-01, 09/01/2026 or Sept 1 2026"


def parse_date(value) -> dt.date:
    """A date from a cell: a date cell, an Excel serial number, or text in a common format.
    Raises ValueError with a sentence for the person who typed it."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        day = _serial_date(value)
    else:
        day = _text_date(_text(value))
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(
            f"{day:%B %-d, %Y} is out of range: dates run from {MIN_YEAR} to {MAX_YEAR}."
        )
    return day


def _serial_date(value: float) -> dt.date:
    if not 1 <= value < 2958466:  # Excel's calendar ends on December 31, 9999
        raise ValueError(f"{value:g} is not a date; {DATE_HINT}.")
    return from_excel(value).date()


def _text_date(text: str) -> dt.date:
    if not text:
        raise ValueError("This column is required.")
    for pattern, order in ((_ISO, "ymd"), (_US, "mdy")):
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(part) for part in match.groups()), strict=True))
            return _calendar_date(text, parts["y"], parts["m"], parts["d"])
    if _SERIAL.match(text):
        return _serial_date(float(text))
    words = re.sub(r"[,.]", " ", text).split()
    words = ["Sep" if word.lower() == "sept" else word for word in words]
    for date_format in _MONTH_FORMATS:
        try:
            return dt.datetime.strptime(" ".join(words), date_format).date()
        except ValueError:
            continue
    raise ValueError(f"{text[:40]!r} is not a date; {DATE_HINT}.")


def _calendar_date(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        order = " (the month comes first: MM/DD/YYYY)" if "/" in text else ""
        raise ValueError(f"{text!r} is not a real date: there is no month {month}{order}.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(
            f"{text!r} is not a real date: {calendar.month_name[month]} {year} has {days} days."
        )
    return dt.date(year, month, day)


# --- Checking rows, without the database ---------------------------------------------------------


@dataclass
class Line:
    """One data row, cleaned. A column with an error is in `bad` and its value is not used."""

    row: int
    values: dict[str, object] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    failed: bool = False
    employee_new: bool = False
    employee_changes: dict[str, list[str]] = field(default_factory=dict)

    def __getattr__(self, name: str):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


def _header(cells: list[Cell]) -> tuple[list[str | None], list[RosterError]]:
    """The column name of each position, or errors naming each misspelled or missing one."""
    texts = [_text(cell.value) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    if not texts:
        return [], [
            RosterError(
                1,
                None,
                "Row 1 must name the columns: " + ", ".join(COLUMN_NAMES) + ".",
                "missing_header",
            )
        ]
    names: list[str | None] = []
    errors: list[RosterError] = []
    for position, text in enumerate(texts, start=1):
        letter = get_column_letter(position)
        key = re.sub(r"[\s\-]+", "_", text.lower())
        if not key:
            errors.append(
                RosterError(
                    1, letter, f"Column {letter} has no header; name it or delete it.", "header"
                )
            )
            names.append(None)
        elif key not in COLUMN_NAMES:
            close = difflib.get_close_matches(key, COLUMN_NAMES, n=1)
            hint = f" Did you mean {close[0]}?" if close else " Remove the column."
            errors.append(
                RosterError(1, text, f"Unknown column {text!r} (column {letter}).{hint}", "header")
            )
            names.append(None)
        elif key in names:
            errors.append(
                RosterError(1, key, f"The column {key} appears twice (column {letter}).", "header")
            )
            names.append(None)
        else:
            names.append(key)
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors.append(RosterError(1, name, f"The column {name} is missing.", "header"))
    return names, errors


class _Checks:
    """The API's field checks: the serializers' own fields, run one value at a time, then the
    model field's validators (its length in the database)."""

    def __init__(self) -> None:
        employee = EmployeeSerializer().fields
        self.fields: dict[str, serializers.Field] = {
            name: employee[name]
            for name in (
                "employee_number",
                "first_name",
                "last_name",
                "email",
                "bargaining_unit",
                "appointment",
            )
        }
        self.fields["status"] = EnrollmentSerializer().fields["status"]
        self.model_fields = {
            name: (User if name in USER_FIELDS else Employee)._meta.get_field(name)
            for name in self.fields
            if name != "status"
        }
        self.appointment_labels = {
            label.casefold(): code for code, label in policy.APPOINTMENTS.items()
        }

    def clean(self, name: str, text: str) -> str:
        if name == "bargaining_unit":
            text = re.sub(r"^unit\s*", "", text.lower())
        elif name == "appointment":
            text = self.appointment_labels.get(
                text.casefold(), re.sub(r"[\s\-]+", "_", text.lower())
            )
        elif name == "status":
            text = text.lower()
        field_ = self.fields[name]
        try:
            value = field_.run_validation(text)
        except serializers.ValidationError as exc:
            message = " ".join(str(item) for item in exc.detail)
            if isinstance(field_, serializers.ChoiceField):
                message += " Use one of: " + ", ".join(str(c) for c in field_.choices) + "."
            raise ValueError(message) from None
        if name in self.model_fields:
            try:
                self.model_fields[name].run_validators(value)
            except DjangoValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from None
        return value


def _lines(sheet: Sheet) -> tuple[list[Line], list[RosterError]]:
    """Every data row, cleaned, and every problem found without the database."""
    if not sheet.rows:
        return [], [RosterError(None, None, "The file has no rows.", "empty_file")]
    first_number, header_cells = sheet.rows[0]
    if first_number != 1:
        header_cells = []
    names, errors = _header(header_cells)
    if errors:
        return [], errors
    checks = _Checks()
    example = {name: _text(value) for name, value in EXAMPLE_ROW.items()}
    lines: list[Line] = []
    for number, cells in sheet.rows[1:]:
        texts = [_text(cell.value) for cell in cells]
        if not any(texts):
            continue
        row_errors: list[RosterError] = []
        by_name: dict[str, Cell] = {}
        for position, cell in enumerate(cells):
            name = names[position] if position < len(names) else None
            if name:
                by_name[name] = cell
            elif texts[position]:
                letter = get_column_letter(position + 1)
                row_errors.append(
                    RosterError(
                        number,
                        letter,
                        f"A value in column {letter}, which has no header; remove it.",
                        "extra_value",
                    )
                )
        if all(_text(by_name.get(name, Cell(None)).value) == example[name] for name in names):
            continue  # the template's example row, left as it is
        line = Line(number)
        for name in names:
            cell = by_name.get(name, Cell(None))
            try:
                line.values[name] = _clean_cell(name, cell, checks)
            except ValueError as exc:
                line.bad.add(name)
                code = getattr(exc, "code", "invalid")
                row_errors.append(RosterError(number, name, str(exc), code))
        line.values.setdefault("status", "")
        errors.extend(row_errors)
        lines.append(line)
    if not lines and not errors:
        errors.append(
            RosterError(
                None,
                None,
                "The file has a header row but no roster rows (the template's example row "
                "is skipped while it is left unchanged).",
                "no_rows",
            )
        )
    return lines, errors


class CellProblem(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _clean_cell(name: str, cell: Cell, checks: _Checks) -> object:
    if cell.formula:
        formula = str(getattr(cell.value, "text", cell.value))[:40]
        raise CellProblem(
            f"The cell holds a formula ({formula}); type the value itself, not a formula.",
            "formula",
        )
    if cell.error:
        raise CellProblem(
            f"The cell shows an error ({_text(cell.value)}); type the value.", "cell_error"
        )
    text = _text(cell.value)
    if not text:
        if name == "status":
            return ""
        raise CellProblem("This column is required.", "required")
    if name in DATE_COLUMNS:
        return parse_date(cell.value)
    if name in ("pilot", "organization"):
        return text
    if name == "employee_number" and isinstance(cell.value, dt.date):
        raise ValueError(f"{text} is a date, not an employee number.")
    return checks.clean(name, text)


# --- Checking rows against the database, and planning the writes --------------------------------


@dataclass
class _Plan:
    new_users: list = field(default_factory=list)
    new_employees: list[Employee] = field(default_factory=list)
    changed_users: list = field(default_factory=list)
    changed_employees: list[Employee] = field(default_factory=list)
    new_enrollments: list[Enrollment] = field(default_factory=list)
    changed_enrollments: list[Enrollment] = field(default_factory=list)
    # (kind, subject, employee, data): ledger entries, built once the subjects have keys.
    entries: list[tuple[str, object, Employee, dict]] = field(default_factory=list)
    rows_unchanged: int = 0


def _by_name(items, name=lambda item: item.name) -> dict[str, object]:
    return {name(item).casefold(): item for item in items}


def _plan(agency: Agency, lines: list[Line], errors: list[RosterError], *, by=None) -> _Plan:
    """Check every line against what is on file and work out what to write. Queries: a fixed
    handful, whatever the number of lines."""
    plan = _Plan()
    organizations = list(MentoringOrganization.objects.all())
    by_organization = _by_name(organizations)
    pilots = list(Pilot.objects.select_related("agency"))
    own_pilots = _by_name(p for p in pilots if p.agency_id == agency.pk)
    other_pilots = _by_name(p for p in pilots if p.agency_id != agency.pk)

    numbers = [line.employee_number for line in lines if "employee_number" not in line.bad]
    on_file = {
        employee.employee_number: employee
        for employee in Employee.objects.filter(employee_number__in=numbers).select_related(
            "user", "agency"
        )
    }
    # Accounts whose email only an administrator changes (services.check_may_change).
    privileged = {e.user_id for e in on_file.values() if e.user.is_superuser} | set(
        Role.objects.filter(user_id__in=[e.user_id for e in on_file.values()]).values_list(
            "user_id", flat=True
        )
    )
    usernames_taken = set(
        User.objects.filter(username__in=[n for n in numbers if n not in on_file]).values_list(
            "username", flat=True
        )
    )
    ours = [employee.pk for employee in on_file.values() if employee.agency_id == agency.pk]
    roster = {
        (enrollment.employee_id, enrollment.pilot_id): enrollment
        for enrollment in Enrollment.objects.filter(employee_id__in=ours).select_related(
            "organization"
        )
    }
    years = {
        line.commitment_starts_on.year for line in lines if "commitment_starts_on" not in line.bad
    }
    params = policy_params_by_year(years)

    first_row: dict[str, int] = {}
    for line in lines:
        fail = _failer(line, errors)
        number = None if "employee_number" in line.bad else line.employee_number
        if number in first_row:
            fail(
                "employee_number",
                f"Employee number {number} is also on row {first_row[number]}; "
                "list each employee once.",
                "duplicate",
            )
            continue
        if number:
            first_row[number] = line.row

        pilot = organization = None
        if "pilot" not in line.bad:
            key = line.pilot.casefold()
            pilot = own_pilots.get(key) or other_pilots.get(key)
            if pilot is None:
                names = sorted(p.name for p in own_pilots.values())
                fail(
                    "pilot",
                    f"{agency.code} has no pilot named {line.pilot!r}."
                    + (f" Its pilots: {', '.join(names)}." if names else ""),
                    "unknown_pilot",
                )
        if "organization" not in line.bad:
            organization = by_organization.get(line.organization.casefold())
            if organization is None:
                fail(
                    "organization",
                    f"No mentoring organization is named {line.organization!r}; use a name "
                    "from the Notes sheet of the roster template.",
                    "unknown_organization",
                )

        employee = _plan_employee(agency, line, on_file, usernames_taken, fail)
        if employee is None or line.failed or pilot is None or organization is None:
            continue
        if not line.employee_new:
            try:
                _check_may_change(
                    line,
                    employee,
                    roster.get((employee.pk, pilot.pk)),
                    organization,
                    by=by,
                    privileged=employee.user_id in privileged,
                )
            except NotAllowed as refusal:
                fail("employee_number", str(refusal), "not_allowed")
                continue
        _plan_enrollment(plan, line, employee, pilot, organization, roster, params, fail)
    return plan


def _check_may_change(
    line: Line, employee: Employee, enrollment, organization, *, by, privileged: bool
) -> None:
    """The API's rule for who may change whom (services.check_may_change), for a line that
    would change something: an unchanged line, one's own included, passes."""
    enrollment_changes = enrollment is None or services.field_changes(
        enrollment,
        {
            "organization_id": organization.pk,
            "commitment_starts_on": line.commitment_starts_on,
            "commitment_ends_on": line.commitment_ends_on,
            "status": line.status or enrollment.status,
        },
    )
    if line.employee_changes or enrollment_changes:
        services.check_may_change(
            by=by, employee=employee, changed=line.employee_changes, privileged=privileged
        )


def _failer(line: Line, errors: list[RosterError]):
    line.failed = bool(line.bad)

    def fail(column: str, message: str, code: str = "invalid") -> None:
        line.failed = True
        errors.append(RosterError(line.row, column, message, code))

    return fail


def _plan_employee(agency, line, on_file, usernames_taken, fail) -> Employee | None:
    if any(name in line.bad for name in ("employee_number", *EMPLOYEE_FIELDS, *USER_FIELDS)):
        return None
    number = line.employee_number
    employee = on_file.get(number)
    if employee is None:
        if number in usernames_taken:
            fail(
                "employee_number",
                f"The username {number!r} is already taken, so an account for employee "
                f"{number} cannot be made.",
                "username_taken",
            )
            return None
        # No usable password, as set_unusable_password() gives, from one call to the random
        # source instead of forty: a large roster adds thousands of accounts at once.
        user = User(
            **{name: line.values[name] for name in USER_FIELDS},
            username=number,
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
        )
        employee = Employee(
            user=user,
            agency=agency,
            employee_number=number,
            **{name: line.values[name] for name in EMPLOYEE_FIELDS},
        )
        line.employee_new = True
        return employee
    if employee.agency_id != agency.pk:
        fail(
            "employee_number",
            f"Employee number {number} is already on file for another agency; an import "
            f"adds or changes {agency.code} employees only.",
            "other_agency",
        )
        return None
    line.employee_new = False
    fields = {name: line.values[name] for name in EMPLOYEE_FIELDS}
    user_fields = {name: line.values[name] for name in USER_FIELDS}
    line.employee_changes = services.field_changes(employee, fields) | services.field_changes(
        employee.user, user_fields
    )
    # The new values, so that the roster rules below judge the employee as they will be.
    for name, value in fields.items():
        setattr(employee, name, value)
    for name, value in user_fields.items():
        setattr(employee.user, name, value)
    return employee


def _plan_enrollment(plan, line, employee, pilot, organization, roster, params, fail) -> None:
    enrollment = None if line.employee_new else roster.get((employee.pk, pilot.pk))
    status = line.status or (enrollment.status if enrollment else Enrollment.Status.ACTIVE)
    # As in enrollment_create (every new line) and enrollment_update (a line that stays or
    # becomes active): the same rules, from the same function.
    if enrollment is None or status == Enrollment.Status.ACTIVE:
        try:
            services.check_enrollment(
                employee=employee,
                pilot=pilot,
                organization=organization,
                commitment_starts_on=line.commitment_starts_on,
                commitment_ends_on=line.commitment_ends_on,
                params=params[line.commitment_starts_on.year],
            )
        except policy.PolicyViolation as violation:
            fail(_column_of(violation, employee), violation.detail, violation.code)
            return

    if line.employee_new:
        plan.new_users.append(employee.user)
        plan.new_employees.append(employee)
        plan.entries.append(
            (
                LedgerEntry.Kind.EMPLOYEE_CREATED,
                employee,
                employee,
                services.employee_created_data(
                    employee_number=employee.employee_number,
                    bargaining_unit=employee.bargaining_unit,
                    appointment=employee.appointment,
                ),
            )
        )
    elif line.employee_changes:
        if any(name in line.employee_changes for name in USER_FIELDS):
            plan.changed_users.append(employee.user)
        if any(name in line.employee_changes for name in EMPLOYEE_FIELDS):
            plan.changed_employees.append(employee)
        plan.entries.append(
            (LedgerEntry.Kind.EMPLOYEE_UPDATED, employee, employee, line.employee_changes)
        )

    fields = {
        "organization": organization,
        "commitment_starts_on": line.commitment_starts_on,
        "commitment_ends_on": line.commitment_ends_on,
        "status": status,
    }
    if enrollment is None:
        enrollment = Enrollment(employee=employee, pilot=pilot, **fields)
        plan.new_enrollments.append(enrollment)
        plan.entries.append(
            (
                LedgerEntry.Kind.ENROLLMENT_CREATED,
                enrollment,
                employee,
                services.enrollment_created_data(pilot=pilot, **fields),
            )
        )
        return
    changes = services.field_changes(enrollment, fields)
    if changes:
        for name, value in fields.items():
            setattr(enrollment, name, value)
        plan.changed_enrollments.append(enrollment)
        plan.entries.append((LedgerEntry.Kind.ENROLLMENT_UPDATED, enrollment, employee, changes))
    elif not line.employee_changes:
        plan.rows_unchanged += 1


def _column_of(violation: policy.PolicyViolation, employee: Employee) -> str:
    if violation.field:
        return violation.field
    if violation.code == policy.NOT_ELIGIBLE:
        covered = employee.bargaining_unit in policy.COVERED_BARGAINING_UNITS
        return "appointment" if covered else "bargaining_unit"
    return "employee_number"


# --- Writing ------------------------------------------------------------------------------------


@contextmanager
def _whole_statements():
    """Let each bulk write go out as one statement.

    Django assumes SQLite's historical limit of 999 parameters a statement and splits bulk
    writes into batches of a few dozen rows, so the query count would grow with the file.
    The SQLite library in use states its real limit (32,766 by default since 3.32, more in
    many builds); batching by that one keeps the count fixed for a roster-sized file.
    PostgreSQL is never split.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    features.max_query_params = max(limit, type(features).max_query_params)
    try:
        yield
    finally:
        del features.max_query_params


def _write(plan: _Plan, *, agency: Agency, by, result: ImportResult) -> None:
    User.objects.bulk_create(plan.new_users)
    Employee.objects.bulk_create(plan.new_employees)  # user_id comes from the saved users
    if plan.changed_users:
        User.objects.bulk_update(plan.changed_users, list(USER_FIELDS))
    if plan.changed_employees:
        Employee.objects.bulk_update(plan.changed_employees, list(EMPLOYEE_FIELDS))
    Enrollment.objects.bulk_create(plan.new_enrollments)
    if plan.changed_enrollments:
        now = timezone.now()
        for enrollment in plan.changed_enrollments:
            enrollment.updated_at = now  # bulk_update does not touch auto_now fields
        Enrollment.objects.bulk_update(
            plan.changed_enrollments,
            ["organization", "commitment_starts_on", "commitment_ends_on", "status", "updated_at"],
        )
    entries = [
        ledger.build(
            kind=kind,
            subject=subject,
            agency_id=agency.pk,
            actor=by,
            employee_id=employee.pk,
            data=data,
        )
        for kind, subject, employee, data in plan.entries
    ]
    entries.append(
        ledger.build(
            kind=LedgerEntry.Kind.ROSTER_IMPORTED,
            subject=agency,
            agency_id=agency.pk,
            actor=by,
            data={
                "file": result.file_name[:200],
                "rows": result.rows,
                "employees_created": result.employees_created,
                "employees_updated": result.employees_updated,
                "enrollments_created": result.enrollments_created,
                "enrollments_updated": result.enrollments_updated,
            },
        )
    )
    LedgerEntry.objects.bulk_create(entries)


# --- The import ---------------------------------------------------------------------------------


def import_roster(*, agency: Agency, by, uploaded_file, dry_run: bool = False) -> ImportResult:
    """Import a roster file (xlsx or csv, any readable binary file object with a name) into
    `agency`: every row or none.

    Rows add or change employees (with their user accounts, no usable password) and their
    lines on the agency's pilot rosters, under the same rules as the API. Any bad row and
    nothing is written: result.errors lists every problem with its row and column. dry_run
    checks and counts without writing. A file already in step with the roster writes nothing,
    not even a ledger entry. `by` is the user importing: a coordinator of the agency or an
    administrator (NotAllowed otherwise); None only from the command line.
    """
    if by is not None and not roles_of(by).coordinates(agency.pk):
        raise NotAllowed(f"Only a coordinator of {agency.code} can import its roster.")
    result = ImportResult(agency=agency.code, dry_run=dry_run)
    try:
        result.file_name, data = _read_upload(uploaded_file)
        sheet = read_sheet(data, result.file_name)
    except RosterFileError as exc:
        result.errors, result.status = exc.errors, exc.status
        return result
    lines, errors = _lines(sheet)
    result.rows = len(lines)
    if errors and not lines:
        result.errors, result.status = errors, 400
        return result
    try:
        with transaction.atomic(), _whole_statements():
            plan = _plan(agency, lines, errors, by=by)
            if errors:
                result.errors = sorted(errors, key=lambda e: (e.row or 0, _position(e.column)))
                result.status = 400
                return result
            result.employees_created = len(plan.new_employees)
            result.employees_updated = sum(
                1 for kind, *_ in plan.entries if kind == LedgerEntry.Kind.EMPLOYEE_UPDATED
            )
            result.enrollments_created = len(plan.new_enrollments)
            result.enrollments_updated = len(plan.changed_enrollments)
            result.rows_unchanged = plan.rows_unchanged
            if result.changed and not dry_run:
                _write(plan, agency=agency, by=by, result=result)
    except IntegrityError:
        # Someone changed the roster between the checks and the writes; all was rolled back.
        result.errors = [
            RosterError(
                None,
                None,
                "The roster changed while the file was being imported. Import it again.",
                "conflict",
            )
        ]
        result.status = 409
    return result


def _position(column: str | None) -> int:
    return COLUMN_NAMES.index(column) if column in COLUMN_NAMES else len(COLUMN_NAMES)


# --- Export and template ------------------------------------------------------------------------


def roster_rows(agency: Agency) -> list[list[object]]:
    """The agency's roster lines, one per enrollment, in the import's column order."""
    enrollments = (
        Enrollment.objects.filter(employee__agency=agency)
        .select_related("employee__user", "pilot", "organization")
        .order_by("pilot__name", "employee__employee_number")
    )
    return [
        [
            line.employee.employee_number,
            line.employee.user.first_name,
            line.employee.user.last_name,
            line.employee.user.email,
            line.employee.bargaining_unit,
            line.employee.appointment,
            line.pilot.name,
            line.organization.name,
            line.commitment_starts_on,
            line.commitment_ends_on,
            line.status,
        ]
        for line in enrollments
    ]


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")


def _cell(sheet, value, **style):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # typed text stays text: a name starting with = is not a formula
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _roster_sheet(workbook, rows: list[list[object]], *, write_only: bool):
    sheet = workbook.create_sheet(SHEET_NAME) if write_only else workbook.active
    sheet.title = SHEET_NAME
    for position, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = column.width
    sheet.column_dimensions["A"].number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, name, font=HEADER_FONT, fill=HEADER_FILL) for name in COLUMN_NAMES])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    return sheet


def export_roster(agency: Agency, *, file_format: str = "xlsx") -> bytes:
    """The agency's roster in the import's format: exported, edited and imported back."""
    rows = roster_rows(agency)
    if file_format == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(COLUMN_NAMES)
        for row in rows:
            writer.writerow([_csv_value(value) for value in row])
        return buffer.getvalue().encode("utf-8-sig")
    workbook = openpyxl.Workbook(write_only=True)
    _roster_sheet(workbook, rows, write_only=True)
    return _save(workbook)


def _csv_value(value) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def roster_template(agency: Agency | None = None) -> bytes:
    """The blank roster: a header row, an example row and a Notes sheet that explains each
    column and its allowed values (with the agency's pilots when an agency is given)."""
    workbook = openpyxl.Workbook()
    example = [EXAMPLE_ROW[name] for name in COLUMN_NAMES]
    sheet = _roster_sheet(workbook, [example], write_only=False)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    _choices(sheet, "bargaining_unit", [code for code, _ in Employee.BARGAINING_UNIT_CHOICES])
    _choices(sheet, "appointment", list(policy.APPOINTMENTS))
    _choices(sheet, "status", [choice for choice, _ in Enrollment.Status.choices])

    notes = workbook.create_sheet("Notes")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 70
    notes.column_dimensions["D"].width = 10
    notes.append(["Mentoring leave pilot roster (HR Manual 2119)"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(
        [
            "One row per employee on the Roster sheet, columns in any order. Row 2 is an "
            "example: it is skipped while it is left unchanged; replace it with real rows. "
            "Import the file (xlsx, or CSV saved from it) into your agency: all rows are "
            "imported or none, and every problem is listed with its row and column."
        ]
    )
    notes.append([])
    notes.append(["column", "what it holds", "allowed values", "required"])
    for cell in notes[4]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            [column.name, column.explains, column.allowed, "yes" if column.required else "no"]
        )
    notes.append([])
    if agency is not None:
        pilots = list(Pilot.objects.filter(agency=agency).order_by("name"))
        notes.append([f"Pilots of {agency.code}"])
        notes.cell(notes.max_row, 1).font = Font(bold=True)
        for pilot in pilots:
            notes.append([pilot.name, f"{pilot.starts_on} to {pilot.ends_on}", pilot.status])
        notes.append([])
    notes.append(["Mentoring organizations meeting the quality-assurance standards"])
    notes.cell(notes.max_row, 1).font = Font(bold=True)
    for organization in MentoringOrganization.objects.filter(meets_quality_standards=True):
        notes.append([organization.name])
    for row in notes.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    return _save(workbook)


def _choices(sheet, column: str, values: list[str]) -> None:
    letter = get_column_letter(COLUMN_NAMES.index(column) + 1)
    rule = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=column,
        error=f"Use one of: {', '.join(values)}.",
    )
    sheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
